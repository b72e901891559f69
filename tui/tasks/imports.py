"""``crewdeck import --from trello|asana|linear``: a file read into a ``merging.Source``, and what the import says.

The records are merged like every import (``crewdeck.tui.workspace.merging``),
read and written a batch at a time in one transaction (``merge_stream``);
on top of that, a newer export of the same source changes only the fields
nobody changed in crewdeck since its last import (``lastimport``), and the tasks an
earlier import of what the file is a newer export of (the same board; for a
CSV, an import whose projects the file holds too) wrote that the file no
longer holds are left alone and listed.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.pathnames import system_name
from crewdeck.tui.tasks import asana, linear, trello
from crewdeck.tui.tasks.foreign import Built, Item, People, StatusMap, build
from crewdeck.tui.workspace.columns import cut
from crewdeck.tui.workspace.errors import empty_file, not_utf8, source_name
from crewdeck.tui.workspace.errors import summary as first_few
from crewdeck.tui.workspace.exchange import ImportProblems
from crewdeck.tui.workspace.jsonstream import EmptyFile, NotJson, NotUtf8, Readable
from crewdeck.tui.workspace.lastimport import Guard, remember
from crewdeck.tui.workspace.merging import Merge, merge_stream, stable_id
from crewdeck.tui.workspace.unassigned import not_members_here
from crewdeck.tui.workspace.utf16 import Utf8, text_encoding
from crewdeck.tui.workspace.words import counted, names
from crewdeck.tui.workspace.workspace import Member, Workspace, folded_name

FORMATS = ("trello", "asana", "linear")
#: What each format calls a record, for the summary.
NOUN = {"trello": "card", "asana": "task", "linear": "issue"}


@dataclass
class Planned:
    """An import worked out and not yet written."""

    built: Built
    merge: Merge
    #: ``lastimport`` key: which earlier imports count as this source's.
    key: str
    #: Tasks earlier imports of what the file is a newer export of wrote that it no longer holds ("id title").
    missing: list[str] = field(default_factory=list)

    def summary(self, dry_run: bool) -> list[str]:
        lines = []
        if dry_run:
            lines.append('statuses (--map-status "SOURCE=STATUS" to change):')
            lines.extend(self.built.statuses.lines() or ["  (none named)"])
            if post_lines := self.built.statuses.post_lines():
                lines.append('post states of the cards labelled with a platform (--map-status "SOURCE=STATE" to change):')
                lines.extend(post_lines)
        lines.append(self.merge.said(planned=dry_run))
        if self.missing:
            shown = ", ".join(self.missing[:10]) + (f" (and {len(self.missing) - 10:,} more)" if len(self.missing) > 10 else "")
            lines.append(f"left alone, not in this file any more: {shown}")
        return lines


def run(
    fmt: str,
    path: str,
    ws: Workspace,
    me: Member | None,
    *,
    map_status: Iterable[str] = (),
    default_tz: str | None = None,
    dry_run: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    runs_of: Collection[str] | None = None,
) -> Planned:
    """Import ``path`` (a ``fmt`` export, ``-``: standard input) as ``me``, read and written a batch at a time in one transaction.

    ``ImportProblems`` names every bad record (nothing is written then);
    ``dry_run``: everything is read, decided and judged by the rules, nothing kept: it is all written
    to a private copy of the workspace (``Store.rehearsal``), so the workspace itself is only read.
    ``runs_of``: the nodes whose earlier imports count (``lastimport.Guard``); ``None``: every node's.
    """
    statuses = StatusMap(map_status, posts=fmt == "trello")
    name = source_name(path)  # what problems and the import's notes call the file
    problems: list[str] = []
    notes: list[str] = []
    #: Where in the source the file's records live (``None``: a Trello board, named by the key).
    homes: set[str] | None = None
    with ExitStack() as closing:
        if dry_run:
            rehearsed = Workspace(closing.enter_context(ws.store.rehearsal()))
            rehearsed.reader = ws.reader
            ws = rehearsed
        if fmt == "trello":
            first, again = closing.enter_context(_twice(path))
            try:
                board = trello.board(first, name, problems)
            except NotUtf8 as exc:
                raise ImportProblems([not_utf8(name, path, exc)]) from None
            except EmptyFile:
                raise ImportProblems([empty_file(name, "a Trello board's JSON export")]) from None
            except NotJson as exc:
                raise ImportProblems([f"{name}: not a Trello board export: {exc}"]) from None
            ambiguous = _by_full_name(board, ws)
            board.stay_here({m.handle for m in ws.members()})
            key = f"trello:{board.id}"
            items = _counted(trello.cards(again, board, name, problems, statuses), board.cards, on_progress)
            built = build(
                items, board.on_board(), ws, me, name=name, kind="trello-card", statuses=statuses, default_tz=default_tz,
                problems=problems, fields=trello.FIELDS, member_fields=trello.MEMBER_FIELDS, named=board.named,
            )  # fmt: skip
            # Neither added (a third of that name) nor matched: their cards go in unassigned, "assigned in Trello to" said.
            gone = {stable_id("person", k) for k in ambiguous}
            built.source.members = [m for m in built.source.members if m.key not in gone]
            built.source.left_out.update(gone)
            on_cards = {full for k, full in ambiguous.items() if k in board.named}
            notes.extend(_unmatched_notes(on_cards, {folded_name(full) for full in on_cards}))
        else:
            people = People()
            unmatched: set[str] = set()
            for m in ws.members():
                people.add(m.handle, m.handle, m.name)
            ws_people, shared = _people_here(ws)
            module = asana if fmt == "asana" else linear
            key = fmt
            stream = closing.enter_context(_text(path))
            homes = set()
            priorities: Counter[str] = Counter()
            #: The open items with no section or status: inbox (an Asana subtask may have none).
            unplaced: list[int] = [0]
            columns: set[str] = set()
            items = _read_so_far(
                _homed(
                    module.items(stream, name, ws_people, people, unmatched, problems, statuses, columns),
                    module.home,
                    homes,
                    priorities,
                    unplaced,
                ),
                stream,
                on_progress,
            )
            built = build(
                items, people, ws, me, name=name, kind=f"{fmt}-{NOUN[fmt]}", statuses=statuses, default_tz=default_tz, problems=problems,
                fields=module.FIELDS, id_field=module.REQUIRED[0], columns=columns,  # its id column; its header's
            )  # fmt: skip
        guard = Guard(ws.conn, key, runs_of)
        built.source.edited_here = guard.edited_here
        try:
            merge = merge_stream(
                ws,
                me,
                built.source,
                built.batches,
                problems,
                default_tz=default_tz,
                write=not dry_run,
                remember=remember(key, homes),
            )
        except (NotUtf8, UnicodeDecodeError) as exc:
            raise ImportProblems([not_utf8(name, path, exc)]) from None
        except NotJson as exc:
            raise ImportProblems([f"{name}: not a Trello board export: {exc}"]) from None
        if fmt == "trello":
            notes.extend(board.notes())
        else:
            notes.extend(_unmatched_notes(unmatched, shared))
            notes.extend(_kept_priorities_note(priorities))
            if unplaced[0] and statuses.named - {""}:
                # As a Trello card with no list is said: the mapping --dry-run prints names no such row (a file with no
                # sections at all, a plain list of tasks, is all inbox, and none of them is odd).
                notes.append(f"{counted(unplaced[0], 'task')} with no {module.FIELDS['status']} in the file went to the inbox")
        merge.notes.extend(notes)
        return Planned(built, merge, key, _missing(ws, guard, built.ids, homes))


def _people_here(ws: Workspace) -> tuple[dict[str, str], set[str]]:
    """The members here by full name (``folded_name``) and by handle -> handle, and the full names more than one has."""
    # A full name two members here share names neither: which of them a task is for is a guess.
    named = Counter(folded_name(m.name) for m in ws.members())
    shared = {name for name, count in named.items() if count > 1}
    ws_people = {folded_name(m.name): m.handle for m in ws.members() if folded_name(m.name) not in shared}
    ws_people.update({m.handle: m.handle for m in ws.members()})
    return ws_people, shared


def _by_full_name(board: trello.Board, ws: Workspace) -> dict[str, str]:
    """A board's member whose username is no handle here is the member here of their full name, as an Asana or Linear
    assignee is (Trello's usernames are rarely the handles a team picks: "rajmehta7" is @raj, "Raj Mehta" here), where
    a manager's import with --default-tz added everyone again under their usernames; the credit of a card they made
    names them so too ("imported: entered by @raj").

    Returns the board's members (key -> full name) whose full name more than one member here has: which of them a card
    is for is a guess, and adding them would make one more of that name."""
    ws_people, shared = _people_here(ws)
    removed = _removed_by_name(ws, ws_people)
    matched: dict[str, str] = {}
    ambiguous: dict[str, str] = {}
    for key, (handle, full) in list(board.people.known.items()):
        if handle.lower() not in ws_people and full:
            if folded_name(full) in shared:
                ambiguous[key] = full.strip()
                continue
            here = ws_people.get(folded_name(full)) or removed.get(folded_name(full))
            if here is not None:
                board.people.known[key] = (here, full)
                matched[handle] = here
    for card, (author, day) in list(board.authors.items()):
        board.authors[card] = (matched.get(author, author), day)
    return ambiguous


def _removed_by_name(ws: Workspace, ws_people: dict[str, str]) -> dict[str, str]:
    """The members removed here by full name (``folded_name``) -> handle: a board's member of that name is them, and stays
    removed as one of their handle does ("left unassigned (removed from this workspace ...)"), where a manager's import
    added them again under their username.  Not one whose handle or name a member here has now, nor a name two share."""
    rows = ws.conn.execute("SELECT handle, name FROM member WHERE deleted = 1 AND handle IS NOT NULL AND name IS NOT NULL")
    named: Counter[str] = Counter()
    by_name: dict[str, str] = {}
    for handle, name in rows:
        if handle not in ws_people and folded_name(name) not in ws_people:
            named[folded_name(name)] += 1
            by_name[folded_name(name)] = handle
    return {name: handle for name, handle in by_name.items() if named[name] == 1}


def _unmatched_notes(unmatched: set[str], shared: set[str]) -> list[str]:
    """What the summary says of the assignees no member here matched: no one has the name, or more than one has it."""
    ambiguous = sorted(name for name in unmatched if folded_name(name) in shared)
    strangers = sorted(unmatched.difference(ambiguous))
    notes = [not_members_here(strangers)] if strangers else []
    if ambiguous:
        notes.append(f"left unassigned (more than one member here has that name): {names(ambiguous)}")
    return notes


def _kept_priorities_note(priorities: Counter[str]) -> list[str]:
    """What the summary says of the tasks whose priority is an option of the team's own (Asana's Priority "Urgent")."""
    if not priorities:
        return []
    total = sum(priorities.values())
    each = [f"{cut(value, 40)} ({counted(n, 'task')})" for value, n in priorities.items()]
    return [
        f"{counted(total, 'task')} with a Priority not High, Medium or Low {'has' if total == 1 else 'have'} none here,"
        f" kept on a “Priority: …” line of the notes: {first_few(each)}"
    ]


@contextmanager
def _twice(path: str) -> Iterator[tuple[Readable, Readable]]:
    """The file, to be read and then read again from its start.

    What can be read only once (standard input, a pipe such as ``<(unzip -p ...)``) is kept in a temporary file.
    """
    with ExitStack() as closing:
        stream = sys.stdin.buffer if path == "-" else closing.enter_context(_open(path, "rb"))
        if path == "-" or not stream.seekable():
            spool = closing.enter_context(tempfile.TemporaryFile())
            shutil.copyfileobj(stream, spool)
            spool.seek(0)
            stream = spool
        # UTF-16 (its byte order mark says so) is read as UTF-8, a chunk at a time, each time.
        yield Utf8(stream), Utf8(_FromStart(stream))


class _FromStart:
    """The same file read again from its start, once the first reading is done."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.started = False

    def read(self, size: int = -1, /) -> bytes:
        if not self.started:
            self.stream.seek(0)
            self.started = True
        return self.stream.read(size)


@contextmanager
def _text(path: str) -> Iterator[TextIO]:
    """The file's text: UTF-16 after its byte order mark (Excel's "Unicode Text"), else UTF-8 or nothing."""
    if path == "-":
        # Read as the file would be (the terminal's own decoding may let bytes through as surrogates).
        binary = sys.stdin.buffer
        stream = io.TextIOWrapper(binary, encoding=text_encoding(binary), newline="")
        try:
            yield stream
        finally:
            stream.detach()
        return
    with _open(path, "rb") as binary, io.TextIOWrapper(binary, encoding=text_encoding(binary), newline="") as stream:
        yield stream


def _open(path: str, mode: str, **kwargs: Any) -> Any:
    try:
        return open(system_name(path), mode, **kwargs)
    except FileNotFoundError:
        raise ImportProblems([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ImportProblems([f"{path}: is a directory"]) from None
    except OSError as exc:
        raise ImportProblems([f"{path}: {exc.strerror}"]) from None


def _counted(items: Iterator[Item], total: int, on_progress: Callable[[int, int], None] | None) -> Iterator[Item]:
    for done, item in enumerate(items, start=1):
        if on_progress and (done % 1000 == 0 or done == total):
            on_progress(done, total)
        yield item


def _read_so_far(items: Iterator[Item], stream: TextIO, on_progress: Callable[[int, int], None] | None) -> Iterator[Item]:
    """The items, with how much of the file is read (bytes of its size) every 1,000 of them and at its end.

    A CSV's rows are not counted before they are read, as a board's cards are; a pipe's size is not known: no progress.
    """
    size = _size(stream)
    if on_progress is None or not size:
        yield from items
        return
    for done, item in enumerate(items, start=1):
        if done % 1000 == 0:
            on_progress(stream.buffer.tell(), size)
        yield item
    on_progress(size, size)


def _size(stream: TextIO) -> int:
    """The size of the file ``stream`` reads, ``0`` when it is not a file (a pipe, a terminal)."""
    try:
        status = os.fstat(stream.fileno())
    except OSError:  # no file descriptor at all (io.UnsupportedOperation): text held in memory
        return 0
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


def _homed(
    items: Iterator[Item], home: Callable[[Item], str], homes: set[str], priorities: Counter[str], unplaced: list[int]
) -> Iterator[Item]:
    """The items, each one's home added to ``homes`` as it is read, a priority it keeps in its notes to ``priorities``,
    and one open with no status's name (it goes to the inbox) counted in ``unplaced``."""
    for item in items:
        homes.add(home(item))
        if item.kept_priority is not None:
            priorities[item.kept_priority] += 1
        if item.status_name is None and item.status is None:
            unplaced[0] += 1
        yield item


def _missing(ws: Workspace, guard: Guard, ids: set[str], homes: set[str] | None) -> list[str]:
    earlier = guard.written("task", homes) - ids
    if not earlier:
        return []
    found = []
    for row_id in sorted(earlier):
        row = ws.conn.execute("SELECT title FROM task WHERE id = ? AND deleted = 0", (row_id,)).fetchone()
        if row is not None:
            found.append(f"{short(row_id)} {row[0]}")
    return found
