"""``crewdeck web``'s sign-in links and browser sessions: their tables, beside ``sync_token`` in the workspace's file.

Kept here, in ``sync/``, not with the web server: a member's removal ends their sessions and unused links in the
transaction that stores it (``tokens.revoke_member``), however it arrives (a command, the app, a pull, a push to a file
served), and none of those load the web server.  ``tui/web/signin`` makes and reads them.
"""

from __future__ import annotations

import sqlite3

#: ``web_session.end_cause`` of a session ended by its member's sign-in past the most sessions a member keeps.
ENDED_BY_SIGN_INS = "sign_ins"
#: ``web_session.end_cause`` of a browser session ended because its member was removed from the workspace.
ENDED_BY_REMOVAL = "removed"

TABLES = (
    """CREATE TABLE IF NOT EXISTS web_link (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        member TEXT NOT NULL,
        pin_hash TEXT,
        pin_failures INTEGER NOT NULL DEFAULT 0,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        revoked_at TEXT,
        made_expires_at TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS web_session (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        member TEXT NOT NULL,
        token TEXT,
        link TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ended_at TEXT,
        end_cause TEXT,
        idle_until TEXT,
        idle_seconds INTEGER
    )""",
)
#: ``web_session``'s columns a crewdeck since added: a table made before has them added (``ensure_tables``).  ``idle_until``:
#: when the session ends unless used again (``NULL``: never for want of use); ``idle_seconds``: the idle time it had.
ADDED_COLUMNS = ("end_cause", "idle_until", "idle_seconds")
#: ``web_link``'s columns a crewdeck since added.  ``revoked_at``: when a manager revoked it (``web unlink``), which
#: ``web links`` and its page say; its expiry is moved to then too, so a link revoked by an older crewdeck reads expired.
#: ``made_expires_at``: the expiry it was made with, kept when it is revoked, which ``web links`` shows (``NULL``: not
#: revoked, or revoked before it was kept).
ADDED_LINK_COLUMNS = ("revoked_at", "made_expires_at")


def ensure_tables(conn: sqlite3.Connection) -> None:
    have = {str(row[0]) for row in conn.execute("SELECT name FROM pragma_table_info('web_session')")}
    have_link = {str(row[0]) for row in conn.execute("SELECT name FROM pragma_table_info('web_link')")}
    if have.issuperset(ADDED_COLUMNS) and have_link.issuperset(ADDED_LINK_COLUMNS):
        return
    with conn:
        # Made by a crewdeck before sessions said why they ended, or ended unused: none of its rows has a cause or an
        # idle time (its sessions end as they did: at their end, or signed out).
        for column in ADDED_COLUMNS if have else ():
            _add_column(conn, "web_session", have, column, "INTEGER" if column == "idle_seconds" else "TEXT")
        # Made before revocations were kept: its revoked links read as they did, expired.
        for column in ADDED_LINK_COLUMNS if have_link else ():
            _add_column(conn, "web_link", have_link, column, "TEXT")
        for statement in TABLES:
            conn.execute(statement)


def _add_column(conn: sqlite3.Connection, table: str, have: set[str], column: str, kind: str) -> None:
    if column in have:
        return
    try:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    except sqlite3.OperationalError as exc:
        if "duplicate column" not in str(exc):
            raise  # else another process (the server, an app, a command) added it since the check


def end_sign_ins(conn: sqlite3.Connection, member: str, now: str) -> None:
    """End ``member``'s browser sessions and unused sign-in links (``crewdeck web``'s local tables in this file, beside
    ``sync_token``; none before a browser was ever served).  A session reads its member's removal, not their tokens, so
    one a link opened (no token to revoke), or a link not yet used, was live again once the member was brought back."""
    tables = {
        str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('web_session', 'web_link')")
    }
    if "web_session" in tables:
        columns = {str(row[0]) for row in conn.execute("SELECT name FROM pragma_table_info('web_session')")}
        # A table made before sessions said why they ended has no end_cause (crewdeck web adds it when it next opens the file).
        said = ", end_cause = :cause" if "end_cause" in columns else ""
        conn.execute(
            f"UPDATE web_session SET ended_at = :now{said} WHERE member = :member AND ended_at IS NULL",
            {"now": now, "cause": ENDED_BY_REMOVAL, "member": member},
        )
    if "web_link" in tables:
        conn.execute("UPDATE web_link SET expires_at = MIN(expires_at, ?) WHERE member = ? AND used_at IS NULL", (now, member))
