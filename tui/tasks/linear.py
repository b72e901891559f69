"""Moving over from Linear: an issues CSV export as crewdeck tasks.

Columns by header name, in any case: ID (``ENG-12``; the id:
``stable_id("linear-issue", ID)``), Title, Description, Parent issue (a
"subtask of:" line), Status (by its name, ``foreign.StatusMap``: Backlog,
Todo, In Progress, In Review, Done, Canceled, Duplicate), Priority (No
priority -> none, Urgent and High -> high, Medium -> med, Low -> low),
Project (the campaign, made when missing; when a label names another
campaign, an "also in Linear project:" line), Assignee and Creator (matched
by name or e-mail against handles; an assignee matched to no one, or to a
guest, is kept in the notes: "assigned in Linear to: ..."), Labels (comma-space separated),
Created (none: the import's time), Completed and Canceled (the status, and a
"Completed: 2026-11-03T10:00:00.000Z" line in the notes), Due Date.  What someone typed that crewdeck has
no field for (``KEPT``: Estimate, Cycle Name, Project Milestone, Initiatives, and the links Blocked by, Related to,
Duplicate of) is
a "COLUMN: value" line in the notes; the columns Linear fills itself (Team,
Updated, Started, the ids, UUID, Time in status) are not kept.

Linear writes a ``'`` before text that starts with ``+ - = @`` (so that a
spreadsheet does not read it as a formula); it is taken off again.

An issue's ``home`` is its team (the ID's prefix, ``ENG`` of ``ENG-12``)
and project: a file's homes are what it is an export of (``lastimport``:
which earlier imports' issues it may list as gone).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from crewdeck.tui.tasks.foreign import Item, People, StatusMap, day, instant, match_person, read_csv
from crewdeck.tui.workspace.errors import REQUIRED_CELL
from crewdeck.tui.workspace.workspace import slug

#: The columns a file must have, its id column first.
REQUIRED = ("ID", "Title")
#: Columns typed in Linear that crewdeck has no field for: each a "COLUMN: value" line in the notes (the issues it is
#: linked to too, as its 34-column export writes them: an Asana task's dependencies are kept so).
KEPT = ("Estimate", "Cycle Name", "Project Milestone", "Initiatives", "Blocked by", "Related to", "Duplicate of")
#: The other columns read, by these names in any case.
COLUMNS = (
    "Description", "Parent issue", "Status", "Priority", "Project", "Assignee", "Creator", "Labels", "Created", "Completed", "Canceled",
    "Due Date", *KEPT,
)  # fmt: skip
#: What the columns an issue's fields come from are called, for the problems ("Description: text may not hold ...").
FIELDS = {
    "title": "Title", "notes": "Description", "status": "Status", "due": "Due Date", "created_at": "Created", "priority": "Priority",
    "tags": "Labels", "campaign": "Labels", "platform": "Labels", "project": "Project", "assignee": "Assignee",
}  # fmt: skip
PRIORITY = {"no priority": "none", "": "none", "urgent": "high", "high": "high", "medium": "med", "low": "low"}


def unquoted(text: str) -> str:
    """Linear's cell text without the ``'`` it puts before ``+ - = @``."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "+-=@" else text


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
    """Each row as an ``Item``; every bad row goes into ``problems``, the status it names into ``statuses.named``, the
    header's columns into ``columns`` once it is read."""
    for where, raw in read_csv(stream, source, REQUIRED, COLUMNS, problems, statuses, columns):
        row = {name: unquoted(value) for name, value in raw.items()}
        statuses.saw(row.get("Status", ""))
        issue = row["ID"].strip()
        if not issue:
            problems.append(f"{where}: ID: {REQUIRED_CELL}")
            continue
        try:
            yield _item(row, issue, where, ws_people, people, unmatched)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")


def home(item: Item) -> str:
    """Where in Linear the issue lives: ``TEAM/project-slug`` (``TEAM/`` for none)."""
    return f"{item.source_id.rpartition('-')[0]}/{slug(item.project or '')}"


def _item(row: dict[str, str], issue: str, where: str, ws_people: dict[str, str], people: People, unmatched: set[str]) -> Item:
    item = Item(source_id=issue, where=where, title=row["Title"], texts=[(column, value) for column, value in row.items() if value])
    if row.get("Description", "").strip():
        item.notes.append(row["Description"].rstrip())
    if row.get("Parent issue", "").strip():
        item.notes.append(f"subtask of: {row['Parent issue'].strip()}")
    item.notes.extend(f"{column}: {row[column].strip()}" for column in KEPT if row.get(column, "").strip())
    item.status_name = row.get("Status", "").strip() or None
    priority = row.get("Priority", "").strip().lower()
    if priority not in PRIORITY:
        raise ValueError(f"Priority: {row['Priority']!r} is not No priority, Urgent, High, Medium or Low")
    item.priority = PRIORITY[priority]
    for column in ("Created", "Completed", "Canceled"):
        value = row.get(column, "").strip()
        if not value:
            continue
        try:
            when = instant(value)
        except ValueError as exc:
            raise ValueError(f"{column}: {exc}") from None
        if column == "Created":
            item.created_at = when
        else:
            # crewdeck keeps no time a task was closed: it is a line of the notes, as the columns in ``KEPT`` are.
            item.status = "done" if column == "Completed" else "cancelled"
            item.notes.append(f"{column}: {value}")
    due = row.get("Due Date", "").strip()
    if due:
        try:
            item.due = day(due)
        except ValueError as exc:
            raise ValueError(f"Due Date: {exc}") from None
    item.labels = [label.strip() for label in row.get("Labels", "").split(", ") if label.strip()]
    item.project = row.get("Project", "").strip() or None
    assignee = row.get("Assignee", "").strip()
    if assignee:
        item.assigned_as = assignee
        handle = match_person(assignee, assignee if "@" in assignee else "", ws_people)
        if handle is None:
            unmatched.add(assignee)
        else:
            people.add(handle, handle)
            item.people.append(handle)
    creator = row.get("Creator", "").strip()
    if creator:
        handle = match_person(creator, creator if "@" in creator else "", ws_people)
        # One matched to no member is named as the file names them ("Jane Doe"), not as a handle nobody here has.
        item.author = (handle or creator, item.created_at[:10] if item.created_at else None)
    return item
