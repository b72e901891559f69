"""The posts that could read expired now: one small query, asked before ``expiry`` (and the posts' rules) is imported.

A command that lists something tells its member of expired posts
(``crewdeck.tui.cli.common.note_expired``); in a workspace where no post
is near its slot, that costs this query and nothing more.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from crewdeck.tui.posts.states import instant_text

#: How long before its slot a post must be approved, when the workspace does not say.
DEFAULT_APPROVAL_LEAD_MINUTES = 60


def approval_lead(minutes: int | None) -> dt.timedelta:
    """The workspace's ``approval_lead_minutes`` as a time span (the default when unset)."""
    return dt.timedelta(minutes=DEFAULT_APPROVAL_LEAD_MINUTES if minutes is None else minutes)


def candidates(conn: sqlite3.Connection, now: dt.datetime, lead: dt.timedelta) -> list[str]:
    """The posts that are neither published nor pulled and whose slot is within ``lead`` of ``now``: only these can read expired."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT id FROM task WHERE post_state IS NOT NULL AND post_state NOT IN ('published', 'pulled') AND deleted = 0 "
            "AND publish_utc IS NOT NULL AND publish_utc <= ?",
            (instant_text(now + lead),),
        )
    ]


def any_candidate(conn: sqlite3.Connection, now: dt.datetime) -> bool:
    """Whether any post could read expired now (read with the workspace's own lead time)."""
    row = conn.execute("SELECT approval_lead_minutes FROM workspace WHERE id = 'workspace'").fetchone()
    return bool(candidates(conn, now, approval_lead(row[0] if row else None)))
