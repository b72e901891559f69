"""The money a result cost: spend as the ledger report counts it, in one call.

This is the only place results reach into the ledger: entries that count
(``filter.COUNTED``: needing no approval, or approved by someone other than
their author; never pending ones, nor those a crisis froze and no manager
approved yet: ``crewdeck.tui.posts.frozen``), summed per group, currency and day, and
converted with the rate in force on each day (``rates.RateBook``, as
``ledger report`` converts).  Amounts with no rate in force are kept apart
per currency, never guessed.  Each group also counts its entries: a group
no entry counts toward has no spend linked (unknown), unlike entries that
sum to 0 (an entry and its reversal), which spent 0.

Per platform, an entry linked to a post counts on the post's platform.  An
entry linked to the campaign alone counts on the platform its payee names
(what an ad export's spend is paid to: ``kpi import --spend`` writes payee
Meta, LinkedIn or a plain CSV row's platform), when that is one of the campaign's platforms (its
``platforms``, or a platform its results are on), by its whole name or
else its first word ("Meta Ads" is meta), compared as platforms are keyed,
case aside.  Any other campaign entry (a photographer, a print
run) counts on no platform: the campaign's row with none.  Per post, such
an entry counts on the campaign's row for that platform (``/meta``, where
the export's results are), any other on the campaign's row with no post.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from crewdeck.sync.state import rollup_days
from crewdeck.sync.state.money import EXACT, to_decimal
from crewdeck.tui.ledger.filter import COUNTED
from crewdeck.tui.ledger.rates import RateBook
from crewdeck.tui.ledger.reports import entry_currencies
from crewdeck.tui.ledger.sums import amount_sum, whole
from crewdeck.tui.posts.frozen import frozen_condition

#: Before any date and after every date, as text that sorts like ISO dates.
_EVER, _NEVER = "", "9999-12-31"
#: The rate day of a day's entries with no rate that net to zero: they need none (no date; ``""`` is the base's).
_ANY_DAY = "any"
#: Marks a payee where a platform goes (platform names start with a letter or digit).
_PAYEE = "@"
#: A group's counted spend before conversion: ``(campaign, key, currency, day of the rate in force or None)``.
_SumKey = tuple[str, str | None, str, str | None]
#: What ledger entries are grouped by, per grouping of results: SQL over ``e`` (the entry) and ``t`` (its task).
SPEND_KEYS = {
    "campaign": "e.campaign, ''",
    # A campaign's own entries per post: on the campaign's row for the platform their payee names (``/meta``), placed as per platform.
    "post": f"e.campaign, CASE WHEN e.task IS NULL THEN '{_PAYEE}' || lower(trim(e.payee)) ELSE e.task END",
    # A campaign's own entries carry their payee, marked, until ``_payee_platforms`` places them.
    "platform": f"e.campaign, CASE WHEN e.task IS NULL THEN '{_PAYEE}' || lower(trim(e.payee)) ELSE lower(t.platform) END",
    "day": "e.campaign, e.date",
}


@dataclass
class Spend:
    amount: Decimal = Decimal(0)
    #: Minor units per currency with no rate in force on their day.
    missing: dict[str, int] = field(default_factory=dict)
    #: The entries that count toward the group (a reversal is one too); 0: no spend linked to it.
    entries: int = 0


def counted_spend(
    conn: sqlite3.Connection,
    rates: RateBook,
    by: str,
    bounds: tuple[dt.date, dt.date] | None,
    campaign: str | None = None,
    post: str | None = None,
    *,
    unrated: dict[str, tuple[str, str]] | None = None,
) -> dict[tuple[str, str | None], Spend]:
    """Counted spend per ``(campaign, key)`` in ``rates.base`` (key: ``''``, the task, the platform or the day);
    ``unrated`` gains the first and last day of each currency's entries no rate converts (``widen``).

    Entries that need no approval (nearly all) are summed per currency,
    day and key in one range scan of each currency's entries (the ledger's
    covering index by currency, approval flag and date); the few that need
    approval are summed with their approval worked out per entry.
    """
    where, params = _bounded(bounds, campaign, post)
    join = "LEFT JOIN task t ON t.id = e.task" if by == "platform" else ""
    out: dict[tuple[str, str | None], Spend] = defaultdict(Spend)
    currencies = entry_currencies(conn)
    queries = _counted_queries(conn, f"{SPEND_KEYS[by]}, e.date, {amount_sum('e.amount')}, count(*)", "e.date, 1, 2", join, where, params)
    # Whole minor units (and entries) per group and rate first: one exact product per rate, not per day.
    sums: dict[_SumKey, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for currency in currencies:
        rate_day: dict[str, str | None] = {}
        for sql, values, sign in queries:
            for camp, key, day, high, low, entries in conn.execute(sql, {**values, "currency": currency}):
                amount = whole(high, low)
                when = rate_day.get(day, "")
                if when == "":
                    found = rates.in_force(currency, day)
                    when = rate_day[day] = None if found is None else found[0]
                if when is None and amount == 0:
                    # A day's entries that net to zero (an entry and its reversal) are zero at any rate: none is missing.
                    when = _ANY_DAY
                if when is None and unrated is not None:
                    widen(unrated, currency, day)
                held = sums[(camp, key, currency, when)]
                sums[(camp, key, currency, when)] = (held[0] + sign * amount, held[1] + sign * entries)
    if by in ("platform", "post"):
        sums = _payee_platforms(conn, sums, campaign, "/" if by == "post" else "")
    for (camp, key, currency, when), (amount, entries) in sums.items():
        target = out[(camp, key)]
        target.entries += entries
        if when is None:
            target.missing[currency] = target.missing.get(currency, 0) + amount
        elif when == _ANY_DAY:
            continue  # zero, whatever the rate
        else:
            rate = rates.on(currency, when)
            target.amount = EXACT.add(target.amount, EXACT.multiply(to_decimal(amount, currency), rate))
    return dict(out)


def spend_platforms(
    conn: sqlite3.Connection, by: str, bounds: tuple[dt.date, dt.date] | None, campaign: str | None = None, post: str | None = None
) -> dict[tuple[str, str | None], set[str | None]]:
    """Per ``(campaign, key)`` of ``counted_spend``, the platforms its counted entries are placed on (as per platform:
    a post's entry on the post's platform, ``''`` for a post on none; a campaign's own on the platform its payee names,
    ``None`` for one that names none of the campaign's).  What a rate dividing spend divides is this spend: a platform
    whose entries net to nothing in every currency (an entry and its reversal) is on none."""
    where, params = _bounded(bounds, campaign, post)
    counted: dict[tuple[str, str | None, str | None, str], int] = defaultdict(int)
    select = f"{SPEND_KEYS[by]}, CASE WHEN e.task IS NULL THEN '{_PAYEE}' || lower(trim(e.payee)) ELSE coalesce(lower(t.platform), '') END, {amount_sum('e.amount')}"
    queries = _counted_queries(conn, select, "1, 2, 3", "LEFT JOIN task t ON t.id = e.task", where, params)
    for currency in entry_currencies(conn):
        for sql, values, sign in queries:
            for camp, key, platform, high, low in conn.execute(sql, {**values, "currency": currency}):
                counted[(camp, key, platform, currency)] += sign * whole(high, low)
    on = _CampaignPlatforms(conn, campaign)
    mark = "/" if by == "post" else ""
    # Netted once placed: two payees naming one platform (an entry to "Meta", its reversal to "meta ads") are one side.
    nets: dict[tuple[str, str | None, str | None, str], int] = defaultdict(int)
    for (camp, key, platform, currency), amount in counted.items():
        if key and key.startswith(_PAYEE):
            named = _payee_platform(key[len(_PAYEE) :], partial(on, camp))
            key = None if named is None else mark + named
        if platform and platform.startswith(_PAYEE):
            platform = _payee_platform(platform[len(_PAYEE) :], partial(on, camp))
        nets[(camp, key, platform, currency)] += amount
    out: dict[tuple[str, str | None], set[str | None]] = defaultdict(set)
    for (camp, key, platform, _), amount in nets.items():
        if amount != 0:
            out[(camp, key)].add(platform)
    return dict(out)


def _bounded(bounds: tuple[dt.date, dt.date] | None, campaign: str | None, post: str | None) -> tuple[list[str], dict[str, str]]:
    """The conditions on entries beyond their currency and days, and the parameters of all."""
    where: list[str] = []
    params: dict[str, str] = {"since": _EVER, "until": _NEVER}
    if bounds is not None:
        params.update(since=bounds[0].isoformat(), until=bounds[1].isoformat())
    if campaign is not None:
        # The unary plus keeps the planner on the date range of the currency's entries.
        where.append("+e.campaign = :campaign")
        params["campaign"] = campaign
    if post is not None:
        where.append("e.task = :post")
        params["post"] = post
    return where, params


def _counted_queries(
    conn: sqlite3.Connection, select: str, group: str, join: str, where: list[str], params: dict[str, str]
) -> list[tuple[str, dict[str, str], int]]:
    """The queries of one currency's (``:currency``) entries that count, ``select`` grouped by ``group``, each with its
    parameters and its sign: entries needing no approval, those approved, and (-1) those a crisis froze."""
    extra = "".join(f" AND {w}" for w in where)
    days = "e.date >= :since AND e.date < :until"
    plain = f"SELECT {select} FROM ledger_entry e {join} WHERE e.currency = :currency AND e.needs_approval = 0 AND {days}{extra} GROUP BY {group}"
    pending = (
        f"SELECT {select} FROM ledger_entry e {join} "
        f"WHERE e.currency = :currency AND e.needs_approval = 1 AND {COUNTED} AND {days}{extra} GROUP BY {group}"
    )
    queries = [(plain, params, 1), (pending, params, 1)]
    freezing = frozen_condition(conn)
    if freezing is not None:
        # Spend a crisis froze counts only once approved, as in ``ledger report``: taken back out (a crisis's days hold few entries).
        condition, frozen_params = freezing
        frozen = (
            f"SELECT {select} FROM ledger_entry e {join} WHERE e.currency = :currency AND {condition} AND {days}{extra} GROUP BY {group}"
        )
        queries.append((frozen, {**params, **frozen_params}, -1))
    return queries


def widen(days: dict[str, tuple[str, str]], currency: str, day: str) -> None:
    """``days[currency]``, the first and last day of its amounts, widened to hold ``day``."""
    first, last = days.get(currency, (day, day))
    days[currency] = min(first, day), max(last, day)


def _payee_platform(payee: str, on: Callable[[str], bool]) -> str | None:
    """The platform the campaign is ``on`` that ``payee`` (trimmed, lower case) names: by its whole name, or else by
    its first word, as invoices name them ("Meta Ads", "TikTok For Business", "LinkedIn Marketing Solutions")."""
    if on(payee):
        return payee
    words = payee.split(maxsplit=1)
    return words[0] if len(words) == 2 and on(words[0]) else None


def _payee_platforms(
    conn: sqlite3.Connection, sums: dict[_SumKey, tuple[int, int]], campaign: str | None, mark: str
) -> dict[_SumKey, tuple[int, int]]:
    """The sums with each campaign entry's payee turned into the campaign's platform it names (after ``mark``), or none."""
    if not any(key and key.startswith(_PAYEE) for _, key, _, _ in sums):
        return sums
    on = _CampaignPlatforms(conn, campaign)
    placed: dict[_SumKey, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for (camp, key, currency, when), (amount, entries) in sums.items():
        if key and key.startswith(_PAYEE):
            named = _payee_platform(key[len(_PAYEE) :], partial(on, camp))
            key = None if named is None else mark + named
        held = placed[(camp, key, currency, when)]
        placed[(camp, key, currency, when)] = (held[0] + amount, held[1] + entries)
    return placed


class _CampaignPlatforms:
    """Whether a campaign is on a platform (lower case): one it lists, or one its results are on, asked per campaign
    and platform a payee names.  Every campaign's platforms read off the day roll-up whole took 30 ms of each report
    (of a Results period switch's 35) where a report's payees name a few."""

    def __init__(self, conn: sqlite3.Connection, campaign: str | None) -> None:
        self.conn = conn
        only = " WHERE id = :campaign" if campaign is not None else ""
        self.listed: dict[str, set[str]] = defaultdict(set)
        for camp, listed in conn.execute(f"SELECT id, platforms FROM campaign{only}", {"campaign": campaign}):
            self.listed[camp].update(str(p).lower() for p in json.loads(listed or "[]"))
        self.asked: dict[tuple[str, str], bool] = {}

    def __call__(self, campaign: str, platform: str) -> bool:
        if platform in self.listed.get(campaign, ()):
            return True
        if (campaign, platform) not in self.asked:
            # The roll-up's index by campaign holds its key's platform: a platform it is not on is found so in the index
            # alone (asked with ``rows`` too, each of the campaign's days was read from the table: 1 ms a campaign).
            held = f"SELECT 1 FROM {rollup_days.TABLE} WHERE campaign = ? AND platform = ?"
            on = platform != "" and self.conn.execute(f"{held} LIMIT 1", (campaign, platform)).fetchone() is not None
            self.asked[(campaign, platform)] = (
                on and self.conn.execute(f"{held} AND rows > 0 LIMIT 1", (campaign, platform)).fetchone() is not None
            )
        return self.asked[(campaign, platform)]
