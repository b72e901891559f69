"""Parsing and showing times: gaps move forward, folds take the first."""

from __future__ import annotations

import datetime as dt

import pytest

from crewdeck.sync.state.zones import UnknownZoneError, zone
from crewdeck.tui.time.when import (
    SHARED_ABBREVIATIONS,
    DateError,
    WorkingDays,
    format_local,
    localize,
    parse_day,
    parse_moment_text,
    parse_utc,
    relative,
    typed_day,
    utc_iso,
    week_start,
    without_eod,
)

from .conftest import NOW, Cli
from .test_cli import one_line_error
from .wallclock import is_fold, is_gap

THU = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", THU),
        ("tomorrow", dt.date(2026, 11, 27)),
        ("fri", dt.date(2026, 11, 27)),
        ("thu", THU),
        ("next thu", dt.date(2026, 12, 3)),
        ("mon", dt.date(2026, 11, 30)),
        ("+3d", dt.date(2026, 11, 29)),
        ("+2w", dt.date(2026, 12, 10)),
        ("+1mo", dt.date(2026, 12, 26)),
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("12-01", dt.date(2026, 12, 1)),
        ("01-15", dt.date(2027, 1, 15)),
        # As people type them (issue 14): the list itself says "tmrw".
        ("tmrw", dt.date(2026, 11, 27)),
        ("dec 9", dt.date(2026, 12, 9)),
        ("9 dec", dt.date(2026, 12, 9)),
        ("December 9th", dt.date(2026, 12, 9)),
        ("nov 2", dt.date(2027, 11, 2)),  # passed this year: next year's
        ("next week", dt.date(2026, 11, 30)),  # its Monday
        ("eow", dt.date(2026, 11, 27)),  # with no one's working days: Friday
        ("eom", dt.date(2026, 11, 30)),
    ],
)
def test_days(text: str, expected: dt.date) -> None:
    assert parse_day(text, THU) == expected


def test_the_end_of_a_month_that_ends_on_a_weekend_is_its_last_friday() -> None:
    assert parse_day("eom", dt.date(2027, 1, 4)) == dt.date(2027, 1, 29)  # January 2027 ends on a Sunday
    assert parse_day("eow", dt.date(2026, 11, 29)) == dt.date(2026, 11, 27)  # on Sunday, this week's Friday has passed


def test_feb_29_is_the_nearest_leap_years_in_the_direction_read() -> None:
    """Typed on 2028-01-10, "feb 29" gone by was refused as not a real date: 2027-02-29 was tried alone, never 2024's;
    ahead, on 2027-03-01, 2028's was never looked for."""
    assert parse_day("feb 29", dt.date(2028, 1, 10), back=True) == dt.date(2024, 2, 29)
    assert parse_day("feb 29", dt.date(2027, 3, 1)) == dt.date(2028, 2, 29)
    assert parse_day("feb 29", dt.date(2028, 2, 10), back=True, soon=True) == dt.date(2028, 2, 29)


def test_a_date_without_its_year_read_back_soon_is_the_last_unless_the_next_comes_within_a_month() -> None:
    """Review rc: read as the nearer of the two, "jun 1" typed in December (spend of six months back) went a half-year
    ahead."""
    assert parse_day("dec 7", dt.date(2026, 12, 6), back=True, soon=True) == dt.date(2026, 12, 7)
    assert parse_day("nov 3", dt.date(2026, 12, 5), back=True, soon=True) == dt.date(2026, 11, 3)
    assert parse_day("jan 1", dt.date(2026, 12, 5), back=True, soon=True) == dt.date(2027, 1, 1)
    assert parse_day("jun 1", dt.date(2026, 12, 6), back=True, soon=True) == dt.date(2026, 6, 1)
    assert parse_day("jan 6", dt.date(2026, 12, 5), back=True, soon=True) == dt.date(2026, 1, 6)  # 32 days ahead: gone by
    assert parse_day("mon", dt.date(2026, 11, 26), back=True, soon=True) == dt.date(2026, 11, 23)  # a weekday: the last


def test_two_word_days_take_a_time_and_a_zone() -> None:
    m = parse_moment_text("dec 9 10:00 America/New_York", "Europe/Berlin", NOW)
    assert m.value() == {"utc": "2026-12-09T15:00:00Z", "tz": "America/New_York"} and m.has_time
    assert parse_moment_text("9 dec", "UTC", NOW).value()["utc"] == "2026-12-09T17:00:00Z"
    assert parse_moment_text("next week 9am", "UTC", NOW).value()["utc"] == "2026-11-30T09:00:00Z"


@pytest.mark.parametrize("text", ["someday", "2026-13-01", "02-30", "+3x", "fri13", "feb 30", "dec 32", "next"])
def test_bad_days_say_what_is_expected(text: str) -> None:
    with pytest.raises(DateError):
        parse_day(text, THU)


def test_a_moment_in_a_named_zone() -> None:
    m = parse_moment_text("fri 17:00 Europe/Berlin", "Asia/Kolkata", NOW)
    assert m.value() == {"utc": "2026-11-27T16:00:00Z", "tz": "Europe/Berlin"}
    assert m.has_time


def test_a_moment_defaults_to_the_given_zone_and_time() -> None:
    m = parse_moment_text("2026-12-01", "Asia/Kathmandu", NOW)
    assert m.value() == {"utc": "2026-12-01T11:15:00Z", "tz": "Asia/Kathmandu"}  # 17:00 at +05:45
    assert not m.has_time


def test_hours_from_now_are_an_instant() -> None:
    assert parse_moment_text("+3h", "Europe/Berlin", NOW).value()["utc"] == "2026-11-26T12:30:00Z"


def test_an_unknown_zone_suggests_close_ones() -> None:
    with pytest.raises(UnknownZoneError, match="Europe/Berlin"):
        parse_moment_text("fri 17:00 Europe/Berln", "UTC", NOW)


# Spring forward: Berlin skips 02:00-03:00 on 2026-03-29; New York on 2026-03-08.
@pytest.mark.parametrize(
    ("tz", "day", "wall", "expected_local"),
    [
        ("Europe/Berlin", dt.date(2026, 3, 29), dt.time(2, 30), "03:30"),
        ("America/New_York", dt.date(2026, 3, 8), dt.time(2, 15), "03:15"),
        ("Australia/Lord_Howe", dt.date(2026, 10, 4), dt.time(2, 10), "02:40"),  # a 30-minute gap
    ],
)
def test_a_time_in_the_gap_moves_forward_by_the_gap(tz: str, day: dt.date, wall: dt.time, expected_local: str) -> None:
    local = dt.datetime.combine(day, wall)
    assert is_gap(local, zone(tz))
    assert localize(local, zone(tz)).strftime("%H:%M") == expected_local


# Fall back: Berlin repeats 02:00-03:00 on 2026-10-25; New York 01:00-02:00 on 2026-11-01.
@pytest.mark.parametrize(
    ("tz", "day", "wall", "first_utc"),
    [
        ("Europe/Berlin", dt.date(2026, 10, 25), dt.time(2, 30), "2026-10-25T00:30:00Z"),
        ("America/New_York", dt.date(2026, 11, 1), dt.time(1, 30), "2026-11-01T05:30:00Z"),
    ],
)
def test_an_ambiguous_time_takes_the_first_occurrence(tz: str, day: dt.date, wall: dt.time, first_utc: str) -> None:
    local = dt.datetime.combine(day, wall)
    assert is_fold(local, zone(tz))
    assert utc_iso(localize(local, zone(tz))) == first_utc


def test_times_are_shown_with_whose_time_it_is() -> None:
    due = dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)
    assert format_local(due, "Europe/Berlin", NOW) == "tmrw 17:00 CET"
    assert format_local(due, "Asia/Kathmandu", NOW) == "tmrw 21:45 +0545"
    assert format_local(due, "America/Los_Angeles", NOW, clock24=False) == "tmrw 8:00am PST Los Angeles"


def test_an_abbreviation_two_clocks_share_names_the_city() -> None:
    due = dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)
    # Manila and Los Angeles both say PST, sixteen hours apart.
    assert format_local(due, "Asia/Manila", NOW) == "Sat 11-28 00:00 PST Manila"
    assert format_local(due, "America/Los_Angeles", NOW) == "tmrw 08:00 PST Los Angeles"
    assert format_local(due, "Africa/Lagos", NOW) == "tmrw 17:00 WAT"


def test_the_shared_abbreviations_are_the_ones_tzdata_gives_to_different_clocks() -> None:
    from collections import defaultdict
    from zoneinfo import available_timezones

    offsets: dict[str, set[dt.timedelta | None]] = defaultdict(set)
    for name in available_timezones():
        if "/" not in name or name.startswith(("Etc/", "posix/", "right/")):
            continue
        for month in (1, 7):
            local = dt.datetime(2026, month, 15, tzinfo=dt.UTC).astimezone(zone(name))
            abbrev = local.tzname() or ""
            if abbrev[:1].isalpha():
                offsets[abbrev].add(local.utcoffset())
    assert {a for a, seen in offsets.items() if len(seen) > 1} == SHARED_ABBREVIATIONS


def test_stored_instants_read_back_in_their_one_form_only() -> None:
    assert parse_utc("2026-11-26T09:30:00Z") == NOW and parse_utc(utc_iso(NOW)) == NOW
    for other in (
        "2026-11-26 09:30:00Z",
        "2026-11-26T09:30:00",
        "2026-11-26T093000.5Z",
        "2026-11-26T09:30:00+00:00",
        "2026-13-26T09:30:00Z",
        "2026-11-26T09:30:0aZ",
    ):
        with pytest.raises(ValueError):
            parse_utc(other)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(hours=3), "in 3h"),
        (dt.timedelta(days=-2, hours=-1), "2d late"),
        (dt.timedelta(seconds=20), "now"),
        (dt.timedelta(minutes=-40), "40m late"),
        (dt.timedelta(days=20), "in 2w"),
        (dt.timedelta(days=300), "in 10mo"),
        # A year and more in years: "in 24mo", "130mo late" were as long to read as the dates they stood for.
        (dt.timedelta(days=730), "in 2y"),
        (dt.timedelta(days=-4000), "10y late"),
    ],
)
def test_relative_time(delta: dt.timedelta, text: str) -> None:
    assert relative(NOW + delta, NOW) == text


def test_an_offset_in_m_asks_minutes_or_months_and_min_is_an_instant() -> None:
    # "+30m" was 30 months: a date two and a half years off, where "in 40m" is how crewdeck writes 40 minutes.
    with pytest.raises(DateError, match=r"'\+30m': minutes or months\? write \+30min \(an instant\) or \+30mo \(a day\)"):
        parse_moment_text("+30m", "UTC", NOW)
    moment = parse_moment_text("+30min", "Europe/Berlin", NOW)
    assert (moment.instant, moment.tz) == (NOW + dt.timedelta(minutes=30), "Europe/Berlin")
    with pytest.raises(DateError, match="an offset in minutes is a time, not a day"):
        parse_day("+30min", NOW.date())


def test_nothing_finished_is_late() -> None:
    # A task done a fortnight after its due date read "2w late" for ever after, as if it still were.
    assert relative(NOW - dt.timedelta(days=15), NOW, closed=True) == "2w ago"
    assert relative(NOW + dt.timedelta(hours=3), NOW, closed=True) == "in 3h"


def test_a_working_week_starts_after_its_longest_run_of_days_off() -> None:
    assert week_start([0, 1, 2, 3, 4]) == 0  # Monday to Friday
    assert week_start([6, 0, 1, 2, 3]) == 6  # Sunday to Thursday
    assert week_start([6, 0, 1, 2, 3, 4]) == 6  # Sunday to Friday
    assert week_start([1, 2, 3, 4, 5]) == 1  # Tuesday to Saturday
    assert week_start([0, 1, 2, 4, 5]) == 0  # Thursday and Sunday off, one day each: Monday first
    assert week_start([]) == week_start(range(7)) == 0


def _weekdays(worked: set[int]) -> WorkingDays:
    return lambda day: day.weekday() in worked


@pytest.mark.parametrize(
    ("worked", "first", "last"),
    [
        ({6, 0, 1, 2, 3}, dt.date(2026, 12, 6), dt.date(2026, 12, 10)),  # Sunday to Thursday (Noor, Dubai)
        ({0, 1, 2, 3, 4}, dt.date(2026, 11, 30), dt.date(2026, 12, 4)),  # Monday to Friday
        ({1, 2, 3, 4, 5}, dt.date(2026, 12, 1), dt.date(2026, 12, 5)),  # Tuesday to Saturday
        ({6, 0, 1, 2, 3}, dt.date(2026, 12, 27), dt.date(2026, 12, 31)),  # Sunday to Thursday ending on New Year's Eve
        ({0, 1, 2, 3, 4}, dt.date(2026, 12, 28), dt.date(2027, 1, 1)),  # Monday to Friday across the year's end
        ({1, 2, 3, 4, 5}, dt.date(2026, 12, 29), dt.date(2027, 1, 2)),  # Tuesday to Saturday across it
    ],
)
def test_eow_is_this_weeks_last_working_day_on_every_day_of_the_week(worked: set[int], first: dt.date, last: dt.date) -> None:
    """Each of the week's seven days: its days off after the last working day too (review rd: they were never walked),
    where eow is that day gone by, said as overdue (README)."""
    starts = week_start(worked)
    assert first.weekday() == starts
    for n in range(7):
        assert parse_day("eow", first + dt.timedelta(days=n), _weekdays(worked), starts) == last


@pytest.mark.parametrize(
    ("tz", "hours", "first", "due"),
    [
        # Berlin's clocks go back at 01:00 UTC on Sunday 2026-10-25, the first day of a Sunday-to-Thursday week.
        ("Europe/Berlin", "sun-thu 09:00-17:00", dt.date(2026, 10, 25), "2026-10-29T16:00:00Z"),
        # New York's go forward on Sunday 2027-03-14, a day off after a Monday-to-Friday week: Friday is EST's 17:00.
        ("America/New_York", "mon-fri 09:00-17:00", dt.date(2027, 3, 8), "2027-03-12T22:00:00Z"),
        # The week ahead of the change: its Friday is EDT's 17:00.
        ("America/New_York", "mon-fri 09:00-17:00", dt.date(2027, 3, 15), "2027-03-19T21:00:00Z"),
        # Across the year's end, Tokyo's week is by Tokyo's day: Monday 2027-01-04 starts while it is Sunday in UTC.
        ("Asia/Tokyo", "mon-fri 09:00-17:00", dt.date(2026, 12, 28), "2027-01-01T08:00:00Z"),
        ("Asia/Tokyo", "mon-fri 09:00-17:00", dt.date(2027, 1, 4), "2027-01-08T08:00:00Z"),
    ],
)
def test_eow_is_the_end_of_the_owners_last_working_day_at_any_hour_of_each_day_of_their_week(
    tz: str, hours: str, first: dt.date, due: str
) -> None:
    """Review rd: the clock-change and year-end cases above are days alone.  Here ``eow`` is read at the start and the
    end of each of the week's days in the owner's zone (before and after a change of clocks on one of them): it is
    always their last working day's 17:00 in the zone's offset of that day."""
    from crewdeck.tui.tasks.quickadd import parse_due

    from .test_deadlines import member

    owner = member("lena", tz, hours)
    for n in range(7):
        day = first + dt.timedelta(days=n)
        for local in (dt.time(0, 30), dt.time(23, 30)):
            now = dt.datetime.combine(day, local, zone(tz)).astimezone(dt.UTC)
            assert parse_due(["eow"], owner, "UTC", now).value() == {"utc": due, "tz": tz}, (day, local)


def test_now_is_this_instant_not_a_day_at_some_time() -> None:
    """``now`` read as ``today``: the default time (17:00) for a due, a platform's peak hour for a publish slot."""
    for text, tz in (("now", "Europe/Berlin"), ("now Asia/Tokyo", "Asia/Tokyo")):
        moment = parse_moment_text(text, "Europe/Berlin", NOW)
        assert (moment.value(), moment.has_time) == ({"utc": "2026-11-26T09:30:00Z", "tz": tz}, True)
    assert typed_day(["now"], "Europe/Berlin", NOW) is None  # an instant, as +3h is: no day typed to say a clock change of


def test_a_time_or_eod_after_an_instant_is_refused_for_what_it_is() -> None:
    """``now 17:00`` was refused as "'17:00' after the date is not a time or a zone" (it is a time), and ``now eod``
    or ``+3h eod`` was taken for the instant with eod dropped without a word."""
    for text in ("now 17:00", "+3h 5pm", "now Asia/Tokyo 17:00"):
        with pytest.raises(DateError, match=r"is an instant, which takes no time of day: give a day with the time \(today "):
            parse_moment_text(text, "Europe/Berlin", NOW)
    for words in (["now", "eod"], ["+3h", "eod"]):
        with pytest.raises(DateError, match="eod is a time of its own: give eod or an instant"):
            without_eod(words)
    assert without_eod(["fri", "eod"]) == ["fri"] and without_eod(["eod"]) == ["today"]


def test_a_city_after_the_date_is_refused_with_its_zone(cli: Cli) -> None:
    """``mon 9am london`` was refused as "'london' after the date is not a time or a zone", the zone left to find."""
    with pytest.raises(DateError, match=r"^'london' after the date is not a time or a zone \(did you mean Europe/London\?\)$"):
        parse_moment_text("mon 9am london", "Australia/Sydney", NOW)
    with pytest.raises(DateError, match=r"^'office' after the date is not a time or a zone$"):
        parse_moment_text("mon 9am office", "Australia/Sydney", NOW)
    with pytest.raises(DateError, match=r"^'new york' after the date is not a time or a zone \(did you mean America/New_York\?\)$"):
        parse_moment_text("fri new york", "Australia/Sydney", NOW)  # a city of two words (review rb)
    task = cli.ok("add", "Call with raj").strip()
    refused = one_line_error(cli("set", task, "due=fri 09:00 Kolkata"))
    assert refused == "crewdeck: error: due: 'Kolkata' after the date is not a time or a zone (did you mean Asia/Kolkata?)\n"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("tomorrow at 3pm", "2026-11-27T14:00:00Z"),
        ("2pm tomorrow", "2026-11-27T13:00:00Z"),
        ("2 pm tomorrow", "2026-11-27T13:00:00Z"),
        ("fri at 15", "2026-11-27T14:00:00Z"),  # an hour alone after "at" that the 24-hour clock says: 15:00
        ("fri at 0", "2026-11-26T23:00:00Z"),
        ("fri at 9am", "2026-11-27T08:00:00Z"),
        ("next fri 10am", "2026-11-27T09:00:00Z"),
        ("10am next fri", "2026-11-27T09:00:00Z"),
        ("dec 9 at 17:30", "2026-12-09T16:30:00Z"),
        ("5pm dec 9 America/New_York", "2026-12-09T22:00:00Z"),
        ("tomorrow at 3 pm Asia/Kolkata", "2026-11-27T09:30:00Z"),
    ],
)
def test_a_day_and_time_in_the_orders_people_type_them(text: str, utc: str) -> None:
    """Todoist and Things read these; only "tomorrow 3pm", day first and no "at", was read here."""
    assert parse_moment_text(text, "Europe/Berlin", NOW).value()["utc"] == utc


@pytest.mark.parametrize("text", ["fri at the office", "3pm march", "fri at 25", "at 3pm", "3pm eod"])
def test_words_that_only_look_like_a_day_and_time_are_still_refused(text: str) -> None:
    with pytest.raises(DateError):
        parse_moment_text(text, "Europe/Berlin", NOW)


def test_an_hour_alone_after_at_that_says_no_half_of_the_day_is_refused_never_guessed() -> None:
    """Review rc: "fri at 3" was read as 03:00, said nowhere, where most mean 3pm."""
    with pytest.raises(DateError, match=r"^'at 3' says no half of the day: write at 3am, at 3pm or at 15:00$"):
        parse_moment_text("fri at 3", "Europe/Berlin", NOW)
    with pytest.raises(DateError, match=r"^'at 12' says no half of the day: write at 12am, at 12pm or at 12:00$"):
        parse_moment_text("tomorrow at 12", "Europe/Berlin", NOW)
