"""What the Results screen shows, read in a worker thread.

Three levels, each a list of rows with the same columns: the campaigns;
``enter`` on one, its posts, best first by CTR (the top and the bottom of
the list are the best and worst); ``enter`` on a post, its numbers by day.
Each row has the spend and KPIs over the period (a week, a month, or the
campaign's own run), its campaign's targets met or missed, the change in
results against the period before, and its results per day over the last
30 days of the period (the sparkline).  Everything comes from
``report.build`` over the period's days only (the ``result_by_day``
index), so switching the period reads what that period holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from crewdeck.sync.state.visible import visible
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.results import report
from crewdeck.tui.results.kpis import divide_rounded, shown
from crewdeck.tui.workspace.workspace import Workspace, campaign_slug

#: The period kinds the screen switches between, in the order ``p`` cycles them.
KINDS = ("week", "month", "run")
#: The KPIs the screen shows, in order.
SHOWN = ("ctr", "cpc", "cpa", "roas", "er_reach")
SPARK_DAYS = 30
_EVER, _NEVER = dt.date(1900, 1, 1), dt.date(9999, 1, 1)
Bounds = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class ResultLine:
    """One row, every value already text."""

    #: What the row is: a campaign's id, a post's id (or ``/platform``, ``""``), a day.
    key: str
    label: str
    spend: str
    results: str
    kpis: tuple[str, ...]
    #: The targets missed, as ``0.94% vs ctr>=1.2%``; empty when all are met (or there are none).
    missed: str
    has_targets: bool
    #: The change in results against the previous period: ``+12%``, ``−5%``, ``—``.
    change: str
    #: Results per day over the last ``SPARK_DAYS`` days of the period, oldest first.
    series: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class ResultsPage:
    kind: str
    label: str
    currency: str
    #: "campaigns", "posts" (of ``campaign``) or "days" (of ``post``).
    level: str
    title: str
    lines: tuple[ResultLine, ...]


def period_of(kind: str, anchor: dt.date) -> Period | None:
    """The calendar period of ``kind`` holding ``anchor`` (``None`` for each campaign's run)."""
    return None if kind == "run" else Period.containing(kind, anchor)


def load(ws: Workspace, kind: str, anchor: dt.date, campaign: str | None = None, post: str | None = None) -> ResultsPage:
    currency = ws.base_currency
    period = period_of(kind, anchor)
    label = "each campaign's run" if period is None else period.label
    if campaign is None:
        if period is None:
            lines = [line for c in ws.campaigns() for line in _campaign_lines(ws, currency, _run(ws, c.id), None, c.id)]
        else:
            bounds, previous = _bounds(period)
            lines = _campaign_lines(ws, currency, bounds, previous, None)
        return ResultsPage(kind, label, currency, "campaigns", "Campaigns", tuple(lines))
    bounds, previous = (_run(ws, campaign), None) if period is None else _bounds(period)
    info = ws.campaign(campaign)
    slug = campaign_slug(campaign, info.name if info else campaign)
    if post is None:
        return ResultsPage(
            kind,
            label,
            currency,
            "posts",
            f"+{slug}: posts, best CTR first",
            tuple(_post_lines(ws, currency, bounds, previous, campaign, slug)),
        )
    title = ws.conn.execute("SELECT title FROM task WHERE id = ?", (post,)).fetchone()
    days = report.build(ws.conn, currency, by="day", bounds=bounds, campaign=campaign, post=post)
    lines = [_line(days, g, g.key, None, {}, bounds) for g in days.groups]
    return ResultsPage(kind, label, currency, "days", f"+{slug}: {title[0] if title else post[:8]}, by day", tuple(lines))


def _bounds(period: Period) -> tuple[Bounds, Bounds | None]:
    bounds = period.range
    assert bounds is not None
    return bounds, period.move(-1).range


def _run(ws: Workspace, campaign_id: str) -> Bounds:
    info = ws.campaign(campaign_id)
    start = dt.date.fromisoformat(info.start) if info and info.start else _EVER
    end = dt.date.fromisoformat(info.end) + dt.timedelta(days=1) if info and info.end else _NEVER
    return start, end


def _campaign_lines(ws: Workspace, currency: str, bounds: Bounds, previous: Bounds | None, campaign: str | None) -> list[ResultLine]:
    now = report.build(ws.conn, currency, bounds=bounds, campaign=campaign)
    before = report.build(ws.conn, currency, bounds=previous, campaign=campaign) if previous else None
    earlier = {g.campaign: g for g in before.groups} if before else {}
    spark = _spark_bounds(now, bounds)
    daily = report.build(ws.conn, currency, by="day", bounds=spark, campaign=campaign)
    series: dict[str, dict[str, int]] = {}
    for g in daily.groups:
        series.setdefault(g.campaign, {})[g.key] = g.totals.count(report.campaign_targets_result(daily, g.campaign))
    return [
        _line(now, g, f"+{now.campaign_label(g.campaign)}", earlier.get(g.campaign), series.get(g.campaign, {}), spark) for g in now.groups
    ]


def _post_lines(ws: Workspace, currency: str, bounds: Bounds, previous: Bounds | None, campaign: str, slug: str) -> list[ResultLine]:
    now = report.build(ws.conn, currency, by="post", bounds=bounds, campaign=campaign)
    before = report.build(ws.conn, currency, by="post", bounds=previous, campaign=campaign) if previous else None
    earlier = {g.key: g for g in before.groups} if before else {}
    spark = _spark_bounds(now, bounds)
    result = report.campaign_targets_result(now, campaign)
    series: dict[str, dict[str, int]] = {}
    # The result column is one of the result counts (targets.of checks it): safe in the SQL text.
    sql = (
        f"SELECT r.post, r.day, sum(r.{result}) FROM result r WHERE r.kind = 'post' AND r.day >= ? AND r.day < ? "
        "AND r.post IN (SELECT id FROM task WHERE campaign = ?) GROUP BY 1, 2"
    )
    for post, day, count in ws.conn.execute(sql, (spark[0].isoformat(), spark[1].isoformat(), campaign)):
        series.setdefault(post, {})[day] = count or 0
    titles = dict(ws.conn.execute("SELECT id, title FROM task WHERE campaign = ?", (campaign,)).fetchall())
    lines = []
    for g in now.groups:
        label = titles.get(g.key) or (f"+{slug}{g.key}" if g.key.startswith("/") else "(no post)" if not g.key else g.key[:8])
        lines.append(_line(now, g, label, earlier.get(g.key), series.get(g.key, {}), spark))
    ctr = {g.key: g.kpis["ctr"].value for g in now.groups}
    lines.sort(key=lambda line: (ctr[line.key] is None, -(ctr[line.key] or 0), line.label.lower()))
    return lines


def _spark_bounds(built: report.ResultsReport, bounds: Bounds) -> Bounds:
    """The last ``SPARK_DAYS`` days of the period (of a run: up to its last day with results)."""
    end = bounds[1]
    if end >= _NEVER:
        last = max((g.last_day for g in built.groups if g.last_day), default="")
        end = dt.date.fromisoformat(last) + dt.timedelta(days=1) if last else bounds[0] + dt.timedelta(days=1)
    return max(bounds[0], end - dt.timedelta(days=SPARK_DAYS)), end


def _line(
    built: report.ResultsReport, g: report.Group, label: str, before: report.Group | None, daily: dict[str, int], spark: Bounds
) -> ResultLine:
    result = report.campaign_targets_result(built, g.campaign)
    count = g.totals.count(result)
    days = [(spark[0] + dt.timedelta(days=i)).isoformat() for i in range((spark[1] - spark[0]).days)] if daily else []
    return ResultLine(
        key=g.campaign if built.by == "campaign" else g.key,
        label=visible(label),  # a name or title someone typed: shown, never sent to the terminal
        spend=report.spend_text(g.totals, built.currency),
        results=f"{count:,}",
        kpis=tuple(shown(g.kpis[code], built.currency) for code in SHOWN),
        missed=", ".join(f"{shown(v, built.currency)} vs {t}" for t, v in g.missed),
        has_targets=report.has_targets(built, g.campaign),
        change=_change(count, before.totals.count(result) if before else None),
        series=tuple(daily.get(day, 0) for day in days),
    )


def _change(now: int, before: int | None) -> str:
    if before is None or before == 0:
        return "—"
    percent = divide_rounded(Decimal(now - before) * 100, Decimal(before), 0)
    assert percent is not None
    return f"+{percent}%" if percent > 0 else f"−{-percent}%" if percent < 0 else "±0%"
