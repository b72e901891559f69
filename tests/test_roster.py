"""Working hours as UTC intervals: every zone, every transition, named cases."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crewdeck.sync.state.zones import _all_zones, zone
from crewdeck.tui.time.hours import parse_hours
from crewdeck.tui.time.roster import (
    Span,
    Week,
    availability,
    day_end,
    day_exists,
    day_spans,
    format_span,
    is_working,
    member_labels,
    spans_between,
    status_text,
    week_of,
    within_hours,
    working_spans,
)
from crewdeck.tui.time.when import UTC, localize
from crewdeck.tui.workspace.workspace import Member

from .wallclock import is_fold, is_gap

ZONES = sorted(_all_zones())
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
END = dt.datetime(2038, 1, 1, tzinfo=UTC)
H = dt.timedelta(hours=1)


def member(tz: str, hours: str = "mon-fri 09:00-17:00", days_off: tuple[str, ...] = ()) -> Member:
    return Member("0" * 32, "m", "M", "", tz, parse_hours(hours), list(days_off), None)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def lengths(spans: list[Span]) -> list[dt.timedelta]:
    return [s.length for s in spans]


# ------------------------------------------------------------ every transition of every zone

_WEEK = dt.timedelta(days=7)


def _transition_in(tz_name: str, before: dt.datetime, after: dt.datetime) -> dt.datetime:
    """The first instant of the new offset, between two instants whose offsets differ (whole seconds)."""
    tz = zone(tz_name)
    first = before.astimezone(tz).utcoffset()
    low, high = int(before.timestamp()), int(after.timestamp())
    while high - low > 1:
        mid = (low + high) // 2
        if dt.datetime.fromtimestamp(mid, tz).utcoffset() == first:
            low = mid
        else:
            high = mid
    return dt.datetime.fromtimestamp(high, UTC)


def _zone_file(tz_name: str) -> bytes:
    """The TZif file the zone is read from (zoneinfo looks in TZPATH, then in the tzdata package)."""
    for root in zoneinfo.TZPATH:
        path = Path(root) / tz_name
        if path.is_file():
            return path.read_bytes()
    return files("tzdata.zoneinfo").joinpath(*tz_name.split("/")).read_bytes()


#: The changes found so far, by the zone file they were found in: some 250 of the names are another's
#: (US/Eastern is America/New_York), and the scan is most of the sweep's time.
_SCANNED: dict[bytes, tuple[tuple[dt.datetime, dt.timedelta, dt.timedelta], ...]] = {}


@cache
def transitions(tz_name: str) -> tuple[tuple[dt.datetime, dt.timedelta, dt.timedelta], ...]:
    """(instant, offset before, offset after) of the zone's changes, 1970-2037 (a weekly scan)."""
    data = _zone_file(tz_name)
    if data not in _SCANNED:
        _SCANNED[data] = _scan(tz_name)
    return _SCANNED[data]


def _scan(tz_name: str) -> tuple[tuple[dt.datetime, dt.timedelta, dt.timedelta], ...]:
    tz = zone(tz_name)
    found = []
    t = EPOCH
    prev = t.astimezone(tz).utcoffset()
    while t < END:
        nxt = t + _WEEK
        offset = nxt.astimezone(tz).utcoffset()
        if offset != prev:
            at = _transition_in(tz_name, t, nxt)
            found.append((at, prev, offset))
        prev, t = offset, nxt
    return tuple(found)


def test_every_transition_of_every_zone_follows_the_rules() -> None:
    checked = 0
    for name in ZONES:
        tz = zone(name)
        for at, before, after in transitions(name):
            checked += 1
            change = after - before
            # Just before and at the change, instants round-trip exactly.
            for t in (at - dt.timedelta(seconds=1), at + max(-change, dt.timedelta(0))):
                local = t.astimezone(tz).replace(tzinfo=None)
                assert localize(local, tz).astimezone(UTC) == t, (name, t)
            if change > dt.timedelta(0):
                # A gap: the first skipped wall time moves forward by the gap.
                wall = (at + before).replace(tzinfo=None) + dt.timedelta(minutes=1) * (change > dt.timedelta(minutes=1))
                assert is_gap(wall, tz), (name, wall)
                moved = localize(wall, tz)
                assert moved.astimezone(UTC) == wall.replace(tzinfo=UTC) - before, (name, wall)
                assert moved.replace(tzinfo=None) == wall + change
            else:
                # A fold: an instant in the repeated hour maps back to its first occurrence.
                second = at + (-change) / 2
                wall = second.astimezone(tz).replace(tzinfo=None)
                assert is_fold(wall, tz), (name, wall)
                assert localize(wall, tz).astimezone(UTC) == second + change, (name, second)
            if abs(change) <= 6 * H:
                _check_span_across(name, at, before, after)
    assert checked > 20_000  # the sweep really walked the database


def _check_span_across(name: str, at: dt.datetime, before: dt.timedelta, after: dt.timedelta) -> None:
    """A working span across the change lasts its wall length minus the change of offset."""
    margin = abs(after - before) + 2 * H
    start_wall = (at + before - margin).replace(tzinfo=None)
    end_wall = (at + after + margin).replace(tzinfo=None)
    start_min = start_wall.hour * 60 + start_wall.minute
    length_min = int((end_wall - start_wall).total_seconds() // 60)
    day = start_wall.date()
    if start_wall.second or length_min >= 24 * 60:
        return  # offsets with seconds (before 1972 in a few zones) are not whole minutes
    days = tuple(((start_min, start_min + length_min),) if d == day.weekday() else () for d in range(7))
    spans = day_spans(Week(name, days, frozenset()), day)
    assert spans == (Span(at - margin, at + margin),), (name, at)
    assert spans[0].length == dt.timedelta(minutes=length_min) - (after - before)


# ------------------------------------------------------------ properties


@st.composite
def near_transitions(draw: st.DrawFn) -> tuple[str, dt.datetime]:
    """A zone and an instant, often within hours of one of its changes."""
    name = draw(st.sampled_from(ZONES))
    found = transitions(name)
    if found and draw(st.booleans()):
        at, before, after = draw(st.sampled_from(found))
        spread = int((abs(after - before) + 2 * H).total_seconds())
        return name, at + dt.timedelta(seconds=draw(st.integers(-spread, spread)))
    seconds = draw(st.integers(0, int((END - EPOCH).total_seconds()) - 1))
    return name, EPOCH + dt.timedelta(seconds=seconds)


@settings(max_examples=400, deadline=None)
@given(near_transitions())
def test_instant_to_local_and_back(case: tuple[str, dt.datetime]) -> None:
    name, instant = case
    tz = zone(name)
    local = instant.astimezone(tz)
    wall = local.replace(tzinfo=None)
    back = localize(wall, tz)
    # A wall time someone's clock showed is never in a gap: it comes back as itself.
    assert back.replace(tzinfo=None) == wall
    if local.fold:
        # The second pass through a fold resolves to the first, earlier instant.
        assert is_fold(wall, tz)
        assert back.astimezone(UTC) < instant
        assert back.astimezone(UTC) + (back.utcoffset() - local.utcoffset()) == instant  # type: ignore[operator]
    else:
        assert back.astimezone(UTC) == instant


@st.composite
def weeks(draw: st.DrawFn) -> dict[str, list[list[str]]]:
    """Working weeks of 0-2 spans a day on a 15-minute grid; the last may cross midnight."""
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    hours: dict[str, list[list[str]]] = {}
    # Start times leave room for the previous day's crossing span (which ends by 06:00).
    for day in days:
        count = draw(st.integers(0, 2))
        cuts = sorted(draw(st.lists(st.integers(24, 95), min_size=2 * count, max_size=2 * count, unique=True)))
        spans = [[cuts[i], cuts[i + 1]] for i in range(0, len(cuts), 2)]
        if spans and draw(st.booleans()):
            spans[-1][1] = draw(st.integers(0, 24))  # crosses midnight, ends by 06:00
        if spans:
            hours[day] = [[f"{a // 4:02d}:{a % 4 * 15:02d}", f"{b // 4:02d}:{b % 4 * 15:02d}"] for a, b in spans]
    return hours


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(ZONES),
    weeks(),
    st.dates(dt.date(1970, 1, 2), dt.date(2037, 12, 1)),
    st.lists(st.integers(0, 9), max_size=3),
)
def test_working_spans_never_overlap_and_have_the_right_length(
    tz_name: str, hours: dict[str, list[list[str]]], first: dt.date, off: list[int]
) -> None:
    days_off = [(first + dt.timedelta(days=d)).isoformat() for d in off]
    m = Member("0" * 32, "m", "M", "", tz_name, hours, days_off, None)
    last = first + dt.timedelta(days=9)
    spans = working_spans(m, first, last)
    for a, b in itertools.pairwise(spans):
        assert a.end < b.start  # merged: apart, not even touching
    for s in spans:
        assert s.start.tzinfo is UTC and s.end > s.start
    tz = zone(tz_name)
    raw = []
    week = week_of(m)
    day = first
    while day <= last:
        own = day_spans(week, day)
        if day.isoformat() in days_off or not day_exists(tz_name, day):
            assert own == ()
        for (start_min, end_min), span in zip(week.days[day.weekday()], own):
            start_wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=start_min)
            end_wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=end_min)
            if not (is_gap(start_wall, tz) or is_gap(end_wall, tz)):
                # The wall length, less however much the offset moved between the two ends.
                shift = span.end.astimezone(tz).utcoffset() - span.start.astimezone(tz).utcoffset()  # type: ignore[operator]
                assert span.length == (end_wall - start_wall) - shift
        raw.extend(own)
        day += dt.timedelta(days=1)
    # The week never overlaps itself, so merging only joins touching spans.
    assert sum(lengths(spans), dt.timedelta()) == sum(lengths(raw), dt.timedelta())


# ------------------------------------------------------------ named cases


def test_half_and_quarter_hour_offsets() -> None:
    thu = dt.date(2026, 11, 26)
    assert working_spans(member("Asia/Kathmandu", "thu 10:00-17:00"), thu, thu) == [
        Span(utc(2026, 11, 26, 4, 15), utc(2026, 11, 26, 11, 15))
    ]
    assert working_spans(member("Asia/Kolkata", "thu 10:00-18:30"), thu, thu) == [Span(utc(2026, 11, 26, 4, 30), utc(2026, 11, 26, 13, 0))]
    # Chatham: +13:45 in its summer.
    assert working_spans(member("Pacific/Chatham", "thu 09:00-17:00"), thu, thu) == [
        Span(utc(2026, 11, 25, 19, 15), utc(2026, 11, 26, 3, 15))
    ]


@pytest.mark.parametrize(
    ("tz", "day", "shift", "expected"),
    [
        ("America/New_York", dt.date(2026, 11, 1), "00:00-06:00", 7),  # US fall back ...
        ("Europe/Berlin", dt.date(2026, 11, 1), "00:00-06:00", 6),  # ... a week after Europe's
        ("Europe/Berlin", dt.date(2026, 10, 25), "00:00-06:00", 7),
        ("America/New_York", dt.date(2026, 10, 25), "00:00-06:00", 6),
        ("America/New_York", dt.date(2026, 3, 8), "00:00-06:00", 5),  # spring forward
        ("Europe/Berlin", dt.date(2026, 3, 29), "00:00-06:00", 5),
        ("Australia/Sydney", dt.date(2026, 10, 4), "00:00-06:00", 5),  # southern spring
        ("Australia/Sydney", dt.date(2026, 4, 5), "00:00-06:00", 7),  # southern autumn
        ("Australia/Lord_Howe", dt.date(2026, 10, 4), "00:00-06:00", 5.5),  # a 30-minute change
        ("Pacific/Chatham", dt.date(2026, 9, 27), "02:00-08:00", 5),  # 02:45 -> 03:45 at +12:45
    ],
)
def test_a_night_shift_is_shorter_or_longer_on_dst_days(tz: str, day: dt.date, shift: str, expected: float) -> None:
    m = member(tz, f"mon-sun {shift}")
    assert lengths(working_spans(m, day, day)) == [dt.timedelta(hours=expected)]


def test_zones_whose_dst_changes_at_midnight() -> None:
    # Santiago springs from 00:00 to 01:00 on 2026-09-06: a shift starting at midnight starts at 01:00.
    spans = working_spans(member("America/Santiago", "sun 00:00-08:00"), dt.date(2026, 9, 6), dt.date(2026, 9, 6))
    assert spans == [Span(utc(2026, 9, 6, 4, 0), utc(2026, 9, 6, 11, 0))]
    assert day_exists("America/Santiago", dt.date(2026, 9, 6))
    # A late shift across that midnight loses the hour.
    late = working_spans(member("America/Santiago", "sat 22:00-02:00"), dt.date(2026, 9, 5), dt.date(2026, 9, 5))
    assert lengths(late) == [3 * H]
    # Beirut falls back from 24:00 to 23:00 on 2026-10-24: 22:00-24:00 lasts three hours.
    beirut = working_spans(member("Asia/Beirut", "sat 22:00-24:00"), dt.date(2026, 10, 24), dt.date(2026, 10, 24))
    assert lengths(beirut) == [3 * H]
    # Havana repeats 00:00-01:00 on 2026-11-01; the day's first hour is taken once, the first time.
    havana = working_spans(member("America/Havana", "sun 00:00-02:00"), dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert havana == [Span(utc(2026, 11, 1, 4, 0), utc(2026, 11, 1, 7, 0))]


def test_a_day_the_zone_skipped_has_no_hours() -> None:
    # Samoa went from -10 to +14 at the end of Thursday 2011-12-29: Friday the 30th never happened.
    apia = member("Pacific/Apia", "mon-sun 09:00-17:00")
    assert not day_exists("Pacific/Apia", dt.date(2011, 12, 30))
    spans = working_spans(apia, dt.date(2011, 12, 29), dt.date(2011, 12, 31))
    assert spans == [
        Span(utc(2011, 12, 29, 19, 0), utc(2011, 12, 30, 3, 0)),  # Thu at -10
        Span(utc(2011, 12, 30, 19, 0), utc(2011, 12, 31, 3, 0)),  # Sat at +14
    ]
    # A night shift into the missing day lasts the four hours the clocks showed.
    night = working_spans(member("Pacific/Apia", "thu 22:00-02:00"), dt.date(2011, 12, 29), dt.date(2011, 12, 31))
    assert lengths(night) == [4 * H]
    # Kwajalein skipped 1993-08-21 going from -12 to +12.
    assert not day_exists("Pacific/Kwajalein", dt.date(1993, 8, 21))
    assert working_spans(member("Pacific/Kwajalein", "mon-sun 09:00-17:00"), dt.date(1993, 8, 21), dt.date(1993, 8, 21)) == []


def test_a_day_the_zone_repeated_is_worked_once() -> None:
    # Kwajalein went from +11 to -12 on 1969-09-30: its afternoon happened twice.
    kwaj = member("Pacific/Kwajalein", "mon-sun 09:00-17:00")
    spans = working_spans(kwaj, dt.date(1969, 9, 30), dt.date(1969, 9, 30))
    assert spans == [Span(utc(1969, 9, 29, 22, 0), utc(1969, 9, 30, 6, 0))]  # at +11, the first time


def test_days_off_and_weekends() -> None:
    ana = member("Europe/Berlin", "mon-fri 09:00-17:30", ("2026-11-27",))
    assert working_spans(ana, dt.date(2026, 11, 26), dt.date(2026, 11, 30)) == [
        Span(utc(2026, 11, 26, 8, 0), utc(2026, 11, 26, 16, 30)),
        Span(utc(2026, 11, 30, 8, 0), utc(2026, 11, 30, 16, 30)),
    ]


def test_spans_across_midnight_join_the_next_days() -> None:
    night = member("UTC", "mon 22:00-24:00; tue-fri 00:00-06:00,22:00-24:00; sat 00:00-06:00")
    # Only spans starting on the days asked for: Wednesday's morning is not in.
    spans = working_spans(night, dt.date(2026, 11, 23), dt.date(2026, 11, 24))
    assert spans == [Span(utc(2026, 11, 23, 22, 0), utc(2026, 11, 24, 6, 0)), Span(utc(2026, 11, 24, 22, 0), utc(2026, 11, 25, 0, 0))]
    assert day_end(night, dt.date(2026, 11, 23)) == utc(2026, 11, 24, 6, 0)


def test_is_working_and_for_how_long() -> None:
    raj = member("Asia/Kolkata", "mon-fri 10:00-18:30")
    now = utc(2026, 11, 26, 9, 30)  # Thu 15:00 IST
    assert is_working(raj, now) and not is_working(raj, utc(2026, 11, 26, 13, 0))
    assert within_hours(raj, utc(2026, 11, 26, 13, 0)) and not within_hours(raj, utc(2026, 11, 26, 13, 1))
    assert availability(raj, now).left(now) == dt.timedelta(hours=3, minutes=30)
    assert status_text(raj, now) == "working, 3h30m left"
    friday_night = utc(2026, 11, 27, 20, 0)  # Sat 01:30 IST: back Mon 10:00 IST, 2d8h30m later
    assert status_text(raj, friday_night) == "off, back in 2d8h"
    assert status_text(member("UTC", ""), now) == "no working hours"
    assert member_labels([raj, member("UTC", "mon-fri 09:00-17:00")], now) == [
        "@m  Thu 15:00 IST Kolkata  working, 3h30m left",
        "@m  Thu 09:30 UTC          working, 7h30m left",
    ]
    assert spans_between(raj, now, now + H) == [Span(utc(2026, 11, 26, 4, 30), utc(2026, 11, 26, 13, 0))]


def test_durations_read_naturally() -> None:
    assert [format_span(dt.timedelta(minutes=m)) for m in (45, 60, 210, 24 * 60, 24 * 60 + 90)] == ["45m", "1h", "3h30m", "1d", "1d1h"]
