"""What the HTTP layer needs from a store, and how waiting clients are woken.

Two backends implement ``Backend``: a served workspace file
(``filestore.FileBackend``, the same ``Store`` code as shared-file mode) and
PostgreSQL (``postgres.PostgresBackend``, several stateless processes on one
database).  Every method is a coroutine; blocking work runs in threads.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.push import PushPlan, RefusedOp
from crewdeck.sync.state.rules import MemberFacts
from crewdeck.sync.state.tokens import TokenInfo

#: Workspace names as they appear in URLs.
WORKSPACE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}\Z")


#: What a client whose push the server's full disk refused is told (the file's path is for the server's log alone).
SERVER_DISK_FULL = "the server's disk is full, nothing was stored: whoever runs the server must free some space on it"
#: What a client whose push the server could not write otherwise is told (why is for the server's log alone).
SERVER_CANNOT_WRITE = "the server cannot write its workspace file, nothing was stored: whoever runs the server must read its log"


class BackendError(Exception):
    """A store the server cannot use (unreachable, not set up): what a client is told, and the reason, for the log only.

    The reason is the driver's or SQLite's own words, which may name the database's host, port and name or the
    file's path: a client, who may hold no token (``/v1/health``), hears only that the store is away.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class Pulled:
    ops: list[tuple[int, Op]]
    head: int
    #: The ``op_id`` stored as the pull's cursor (``after``), read with the page when asked (``cursor_op``): ``None``
    #: when none is stored there.  A replica's ``at`` is checked against it.
    at_cursor: str | None = None


class Backend(Protocol):
    wakeups: Wakeups

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def authenticate(self, token: str) -> TokenInfo | None:
        """The live token with this secret, or ``None``: checked on every request."""
        ...

    async def push(self, workspace: str, member: str, ops: Sequence[Op], invalid: dict[str, str]) -> tuple[PushPlan, int]:
        """Judge and store a member's batch; the plan and the workspace's head ``seq`` after it.

        ``invalid``: op_id -> why the server could not read that operation's value (refused).
        """
        ...

    async def member(self, workspace: str, member: str) -> MemberFacts | None:
        """What the rules know of a member (``None``: not a member)."""
        ...

    async def revoked_member(self, token: str) -> tuple[str, str] | None:
        """``(workspace, member)`` of a revoked token with this secret, if any."""
        ...

    async def refusals_after(self, workspace: str, member: str, node: str, node_seq: int) -> list[RefusedOp]:
        """A member's node's refused operations with a counter above ``node_seq``."""
        ...

    async def pull(self, workspace: str, after: int, limit: int, max_bytes: int, *, cursor_op: bool = False) -> Pulled:
        """Up to ``limit`` operations after ``after``, stopping before ``max_bytes`` on the wire (at least one); with
        ``cursor_op``, the ``op_id`` stored as ``after`` too, in the same read."""
        ...

    async def head(self, workspace: str) -> int: ...

    async def health(self) -> None:
        """Return once the store answers (a ``BackendError`` when it cannot); reveals nothing of it."""
        ...


@dataclass
class Wakeups:
    """The newest ``seq`` per workspace known to this process, and who waits for more.

    Lives on the event loop; other threads report with ``loop.call_soon_threadsafe``.
    """

    heads: dict[str, int] = field(default_factory=dict)
    _events: dict[str, asyncio.Event] = field(default_factory=dict)
    closing: bool = False
    #: Workspaces whose served file was published: every waiter there reads its page, the 410 that sends its replica
    #: where the team went.  Read once per commit by the backend, not once per waiter: a commit that adds no operation
    #: had each open stream and long poll read a page, 7 times the server's work with 20 of each open.
    left: set[str] = field(default_factory=set)

    def changed(self, workspace: str, head: int) -> None:
        if head > self.heads.get(workspace, 0):
            self.heads[workspace] = head
            event = self._events.pop(workspace, None)
            if event is not None:
                event.set()

    def touched(self, workspace: str, *, left: bool = False) -> None:
        """Something other than an operation was committed (a token revoked, say): wake the waiters that look at every
        commit; ``left``, the commit published the file: wake every waiter, to read where the team went."""
        if left:
            self.left.add(workspace)
        event = self._events.pop(workspace, None)
        if event is not None:
            event.set()

    def close(self) -> None:
        """Release every waiter (the server is shutting down)."""
        self.closing = True
        for event in self._events.values():
            event.set()
        self._events.clear()

    async def wait(self, workspace: str, after: int, timeout: float, *, or_touched: bool = False) -> bool:
        """Until the head passes ``after`` (``True``) or ``timeout`` seconds pass (``False``), or the workspace has
        ``left`` (``False``); with ``or_touched``, also until any other commit is ``touched`` (``False``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.heads.get(workspace, 0) <= after and workspace not in self.left:
            remaining = deadline - loop.time()
            if remaining <= 0 or self.closing:
                return False
            event = self._events.setdefault(workspace, asyncio.Event())
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return False
            if or_touched:
                break
        return self.heads.get(workspace, 0) > after
