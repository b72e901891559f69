"""The sync server: a Starlette app under uvicorn over a workspace file or PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

from .backend import WORKSPACE_NAME, Backend


def workspace_name(text: str) -> str:
    """A URL-safe workspace name from a file name or a user's choice."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")[:63] or "workspace"


def file_backend(path: Path, name: str) -> Backend:
    from .filestore import FileBackend

    return FileBackend(path, name)


def postgres_backend(dsn: str) -> Backend:
    from .postgres import PostgresBackend

    return PostgresBackend(dsn)


def run(backend: Backend, host: str, port: int, *, ssl_certfile: str | None = None, ssl_keyfile: str | None = None, log_level: str = "warning") -> None:
    """Serve until interrupted (SIGINT or SIGTERM)."""
    import uvicorn

    from .app import create_app

    config = uvicorn.Config(
        create_app(backend),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        # Event streams never end by themselves: do not wait long for them.
        timeout_graceful_shutdown=2,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )
    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: object) -> None:
            # End the event streams now: uvicorn waits for open responses
            # before it shuts the app down.
            backend.wakeups.close()
            super().handle_exit(sig, frame)  # type: ignore[arg-type]

    Server(config).run()


__all__ = ["WORKSPACE_NAME", "file_backend", "postgres_backend", "run", "workspace_name"]
