"""Learning of other processes' writes to a shared file, as operations.

The process's one watcher of the file (``filewatch``) says when anything
was committed; the operations after the last sequence number seen then say
exactly what changed and who changed it.  They are read here, on the
caller's thread and connection, so a slow reader never delays the file's
other subscribers (the sync engine, the server).

Operations that leave the log do not show in it: those a server refused, kept in ``refused_ops`` by whoever synced the
file (``crewdeck web``'s copy of a workspace in PostgreSQL, whose sessions' app has no sync round to tell them), are
reported apart, as they arrive there.

It also hears, through the same watcher, when the path no longer names
the file that was opened (deleted, or another file moved over it):
nothing reaches that file's readers any more, and it says so once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from crewdeck.sync.state.filewatch import POLL_INTERVAL, subscribe
from crewdeck.sync.state.oplog import OP_COLUMNS, Op
from crewdeck.sync.state.sharedfile import OpenedFile
from crewdeck.sync.state.stop import Stop
from crewdeck.sync.state.store import WINDOW_CACHE_KIB, WorkspaceError, connect, max_seq, ops_after


class ChangeWatcher:
    """Reports batches of operations committed by any process, in ``seq`` order."""

    def __init__(self, path: str | Path, after_seq: int | None = None, page: int = 5_000, opened: OpenedFile | None = None) -> None:
        """``opened``: the file the caller opened at ``path`` (what the path names now if not given)."""
        self.path = Path(path)
        self.opened = opened or OpenedFile.at(self.path)
        self.conn: sqlite3.Connection = connect(self.path, cache_kib=WINDOW_CACHE_KIB)
        self.seq = max_seq(self.conn) if after_seq is None else after_seq
        self.page = page
        #: The last ``refused_ops`` row reported (rows are only ever added there).
        self.refused_row = int(self.conn.execute("SELECT coalesce(max(rowid), 0) FROM refused_ops").fetchone()[0])

    def drain(self) -> list[tuple[int, Op]]:
        """Every operation stored after the last one reported."""
        found: list[tuple[int, Op]] = []
        while True:
            rows = ops_after(self.conn, self.seq, self.page)
            if not rows:
                return found
            found.extend(rows)
            self.seq = rows[-1][0]
            if len(rows) < self.page:
                return found

    def drain_refused(self) -> list[Op]:
        """The operations refused since the last ones reported (or since this watcher opened), as they were refused."""
        rows = self.conn.execute(
            f"SELECT rowid, {OP_COLUMNS} FROM refused_ops WHERE rowid > ? ORDER BY rowid", (self.refused_row,)
        ).fetchall()
        if rows:
            self.refused_row = rows[-1][0]
        return [Op(*row[1:]) for row in rows]

    def run(
        self,
        on_change: Callable[[list[tuple[int, Op]]], None],
        stop: Stop,
        interval: float = POLL_INTERVAL,
        on_moved: Callable[[str], None] | None = None,
        on_refused: Callable[[list[Op]], None] | None = None,
    ) -> None:
        """Report until ``stop`` is set; call ``on_change`` with each batch.

        ``interval``: how soon after a commit it is reported, at most;
        ``stop`` ends the wait at once.  Operations already stored after
        ``after_seq`` are reported first, and one last look after ``stop``
        reports commits made before it was set.  With ``on_refused``, it is called with
        each batch of operations newly refused (``drain_refused``).  With ``on_moved``, when
        the path no longer names the opened file, ``on_moved`` is called with
        what became of it (``OpenedFile.change``) and watching ends.
        """
        committed = threading.Event()
        moved: list[str] = []

        def note_move(change: str) -> None:
            moved.append(change)
            committed.set()

        try:
            try:
                subscription = subscribe(
                    self.path,
                    lambda head: committed.set(),
                    interval=interval,
                    opened=self.opened,
                    on_moved=note_move if on_moved is not None else None,
                )
            except WorkspaceError:
                change = self.opened.change()  # gone since this watcher opened it
                if on_moved is None or change is None:
                    raise
                on_moved(change)
                return
            stop.wakes(committed)
            try:
                committed.set()  # whatever is stored after after_seq already
                while True:
                    committed.wait()  # a commit, the file moved, or ``stop``
                    # Cleared before ``stop`` is read: a stop set meanwhile is seen now, or wakes the next wait.
                    committed.clear()
                    stopping = stop.is_set()
                    batch = self.drain()
                    if batch:
                        on_change(batch)
                    if on_refused is not None and (refused := self.drain_refused()):
                        on_refused(refused)
                    if moved and on_moved is not None:
                        on_moved(moved[0])
                        return
                    if stopping:
                        return
            finally:
                stop.forget(committed)
                subscription.close()
        finally:
            self.conn.close()

    def close(self) -> None:
        self.conn.close()
