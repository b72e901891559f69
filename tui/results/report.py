"""KPIs per campaign (or per post, platform or day) over a period, against the spend.

Results are summed in SQL per record key (a post, or a campaign on a
platform) before anything is joined: a million daily records become a few
thousand sums, which Python files under their campaign (a post's campaign
and platform are its task's) and group.  Spend comes from
``spend.counted_spend``, conversion value is converted the same way, and
each group's KPIs from ``kpis.compute_all``.  Per campaign, a campaign
running in the period with nothing recorded there has a group too, of
nothing reported ("—"), so the report and the Results screen show it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from crewdeck.sync.state import rollup, rollup_days
from crewdeck.sync.state.ids import short
from crewdeck.sync.state.money import EXACT, format_minor, round_minor, to_decimal
from crewdeck.sync.state.naming import stored_campaign_slugs
from crewdeck.sync.state.records import RESULT_COUNTS
from crewdeck.tui.ledger.rates import RateBook, missing_pair
from crewdeck.tui.results import targets
from crewdeck.tui.results.kpis import Totals, Value, compute_all
from crewdeck.tui.results.spend import Spend, counted_spend, spend_platforms, widen
from crewdeck.tui.results.targets import Target
from crewdeck.tui.workspace.placeholders import text_or, unnamed_campaign
from crewdeck.tui.workspace.workspace import campaign_slug

#: The key of a group within its campaign, per grouping: SQL over the result ``r``.
_KEY_SQL = {"campaign": "''", "post": "coalesce(r.post, '/' || r.platform)", "platform": "r.platform", "day": "r.day"}
_SUMS = ", ".join(f"sum(r.{name})" for name in RESULT_COUNTS)


@dataclass
class Group:
    campaign: str
    #: ``''`` for a campaign's total; a post's id or ``/platform``; a platform; a day.
    key: str
    totals: Totals
    kpis: dict[str, Value] = field(default_factory=dict)
    #: The last day with results (followers are read as of it).
    last_day: str = ""
    platforms: set[str] = field(default_factory=set)
    #: Per count (reach too), the platforms whose records gave it (``''``: a post on none).
    reported_on: dict[str, set[str]] = field(default_factory=dict)
    #: The platforms the group's counted spend is placed on (``spend.spend_platforms``: ``None``, spend with no platform).
    spent_on: set[str | None] = field(default_factory=set)
    #: Per KPI with a value whose numerator and denominator come from different platforms (a Meta export gives no
    #: engagements, LinkedIn's does): what each side counts, ``engagements from linkedin only by impressions from
    #: linkedin and meta`` (``mixed_platforms``).  Such a rate is no platform's: the report says so rather than mix unsaid.
    mixed: dict[str, str] = field(default_factory=dict)
    #: The campaign's targets this group's KPIs miss.
    missed: list[tuple[Target, Value]] = field(default_factory=list)


@dataclass(frozen=True)
class UnconvertedMoney:
    """Spend and conversion value in ``currency`` (minor units) on days ``first .. last`` that no rate converts."""

    currency: str
    spend: int
    value: int
    first: str
    last: str

    def text(self, base: str) -> str:
        """The warning, as ``ledger report`` words one: the first day a rate must be in force on, and the command."""
        said = [(self.spend, "spend")] if self.spend or not self.value else []  # spend netting to 0 is still unconverted
        said += [(self.value, "conversion value")] if self.value else []
        parts = [f"{format_minor(amount, self.currency, grouping=True)} {self.currency} of {what}" for amount, what in said]
        days = self.first if self.first == self.last else f"{self.first}..{self.last}"
        return (
            f"rate missing: no {missing_pair(self.currency, base)} rate on or before {self.first} for {' and '.join(parts)} ({days}); "
            f"add one with: crewdeck rate set {self.first} {self.currency}/{base} RATE"
        )


@dataclass
class ResultsReport:
    currency: str
    by: str
    #: ``(first day, day after)``, or ``None`` for all time.
    bounds: tuple[dt.date, dt.date] | None
    groups: list[Group]
    campaign_names: dict[str, str]
    #: Per currency, the spend and conversion value no rate converts.
    missing: list[UnconvertedMoney]
    #: Each campaign's targets and the result its CPA counts.
    goals: dict[str, tuple[list[Target], str]] = field(default_factory=dict)
    #: Per post (``by="post"``): each post's title by its id, as the Results screen names posts.
    post_titles: dict[str, str] = field(default_factory=dict)
    #: Per post: what tells apart posts of one campaign shown under one title (``told_apart``), by id.
    post_marks: dict[str, str] = field(default_factory=dict)
    #: Each campaign's own run (``build_runs``), its rows' period in place of ``bounds``; empty for one period.
    runs: dict[str, tuple[dt.date, dt.date]] = field(default_factory=dict)
    #: Each campaign's ``+slug`` where another campaign has its name (``told_apart_slugs``), by id.
    told_slugs: dict[str, str] = field(default_factory=dict)

    def campaign_label(self, campaign_id: str) -> str:
        return self.campaign_names.get(campaign_id, short(campaign_id))

    def campaign_slug(self, campaign_id: str) -> str:
        """How ``+campaign`` names it (``spring-launch``), as ``campaign list`` and the task list show it."""
        return self.told_slugs.get(campaign_id) or campaign_slug(campaign_id, self.campaign_label(campaign_id))


def build(
    conn: sqlite3.Connection,
    currency: str,
    *,
    by: str = "campaign",
    bounds: tuple[dt.date, dt.date] | None = None,
    campaign: str | None = None,
    post: str | None = None,
) -> ResultsReport:
    """The report, each group's KPIs checked against its campaign's targets (``post``: that post's results and spend only)."""
    rates = RateBook.load(conn, currency)
    groups: dict[tuple[str, str], Group] = {}

    def group(camp: str, key: str) -> Group:
        found = groups.get((camp, key))
        if found is None:
            found = groups[(camp, key)] = Group(camp, key, Totals())
        return found

    where, params = _where(bounds, campaign, post)
    width = len(RESULT_COUNTS)
    for row in _result_sums(conn, by, bounds, campaign, post):
        camp, platform, key = row[:3]
        if camp is None:
            continue  # a post without a campaign
        g = group(camp, key)
        totals = g.totals
        for name, value in zip(RESULT_COUNTS, row[3 : 3 + width]):
            if value is not None:
                totals.counts[name] = totals.counts.get(name, 0) + value
                g.reported_on.setdefault(name, set()).add(platform or "")
        reach_max, reach_records, records, last = row[3 + width :]
        if reach_max is not None:
            totals.reach_max = reach_max if totals.reach_max is None else max(totals.reach_max, reach_max)
        totals.reach_records += reach_records
        totals.records += records
        g.last_day = max(g.last_day, last)
        if platform:
            g.platforms.add(platform)
    missing: dict[str, int] = {}
    missing_value: dict[str, int] = {}
    unrated: dict[str, tuple[str, str]] = {}
    value_sql = (
        f"SELECT {_placed('r', by)}, r.value_currency, r.day, sum(r.value_amount) FROM result r LEFT JOIN task t ON t.id = r.post "
        f"WHERE r.kind IN ('post', 'campaign') AND r.value_amount IS NOT NULL AND {where} GROUP BY 1, 2, 3, 4, 5"
    )
    for row in conn.execute(value_sql, params):
        camp, _, key = row[:3]
        if camp is None:
            continue
        value_currency: str = row[3]
        day: str = row[4]
        amount: int = row[5]
        g = group(camp, key)
        g.reported_on.setdefault("value", set()).add(row[1] or "")  # ROAS's value, compared with its spend's platforms
        totals = g.totals
        totals.value_given = True
        found = rates.in_force(value_currency, day)
        if found is None:
            totals.value_missing[value_currency] = totals.value_missing.get(value_currency, 0) + amount
            missing_value[value_currency] = missing_value.get(value_currency, 0) + amount
            widen(unrated, value_currency, day)
        else:
            totals.value = EXACT.add(totals.value, EXACT.multiply(to_decimal(amount, value_currency), found[1]))
    for (camp, spend_key), spent in counted_spend(conn, rates, by, bounds, campaign, post, unrated=unrated).items():
        _add_spend(group(camp, spend_key or ""), spent, missing)
    for (camp, spend_key), platforms in spend_platforms(conn, by, bounds, campaign, post).items():
        group(camp, spend_key or "").spent_on |= platforms
    if by == "campaign" and post is None:
        for camp in _running(conn, bounds, campaign):
            group(camp, "")  # nothing reported yet: a row of "—" says so, where no row said nothing
    followers = _followers(conn, bounds)
    campaign_names = _campaign_names(conn)
    goals = campaign_targets(conn)
    for g in groups.values():
        g.totals.followers = _followers_as_of(followers, g.platforms, g.last_day)
        wanted, result = goals.get(g.campaign, ([], "conversions"))
        g.kpis = compute_all(g.totals, currency, result)
        g.mixed = mixed_platforms(g, result)
        g.missed = targets.missed(wanted, g.kpis)
    titles, marks = _post_names(conn, list(groups.values())) if by == "post" else ({}, {})
    ordered = _ordered(groups.values(), campaign_names, titles, marks)
    unconverted = [
        UnconvertedMoney(c, missing.get(c, 0), missing_value.get(c, 0), *unrated[c]) for c in sorted(set(missing) | set(missing_value))
    ]
    return ResultsReport(
        currency, by, bounds, ordered, campaign_names, unconverted, goals, titles, marks, told_slugs=stored_campaign_slugs(conn)
    )


def mixed_platforms(g: Group, result: str = "conversions") -> dict[str, str]:
    """The KPIs of ``g`` with a value whose two sides were given by different platforms, and what each side counts.

    Each is a quotient of sums over the group's records, and a count a platform's export lacks is not reported there:
    a campaign on Meta (impressions, no engagements) and LinkedIn (both) has an ER by impressions of LinkedIn's
    engagements over both platforms' impressions, a rate of neither.  Spend is placed per platform too
    (``spend.spend_platforms``): a campaign's CPC of LinkedIn's and Meta's spend over Meta's clicks alone is neither's.
    Conversion value is compared as a count is; followers are not counted per platform here: a rate of them is not.
    """
    found: dict[str, str] = {}
    for code, value in g.kpis.items():
        if value.value is None:
            continue
        sides = [result if name == "result" else name for name in (value.kpi.numerator, value.kpi.denominator)]
        top, bottom = (_given_on(g, name) for name in sides)
        if top is None or bottom is None or top == bottom:
            continue
        found[code] = " by ".join(_side_said(name, on) for name, on in zip(sides, (top, bottom)))
    return found


def _given_on(g: Group, name: str) -> set[str | None] | None:
    """The platforms that gave ``g``'s count (or spend) ``name``; ``None`` for what is not compared."""
    if name == "spend":  # spend with no platform (a photographer, a tool) is the campaign's as a whole: no side
        return {p for p in g.spent_on if p is not None} or None
    given = g.reported_on.get(name)
    return None if given is None else set(given)


def _side_said(name: str, platforms: set[str | None]) -> str:
    """ "engagements from linkedin only"; of reach, "the largest daily reach among linkedin and meta": a rate by reach
    divides by one record's reach, the largest (``Totals.reach_max``), the least the platforms named reached together;
    never their reach added up."""
    named = {p for p in platforms if p is not None}
    if name != "reach":
        said = "conversion value" if name == "value" else name.replace("_", " ")
        return f"{said} from {_platforms_said(named)}"
    if len(named) == 1:
        return f"the largest daily reach from {_platforms_said(named)}"
    return f"the largest daily reach among {_platforms_said(named)}"


def _platforms_said(platforms: set[str]) -> str:
    named = sorted(p or "posts on no platform" for p in platforms)
    return named[0] + " only" if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def build_runs(conn: sqlite3.Connection, currency: str, runs: dict[str, tuple[dt.date, dt.date]], *, by: str = "campaign") -> ResultsReport:
    """Each campaign over its own run (``runs``: its first day and the day after its last) as one report: the Results
    screen's "Campaign run" page."""
    parts = [build(conn, currency, by=by, bounds=bounds, campaign=campaign) for campaign, bounds in runs.items()]
    if not parts:
        return build(conn, currency, by=by)
    names = parts[0].campaign_names
    titles = {key: title for part in parts for key, title in part.post_titles.items()}
    marks = {key: mark for part in parts for key, mark in part.post_marks.items()}
    groups = _ordered((g for part in parts for g in part.groups), names, titles, marks)
    unconverted: dict[str, UnconvertedMoney] = {}
    for m in (m for part in parts for m in part.missing):
        held = unconverted.get(m.currency)
        unconverted[m.currency] = (
            m
            if held is None
            else UnconvertedMoney(m.currency, held.spend + m.spend, held.value + m.value, min(held.first, m.first), max(held.last, m.last))
        )
    missing = [unconverted[c] for c in sorted(unconverted)]
    return ResultsReport(currency, by, None, groups, names, missing, parts[0].goals, titles, marks, dict(runs), parts[0].told_slugs)


def _ordered(groups: Iterable[Group], names: dict[str, str], titles: dict[str, str], marks: dict[str, str]) -> list[Group]:
    """The rows by campaign name; a campaign's posts (``titles``: a per-post report's) after its own rows (no post, then
    ``/platform``), by title and what tells them apart, as a person reads a list; ids decide only between equals."""

    def key(g: Group) -> tuple[str, str, int, str, str, str]:
        post = g.key in titles
        title = (titles[g.key] or "").strip().lower() if post else ""
        return names.get(g.campaign, g.campaign).lower(), g.campaign, 2 if post else 1 if g.key else 0, title, marks.get(g.key, ""), g.key

    return sorted(groups, key=key)


def _post_names(conn: sqlite3.Connection, groups: list[Group]) -> tuple[dict[str, str], dict[str, str]]:
    """The titles of the posts among a per-post report's groups (a campaign's own results, ``/platform``, have none), and
    the marks telling apart those of one campaign under one title (``told_apart``)."""
    posts = [g.key for g in groups if g.key and not g.key.startswith("/")]
    found = {
        post_id: (title, platform)
        for post_id, title, platform in conn.execute(
            f"SELECT id, title, lower(platform) FROM task WHERE id IN ({', '.join('?' * len(posts))})", posts
        )
    }
    shown: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for g in groups:
        if g.key in found:
            shown[g.campaign].append((g.key, *found[g.key]))
    marks = {post_id: mark for rows in shown.values() for post_id, mark in told_apart(rows).items()}
    return {post_id: title for post_id, (title, _) in found.items()}, marks


def told_apart(posts: Iterable[tuple[str, str | None, str | None]]) -> dict[str, str]:
    """What tells apart posts shown under one title (``(id, title, platform)`` of one campaign's posts): for each whose
    title another has (as ``kpi add`` compares titles, case and outer spaces aside), the mark after it, its platform
    (`` (tiktok)``: one creative runs on several platforms under one title) and, where that is shared too, its short
    id (`` (instagram, 1a2b3c4d)``).  A post of a title of its own has none: two rows of "Launch reel" told nothing."""
    by_title: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for post_id, title, platform in posts:
        by_title[(title or "").strip().lower()].append((post_id, platform))
    marks: dict[str, str] = {}
    for same in by_title.values():
        if len(same) < 2:
            continue
        platforms = Counter(platform for _, platform in same)
        for post_id, platform in same:
            said = [platform] if platform else []
            if not platform or platforms[platform] > 1:
                said.append(short(post_id))
            marks[post_id] = f" ({', '.join(said)})"
    return marks


def _running(conn: sqlite3.Connection, bounds: tuple[dt.date, dt.date] | None, campaign: str | None) -> list[str]:
    """The campaigns whose run overlaps the period (a run with no start or end is open at that end, as ``--period run`` reads it)."""
    where = ["deleted = 0"]
    params: dict[str, str] = {}
    if bounds is not None:
        where.append("(coalesce(start, '') = '' OR start < :until) AND (coalesce([end], '') = '' OR [end] >= :since)")
        params.update(since=bounds[0].isoformat(), until=bounds[1].isoformat())
    if campaign is not None:
        where.append("id = :campaign")
        params["campaign"] = campaign
    return [row[0] for row in conn.execute(f"SELECT id FROM campaign WHERE {' AND '.join(where)}", params)]


def _result_sums(
    conn: sqlite3.Connection, by: str, bounds: tuple[dt.date, dt.date] | None, campaign: str | None, post: str | None
) -> Iterator[tuple[Any, ...]]:
    """``(campaign, platform, key, sums..., largest reach, records with a reach, records, last day)``, a few rows per group.

    A sum is ``NULL`` where no record gave that count (not reported), as ``sum`` over the records reads.

    Per campaign, platform or day, from ``result_day`` (kept by triggers,
    see ``rollup_days``); per post, whole months come from
    ``result_month`` (``rollup``), the days before the first and after the
    last whole month from the daily records; for one post, from its daily
    records.
    """
    if post is None and by != "post":
        yield from _campaign_day_sums(conn, by, bounds, campaign)
        return
    if by == "day":
        yield from _daily_sums(conn, bounds, campaign, post, by)
        return
    first, last = bounds if bounds is not None else (dt.date(1, 1, 1), dt.date(9999, 12, 1))
    start = first if first.day == 1 else _next_month(first)
    end = last.replace(day=1)
    if start >= end:
        yield from _daily_sums(conn, bounds, campaign, post, by)
        return
    if first < start:
        yield from _daily_sums(conn, (first, start), campaign, post, by)
    if end < last:
        yield from _daily_sums(conn, (end, last), campaign, post, by)
    where = ["m.rows > 0", "m.month >= :since", "m.month < :until"]
    params = {"since": start.isoformat()[:7], "until": end.isoformat()[:7]}
    if campaign is not None:
        where.append("(m.campaign = :campaign OR (m.kind = 'post' AND m.post IN (SELECT id FROM task WHERE campaign = :campaign)))")
        params["campaign"] = campaign
    if post is not None:
        where.append("m.post = :post")
        params["post"] = post
    sums = rollup.reported_sums("m")
    # The months summed and placed in SQL: a row per group, whatever the number of keys and months.
    sql = (
        f"SELECT {_placed('m', by)}, {sums}, max(m.reach_max), sum(m.reach_rows), sum(m.rows), max(m.last_day) "
        f"FROM {rollup.TABLE} m LEFT JOIN task t ON t.id = m.post WHERE {' AND '.join(where)} AND m.stale = 0 GROUP BY 1, 2, 3"
    )
    yield from conn.execute(sql, params)
    stale = f"SELECT m.kind, m.post, m.campaign, m.platform, m.month FROM {rollup.TABLE} m WHERE {' AND '.join(where)} AND m.stale = 1"
    for row in conn.execute(stale, params).fetchall():
        # A month whose largest reach and last day are read again from its days.
        yield from _daily_sums(conn, _month(row[-1]), None, None, by, key=row[:4])


def _campaign_day_sums(
    conn: sqlite3.Connection, by: str, bounds: tuple[dt.date, dt.date] | None, campaign: str | None
) -> Iterator[tuple[Any, ...]]:
    """The period's campaign-days summed and placed in SQL: a row per group, however many posts and days."""
    where = ["d.rows > 0"]
    params: dict[str, str] = {}
    if bounds is not None:
        where.append("d.day >= :since AND d.day < :until")
        params.update(since=bounds[0].isoformat(), until=bounds[1].isoformat())
    if campaign is not None:
        where.append("d.campaign = :campaign")
        params["campaign"] = campaign
    key = {"campaign": "''", "platform": "d.platform", "day": "d.day"}[by]
    sums = rollup.reported_sums("d")
    sql = (
        f"SELECT d.campaign, nullif(d.platform, ''), {key}, {sums}, max(d.reach_max), sum(d.reach_rows), sum(d.rows), max(d.day) "
        f"FROM {rollup_days.TABLE} d WHERE {' AND '.join(where)} AND d.stale = 0 GROUP BY 1, 2, 3"
    )
    yield from conn.execute(sql, params)
    stale = f"SELECT d.day, d.campaign, d.platform FROM {rollup_days.TABLE} d WHERE {' AND '.join(where)} AND d.stale = 1"
    for day, camp, platform in conn.execute(stale, params).fetchall():
        # A campaign-day whose largest reach is read again from its records.
        first = dt.date.fromisoformat(day)
        for row in _daily_sums(conn, (first, first + dt.timedelta(days=1)), camp, None, by):
            if row[0] == camp and (row[1] or "") == platform:
                yield row


def counts_by_day(
    conn: sqlite3.Connection, bounds: tuple[dt.date, dt.date], names: Sequence[str], campaign: str | None = None
) -> dict[str, dict[str, tuple[int | None, ...]]]:
    """Every campaign's ``names`` counts per day over ``bounds`` (``campaign``: that one's), from ``result_day``;
    ``None`` for a count no record of the day gave (not reported, unlike 0).

    Counts only: a stale row's largest reach is not read again here, its
    counts are exact.
    """
    # The names are result counts (checked here): safe in the SQL text.
    counted = [RESULT_COUNTS[RESULT_COUNTS.index(name)] for name in names]
    sums = ", ".join(f"CASE WHEN sum(d.{rollup.GIVEN[name]}) > 0 THEN sum(d.{name}) END" for name in counted) or "0"
    where = "d.rows > 0 AND d.day >= :since AND d.day < :until" + (" AND d.campaign = :campaign" if campaign is not None else "")
    sql = f"SELECT d.campaign, d.day, {sums} FROM {rollup_days.TABLE} d WHERE {where} GROUP BY 1, 2"
    out: dict[str, dict[str, tuple[int | None, ...]]] = defaultdict(dict)
    params = {"since": bounds[0].isoformat(), "until": bounds[1].isoformat(), "campaign": campaign or ""}
    for row in conn.execute(sql, params):
        out[row[0]][row[1]] = row[2:]
    return dict(out)


def _placed(table: str, by: str) -> str:
    """SQL for a result's ``campaign, platform, key`` (a post's campaign and platform are its task's, ``t``)."""
    post, camp, plat = (f"nullif({table}.{c}, '')" for c in ("post", "campaign", "platform"))
    is_post = f"{table}.kind = 'post'"
    campaign = f"CASE WHEN {is_post} THEN t.campaign ELSE {camp} END"
    platform = f"CASE WHEN {is_post} THEN lower(t.platform) ELSE {plat} END"
    key = {
        "campaign": "''",
        "post": f"CASE WHEN {is_post} THEN {post} ELSE '/' || {plat} END",
        "platform": f"coalesce({platform}, '')",
        "day": f"{table}.day",
    }[by]
    return f"{campaign}, {platform}, {key}"


def _daily_sums(
    conn: sqlite3.Connection,
    bounds: tuple[dt.date, dt.date] | None,
    campaign: str | None,
    post: str | None,
    by: str,
    key: tuple[Any, ...] | None = None,
) -> Iterator[tuple[Any, ...]]:
    where, params = _where(bounds, campaign, post)
    if key is not None:
        kind, key_post, key_campaign, key_platform = key
        where += " AND r.kind = :kind AND " + (
            "r.post = :key_post" if kind == "post" else "r.campaign = :key_campaign AND r.platform = :key_platform"
        )
        params.update(kind=kind, key_post=key_post or "", key_campaign=key_campaign or "", key_platform=key_platform or "")
    sql = (
        f"SELECT {_placed('r', by)}, {_SUMS}, max(r.reach), count(r.reach), count(*), max(r.day) "
        f"FROM result r LEFT JOIN task t ON t.id = r.post WHERE r.kind IN ('post', 'campaign') AND {where} "
        # A record whose every count was cleared is no day (as in the roll-ups).
        f"AND {rollup.holds_any('r')} GROUP BY 1, 2, 3"
    )
    yield from conn.execute(sql, params)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _month(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(f"{month}-01")
    return first, _next_month(first)


def _where(bounds: tuple[dt.date, dt.date] | None, campaign: str | None, post: str | None = None) -> tuple[str, dict[str, str]]:
    where: list[str] = ["1"]
    params: dict[str, str] = {}
    if bounds is not None:
        where.append("r.day >= :since AND r.day < :until")
        params.update(since=bounds[0].isoformat(), until=bounds[1].isoformat())
    if campaign is not None:
        where.append("(r.campaign = :campaign OR (r.kind = 'post' AND r.post IN (SELECT id FROM task WHERE campaign = :campaign)))")
        params["campaign"] = campaign
    if post is not None:
        where.append("r.post = :post")
        params["post"] = post
    return " AND ".join(where), params


def _add_spend(g: Group, spent: Spend, missing: dict[str, int]) -> None:
    g.totals.spend = EXACT.add(g.totals.spend, spent.amount)
    g.totals.spend_entries += spent.entries
    for currency, amount in spent.missing.items():
        g.totals.spend_missing[currency] = g.totals.spend_missing.get(currency, 0) + amount
        missing[currency] = missing.get(currency, 0) + amount


def _followers(conn: sqlite3.Connection, bounds: tuple[dt.date, dt.date] | None) -> dict[str, tuple[list[str], list[int]]]:
    """Each platform's follower counts by day up to the period's end: a count is of people on a day, a stock, still
    the latest in a period that has none of its own (a count of Sunday's is the week after's)."""
    where, params = _where(None if bounds is None else (dt.date(1900, 1, 1), bounds[1]), None)
    out: dict[str, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
    # result_followers, a partial index of the few follower records, answers this in their order (named: with
    # no follower records it has no statistics, and the planner would read every record of the period by day).
    sql = f"SELECT r.platform, r.day, r.followers FROM result r INDEXED BY result_followers WHERE r.kind = 'followers' AND r.followers IS NOT NULL AND {where} ORDER BY 1, 2"
    for platform, day, count in conn.execute(sql, params):
        days, counts = out[platform]
        days.append(day)
        counts.append(count)
    return dict(out)


def _followers_as_of(followers: dict[str, tuple[list[str], list[int]]], platforms: set[str], day: str) -> int | None:
    """The followers of these platforms on the latest day up to ``day`` with a count; ``None`` without any."""
    total: int | None = None
    for platform in platforms:
        days, counts = followers.get(platform, ([], []))
        i = bisect_right(days, day)
        if i:
            total = (total or 0) + counts[i - 1]
    return total


def campaign_targets_result(built: ResultsReport, campaign: str) -> str:
    """The count a campaign's CPA divides by (its results)."""
    return built.goals.get(campaign, ([], "conversions"))[1]


def meets_all(built: ResultsReport, g: Group) -> bool:
    """The group's campaign has targets and its KPIs meet every one (a KPI with no value meets none)."""
    wanted = built.goals.get(g.campaign, ([], ""))[0]
    return bool(wanted) and all(t.met(g.kpis[t.kpi]) is True for t in wanted)


def noted(g: Group, note: str) -> frozenset[str]:
    """The codes of the KPIs ``g`` shows "—" for because of ``note``: ``NO_SPEND``, no ledger entry counts toward it
    (what it cost is unknown), or ``SPEND_BELOW_ZERO``, the spend counted is below 0 (money back beyond what it spent).

    Not those a count they divide was never reported for (``kpis.compute`` says that first): ``kpi report``'s
    footnotes and the Results screen's legend name these, and only these, as "no spend linked" and "spend below 0".
    """
    return frozenset(code for code, value in g.kpis.items() if value.note == note)


def campaign_targets(conn: sqlite3.Connection) -> dict[str, tuple[list[Target], str]]:
    """Every campaign's targets and the result its CPA counts."""
    out = {}
    for campaign_id, kpis in conn.execute("SELECT id, kpis FROM campaign WHERE kpis IS NOT NULL AND kpis <> '{}'"):
        try:
            out[campaign_id] = targets.of(json.loads(kpis))
        except ValueError:
            continue
    return out


def _campaign_names(conn: sqlite3.Connection) -> dict[str, str]:
    return {r[0]: text_or(r[1], unnamed_campaign(r[0])) for r in conn.execute("SELECT id, name FROM campaign")}


# ---------------------------------------------------------------- output


def spend_text(totals: Totals, currency: str, plain: bool = False) -> str:
    """``2,500.00`` (``plain``: ``2500.00``, as a CSV writes its numbers)."""
    if totals.spend_missing:
        return "rate missing"
    return format_minor(round_minor(totals.spend, currency), currency, grouping=not plain)


def value_text(totals: Totals, currency: str, plain: bool = False) -> str:
    """The conversion value in ``currency``, as ``spend_text`` writes the spend; "—" when no record gave one (not 0)."""
    if totals.value_missing:
        return "rate missing"
    if not totals.value_given:
        return "—"
    return format_minor(round_minor(totals.value, currency), currency, grouping=not plain)


def reach_text(totals: Totals, plain: bool = False) -> str:
    """``≥9,000`` (``plain``: ``≥9000``, as a CSV writes its counts)."""
    if totals.reach_max is None:
        return "—"
    number = str(totals.reach_max) if plain else f"{totals.reach_max:,}"
    return f"≥{number}" if totals.reach_is_bound else number


def as_json(report: ResultsReport) -> dict[str, Any]:
    """Amounts and rates as decimal strings; ``null`` where a KPI has no value."""
    rows = []
    for g in report.groups:
        t = g.totals
        row: dict[str, Any] = {"campaign": report.campaign_slug(g.campaign), "campaign_id": g.campaign}
        if report.by != "campaign":
            row[report.by] = g.key
        if report.by == "post":
            row["title"] = report.post_titles.get(g.key)  # null: a campaign's own results on a platform
        if report.runs:
            row["period"] = period_days(report.runs[g.campaign])  # each campaign over its own run
        rows.append(
            {
                **row,
                # Reach does not add up over days or rows: it is "reach" below (the largest daily reach), never a sum.
                # null: no record gave it (not reported), unlike 0.
                "counts": {name: t.counts.get(name) for name in RESULT_COUNTS if name != "reach"},
                "reach": {"value": t.reach_max, "at_least": t.reach_is_bound},
                "followers": t.followers,
                "spend": None if t.spend_missing else {"amount": str(_money(t.spend, report.currency)), "currency": report.currency},
                # null: a rate missing, or no record gave a value (not reported, unlike a value of 0).
                "conversion_value": None
                if t.value_missing or not t.value_given
                else {"amount": str(_money(t.value, report.currency)), "currency": report.currency},
                # null with its note: "not reported", "no spend linked" (a cost KPI of a row no ledger entry counts toward),
                # "spend below 0" (money back beyond the row's spend), "rate missing"; with no note, nothing to divide by.
                "kpis": {
                    code: {"value": None if v.value is None else str(v.value), **({"note": v.note} if v.note else {})}
                    for code, v in g.kpis.items()
                },
                "off_target": [{"target": str(t), "value": str(v.value)} for t, v in g.missed],
                # A rate whose two counts come from different platforms (``mixed_platforms``): what each side counts.
                **({"mixed_platforms": dict(g.mixed)} if g.mixed else {}),
            }
        )
    return {
        "currency": report.currency,
        "by": report.by,
        "period": period_days(report.bounds),
        "rows": rows,
        "rate_missing": [
            {
                "currency": m.currency,
                "amount": format_minor(m.spend + m.value, m.currency),
                "spend": format_minor(m.spend, m.currency),
                "conversion_value": format_minor(m.value, m.currency),
                "first": m.first,
                "last": m.last,
            }
            for m in report.missing
        ],
    }


def period_days(bounds: tuple[dt.date, dt.date] | None) -> dict[str, str | None] | None:
    """The first and last days, as ``ledger report --json`` gives a period (``null``: a run open at that end)."""
    if bounds is None:
        return None
    first, after = bounds
    last = after - dt.timedelta(days=1)
    return {"start": first.isoformat() if first.year > 1900 else None, "end": last.isoformat() if last.year < 9998 else None}


def _money(value: Decimal, currency: str) -> str:
    return format_minor(round_minor(value, currency), currency)
