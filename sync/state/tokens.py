"""Bearer tokens of a served workspace file.

A token is ``crewdeck_`` and 43 random URL-safe characters (256 bits), shown
once when it is made.  Only its SHA-256 is stored: the token is random
enough that a plain hash cannot be reversed, and a hash can be looked up
directly.  A token acts as one member of one workspace; revoking it sets
``revoked_at``, which the server checks on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass

from crewdeck.sync.state import websessions

PREFIX = "crewdeck_"
_TOKEN = re.compile(r"crewdeck_[A-Za-z0-9_\-]{43}\Z")


@dataclass(frozen=True)
class TokenInfo:
    id: str
    member: str
    workspace: str
    label: str
    created_at: str
    revoked_at: str | None


def new_token() -> tuple[str, str, str]:
    """``(id, token, hash)`` of a fresh token."""
    token = PREFIX + secrets.token_urlsafe(32)
    return secrets.token_hex(6), token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(text: str) -> bool:
    return bool(_TOKEN.match(text))


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# ---------------------------------------------------------------- in a workspace file


def create(conn: sqlite3.Connection, member: str, label: str = "") -> tuple[str, str]:
    """Store a new token for ``member``; return ``(id, token)``."""
    token_id, token, digest = new_token()
    conn.execute(
        "INSERT INTO sync_token(id, hash, member, label, created_at) VALUES (?, ?, ?, ?, ?)",
        (token_id, digest, member, label, now_text()),
    )
    return token_id, token


def listing(conn: sqlite3.Connection, workspace: str) -> list[TokenInfo]:
    rows = conn.execute("SELECT id, member, label, created_at, revoked_at FROM sync_token ORDER BY created_at, id")
    return [TokenInfo(r[0], r[1], workspace, r[2], r[3], r[4]) for r in rows]


def revoke(conn: sqlite3.Connection, token_id: str) -> bool:
    """Revoke a token; ``False`` when there is no live token with that id."""
    cur = conn.execute("UPDATE sync_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (now_text(), token_id))
    return cur.rowcount == 1


def lookup(conn: sqlite3.Connection, token: str, workspace: str) -> TokenInfo | None:
    """The live token with this secret, if any."""
    row = conn.execute(
        "SELECT id, member, label, created_at, revoked_at FROM sync_token WHERE hash = ? AND revoked_at IS NULL",
        (hash_token(token),),
    ).fetchone()
    return None if row is None else TokenInfo(row[0], row[1], workspace, row[2], row[3], row[4])


def revoke_member(conn: sqlite3.Connection, member: str) -> int:
    """Revoke every live token of a member (removed from the workspace), and end their browser sessions and unused
    sign-in links; how many tokens."""
    now = now_text()
    cur = conn.execute("UPDATE sync_token SET revoked_at = ? WHERE member = ? AND revoked_at IS NULL", (now, member))
    websessions.end_sign_ins(conn, member, now)
    return cur.rowcount


def lookup_revoked_member(conn: sqlite3.Connection, token: str) -> str | None:
    """The member of a revoked token with this secret (to tell a removed member why)."""
    row = conn.execute("SELECT member FROM sync_token WHERE hash = ? AND revoked_at IS NOT NULL", (hash_token(token),)).fetchone()
    return None if row is None else str(row[0])
