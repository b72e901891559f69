"""Members' SSH keys as the CLI reads and changes them."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from crewdeck.sync.state.sshkeys import BadKey, PublicKey, is_fingerprint, parse_key
from crewdeck.tui.workspace.errors import UserError


@dataclass(frozen=True)
class MemberKey:
    member_id: str
    handle: str
    key: PublicKey


def stored_keys(value: object) -> list[PublicKey]:
    """The valid keys of a stored ``ssh_keys`` column (a key today's checks refuse is left out)."""
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    keys = []
    for item in items if isinstance(items, list) else []:
        try:
            keys.append(parse_key(item))
        except BadKey:
            continue
    return keys


def member_keys(conn: sqlite3.Connection, member_id: str) -> list[PublicKey]:
    row = conn.execute("SELECT ssh_keys FROM member WHERE id = ?", (member_id,)).fetchone()
    return stored_keys(row[0]) if row else []


def all_keys(conn: sqlite3.Connection) -> list[MemberKey]:
    """Every live member's keys, by handle."""
    rows = conn.execute(
        "SELECT id, handle, ssh_keys FROM member WHERE deleted = 0 AND handle IS NOT NULL AND ssh_keys IS NOT NULL AND ssh_keys != '[]' "
        "ORDER BY handle, id"
    )
    return [MemberKey(member_id, handle, key) for member_id, handle, keys in rows for key in stored_keys(keys)]


def keys_after(handle: str, current: list[PublicKey], added: list[str], removed: list[str]) -> list[str]:
    """A member's keys after ``--ssh-key`` (added, each once) and ``--ssh-key-rm FINGERPRINT``."""
    kept = list(current)
    for fingerprint in removed:
        fingerprint = fingerprint.strip()
        if not is_fingerprint(fingerprint):
            raise UserError(f"--ssh-key-rm: {fingerprint!r} is not a key fingerprint (SHA256:..., as crewdeck member list shows)")
        if not any(key.fingerprint == fingerprint for key in kept):
            have = ", ".join(key.fingerprint for key in kept) or "none"
            raise UserError(f"--ssh-key-rm: @{handle} has no SSH key {fingerprint} (their keys: {have})")
        kept = [key for key in kept if key.fingerprint != fingerprint]
    for text in added:
        try:
            key = parse_key(text)
        except BadKey as exc:
            raise UserError(f"--ssh-key: {exc}") from None
        if not any(old.identity == key.identity for old in kept):
            kept.append(key)
    return [key.text for key in kept]
