"""What the ledger pane shows, as plain data its widgets take.

The app calls these from a worker (they read the store) and hands the
result to ``crewdeck.widgets.budget_table.BudgetTable`` and
``crewdeck.widgets.entries_table.EntriesTable``:

* ``budget_view``: one total row per campaign, then a row per category,
  for the selected period, and what the report warns of;
* ``entries_where``: the filter text and period as SQL for
  ``entries.window`` / ``entries.count`` (the table pages through it);
* ``preview_filter``: what a filter being typed would show, for the filter
  box (``crewdeck.widgets.filter_box.FilterBox``): how many entries, or
  why it is refused.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from crewdeck.sync.state.ids import MIN_PREFIX
from crewdeck.sync.state.money import format_minor, round_minor
from crewdeck.sync.state.visible import visible
from crewdeck.tui.ledger import entries
from crewdeck.tui.ledger import filter as ledger_filter
from crewdeck.tui.ledger.entries import period_clause
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.ledger.reports import Line, build, frozen_text, used_text, warning_texts
from crewdeck.tui.posts.frozen import frozen_where
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Workspace


@dataclass(frozen=True)
class BudgetLine:
    """One row of the budget table: what finds, marks and counts it at once, its amounts formatted in the base
    currency when it is first drawn.  A year or all time of 200 campaigns has some 800 lines and the pane draws ten or
    so: all of them were formatted on each key (some 40 ms, as long as a month's report takes to read).  Compared with
    its report line, whose amounts are its own (hashed without it: the line is not hashable)."""

    campaign_id: str
    campaign: str
    #: ``""`` on the campaign's total row.
    category: str
    over: bool
    heading_over: bool
    #: ``False`` when some entries had no rate and are missing from ``spent``.
    complete: bool
    #: Entries a crisis froze: out of ``spent`` until a manager approves each.
    frozen_entries: int
    line: Line = field(repr=False, hash=False)
    base: str

    @classmethod
    def of(cls, campaign_id: str, campaign: str, line: Line, base: str) -> BudgetLine:
        return cls(
            campaign_id, visible(campaign), visible(line.key), line.over, line.heading_over, line.complete, line.frozen_entries, line, base
        )

    @property
    def is_total(self) -> bool:
        return not self.category

    @cached_property
    def _formatted(self) -> _Shown:
        return _Shown.of(self.line, self.base)

    @property
    def budget(self) -> str:
        return self._formatted.budget

    @property
    def spent(self) -> str:
        return self._formatted.spent

    @property
    def remaining(self) -> str:
        return self._formatted.remaining

    @property
    def pending(self) -> str:
        # Read of every line (the table shows PENDING while one has some): a line with no pending entry has none to show.
        if not self.line.pending_entries:
            return ""
        return self._formatted.pending

    @property
    def forecast(self) -> str:
        return self._formatted.forecast

    @property
    def used_permille(self) -> int | None:
        """Spent per thousand of the budget, for the bar (``None``: no budget)."""
        return self._formatted.used_permille

    @property
    def used(self) -> str:
        """The use as ``ledger report`` shows it (``reports.used_text``): ``"82%"``, ``">999%"``; ``""`` without a budget."""
        return self._formatted.used

    @property
    def burn_per_day(self) -> str:
        """Spent per day of the run so far in the period (``ledger report``'s BURN/DAY); ``""`` with no run to spread it over."""
        return self._formatted.burn_per_day


@dataclass(frozen=True)
class _Shown:
    """A budget line's amounts as the table shows them."""

    budget: str
    spent: str
    remaining: str
    pending: str
    forecast: str
    used_permille: int | None
    used: str
    burn_per_day: str

    @classmethod
    def of(cls, line: Line, base: str) -> _Shown:
        return cls(
            # Unknown while part of it has no rate: said, not guessed (the pane bar says "rates missing").
            budget="no rate" if line.budget_unconverted else _text(line.known_budget, base),
            spent=_text(line.spent, base),
            remaining=_text(line.remaining, base),
            pending="no rate" if line.known_pending is None else _text(line.pending, base, blank_zero=True),
            forecast=_text(line.forecast, base),
            used_permille=line.used_permille(),
            used=used_text(line.used_percent()),
            burn_per_day=_text(line.burn_per_day, base),
        )


def _text(value: Decimal | None, base: str, blank_zero: bool = False) -> str:
    if value is None:
        return ""
    minor = round_minor(value, base)
    return "" if blank_zero and minor == 0 else format_minor(minor, base, grouping=True)


@dataclass(frozen=True)
class BudgetView:
    """The budget table's rows and the warnings shown above it, from one report."""

    lines: list[BudgetLine]
    #: What ``ledger report`` warns of (``reports.warning_texts``), then each campaign's spend a crisis froze; shown safe.
    warnings: tuple[str, ...]
    #: How many of ``warnings``, first, are rates missing: what the ``*`` of an incomplete budget line stands for.
    rates_missing: int = 0


#: How the pane's manager approves an entry a crisis froze (``ledger report`` names ``crewdeck ledger approve``).
PANE_APPROVE = "a on the entry"


def budget_view(conn: sqlite3.Connection, base: str, period: Period, as_of: dt.date, campaign: str | None = None) -> BudgetView:
    report = build(conn, base, by="category", period=period, campaign=campaign, as_of=as_of)
    lines: list[BudgetLine] = []
    for c in report.campaigns:
        lines.append(BudgetLine.of(c.id, c.slug, c.total, base))
        lines.extend(BudgetLine.of(c.id, c.slug, line, base) for line in c.lines)
    frozen = [f"+{c.slug} {frozen_text(c.total, base, PANE_APPROVE)}" for c in report.campaigns if c.total.frozen_entries]
    rates = len(report.missing) + len(report.missing_budgets)  # ``warning_texts`` says them first
    return BudgetView(lines, tuple(visible(text) for text in [*warning_texts(report), *frozen]), rates)


def entries_where(ws: Workspace, text: str, period: Period, me: str | None = None, today: dt.date | None = None) -> tuple[str, list[Any]]:
    """``(where, params)`` for the entries matching a filter in a period (``UserError`` if the filter is bad); ``today``
    (the reader's) for a ``date:`` that names a period from it, ``date:thismonth``.  ``me``: the session's member, whom a
    manager may act as (``ws.store.actor``, ``--as``): ``@me`` is both."""
    lookups = ledger_filter.Lookups(
        campaign_id=lambda name: _campaign_id(ws, name),
        member_ids=ws.members_in_filter,
        me=me,
        actor=ws.store.actor,
        frozen=lambda: frozen_where(ws.conn),
    )
    where, params = ledger_filter.compile(ledger_filter.parse(text, today), lookups)
    when, more = period_clause(period.range)
    return f"({where}) AND {when}", [*params, *more]


@dataclass(frozen=True)
class FilterMatches:
    """What the filter ``text`` would show: ``count`` entries, or why it is ``refused`` (one of the two)."""

    text: str
    count: int | None = None
    refused: str | None = None


def preview_filter(ws: Workspace, text: str, period: Period, me: str | None = None, today: dt.date | None = None) -> FilterMatches:
    """How many entries of ``period`` the filter ``text`` matches, or why it is refused.

    The reason may quote names from the workspace: it is made safe to show.
    """
    try:
        where, params = entries_where(ws, text, period, me, today)
    except UserError as exc:
        return FilterMatches(text, refused=visible(str(exc)))
    return FilterMatches(text, count=entries.count(ws.conn, where, params))


def _campaign_id(ws: Workspace, name: str) -> str:
    """The campaign ``+name`` means; also one that entries or budgets name but the workspace lacks
    (a record that never arrived: reports show it by its short id, and ``+`` that id finds it)."""
    try:
        return ws.campaign_by_name(name).id
    except UserError:
        prefix = name.lstrip("+").lower()
        if not re.fullmatch(f"[0-9a-f]{{{MIN_PREFIX},32}}", prefix):
            raise
        found = ws.conn.execute(
            "SELECT campaign FROM ledger_entry WHERE substr(campaign, 1, ?) = ? "
            "UNION SELECT campaign FROM budget WHERE deleted = 0 AND substr(campaign, 1, ?) = ? LIMIT 2",
            (len(prefix), prefix, len(prefix), prefix),
        ).fetchall()
        if len(found) != 1:
            raise
        return str(found[0][0])
