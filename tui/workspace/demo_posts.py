"""The demo's posts, from idea to published, and what they and the campaigns brought in.

Posts are taken through their states by the same functions the commands
use (``post submit``, ``approve``, ``reject``, ``schedule``, ``publish``),
each at the time it happened, so the rounds, verdicts and history read as a
real week would.  The published posts (since they went out), the campaigns'
paid platforms (since the campaign began) and the platforms' followers have
a month of daily results at most, and each campaign targets to be measured
against (some met, some missed).  What the ads bought each day is drawn
from what they cost that day (``ad_spend``, the ledger's daily ad spend), at
the rates a small brand's campaigns see on each platform (``AD_RATES``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, NamedTuple

from crewdeck.sync.state.records import result_id
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.zones import zone
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.calendar import peak_hours_for
from crewdeck.tui.results import targets
from crewdeck.tui.time.when import localize, utc_iso
from crewdeck.tui.workspace.config import DEFAULT_PEAK_HOURS

#: Who reviews each campaign's posts, in order (kemi is the brand group).
CHAINS = {
    "Spring Launch": [{"name": "copy", "member": "mia", "group": None}, {"name": "brand", "member": None, "group": "brand"}],
    "Holiday Gifting": [{"name": "copy", "member": "mia", "group": None}],
    "App Install Push": [{"name": "brand", "member": None, "group": "brand"}],
}

#: What each campaign is measured against, all its spend counted (its creators' and freelancers' too): Holiday
#: Gifting's sales fall short, though its Meta ads alone make their 2.5x.  On each campaign's platforms, LinkedIn's
#: clicks and leads cost Spring Launch more than its targets allow; Meta's make up for them.
TARGETS = {
    "Spring Launch": ["ctr>=1%", "cpa<=55.00 EUR", "er_impressions>=1.2%"],
    "Holiday Gifting": ["roas>=2.5", "ctr>=1%"],
    "App Install Push": ["cpa<=15.00 EUR", "ctr>=1%", "result=conversions"],
}

#: How many days of results, up to yesterday.
RESULT_DAYS = 30


class Ads(NamedTuple):
    """A campaign's ads on one platform: what they cost a day (EUR, each day within 15 % of it) and what a conversion
    was worth (EUR, drawn each day between the two)."""

    daily: int
    value: tuple[int, int]


#: Where each campaign's ads ran (results per campaign and platform, not per post, where an ad export puts them: Meta's
#: on meta), what they cost and what their conversions were worth: a sale of the spring range, a LinkedIn lead to the
#: team plan, a holiday gift, an app install (what an installer spends in the app over 90 days).  A campaign's ad
#: spend is paid to its own ad platforms (``AD_PAYEES``), and a payee names its platform (README "KPIs, defined once"),
#: so its spend sits by the results it bought: drawn from every ad platform, Results read CPC "—" where the paid
#: results were and spend with no results elsewhere.
PAID = {
    "Spring Launch": {"meta": Ads(150, (55, 95)), "linkedin": Ads(110, (250, 450))},
    "Holiday Gifting": {"meta": Ads(220, (40, 65))},
    "App Install Push": {"tiktok": Ads(130, (22, 36))},
}
AD_PAYEES = {"meta": "Meta Ads", "linkedin": "LinkedIn Marketing Solutions", "tiktok": "TikTok For Business"}


class AdRates(NamedTuple):
    """What a day of a platform's ads bought, each drawn per day between its two ends: the cost per 1,000 impressions
    (EUR cents), the click-through rate and the conversion rate of the clicks (basis points, 1/100 %)."""

    cpm: tuple[int, int]
    ctr: tuple[int, int]
    cvr: tuple[int, int]


#: A small brand's campaigns in 2025-26 (EUR): Meta CPM 7-12, CTR 1.0-1.6 % (so CPC 0.45-1.20); LinkedIn CPM 30-48,
#: CTR 0.55-0.85 % (CPC 3.50-8.70); TikTok CPM 4.50-8, CTR 0.8-1.3 % (CPC 0.35-1.00).  Conversions: a few % of the
#: clicks, more for an app install.  The demo's ads once cost a tenth of these (CPM under 1 EUR): Results read as toy data.
AD_RATES = {
    "meta": AdRates(cpm=(700, 1_200), ctr=(100, 160), cvr=(250, 450)),
    "linkedin": AdRates(cpm=(3_000, 4_800), ctr=(55, 85), cvr=(300, 600)),
    "tiktok": AdRates(cpm=(450, 800), ctr=(80, 130), cvr=(600, 1_000)),
}


class AdDay(NamedTuple):
    """A day's spend on a campaign's ads on one platform (EUR cents)."""

    campaign: str
    platform: str
    day: dt.date
    amount: int


# title, campaign, platform, author, days from today (its slot), how far it got, copy
POSTS = [
    ("Teaser: spring drop countdown", "Spring Launch", "instagram", "sofia", -12, "published", "Three days. One drop. #springlaunch"),
    (
        "Gift guide for remote teams",
        "Holiday Gifting",
        "newsletter",
        "tane",
        -9,
        "published",
        "Our gift guide for teams across time zones.",
    ),
    ("Install in 30 seconds", "App Install Push", "tiktok", "leo", -6, "published", "From zero to planned in 30 seconds."),
    ("Behind the scenes reel", "Spring Launch", "tiktok", "sofia", -3, "published", "How the spring shoot came together."),
    ("Launch day carousel", "Spring Launch", "instagram", "sofia", 1, "scheduled", "It's here: the spring collection, slide by slide."),
    (
        "Last shipping day reminder",
        "Holiday Gifting",
        "facebook",
        "tane",
        2,
        "approved",
        "Order by Friday for delivery before the holidays.",
    ),
    (
        "Customer story: Studio Nord",
        "Spring Launch",
        "linkedin",
        "leo",
        3,
        "half-approved",
        "How Studio Nord plans a campaign across four zones.",
    ),
    ("Gift wrapping hacks", "Holiday Gifting", "instagram", "tane", 4, "in-review", "Five wrapping hacks for last-minute gifts."),
    ("Feature tour: the deadline grid", "App Install Push", "youtube", "leo", 5, "in-review", "Every deadline, in everyone's time zone."),
    ("Spring palette poll", "Spring Launch", "instagram", "sofia", 6, "changes-requested", "Which colour wins spring? Vote now!"),
    ("Holiday hours post", "Holiday Gifting", "facebook", "tane", 8, "draft", "Our holiday opening hours, all in one place."),
    ("Creator collab ideas", "App Install Push", "x", "leo", 10, "idea", ""),
]


#: A write of the demo's, and when it happened: ``play`` makes it then.
Step = tuple[dt.datetime, Callable[[dt.datetime], object]]
#: What ``post_steps`` adds, in words.
POSTS_MADE = f"{len(POSTS)} posts, {RESULT_DAYS} days of results"


def result_days(now: dt.datetime) -> list[dt.date]:
    """The days the demo has results for: the ``RESULT_DAYS`` up to yesterday (UTC), in order."""
    yesterday = now.astimezone(dt.UTC).date() - dt.timedelta(days=1)
    return [yesterday - dt.timedelta(days=back) for back in range(RESULT_DAYS - 1, -1, -1)]


def ad_spend(now: dt.datetime, starts: dict[str, dt.date], rng: random.Random) -> list[AdDay]:
    """What each campaign's ads (``PAID``) cost each day of the results since the campaign began (``starts``, by name)."""
    return [
        AdDay(campaign, platform, day, ads.daily * rng.randint(85, 115))
        for campaign, platforms in PAID.items()
        for platform, ads in platforms.items()
        for day in result_days(now)
        if day >= starts[campaign]  # its ads ran from its start (App Install Push's 10 days ago)
    ]


def entered_next_morning(day: dt.date, at: dt.time, tz: str, now: dt.datetime) -> dt.datetime:
    """When a day's numbers were entered: at ``at`` the next morning in ``tz``, or now if that is sooner."""
    return min(now, localize(dt.datetime.combine(day + dt.timedelta(days=1), at), zone(tz)))


def post_steps(store: Store, now: dt.datetime, new_id: Callable[[], str], ads: list[AdDay], bought: random.Random) -> list[Step]:
    """The steps that add the demo's posts, results and targets to a workspace with its members and campaigns, and
    what its ads bought (``ads``: what they cost each day; ``bought``: the draws of what that bought, apart from the
    posts' and followers' own)."""
    rng = random.Random(len(POSTS))
    members = {handle: row_id for row_id, handle in store.conn.execute("SELECT id, handle FROM member")}
    campaigns = {name: (row_id, audience) for row_id, name, audience in store.conn.execute("SELECT id, name, audience_tz FROM campaign")}
    steps: list[Step] = []
    published: list[tuple[str, dt.date]] = []
    for title, campaign, platform, author, days, state, copy in POSTS:
        campaign_id, audience = campaigns[campaign]
        slot = _peak_slot(now, days, platform, audience)
        post_id = new_id()
        # The posts still ahead were written and sent for review some time apart (the further ahead, the earlier),
        # not all in one minute: six "submitted for approval" lines read the same time.
        begun = min(now, slot) - dt.timedelta(minutes=47 * max(days, 0))
        created = begun - dt.timedelta(days=4)
        values: dict[str, Any] = {
            "title": title,
            "status": "todo",
            "campaign": campaign_id,
            "platform": platform,
            "tags": [platform],
            "publish": {"utc": utc_iso(slot), "tz": audience},
            "copy": copy,
            "post_state": "draft" if copy else "idea",
            "created_by": members[author],
            "created_at": utc_iso(created),
        }
        steps.append((created, partial(_create, store, members[author], post_id, values)))
        chain = [members[step["member"] or "kemi"] for step in CHAINS[campaign]]
        steps += _review_steps(store, members[author], chain, post_id, state, slot, begun, now)
        if state == "published":
            published.append((post_id, slot.astimezone(zone(audience)).date()))
    first = min(when for when, _ in steps) - dt.timedelta(hours=1)
    steps.append((first, partial(_chains_and_targets, store, members, campaigns)))
    paid = [(campaigns[ad.campaign][0], ad) for ad in ads]
    steps += _result_steps(store, members["raj"], rng, bought, published, paid, now)
    return steps


def play(store: Store, steps: list[Step]) -> None:
    """Each step written at the time it happened (the store's wall clock set to it, in order), so the history and the
    rounds read as they would have: a verdict stamped before the submission it answers would read as a round the
    content had since left."""
    for when, step in sorted(steps, key=lambda pair: pair[0]):
        with written_at(store, when):
            step(when)


@contextmanager
def written_at(store: Store, when: dt.datetime) -> Iterator[None]:
    """The store's writes in the block are stamped at ``when`` (later than any stamp before, as the clock wants)."""
    wall = store.wall
    store.wall = partial(int, when.timestamp() * 1000)
    try:
        yield
    finally:
        store.wall = wall


def _create(store: Store, author: str, post_id: str, values: dict[str, Any], _when: dt.datetime) -> None:
    with store.write(author) as w:
        w.create("task", values, row_id=post_id)


def _chains_and_targets(store: Store, members: dict[str, str], campaigns: dict[str, tuple[str, str]], _when: dt.datetime) -> None:
    with store.write(members["ana"]) as w:
        w.set("member", members["kemi"], {"groups": ["brand"]})
        for name, (campaign_id, _) in campaigns.items():
            chain = [{**step, "member": members[step["member"]] if step["member"] else None} for step in CHAINS[name]]
            w.set("campaign", campaign_id, {"approvals": chain, "kpis": targets.parse(TARGETS[name], "EUR")})


def _peak_slot(now: dt.datetime, days: int, platform: str, audience: str) -> dt.datetime:
    """The platform's first peak hour, ``days`` from today in the audience's zone."""
    day = now.astimezone(zone(audience)).date() + dt.timedelta(days=days)
    first = peak_hours_for(platform, {}, DEFAULT_PEAK_HOURS)[0]
    return localize(dt.datetime.combine(day, dt.time.fromisoformat(first)), zone(audience))


def _review_steps(
    store: Store, author: str, chain: list[str], post_id: str, state: str, slot: dt.datetime, begun: dt.datetime, now: dt.datetime
) -> list[Step]:
    """Submitting, reviewing and publishing the post as far as ``state``, each when it happens."""
    if state in ("idea", "draft"):
        return []
    # Reviewed over the days before ``begun``: its slot, or a while before now for the posts still ahead.
    submitted = begun - dt.timedelta(days=2)
    steps: list[Step] = [(submitted, partial(writing.submit, store, author, post_id))]
    later = [submitted + dt.timedelta(hours=3 * n) for n in range(1, len(chain) + 1)]
    if state == "changes-requested":
        note = "Make the poll question shorter: two options, not four."
        return [*steps, (later[0], lambda when: writing.reject(store, chain[0], post_id, when, note))]
    if state == "in-review":
        return steps
    reviewers = chain[:1] if state == "half-approved" else chain
    steps += [(when, partial(writing.approve, store, reviewer, post_id)) for when, reviewer in zip(later, reviewers)]
    if state == "scheduled":
        steps.append((now, partial(writing.schedule, store, author, post_id)))
    elif state == "published":
        steps.append((slot, lambda when: writing.publish(store, author, post_id, when, f"https://social.example/northwind/{post_id[:8]}")))
    return steps


def _result_steps(
    store: Store,
    analyst: str,
    rng: random.Random,
    bought: random.Random,
    published: list[tuple[str, dt.date]],
    paid: list[tuple[str, AdDay]],
    now: dt.datetime,
) -> list[Step]:
    """Daily numbers up to yesterday: each published post's since it went out, what each campaign's ads bought on the
    days they ran (``paid``, by campaign id; drawn from ``bought``), and the followers, each day's entered by the
    analyst the next morning (10:00 in Kolkata, or now if that is sooner), as a team does: written all at once, the
    month's 243 of them were the first five pages of `crewdeck log`."""
    month = result_days(now)
    days: dict[dt.date, list[tuple[str, dict[str, Any]]]] = {day: [] for day in month}
    for post_id, went_out in published:
        for age, day in enumerate(d for d in month if d >= went_out):
            reach = int(rng.randint(3_000, 9_000) / (1 + age))
            days[day].append(
                (
                    result_id("post", day.isoformat(), post=post_id),
                    {**_counts(rng, reach), "source": "demo"},
                )
            )
    for campaign_id, (campaign, platform, day, amount) in paid:
        counts = _ad_counts(bought, AD_RATES[platform], amount)
        value = counts["conversions"] * bought.randint(*PAID[campaign][platform].value) * 100
        days[day].append(
            (
                result_id("campaign", day.isoformat(), campaign=campaign_id, platform=platform),
                {
                    **counts,
                    "conversion_value": {"amount": value, "currency": "EUR"},
                    "source": "demo",
                },
            )
        )
    for platform, base in (("instagram", 41_200), ("facebook", 18_900), ("tiktok", 12_400), ("linkedin", 6_300)):
        for n, day in enumerate(month):
            days[day].append(
                (
                    result_id("followers", day.isoformat(), platform=platform),
                    {
                        "followers": base + n * rng.randint(5, 40),
                        "source": "demo",
                    },
                )
            )
    return [
        (entered_next_morning(day, dt.time(10, 0), "Asia/Kolkata", now), partial(_enter, store, analyst, results))
        for day, results in days.items()
    ]


def _enter(store: Store, analyst: str, results: list[tuple[str, dict[str, Any]]], _when: dt.datetime) -> None:
    with store.write(analyst) as w:
        for row_id, values in results:
            w.set("result", row_id, values)


def _counts(rng: random.Random, reach: int) -> dict[str, int]:
    """A day's counts for ``reach`` people, in the proportions social posts see."""
    impressions = reach * rng.randint(130, 210) // 100
    # Per 1,000 people reached: 20-50 reactions, 2-8 comments, 1-6 shares, 1-4 saves.
    reactions, comments, shares, saves = (reach * rng.randint(low, high) // 1_000 for low, high in ((20, 50), (2, 8), (1, 6), (1, 4)))
    clicks = impressions * rng.randint(8, 20) // 1_000
    return _day(impressions, reach, (reactions, comments, shares, saves), clicks, clicks * rng.randint(3, 9) // 100)


def _ad_counts(rng: random.Random, rates: AdRates, amount: int) -> dict[str, int]:
    """What ``amount`` (EUR cents) of a day's ads bought at ``rates``: impressions at the day's CPM, each person seeing
    them 1.2-1.6 times, clicks and conversions at its CTR and conversion rate, and fewer reactions than a post's
    followers give it (people who do not follow the brand, scrolling past)."""
    impressions = amount * 1_000 // rng.randint(*rates.cpm)
    reach = impressions * 100 // rng.randint(120, 160)
    # Per 1,000 impressions: 6-14 reactions, 0.5-2 comments, 0.5-2 shares, 0.3-1.2 saves.
    reactions, comments, shares, saves = (
        impressions * rng.randint(low, high) // 10_000 for low, high in ((60, 140), (5, 20), (5, 20), (3, 12))
    )
    clicks = impressions * rng.randint(*rates.ctr) // 10_000
    # A fraction of a conversion is one on that many days in ten (a LinkedIn day's 19 clicks make 0.9 of one).
    conversions = int(clicks * rng.randint(*rates.cvr) / 10_000 + rng.random())
    return _day(impressions, reach, (reactions, comments, shares, saves), clicks, conversions)


def _day(impressions: int, reach: int, parts: tuple[int, int, int, int], clicks: int, conversions: int) -> dict[str, int]:
    """A day's counts as results hold them, engagements the sum of their ``parts`` (reactions, comments, shares, saves)."""
    reactions, comments, shares, saves = parts
    return {
        "impressions": impressions,
        "reach": reach,
        "engagements": sum(parts),
        "reactions": reactions,
        "comments": comments,
        "shares": shares,
        "saves": saves,
        "clicks": clicks,
        "conversions": conversions,
    }
