"""Operations in the words of the activity log: what a change did, one line."""

from __future__ import annotations

import re

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.oplog import APPEND, Op

_RECORD_ID = re.compile(r"[0-9a-f]{32}")


def short_row(row_id: str) -> str:
    """A record id's first 8 digits; a keyed id (``result:post:<id>:2026-11-20``) whole, with its record ids so."""
    return _RECORD_ID.sub(lambda m: short(m.group()), row_id) if ":" in row_id else short(row_id)


def describe_op(op: Op, handles: dict[str, str] | None = None) -> str:
    """``set task 1a2b3c4d title = "Draft"`` or ``added ledger_entry 9f8e7d6c``; a member id as its @handle."""
    if op.kind == APPEND:
        return f"added {op.entity} {short_row(op.row_id)}"
    value = op.value
    if handles and op.field in ("assignee", "created_by") and value.strip('"') in handles:
        value = "@" + handles[value.strip('"')]
    shown = value if len(value) <= 60 else value[:57] + "..."
    return f"set {op.entity} {short_row(op.row_id)} {op.field} = {shown}"
