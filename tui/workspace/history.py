"""Operations in the words of the activity log: what a change did, one line."""

from __future__ import annotations

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.oplog import APPEND, Op


def describe_op(op: Op, handles: dict[str, str] | None = None) -> str:
    """``set task 1a2b3c4d title = "Draft"`` or ``added ledger_entry 9f8e7d6c``; a member id as its @handle."""
    if op.kind == APPEND:
        return f"added {op.entity} {short(op.row_id)}"
    value = op.value
    if handles and op.field in ("assignee", "created_by") and value.strip('"') in handles:
        value = "@" + handles[value.strip('"')]
    shown = value if len(value) <= 60 else value[:57] + "..."
    return f"set {op.entity} {short(op.row_id)} {op.field} = {shown}"
