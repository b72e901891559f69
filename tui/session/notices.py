"""The one line the app shows when another member changed something: who, and what, in the words of the record."""

from __future__ import annotations

import json
from typing import Any

from crewdeck.sync.state.money import format_minor
from crewdeck.sync.state.oplog import Op
from crewdeck.tui.session.access import WorkspaceAccess
from crewdeck.tui.workspace.workspace import Workspace


class ChangeNotices:
    """Others' operations told from ours, and described."""

    def __init__(self, access: WorkspaceAccess) -> None:
        self._access = access

    def theirs(self, ops: list[Op]) -> list[Op]:
        """The operations this session did not write (another member's, another process's)."""
        return self._access.foreign(ops)

    def describe(self, theirs: list[Op]) -> str | None:
        """One line about operations others made; ``None`` for none."""
        if not theirs:
            return None
        return self._access.read(lambda ws: _described(ws, theirs))


def _described(ws: Workspace, theirs: list[Op]) -> str:
    handles = ws.handles()
    who = "@" + ", @".join(sorted({handles.get(op.member, "someone") for op in theirs}))
    rows = {(op.entity, op.row_id) for op in theirs}
    if len(rows) > 1:
        return f"{who} changed {len(rows)} records"
    op = theirs[-1]
    value = json.loads(op.value)
    if op.entity == "ledger_entry":
        return f"{who} added {_entry_words(value)}"
    if op.entity == "approval":
        return f"{who} approved a pending entry"
    name = _record_name(ws, op.entity, op.row_id)
    fields = sorted({o.field for o in theirs})
    if op.entity == "task" and fields == ["status"]:
        return f"{who} set {name} to {value}"
    return f"{who} changed {name} ({', '.join(fields)})"


def _record_name(ws: Workspace, entity: str, row_id: str) -> str:
    column = {"task": "title", "campaign": "name", "member": "handle", "workspace": "name"}.get(entity)
    row = ws.conn.execute(f"SELECT [{column}] FROM [{entity}] WHERE id = ?", (row_id,)).fetchone() if column else None
    label = {"ledger_entry": "a ledger entry", "budget": "a budget", "rate": "a rate"}.get(entity, entity)
    return f"{entity} “{row[0]}”" if row and row[0] else label


def _entry_words(record: Any) -> str:
    """ "120.50 EUR to Canva (tools)", or less where a pulled record lacks a field."""
    try:
        return f"{format_minor(record['amount'], record['currency'])} {record['currency']} to {record['payee']} ({record['category']})"
    except (KeyError, TypeError, ValueError):
        return "a ledger entry"
