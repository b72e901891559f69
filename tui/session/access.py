"""The workspace's connection, used by one thread at a time, and what this session wrote.

The app reads and writes from worker threads; a ``sqlite3`` connection
serves one at a time, so every use of the workspace goes through here and
holds its lock: a caller hands over a function of the workspace and never
takes the lock itself.  A write's operations are known as ours before the
lock is let go, so the watcher, which sees the commit at once, never takes
our own change for another member's (``foreign`` waits for that lock).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.writes import Writer
from crewdeck.tui.workspace.workspace import Member, Workspace

T = TypeVar("T")


class _Rehearsed(Exception):
    """A rehearsed write judged: raised to roll it back (``WorkspaceAccess.rehearse``)."""


class WorkspaceAccess:
    """Reads and writes of the workspace's records, one at a time, as member ``me``."""

    def __init__(self, ws: Workspace, me: Member) -> None:
        self.me = me
        self._ws = ws
        # Re-entrant: a read may run inside a function a write was handed.
        self._lock = threading.RLock()
        #: Stamps this session wrote: the app tells others' changes from ours.
        self._ours: set[str] = set()
        # Taken by ``interrupt`` and around a write's hold of the connection: a statement is ended only if a read's.
        self._state = threading.Lock()
        #: Writes asked for and not over yet, those waiting for the one under way included: what quitting would lose.
        self._writes = 0
        #: Whether a write holds the connection now.
        self._writing = False
        #: How deep the uses holding the connection now are nested (a read inside a write's function): 0, none.
        self._uses = 0

    def read(self, work: Callable[[Workspace], T]) -> T:
        """``work(workspace)``, with the connection to itself."""
        with self._lock, self._in_use():
            return work(self._ws)

    @contextmanager
    def _in_use(self) -> Iterator[None]:
        """A use of the connection, the lock held: ``interrupt`` ends a statement only during one."""
        with self._state:
            self._uses += 1
        try:
            yield
        finally:
            with self._state:
                self._uses -= 1

    def write(self, work: Callable[[Workspace, Writer], T]) -> tuple[T, tuple[Op, ...]]:
        """``work(workspace, writer)``, then its edits committed in one transaction: its answer and the operations, ours.

        Nothing is written when ``work`` raises.
        """
        with self._writing_now():
            writer = self._ws.store.write(self.me.id)
            answer = work(self._ws, writer)
            writer.commit()
            return answer, self._mark_ours(writer.ops)

    def end_writes_when(self, ended: Callable[[sqlite3.Connection], str | None]) -> None:
        """Refuse every write once ``ended`` (asked on the workspace's connection inside each write's transaction) says
        why the session it was opened as has ended (``Store.session_ended``)."""
        with self._lock:
            self._ws.store.session_ended = ended

    def rehearse(self, work: Callable[[Workspace, Writer], object]) -> None:
        """``work(workspace, writer)`` judged as ``write`` would judge it, then rolled back: what that write would raise
        (``Refused``, a bad value), with nothing written.  Under the write lock, as the write itself (the file as it
        is when the write is judged, another process's commit included)."""
        with self._writing_now():
            try:
                with self._ws.store.held():
                    writer = self._ws.store.write(self.me.id)
                    work(self._ws, writer)
                    writer.commit()  # judged by the rules, inside ``held``'s transaction
                    raise _Rehearsed
            except _Rehearsed:
                pass  # ``held`` rolled it back

    def write_record(self, work: Callable[[Workspace], str]) -> tuple[str, tuple[Op, ...]]:
        """``work(workspace)``, which writes one record in a transaction of its own and returns its id (the
        ledger's actions do): the id and the operations it stored, ours (with the ``acting`` record of a
        manager's ``--as``, which is no one else's change)."""
        with self._writing_now(), self._ws.store.recording() as stored:
            row_id = work(self._ws)
            # The record's own first (``Written.ops[0]`` names it), then the rest of its write.
            return row_id, self._mark_ours(sorted(stored, key=lambda op: op.row_id != row_id))

    def write_store(self, work: Callable[[Store], T]) -> tuple[T, tuple[Op, ...]]:
        """``work(store)``, which commits its own transactions (the posts' moves do): its answer
        and the operations it stored, ours.  When ``work`` raises, what it committed before it raised stays
        written, not counted as ours (a post's move commits once, at its end)."""
        with self._writing_now(), self._ws.store.recording() as stored:
            answer = work(self._ws.store)
            return answer, self._mark_ours(stored)

    @contextmanager
    def _writing_now(self) -> Iterator[None]:
        """The connection to a write, counted from when it is asked for until it is over (``waiting_write``)."""
        with self._state:
            self._writes += 1
        try:
            with self._lock, self._in_use():
                with self._state:
                    self._writing = True
                try:
                    yield
                finally:
                    with self._state:
                        self._writing = False
        finally:
            with self._state:
                self._writes -= 1

    def waiting_write(self) -> tuple[int, int] | None:
        """While a write waits behind another process's write lock on the file: that wait's number (a later wait has
        another) and how many writes asked for are not over yet (it and those waiting for it); else ``None``."""
        wait = self._ws.store.waiting_for_lock()
        if wait is None:
            return None
        with self._state:
            return wait, max(self._writes, 1)

    def _mark_ours(self, ops: Iterable[Op]) -> tuple[Op, ...]:
        """The one place operations become ours (call with the lock held, right after the commit)."""
        written = tuple(ops)
        self._ours.update(op.op_id for op in written)
        return written

    def foreign(self, ops: Iterable[Op]) -> list[Op]:
        """The operations this session did not write (another member's, another process's)."""
        with self._lock:  # a write holds it until its stamps are ours
            found = [op for op in ops if op.op_id not in self._ours]
            former = self._ws.store.former_nodes() if found else []
            if not former:
                return found
            # Carried to a node of the replica's own (it turned out to be a copy): a write of ours under its new stamp,
            # "<ms>-<counter>-" and the new node.
            return [op for op in found if not any(op.op_id[: -len(op.node)] + node in self._ours for node in former)]

    def interrupt(self, *, writes: bool = True) -> None:
        """End at once the use of the workspace a worker is in (a wait for the write lock, a statement), and every
        later wait for the lock: the session is closing (``Store.interrupt``).  Not ``writes``: only a read's statement
        is ended, and a write under way or to come finishes within its busy timeout.  Without the lock: that worker
        holds it.  A statement is ended only while one may run (a use holds the connection): an interrupt finding none
        would stay pending and cut short the checkpoint closing the file runs (``lockwait.clear_interrupt``)."""
        with self._state:  # a use taking or letting go of the connection now waits for this
            if writes:
                self._ws.store.interrupt(statement=self._uses > 0)
            elif self._uses > 0 and not self._writing:
                self._ws.store.interrupt_statement()

    def close(self) -> None:
        with self._lock:
            self._ws.close()
