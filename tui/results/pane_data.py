"""What the Results screen shows, read in a worker thread.

Three levels, each a list of rows with the same columns: the campaigns;
``enter`` on one, its posts, best first by a KPI shown (CTR unless another
is chosen: the top and the bottom of the list are the best and worst);
``enter`` on a post, its numbers by day.
Each row has the spend and KPIs over the period (a week, a month, or the
campaign's own run), its campaign's targets met or missed, the change in
results against the period before (a day's: against the day before), and its results per day over the 30
days up to the period's end (or today, while it is still going), however
long the period is (the sparkline; a post's days have none, being the days
themselves).  The campaigns' rows come from
``report.build`` over the period, which reads the campaign-days of
``result_day`` (a few rows per campaign and day, whatever the number of
posts), and from one read of the counts per campaign and day over the
period before and the sparklines' days: switching the period reads what
that period holds, in a few hundred rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from crewdeck.sync.state.visible import visible
from crewdeck.tui.ledger.period import Period, period_name
from crewdeck.tui.results import report
from crewdeck.tui.results.kpis import BY_LARGEST_REACH, MISSING, NO_SPEND, SPEND_BELOW_ZERO, divide_rounded, shown
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Workspace, campaign_slug

#: The period kinds the screen switches between, in the order ``p`` cycles them.
KINDS = ("week", "month", "run")
#: The KPIs the screen shows, in order.
SHOWN = ("ctr", "cpc", "cpa", "roas", "er_reach")
#: The KPIs a campaign's posts are best first by (``s`` cycles them), and those of them that are best when lowest.
SORTS = SHOWN
LOWEST_BEST = frozenset({"cpc", "cpa"})
SPARK_DAYS = 30
#: "rate missing" (``kpi report``'s words) in the table's 8-cell columns.
NO_RATE = "no rate"
#: What a post's days compare with, each: like with like, a day against a day (an analytics tool's day over day).
DAY_BEFORE = "the day before"
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
    #: The targets missed, each in ``kpi report``'s words (``ctr 0.94% vs ctr>=1.2%``); empty when all are met (or there are none).
    missed: tuple[str, ...]
    #: It has targets and meets every one (a KPI with no value, "—", meets none: then it is neither on nor off target).
    on_target: bool
    #: The change in results against the previous period (a day's: the day before): ``+12%``, ``−5%``, ``—``.
    change: str
    #: Results per day over the ``SPARK_DAYS`` days up to the period's end (or today while it is going), oldest first,
    #: ``None`` on a day they were not reported on; ``()`` for a day of a post (the screen shows no such column there).
    series: tuple[int | None, ...] = field(default=())
    #: The KPIs (codes) it shows "—" for because no ledger entry counts toward it (``report.no_spend``): unknown, not 0,
    #: and they meet or miss no target.
    no_spend: frozenset[str] = frozenset()
    #: The KPIs (codes) it shows "—" for because its spend is below 0 (``report.below_zero``): money back, no cost.
    below_zero: frozenset[str] = frozenset()
    #: The count its results are (and Δ and the sparkline): what its campaign's CPA counts, conversions unless its targets
    #: say otherwise (``result=clicks``).
    result: str = "conversions"
    #: The currencies of its spend or conversion value that no rate converts on their day ("no rate").
    unrated: frozenset[str] = frozenset()
    #: What tells it from another row of the same title (`` (tiktok)``, ``report.told_apart``), kept when the label is cut.
    mark: str = ""


@dataclass(frozen=True)
class ResultsPage:
    kind: str
    #: The period as the bars name it (``period_name``): ``Week 2026-W48``, ``Month 2026-11``, ``Campaign run``.
    name: str
    currency: str
    #: "campaigns", "posts" (of ``campaign``) or "days" (of ``post``).
    level: str
    #: What the rows are of: "Campaigns", a campaign (``+spring-launch``), a post's title.
    title: str
    lines: tuple[ResultLine, ...]
    #: What Δ compares with: the period before (``Week 2026-W47``), or its first days as many as a period still going has
    #: had (``Week 2026-W47's first 4 days (as many as this week has had)``); a post's days, the day before (``DAY_BEFORE``);
    #: ``""`` over each campaign's run, which has none.
    before: str = ""
    #: The campaign of the posts or of the post's days, as ``+campaign`` names it (``+spring-launch``); ``""`` for the campaigns.
    campaign: str = ""
    #: The KPI the posts are best first by (one of ``SORTS``).
    sort: str = SORTS[0]
    #: The period's first and last day (``2026-11-23..2026-11-29``); ``""`` over each campaign's run, or a run open at an end.
    days: str = ""


#: After a rate whose two sides (counts, spend or conversion value) come from different platforms
#: (``report.mixed_platforms``): no platform's rate.
MIXED = "~"
#: What "—" means, in the legend (a row with no spend linked adds which of its KPIs shown that makes "—").
_NO_VALUE = "— no value"
#: What "no rate" means, in the legend (which currencies, once the rows are known).
_NO_RATE = f"{NO_RATE}: a currency with no rate"
#: Each mark a row may show and what it means, in the order the legend says them.
MARKS = (
    ("*", BY_LARGEST_REACH),
    (MIXED, f"{MIXED} a rate with sides from different platforms (kpi report names them)"),
    (MISSING, _NO_VALUE),
    (NO_RATE, _NO_RATE),
    ("✗", "✗ n missed: targets missed, named above for the cursor's row"),
    ("✓", "✓ every target met"),
)


def legend(page: ResultsPage, kpis: frozenset[str] = frozenset(SHOWN), targets: bool = True, change: bool = True) -> str:
    """What Δ compares and what the marks the rows show mean, in a line under the table (marks no row shows are left out,
    and those of columns a narrow table leaves out: ``kpis``, the KPIs whose columns are shown; ``targets``, whether the
    targets' column is; ``change``, whether Δ's is: without it, what Δ compares is not said either)."""
    counts = results_said(page.lines)
    compared = f"Δ: results vs {page.before}" if page.before else "Δ: — over a run (no period before)"
    shown = _marks_shown(page.lines, [i for i, code in enumerate(SHOWN) if code in kpis], targets, change)
    said = [words for mark, words in MARKS if mark in shown]
    if NO_RATE in shown:
        # Which rate is missing, as the Budget pane names it: "a currency with no rate" left that to kpi report.
        currencies = ", ".join(sorted(frozenset[str]().union(*(line.unrated for line in page.lines))))
        said[said.index(_NO_RATE)] = f"{NO_RATE}: amounts in {currencies}, with no rate into {page.currency} on their day"
    unlinked = frozenset[str]().union(*(line.no_spend for line in page.lines))
    costs = [code.upper() for code in SHOWN if code in kpis and code in unlinked]
    refunded = frozenset[str]().union(*(line.below_zero for line in page.lines))
    below = [code.upper() for code in SHOWN if code in kpis and code in refunded]
    # A cost KPI of a row with no spend linked is "—" too: unknown, where 0.00 would read as free; so is one of a row
    # whose spend is below 0 (money back), where a cost below 0 would read as better than free.
    why = ([f"{', '.join(costs)}: no spend linked"] if costs else []) + ([f"{', '.join(below)}: spend below 0"] if below else [])
    if why:
        judged = ", neither met nor missed" if targets else ""
        said[said.index(_NO_VALUE)] = f"{_NO_VALUE} ({'; '.join(why)}{judged})"
    return " · ".join([counts, compared, *said] if change else [counts, *said])


def results_said(lines: tuple[ResultLine, ...]) -> str:
    """What the results column counts: ``results: conversions``; rows whose campaign's targets choose another count are
    named after the one most rows count (``results: conversions (clicks for +b2b-webinar)``)."""
    rows_of: dict[str, list[str]] = {}
    for line in lines:
        rows_of.setdefault(line.result, []).append(line.label)
    if not rows_of:
        return "results: conversions"
    most = max(rows_of, key=lambda result: (len(rows_of[result]), result == "conversions"))
    others = [f"{_count_words(result)} for {', '.join(labels)}" for result, labels in rows_of.items() if result != most]
    return f"results: {_count_words(most)}" + (f" ({'; '.join(others)})" if others else "")


def _count_words(name: str) -> str:
    return name.replace("_", " ")


def targets_said(page: ResultsPage, index: int) -> str | None:
    """The targets the row at ``index`` (the cursor's) misses, named whole in ``kpi report``'s words, in a line under
    the table (its cell says only how many: the KPIs it names may be of columns a narrow table leaves out); ``None``,
    no line, when no row of the page misses one."""
    if not any(line.missed for line in page.lines) or not 0 <= index < len(page.lines):
        return None
    line = page.lines[index]
    label = line.label + line.mark
    if line.missed:
        return f"✗ {label} off target: {', '.join(line.missed)}"
    return f"✓ {label}: every target met" if line.on_target else f"{label}: no target missed"


def nothing_shown(page: ResultsPage) -> str | None:
    """Why a page has no row, in the line under the table (an empty table said nothing); ``None`` when it has."""
    if page.lines:
        return None
    if page.level == "campaigns":
        return f"No campaign results or spend {'over their runs' if page.kind == 'run' else f'in {page.name}'}"
    when = "over its run" if page.kind == "run" else f"in {page.name}"
    if page.level == "days":
        return f"No results or spend for this post {when}"
    return f"No post or campaign results or spend for {page.campaign} {when}"


def _marks_shown(lines: tuple[ResultLine, ...], kpis: list[int], targets: bool, change: bool) -> set[str]:
    cells = {
        cell for line in lines for cell in (line.spend, line.results, *([line.change] if change else []), *(line.kpis[i] for i in kpis))
    }
    marks = {mark for mark in (MISSING, NO_RATE) if mark in cells}
    if any(cell.removesuffix(MIXED).endswith("*") for cell in cells):
        marks.add("*")
    if any(cell.endswith(MIXED) for cell in cells):
        marks.add(MIXED)
    if targets and any(line.missed for line in lines):
        marks.add("✗")
    if targets and any(line.on_target for line in lines):
        marks.add("✓")
    return marks


def period_of(kind: str, anchor: dt.date) -> Period | None:
    """The calendar period of ``kind`` holding ``anchor`` (``None`` for each campaign's run)."""
    return None if kind == "run" else Period.containing(kind, anchor)


def load(
    ws: Workspace,
    kind: str,
    anchor: dt.date,
    campaign: str | None = None,
    post: str | None = None,
    *,
    today: dt.date,
    begun: dt.date | None = None,
    sort: str = SORTS[0],
) -> ResultsPage:
    """The page of ``kind`` holding ``anchor``; ``today`` (the viewer's) says how far a period still going has come, and
    ``begun`` (the latest day begun anywhere, ``when.last_day_begun``) how far one begun only in a zone ahead of the
    viewer has; ``sort``: the KPI a campaign's posts are best first by."""
    currency = ws.base_currency
    period = period_of(kind, anchor)
    today = _come_to(period, today, begun)
    name = period_name(period)
    before = "" if period is None else _before_label(period, today)
    if campaign is None:
        if period is None:
            lines = _run_lines(ws, currency, today)
            return ResultsPage(kind, name, currency, "campaigns", "Campaigns", tuple(lines), before)
        bounds, previous = _bounds(period, today)
        lines = _campaign_lines(ws, currency, bounds, previous, None, today=today)
        return ResultsPage(kind, name, currency, "campaigns", "Campaigns", tuple(lines), before, days=_days_text(bounds))
    bounds, previous = (_run(ws, campaign), None) if period is None else _bounds(period, today)
    info = ws.campaign(campaign)
    slug = campaign_slug(campaign, info.name if info else campaign)
    if post is None:
        lines = _post_lines(ws, currency, bounds, previous, campaign, today, sort)
        return ResultsPage(kind, name, currency, "posts", f"+{slug}", tuple(lines), before, f"+{slug}", sort, _days_text(bounds))
    title = ws.conn.execute("SELECT title FROM task WHERE id = ?", (post,)).fetchone()
    lines = _day_lines(ws, currency, bounds, campaign, post)
    # Told apart as on the posts' page: the campaign's other posts of this title too.
    namesakes = ws.conn.execute(
        "SELECT id, title, lower(platform) FROM task WHERE campaign = ? AND lower(trim(title)) = lower(trim(?))",
        (campaign, title[0] if title else ""),
    ).fetchall()
    label = (title[0] if title else post[:8]) + report.told_apart(namesakes).get(post, "")
    return ResultsPage(kind, name, currency, "days", label, tuple(lines), DAY_BEFORE, f"+{slug}", days=_days_text(bounds))


def _days_text(bounds: Bounds) -> str:
    """``2026-11-23..2026-11-29``, the period's first and last day; ``""`` for a run open at an end."""
    if bounds[0] <= _EVER or bounds[1] >= _NEVER:
        return ""
    return f"{bounds[0].isoformat()}..{(bounds[1] - dt.timedelta(days=1)).isoformat()}"


def _day_lines(ws: Workspace, currency: str, bounds: Bounds, campaign: str, post: str) -> list[ResultLine]:
    """A post's days in the period, each with its change against the day before (the period's first against the eve of it)."""
    eve = bounds[0] - dt.timedelta(days=1)
    days = report.build(ws.conn, currency, by="day", bounds=(eve, bounds[1]), campaign=campaign, post=post)
    result = report.campaign_targets_result(days, campaign)
    counts = {g.key: _count(g, result) for g in days.groups}
    first = bounds[0].isoformat()
    return [_line(days, g, g.key, counts.get(_day_before(g.key)), {}, bounds) for g in days.groups if g.key >= first]


def _day_before(day: str) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


def _come_to(period: Period | None, today: dt.date, begun: dt.date | None) -> dt.date:
    """The day ``period`` has come to: the viewer's ``today``, or ``begun`` when the period has begun only in a zone ahead
    of the viewer (their Sunday evening, a teammate's Monday): its days are then counted as the teammate's, and its
    change compares as many days of the period before, not the whole of it."""
    start = None if period is None else period.start
    if begun is not None and start is not None and today < start <= begun:
        return begun
    return today


def _days_had(period: Period, today: dt.date) -> int | None:
    """The days a period still going has had, today included; ``None`` for one that has ended or not begun."""
    bounds = period.range
    assert bounds is not None
    return (today - bounds[0]).days + 1 if bounds[0] <= today < bounds[1] else None


def _bounds(period: Period, today: dt.date) -> tuple[Bounds, Bounds | None]:
    """The period and the one before, cut to as many days as the period has had when it is still going (like with like)."""
    bounds, previous = period.range, period.move(-1).range
    assert bounds is not None and previous is not None
    had = _days_had(period, today)
    if had is not None:
        previous = previous[0], min(previous[1], previous[0] + dt.timedelta(days=had))
    return bounds, previous


def _before_label(period: Period, today: dt.date) -> str:
    had = _days_had(period, today)
    before = period.move(-1)
    previous = before.range
    assert previous is not None
    if had is None or had >= (previous[1] - previous[0]).days:
        return period_name(before)
    # Only a period still going is cut: it is this week, or this month.
    first = "first day" if had == 1 else f"first {counted(had, 'day')}"  # "first 1 day" is said by nobody
    return f"{period_name(before)}'s {first} (as many as this {period.kind} has had)"


def _run(ws: Workspace, campaign_id: str) -> Bounds:
    info = ws.campaign(campaign_id)
    start = dt.date.fromisoformat(info.start) if info and info.start else _EVER
    end = dt.date.fromisoformat(info.end) + dt.timedelta(days=1) if info and info.end else _NEVER
    return start, end


def _run_lines(ws: Workspace, currency: str, today: dt.date) -> list[ResultLine]:
    """Each campaign over its own run: the campaigns with the same run (those with no dates, say) are read together."""
    order = {c.id: i for i, c in enumerate(ws.campaigns())}
    runs: dict[Bounds, list[str]] = {}
    for campaign_id in order:
        runs.setdefault(_run(ws, campaign_id), []).append(campaign_id)
    lines = [
        line
        for bounds, ids in runs.items()
        for line in _campaign_lines(ws, currency, bounds, None, ids[0] if len(ids) == 1 else None, frozenset(ids), today=today)
    ]
    return sorted(lines, key=lambda line: order[line.key])


def _campaign_lines(
    ws: Workspace,
    currency: str,
    bounds: Bounds,
    previous: Bounds | None,
    campaign: str | None,
    only: frozenset[str] | None = None,
    *,
    today: dt.date,
) -> list[ResultLine]:
    """The campaigns' rows (``only``: of these): KPIs over the period; the period before and the sparklines need counts only."""
    now = report.build(ws.conn, currency, bounds=bounds, campaign=campaign)
    groups = [g for g in now.groups if only is None or g.campaign in only]
    sparks = {g.campaign: _spark_bounds(bounds, g.last_day, today, run=previous is None) for g in groups}
    # One read of the counts per campaign and day over every sparkline and the period before.
    spans = [sparks[g.campaign] for g in groups if g.last_day or bounds[1] < _NEVER] + ([previous] if previous else [])
    results = sorted({report.campaign_targets_result(now, g.campaign) for g in groups})
    daily = report.counts_by_day(ws.conn, (min(s[0] for s in spans), max(s[1] for s in spans)), results, campaign) if spans else {}
    before_days = (previous[0].isoformat(), previous[1].isoformat()) if previous else ("", "")
    lines = []
    for g in groups:
        column = results.index(report.campaign_targets_result(now, g.campaign))
        spark = sparks[g.campaign]
        spark_days = (spark[0].isoformat(), spark[1].isoformat())
        series: dict[str, int] = {}
        before: list[int] = []
        for day, counts in daily.get(g.campaign, {}).items():
            count = counts[column]
            if count is None:
                continue  # not reported that day: no bar (a row of "▁" read as a result of 0 every day), nothing before
            if spark_days[0] <= day < spark_days[1]:
                series[day] = count
            if before_days[0] <= day < before_days[1]:
                before.append(count)
        lines.append(_line(now, g, f"+{now.campaign_slug(g.campaign)}", sum(before) if before else None, series, spark))
    return lines


def _post_lines(
    ws: Workspace, currency: str, bounds: Bounds, previous: Bounds | None, campaign: str, today: dt.date, sort: str
) -> list[ResultLine]:
    now = report.build(ws.conn, currency, by="post", bounds=bounds, campaign=campaign)
    before = report.build(ws.conn, currency, by="post", bounds=previous, campaign=campaign) if previous else None
    earlier = {g.key: g for g in before.groups} if before else {}
    spark = _spark_bounds(bounds, max((g.last_day for g in now.groups), default=""), today, run=previous is None)
    result = report.campaign_targets_result(now, campaign)
    series: dict[str, dict[str, int]] = {}
    # The result column is one of the result counts (targets.of checks it): safe in the SQL text.  Keyed as the rows
    # are: a post by its id, the campaign's own results on a platform as "/meta" (``report._placed``).
    sql = (
        f"SELECT CASE WHEN r.kind = 'post' THEN r.post ELSE '/' || nullif(r.platform, '') END, r.day, sum(r.{result}) "
        "FROM result r WHERE r.day >= :since AND r.day < :until AND ((r.kind = 'post' AND r.post IN "
        "(SELECT id FROM task WHERE campaign = :campaign)) OR (r.kind = 'campaign' AND r.campaign = :campaign)) GROUP BY 1, 2"
    )
    for key, day, count in ws.conn.execute(sql, {"since": spark[0].isoformat(), "until": spark[1].isoformat(), "campaign": campaign}):
        if count is not None:  # not reported that day (a sum of none): no bar, as for a day with no record
            series.setdefault(key, {})[day] = count
    titles = dict(ws.conn.execute("SELECT id, title FROM task WHERE campaign = ?", (campaign,)).fetchall())
    lines = []
    for g in now.groups:
        # A campaign's own results on a platform: "/linkedin" (the title names the campaign; its slug would leave no room).
        label = titles.get(g.key) or (g.key if g.key.startswith("/") else "(no post)" if not g.key else g.key[:8])
        line = _line(now, g, label, _count(earlier.get(g.key), result), series.get(g.key, {}), spark)
        lines.append(replace(line, mark=visible(now.post_marks.get(g.key, ""))))
    # Best first, those with no value ("—", "no rate") last: the top and the bottom of the list are the best and the worst.
    sign = 1 if sort in LOWEST_BEST else -1
    value = {g.key: g.kpis[sort].value for g in now.groups}
    lines.sort(key=lambda line: (value[line.key] is None, sign * (value[line.key] or 0), line.label.lower()))
    return lines


def _spark_bounds(bounds: Bounds, last_day: str, today: dt.date, *, run: bool = False) -> Bounds:
    """The ``SPARK_DAYS`` days up to the end of the period, or up to ``today`` while it is still going (of a run: up to
    ``last_day``, its last day with results).

    Whatever the period's length, as the column's title says: a week's
    sparkline shows the three weeks before it too.  A period still going
    ends ahead: its days to come would be blank, most of a month's.
    """
    end = bounds[1]
    if run or end >= _NEVER:
        end = min(end, dt.date.fromisoformat(last_day) + dt.timedelta(days=1) if last_day else bounds[0] + dt.timedelta(days=1))
    elif bounds[0] <= today < end:
        end = today + dt.timedelta(days=1)
    return end - dt.timedelta(days=SPARK_DAYS), end


def _line(built: report.ResultsReport, g: report.Group, label: str, before: int | None, daily: dict[str, int], spark: Bounds) -> ResultLine:
    """``before``: the results of the period before (``None``: none recorded)."""
    result = report.campaign_targets_result(built, g.campaign)
    # No record gave the result (spend alone, say): not reported, "—" as in kpi report, never 0.
    count = g.totals.counts.get(result)
    days = _days(spark) if daily else ()
    return ResultLine(
        key=g.campaign if built.by == "campaign" else g.key,
        label=visible(label),  # a name or title someone typed: shown, never sent to the terminal
        spend=_fitted(report.spend_text(g.totals, built.currency)),
        results=MISSING if count is None else f"{count:,}",
        kpis=tuple(_fitted(shown(g.kpis[code], built.currency)) + (MIXED if code in g.mixed else "") for code in SHOWN),
        missed=tuple(f"{v.kpi.code} {shown(v, built.currency)} vs {t.text(built.currency)}" for t, v in g.missed),
        on_target=report.meets_all(built, g),
        change=MISSING if count is None else _change(count, before),
        series=tuple(daily.get(day) for day in days),
        no_spend=report.noted(g, NO_SPEND),
        below_zero=report.noted(g, SPEND_BELOW_ZERO),
        result=result,
        unrated=frozenset(g.totals.spend_missing) | frozenset(g.totals.value_missing),
    )


def _fitted(text: str) -> str:
    """ "rate missing" as the table's 8-cell columns can show it whole."""
    return NO_RATE if text == "rate missing" else text


@lru_cache(maxsize=8)
def _days(bounds: Bounds) -> tuple[str, ...]:
    return tuple((bounds[0] + dt.timedelta(days=i)).isoformat() for i in range((bounds[1] - bounds[0]).days))


def _count(group: report.Group | None, result: str) -> int | None:
    return None if group is None else group.totals.count(result)


def _change(now: int, before: int | None) -> str:
    if before is None or before == 0:
        return MISSING
    percent = divide_rounded(Decimal(now - before) * 100, Decimal(before), 0)
    assert percent is not None
    return f"+{percent}%" if percent > 0 else f"−{-percent}%" if percent < 0 else "±0%"
