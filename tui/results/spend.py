"""The money a result cost: spend as the ledger report counts it, in one call.

This is the only place results reach into the ledger: entries that count
(``filter.COUNTED``: needing no approval, or approved by someone other than
their author; never pending ones), summed per group, currency and day, and
converted with the rate in force on each day (``rates.RateBook``, as
``ledger report`` converts).  Amounts with no rate in force are kept apart
per currency, never guessed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from crewdeck.sync.state.money import EXACT, to_decimal
from crewdeck.tui.ledger.filter import COUNTED
from crewdeck.tui.ledger.rates import RateBook

#: What ledger entries are grouped by, per grouping of results: SQL over ``e`` (the entry) and ``t`` (its task).
SPEND_KEYS = {
    "campaign": "e.campaign, ''",
    "post": "e.campaign, e.task",
    "platform": "e.campaign, lower(t.platform)",
    "day": "e.campaign, e.date",
}


@dataclass
class Spend:
    amount: Decimal = Decimal(0)
    #: Minor units per currency with no rate in force on their day.
    missing: dict[str, int] = field(default_factory=dict)


def counted_spend(
    conn: sqlite3.Connection,
    rates: RateBook,
    by: str,
    bounds: tuple[dt.date, dt.date] | None,
    campaign: str | None = None,
    post: str | None = None,
) -> dict[tuple[str, str | None], Spend]:
    """Counted spend per ``(campaign, key)`` in ``rates.base`` (key: ``''``, the task, the platform or the day)."""
    where = [COUNTED]
    params: dict[str, str] = {}
    if bounds is not None:
        where.append("e.date >= :since AND e.date < :until")
        params.update(since=bounds[0].isoformat(), until=bounds[1].isoformat())
    if campaign is not None:
        where.append("e.campaign = :campaign")
        params["campaign"] = campaign
    if post is not None:
        where.append("e.task = :post")
        params["post"] = post
    join = "LEFT JOIN task t ON t.id = e.task" if by == "platform" else ""
    sql = (
        f"SELECT {SPEND_KEYS[by]}, e.currency, e.date, sum(e.amount) FROM ledger_entry e {join} "
        f"WHERE {' AND '.join(where)} GROUP BY 1, 2, 3, 4"
    )
    out: dict[tuple[str, str | None], Spend] = defaultdict(Spend)
    for camp, key, currency, day, amount in conn.execute(sql, params):
        target = out[(camp, key)]
        found = rates.in_force(currency, day)
        if found is None:
            target.missing[currency] = target.missing.get(currency, 0) + amount
        else:
            target.amount = EXACT.add(target.amount, EXACT.multiply(to_decimal(amount, currency), found[1]))
    return dict(out)
