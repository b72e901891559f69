"""Which budget lines a write of spend takes over budget: said once, when a line crosses, not on every later entry.

A write (a new entry, an import, an approval of pending spend) is watched:
``watch`` before it takes the lines over budget in the periods its spend
falls in, ``crossed`` after it names those over now that were not, the two and the
write in one transaction (``around``).  Both
read ``reports.build``, the report's own figures (Decimal, its rates: spend
no rate converts is out of them, as the report leaves it out, and the note
says so), so the note and ``ledger report`` never disagree.

The periods: all time (a campaign's run budget and its monthly ones add up)
and, where the campaign has a budget for the spend's month, that month, for
the lines of the categories budgeted for it (``months``: not for an import of
history, whose months would be a report each, before and after, and a note
each).  Only campaigns with a budget are watched, and each period is one
report of them all, however many campaigns the write touches.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from crewdeck.sync.state.money import format_minor, round_minor
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.visible import visible
from crewdeck.tui.ledger import budgets, reports
from crewdeck.tui.ledger.period import Period, period_name

T = TypeVar("T")


@dataclass(frozen=True)
class Watch:
    """The lines over budget before a write: per ``(campaign, period)``, the keys of those over (``""``: the total)."""

    base: str
    over: dict[tuple[str, Period], frozenset[str]]
    #: Per ``(campaign, period)``, the lines that count there: ``None`` every line, else these keys.
    lines: dict[tuple[str, Period], frozenset[str] | None]


def watch(conn: sqlite3.Connection, base: str, spend: Iterable[tuple[str, str]], as_of: dt.date, *, months: bool = True) -> Watch:
    """Before a write of ``spend`` (``(campaign id, date)`` each): the lines over budget in the periods it falls in."""
    lines: dict[tuple[str, Period], frozenset[str] | None] = {}
    spent = set(spend)
    #: The budgets of the campaigns the spend is in (not every campaign's: the lock may be held while they are read).
    budgeted: dict[str, list[budgets.Budget]] = {}
    for budget in budgets.of_campaigns(conn, {campaign for campaign, _ in spent if campaign}):
        budgeted.setdefault(budget.campaign, []).append(budget)
    monthly: dict[str, dict[str, set[str]]] = {}
    for campaign, day in spent:
        if campaign not in budgeted:
            continue  # no budget: no line to go over
        lines[(campaign, Period.all())] = None
        if not months:
            continue
        if campaign not in monthly:
            monthly[campaign] = {}
            for budget in budgeted[campaign]:
                if budget.period != "run":
                    monthly[campaign].setdefault(budget.period, set()).add(budget.category)
        month = day[:7]
        if month in monthly[campaign]:
            # A month's report gives a run budget a share of its days too: a line with no budget of its own for the month
            # "over" its share of the run's is no budget crossed (nor is the total, which holds every such share); only
            # the categories budgeted for the month.
            lines[(campaign, Period.parse(month))] = frozenset(monthly[campaign][month])
    reports_of = _reports(conn, base, lines, as_of)
    return Watch(base, {key: _over(reports_of[key[1]], key[0]) for key in lines}, lines)


def around(
    store: Store, base: str, spend: Iterable[tuple[str, str]], as_of: dt.date, write: Callable[[], T], *, months: bool = True
) -> tuple[T, list[str]]:
    """What ``write`` (of ``spend``) returns, and the notes of the budget lines it took over budget: ``watch`` before it,
    ``crossed`` after, in the write's one transaction: another member's spend committed between the two would be said
    as this write's crossing (their note says it too).

    Every other writer of the file waits while the transaction lasts, so ``watch`` reads first, without the lock, and
    the transaction reads it again only when another writer committed since (``Store.snapshot``)."""
    spend = list(spend)
    with store.snapshot() as version:
        early = watch(store.conn, base, spend, as_of, months=months)
    with store.held():
        before = early if store.version() == version else watch(store.conn, base, spend, as_of, months=months)
        return write(), crossed(store.conn, before, as_of)


def crossed(conn: sqlite3.Connection, before: Watch, as_of: dt.date) -> list[str]:
    """The notes (without ``note: ``) of the lines ``before`` watched that are over budget now and were not."""
    notes: list[str] = []
    #: The lines said, in the order said, with what they were said of.
    crossing: list[tuple[reports.Line, tuple[str, Period, tuple[object, ...]]]] = []
    #: ``(campaign, line key)`` -> the figures of the all-time line said over: a month's line with the same (its
    #: category budgeted for that month alone) says nothing more.
    said: dict[tuple[str, str], tuple[object, ...]] = {}
    reports_of = _reports(conn, before.base, before.lines, as_of)
    # All time first (``watch`` puts it first for each campaign).
    for key, was in sorted(before.over.items(), key=lambda item: item[0][1].start is not None):
        campaign, period = key
        wanted = before.lines[key]
        for camp in _of(reports_of[period], campaign):
            for line in [*camp.lines, camp.total]:
                if not line.over or line.key in was or (wanted is not None and line.key not in wanted):
                    continue
                figures = (line.spent, line.known_budget, tuple(sorted(line.unconverted.items())))
                if said.get((campaign, line.key)) == figures:
                    continue
                said.setdefault((campaign, line.key), figures)
                if not line.key and crossing and crossing[-1][1] == (campaign, period, figures):
                    # The campaign's total as its one category's line (its only budget): one note names both.
                    notes[-1] = _said(camp, crossing[-1][0], period, before.base, campaign_too=True)
                    continue
                crossing.append((line, (campaign, period, figures)))
                notes.append(_said(camp, line, period, before.base))
    return notes


def _reports(conn: sqlite3.Connection, base: str, lines: Iterable[tuple[str, Period]], as_of: dt.date) -> dict[Period, reports.Report]:
    """One report per period watched: of its one campaign, or of them all where it watches several (a report's cost is
    mostly its own, not its campaigns')."""
    campaigns: dict[Period, set[str]] = {}
    for campaign, period in lines:
        campaigns.setdefault(period, set()).add(campaign)
    return {
        period: reports.build(conn, base, period=period, campaign=next(iter(named)) if len(named) == 1 else None, as_of=as_of)
        for period, named in campaigns.items()
    }


def _of(report: reports.Report, campaign: str) -> list[reports.CampaignReport]:
    return [camp for camp in report.campaigns if camp.id == campaign]


def _over(report: reports.Report, campaign: str) -> frozenset[str]:
    return frozenset(line.key for camp in _of(report, campaign) for line in [*camp.lines, camp.total] if line.over)


def _said(camp: reports.CampaignReport, line: reports.Line, period: Period, base: str, *, campaign_too: bool = False) -> str:
    """ "+spring-launch/influencers is over budget (All time): spent 4,100.00 of 4,000.00 USD", as the report has it;
    ``campaign_too``: "+spring-launch/influencers, and so +spring-launch, is over budget ..."."""
    assert line.known_budget is not None  # over: a budget is known
    spent, budget = (format_minor(round_minor(value, base), base, grouping=True) for value in (line.spent, line.known_budget))
    name = f"+{camp.slug}" + (f"/{line.key}" if line.key else "") + (f", and so +{camp.slug}," if campaign_too else "")
    said = f"{name} is over budget ({period_name(period)}): spent {spent} of {budget} {base}"
    if line.unconverted:
        # Left out of the figures, never guessed: the report lists the rates it needs.
        said += ", not counting spend no rate converts (crewdeck ledger report lists it)"
    return visible(said)


def spend_of(conn: sqlite3.Connection, entry_ids: Iterable[str]) -> list[tuple[str, str]]:
    """``(campaign id, date)`` of the entries ``entry_ids``: what an approval of them counts, for ``watch``."""
    ids = list(entry_ids)
    marks = ", ".join("?" * len(ids))
    rows = conn.execute(f"SELECT campaign, date FROM ledger_entry WHERE id IN ({marks}) AND campaign IS NOT NULL AND date IS NOT NULL", ids)
    return [(str(campaign), str(day)) for campaign, day in rows]
