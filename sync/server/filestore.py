"""Serving one workspace file: the shared-file store code, behind HTTP.

Pushes go through ``Store.accept_push`` (one ``BEGIN IMMEDIATE``
transaction, the same as any local write), pulls through
``Store.ops_after``.  Members logged into the machine keep writing the file
directly; the process's one watcher of the file (``filewatch``, on
``PRAGMA data_version``) notices their commits (and the server's own) and
wakes the HTTP clients waiting for changes.  A file that stays locked
longer than the busy timeout, or that SQLite cannot read, is a
``BackendError``: a 503 the client retries.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import anyio.to_thread

from crewdeck.sync.server.backend import SERVER_CANNOT_WRITE, SERVER_DISK_FULL, BackendError, Pulled, Wakeups
from crewdeck.sync.state import tokens
from crewdeck.sync.state.filerules import FileRuleState
from crewdeck.sync.state.filewatch import Subscription, subscribe
from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.published import published
from crewdeck.sync.state.push import PushPlan, PushRejected, RefusedOp
from crewdeck.sync.state.restored import mark_restored
from crewdeck.sync.state.rules import MemberFacts
from crewdeck.sync.state.store import BUSY_TIMEOUT, DiskFull, Store, WorkspaceError, WriteFailed
from crewdeck.sync.state.tokens import TokenInfo

#: How soon a commit by another process wakes the waiting clients, at most, in seconds.
WATCH_INTERVAL = 0.01
READERS = 3

T = TypeVar("T")


def _available(fn: Callable[[], T]) -> T:
    """``fn()``, with a busy or unreadable file, a full disk, or a write the disk or file refused, as the store being
    unavailable."""
    try:
        return fn()
    except DiskFull as exc:
        # Said as such: "busy", and "try again in a moment", sent its members to retry for as long as nobody freed any.
        raise BackendError(SERVER_DISK_FULL, str(exc)) from None
    except WriteFailed as exc:
        # A disk that failed or went read-only under the server waits for whoever runs it, as a full one does.
        raise BackendError(SERVER_CANNOT_WRITE, str(exc)) from None
    except (WorkspaceError, sqlite3.OperationalError) as exc:
        raise BackendError("the workspace file is busy or unreadable", str(exc)) from None


def _page(store: Store, after: int, limit: int, max_bytes: int, cursor_op: bool) -> Pulled:
    mark = published(store.get_meta)
    if mark is not None:
        # The team works where the file was published: a replica that only reads went on pulling this old copy, whose
        # pages never grow again, and was told nothing until it had an edit to push.
        raise PushRejected("published", mark.moved(), url=mark.url)
    return Pulled(store.ops_after(after, limit, max_bytes), store.max_seq(), store.op_id_at(after) if cursor_op else None)


class FileBackend:
    def __init__(self, path: Path, name: str, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = path
        self.name = name
        self.wakeups = Wakeups()
        self.busy_timeout = busy_timeout
        self._writer = Store(path, busy_timeout=busy_timeout)
        self._write_lock = threading.Lock()
        self._readers: queue.Queue[Store] = queue.Queue()
        for _ in range(READERS):
            self._readers.put(Store(path, busy_timeout=busy_timeout))
        self._commits: Subscription | None = None
        #: Reads of whether a commit published the file, held until done (the event loop keeps only weak references).
        self._touches: set[asyncio.Future[None]] = set()

    @property
    def node(self) -> str:
        return self._writer.node

    async def start(self) -> None:
        loop = asyncio.get_running_loop()

        def committed(head: int) -> None:
            # Wakeups live on the event loop; the watcher's thread hands each head over.
            loop.call_soon_threadsafe(self._committed, head)

        self._commits = subscribe(self.path, committed, interval=WATCH_INTERVAL)
        self.wakeups.changed(self.name, await self.head(self.name))

    def _committed(self, head: int) -> None:
        if self.wakeups.closing:
            return  # stopping: a read begun now could wait for ever on readers ``stop`` closes
        if head > self.wakeups.heads.get(self.name, 0):
            self.wakeups.changed(self.name, head)
        elif self.name in self.wakeups.left:
            self.wakeups.touched(self.name)
        else:  # no new operation: a token revoked, perhaps (open streams check theirs now), or the file published
            touch = asyncio.ensure_future(self._touched())
            self._touches.add(touch)
            touch.add_done_callback(self._touches.discard)

    async def _touched(self) -> None:
        """Wake the waiters on a commit that added no operation, reading once whether it published the file."""
        try:
            mark = await self._read(lambda s: published(s.get_meta))
        except BackendError:  # the store is away: each waiter hears so at its next read
            mark = None
        self.wakeups.touched(self.name, left=mark is not None)

    async def stop(self) -> None:
        self.wakeups.close()
        if self._commits is not None:
            self._commits.close()
        await asyncio.gather(*self._touches)  # their reads given back before the readers close
        # A push the stop cut goes on in its worker thread (the await is cancelled, not the thread): waiting on a busy
        # file, up to the busy timeout. Closing the writer under it failed it as a closed database mid-transaction; the
        # process waits for that thread before it exits anyway, so the writer closes once the push lets go of it.
        await anyio.to_thread.run_sync(self._close_writer)
        # A reader still in a cut read's thread is not in the queue: it is left to the process's exit, never closed under it.
        while not self._readers.empty():
            self._readers.get_nowait().close()

    def _close_writer(self) -> None:
        with self._write_lock:
            self._writer.close()

    async def _read(self, fn: Callable[[Store], T]) -> T:
        def run() -> T:
            store = self._readers.get()
            try:
                return _available(lambda: fn(store))
            finally:
                self._readers.put(store)

        return await anyio.to_thread.run_sync(run)

    async def authenticate(self, token: str) -> TokenInfo | None:
        return await self._read(lambda s: tokens.lookup(s.conn, token, self.name))

    async def member(self, workspace: str, member: str) -> MemberFacts | None:
        return await self._read(lambda s: FileRuleState(s.conn).member(member))

    async def revoked_member(self, token: str) -> tuple[str, str] | None:
        member = await self._read(lambda s: tokens.lookup_revoked_member(s.conn, token))
        return None if member is None else (self.name, member)

    async def refusals_after(self, workspace: str, member: str, node: str, node_seq: int) -> list[RefusedOp]:
        return await self._read(lambda s: s.refusals_after(member, node, node_seq))

    async def push(self, workspace: str, member: str, ops: Sequence[Op], invalid: dict[str, str]) -> tuple[PushPlan, int]:
        def run() -> tuple[PushPlan, int]:
            with self._write_lock:
                try:
                    result = self._writer.accept_push(ops, member, invalid)
                except PushRejected as exc:
                    if exc.code == "gap" and exc.details.get("expected", 1) > 1:
                        # Asked to skip numbers it had acknowledged: this file was put back from an older backup, and
                        # what it lost comes again in the order its replicas sync (``crewdeck log`` then says less).  Of
                        # a node it holds nothing of, any member may name one and start it anywhere: that tells nothing.
                        mark_restored(self._writer)
                    raise
                return result, self._writer.max_seq()

        result, head = await anyio.to_thread.run_sync(lambda: _available(run))
        self.wakeups.changed(self.name, head)
        return result, head

    async def pull(self, workspace: str, after: int, limit: int, max_bytes: int, *, cursor_op: bool = False) -> Pulled:
        return await self._read(lambda s: _page(s, after, limit, max_bytes, cursor_op))

    async def head(self, workspace: str) -> int:
        return await self._read(lambda s: s.max_seq())

    async def health(self) -> None:
        await self.head(self.name)
