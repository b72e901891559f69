"""Moving over from Asana: a project's CSV export as crewdeck tasks.

Columns are found by their header, in any order and case: Task ID (the id:
``stable_id("asana-task", id)``), Name (title), Notes, Section/Column
(status by its name, ``foreign.StatusMap``), Completed At (done, and a
"Completed At: 2026-11-03" line in the notes), Due
Date (due at 17:00 in the assignee's zone), Start Date (a "start:" line),
Created At (a day: noon where the import reads days, --default-tz or the importer's zone; none: the import's time), Assignee and Assignee Email (matched by full name or by the
e-mail's local part against handles, a full name two members share matching
neither; unmatched ones listed, and kept in the
notes: "assigned in Asana to: Jane Doe (jane@example.com)"), Tags (comma
separated), Projects (the first one is the campaign, made when missing;
when a tag names another campaign, an "also in Asana project:" line, as
for each other project),
Parent task (a "subtask of:" line) and the custom field Priority
(High / Medium / Low; an option of the team's own, "Urgent", leaves the
task with none and is a "Priority: Urgent" line of the notes, named in
the summary).  Every other column but Last Modified (Asana's own
stamp) is a custom field or a dependency someone typed: a non-empty cell is
a "COLUMN: value" line in the notes.

A Task ID a spreadsheet rounded (``1.20123E+15``) is refused: it names no
task, and would be a second one when a clean export comes in.

A task's ``home`` is its project: a file's homes are what it is an export
of (``lastimport``: which earlier imports' tasks it may list as gone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from crewdeck.tui.tasks.foreign import Item, People, StatusMap, day, match_person, read_csv
from crewdeck.tui.workspace.errors import REQUIRED_CELL
from crewdeck.tui.workspace.workspace import slug

#: The columns a file must have, its id column first.
REQUIRED = ("Task ID", "Name")
#: The other columns read, by these names in any case.
COLUMNS = (
    "Notes", "Parent task", "Section/Column", "Completed At", "Due Date", "Start Date", "Created At", "Priority", "Tags", "Projects",
    "Assignee", "Assignee Email",
)  # fmt: skip
#: A column Asana fills itself, nobody types: not kept.
NOT_TYPED = frozenset({"last modified"})
#: What the columns a task's fields come from are called, for the problems ("Notes: text may not hold ...").
FIELDS = {
    "title": "Name", "notes": "Notes", "status": "Section/Column", "due": "Due Date", "created_at": "Created At", "priority": "Priority",
    "tags": "Tags", "campaign": "Tags", "platform": "Tags", "project": "Projects", "assignee": "Assignee",
}  # fmt: skip
PRIORITY = {"high": "high", "medium": "med", "low": "low", "": None}
#: A Task ID (16 digits) as a spreadsheet writes a number that long: 1.20123E+15 (a decimal comma in some locales).
_ROUNDED = re.compile(r"\d[.,]\d*E\+\d+\Z", re.IGNORECASE)


def items(
    stream: Iterable[str],
    source: str,
    ws_people: dict[str, str],
    people: People,
    unmatched: set[str],
    problems: list[str],
    statuses: StatusMap,
    columns: set[str],
) -> Iterator[Item]:
    """Each row as an ``Item``; every bad row goes into ``problems``, the section it names into ``statuses.named``, the
    header's columns into ``columns`` once it is read."""
    for where, row in read_csv(stream, source, REQUIRED, COLUMNS, problems, statuses, columns):
        statuses.saw(row.get("Section/Column", ""))
        task_id = row["Task ID"].strip()
        if not task_id:
            problems.append(f"{where}: Task ID: {REQUIRED_CELL}")
            continue
        if _ROUNDED.match(task_id):
            problems.append(f"{where}: Task ID: a spreadsheet rounded it: export the project from Asana again (or keep the column as text)")
            continue
        try:
            yield _item(row, task_id, where, ws_people, people, unmatched)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")


def home(item: Item) -> str:
    """Where in Asana the task lives: its (first) project's slug, ``""`` for none."""
    return slug(item.project or "")


def _item(row: dict[str, str], task_id: str, where: str, ws_people: dict[str, str], people: People, unmatched: set[str]) -> Item:
    item = Item(source_id=task_id, where=where, title=row["Name"], texts=[(column, value) for column, value in row.items() if value])
    if row.get("Notes", "").strip():
        item.notes.append(row["Notes"].rstrip())
    if row.get("Parent task", "").strip():
        item.notes.append(f"subtask of: {row['Parent task'].strip()}")
    item.notes.extend(_custom_fields(row))
    section = row.get("Section/Column", "").strip()
    item.status_name = section or None
    for column in ("Completed At", "Due Date", "Start Date", "Created At"):
        value = row.get(column, "").strip()
        if not value:
            continue
        try:
            when = day(value)
        except ValueError as exc:
            raise ValueError(f"{column}: {exc}") from None
        if column == "Completed At":
            # crewdeck keeps no time a task was closed: the day is a line of the notes, as a column read for nothing else.
            item.status = "done"
            item.notes.append(f"{column}: {value}")
        elif column == "Due Date":
            item.due = when
        elif column == "Start Date":
            item.notes.append(f"start: {when}")
        else:
            # A day with no time: noon where the import reads days (``foreign._created``); midnight UTC was the day before
            # in the Americas ("created Mon 11-09 21:00 -03" for a task Asana says was made on the 10th).
            item.created_at = when
    priority = row.get("Priority", "").strip()
    if priority.lower() in PRIORITY:
        item.priority = PRIORITY[priority.lower()]
    else:
        # A custom field whose options are the team's own (Urgent, P1): which of them is high is theirs to say.
        item.kept_priority = priority
        item.notes.append(f"Priority: {priority}")
    item.labels = [t.strip() for t in row.get("Tags", "").split(",") if t.strip()]
    projects = [p.strip() for p in row.get("Projects", "").split(",") if p.strip()]
    item.project = projects[0] if projects else None
    item.notes.extend(f"also in Asana project: {project}" for project in projects[1:])
    name, email = row.get("Assignee", "").strip(), row.get("Assignee Email", "").strip()
    if name or email:
        item.assigned_as = f"{name} ({email})" if name and email else name or email
        handle = match_person(name, email, ws_people)
        if handle is None:
            unmatched.add(email or name)
        else:
            people.add(handle, handle)
            item.people.append(handle)
    return item


def _custom_fields(row: dict[str, str]) -> list[str]:
    """A "COLUMN: value" line for each non-empty cell of a column read for nothing else."""
    read = {name.casefold() for name in (*REQUIRED, *COLUMNS)} | NOT_TYPED
    return [f"{name}: {value.strip()}" for name, value in row.items() if name and name.casefold() not in read and value.strip()]
