"""Serving the workspaces of a PostgreSQL database (see ``crewdeck.sync.server.pgstore``).

Each server process is stateless: a few connections used from worker
threads, and one more that ``LISTEN``\\ s for the commits of every process
and wakes this process's waiting clients, once it has read the new head
from the database (a notification is a hint: anyone may send one).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import anyio.to_thread
import psycopg
from psycopg.errors import DiskFull, IoError, LockNotAvailable, QueryCanceled, ReadOnlySqlTransaction

from crewdeck.sync.server.backend import SERVER_CANNOT_WRITE, SERVER_DISK_FULL, BackendError, Pulled, Wakeups
from crewdeck.sync.server.pgstore import CHANNEL, PgError, PgPool, PgStore, connect, first_line
from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.push import PushPlan, RefusedOp
from crewdeck.sync.state.rules import MemberFacts
from crewdeck.sync.state.tokens import TokenInfo

T = TypeVar("T")
POOL_SIZE = 4
#: A database that cannot serve a request now: its connection broke, or it takes no writes (a standby, one read-only).
_AWAY = (psycopg.OperationalError, ReadOnlySqlTransaction)
#: A database that gave up on a request (its lock_timeout or statement_timeout, behind a long push or a publish): busy,
#: as a served file locked past its busy timeout is, and told alike: a 503 replicas retry.
_BUSY = (LockNotAvailable, QueryCanceled)
#: The payload of a change notification: ``<workspace> <head>``.
_NOTE = re.compile(r"(.+) ([0-9]{1,18})\Z", re.DOTALL)


class PostgresBackend:
    def __init__(self, dsn: str, pool_size: int = POOL_SIZE) -> None:
        self.dsn = dsn
        self.wakeups = Wakeups()
        self._pool = PgPool(dsn, pool_size)
        self._stopping = threading.Event()
        self._listener: threading.Thread | None = None
        #: Workspaces whose head is being read after a notification (the reading task), and those to read once more.
        self._reading: dict[str, asyncio.Task[None]] = {}
        self._read_again: set[str] = set()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        ready = threading.Event()
        self._listener = threading.Thread(target=self._listen, args=(loop, ready), name="pg-listen", daemon=True)
        self._listener.start()
        # Pushes committed before LISTEN took effect would be missed; wait for it.
        await anyio.to_thread.run_sync(lambda: ready.wait(10))

    async def stop(self) -> None:
        self.wakeups.close()
        self._stopping.set()
        self._pool.close()

    def _listen(self, loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        """LISTEN on a connection of its own; reconnect with a growing pause if it drops."""
        pause = 0.1
        while not self._stopping.is_set():
            try:
                conn = connect(self.dsn)
                try:
                    conn.execute(f"LISTEN {CHANNEL}")
                    ready.set()
                    # Heads may have moved while disconnected: wake everyone once.
                    loop.call_soon_threadsafe(self._refresh_all)
                    pause = 0.1
                    while not self._stopping.is_set():
                        for note in conn.notifies(timeout=1.0):
                            found = _NOTE.match(note.payload)
                            if found:
                                loop.call_soon_threadsafe(self._hint, found[1], int(found[2]))
                finally:
                    conn.close()
            except (PgError, psycopg.Error):
                ready.set()
                time.sleep(pause)
                pause = min(pause * 2, 5.0)

    def _hint(self, workspace: str, head: int) -> None:
        """A notification says ``workspace`` reached ``head``: only a hint.

        Anyone connected to the database may send one, with any number: the
        waiting clients are woken by the head read from the database, never
        by the payload's.  A hint no newer than what this process knows is
        dropped; hints arriving while the head is being read make one more read.
        """
        if head > self.wakeups.heads.get(workspace, 0):
            self._refresh_soon(workspace)

    def _refresh_all(self) -> None:
        for workspace in list(self.wakeups.heads):
            self._refresh_soon(workspace)

    def _refresh_soon(self, workspace: str) -> None:
        if workspace in self._reading:
            self._read_again.add(workspace)
            return
        self._reading[workspace] = asyncio.ensure_future(self._refresh(workspace))

    async def _refresh(self, workspace: str) -> None:
        try:
            while True:
                self._read_again.discard(workspace)
                self.wakeups.changed(workspace, await self.head(workspace))
                if workspace not in self._read_again:
                    return
        except BackendError:
            pass  # the database is away; the next request reports it
        finally:
            self._reading.pop(workspace, None)

    async def _run(self, fn: Callable[[PgStore], T]) -> T:
        def attempt() -> T:
            with self._pool.store() as store:
                return fn(store)

        def run() -> T:
            try:
                try:
                    return attempt()
                except (DiskFull, IoError):
                    raise  # psycopg's OperationalErrors too, and no new connection mends them
                except _AWAY:
                    # The connection broke: the database restarted, say, and ended every connection opened before, the
                    # idle ones too; or it reached a standby, after a failover (a URL naming several hosts with
                    # target_session_attrs=read-write finds the new primary).  Once more on a new one (a push is
                    # idempotent); a database still away, or still taking no writes, says so: a 503 replicas retry.
                    self._pool.drop_idle()
                    return attempt()
            except (DiskFull, IoError) as exc:
                # The database's disk, full or failing, waits for whoever runs the server, as a served file's does: "the
                # database is unavailable; try again in a moment" sent members to retry for as long as nobody looked.
                told = SERVER_DISK_FULL if isinstance(exc, DiskFull) else SERVER_CANNOT_WRITE
                raise BackendError(told, first_line(exc)) from None
            except (PgError, *_AWAY, *_BUSY) as exc:
                # The log's one line: the driver's first (its CONTEXT names the row it waited for, say).
                raise BackendError("the database is unavailable", str(exc) if isinstance(exc, PgError) else first_line(exc)) from None

        return await anyio.to_thread.run_sync(run)

    async def authenticate(self, token: str) -> TokenInfo | None:
        return await self._run(lambda s: s.lookup_token(token))

    async def member(self, workspace: str, member: str) -> MemberFacts | None:
        return await self._run(lambda s: s.member_facts(workspace, member))

    async def revoked_member(self, token: str) -> tuple[str, str] | None:
        return await self._run(lambda s: s.revoked_member(token))

    async def refusals_after(self, workspace: str, member: str, node: str, node_seq: int) -> list[RefusedOp]:
        return await self._run(lambda s: s.refusals_after(workspace, member, node, node_seq))

    async def push(self, workspace: str, member: str, ops: Sequence[Op], invalid: dict[str, str]) -> tuple[PushPlan, int]:
        result, head = await self._run(lambda s: s.push(workspace, member, ops, invalid))
        self.wakeups.changed(workspace, head)
        return result, head

    async def pull(self, workspace: str, after: int, limit: int, max_bytes: int, *, cursor_op: bool = False) -> Pulled:
        (ops, head), at_cursor = await self._run(
            lambda s: (s.ops_after(workspace, after, limit, max_bytes), s.op_id_at(workspace, after) if cursor_op else None)
        )
        self.wakeups.changed(workspace, head)
        return Pulled(ops, head, at_cursor)

    async def head(self, workspace: str) -> int:
        return await self._run(lambda s: s.head(workspace))

    async def health(self) -> None:
        await self._run(lambda s: s.conn.execute("SELECT 1").fetchone())
