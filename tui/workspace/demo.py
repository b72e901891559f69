"""A demo workspace that looks like a real team's first week of December.

Eight members from Los Angeles to Auckland (Kolkata at +05:30, Kathmandu at
+05:45), three campaigns with their platforms and audiences, tasks in every
status with due dates over several weeks, budgets, rates and spend.  The
same seed and ``now`` give the same workspace.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from functools import partial
from typing import Any

from crewdeck.sync.state.records import WORKSPACE_ROW, budget_id, derived_id, rate_id
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.writes import Writer
from crewdeck.sync.state.zones import zone
from crewdeck.tui.ledger.actions import reversal_id
from crewdeck.tui.time.hours import parse_hours
from crewdeck.tui.time.when import localize, parse_utc, utc_iso
from crewdeck.tui.workspace.demo_posts import (
    AD_PAYEES,
    POSTS_MADE,
    AdDay,
    Step,
    ad_spend,
    entered_next_morning,
    play,
    post_steps,
    written_at,
)
from crewdeck.tui.workspace.words import counted

MEMBERS = [
    # handle, name, role, zone, hours
    ("ana", "Ana Souza", "project manager", "Europe/Berlin", "mon-fri 09:00-17:30"),
    ("raj", "Raj Mehta", "analyst", "Asia/Kolkata", "mon-fri 10:00-18:30"),
    ("mia", "Mia Santos", "copywriter", "Asia/Manila", "mon-fri 09:00-18:00"),
    ("leo", "Leo Park", "designer", "America/Los_Angeles", "mon-thu 08:00-16:30; fri 08:00-13:00"),
    ("sofia", "Sofia Russo", "content creator", "America/New_York", "mon-fri 10:00-18:00"),
    ("tane", "Tane Walker", "community manager", "Pacific/Auckland", "mon-fri 08:30-17:00"),
    ("bina", "Bina Shrestha", "video editor", "Asia/Kathmandu", "sun-thu 10:00-17:00; fri 10:00-14:00"),
    ("kemi", "Kemi Adeyemi", "paid social", "Africa/Lagos", "mon-fri 09:00-12:30,13:30-18:00"),
]

CAMPAIGNS = [
    # name, platforms, audience zone, start offset days, length days
    ("Spring Launch", ["instagram", "tiktok", "linkedin"], "America/New_York", -20, 60),
    ("Holiday Gifting", ["instagram", "facebook", "newsletter"], "Europe/London", -35, 45),
    ("App Install Push", ["tiktok", "youtube", "x"], "Asia/Kolkata", -10, 75),
]

VERBS = ["Draft", "Review", "Schedule", "Publish", "Approve", "Shoot", "Edit", "Localize", "Brief", "Report on", "Boost"]
ASSETS = ["carousel", "reel", "story", "post", "thread", "banner", "video", "landing page copy", "A/B test", "UTM links", "KPI deck"]
EXTRA_TAGS = ["urgent", "client", "legal", "evergreen", "ugc", "paid"]
#: The category a day's ad spend (``demo_posts.ad_spend``, paid to the platform: ``AD_PAYEES``) is booked to.
ADS = "sponsored-posts"
#: The other spend: who it is paid to, how often it comes (of 100 entries) and what one costs (EUR, from-to): a
#: micro-influencer's post, a tool's seat or credits, a freelancer's piece of work.
CATEGORIES = {
    "influencers": (["@fitwithjess", "@techtalks_raj", "@cafe_mila", "@urban.lens"], 20, (80, 300)),
    "content-tools": (["Canva", "Buffer", "Figma", "Later"], 45, (8, 45)),
    "freelancers": (["Studio Nord video", "Freelance copywriter", "Translation agency"], 35, (60, 250)),
}
#: Each campaign's budget for its run (EUR): its ads at their daily cost over the days they run (``demo_posts.PAID``),
#: the rest at the pace its spend goes (``CATEGORIES``: 10-15 EUR a day on tools, 50-60 on freelancers, 35-45 on
#: influencers' posts) with some room, and the influencer deal it has approved (Spring Launch's) or waits on
#: (approving Holiday Gifting's would take it over).
BUDGETS = {
    "Spring Launch": {ADS: 16_000, "influencers": 6_500, "content-tools": 1_200, "freelancers": 5_000},
    "Holiday Gifting": {ADS: 9_000, "influencers": 3_000, "content-tools": 600, "freelancers": 3_000},
    "App Install Push": {ADS: 10_000, "influencers": 6_500, "content-tools": 1_000, "freelancers": 5_000},
}
STATUS_WEIGHTS = {"inbox": 12, "todo": 30, "doing": 15, "review": 10, "done": 28, "cancelled": 5}


def build_demo(
    store: Store, *, now: dt.datetime, tasks: int = 180, seed: int = 7, unix_user: str | None = None, posts: bool = False
) -> str:
    """Build the demo into ``store``; what it holds, in words.  ``posts``: with posts in every state, their
    results and the campaigns' targets (``demo_posts``; the tests of other panes leave them out)."""
    rng = random.Random(seed)
    # Ids from the seed too: the same demo is the same workspace, down to
    # the short ids on screen (the snapshot tests rely on it).
    ids = random.Random(seed + 1)
    # When tasks moved on from where they began, from a seed of their own: the rest of the workspace stays as it was.
    moves = random.Random(seed + 2)

    def new_id() -> str:
        return f"{ids.getrandbits(128):032x}"

    today = now.astimezone(dt.UTC).date()
    member_ids = {handle: new_id() for handle, *_ in MEMBERS}
    pm = member_ids["ana"]
    zones = {handle: tz for handle, _, _, tz, _ in MEMBERS}
    counts: dict[str, int] = {}
    w = _ByMaker(pm)
    w.set("workspace", WORKSPACE_ROW, {"name": "Northwind Social", "base_currency": "EUR"})
    for handle, name, role, tz, hours in MEMBERS:
        values: dict[str, Any] = {"handle": handle, "name": name, "role": role, "tz": tz, "hours": parse_hours(hours)}
        if role == "project manager":
            values["access"] = "manager"
        if handle == "ana" and unix_user:
            values["unix_user"] = unix_user
        if handle == "tane":
            values["days_off"] = [(today + dt.timedelta(days=d)).isoformat() for d in (3, 4)]
        w.create("member", values, row_id=member_ids[handle])
    campaign_ids: dict[str, str] = {}
    for name, platforms, audience, start, length in CAMPAIGNS:
        first = today + dt.timedelta(days=start)
        campaign_ids[name] = w.create(
            "campaign",
            row_id=new_id(),
            values={
                "name": name,
                "platforms": platforms,
                "audience_tz": audience,
                "start": first.isoformat(),
                "end": (first + dt.timedelta(days=length)).isoformat(),
                "kpis": {"reach": 250_000 * (1 + len(name) % 3), "ctr_pct": "1.8"},
            },
        )
    handles = list(member_ids)
    task_ids: list[str] = []
    created_at: dict[str, dt.datetime] = {}
    done_at: dict[str, dt.datetime] = {}
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    for i in range(tasks):
        name, platforms, audience, _, _ = CAMPAIGNS[i % len(CAMPAIGNS)]
        platform = rng.choice(platforms)
        title = f"{rng.choice(VERBS)} {platform} {rng.choice(ASSETS)} for {name}"
        status = rng.choices(statuses, weights)[0]
        assignee = None if status == "inbox" and rng.random() < 0.5 else rng.choice(handles)
        creator = rng.choice(handles)
        owner_tz = zones[assignee] if assignee else zones[creator]
        day = today + dt.timedelta(days=rng.randint(-6, 35))
        if status in ("done", "cancelled"):
            day = today - dt.timedelta(days=rng.randint(1, 20))
        clock = rng.choice((dt.time(9, 0), dt.time(12, 0), dt.time(17, 0), dt.time(17, 30)))
        due = localize(dt.datetime.combine(day, clock), zone(owner_tz))
        # At any minute: whole hours before now put every task's making at the same minute past the hour.
        created = now - dt.timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 23), minutes=moves.randint(0, 59))
        values = {
            "title": title,
            # Every task begins open; one that got further is moved on later (below).
            "status": "inbox" if status == "inbox" else "todo",
            "priority": rng.choices(["high", "med", "low", "none"], [15, 35, 25, 25])[0],
            "campaign": campaign_ids[name],
            "platform": platform,
            "tags": [platform, *([rng.choice(EXTRA_TAGS)] if rng.random() < 0.3 else [])],
            "created_by": member_ids[creator],
            "created_at": utc_iso(created),
            "estimate": rng.choice([30, 60, 90, 120, 240]),
        }
        if rng.random() < 0.9:
            values["due"] = {"utc": utc_iso(due), "tz": owner_tz}
            if created >= due:
                # Planned before it was due (a task created after its due date read as made already late).
                created = due - dt.timedelta(days=moves.randint(1, 7), hours=moves.randint(0, 23), minutes=moves.randint(0, 59))
                values["created_at"] = utc_iso(created)
        moved = None
        if status not in ("inbox", "todo"):
            # Moved on by who works on it, at a time between its making and now (done or cancelled by its due time).
            end = min(now, due + dt.timedelta(hours=12)) if status in ("done", "cancelled") and "due" in values else now
            moved = min(now, created + max(dt.timedelta(minutes=1), (end - created) * moves.uniform(0.5, 0.95)))
        if assignee:
            values["assignee"] = member_ids[assignee]
        if title.startswith(("Publish", "Schedule")):
            slot = localize(dt.datetime.combine(day, dt.time(9, 0)), zone(audience))
            values["publish"] = {"utc": utc_iso(slot), "tz": audience}
        if task_ids and rng.random() < 0.08:
            # On a task made before it, and done before this one was taken up (unless this one was dropped), or on
            # none: a task cannot wait for one nobody had thought of yet, nor be under way while it waits.
            dependency = rng.choice(task_ids)
            if created_at[dependency] < created and (moved is None or status == "cancelled" or done_at.get(dependency, now) < moved):
                values["depends_on"] = [dependency]
        if i % 17 == 0:
            values["notes"] = "Brief in the shared drive; check brand voice guide v3 before drafting."
        task_id = w.create("task", values, row_id=new_id())
        task_ids.append(task_id)
        created_at[task_id] = created
        if moved is not None:
            w.move(task_id, status, member_ids[assignee or creator], moved)
            if status == "done":
                done_at[task_id] = moved
        counts[status] = counts.get(status, 0) + 1
    # What the ads cost each day, from a seed of their own (and what that bought, below: the posts' results).
    bought = random.Random(seed + 3)
    ads = ad_spend(now, {name: today + dt.timedelta(days=start) for name, _, _, start, _ in CAMPAIGNS}, bought)
    _money(w, rng, today, campaign_ids, member_ids, now, new_id, ads)
    # Each record written when it says it was made, so its history agrees with it ("created by @leo Wed 11-11"
    # was "@leo added" on the day the demo was made): the groundwork first, then the team's month in order, the
    # posts' steps among it.
    steps = w.steps(store)
    with store.bulk():
        with written_at(store, min((when for when, _ in steps), default=now) - dt.timedelta(hours=1)):
            w.write_groundwork(store)
        if posts:
            # The posts' steps read the log by record (a round's authors, the rules' review).
            store.need_log_index()
            steps += post_steps(store, now, new_id, ads, bought)
        play(store, steps)
    by_status = f" ({', '.join(f'{counts[status]:,} {status}' for status in STATUS_WEIGHTS if status in counts)})" if counts else ""
    summary = f"{len(MEMBERS)} members, {len(CAMPAIGNS)} campaigns, {counted(tasks, 'task')}{by_status}"
    if posts:
        summary += f", {POSTS_MADE}"
    return summary


#: The field that names who made a record of each kind the demo's members make.
_MAKERS = {"task": "created_by", "ledger_entry": "entered_by"}
#: The field that says when a record of each kind the team makes was made: it is written then.  The other kinds
#: (workspace, members, campaigns, budgets, rates) are what those records stand on, which the workspace's first write
#: (its manager's) holds.
_MADE_AT = {"task": "created_at", "ledger_entry": "entered_at", "approval": "approved_at"}


class _ByMaker:
    """The demo's records, each written by who made it (a task by who created it, an entry by who entered it) and when
    it says it was made, so its history names the member and the time the record does: first the manager's
    groundwork, then the team's records and their tasks' moves in the order they were made."""

    def __init__(self, manager: str) -> None:
        self.manager = manager
        #: (maker, how, entity, values, row id, when: None for the groundwork)
        self.made: list[tuple[str, str, str, dict[str, Any], str, dt.datetime | None]] = []

    def create(self, entity: str, values: dict[str, Any], row_id: str) -> str:
        return self._made("create", entity, values, row_id)

    def append(self, entity: str, values: dict[str, Any], row_id: str) -> str:
        return self._made("append", entity, values, row_id)

    def set(self, entity: str, row_id: str, values: dict[str, Any]) -> None:
        self._made("set", entity, values, row_id)

    def move(self, task_id: str, status: str, by: str, when: dt.datetime) -> None:
        """The task moved to ``status`` by ``by`` at ``when``."""
        self.made.append((by, "set", "task", {"status": status}, task_id, when))

    def _made(self, how: str, entity: str, values: dict[str, Any], row_id: str) -> str:
        maker = values.get(_MAKERS.get(entity, ""), self.manager)
        self.made.append((maker, how, entity, values, row_id, parse_utc(values[_MADE_AT[entity]]) if entity in _MADE_AT else None))
        return row_id

    def write_groundwork(self, store: Store) -> None:
        """What the team's records stand on, in one write of the manager's."""
        with store.write(self.manager) as w:
            for _, how, entity, values, row_id, when in self.made:
                if when is None:
                    _put(w, how, entity, values, row_id)

    def steps(self, store: Store) -> list[Step]:
        """The rest, a write of its maker's each, at the time it was made (``demo_posts.play`` plays them in order)."""
        return [
            (when, partial(_write_one, store, maker, how, entity, values, row_id))
            for maker, how, entity, values, row_id, when in self.made
            if when is not None
        ]


def _put(w: Writer, how: str, entity: str, values: dict[str, Any], row_id: str) -> None:
    if how == "set":
        w.set(entity, row_id, values)
    else:
        getattr(w, how)(entity, values, row_id=row_id)


def _write_one(store: Store, maker: str, how: str, entity: str, values: dict[str, Any], row_id: str, _when: dt.datetime) -> None:
    with store.write(maker) as w:
        _put(w, how, entity, values, row_id)


def _money(
    w: _ByMaker,
    rng: random.Random,
    today: dt.date,
    campaign_ids: dict[str, str],
    member_ids: dict[str, str],
    now: dt.datetime,
    new_id: Callable[[], str],
    ads: list[AdDay],
) -> None:
    pm = member_ids["ana"]
    for name, budgets in BUDGETS.items():
        for category, amount in budgets.items():
            w.set(
                "budget",
                budget_id(campaign_ids[name], category, "run"),
                {
                    "campaign": campaign_ids[name],
                    "category": category,
                    "period": "run",
                    "amount": amount * 100,
                    "currency": "EUR",
                },
            )
    for days_back in range(0, 60, 7):
        day = (today - dt.timedelta(days=days_back)).isoformat()
        w.set("rate", rate_id(day, "USD", "EUR"), {"date": day, "base": "USD", "quote": "EUR", "rate": f"0.9{rng.randint(10, 40)}"})
        w.set("rate", rate_id(day, "GBP", "EUR"), {"date": day, "base": "GBP", "quote": "EUR", "rate": f"1.1{rng.randint(60, 90)}"})
    handles = list(member_ids)
    made: list[tuple[str, dict[str, Any]]] = []
    categories = list(CATEGORIES)
    for i in range(72):
        category = rng.choices(categories, [often for _, often, _ in CATEGORIES.values()])[0]
        payees, _, (low, high) = CATEGORIES[category]
        currency = rng.choices(["EUR", "USD", "GBP"], [60, 30, 10])[0]
        # A campaign begun earlier has spent for longer: each about as much a day (its budget's pace).
        name, _, _, start, _ = rng.choices(CAMPAIGNS, [-start for *_, start, _ in CAMPAIGNS])[0]
        spent = today - dt.timedelta(days=rng.randint(0, -start))
        record: dict[str, Any] = {
            # Spent so far in the campaign's run.
            "date": spent.isoformat(),
            "campaign": campaign_ids[name],
            "category": category,
            "payee": rng.choice(payees),
            "amount": rng.randint(low, high) * 100 + rng.choice([0, 50, 99]),
            "currency": currency,
            "memo": f"invoice {2026_1100 + i}",
            "entered_by": member_ids[rng.choice(handles)],
            # A minute apart, so a day's entries keep their order.
            "entered_at": _entered(spent, now - dt.timedelta(minutes=i), late=dt.timedelta(minutes=i)),
        }
        made.append((w.append("ledger_entry", record, row_id=new_id()), record))
    paid_social = next(tz for handle, _, _, tz, _ in MEMBERS if handle == "kemi")
    for campaign, platform, ran, amount in ads:
        # A day's spend on a platform, entered by the paid social lead the next morning (as `kpi import --spend`
        # would, from the platform's export), under an id of its own: the ids drawn for the rest stay as they were.
        w.append(
            "ledger_entry",
            {
                "date": ran.isoformat(),
                "campaign": campaign_ids[campaign],
                "category": ADS,
                "payee": AD_PAYEES[platform],
                "amount": amount,
                "currency": "EUR",
                "memo": "daily ad spend",
                "entered_by": member_ids["kemi"],
                "entered_at": utc_iso(entered_next_morning(ran, dt.time(9, 30), paid_social, now)),
            },
            row_id=derived_id("demo ad spend", campaign_ids[campaign], platform, ran.isoformat()),
        )
    # Two mistakes corrected by reversing entries, and influencer deals
    # waiting for the project manager (ana approved the first).
    for entry_id, record in made[5:7]:
        w.append(
            "ledger_entry",
            {
                **record,
                "amount": -record["amount"],
                "reverses": entry_id,
                "memo": f"reverses {entry_id[:8]}: wrong campaign",
                "entered_by": pm,
                # Within the last two hours, after the entry it corrects.
                "entered_at": utc_iso(min(now, max(now - dt.timedelta(hours=2), parse_utc(record["entered_at"]) + dt.timedelta(hours=1)))),
            },
            row_id=reversal_id(entry_id),
        )
    for i, payee in enumerate(["@fitwithjess", "@techtalks_raj", "@urban.lens"]):
        entered = _entered(today - dt.timedelta(days=i), now - dt.timedelta(hours=3 - i))
        pending = w.append(
            "ledger_entry",
            row_id=new_id(),
            values={
                "date": (today - dt.timedelta(days=i)).isoformat(),
                "campaign": list(campaign_ids.values())[i],
                "category": "influencers",
                "payee": payee,
                "amount": (1_800 + 700 * i) * 100,
                "currency": "EUR",
                "memo": "sponsored reel, 3 posts",
                "entered_by": member_ids["kemi"],
                "entered_at": entered,
                "needs_approval": True,
            },
        )
        if i == 0:
            # An hour ago, after it was entered.
            approved = min(now, max(now - dt.timedelta(hours=1), parse_utc(entered) + dt.timedelta(minutes=30)))
            w.append("approval", {"entry": pending, "approved_by": pm, "approved_at": utc_iso(approved)}, row_id=new_id())


def _entered(day: dt.date, latest: dt.datetime, *, late: dt.timedelta = dt.timedelta()) -> str:
    """When a spend dated ``day`` (UTC) was entered: ``late`` after 18:00 that day, or at ``latest`` if that is sooner,
    never before its day (an entry dated 11-21 read "entered Mon 11-16")."""
    evening = dt.datetime.combine(day, dt.time(18, 0), dt.UTC) + late
    return utc_iso(max(dt.datetime.combine(day, dt.time(), dt.UTC), min(evening, latest)))
