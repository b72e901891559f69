"""Budget against actual, per campaign and per category, month or payee.

One SQL query sums the entries per campaign, key, currency, rate date and
counted/pending (so Python sees a few thousand groups, not every entry);
``build`` converts each group with the rate in force on its entries' date,
adds the budgets and works out what is derived from them:

* **spent**: counted entries only (approved or needing no approval),
  converted exactly to the base currency;
* **pending**: entries waiting for approval, the same way (not in spent),
  unknown as a whole while some of it has no rate (``Line.known_pending``);
* **remaining** = budget - spent; **used** = spent / budget in percent;
* **burn per day** = spent / days of the campaign's run elapsed in the
  period up to today; **forecast** = spent + burn x days left in the run,
  or in the period when it ends earlier: where spending lands at the end;
* **over budget** when spent > budget; **heading over** when forecast > budget.

Entries with no rate in force are left out of the converted totals, counted
in ``Line.unconverted`` and listed in ``Report.missing``: the report says
which rates it needs instead of guessing.

Budgets carry their own currency.  One in another currency than the base
converts at the rate in force on the first day of its period (its month's
first day, or the start of its campaign's run): one rate for the whole
budget, however the report splits it.  Without such a rate (or, for a run
budget, without a start date) the line's budget is unknown ("rate
missing": ``Line.budget_unconverted``, ``Report.missing_budgets``), and
so are its remaining, use and over-budget flags.  Both conversions are
``RateBook.convert``'s.  Every value stays exact (or, for
quotients, at 40 digits) until it is shown, then it is rounded once, half to
even, to the base currency's minor unit.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.money import EXACT, QUOTIENT, format_minor, money_json, round_minor
from crewdeck.sync.state.naming import told_apart_slugs
from crewdeck.sync.state.records import date
from crewdeck.tui.ledger import REPORT_GROUPINGS
from crewdeck.tui.ledger import budgets as budget_lib
from crewdeck.tui.ledger.filter import COUNTED, REVERSED_PAIR
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.ledger.rates import RateBook, at_rate, missing_pair, rate_date_sql
from crewdeck.tui.ledger.sums import amount_sum, whole
from crewdeck.tui.workspace import words
from crewdeck.tui.workspace.placeholders import text_or, unnamed_campaign
from crewdeck.tui.workspace.workspace import campaign_slug

BY = REPORT_GROUPINGS
_KEY_SQL = {"category": "e.category", "month": "substr(e.date, 1, 7)", "payee": "e.payee"}
_ZERO = Decimal(0)


@dataclass
class Line:
    """One row of a report (``key`` is ``""`` on a campaign's total)."""

    key: str
    spent: Decimal = _ZERO
    pending: Decimal = _ZERO
    budget: Decimal | None = None
    entries: int = 0
    pending_entries: int = 0
    #: Spend a crisis froze (``crewdeck.tui.posts.frozen``): not in ``spent`` until a manager approves it.
    frozen: Decimal = _ZERO
    frozen_entries: int = 0
    #: The frozen part of ``unconverted``: the frozen spend is unknown unless it nets to zero, as the pending spend is.
    frozen_unconverted: dict[str, int] = field(default_factory=dict)
    #: Counted amounts in their own currencies, minor units.
    by_currency: dict[str, int] = field(default_factory=dict)
    #: Amounts with no rate in force (counted or pending), minor units per currency.
    unconverted: dict[str, int] = field(default_factory=dict)
    #: The pending part of ``unconverted``: the pending spend is unknown unless it nets to zero (an entry and its reversal).
    pending_unconverted: dict[str, int] = field(default_factory=dict)
    burn_per_day: Decimal | None = None
    forecast: Decimal | None = None
    #: Budgets with no rate into the base currency, minor units per currency: the budget is unknown.
    budget_unconverted: dict[str, int] = field(default_factory=dict)

    @property
    def known_budget(self) -> Decimal | None:
        """The budget in the base currency; ``None`` without one, or when part of it has no rate."""
        return None if self.budget_unconverted else self.budget

    @property
    def known_pending(self) -> Decimal | None:
        """The pending spend in the base currency; ``None`` when part of it has no rate (a sum without it would pass for the whole)."""
        return None if any(self.pending_unconverted.values()) else self.pending

    @property
    def known_frozen(self) -> Decimal | None:
        """The spend a crisis froze in the base currency; ``None`` when part of it has no rate, as for ``known_pending``."""
        return None if any(self.frozen_unconverted.values()) else self.frozen

    @property
    def remaining(self) -> Decimal | None:
        budget = self.known_budget
        return None if budget is None else EXACT.subtract(budget, self.spent)

    @property
    def over(self) -> bool:
        budget = self.known_budget
        return budget is not None and self.spent > budget

    @property
    def heading_over(self) -> bool:
        budget = self.known_budget
        return budget is not None and self.forecast is not None and self.forecast > budget

    @property
    def complete(self) -> bool:
        return not self.unconverted and not self.budget_unconverted

    def used_permille(self) -> int | None:
        """Spent per thousand of the budget, rounded half to even (``None`` without a known budget)."""
        budget = self.known_budget
        if budget is None or budget == 0:
            return None
        return int(QUOTIENT.divide(QUOTIENT.multiply(self.spent, 1000), budget).quantize(Decimal(1), context=QUOTIENT))

    def used_percent(self) -> int | None:
        budget = self.known_budget
        if budget is None or budget == 0:
            return None
        return int(QUOTIENT.divide(QUOTIENT.multiply(self.spent, 100), budget).quantize(Decimal(1), context=QUOTIENT))


@dataclass
class CampaignReport:
    id: str
    name: str
    slug: str
    start: str | None
    end: str | None
    total: Line
    lines: list[Line]


@dataclass(frozen=True)
class MissingRate:
    """Entries in ``currency`` dated ``first .. last`` that no rate into the base currency covers."""

    currency: str
    first: str
    last: str
    entries: int
    amount: int


@dataclass(frozen=True)
class MissingBudgetRate:
    """A budget in ``currency`` with no rate into the base currency on or before ``day``, the first day of its period.

    ``day`` is ``None`` for a run budget of a campaign without a start date.
    """

    campaign: str
    category: str
    period: str
    currency: str
    amount: int
    day: str | None


@dataclass
class Report:
    base: str
    by: str
    period: Period
    as_of: dt.date
    campaigns: list[CampaignReport]
    missing: list[MissingRate]
    warnings: list[str]
    missing_budgets: list[MissingBudgetRate] = field(default_factory=list)


#: Before any date and after every date, as text that sorts like ISO dates.
_EVER, _NEVER = "", "9999-12-31"


def entry_currencies(conn: sqlite3.Connection) -> list[str]:
    """The currencies of the ledger's entries, each found by a seek of ``ledger_report`` (led by the currency) from the
    one before: ``DISTINCT`` read the whole index, 100,000 entries for three currencies (5 ms)."""
    return [
        r[0]
        for r in conn.execute(
            "WITH RECURSIVE c(currency) AS (SELECT min(currency) FROM ledger_entry UNION ALL "
            "SELECT (SELECT min(currency) FROM ledger_entry WHERE currency > c.currency) FROM c WHERE c.currency IS NOT NULL) "
            "SELECT currency FROM c WHERE currency IS NOT NULL"
        )
    ]


def _groups(
    conn: sqlite3.Connection, rates: RateBook, by: str, where: str, params: dict[str, Any], days: tuple[str, str] = (_EVER, _NEVER)
) -> Iterator[tuple[str, str, str, Decimal | None, bool, int, int, str, str]]:
    """``(campaign, key, currency, rate or None, counted, amount, entries, first day, last day)`` sums.

    Entries needing no approval (nearly all) are summed per currency and per
    span of days one rate is in force, each span one range scan of the
    ``ledger_report`` index: no per-entry lookup.  The few that need
    approval are summed with their status and rate date worked out per entry.
    ``days``: the report's first day and the day after its last (its
    ``where`` has them too): a span of a rate outside them is never read.
    """
    key = _KEY_SQL[by]
    currencies = entry_currencies(conn)
    plain = (
        f"SELECT e.campaign, {key}, {amount_sum('e.amount')}, count(*), min(e.date), max(e.date) FROM ledger_entry e "
        f"WHERE e.currency = :currency AND e.needs_approval = 0 AND e.date >= :from AND e.date < :until AND {where} "
        "GROUP BY 1, 2"
    )
    # Where no rate is in force (few entries: before a currency's first rate), a day's entries are summed apart, and
    # entries reversed and their reversals apart from the rest, and spend a crisis froze (``_freeze`` takes it out
    # after): what nets to zero is zero whatever rate the day gets, so it needs none (a currency typed wrong and
    # reversed was "rates missing" for ever).
    from crewdeck.tui.posts.frozen import frozen_condition

    freezing = frozen_condition(conn)
    unrated = plain.replace("GROUP BY 1, 2", f"GROUP BY 1, 2, e.date, {REVERSED_PAIR}")
    if freezing is not None:
        unrated += f", {freezing[0]}"
        params = {**params, **freezing[1]}
    for currency in currencies:
        for since, until, rate in rates.spans(currency, _EVER, _NEVER):
            if until <= days[0] or since >= days[1]:
                continue  # no day of the period: none of its entries (a month's report of a ledger of years)
            query = plain if rate is not None else unrated
            for camp, k, high, low, n, first, last in conn.execute(query, {**params, "currency": currency, "from": since, "until": until}):
                amount = whole(high, low)
                yield camp, k, currency, _or_any(rate, amount), True, amount, n, first, last
    approval = (
        f"SELECT e.campaign, {key}, e.currency, {rate_date_sql()}, {COUNTED}, "
        f"{amount_sum('e.amount')}, count(*), min(e.date), max(e.date) "
        f"FROM ledger_entry e WHERE e.currency = :currency AND e.needs_approval = 1 AND {where} "
        f"GROUP BY 1, 2, 3, 4, 5, e.date, {REVERSED_PAIR}"
    )
    for currency in currencies:
        for camp, k, _, rate_day, counted, high, low, n, first, last in conn.execute(approval, {**params, "currency": currency}):
            amount = whole(high, low)
            rate = None if rate_day is None else rates.on(currency, rate_day)
            yield camp, k, currency, _or_any(rate, amount), bool(counted), amount, n, first, last


#: The rate of one day's entries that no rate converts and that net to zero: zero at any rate is zero at this one.
_ANY_RATE = Decimal(1)


def _or_any(rate: Decimal | None, amount: int) -> Decimal | None:
    """``rate``, or for one day's entries with none that net to zero (``_groups`` sums them so) one that converts them as
    any would: to zero."""
    return _ANY_RATE if rate is None and amount == 0 else rate


def build(
    conn: sqlite3.Connection,
    base: str,
    *,
    by: str = "category",
    period: Period | None = None,
    campaign: str | None = None,
    as_of: dt.date,
) -> Report:
    """The report for one campaign (or all) over ``period`` (default: all time)."""
    period = period or Period.all()
    bounds = period.range
    where, params = ["1"], {"base": base}
    if campaign:
        where.append("e.campaign = :campaign")
        params["campaign"] = campaign
    if bounds:
        where.append("e.date >= :start AND e.date < :end")
        params.update(start=bounds[0].isoformat(), end=bounds[1].isoformat())
    rates = RateBook.load(conn, base)
    campaigns = _campaigns(conn)
    lines: dict[str, dict[str, Line]] = defaultdict(dict)
    totals: dict[str, Line] = {}
    first_day: dict[str, str] = {}
    missing: dict[str, list[Any]] = {}
    days = (bounds[0].isoformat(), bounds[1].isoformat()) if bounds else (_EVER, _NEVER)
    for camp, key, currency, rate, counted, amount, n, first, last in _groups(conn, rates, by, " AND ".join(where), params, days):
        line = lines[camp].get(key) or lines[camp].setdefault(key, Line(key))
        total = totals.get(camp) or totals.setdefault(camp, Line(""))
        value = None if rate is None else at_rate(amount, currency, rate)
        for target in (line, total):
            if counted:
                target.entries += n
                target.by_currency[currency] = target.by_currency.get(currency, 0) + amount
            else:
                target.pending_entries += n
            if value is None:
                target.unconverted[currency] = target.unconverted.get(currency, 0) + amount
                if not counted:
                    target.pending_unconverted[currency] = target.pending_unconverted.get(currency, 0) + amount
            elif counted:
                target.spent = EXACT.add(target.spent, value)
            else:
                target.pending = EXACT.add(target.pending, value)
        if counted and (camp not in first_day or first < first_day[camp]):
            first_day[camp] = first
        if value is None:
            seen = missing.setdefault(currency, [first, last, 0, 0])
            seen[0], seen[1] = min(seen[0], first), max(seen[1], last)
            seen[2] += n
            seen[3] += amount
    _freeze(conn, rates, by, " AND ".join(where), params, lines, totals)
    warnings, missing_budgets = _add_budgets(conn, rates, by, bounds, campaign, campaigns, lines, totals)
    report = Report(base, by, period, as_of, [], [MissingRate(c, *v) for c, v in sorted(missing.items())], warnings, missing_budgets)
    for camp, total in totals.items():
        info = campaigns.get(camp)
        span = _burn_span(info, first_day.get(camp), bounds)
        _burn(total, span, as_of)
        if by == "category":
            for line in lines[camp].values():
                _burn(line, span, as_of)
        ordered = sorted(lines[camp].values(), key=_order(by))
        name = info.name if info else short(camp)
        report.campaigns.append(
            CampaignReport(
                camp,
                name,
                info.slug if info else campaign_slug(camp, name),
                info.start if info else None,
                info.end if info else None,
                total,
                ordered,
            )
        )
    report.campaigns.sort(key=lambda c: (c.name.lower(), c.id))
    return report


def _freeze(
    conn: sqlite3.Connection,
    rates: RateBook,
    by: str,
    where: str,
    params: dict[str, Any],
    lines: dict[str, dict[str, Line]],
    totals: dict[str, Line],
) -> None:
    """Move the spend a crisis froze from spent to frozen (entry by entry: a crisis's days hold few)."""
    from crewdeck.tui.posts.frozen import frozen_condition

    found = frozen_condition(conn)
    if found is None:
        return
    condition, frozen_params = found
    rows = conn.execute(
        f"SELECT e.campaign, {_KEY_SQL[by]}, e.currency, e.date, e.amount FROM ledger_entry e WHERE {where} AND {condition}",
        {**params, **frozen_params},
    )
    for camp, key, currency, day, amount in rows:
        in_force = rates.in_force(currency, day)
        for target in (lines[camp][key], totals[camp]):
            target.entries -= 1
            target.frozen_entries += 1
            # Entries add up in any order: a currency may come to zero before the last of them (an entry and its reversal).
            left = target.by_currency.get(currency, 0) - amount
            if left:
                target.by_currency[currency] = left
            else:
                target.by_currency.pop(currency, None)
            if in_force is not None:
                value = at_rate(amount, currency, in_force[1])
                target.spent = EXACT.subtract(target.spent, value)
                target.frozen = EXACT.add(target.frozen, value)
            else:
                # Still in ``unconverted`` (its rate is missing all the same); a frozen sum without it would pass for the whole.
                target.frozen_unconverted[currency] = target.frozen_unconverted.get(currency, 0) + amount


@dataclass(frozen=True)
class _Run:
    """What a report needs of a campaign: its name and the dates of its run."""

    name: str
    start: str | None
    end: str | None
    #: Its ``+slug``, told apart from another campaign's of the same name (``told_apart_slugs``).
    slug: str


def _campaigns(conn: sqlite3.Connection) -> dict[str, _Run]:
    # Deleted campaigns too: their entries still count and need a name.
    rows = conn.execute("SELECT id, name, start, [end], deleted FROM campaign").fetchall()
    slugs = told_apart_slugs([(r[0], r[1], r[4]) for r in rows])
    return {r[0]: _Run(text_or(r[1], unnamed_campaign(r[0])), _day(r[2]), _day(r[3]), slugs[r[0]]) for r in rows}


def _day(value: Any) -> str | None:
    """A campaign's start or end, if it is a date (what the checks allow, whatever is stored)."""
    try:
        return date(value)
    except ValueError:
        return None


def _order(by: str) -> Any:
    if by == "payee":
        return lambda line: (-line.spent, line.key.lower())
    return lambda line: line.key


def _add_budgets(
    conn: sqlite3.Connection,
    rates: RateBook,
    by: str,
    bounds: budget_lib.Bounds | None,
    campaign: str | None,
    campaigns: dict[str, _Run],
    lines: dict[str, dict[str, Line]],
    totals: dict[str, Line],
) -> tuple[list[str], list[MissingBudgetRate]]:
    warnings = []
    missing = []
    #: Campaign -> the categories of its run budgets a shorter period cannot take a share of (the run has no start or end).
    unplaced: dict[str, list[str]] = {}
    #: Campaign -> the categories of its run budgets in an all-time report by month that no month takes (the same cause).
    monthless: dict[str, list[str]] = {}
    left_out = budget_lib.incomplete(conn)
    if left_out:
        warnings.append(
            f"{left_out} incomplete budget{'s are' if left_out != 1 else ' is'} left out: crewdeck doctor lists and repairs them"
        )
    for budget in budget_lib.load(conn, campaign):
        info = campaigns.get(budget.campaign)
        if info and budget.period != "run" and budget_lib.outside_run(budget.period, info.start, info.end):
            name = info.slug
            run_text = budget_lib.run_text(info.start, info.end)
            warnings.append(
                f"+{name}/{budget.category} for {budget.period} is outside the campaign's run ({run_text}): it counts in no report"
            )
            continue
        run = budget_lib.run_bounds(info.start, info.end) if info else None
        if bounds is not None and budget.period == "run" and run is None and info is not None:
            if _open_run_meets(info, bounds):
                unplaced.setdefault(budget.campaign, []).append(budget.category)
            continue
        if bounds is not None and not _overlaps(budget, bounds, run):
            continue
        value = budget_lib.share(budget, bounds, run)
        if value is None:
            continue
        day = budget_lib.first_day(budget, info.start if info else None)
        targets = [(totals.get(budget.campaign) or totals.setdefault(budget.campaign, Line("")), value)]
        if by == "category":
            line = lines[budget.campaign].get(budget.category) or lines[budget.campaign].setdefault(budget.category, Line(budget.category))
            targets.append((line, value))
        elif by == "month":
            if budget.period == "run" and run is None and info is not None:
                monthless.setdefault(budget.campaign, []).append(budget.category)
            for month, part in budget_lib.monthly_shares(budget, bounds, run):
                line = lines[budget.campaign].get(month) or lines[budget.campaign].setdefault(month, Line(month))
                targets.append((line, part))
        # One rate for the whole budget, however the report splits it.  Without a first day
        # only a budget in the base currency converts: no rate can be picked.
        dated = day is not None or budget.currency == rates.base
        when = day.isoformat() if day else ""
        converted = [(line, part, rates.convert(part, budget.currency, when) if dated else None) for line, part in targets]
        if converted[0][2] is None:
            name = info.name if info else short(budget.campaign)
            missing.append(
                MissingBudgetRate(name, budget.category, budget.period, budget.currency, budget.amount, day.isoformat() if day else None)
            )
        for line, part, value in converted:
            if value is None:
                minor = round_minor(part, budget.currency)
                line.budget_unconverted[budget.currency] = line.budget_unconverted.get(budget.currency, 0) + minor
            else:
                line.budget = _plus(line.budget, value)
    warnings.extend(_unplaced_text(campaigns[c].slug, campaigns[c], sorted(cats)) for c, cats in unplaced.items())
    warnings.extend(_monthless_text(campaigns[c].slug, campaigns[c], sorted(cats)) for c, cats in monthless.items())
    return warnings, missing


def _open_run_meets(run: _Run, bounds: budget_lib.Bounds) -> bool:
    """Whether a run with no start or no end may have days in ``bounds`` (its one date is not past them)."""
    starts_after = run.start is not None and dt.date.fromisoformat(run.start) >= bounds[1]
    ended_before = run.end is not None and dt.date.fromisoformat(run.end) < bounds[0]
    return not (starts_after or ended_before)


def _unplaced_text(slug: str, run: _Run, categories: list[str]) -> str:
    """Why a report of a period leaves out a campaign's run budgets: its share of them is by the days of the run."""
    lacks = " or ".join(name for name, day in (("start", run.start), ("end", run.end)) if day is None)
    return (
        f"+{slug}'s budget for the run ({', '.join(categories)}) counts in no report of a shorter period: the run has no "
        f"{lacks} date, so the days of it in the period are not known; give it one with crewdeck campaign set {slug} --start/--end"
    )


def _monthless_text(slug: str, run: _Run, categories: list[str]) -> str:
    """Why an all-time report by month has a campaign's run budgets in its total and in none of its months."""
    lacks = " or ".join(name for name, day in (("start", run.start), ("end", run.end)) if day is None)
    return (
        f"+{slug}'s budget for the run ({', '.join(categories)}) is in its total but in no month: the run has no {lacks} "
        f"date, so the months of it are not known; give it one with crewdeck campaign set {slug} --start/--end"
    )


def _overlaps(budget: budget_lib.Budget, bounds: budget_lib.Bounds, run: budget_lib.Bounds | None) -> bool:
    span = budget_lib.extent(budget, run)
    return span is not None and span[0] < bounds[1] and bounds[0] < span[1]


def _plus(a: Decimal | None, b: Decimal) -> Decimal:
    return b if a is None else QUOTIENT.add(a, b)


def _burn_span(info: _Run | None, first_entry: str | None, bounds: budget_lib.Bounds | None) -> tuple[dt.date | None, dt.date | None]:
    """First and last day (inclusive) over which a campaign's spending is spread in this report."""
    start_text = (info.start if info else None) or first_entry
    start = dt.date.fromisoformat(start_text) if start_text else None
    end = dt.date.fromisoformat(info.end) if info and info.end else None
    if bounds is not None:
        start = max(start, bounds[0]) if start else bounds[0]
        last = bounds[1] - dt.timedelta(days=1)
        end = min(end, last) if end else last
    return start, end


def _burn(line: Line, span: tuple[dt.date | None, dt.date | None], as_of: dt.date) -> None:
    start, end = span
    if start is None:
        return
    upto = min(as_of, end) if end else as_of
    elapsed = (upto - start).days + 1
    if elapsed > 0:
        line.burn_per_day = QUOTIENT.divide(line.spent, elapsed)
    if end is None:
        return
    left = (end - max(as_of, start - dt.timedelta(days=1))).days
    if left <= 0 or line.burn_per_day is None:
        line.forecast = line.spent
    else:
        line.forecast = QUOTIENT.add(line.spent, QUOTIENT.multiply(line.burn_per_day, left))


# ---------------------------------------------------------------- output


def money(value: Decimal | None, currency: str) -> dict[str, str] | None:
    return None if value is None else money_json(round_minor(value, currency), currency)


def line_json(line: Line, base: str, by: str) -> dict[str, Any]:
    out: dict[str, Any] = {by: line.key} if line.key else {}
    out.update(
        budget=money(line.known_budget, base),
        spent=money(line.spent, base),
        pending=money(line.known_pending, base),
        remaining=money(line.remaining, base),
        used_percent=line.used_percent(),
        over_budget=line.over,
        burn_per_day=money(line.burn_per_day, base),
        forecast=money(line.forecast, base),
        forecast_over_budget=line.heading_over,
        entries=line.entries,
        pending_entries=line.pending_entries,
        frozen=money(line.known_frozen, base),
        frozen_entries=line.frozen_entries,
        by_currency=[money_json(v, c) for c, v in sorted(line.by_currency.items())],
        unconverted=[money_json(v, c) for c, v in sorted(line.unconverted.items())],
        budget_unconverted=[money_json(v, c) for c, v in sorted(line.budget_unconverted.items())],
        complete=line.complete,
    )
    return out


def as_json(report: Report) -> dict[str, Any]:
    bounds = report.period.range
    return {
        "base_currency": report.base,
        "by": report.by,
        "period": {
            "label": report.period.label,
            "start": bounds[0].isoformat() if bounds else None,
            "end": (bounds[1] - dt.timedelta(days=1)).isoformat() if bounds else None,
        },
        "as_of": report.as_of.isoformat(),
        "campaigns": [
            {
                "id": c.id,
                "name": c.name,
                "slug": c.slug,
                "start": c.start,
                "end": c.end,
                "total": line_json(c.total, report.base, report.by),
                "rows": [line_json(line, report.base, report.by) for line in c.lines],
            }
            for c in report.campaigns
        ],
        "missing_rates": [
            {"currency": m.currency, "first": m.first, "last": m.last, "entries": m.entries, **money_json(m.amount, m.currency)}
            for m in report.missing
        ],
        "missing_budget_rates": [
            {
                "campaign": m.campaign,
                "category": m.category,
                "period": m.period,
                "rate_date": m.day,
                **money_json(m.amount, m.currency),
            }
            for m in report.missing_budgets
        ],
        "warnings": report.warnings,
    }


#: The use a line shows exactly; beyond it, the line reads ">999%" (or "<-99%", spend refunded past its budget).
USED_SHOWN = range(-99, 1000)


def used_text(percent: int | None) -> str:
    """How ``ledger report`` and the Budget pane show a line's use: ``"82%"``; ``">999%"`` past 999, whose digits (a
    budget used 38 million times) no one reads and no column keeps in line; ``""`` without a known budget.  ``--json``
    keeps the number."""
    if percent is None:
        return ""
    if percent in USED_SHOWN:
        return f"{percent}%"
    return f">{USED_SHOWN[-1]}%" if percent > 0 else f"<{USED_SHOWN[0]}%"


def warning_texts(report: Report) -> list[str]:
    """What a report warns of: the rates it misses (for entries, then budgets), then what it left out (incomplete
    budgets, monthly budgets outside their campaign's run).  ``ledger report`` prints them on stderr and the Budget
    pane shows them above its tables, both from here."""
    return [
        *(missing_text(m, report.base) for m in report.missing),
        *(missing_budget_text(m, report.base) for m in report.missing_budgets),
        *report.warnings,
    ]


def frozen_text(line: Line, base: str, approve: str | None) -> str:
    """What a crisis took out of ``line``'s spent; ``approve`` says how a manager approves an entry, to a reader who may
    (``None``: one who may not is told of no command the rules would refuse them)."""
    counted = words.counted(line.frozen_entries, "entry")
    known = line.known_frozen
    if known is None:
        # Never a sum that leaves out what has no rate (it would pass for the whole): what lacks one instead.
        lacking = ", ".join(f"{format_minor(v, c, grouping=True)} {c}" for c, v in sorted(line.frozen_unconverted.items()) if v)
        what = f"{counted} (rate missing for {lacking})"
    else:
        what = f"{format_minor(round_minor(known, base), base, grouping=True)} {base} in {counted}"
    how = f" ({approve})" if approve else ""
    return f"frozen by a crisis: {what}, not in spent until a manager approves each{how}"


def missing_text(m: MissingRate, base: str) -> str:
    return (
        f"no {missing_pair(m.currency, base)} rate on or before {m.first}: {words.counted(m.entries, 'entry')}"
        f" ({m.first}..{m.last}) {'is' if m.entries == 1 else 'are'} not in the totals; add one with: crewdeck rate set {m.first} {m.currency}/{base} RATE"
    )


def missing_budget_text(m: MissingBudgetRate, base: str) -> str:
    what = f"budget {m.campaign}/{m.category}/{m.period} ({format_minor(m.amount, m.currency, grouping=True)} {m.currency})"
    if m.day is None:
        return f"rate missing: {what} is for the run of a campaign with no start date, so no {m.currency}/{base} rate can be picked"
    return (
        f"rate missing: no {missing_pair(m.currency, base)} rate on or before {m.day} for {what}; "
        f"add one with: crewdeck rate set {m.day} {m.currency}/{base} RATE"
    )
