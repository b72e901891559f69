"""Members' working hours as UTC intervals, whatever their zones do.

A member's week (``Member.hours``: several spans per weekday, a span whose
end is not after its start crosses midnight) is a wall-clock rule in the
member's zone.  This module turns it into UTC intervals for any range of
days, with the rules of ``crewdeck.tui.time.when.localize``:

* a span belongs to the local day it starts on; a day off (``days_off``)
  drops the spans that start on it;
* a wall time in a DST gap moves forward by the gap, one in a fold takes
  the first occurrence, so a span is shorter on a spring-forward night and
  longer on a fall-back one, by exactly the change of offset;
* a date the zone skipped (Pacific/Apia 2011-12-30, Pacific/Kwajalein
  1993-08-21) has no spans; a date the zone repeated works once (the
  first occurrence);
* the spans of consecutive days that touch or overlap are merged, so a
  member's intervals never overlap and "how long until the day ends" sees
  one stretch across midnight.

Everything here is plain computation on ``Member`` values; results per
(member's week, day) are cached because the grid, the planner and the task
table ask for the same days again and again.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from crewdeck.sync.state.records import WEEKDAYS
from crewdeck.sync.state.zones import zone
from crewdeck.tui.time.when import UTC, WorkingDays, clock_now, localize, week_start
from crewdeck.tui.workspace.workspace import Member

_DAY = dt.timedelta(days=1)
#: How far back a span may start and still reach a given instant: a span
#: lasts at most a day, plus a skipped day's 24-hour gap.
_REACH = dt.timedelta(days=3)
#: How far ahead "when does the member start again" looks.
HORIZON = dt.timedelta(days=21)


class Span(NamedTuple):
    """A half-open interval ``[start, end)`` of UTC instants."""

    start: dt.datetime
    end: dt.datetime

    def contains(self, instant: dt.datetime) -> bool:
        return self.start <= instant < self.end

    def covers(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.start <= start and end <= self.end

    @property
    def length(self) -> dt.timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Week:
    """A member's working week in a hashable form: what the caches key on."""

    tz: str
    #: Per weekday (Monday first): ``(start, end)`` in minutes after local
    #: midnight; an end past 1440 crosses into the next day.
    days: tuple[tuple[tuple[int, int], ...], ...]
    days_off: frozenset[dt.date]


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


@lru_cache(maxsize=4096)
def _week(tz: str, hours: tuple[tuple[str, tuple[tuple[str, str], ...]], ...], days_off: tuple[str, ...]) -> Week:
    by_day = dict(hours)
    days = []
    for name in WEEKDAYS:
        spans = []
        for start_text, end_text in by_day.get(name, ()):
            start, end = _minutes(start_text), _minutes(end_text)
            if end <= start:
                end += 24 * 60
            spans.append((start, end))
        days.append(tuple(sorted(spans)))
    return Week(tz, tuple(days), frozenset(dt.date.fromisoformat(d) for d in days_off))


def week_of(member: Member) -> Week:
    hours = tuple(sorted((day, tuple((a, b) for a, b in spans)) for day, spans in member.hours.items()))
    return _week(member.tz, hours, tuple(sorted(member.days_off)))


def _as_week(member: Member | Week) -> Week:
    return member if isinstance(member, Week) else week_of(member)


def wall_instant(day: dt.date, minutes: int, tz: str) -> dt.datetime:
    """``minutes`` after local midnight of ``day`` in ``tz`` as a UTC instant (gaps forward, folds first)."""
    return localize(dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes), zone(tz)).astimezone(UTC)


@lru_cache(maxsize=8192)
def day_exists(tz: str, day: dt.date) -> bool:
    """False for a date the zone skipped entirely (its midnight lands on a later date)."""
    return localize(dt.datetime.combine(day, dt.time()), zone(tz)).date() == day


@lru_cache(maxsize=65536)
def day_spans(week: Week, day: dt.date) -> tuple[Span, ...]:
    """The spans that start on local ``day``, as UTC intervals (not merged)."""
    if day in week.days_off or not day_exists(week.tz, day):
        return ()
    out = []
    for start, end in week.days[day.weekday()]:
        span = Span(wall_instant(day, start, week.tz), wall_instant(day, end, week.tz))
        # First occurrences can reorder the ends of a span only across a
        # backward jump longer than the span itself; such a span never happens.
        if span.end > span.start:
            out.append(span)
    return tuple(out)


def merge(spans: list[Span]) -> list[Span]:
    """Sorted, with overlapping and touching intervals joined."""
    out: list[Span] = []
    for span in sorted(spans):
        if out and span.start <= out[-1].end:
            if span.end > out[-1].end:
                out[-1] = Span(out[-1].start, span.end)
        else:
            out.append(span)
    return out


def working_spans(member: Member | Week, first: dt.date, last: dt.date) -> list[Span]:
    """Merged UTC intervals of the spans starting on local days ``first``..``last``."""
    week = _as_week(member)
    spans: list[Span] = []
    day = first
    while day <= last:
        spans.extend(day_spans(week, day))
        day += _DAY
    return merge(spans)


def spans_between(member: Member | Week, start: dt.datetime, end: dt.datetime) -> list[Span]:
    """Merged intervals that meet ``[start, end)``, whole (not clipped to the window)."""
    week = _as_week(member)
    tz = zone(week.tz)
    first = (start - _REACH).astimezone(tz).date()
    last = end.astimezone(tz).date()
    return [s for s in working_spans(week, first, last) if s.end > start and s.start < end]


class Timeline:
    """A member's merged spans over a window, for many quick questions."""

    def __init__(self, member: Member | Week, start: dt.datetime, end: dt.datetime) -> None:
        self.week = _as_week(member)
        self.spans = spans_between(self.week, start, end)
        self._starts = [s.start for s in self.spans]

    def covering(self, start: dt.datetime, end: dt.datetime) -> Span | None:
        """The span that holds all of ``[start, end)``, if one does."""
        i = bisect.bisect_right(self._starts, start) - 1
        if i >= 0 and self.spans[i].covers(start, end):
            return self.spans[i]
        return None

    def nearest(self, start: dt.datetime, end: dt.datetime) -> list[Span]:
        """The spans just before, around and after ``[start, end)``."""
        i = bisect.bisect_right(self._starts, start)
        return self.spans[max(0, i - 1) : i + 1]


def is_working(member: Member | Week, instant: dt.datetime) -> bool:
    """Whether ``instant`` falls in the member's working hours (start included, end not)."""
    return any(s.contains(instant) for s in spans_between(member, instant, instant + dt.timedelta(seconds=1)))


def within_hours(member: Member | Week, instant: dt.datetime) -> bool:
    """Like ``is_working`` but the end of a span counts: a due at 17:30 is inside 09:00-17:30."""
    return any(
        s.start <= instant <= s.end for s in spans_between(member, instant - dt.timedelta(seconds=1), instant + dt.timedelta(seconds=1))
    )


@dataclass(frozen=True)
class Availability:
    """Whether a member is working at an instant, and until when (or from when)."""

    working: bool
    #: When that changes: the end of the current span, or the start of the
    #: next one; ``None`` when the member has no working hours ahead.
    changes_at: dt.datetime | None

    def left(self, now: dt.datetime) -> dt.timedelta | None:
        return None if self.changes_at is None else self.changes_at - now

    def text(self, now: dt.datetime) -> str:
        """``working, 3h30m left``, ``off, back in 14h``, ``no working hours``."""
        left = self.left(now)
        if left is None:
            return "no working hours"
        return f"working, {format_span(left)} left" if self.working else f"off, back in {format_span(left)}"


def availability(member: Member | Week, instant: dt.datetime, horizon: dt.timedelta = HORIZON) -> Availability:
    spans = spans_between(member, instant, instant + horizon)
    for span in spans:
        if span.contains(instant):
            return Availability(True, span.end)
        if span.start > instant:
            return Availability(False, span.start)
    return Availability(False, None)


def day_end(member: Member | Week, day: dt.date) -> dt.datetime | None:
    """When the member's working day ``day`` (local) ends: the end of its last stretch."""
    week = _as_week(member)
    own = day_spans(week, day)
    if not own:
        return None
    last = max(s.end for s in own)
    # A span that continues into the next day's (a night shift) ends that stretch later.
    for span in working_spans(week, day, day + _DAY):
        if span.start <= last <= span.end:
            return span.end
    return last


def working_week(member: Member | None) -> tuple[WorkingDays | None, int]:
    """Whose working days ``eow`` and ``eom`` mean, and the weekday (Monday 0) their week starts on (``week_start``): the
    member's, one reading for quick-add, ``set due=``, snoozes and the filters; Monday to Friday from Monday for nobody."""
    if member is None:
        return None, 0
    week = week_of(member)
    return (lambda day: day_end(week, day) is not None), week_start(WEEKDAYS.index(day) for day, spans in member.hours.items() if spans)


def format_span(length: dt.timedelta) -> str:
    """``45m``, ``3h30m``, ``2d4h``."""
    minutes = int(length.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d{hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
    return f"{minutes}m"


def status_text(member: Member | Week, now: dt.datetime) -> str:
    return availability(member, now).text(now)


def member_labels(members: list[Member], now: dt.datetime, *, clock24: bool = True) -> list[str]:
    """``@raj  Thu 15:00 IST Kolkata  working, 3h30m left``: how members are shown where one is picked, in columns
    as wide as the widest."""
    handles = [f"@{m.handle}" for m in members]
    clocks = [clock_now(now, m.tz, clock24) for m in members]
    states = [status_text(m, now) for m in members]
    widths = [max(map(len, column), default=0) for column in (handles, clocks, states)]
    return [f"{handle:<{widths[0]}}  {clock:<{widths[1]}}  {state:<{widths[2]}}" for handle, clock, state in zip(handles, clocks, states)]
