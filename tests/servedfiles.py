"""One server process over many workspace files, for a module's tests that each serve a file of their own.

``python -m tests.servedfiles FOLDER --port N`` serves, under the name NAME, the workspace file whose path the file
FOLDER/NAME holds, for as long as FOLDER/NAME is there: each file through a ``FileBackend`` of its own, the backend
``crewdeck serve FILE`` runs, opened at the first request after it appears and closed at the first after it goes.  A
server started per test was most of what each such test took (a process importing the server, ~0.25 s of CPU); what
``crewdeck serve`` itself does at start and stop is tested with a server of its own.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from crewdeck.sync.server import run
from crewdeck.sync.server.backend import BackendError, Pulled, Wakeups
from crewdeck.sync.server.filestore import FileBackend
from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.push import PushPlan, RefusedOp
from crewdeck.sync.state.rules import MemberFacts
from crewdeck.sync.state.tokens import TokenInfo


class ServedFiles:
    """The ``Backend`` of the files FOLDER names: a token is looked up in each file served now."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.wakeups = Wakeups()
        self.files: dict[str, FileBackend] = {}

    async def _current(self) -> list[FileBackend]:
        """The files named now: those newly named opened, those no longer named closed."""
        named = {route.name: Path(route.read_text()) for route in self.folder.iterdir()}
        for name in [name for name in self.files if name not in named]:
            gone = self.files.pop(name)
            gone.wakeups = Wakeups()  # its stop closes its wakeups: not the app's, which the other files share
            await gone.stop()
        for name, path in named.items():
            if name not in self.files:
                backend = FileBackend(path, name)
                backend.wakeups = self.wakeups  # one for the app: it waits on the backend's own
                await backend.start()
                self.files[name] = backend
        return list(self.files.values())

    def _file(self, workspace: str) -> FileBackend:
        """A request's file, which its token was found in: no longer served, the store is away (a 503)."""
        backend = self.files.get(workspace)
        if backend is None:
            raise BackendError("the workspace's store is not available", f"{workspace} is no longer served")
        return backend

    async def start(self) -> None:
        await self._current()

    async def stop(self) -> None:
        self.wakeups.close()
        for backend in self.files.values():
            await backend.stop()

    async def authenticate(self, token: str) -> TokenInfo | None:
        for backend in await self._current():
            info = await backend.authenticate(token)
            if info is not None:
                return info
        return None

    async def revoked_member(self, token: str) -> tuple[str, str] | None:
        for backend in await self._current():
            member = await backend.revoked_member(token)
            if member is not None:
                return member
        return None

    async def member(self, workspace: str, member: str) -> MemberFacts | None:
        return await self._file(workspace).member(workspace, member)

    async def refusals_after(self, workspace: str, member: str, node: str, node_seq: int) -> list[RefusedOp]:
        return await self._file(workspace).refusals_after(workspace, member, node, node_seq)

    async def push(self, workspace: str, member: str, ops: Sequence[Op], invalid: dict[str, str]) -> tuple[PushPlan, int]:
        return await self._file(workspace).push(workspace, member, ops, invalid)

    async def pull(self, workspace: str, after: int, limit: int, max_bytes: int, *, cursor_op: bool = False) -> Pulled:
        return await self._file(workspace).pull(workspace, after, limit, max_bytes, cursor_op=cursor_op)

    async def head(self, workspace: str) -> int:
        return await self._file(workspace).head(workspace)

    async def health(self) -> None:
        """The folder answers: each file's store is asked when a request names it."""


if __name__ == "__main__":
    folder, _, port = sys.argv[1:]
    run(ServedFiles(Path(folder)), "127.0.0.1", int(port))
