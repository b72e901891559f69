"""The rules' view of a workspace file: its materialized member and ledger tables."""

from __future__ import annotations

import json
import sqlite3

from crewdeck.sync.state.rules import MANAGER, EntryFacts, MemberFacts
from crewdeck.sync.state.sshkeys import identities


class FileRuleState:
    """``rules.RuleState`` over a workspace file's connection (inside the caller's transaction)."""

    def __init__(self, conn: sqlite3.Connection, stored: dict[str, str] | None = None) -> None:
        self.conn = conn
        #: The entities of every row id the batch names, when the caller looked them up already.
        self._stored = stored

    def has_members(self) -> bool:
        return self.conn.execute("SELECT 1 FROM member WHERE deleted = 0 LIMIT 1").fetchone() is not None

    def member(self, member_id: str) -> MemberFacts | None:
        row = self.conn.execute("SELECT handle, access, unix_user, deleted, ssh_keys FROM member WHERE id = ?", (member_id,)).fetchone()
        if row is None:
            return None
        keys = identities(json.loads(row[4])) if row[4] and row[4] != "[]" else ()
        return MemberFacts(member_id, row[0], row[1] or "member", row[2], bool(row[3]), keys)

    def members_with(self, field: str, value: str) -> list[str]:
        if field == "ssh_key":
            rows = self.conn.execute("SELECT id, ssh_keys FROM member WHERE deleted = 0 AND ssh_keys IS NOT NULL AND ssh_keys != '[]'")
            return [member_id for member_id, keys in rows if value in identities(json.loads(keys))]
        column = {"handle": "handle", "unix_user": "unix_user"}[field]
        return [r[0] for r in self.conn.execute(f"SELECT id FROM member WHERE deleted = 0 AND {column} = ?", (value,))]

    def managers(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM member WHERE deleted = 0 AND access = ?", (MANAGER,))}

    def stored_rows(self, row_ids: list[str]) -> dict[str, str]:
        if self._stored is not None:
            return {row_id: self._stored[row_id] for row_id in row_ids if row_id in self._stored}
        rows = self.conn.execute(
            "SELECT j.value, (SELECT entity FROM ops WHERE row_id = j.value LIMIT 1) FROM json_each(?) AS j",
            (json.dumps(row_ids),),
        )
        return {row_id: entity for row_id, entity in rows if entity is not None}

    def ledger_entry(self, entry_id: str) -> EntryFacts | None:
        row = self.conn.execute("SELECT entered_by, needs_approval, reverses FROM ledger_entry WHERE id = ?", (entry_id,)).fetchone()
        return None if row is None else EntryFacts(row[0], bool(row[1]), row[2])

    def result_currency(self, row_id: str) -> str | None:
        row = self.conn.execute("SELECT value_currency FROM result WHERE id = ?", (row_id,)).fetchone()
        return None if row is None else row[0]
