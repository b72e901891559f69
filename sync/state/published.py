"""A workspace file published to PostgreSQL (``crewdeck publish``): marked in its ``meta`` as publish runs, and from then
on an old copy that reads but takes no writes, whichever way they come (the CLI, the app, SSH sessions, the web, a
``crewdeck serve`` still on it): a task added there would reach no one of the team, said nowhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from crewdeck.sync.state.pathnames import typed_name

#: The ``meta`` key of the mark: JSON ``{"at", "workspace", "database", "url"}``.
META_PUBLISHED = "published"


@dataclass(frozen=True)
class Published:
    """Where and when a file was published."""

    #: When, a UTC instant as ISO text.
    at: str
    #: The workspace's name in the database (and in the server's URLs).
    workspace: str
    #: The database, without user or password: ``crewdeck on db.example.com``.
    database: str
    #: The server members reach it at, when the publisher gave it (``publish --url``).
    url: str | None

    def to_meta(self) -> str:
        return json.dumps({"at": self.at, "workspace": self.workspace, "database": self.database, "url": self.url})

    @property
    def when(self) -> str:
        return f"{self.at[:10]} {self.at[11:16]} UTC"

    @property
    def where(self) -> str:
        """Where the team works since: the server's address when publish was given it, else the workspace's database."""
        return self.url or f"PostgreSQL (workspace {self.workspace} in database {self.database})"

    def refusal(self, path: object) -> str:
        """The one line that refuses a write to the file at ``path``."""
        return self.left(
            path,
            f"this file is an old copy that reads but takes no writes; join the team with: {self.join()} (a manager makes the token: crewdeck token create)",
        )

    def join(self) -> str:
        """The command that joins the team where it works now."""
        if self.url:
            return f"crewdeck join {self.url} --token-file TOKEN-FILE NEW-FILE"
        return f"crewdeck join SERVER-URL --token-file TOKEN-FILE NEW-FILE, once crewdeck serve --database serves {self.workspace}"

    def left(self, path: object, meaning: str) -> str:
        """A line that says the team left the file at ``path``, then ``meaning``: what that means for what was asked."""
        return f"{typed_name(str(path))} was published on {self.when}, and the team works at {self.where} now: {meaning}"

    def web_copy(self) -> str:
        """How the workspace is served to browsers now: crewdeck web through a copy of the database, where links are made."""
        return (
            f"crewdeck web COPY-FILE --database URL --name {self.workspace}, then links there: crewdeck --workspace COPY-FILE web link @H"
        )

    def moved(self) -> str:
        """The one line that refuses a replica's push to a server still on the file: the replica moves, not joins."""
        # The server knows nothing of the replica's unsent edits: what it says holds for none as for many.
        return (
            f"this server's workspace was published on {self.when} and the team works at {self.where} now; "
            f"this replica keeps whatever it has not sent: crewdeck sync --url {self.url or 'URL'}"
        )


def database_named(url: str) -> str:
    """A PostgreSQL URL said without its user and password: ``crewdeck on db.example.com``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # one libpq reads as it may (keywords), or refuses before anything is published
        return "the one publish was given"
    if parts.scheme not in ("postgresql", "postgres"):  # keywords ("dbname=x password=y"): none of it is said
        return "the one publish was given"
    name = parts.path.lstrip("/") or "(the default)"
    return f"{name} on {host}" if host else name


def published(get_meta: Callable[[str], str | None]) -> Published | None:
    """The mark of the file whose ``meta`` ``get_meta`` reads, or ``None``: not published."""
    text = get_meta(META_PUBLISHED)
    if text is None:
        return None
    mark = json.loads(text)
    return Published(str(mark["at"]), str(mark["workspace"]), str(mark["database"]), mark.get("url"))
