"""The sync server: a Starlette app under uvicorn over a workspace file or PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from crewdeck.sync.server.backend import WORKSPACE_NAME, Backend

if TYPE_CHECKING:
    import threading

    from starlette.applications import Starlette

#: Seconds a request's head may take to arrive (``guard`` has the rest).
HEADER_TIMEOUT = 10.0
#: Connections the kernel holds for the server to accept (uvicorn's default backlog).
LISTEN_QUEUE = 2048
#: Seconds a stop waits for the open responses (a push waiting on a busy file) before it cuts them.
GRACEFUL_SECONDS = 2


def workspace_name(text: str) -> str:
    """A URL-safe workspace name from a file name or a user's choice."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")[:63] or "workspace"


def file_backend(path: Path, name: str) -> Backend:
    from crewdeck.sync.server.filestore import FileBackend

    return FileBackend(path, name)


def postgres_backend(dsn: str) -> Backend:
    from crewdeck.sync.server.postgres import PostgresBackend

    return PostgresBackend(dsn)


def run(
    backend: Backend,
    host: str,
    port: int,
    *,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    log_level: str = "warning",
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int | None = None,
) -> int:
    """Serve until interrupted (SIGINT or SIGTERM); the open responses the stop cut when its graceful bound ran out.

    ``header_timeout`` and ``max_connections``: see ``guard``; the cap
    defaults to what the process's limit of open files allows (a cap it
    cannot hold is a ``guard.LimitError``).
    """
    from crewdeck.sync.server.app import create_app

    return serve_guarded(
        create_app(backend),
        host,
        port,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_level=log_level,
        header_timeout=header_timeout,
        max_connections=max_connections,
        # Event streams never end by themselves: do not wait long for them,
        # and end them now (uvicorn waits for open responses before it shuts the app down).
        graceful_seconds=GRACEFUL_SECONDS,
        on_exit=backend.wakeups.close,
        websockets=False,
    )


def serve_guarded(
    app: Starlette,
    host: str,
    port: int,
    *,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    log_level: str = "warning",
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int | None = None,
    graceful_seconds: int | None = None,
    on_exit: Callable[[], None] | None = None,
    websockets: bool,
    stop: threading.Event | None = None,
) -> int:
    """Serve an ASGI app under uvicorn behind ``guard`` (the sync server's, and ``crewdeck web``'s), until interrupted.

    ``on_exit`` runs as the shutdown begins; ``graceful_seconds`` bounds the
    wait for open responses then (``None``: uvicorn's, as long as they take).
    ``websockets``: whether the app has any (``crewdeck web``'s terminal); without, the websocket library is never
    loaded (a tenth of the start-up) and an upgrade is answered as the plain request it carries.
    ``stop``: set from another thread, it ends the serving as a signal does (for the caller to say why it stopped).
    Returns once shut down, after a stop by SIGINT or SIGTERM too (see ``prompt``), the open responses the stop cut
    when ``graceful_seconds`` ran out (0: none); a stop forced by a second Ctrl-C raises ``StopForced`` (a
    KeyboardInterrupt) with the responses it cut.
    """
    import uvicorn

    from crewdeck.sync.server.guard import ACCEPT_BATCH, connection_cap, guarded_protocol
    from crewdeck.sync.server.prompt import PromptServer, StopForced

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        http=guarded_protocol(header_timeout, connection_cap(max_connections)),
        ws="auto" if websockets else "none",
        # asyncio accepts up to ``backlog`` sockets at each wake-up: a small
        # batch (the listen queue itself is made long once listening).
        backlog=ACCEPT_BATCH,
        timeout_graceful_shutdown=graceful_seconds,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )

    server = PromptServer(config, listen_queue=LISTEN_QUEUE, on_exit=on_exit, stop=stop)
    try:
        server.run()
    except KeyboardInterrupt:
        if server.force_exit:
            raise StopForced(server.cut) from None
        raise
    return server.cut


__all__ = ["WORKSPACE_NAME", "file_backend", "postgres_backend", "run", "serve_guarded", "workspace_name"]
