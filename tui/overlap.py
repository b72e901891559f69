"""The overlap planner: the best times for a meeting across zones, fairly.

Every candidate slot (on a 15-minute grid of UTC, which is a 15-minute grid
of every zone in use today) is judged per member:

* ``in``: the whole slot is inside one of their working spans;
* ``stretch``: not, but within two hours of their working hours and between
  07:00 and 22:00 on their clock (an early call, a late one, over lunch);
* ``out``: anything else (the night, a weekend, a day off).

Slots are ranked by the worst status of a *required* member (everyone in >
someone stretching > someone out), then by a penalty: each required member
stretching costs 3 plus up to 1 for how far outside their hours it reaches,
out 10, all times their *burden weight*; an optional member stretching
costs 1, out 2; a slot hugging the edge of someone's day costs up to 0.5;
and the second, third, ... slot of one day (in the planner's zone) costs 1,
2, ... more, so the list offers different days before more of the same day.
Slots listed never overlap each other.  The burden weight is ``1 + burden`` (at most 6), where
the burden counts the booked meetings of the four weeks before the range in
which the member was stretching (1) or out (2): whoever took the bad side
lately makes a bad slot for them rank lower.  Meetings are tasks with a
``meeting`` field (``crewdeck overlap ... --book TITLE``), so the history
syncs like any task.

The score shown is the rank in numbers: 100-70 for everyone in, 70-35 for
someone stretching, 35-0 for someone out, lower as the penalty grows.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Iterable

from sync.zones import zone

from .roster import Span, Timeline, wall_instant
from .when import parse_utc, utc_iso
from .workspace import Member, Workspace

STEP = dt.timedelta(minutes=15)
STRETCH = dt.timedelta(hours=2)
#: The earliest and latest wall-clock time a stretched meeting may touch.
STRETCH_DAY = (dt.time(7, 0), dt.time(22, 0))
HISTORY = dt.timedelta(weeks=4)
MAX_BURDEN = 5
STATUSES = ("in", "stretch", "out")
#: Penalty points per required member (times their burden weight) and per optional one.
REQUIRED_COST = {"in": 0.0, "stretch": 3.0, "out": 10.0}
OPTIONAL_COST = {"in": 0.0, "stretch": 1.0, "out": 2.0}
EDGE_COST = 0.5
REPEAT_COST = 1.0
#: (top, width) of each tier's score band.
BANDS = ((100.0, 30.0), (70.0, 35.0), (35.0, 35.0))


@dataclass(frozen=True)
class Seat:
    """One member at one slot."""

    member: Member
    required: bool
    status: str
    local_start: dt.datetime


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    #: 0 everyone required in hours, 1 someone stretching, 2 someone out.
    tier: int
    penalty: float
    seats: tuple[Seat, ...]

    @property
    def score(self) -> float:
        top, width = BANDS[self.tier]
        return round(top - width * self.penalty / (self.penalty + 10.0), 1)

    def as_json(self) -> dict[str, object]:
        return {
            "start": utc_iso(self.start),
            "end": utc_iso(self.end),
            "score": self.score,
            "members": [
                {
                    "handle": s.member.handle,
                    "tz": s.member.tz,
                    "required": s.required,
                    "status": s.status,
                    "local_start": s.local_start.isoformat(),
                }
                for s in self.seats
            ],
        }


def _within_day(start_local: dt.datetime, end_local: dt.datetime) -> bool:
    early, late = STRETCH_DAY
    if start_local.time() < early:
        return False
    if end_local.date() == start_local.date():
        return end_local.time() <= late
    # Ending exactly at midnight is past 22:00; a slot over midnight is the night.
    return False


@dataclass(frozen=True)
class Fit:
    status: str
    #: ``in``: the span holding the slot; ``stretch``: the span it stretches.
    span: Span | None
    #: ``stretch``: how far outside the span the slot reaches.
    outside: dt.timedelta = dt.timedelta(0)


def classify(timeline: Timeline, tz_name: str, start: dt.datetime, end: dt.datetime) -> Fit:
    """How ``[start, end)`` fits the member's hours."""
    span = timeline.covering(start, end)
    if span is not None:
        return Fit("in", span)
    stretched = [
        (max(s.start - start, dt.timedelta(0)) + max(end - s.end, dt.timedelta(0)), s)
        for s in timeline.nearest(start, end)
        if s.start - STRETCH <= start and end <= s.end + STRETCH
    ]
    if stretched:
        tz = zone(tz_name)
        if _within_day(start.astimezone(tz), end.astimezone(tz)):
            outside, near = min(stretched)
            return Fit("stretch", near, outside)
    return Fit("out", None)


def plan(
    required: list[Member],
    optional: list[Member],
    duration: dt.timedelta,
    start: dt.datetime,
    end: dt.datetime,
    tz: str,
    *,
    burden: dict[str, int] | None = None,
    not_before: dt.datetime | None = None,
    limit: int = 10,
) -> list[Slot]:
    """The best ``limit`` slots in ``[start, end)`` that do not overlap each other, best first.

    ``tz`` is the zone whose days the list spreads over.
    """
    burden = burden or {}
    people = [(m, True) for m in required] + [(m, False) for m in optional]
    timelines = {m.id: Timeline(m, start - STRETCH, end + STRETCH) for m, _ in people}
    first = max(start, not_before or start)
    # Round up to the 15-minute grid of UTC.
    offset = (first - first.replace(minute=0, second=0, microsecond=0)) % STEP
    at = first + (STEP - offset if offset else dt.timedelta(0))
    at = at.replace(second=0, microsecond=0)
    candidates: list[Slot] = []
    while at + duration <= end:
        candidates.append(_judge(people, timelines, burden, at, at + duration))
        at += STEP
    candidates.sort(key=lambda s: (s.tier, s.penalty, s.start))
    # Per day, the best slots that do not overlap; the later ones of a day cost more.
    local = zone(tz)
    per_day: dict[dt.date, list[Slot]] = {}
    for slot in candidates:
        day = per_day.setdefault(slot.start.astimezone(local).date(), [])
        if all(slot.end <= c.start or slot.start >= c.end for c in day):
            day.append(replace(slot, penalty=slot.penalty + REPEAT_COST * len(day)))
    chosen = sorted((s for day in per_day.values() for s in day), key=lambda s: (s.tier, s.penalty, s.start))
    return chosen[:limit]


def _judge(
    people: list[tuple[Member, bool]], timelines: dict[str, Timeline], burden: dict[str, int], start: dt.datetime, end: dt.datetime
) -> Slot:
    seats = []
    tier = 0
    penalty = 0.0
    edge_margin: dt.timedelta | None = None
    for member, required in people:
        fit = classify(timelines[member.id], member.tz, start, end)
        seats.append(Seat(member, required, fit.status, start.astimezone(zone(member.tz))))
        if required:
            tier = max(tier, STATUSES.index(fit.status))
            weight = 1 + min(burden.get(member.id, 0), MAX_BURDEN)
            penalty += (REQUIRED_COST[fit.status] + fit.outside / STRETCH) * weight
            if fit.status == "in" and fit.span is not None:
                margin = min(start - fit.span.start, fit.span.end - end)
                edge_margin = margin if edge_margin is None else min(edge_margin, margin)
        else:
            penalty += OPTIONAL_COST[fit.status]
    comfort = min(edge_margin, STRETCH) / STRETCH if edge_margin is not None else 0.0
    penalty += EDGE_COST * (1 - comfort)
    return Slot(start, end, tier, round(penalty, 6), tuple(seats))


def meeting_burden(ws: Workspace, members: Iterable[Member], before: dt.datetime) -> dict[str, int]:
    """Per member id: 1 for each meeting of the last four weeks they stretched for, 2 for each they were out for."""
    wanted = {m.id: m for m in members}
    out = {member_id: 0 for member_id in wanted}
    rows = ws.conn.execute(
        "SELECT due_utc, meeting FROM task WHERE deleted = 0 AND meeting IS NOT NULL AND status != 'cancelled' "
        "AND due_utc >= ? AND due_utc < ?",
        (utc_iso(before - HISTORY), utc_iso(before)),
    ).fetchall()
    for due_utc, meeting_text in rows:
        meeting = json.loads(meeting_text)
        start = parse_utc(due_utc)
        end = start + dt.timedelta(minutes=meeting["minutes"])
        for member_id in meeting["required"] + meeting["optional"]:
            member = wanted.get(member_id)
            if member is None:
                continue
            timeline = Timeline(member, start - STRETCH, end + STRETCH)
            out[member_id] += STATUSES.index(classify(timeline, member.tz, start, end).status)
    return out


def meeting_values(slot: Slot, title: str, tz: str, creator: Member, now: dt.datetime) -> dict[str, object]:
    """The task that records a booked slot (what ``--book`` writes)."""
    minutes = int((slot.end - slot.start).total_seconds() // 60)
    return {
        "title": title,
        "status": "todo",
        "due": {"utc": utc_iso(slot.start), "tz": tz},
        "tags": ["meeting"],
        "meeting": {
            "minutes": minutes,
            "required": [s.member.id for s in slot.seats if s.required],
            "optional": [s.member.id for s in slot.seats if not s.required],
        },
        "created_by": creator.id,
        "created_at": utc_iso(now),
    }


def day_range(first: dt.date, days: int, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of ``first`` to local midnight ``days`` later, in ``tz``, as UTC instants."""
    return wall_instant(first, 0, tz), wall_instant(first + dt.timedelta(days=days), 0, tz)

