"""What ``crewdeck undo`` takes back: the changes each member's commands made on this file, newest last.

The app remembers the actions of its session (``writing.Edits``); a command line has no session, so a command that
wrote remembers its write in a local table of the file (``schema.COMMAND_HISTORY``: not synced, as the app's history
is its own), by the stamps of its commits, one change a command (an import's batches are one change, as ``set`` on
three tasks is), a row appended in the transaction of each commit (``remember``): what was rolled back is not
remembered, nor a change not made.
``crewdeck undo`` hands the last entry to the app's undo (``Edits.undo``): the same previous values written as new
operations that sync, the same rules, the same line said.  Undone, it leaves the history, so a second ``crewdeck
undo`` takes back the change before it, as ``u`` twice does in the app; the undo's own write is no change to undo
(there is no redo on the command line).  A change that appended a record (a verdict, a ledger entry) stands, and
stays last, as in the app: undo says why and what to do instead, whatever the change's size.  Any other one too large
to take back (``MOST_OPS``) is said the same way and forgotten: the next undo takes back the change before it.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from crewdeck.sync.state.oplog import OP_COLUMNS, Op
from crewdeck.sync.state.records import BOOKKEEPING_SQL

if TYPE_CHECKING:
    from crewdeck.sync.state.store import Store
    from crewdeck.tui.session.writing import Restored, Written
    from crewdeck.tui.workspace.workspace import Member, Workspace

#: The changes remembered per member (and the undos' writes): older ones are past `crewdeck undo`'s reach.
KEEP = 100
#: The most operations an undo takes back: it writes them back, and reads them first, in one transaction that holds
#: the write lock of a shared file (about 5 s and 100 MB on a small server); other writers wait 30 s for it at most.
MOST_OPS = 50_000
#: A run of one commit's stamps: its first and its last (each ends in the node that stamped it).
Run = list[str]


def _last(store: Store, member_id: str) -> int | None:
    """The number of ``member_id``'s last change, if one is remembered."""
    row = store.conn.execute("SELECT max(id) FROM command_change WHERE member = ? AND undo = 0", (member_id,)).fetchone()
    return None if row[0] is None else int(row[0])


def _runs(store: Store, change: int) -> list[Run]:
    """A change's runs, in the order they were committed."""
    return [list(row) for row in store.conn.execute("SELECT first, last FROM command_commit WHERE change = ? ORDER BY rowid", (change,))]


def _undo_runs(store: Store, member_id: str) -> list[Run]:
    """What ``member_id``'s remembered undos wrote."""
    return [
        list(row)
        for row in store.conn.execute(
            "SELECT first, last FROM command_commit WHERE change IN (SELECT id FROM command_change WHERE member = ? AND undo = 1)",
            (member_id,),
        )
    ]


def _drop(store: Store, changes: str, *args: object) -> None:
    """The changes ``changes`` selects (their numbers, by ``args``): out of the history, with their runs."""
    store.conn.execute(f"DELETE FROM command_commit WHERE change IN ({changes})", args)
    store.conn.execute(f"DELETE FROM command_change WHERE id IN ({changes})", args)


def _add(store: Store, member_id: str, undo: int, run: Run) -> int:
    """A new change of ``member_id``'s (an undo's write when ``undo``), of one run, last in their history; the oldest
    past ``KEEP`` forgotten.  Its number."""
    change = store.conn.execute("INSERT INTO command_change(member, undo) VALUES (?, ?)", (member_id, undo)).lastrowid
    assert change is not None
    store.conn.execute("INSERT INTO command_commit(change, first, last) VALUES (?, ?, ?)", (change, *run))
    # At most one change is past KEEP (each new one forgets one): a seek and KEEP index entries, whatever the runs.
    _drop(
        store,
        "SELECT id FROM command_change WHERE member = ? AND undo = ? AND id <= "
        "(SELECT id FROM command_change WHERE member = ? AND undo = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
        member_id, undo, member_id, undo, KEEP,
    )  # fmt: skip
    return change


def _ranges(ws: Workspace, runs: list[Run]) -> Iterator[tuple[str, str, str, int]]:
    """Each run's first and last stamp, its node and its index, where the log holds them now: carried to a node of the
    replica's own since (it turned out to be a copy, ``take_new_node``), the same time and counter under it too."""
    former = set(ws.store.former_nodes()) if runs else set()
    for index, (first, last) in enumerate(runs):
        node = first.rsplit("-", 1)[1]
        for held in (node, ws.store.node) if node in former else (node,):
            yield first[: -len(node)] + held, last[: -len(node)] + held, held, index


def logged(ws: Workspace, runs: list[Run], columns: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``columns`` (the first two ``op_id, node``) of each operation of ``runs`` the log holds now, with the index of
    its run: in one read of the log, as no index serves a stamp alone (a read a run scanned the whole log each: an
    import's 200 runs held the write lock for 200 scans)."""
    ranges = sorted(_ranges(ws, runs))
    if not ranges:
        return
    by_node: dict[str, list[tuple[str, str, int]]] = {}
    for first, last, node, index in ranges:
        by_node.setdefault(node, []).append((first, last, index))
    starts = {node: [first for first, _, _ in held] for node, held in by_node.items()}
    rows = ws.conn.execute(
        f"SELECT {columns} FROM ops WHERE op_id BETWEEN ? AND ? AND node IN (SELECT value FROM json_each(?)) ORDER BY op_id",
        (ranges[0][0], max(last for _, last, _, _ in ranges), json.dumps(sorted(by_node))),
    )
    for row in rows:
        op_id, node = row[0], row[1]
        # One node's runs never overlap (its stamps only grow): the run starting last at or before the stamp.
        at = bisect_right(starts[node], op_id) - 1
        if at >= 0 and op_id <= by_node[node][at][1]:
            yield by_node[node][at][2], row


class ChangeHeld(NamedTuple):
    """What a change holds, read without its values: how many operations of it the log holds; the row (``seq``) of
    the first that appended a record, which stands (``describe.not_undoable``), if any; whether it added tasks."""

    size: int
    standing: int | None
    added_tasks: bool


def _counted(ws: Workspace, runs: list[Run]) -> ChangeHeld:
    """``ChangeHeld`` for ``runs``: their stamps, row numbers and two flags SQLite works out read, none of their values."""
    size, standing, added = 0, None, False
    first: tuple[int, str] | None = None
    for index, (op_id, _, seq, appended, adds) in logged(
        ws, runs, f"op_id, node, seq, kind = 'append' AND entity NOT IN ({BOOKKEEPING_SQL}), entity = 'task' AND field = 'created_at'"
    ):
        size += 1
        added = added or bool(adds)
        # The first in the order ``_ops`` hands them to ``not_undoable``: by run, then by stamp.
        if appended and (first is None or (index, op_id) < first):
            first, standing = (index, op_id), int(seq)
    return ChangeHeld(size, standing, added)


def _ops(ws: Workspace, runs: list[Run], member_id: str) -> list[Op]:
    """The operations of ``runs``, as the log holds them now: none of a run where none is ``member_id``'s (stamps
    handed out again after a rollback, a dry run's that an older crewdeck remembered, are another write's)."""
    by_run: dict[int, list[Op]] = {}
    for index, row in logged(ws, runs, f"op_id, node, {OP_COLUMNS}"):
        by_run.setdefault(index, []).append(Op(*row[2:]))
    return [op for index in sorted(by_run) if any(op.member == member_id for op in by_run[index]) for op in by_run[index]]


def _undone(ws: Workspace, runs: list[Run]) -> dict[str, Any]:
    """What the earlier undos wrote, by stamp (``History.restored``), in one read of the log."""
    return {row[0]: json.loads(row[2]) for _, row in logged(ws, runs, "op_id, node, value")}


def remember(store: Store, member_id: str, first: Op, last: Op, change: int | None) -> int:
    """Put one commit of a command's write as ``member_id`` (its first and last operation) in their history, inside
    the commit's transaction (``Store.remembering``): in the command's ``change`` when it made one before, else last,
    as a change of its own.  The command's change, for its next commit.

    In the commit's transaction, the history holds what was written, in the order it was, whatever other commands
    of the member do at the same time, and nothing that was rolled back (a dry run's).  A row appended, and the
    oldest change past ``KEEP`` forgotten: a commit costs the same however long the history."""
    run = [first.op_id, last.op_id]
    # One write's stamps are consecutive, in a millisecond no other write has (``Clock.stamps``): nobody else's
    # operation of that node lies between its first and its last.
    if (
        change is not None
        and store.conn.execute("SELECT 1 FROM command_change WHERE id = ? AND member = ? AND undo = 0", (change, member_id)).fetchone()
    ):
        store.conn.execute("INSERT INTO command_commit(change, first, last) VALUES (?, ?, ?)", (change, *run))
        return change
    # The command's first commit (or its change was undone, or forgotten, meanwhile: what it writes now is a change again).
    return _add(store, member_id, 0, run)


_NONE = "no change of yours made with a crewdeck command on this file (the app's own: u)"


def gone_note(gone: int) -> str:
    """What undo says of the changes it passed by: every operation of them is out of the log."""
    if gone == 1:
        return "your last change made with a crewdeck command is no longer in this file (the sync server refused it)"
    return f"your last {gone} changes made with a crewdeck command are no longer in this file (the sync server refused them)"


def undo(ws: Workspace, me: Member, clock24: bool) -> tuple[Written, int]:
    """Take back ``me``'s last change a command made; what the undo wrote, its ``label`` the line to say, and how many
    changes it passed by, gone from the log (``gone_note``), which it forgets.

    ``NotUndone`` when there is none, or it cannot be taken back (it stays last, unless it is too large and appended
    no record: forgotten)."""
    # The app's undo: imported by the undo, not by every command that remembers a write.
    from crewdeck.tui.session.access import WorkspaceAccess
    from crewdeck.tui.session.writing import Edits, History, NotUndone, Written
    from crewdeck.tui.workspace.describe import not_undoable

    store = ws.store
    refused: NotUndone | None = None
    done: Restored | None = None
    with store.held():  # the undo and its place in the history: both, or neither
        gone = 0
        counted = ChangeHeld(0, None, False)
        ops: list[Op] = []
        # A change whose every operation left the log (the server refused them: ``Store.drop_refused``) is nothing to
        # take back: forgotten, and undo goes on to the one before, where it said "nothing to undo" for good.
        while (change := _last(store, me.id)) is not None:
            runs = _runs(store, change)
            counted = _counted(ws, runs)
            if counted.size > MOST_OPS or (ops := _ops(ws, runs, me.id) if counted.size else []):
                break
            _drop(store, "?", change)
            gone += 1
        if change is not None and counted.size > MOST_OPS and counted.standing is not None:  # counted, not read
            # A record it appended stands whatever its size, and so does the change, last, as a small one does: undo
            # never reaches past it to the one before (a ledger import of 60,000 entries as one of 2).
            standing = store.conn.execute(f"SELECT {OP_COLUMNS} FROM ops WHERE seq = ?", (counted.standing,)).fetchone()
            refused = NotUndone(not_undoable(ws, [Op(*standing)]))
        elif change is not None and counted.size > MOST_OPS:
            # No undo will take it back: forgotten, so the next undo reaches the change before it, where it stayed last
            # for good.  Not undone in its place here: that one was not asked for, and no redo gives it back.
            _drop(store, "?", change)
            after = ": crewdeck undo again takes back the change before it" if _last(store, me.id) is not None else ", nor is any before it"
            # rm deletes tasks: said only of a change that added some (a KPI import's results are not tasks).
            instead = "delete the tasks it added with crewdeck rm ID... (or crewdeck rm FILTER --yes), or " if counted.added_tasks else ""
            refused = NotUndone(
                f"cannot undo your last change made with a crewdeck command: its {counted.size:,} operations are more than an "
                f"undo takes back ({MOST_OPS:,}: the workspace would stay locked past what other writers wait); {instead}"
                f"put back a copy of the file taken before it (README: Backups); it is no longer remembered{after}"
            )
        elif change is not None:
            # An undo's write that set a field back to what an older change wrote leaves that field the older change's to undo.
            edits = Edits(
                WorkspaceAccess(ws, me),
                clock24,
                History(done=[Written("", tuple(ops), not_undoable(ws, ops))], restored=_undone(ws, _undo_runs(store, me.id))),
            )
            try:
                done = edits.undo()
            except NotUndone as exc:  # nothing written: it stays last (what was gone is forgotten all the same)
                refused = exc
            else:
                assert done is not None  # the history given holds one action
                _drop(store, "?", change)
                if done.written.ops:  # one commit: its operations in the order they were stamped
                    _add(store, me.id, 1, [done.written.ops[0].op_id, done.written.ops[-1].op_id])
    if refused is not None:
        raise NotUndone(f"{refused} ({gone_note(gone)})" if gone else str(refused))
    if done is None:
        raise NotUndone(f"nothing to undo: {gone_note(gone)}, and none before it is remembered" if gone else f"nothing to undo: {_NONE}")
    return Written(done.said, done.written.ops), gone
