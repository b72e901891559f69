"""Whether a crisis freezes a ledger entry: the rule, on records (the rules judge approvals with it).

Spend in a crisis's campaigns (all when it names none) dated from the
crisis's first day to its last (UTC; on, while it is open) is frozen until
approved; a crisis that names platforms freezes no spend.  Reports apply
the same rule in SQL (``crewdeck.tui.posts.frozen``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def freezes(entry: Mapping[str, Any], crisis: Mapping[str, Any], ended_at: str | None) -> bool:
    """Whether this crisis (a ``crisis`` record, ended at ``ended_at`` or open) freezes this entry (a ``ledger_entry`` record)."""
    if crisis.get("platforms"):
        return False
    if crisis.get("campaigns") and entry["campaign"] not in crisis["campaigns"]:
        return False
    if entry["date"] < crisis["started_at"][:10]:
        return False
    return ended_at is None or entry["date"] <= ended_at[:10]


def frozen(entry: Mapping[str, Any], crises: Iterable[tuple[Mapping[str, Any], str | None]]) -> bool:
    """Whether any of these ``(crisis, ended_at)`` freezes a spend entry that needs no approval."""
    return not entry.get("needs_approval") and any(freezes(entry, crisis, ended) for crisis, ended in crises)
