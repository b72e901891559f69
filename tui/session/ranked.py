"""The ranked task list the tasks pane pages through, whole for every read.

The list (``TaskIndex``) lives on a connection of its own: scoring every
task holds up no other read of the workspace.  While the start-up warm-up
builds it (``building``), a read that needs it asks for it now and waits
until it is whole: no read sees the list half built.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from crewdeck.sync.state.lockwait import clear_interrupt
from crewdeck.sync.state.store import WINDOW_CACHE_KIB, connect
from crewdeck.tui.tasks import listing as tasklist
from crewdeck.tui.tasks.index import Filter, TaskIndex
from crewdeck.tui.tasks.listing import TaskRow


class RankedList:
    """Counts, windows and positions of the ranked task list, and its scores kept current."""

    def __init__(self, path: Path) -> None:
        self._index = TaskIndex(connect(path, cache_kib=WINDOW_CACHE_KIB))
        self._lock = threading.Lock()
        # Taken by ``interrupt`` and as a use of the connection begins and ends: only a use under way is ended.
        self._state = threading.Lock()
        #: Whether a read or the scoring holds the connection now.
        self._in_use = False
        #: Clear while a warm-up has yet to score every task: the list is not whole.
        self._whole = threading.Event()
        self._whole.set()
        #: Set once scoring every task may start: the first screen is drawn, or a read needs the list.
        self._wanted = threading.Event()
        self._wanted.set()

    @contextmanager
    def _whole_list(self) -> Iterator[TaskIndex]:
        self._wanted.set()
        self._whole.wait()
        with self._held() as index:
            yield index

    @contextmanager
    def _held(self) -> Iterator[TaskIndex]:
        """The list's connection to one use, known to ``interrupt`` while it lasts."""
        with self._lock:
            with self._state:
                self._in_use = True
            try:
                yield self._index
            finally:
                with self._state:
                    self._in_use = False

    # ------------------------------------------------------------ reads

    def count(self, f: Filter) -> int:
        """How many tasks match."""
        with self._whole_list() as index:
            return tasklist.count(index.conn, f.where, list(f.params))

    def window(self, f: Filter, offset: int, limit: int, matching: int | None = None) -> list[TaskRow]:
        with self._whole_list() as index:
            return index.window(f, offset, limit, matching)

    def leading_window(self, f: Filter, limit: int) -> list[TaskRow] | None:
        """The first ``limit`` rows, without the count, unless ``f`` is selective (``TaskIndex.leading_window``)."""
        with self._whole_list() as index:
            return index.leading_window(f, limit)

    def position(self, f: Filter, task_id: str) -> int | None:
        with self._whole_list() as index:
            return index.position(f, task_id)

    # ------------------------------------------------------------ scores

    def rescore(self, now: dt.datetime) -> None:
        with self._whole_list() as index:
            index.rescore(now)

    def rescore_rows(self, task_ids: Iterable[str], now: dt.datetime) -> None:
        with self._whole_list() as index:
            index.rescore_rows(task_ids, now)

    # ------------------------------------------------------------ building (the warm-up's)

    def building(self) -> None:
        """Scoring every task is to come: reads wait for it, and it waits for ``want``."""
        self._whole.clear()
        self._wanted.clear()

    def want(self) -> None:
        """Scoring every task may start now."""
        self._wanted.set()

    def wait_until_wanted(self) -> None:
        self._wanted.wait()

    def first_page(self, f: Filter, now: dt.datetime, rows: int) -> tuple[int, list[TaskRow]]:
        """How many tasks match and the first ``rows`` of them, scored on the spot: sooner than the whole list."""
        with self._held() as index:
            return index.first_page(f, now, rows)

    def score_all(self, now: dt.datetime) -> None:
        with self._held() as index:
            index.rescore(now)

    def built(self) -> None:
        """The list is whole (or will never be: reads find out on their own)."""
        self._whole.set()

    def interrupt(self) -> None:
        """End at once, from any thread, the statement under way on the list's connection (scoring every task takes a
        while): the session is closing.  The list is as it was before it (``TaskIndex``'s transaction).  Nothing is
        interrupted when nothing runs: SQLite keeps the flag set until a statement starts, and closing the connection
        with it set cuts short the checkpoint that folds the file's ``-wal`` back into it."""
        with self._state:  # a use ending now waits for this
            if self._in_use:
                self._index.conn.interrupt()

    def close(self) -> None:
        with self._lock:
            clear_interrupt(self._index.conn)
            self._index.conn.close()
