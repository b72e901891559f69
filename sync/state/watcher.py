"""Learning of other processes' writes to a shared file.

``PRAGMA data_version`` on a connection changes when any *other* connection
commits to the file; reading it costs a few microseconds, so a watcher can
ask often.  When it changes, the operations after the last sequence number
seen say exactly what changed and who changed it.

It also notices, with a ``stat`` at each look, when the path no longer
names the file that was opened (deleted, or another file moved over it):
nothing reaches that file's readers any more, and it says so once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.sharedfile import OpenedFile
from crewdeck.sync.state.store import connect, max_seq, ops_after

#: How often the watcher asks, in seconds: well under the 300 ms a change
#: may take to reach the screen, and cheap enough to leave running.
POLL_INTERVAL = 0.015


class ChangeWatcher:
    """Reports batches of operations committed by any process, in ``seq`` order."""

    def __init__(self, path: str | Path, after_seq: int | None = None, page: int = 5_000, opened: OpenedFile | None = None) -> None:
        """``opened``: the file the caller opened at ``path`` (what the path names now if not given)."""
        self.opened = opened or OpenedFile.at(Path(path))
        # Read-write mode although it only reads: a read-only connection cannot
        # create the WAL index when it is the first to open the file.
        self.conn: sqlite3.Connection = connect(Path(path))
        self.version = self._version()
        self.seq = max_seq(self.conn) if after_seq is None else after_seq
        self.page = page

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def poll(self) -> list[tuple[int, Op]]:
        """New operations since the last poll (empty when nothing was committed)."""
        version = self._version()
        if version == self.version:
            return []
        self.version = version
        return self.drain()

    def drain(self) -> list[tuple[int, Op]]:
        found: list[tuple[int, Op]] = []
        while True:
            rows = ops_after(self.conn, self.seq, self.page)
            if not rows:
                return found
            found.extend(rows)
            self.seq = rows[-1][0]
            if len(rows) < self.page:
                return found

    def run(
        self,
        on_change: Callable[[list[tuple[int, Op]]], None],
        stop: threading.Event,
        interval: float = POLL_INTERVAL,
        on_moved: Callable[[str], None] | None = None,
    ) -> None:
        """Poll until ``stop`` is set; call ``on_change`` with each batch.

        One last look after ``stop``: commits made before it was set are
        always reported.  With ``on_moved``, each look also checks that the
        path still names the opened file; when it does not, ``on_moved`` is
        called with what became of it (``OpenedFile.change``) and watching
        ends.
        """
        try:
            while True:
                stopping = stop.wait(interval)
                batch = self.poll()
                if batch:
                    on_change(batch)
                if on_moved is not None:
                    change = self.opened.change()
                    if change is not None:
                        on_moved(change)
                        return
                if stopping:
                    return
        finally:
            self.conn.close()

    def close(self) -> None:
        self.conn.close()
