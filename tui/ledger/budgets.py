"""Budgets per campaign and category: for the campaign's run or for a month.

Budgets add up, as hledger's periodic transactions do: a category's budget
for the whole run is its run budget plus all its monthly budgets.  For a
shorter period a budget counts in proportion to the days of it that fall in
the period (a monthly budget over the days of its month, a run budget over
the days of the campaign's run); a run budget of a campaign with no start
or end date counts only in the all-time view.  A monthly budget for a month
outside its campaign's run (``budget set`` refuses one, but the run may change
after) counts in no report, which names it.  Shares are exact quotients,
rounded once when shown (``crewdeck.sync.state.money``'s one rule).

A budget is kept in its own currency (a campaign run in the client's
currency); reports convert it at the rate in force on ``first_day`` of its
period (``crewdeck.tui.ledger.rates.RateBook.convert``).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from crewdeck.sync.state.money import EXACT, QUOTIENT, to_decimal
from crewdeck.sync.state.records import budget_id, budget_period

Bounds = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class Budget:
    campaign: str
    category: str
    #: ``run`` or a month ``YYYY-MM``.
    period: str
    amount: int
    currency: str

    @property
    def id(self) -> str:
        return budget_id(self.campaign, self.category, self.period)

    @property
    def values(self) -> dict[str, object]:
        return {
            "campaign": self.campaign,
            "category": self.category,
            "period": self.period,
            "amount": self.amount,
            "currency": self.currency,
        }


def load(conn: sqlite3.Connection, campaign: str | None = None) -> list[Budget]:
    """The budgets that count: live and complete (see ``incomplete``)."""
    return of_campaigns(conn, [campaign]) if campaign else of_campaigns(conn, None)


def of_campaigns(conn: sqlite3.Connection, campaigns: Collection[str] | None) -> list[Budget]:
    """The budgets that count of ``campaigns`` (``None``: of every campaign), in one read of the table: it has no index
    by campaign, so a read a campaign costs a scan of every budget each."""
    sql = f"SELECT campaign, category, period, amount, currency FROM budget WHERE {_COMPLETE}"
    params: list[str] = []
    if campaigns is not None:
        sql += " AND campaign IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(campaigns)))
    return [Budget(*row) for row in conn.execute(sql + " ORDER BY campaign, category, period", params) if _period(row[2])]


def incomplete(conn: sqlite3.Connection) -> int:
    """Live budgets left out for lacking a field or holding a period that is none (``crewdeck doctor`` lists them)."""
    periods = [row[0] for row in conn.execute(f"SELECT period FROM budget WHERE {_COMPLETE}")]
    lacking = conn.execute(f"SELECT count(*) FROM budget WHERE deleted = 0 AND NOT ({_COMPLETE})").fetchone()[0]
    return int(lacking) + sum(1 for period in periods if not _period(period))


#: Every field is there (a pulled record may lack some).
_COMPLETE = "deleted = 0 AND campaign IS NOT NULL AND category IS NOT NULL AND period IS NOT NULL AND currency IS NOT NULL"


def _period(value: object) -> bool:
    try:
        budget_period(value)
    except ValueError:
        return False
    return True


def run_bounds(start: str | None, end: str | None) -> Bounds | None:
    """A campaign's run as ``(first day, day after the last)``, if it has both dates."""
    if not start or not end:
        return None
    return dt.date.fromisoformat(start), dt.date.fromisoformat(end) + dt.timedelta(days=1)


def month_bounds(month: str) -> Bounds:
    first = dt.date.fromisoformat(month + "-01")
    index = first.year * 12 + first.month
    return first, dt.date(index // 12, index % 12 + 1, 1)


def outside_run(month: str, start: str | None, end: str | None) -> bool:
    """Whether no day of ``month`` falls in a campaign's run (a run without a start or an end is open on that side)."""
    first, after = month_bounds(month)
    begins, ends = _day(start), _day(end)
    return bool((begins and after <= begins) or (ends and ends < first))


def _day(text: str | None) -> dt.date | None:
    """A run's start or end; ``None`` when there is none or it is no date (a pulled record's, which ``doctor`` lists)."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def run_text(start: str | None, end: str | None) -> str:
    """A campaign's run as a report names it."""
    return f"{start or 'no start'} to {end or 'no end'}"


def extent(budget: Budget, run: Bounds | None) -> Bounds | None:
    """The days a budget is for: its month, or the campaign's run (``None`` if undated)."""
    return run if budget.period == "run" else month_bounds(budget.period)


def first_day(budget: Budget, run_start: str | None) -> dt.date | None:
    """The first day of a budget's period: its month's, or its campaign's run's (``None``: the run has no start)."""
    if budget.period != "run":
        return month_bounds(budget.period)[0]
    return dt.date.fromisoformat(run_start) if run_start else None


def share(budget: Budget, period: Bounds | None, run: Bounds | None) -> Decimal | None:
    """The part of a budget (in major units) that falls in ``period``; ``None`` when it cannot be placed."""
    whole = to_decimal(budget.amount, budget.currency)
    if period is None:
        return whole
    span = extent(budget, run)
    if span is None:
        return None
    overlap = (min(span[1], period[1]) - max(span[0], period[0])).days
    days = (span[1] - span[0]).days
    if overlap <= 0:
        return Decimal(0)
    if overlap >= days:
        return whole
    return QUOTIENT.divide(EXACT.multiply(whole, overlap), days)


def monthly_shares(budget: Budget, bounds: Bounds | None, run: Bounds | None) -> list[tuple[str, Decimal]]:
    """A budget split over the months it covers (within ``bounds``)."""
    span = extent(budget, run)
    if span is None:
        return []
    if bounds is not None:
        span = (max(span[0], bounds[0]), min(span[1], bounds[1]))
    out = []
    month = span[0].replace(day=1)
    while month < span[1]:
        key = f"{month:%Y-%m}"
        part = share(budget, (max(month, span[0]), min(month_bounds(key)[1], span[1])), run)
        if part is not None:
            out.append((key, part))
        month = month_bounds(key)[1]
    return out
