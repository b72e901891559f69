"""The overlap planner: the best times for a meeting across zones, fairly.

Every candidate slot (on a 15-minute grid of UTC, which is a 15-minute grid
of every zone in use today) is judged per member:

* ``in``: the whole slot is inside one of their working spans;
* ``stretch``: not, but their day only starts earlier or ends later for it,
  none of that between 22:00 and 07:00 on their clock (an early call, a late
  one, over lunch);
* ``out``: their day is stretched into the night (22:00-07:00 their time),
  or the slot is on a day off (more than 12 hours from any working span: a
  weekend, a holiday).

A member with no hours set is stretching at any slot (none is known to be
in their hours), out at night.

Slots are ranked by the worst status of a *required* member (everyone in >
someone stretching > someone out), then by a penalty, the cost to people:
each required member stretching costs 3 and out 10, plus 0.5 for every hour
their day is stretched by or the slot is in a break of their day (over lunch:
"1h in a break and 1h late") and 1.5 for every hour of that at night (so 06:00
for someone who starts at 09:00 costs more than 07:30, and 03:00 more
still), or 6 more for a day off, all times their *burden weight*; an
optional member stretching costs 1, out 2; a slot hugging the edge of
someone's day costs up to 0.5; and the second, third, ... slot of one day
(in the planner's zone) costs 1, 2, ... more, so the list offers different
days before more of the same day.  Each slot says why it costs what it does
(``Slot.why``: "2h early for @raj"), as world-clock tools do.
Slots listed never overlap each other.  The burden weight is ``1 + burden`` (at most 6), where
the burden counts the booked meetings of the four weeks before the range in
which the member was stretching (1) or out (2): whoever took the bad side
lately makes a bad slot for them rank lower.  Meetings are tasks with a
``meeting`` field (``crewdeck overlap ... --book TITLE``), so the history
syncs like any task.

Booked meetings also block: a slot that overlaps a meeting one of the
required members attends (required or optional there) is not offered, and
an optional member in a meeting then is ``busy`` (costing as ``out``).  A
cancelled or deleted meeting blocks nothing.

The score shown is the rank in numbers: 100-70 for everyone in, 70-35 for
someone stretching, 35-0 for someone out, lower as the penalty grows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from crewdeck.sync.state.records import LAST_DAY
from crewdeck.sync.state.zones import zone
from crewdeck.tui.tasks.estimates import format_estimate, parse_estimate
from crewdeck.tui.time.roster import spans_between, wall_instant, working_week
from crewdeck.tui.time.when import DateError, clock_text, parse_day, parse_utc, repeated, utc_iso, zone_abbrev, zone_label
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Member, Workspace

STEP = dt.timedelta(minutes=15)
#: The night on a member's clock, from its first minute to the morning's: stretching their day into it costs the most.
NIGHT = (22 * 60, 7 * 60)
#: Farther than this from every working span, a slot is on the member's day off rather than early or late.
REACH = dt.timedelta(hours=12)
#: A slot closer than this to the edge of a required member's day costs up to ``EDGE_COST``.
COMFORT = dt.timedelta(hours=2)
HISTORY = dt.timedelta(weeks=4)
MAX_BURDEN = 5
STATUSES = ("in", "stretch", "out")
#: An optional member's status at a slot where they are in a booked meeting.
BUSY = "busy"
#: Penalty points per required member (times their burden weight) and per optional one.
REQUIRED_COST = {"in": 0.0, "stretch": 3.0, "out": 10.0}
#: Penalty points (times the burden weight) per hour a required member's day is stretched by, and per hour of it at night.
HOUR_COST = 0.5
NIGHT_HOUR_COST = 1.5
#: On top of ``REQUIRED_COST["out"]``: a required member's day off, as four hours of their night.
DAY_OFF_COST = 6.0
OPTIONAL_COST = {"in": 0.0, "stretch": 1.0, "out": 2.0, BUSY: 2.0}
EDGE_COST = 0.5
REPEAT_COST = 1.0
#: (top, width) of each tier's score band.
BANDS = ((100.0, 30.0), (70.0, 35.0), (35.0, 35.0))
#: How a member's status at a slot is shown, and the line that says so.
MARKS = {"in": "✓", "stretch": "~", "out": "✗", BUSY: "⊘"}
#: ``{day}``: the hours outside the night, on the reader's clock (``day_hours``).
LEGEND = "✓ in working hours   ~ early or late ({day} local)   ✗ night or day off   ⊘ in a booked meeting   ? optional"
#: Between the legend's entries.
LEGEND_GAP = "   "


def day_hours(clock24: bool = True) -> str:
    """``07:00-22:00``, or ``7:00am-10:00pm`` on a 12-hour clock: the hours a day may be stretched into, outside ``NIGHT``."""
    dawn, dusk = (dt.datetime.combine(dt.date.min, dt.time(minutes // 60, minutes % 60)) for minutes in (NIGHT[1], NIGHT[0]))
    return f"{clock_text(dawn, clock24)}-{clock_text(dusk, clock24)}"


def legend_lines(width: int | None, clock24: bool = True) -> list[str]:
    """``LEGEND`` on lines at most ``width`` wide, broken between its entries, never inside one (a terminal
    broke "⊘" from its words); one line for ``None`` (a pipe, or where it fits).  Its hours on the reader's clock:
    "07:00-22:00" read as another clock than the slots' "7:00am"."""
    lines: list[str] = []
    for entry in LEGEND.format(day=day_hours(clock24)).split(LEGEND_GAP):
        if lines and (width is None or len(lines[-1]) + len(LEGEND_GAP) + len(entry) <= width):
            lines[-1] += LEGEND_GAP + entry
        else:
            lines.append(entry)
    return lines


#: The longest search, in days, and the shortest and longest meeting, in minutes.
MAX_DAYS = 62
DURATIONS = (5, 24 * 60)


#: How a slot falls outside a member's hours (``Seat.away``).
EARLY, LATE, DAY_OFF, BREAK, NO_HOURS = "early", "late", "day off", "in a break", "no hours set"


@dataclass(frozen=True)
class Seat:
    """One member at one slot."""

    member: Member
    required: bool
    status: str
    local_start: dt.datetime
    #: "" in their hours (or busy), ``EARLY`` or ``LATE`` (their day starts earlier or ends later for it), ``BREAK``
    #: (between two spans of one day: over lunch), ``DAY_OFF``, ``NO_HOURS`` (a member who set none: any slot may
    #: be outside their hours, one in their night surely is).
    away: str = ""
    #: How long the slot is outside their hours (their day stretched early or late, and in a break), and how much
    #: of that is their night.
    outside: dt.timedelta = dt.timedelta()
    night: dt.timedelta = dt.timedelta()
    #: Each way the slot is outside their hours, in the order of their day: ``(EARLY, BREAK or LATE, how long, of that
    #: at night)``.  For Kemi (09:00-12:30, 13:30-18:00) 12:00-19:00 is an hour in her break and an hour late.
    parts: tuple[tuple[str, dt.timedelta, dt.timedelta], ...] = ()

    @property
    def why(self) -> str:
        """``2h early``, ``4h early (night)``, ``30m late``, ``30m in a break``, ``1h in a break and 1h late``, ``day
        off``, ``in a meeting``; "" in their hours."""
        if self.status == BUSY:
            return "in a meeting"
        if self.away in ("", DAY_OFF):  # a day off at night is said by the member's clock beside it
            return self.away
        if self.away == NO_HOURS:
            return NO_HOURS + (" (night)" if self.night else "")
        said = [
            f"{format_estimate(int(length.total_seconds()) // 60)} {away}" + (" (night)" if night else "")
            for away, length, night in self.parts
        ]
        return " and ".join([", ".join(said[:-1]), said[-1]] if len(said) > 2 else said)

    def _weight(self) -> tuple[int, int, dt.timedelta, dt.timedelta]:
        """What puts this seat first in ``Slot.why``: required, out (busy or a day off as out), night, how far."""
        return (self.required, STATUSES.index(self.status) if self.status in STATUSES else 2, self.night, self.outside)


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

    @property
    def why(self) -> str:
        """``4h early (night) for @leo, 30m late for @sofia``: whom the slot costs what, the required and the worst
        first; "" when it is in everyone's hours."""
        seats = sorted((s for s in self.seats if s.why), key=Seat._weight, reverse=True)
        return ", ".join(f"{s.why} for @{s.member.handle}" for s in seats)

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
                    "why": s.why,
                    "minutes_outside": int(s.outside.total_seconds()) // 60,
                    "night_minutes": int(s.night.total_seconds()) // 60,
                    "outside": [
                        {"how": away, "minutes": int(length.total_seconds()) // 60, "night_minutes": int(night.total_seconds()) // 60}
                        for away, length, night in s.parts
                    ],
                }
                for s in self.seats
            ],
            "why": self.why,
        }


_REACH_S = int(REACH.total_seconds())
_COMFORT_S = int(COMFORT.total_seconds())
_HOUR_S = 3600
#: A meeting lasts at most a day (``records.meeting_info``): how far before a slot one may start and still reach it.
_LONGEST_MEETING_S = 24 * 3600
#: ``_judge``'s index for ``BUSY`` (after ``STATUSES``).
_BUSY_INDEX = len(STATUSES)
#: ``_Hours.fit``'s ways of being away (``Seat.away``), by index.
_AWAY = ("", EARLY, LATE, DAY_OFF, BREAK, NO_HOURS)
_EARLY_I, _LATE_I, _DAY_OFF_I, _BREAK_I, _NO_HOURS_I = range(1, len(_AWAY))
#: One way a slot is outside a member's hours: (``_AWAY`` index, seconds, seconds of those at night).
Part = tuple[int, int, int]
#: A member's fit at a slot: (status index, ``_AWAY`` index, seconds outside, seconds of those at night, the ``Part``\ s
#: they add up from, in the order of the member's day).
Fit = tuple[int, int, int, int, tuple[Part, ...]]
_IN: Fit = (0, 0, 0, 0, ())
_BUSY: Fit = (_BUSY_INDEX, 0, 0, 0, ())


class _Busy:
    """A member's booked meetings as epoch seconds, sorted by start."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def during(self, start: int, end: int) -> bool:
        """Whether a meeting overlaps ``[start, end)``."""
        first = bisect.bisect_left(self.starts, start - _LONGEST_MEETING_S)
        last = bisect.bisect_left(self.starts, end)
        return any(self.ends[i] > start for i in range(first, last))


class _Hours:
    """A member's working spans and nights as epoch seconds: the planner asks thousands of questions."""

    def __init__(self, member: Member, start: dt.datetime, end: dt.datetime) -> None:
        #: No hours set: no slot is known to be in their hours, nor out of them but in their night.
        self.unknown = not any(member.hours.values())
        spans = spans_between(member, start - REACH, end + REACH)
        self.starts = [int(s.start.timestamp()) for s in spans]
        self.ends = [int(s.end.timestamp()) for s in spans]
        # Each night from its own date's 22:00 to the next date's 07:00, on the member's clock: as long in hours as
        # the zone makes it (an hour shorter the night the clocks go forward).
        tz = zone(member.tz)
        day = (start - REACH).astimezone(tz).date() - dt.timedelta(days=1)
        last = (end + REACH).astimezone(tz).date()
        self.night_starts: list[int] = []
        self.night_ends: list[int] = []
        while day <= last:
            dusk = int(wall_instant(day, NIGHT[0], member.tz).timestamp())
            dawn = int(wall_instant(day + dt.timedelta(days=1), NIGHT[1], member.tz).timestamp())
            # Around a date the zone skipped, a night may begin where the last one ends.
            dusk = max(dusk, self.night_ends[-1]) if self.night_ends else dusk
            if dusk < dawn:
                self.night_starts.append(dusk)
                self.night_ends.append(dawn)
            day += dt.timedelta(days=1)
        # Each span's working day, as its first and last span: spans with no night between them are one day (the gap
        # between them a break, over lunch), as a night parts two days.
        count = len(self.starts)
        self.first = list(range(count))
        for k in range(1, count):
            if not self.night(self.ends[k - 1], self.starts[k]):
                self.first[k] = self.first[k - 1]
        self.last = list(range(count))
        for k in range(count - 2, -1, -1):
            if self.first[k + 1] == self.first[k]:
                self.last[k] = self.last[k + 1]

    def night(self, start: int, end: int) -> int:
        """The seconds of ``[start, end)`` in the member's nights."""
        total = 0
        i = bisect.bisect_right(self.night_ends, start)
        while i < len(self.night_starts) and self.night_starts[i] < end:
            total += min(end, self.night_ends[i]) - max(start, self.night_starts[i])
            i += 1
        return total

    def fit(self, start: int, end: int) -> tuple[Fit, int]:
        """How ``[start, end)`` fits the member's hours, and its margin to the span's edges (-1 outside them).

        Outside, the slot is measured against the working day before it or the one after it (a day: spans with no
        night between them), whichever costs them less: how long their day is stretched by (early: from the slot's
        start to the day's; late: from the day's end to the slot's), its night hours costing the most, and how much of
        the slot falls in the day's breaks (over lunch: the day is not stretched for that); a day off when the
        stretch is more than ``REACH``.  A member with no hours set is outside at night only.
        """
        if self.unknown:
            night = self.night(start, end)
            return (2 if night else 1, _NO_HOURS_I, night, night, ()), -1
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and end <= self.ends[i]:
            return _IN, min(start - self.starts[i], self.ends[i] - end)
        best: tuple[float, Fit] | None = None
        for j in (i, i + 1):
            if not 0 <= j < len(self.starts) or (j == i + 1 and i >= 0 and self.first[i] == self.first[j]):
                continue
            first, last = self.first[j], self.last[j]
            a, b = self.starts[first], self.ends[last]
            early, late = max(a - start, 0), max(end - b, 0)
            if early + late > _REACH_S:
                continue
            parts: list[Part] = []
            if early:
                parts.append((_EARLY_I, early, self.night(start, a)))
            # The breaks of the day the slot covers: no night in them, or they would part two days.
            gaps = sum(max(min(end, self.starts[k + 1]) - max(start, self.ends[k]), 0) for k in range(first, last))
            if gaps:
                parts.append((_BREAK_I, gaps, 0))
            if late:
                parts.append((_LATE_I, late, self.night(b, end)))
            night = sum(part[2] for part in parts)
            main = max(parts, key=lambda part: part[1])[0]  # the longest, which says the slot when one word must
            fit: Fit = (2 if night else 1, main, early + gaps + late, night, tuple(parts))
            cost = _stretch_cost(fit)
            if best is None or cost < best[0]:
                best = (cost, fit)
        if best is None:
            return (2, _DAY_OFF_I, 0, self.night(start, end), ()), -1
        return best[1], -1


def _stretch_cost(fit: Fit) -> float:
    """The penalty (before the burden weight) of a required member's ``fit``."""
    status, away, outside, night, _ = fit
    cost = REQUIRED_COST[STATUSES[status]] + ((outside - night) * HOUR_COST + night * NIGHT_HOUR_COST) / _HOUR_S
    return cost + DAY_OFF_COST if away == _DAY_OFF_I else cost


def status_at(member: Member, start: dt.datetime, end: dt.datetime) -> str:
    """``in``, ``stretch`` or ``out``: how ``[start, end)`` fits the member's hours."""
    return STATUSES[_Hours(member, start, end).fit(int(start.timestamp()), int(end.timestamp()))[0][0]]


def plan(
    required: list[Member],
    optional: list[Member],
    duration: dt.timedelta,
    start: dt.datetime,
    end: dt.datetime,
    tz: str,
    *,
    burden: dict[str, int] | None = None,
    busy: dict[str, list[tuple[dt.datetime, dt.datetime]]] | None = None,
    not_before: dt.datetime | None = None,
    limit: int = 10,
) -> list[Slot]:
    """The best ``limit`` slots in ``[start, end)`` that do not overlap each other, best first.

    ``tz`` is the zone whose days the list spreads over; ``busy`` holds each
    member's booked meetings (by member id): no slot overlaps a required
    member's, and an optional member is ``busy`` in theirs.
    """
    burden = burden or {}
    busy = busy or {}
    people = [(m, True) for m in required] + [(m, False) for m in optional]
    hours = [_Hours(m, start, end) for m, _ in people]
    # None for a member with no meetings: the common case costs one identity test per slot.
    booked = [_Busy([(int(a.timestamp()), int(b.timestamp())) for a, b in busy[m.id]]) if busy.get(m.id) else None for m, _ in people]
    weights = [1 + min(burden.get(m.id, 0), MAX_BURDEN) if req else 0 for m, req in people]
    step = int(STEP.total_seconds())
    length = int(duration.total_seconds())
    first = int(max(start, not_before or start).timestamp())
    at = -(-first // step) * step  # up to the 15-minute grid of UTC
    last = int(end.timestamp()) - length
    local = zone(tz)
    # Per day (in the planner's zone), the best slots that do not overlap.
    judged: list[_Verdict] = []
    while at <= last:
        verdict = _judge(hours, weights, booked, at, at + length)
        if verdict is not None:
            judged.append(verdict)
        at += step
    judged.sort()
    per_day: dict[dt.date, list[_Verdict]] = {}
    for tier, penalty, slot_start, fits in judged:
        day = per_day.setdefault(dt.datetime.fromtimestamp(slot_start, local).date(), [])
        if all(slot_start + length <= other[2] or slot_start >= other[2] + length for other in day):
            # The later slots of a day cost more, so the list offers other days first.
            day.append((tier, penalty + REPEAT_COST * len(day), slot_start, fits))
    chosen = sorted(entry for day in per_day.values() for entry in day)[:limit]
    return [_slot(people, entry, length) for entry in chosen]


#: A judged slot: (tier, penalty, start, each member's ``Fit``).
_Verdict = tuple[int, float, int, tuple[Fit, ...]]


def _judge(hours: list[_Hours], weights: list[int], booked: list[_Busy | None], start: int, end: int) -> _Verdict | None:
    """``(tier, penalty, start, fits)`` of a slot, or ``None`` when a required member is in a meeting then."""
    tier = 0
    penalty = 0.0
    margin = -1
    fits: list[Fit] = []
    for member_hours, weight, meetings in zip(hours, weights, booked):
        if meetings is not None and meetings.during(start, end):
            if weight:
                return None
            fits.append(_BUSY)
            penalty += OPTIONAL_COST[BUSY]
            continue
        fit, edge = member_hours.fit(start, end)
        fits.append(fit)
        status = fit[0]
        if weight:  # required
            if status > tier:
                tier = status
            penalty += _stretch_cost(fit) * weight
            if edge >= 0:
                margin = edge if margin < 0 else min(margin, edge)
        else:
            penalty += OPTIONAL_COST[STATUSES[status]]
    comfort = min(margin, _COMFORT_S) / _COMFORT_S if margin >= 0 else 0.0
    return tier, round(penalty + EDGE_COST * (1 - comfort), 6), start, tuple(fits)


def _slot(people: list[tuple[Member, bool]], entry: _Verdict, length: int) -> Slot:
    tier, penalty, start_s, fits = entry
    start = dt.datetime.fromtimestamp(start_s, dt.UTC)
    seats = tuple(
        Seat(
            member,
            required,
            (*STATUSES, BUSY)[status],
            start.astimezone(zone(member.tz)),
            _AWAY[away],
            dt.timedelta(seconds=outside),
            dt.timedelta(seconds=night),
            tuple((_AWAY[way], dt.timedelta(seconds=length), dt.timedelta(seconds=dark)) for way, length, dark in parts),
        )
        for (member, required), (status, away, outside, night, parts) in zip(people, fits)
    )
    return Slot(start, start + dt.timedelta(seconds=length), tier, penalty, seats)


#: Booked meetings: live, not cancelled, with a start.
_MEETINGS = "SELECT due_utc, meeting FROM task WHERE deleted = 0 AND meeting IS NOT NULL AND status != 'cancelled' AND due_utc IS NOT NULL"


def booked(
    ws: Workspace, members: Iterable[Member], start: dt.datetime, end: dt.datetime
) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    """Per member id: the booked meetings they attend that overlap ``[start, end)``, as ``(start, end)``."""
    wanted = {m.id for m in members}
    out: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    longest = dt.timedelta(seconds=_LONGEST_MEETING_S)
    rows = ws.conn.execute(_MEETINGS + " AND due_utc > ? AND due_utc < ?", (utc_iso(start - longest), utc_iso(end))).fetchall()
    for due_utc, meeting_text in rows:
        meeting = json.loads(meeting_text)
        begins = parse_utc(due_utc)
        ends = begins + dt.timedelta(minutes=meeting["minutes"])
        if ends <= start:
            continue
        for member_id in meeting["required"] + meeting["optional"]:
            if member_id in wanted:
                out.setdefault(member_id, []).append((begins, ends))
    return out


def meeting_burden(ws: Workspace, members: Iterable[Member], before: dt.datetime) -> dict[str, int]:
    """Per member id: 1 for each meeting of the last four weeks they stretched for, 2 for each they were out for."""
    wanted = {m.id: m for m in members}
    out = dict.fromkeys(wanted, 0)
    rows = ws.conn.execute(_MEETINGS + " AND due_utc >= ? AND due_utc < ?", (utc_iso(before - HISTORY), utc_iso(before))).fetchall()
    for due_utc, meeting_text in rows:
        meeting = json.loads(meeting_text)
        start = parse_utc(due_utc)
        end = start + dt.timedelta(minutes=meeting["minutes"])
        for member_id in meeting["required"] + meeting["optional"]:
            member = wanted.get(member_id)
            if member is not None:
                out[member_id] += STATUSES.index(status_at(member, start, end))
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


#: The first instant past the last day a date may hold (``LAST_DAY``), in UTC.
_CALENDAR_END = dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time(), dt.UTC)


def day_range(first: dt.date, days: int, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of ``first`` to local midnight ``days`` later, in ``tz``, as UTC instants."""
    return wall_instant(first, 0, tz), wall_instant(first + dt.timedelta(days=days), 0, tz)


@dataclass(frozen=True)
class Search:
    """One question to the planner: who, how long, which days (counted in ``tz``)."""

    required: tuple[Member, ...]
    optional: tuple[Member, ...]
    minutes: int
    first: dt.date
    days: int
    tz: str


def read_search(
    required: Iterable[Member],
    optional: Iterable[Member],
    duration: str,
    first: str,
    days: int,
    tz: str,
    now: dt.datetime,
    *,
    flag: str = "",
    asker: Member | None = None,
) -> Search:
    """A ``Search`` from what a person typed, or a one-line ``UserError`` naming the part that is wrong.

    ``flag`` prefixes the names in messages (``--`` on the command line); an
    empty ``first`` is today in ``tz``; ``next week`` and ``eow`` are of the week (``working_week``) of the ``asker`` when
    they are among the members named, else of the first required member's (``_whose_week``).
    """
    minutes = parse_estimate(duration, f"{flag}duration")
    if not DURATIONS[0] <= minutes <= DURATIONS[1]:
        raise UserError(f"{flag}duration: {duration.strip()!r} must be between 5m and 24h")
    if not 1 <= days <= MAX_DAYS:
        raise UserError(f"{flag}days: {days} must be between 1 and {MAX_DAYS}")
    required, optional = tuple(required), tuple(optional)
    if not required:
        raise UserError("name at least one required member")
    seen: set[str] = set()
    for member in required + optional:
        if member.id in seen:
            raise UserError(f"@{member.handle} is named twice (a member is either required or optional)")
        seen.add(member.id)
    today = now.astimezone(zone(tz)).date()
    try:
        day = parse_day(first, today, *working_week(_whose_week(required + optional, asker))) if first.strip() else today
    except DateError as exc:
        raise UserError(f"{flag}from: {exc}") from None
    # The days searched end with the calendar's (a meeting past it could not be booked).
    return Search(required, optional, minutes, day, min(days, (LAST_DAY - day).days + 1), tz)


def _whose_week(named: tuple[Member, ...], asker: Member | None) -> Member:
    """The member whose week ``next week`` and ``eow`` mean in a search: the asker's when they are to meet, else the first
    required member's. A manager of a Sunday-to-Thursday week asking on a Sunday for two members of Monday-to-Friday
    weeks was given the Sunday after (their own next week), past the whole week the members were asked about."""
    if asker is not None and any(member.id == asker.id for member in named):
        return asker
    return named[0]


def search(ws: Workspace, question: Search, now: dt.datetime, *, limit: int = 10) -> list[Slot]:
    """The best slots for ``question`` from ``now`` on, around and fair by the workspace's booked meetings."""
    start, end = day_range(question.first, question.days, question.tz)
    # A meeting is due on its UTC date, which the rules keep within the calendar too.
    end = min(end, _CALENDAR_END)
    burden = meeting_burden(ws, question.required + question.optional, max(start, now))
    busy = booked(ws, question.required + question.optional, start, end)
    return plan(
        list(question.required),
        list(question.optional),
        dt.timedelta(minutes=question.minutes),
        start,
        end,
        question.tz,
        burden=burden,
        busy=busy,
        not_before=now,
        limit=limit,
    )


def no_slot_text(question: Search, now: dt.datetime) -> str:
    """Why ``search`` found no slot for ``question`` at ``now``: every slot it judges is offered but one a required member's
    booked meeting overlaps, so the days have passed (or too little of them is left), or meetings fill what is left."""
    last = question.first + dt.timedelta(days=question.days - 1)
    who = " ".join(f"@{m.handle}" for m in question.required)
    one = question.days == 1
    days = f"on {question.first:%a %m-%d}" if one else f"between {question.first:%a %m-%d} and {last:%a %m-%d}"
    said = f"no {format_estimate(question.minutes)} slot for {who} {days}"
    start, end = day_range(question.first, question.days, question.tz)
    if end <= now:
        gone = "that day has passed" if one else "those days have passed"
        return f"{said}: {gone} (today is {now.astimezone(zone(question.tz)):%a %m-%d} in {question.tz})"
    # As ``plan`` starts: on the 15-minute grid, not before now.
    step = int(STEP.total_seconds())
    first = -(-int(max(start, now).timestamp()) // step) * step
    if first + question.minutes * 60 > int(end.timestamp()):
        return f"{said}: less than {format_estimate(question.minutes)} is left of {'it' if one else 'them'}"
    return f"{said}: a meeting a required member attends overlaps every slot left"


def seat_headers(slot: Slot) -> list[str]:
    """``@ana``, ``@raj?`` (optional): one per member, in the order of ``seat_texts``."""
    return [f"@{s.member.handle}" + ("" if s.required else "?") for s in slot.seats]


def when_text(slot: Slot, tz: str, clock24: bool = True, *, labelled: bool = False) -> str:
    """``Mon 11-30 16:00-17:00``: the slot in ``tz``; ``labelled``, with whose time it is (``16:00-17:00 CET``).

    Where the clocks change in it, each end says its offset (``01:00 BST to 01:00 GMT``, where ``01:00-01:00`` said
    an hour as none); where a time of it is one the clocks show twice, which of the two (``01:00-02:00 GMT``)."""
    local, local_end = slot.start.astimezone(zone(tz)), slot.end.astimezone(zone(tz))
    start, end = clock_text(local, clock24), clock_text(local_end, clock24)
    if local.utcoffset() != local_end.utcoffset():
        return f"{local:%a %m-%d} {start} {zone_abbrev(slot.start, tz)} to {end} {zone_label(slot.end, tz)}"
    said = labelled or repeated(local) or repeated(local_end)
    return f"{local:%a %m-%d} {start}-{end}" + (f" {zone_label(slot.start, tz)}" if said else "")


def seat_texts(slot: Slot, tz: str, clock24: bool = True, *, zones: bool = True) -> list[str]:
    """``10:00 EST ✓``: each member's local start and how the slot fits their hours; ``Fri 07:00 SST ✓`` where
    that start is on another date than the slot's in ``tz`` (across the date line, Saturday 08:00 in Kiritimati
    is Friday 07:00 in Pago Pago).  ``zones`` off: ``10:00 ✓``, where the column's header names whose clock it is
    and the zones would not fit."""
    day = slot.start.astimezone(zone(tz)).date()

    def start(seat: Seat) -> str:
        clock = clock_text(seat.local_start, clock24)
        return clock if seat.local_start.date() == day else f"{seat.local_start:%a} {clock}"

    def abbrev(seat: Seat) -> str:
        return f" {zone_abbrev(slot.start, seat.member.tz)}" if zones else ""

    return [f"{start(s)}{abbrev(s)} {MARKS[s.status]}" for s in slot.seats]
