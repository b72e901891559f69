"""Text longer than a task holds, never cut short of a word and never lost: notes in parts, titles, tags and projects cut.

Notes longer than a task holds (``MAX_NOTES``) are the notes of several
tasks: the first holds what fits and ends with a line saying where they go
on (``going_on``), and the rest go on in tasks titled "TITLE (notes 2/N)"
(``part_title``), of the task's status but todo for a task someone is at
(``part_status``).  Every importer that meets such notes does so (Trello,
Asana, Linear: ``foreign``; Taskwarrior's annotations: ``taskwarrior``), and
names each part's first task in ``Source.continues``: a re-import that keeps
that task's notes as a local edit, or leaves it removed here, writes none of
the file's parts, and its summary names the task among none whose notes go
on (``went_on_notes``).
A project's name longer than a campaign's is cut, and kept whole on a
"project: ..." line of each of its tasks' notes (``campaign_name``), by them all.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Container, Mapping

from crewdeck.sync.state.records import MAX_NAME, MAX_NOTES, MAX_TITLE
from crewdeck.tui.workspace.errors import summary
from crewdeck.tui.workspace.merging import Source, strip_credit
from crewdeck.tui.workspace.words import counted

#: What the first of a task's parts holds of notes longer than a task holds: room is left for the line saying where
#: they go on, and for the credit the merge adds.
NOTES_ROOM = MAX_NOTES - 1_000
#: That line, at the end of the first task's notes (``going_on``).
#: Up to 999 more tasks (99 million characters): a larger number is not one an import wrote, and asks no query of that size.
GOING_ON = re.compile(r"\n\(the notes go on in ([1-9]\d{0,2}) more tasks?: [^\n]*\)\Z")
#: What that line begins with: the notes SQL reads whole are only those that hold it.
_GOING_ON_START = "\n(the notes go on in "


def parts_here(conn: sqlite3.Connection, task_ids: list[str]) -> dict[str, int]:
    """How many tasks the notes of each task here among ``task_ids`` are in, for those in more than one (a few: only their
    notes are read, in one query); not a task removed here, which takes none of a file's parts (a local delete wins)."""
    if not task_ids:
        return {}
    sql = "SELECT id, notes FROM task WHERE id IN (SELECT value FROM json_each(?)) AND deleted = 0 AND instr(notes, ?) > 0"
    found = {}
    for task_id, notes in conn.execute(sql, (json.dumps(task_ids), _GOING_ON_START)):
        going_on_line = GOING_ON.search(strip_credit(notes, "\n")[0])
        if going_on_line:
            found[task_id] = int(going_on_line.group(1)) + 1
    return found


#: Up to about this many tasks, a workspace is read whole for notes that go on in more tasks at all (a few ms);
#: past it, only each batch's tasks are (well under a ms a batch), whatever the workspace holds.
_SCANNED_WHOLE = 20_000


class PartsHere:
    """``parts_here`` for an import's batches.  A small workspace (a first import's) is asked once, at the first batch,
    whether notes go on in more tasks anywhere, sparing each batch its query; a large one is asked by batch, which
    costs by the size of the file, where a scan of every task's notes would cost each small import by the workspace's."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.any: bool | None = None

    def __call__(self, task_ids: list[str]) -> dict[str, int]:
        if self.any is None:
            # The largest rowid, from the table's b-tree: about how many tasks, without counting them.
            (largest,) = self.conn.execute("SELECT max(rowid) FROM task").fetchone()
            sql = "SELECT 1 FROM task WHERE deleted = 0 AND instr(notes, ?) > 0 LIMIT 1"
            self.any = (largest or 0) > _SCANNED_WHOLE or self.conn.execute(sql, (_GOING_ON_START,)).fetchone() is not None
        return parts_here(self.conn, task_ids) if self.any else {}


def take_away(batch: Source, task_id: str, part_id: str, where: str) -> None:
    """Plan the task holding a part of ``task_id``'s notes that the file's shorter notes no longer go on in: removed
    (``merging.Source.taken_away``), unless changed here since or the task's notes are kept here."""
    batch.records.append(("task", part_id, {}))
    batch.where[part_id] = where
    batch.continues[part_id] = task_id
    batch.taken_away.add(part_id)


def notes_parts(text: str) -> list[str]:
    """``text`` in parts a task's notes hold, each cut after a line break where it has one: joined, they are ``text``."""
    parts = []
    while len(text) > NOTES_ROOM:
        end = text.rfind("\n", 0, NOTES_ROOM) + 1 or NOTES_ROOM
        parts.append(text[:end])
        text = text[end:]
    return [*parts, text]


def part_title(title: str, number: int, total: int) -> str:
    """The title of the task holding part ``number`` of a task's notes: "Launch post (notes 2/3)"."""
    said = f" (notes {number}/{total})"
    return cut(title, MAX_TITLE - len(said)) + said


#: The statuses of a task someone is at: not the tasks its notes go on in (``part_status``).
_AT_WORK = ("doing", "review")


def part_status(status: str) -> str:
    """The status of a task that holds a part of another's notes: that task's, but todo for one someone is at (doing, in
    review): only the task itself is work in progress, its notes' parts are not more of it."""
    return "todo" if status in _AT_WORK else status


def going_on(title: str, total: int) -> str:
    """The line that ends the first task's notes when they go on in ``total - 1`` more tasks."""
    more = f"{total - 1} more {'task' if total == 2 else 'tasks'}"
    return f"(the notes go on in {more}: “{part_title(title, 2, total)}”{' and after' if total > 2 else ''})"


def went_on_notes(went_on: Mapping[str, str], left_alone: Container[str]) -> list[str]:
    """The summary's remark on the tasks whose notes go on in more tasks (``went_on``: their ids -> titles), once the
    merge is done: but the tasks it left as they are here (``left_alone``: ``merging.Source.notes_left_alone``), whose
    parts it wrote none of; no remark when that is all of them."""
    titles = [cut(title, 40) for task_id, title in went_on.items() if task_id not in left_alone]
    said = f"notes longer than a task holds ({MAX_NOTES:,} characters) go on in more tasks, titled (notes 2/N), nothing cut"
    return [f"{said}: {summary(titles)}"] if titles else []


def campaign_name(name: str, project: str, whole: list[str], cut_names: dict[str, None]) -> str:
    """The name of the campaign for a project named ``name``: cut to a campaign's when longer (``MAX_NAME``), and then
    the project as its source writes it (``project``) kept whole on a "project: ..." line of ``whole`` (the first lines
    of the task's notes) and the cut name added to ``cut_names`` (for ``cut_projects_note``)."""
    if not name[MAX_NAME:]:  # a slice, not len(): a name that fits (nearly every one) costs no call
        return name
    whole.append(f"project: {project}")
    short = cut(name, MAX_NAME)
    cut_names.setdefault(short)
    return short


def cut_projects_note(names: list[str]) -> str:
    """The summary's remark on the projects' names cut to a campaign's (``names``, as cut)."""
    return (
        f"{counted(len(names), 'project name')} longer than a campaign's name holds ({MAX_NAME} characters) cut,"
        f" whole on a “project: …” line of its tasks' notes: {summary([cut(n, 40) for n in names])}"
    )


#: How far back from a limit a cut looks for the end of a word (a quarter of a short limit at most).
_NEAR = 40


def cut(text: str, limit: int) -> str:
    """``text`` when it fits in ``limit`` characters; else cut to fit, ending in "…": after a word where one ends near the limit."""
    if len(text) <= limit:
        return text
    return cut_word(text, limit - 1, " ") + "…"


def cut_word(text: str, limit: int, between: str = "-") -> str:
    """``text`` up to ``limit`` characters: where a word ends (before ``between``) near the limit, else at it."""
    if len(text) <= limit:
        return text
    at = text.rfind(between, max(limit - min(_NEAR, limit // 4), 1), limit + 1)
    return (text[:at] if at > 0 else text[:limit]).rstrip(between)
