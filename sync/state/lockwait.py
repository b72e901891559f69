"""Waiting for the workspace's write lock in short slices, so that a closing session's wait ends at once.

SQLite's busy handler sleeps inside the statement until its whole timeout (30 s) has passed, and
``Connection.interrupt`` does not end that sleep (SQLite 3.40: the handler never looks at the interrupt flag; Python's
``sqlite3`` offers no handler of our own).  So ``BEGIN IMMEDIATE`` is tried with a timeout of one slice at a time,
and between slices the wait asks whether its store was interrupted: an app quitting while one of its workers waited
behind another process's write left the shell prompt only when that wait was over.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

#: Seconds one try at the lock waits: how late an interrupt may come to a wait at most.
LOCK_WAIT_SLICE = 0.1


class Interrupted(Exception):
    """A use of the workspace ended by ``Store.interrupt``: its session is closing.  Nothing was written (a write's
    transaction is rolled back whole), and no one is told: the person asked to leave."""

    def __init__(self) -> None:
        super().__init__("the workspace's session is closing")


class LockWait:
    """One store's waits for the write lock: ended, that one and every later one, by ``interrupt``; and seen from
    other threads while one waits behind another process's write (``waiting``), so that quitting can say a change
    waits rather than lose it."""

    def __init__(self) -> None:
        #: Set by ``Store.interrupt``: every wait ends at once (``Interrupted``).
        self.interrupted = threading.Event()
        self._guard = threading.Lock()
        #: Waits begun behind another process's write so far: each one's number.
        self._begun = 0
        self._under_way: int | None = None

    def waiting(self) -> int | None:
        """The number of the wait under way behind another process's write lock, or ``None``: a later wait has
        another number, so that a second question about the same wait is told from a first about a new one."""
        with self._guard:
            return self._under_way

    @contextmanager
    def behind_another(self) -> Iterator[None]:
        with self._guard:
            self._begun += 1
            self._under_way = self._begun
        try:
            yield
        finally:
            with self._guard:
                self._under_way = None


def begin_immediate(conn: sqlite3.Connection, busy_timeout: float, wait: LockWait) -> None:
    """``BEGIN IMMEDIATE`` on ``conn``, waiting up to ``busy_timeout`` seconds for another writer's lock as SQLite's own
    timeout would, unless ``wait.interrupted`` is set meanwhile (``Interrupted``).  Past the timeout, SQLite's "database
    is locked" error, as with its own timeout."""
    interrupted = wait.interrupted
    deadline = time.monotonic() + busy_timeout
    try:
        if interrupted.is_set():
            raise Interrupted
        # The first try costs no more than a plain ``BEGIN IMMEDIATE`` when no one else writes.
        first = min(LOCK_WAIT_SLICE, busy_timeout)
        if _began(conn, first, busy_timeout, last=first == busy_timeout):
            return
        with wait.behind_another():
            while not interrupted.is_set():
                left = deadline - time.monotonic()
                slice_ = min(LOCK_WAIT_SLICE, max(left, 0.0))
                if _began(conn, slice_, busy_timeout, last=left <= slice_):
                    return
    except sqlite3.OperationalError:
        if not interrupted.is_set():
            raise
        if conn.in_transaction:  # begun, and the busy timeout's reset after it was what the interrupt ended
            conn.execute("ROLLBACK")
    # Told to end: while waiting, or in a statement of the wait that ``Connection.interrupt`` ended.
    raise Interrupted


def _began(conn: sqlite3.Connection, wait: float, busy_timeout: float, *, last: bool) -> bool:
    """One try at ``BEGIN IMMEDIATE``, waiting ``wait`` seconds at most: whether it began.  The ``last`` try's
    "database is locked" is raised, as SQLite's own timeout raises it."""
    conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as exc:
        if last or _primary_code(exc) != sqlite3.SQLITE_BUSY:
            raise
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")


def was_interrupted(error: BaseException) -> bool:
    """Whether ``error`` is a use of the workspace ended by ``Store.interrupt``: a wait for its lock, or a statement
    SQLite stopped."""
    return isinstance(error, Interrupted) or (isinstance(error, sqlite3.Error) and _primary_code(error) == sqlite3.SQLITE_INTERRUPT)


def gave_up_waiting(error: BaseException) -> bool:
    """Whether ``error`` is SQLite giving up on a lock another connection held past the busy timeout ("database is
    locked", "database table is locked"): the same statement may succeed later."""
    return isinstance(error, sqlite3.OperationalError) and _primary_code(error) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _primary_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


def clear_interrupt(conn: sqlite3.Connection) -> None:
    """Clear an interrupt of ``conn`` that found nothing running, before it is closed: SQLite keeps the flag set until a
    statement starts, and the checkpoint closing the file's last connection runs is cut short by it, leaving the
    ``-wal`` and ``-shm`` beside the file (a copy of the file alone then lacks the last changes)."""
    with suppress(sqlite3.Error):  # closed already, or the file gone: nothing to clear
        conn.execute("SELECT 1").close()
