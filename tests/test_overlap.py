"""The overlap planner and `crewdeck zones`: hand-checked teams."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crewdeck.tui.time import overlap
from crewdeck.tui.time.hours import parse_hours
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Member

from .conftest import Cli, on_a_terminal
from .test_cli import one_line_error

UTC = dt.UTC


def member(handle: str, tz: str, hours: str) -> Member:
    return Member(handle.ljust(32, "0"), handle, handle.title(), "", tz, parse_hours(hours), [], None)


ANA = member("a", "Europe/Berlin", "mon-fri 09:00-17:30")
SOFIA = member("b", "America/New_York", "mon-fri 10:00-18:00")


def starts(slots: list[overlap.Slot]) -> list[str]:
    return [s.start.strftime("%m-%d %H:%M") for s in slots]


def run(required: list[Member], first: dt.date, days: int, minutes: int, tz: str = "UTC", **kw: object) -> list[overlap.Slot]:
    start, end = overlap.day_range(first, days, tz)
    return overlap.plan(required, kw.pop("optional", []), dt.timedelta(minutes=minutes), start, end, tz, **kw)  # type: ignore[arg-type]


def test_berlin_and_new_york_meet_in_the_new_york_morning() -> None:
    # Both on standard time: Berlin 16:00-17:30 is New York 10:00-11:30, 15:00-16:30 UTC.
    # An hour-long call sits best in the middle: 15:15-16:15 UTC, one a day.
    slots = run([ANA, SOFIA], dt.date(2026, 11, 30), 5, 60, limit=5)
    assert starts(slots) == ["11-30 15:15", "12-01 15:15", "12-02 15:15", "12-03 15:15", "12-04 15:15"]
    assert {s.tier for s in slots} == {0} and slots[0].score == 98.7
    assert [(seat.member.handle, seat.status, seat.local_start.strftime("%H:%M")) for seat in slots[0].seats] == [
        ("a", "in", "16:15"),
        ("b", "in", "10:15"),
    ]


def test_across_a_dst_change_in_one_zone_only() -> None:
    # 2026-10-25 Europe fell back, New York not until 2026-11-01: for that week
    # Berlin is five hours ahead and the overlap is 14:00-16:30 UTC (best hour 14:45);
    # from Monday 11-02 it is six hours again, 15:00-16:30 UTC (best hour 15:15).
    slots = run([ANA, SOFIA], dt.date(2026, 10, 29), 6, 60, limit=4)
    assert starts(slots) == ["10-29 14:45", "10-30 14:45", "11-02 15:15", "11-03 15:15"]
    # The same wall-clock hour in New York, a different one in Berlin.
    assert [s.seats[1].local_start.strftime("%H:%M %Z") for s in slots] == ["10:45 EDT", "10:45 EDT", "10:15 EST", "10:15 EST"]
    assert [s.seats[0].local_start.strftime("%H:%M %Z") for s in slots] == ["15:45 CET", "15:45 CET", "16:15 CET", "16:15 CET"]
    assert all(s.tier == 0 for s in slots)


def test_quarter_hour_zones_and_variety_across_days() -> None:
    bina = member("c", "Asia/Kathmandu", "sun-thu 10:00-17:00")  # 04:15-11:15 UTC
    raj = member("d", "Asia/Kolkata", "mon-fri 10:00-18:30")  # 04:30-13:00 UTC
    slots = run([bina, raj], dt.date(2026, 11, 30), 5, 30, limit=6)
    # Two hours clear of both edges from 06:30 UTC (12:15 NPT, 12:00 IST): each
    # weekday they share comes before a second slot of the same day.
    assert starts(slots) == ["11-30 06:30", "12-01 06:30", "12-02 06:30", "12-03 06:30", "11-30 07:00", "12-01 07:00"]
    assert slots[0].seats[0].local_start.strftime("%H:%M") == "12:15"
    # Friday: Bina's weekend. Nothing on Friday is in everyone's hours.
    friday = run([bina, raj], dt.date(2026, 12, 4), 1, 30, limit=1)
    assert friday[0].tier == 2 and friday[0].seats[0].status == "out"


def test_stretching_beats_outside_and_optional_members_only_refine() -> None:
    early = member("e", "America/Los_Angeles", "mon-fri 09:00-17:00")
    kathmandu = member("f", "Asia/Kathmandu", "mon-fri 09:00-17:00")
    # No overlap at all: Monday 17:00 PST is Tuesday 06:45 NPT (01:00 UTC). Both stretching by 2h45m between
    # them (17:15 PST, 07:00 NPT) asks two people; the best asks one: Kathmandu's 09:00 is 19:15 in Los Angeles,
    # a day 2h45m longer there (a 2-hour limit made that "outside" once, below both stretching).
    slots = run([early, kathmandu], dt.date(2026, 11, 30), 2, 30, limit=3)
    assert starts(slots)[0] == "12-01 03:15" and slots[0].tier == 1
    assert [s.status for s in slots[0].seats] == ["stretch", "in"]
    assert slots[0].why == "2h45m late for @e"
    assert 35 <= slots[0].score < 70
    with_optional = run([ANA], dt.date(2026, 11, 30), 1, 60, optional=[SOFIA], limit=1)
    # The optional member pulls the slot to where they can come, without changing the tier.
    assert with_optional[0].tier == 0 and [s.status for s in with_optional[0].seats] == ["in", "in"]


def wall(day: str, clock: str, tz: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def test_out_of_hours_slots_cost_by_how_far_and_the_night() -> None:
    """Every slot outside a member's hours ranked alike (“out”, 10 points): 03:00 came before 06:30 for someone who
    starts at 09:00.  Now the cost is how far their day is stretched, its night hours (22:00-07:00) the most."""
    night = overlap.plan(
        [ANA],
        [],
        dt.timedelta(minutes=30),
        wall("2026-12-01", "02:00", "Europe/Berlin"),
        wall("2026-12-01", "07:00", "Europe/Berlin"),
        "Europe/Berlin",
        limit=4,
    )
    assert [s.start.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") for s in night] == ["06:30", "06:00", "05:30", "05:00"]
    assert [s.why for s in night] == [f"{h} early (night) for @a" for h in ("2h30m", "3h", "3h30m", "4h")]
    assert [(s.seats[0].outside, s.seats[0].night) for s in night[:2]] == [
        (dt.timedelta(hours=2, minutes=30), dt.timedelta(minutes=30)),
        (dt.timedelta(hours=3), dt.timedelta(hours=1)),
    ]
    assert all(s.tier == 2 and s.seats[0].status == "out" for s in night)
    # By day, however far: 20:00 is 3 hours past Ana's 17:30 end, early or late as the world clocks say it.
    evening = run([ANA], dt.date(2026, 12, 1), 1, 30, tz="Europe/Berlin", not_before=wall("2026-12-01", "20:00", "Europe/Berlin"))
    assert evening[0].why == "3h late for @a" and evening[0].tier == 1 and evening[0].seats[0].away == overlap.LATE
    # Saturday: a day off (more than 12 hours from her Friday and her Monday), costing as four hours of her night.
    saturday = run([ANA], dt.date(2026, 12, 5), 1, 30, tz="Europe/Berlin", not_before=wall("2026-12-05", "11:00", "Europe/Berlin"))
    assert saturday[0].why == "day off for @a" and saturday[0].seats[0].away == overlap.DAY_OFF and saturday[0].tier == 2
    assert night[0].penalty < saturday[0].penalty < night[3].penalty


def test_the_night_is_as_long_as_the_clocks_make_it() -> None:
    """On the night New York springs forward (Sun 2026-03-08, 02:00 EST → 03:00 EDT) 01:00 is 7 hours before 09:00,
    5 of them night; a week before it was 8 and 6."""
    sunday = member("s", "America/New_York", "sun 09:00-17:00")
    for day, hours, night in (("2026-03-01", 8, 6), ("2026-03-08", 7, 5)):
        start = wall(day, "01:00", "America/New_York")
        slot = overlap.plan([sunday], [], dt.timedelta(minutes=30), start, start + dt.timedelta(minutes=30), "America/New_York")[0]
        assert (slot.seats[0].outside, slot.seats[0].night) == (dt.timedelta(hours=hours), dt.timedelta(hours=night))
        assert slot.why == f"{hours}h early (night) for @s"
    # Its 08:30 is 30 minutes early, and by day: the shorter night is over at 07:00 EDT as any other.
    start = wall("2026-03-08", "08:30", "America/New_York")
    slot = overlap.plan([sunday], [], dt.timedelta(minutes=30), start, start + dt.timedelta(minutes=30), "America/New_York")[0]
    assert slot.why == "30m early for @s" and slot.tier == 1


def test_a_slot_over_lunch_is_in_a_break_not_late() -> None:
    """Kemi works 09:00-12:30 and 13:30-18:00 in Lagos: 12:00-13:00 was "30m late for @kemi", as if her day ended."""
    kemi = member("k", "Africa/Lagos", "mon-fri 09:00-12:30,13:30-18:00")
    whys = []
    for clock in ("12:00", "12:45", "17:30"):
        start = wall("2026-12-01", clock, "Africa/Lagos")
        (slot,) = overlap.plan([kemi], [], dt.timedelta(hours=1), start, start + dt.timedelta(hours=1), "Africa/Lagos")
        whys.append((slot.why, slot.seats[0].status))
    assert whys == [("30m in a break for @k", "stretch"), ("45m in a break for @k", "stretch"), ("30m late for @k", "stretch")]


def test_a_slot_over_lunch_and_past_the_day_says_each_part() -> None:
    """A slot over Kemi's lunch and past an edge of her day read as if her day were stretched across the break:
    12:00-19:00 was "2h30m early" (an hour in her break and an hour late), 08:00-13:00 "1h30m early" (an hour early
    and half an hour in her break), and the break cost as stretching her day."""
    kemi = member("k", "Africa/Lagos", "mon-fri 09:00-12:30,13:30-18:00")
    seen = {}
    for first, last in (("12:00", "19:00"), ("08:00", "13:00"), ("08:00", "19:00"), ("12:00", "23:00")):
        start, end = wall("2026-12-01", first, "Africa/Lagos"), wall("2026-12-01", last, "Africa/Lagos")
        (slot,) = overlap.plan([kemi], [], end - start, start, end, "Africa/Lagos")
        seen[first, last] = slot
    assert [slot.why for slot in seen.values()] == [
        "1h in a break and 1h late for @k",
        "1h early and 30m in a break for @k",
        "1h early, 1h in a break and 1h late for @k",
        "1h in a break and 5h late (night) for @k",  # 22:00-23:00 is her night
    ]
    hour = dt.timedelta(hours=1)
    assert seen["12:00", "19:00"].seats[0].parts == ((overlap.BREAK, hour, dt.timedelta()), (overlap.LATE, hour, dt.timedelta()))
    assert [(s.seats[0].outside, s.seats[0].night, s.tier) for s in seen.values()] == [
        (2 * hour, dt.timedelta(), 1),
        (hour * 1.5, dt.timedelta(), 1),
        (3 * hour, dt.timedelta(), 1),
        (6 * hour, hour, 2),
    ]
    # The cost is the two hours she gives, not two and a half: as a slot of an hour late and an hour in the break.
    assert seen["12:00", "19:00"].penalty == 3 + 2 * overlap.HOUR_COST + overlap.EDGE_COST
    assert seen["12:00", "19:00"].as_json()["members"][0]["outside"] == [  # type: ignore[index]
        {"how": "in a break", "minutes": 60, "night_minutes": 0},
        {"how": "late", "minutes": 60, "night_minutes": 0},
    ]


def test_a_member_with_no_hours_set_is_spared_their_night() -> None:
    """A member who set no hours was "out" (later "day off") at every slot alike: with Sofia in New York the
    planner offered 02:00 in Tokyo as readily as 19:00."""
    tokyo = member("z", "Asia/Tokyo", "")
    slots = run([tokyo, SOFIA], dt.date(2026, 11, 30), 1, 30, tz="America/New_York", limit=10)
    assert all(7 <= s.seats[0].local_start.hour < 22 for s in slots), [s.seats[0].local_start for s in slots]
    assert slots[0].why == "no hours set for @z" and slots[0].tier == 1 and slots[0].seats[0].status == "stretch"
    start = wall("2026-11-30", "12:00", "America/New_York")  # 02:00 in Tokyo
    (night,) = overlap.plan([tokyo], [], dt.timedelta(minutes=30), start, start + dt.timedelta(minutes=30), "UTC")
    assert night.why == "no hours set (night) for @z" and night.tier == 2


def test_fairness_moves_the_bad_side_to_whoever_had_less_of_it() -> None:
    x = member("x", "UTC", "mon-fri 09:00-12:00")
    y = member("y", "UTC", "mon-fri 12:00-15:00")
    # 11:00-12:00 (y stretches) and 12:00-13:00 (x stretches) are equally good ...
    plain = run([x, y], dt.date(2026, 11, 30), 1, 60, limit=2)
    assert starts(plain) == ["11-30 11:00", "11-30 12:00"]
    # ... until y has stretched for a recent meeting.
    fair = run([x, y], dt.date(2026, 11, 30), 1, 60, limit=3, burden={y.id: 1})
    assert starts(fair)[:2] == ["11-30 12:00", "11-30 13:00"]  # x stretches, even by two hours
    assert fair[0].score > fair[1].score


def test_a_search_is_read_from_what_a_person_typed() -> None:
    now = dt.datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # already Friday in Berlin
    question = overlap.read_search([ANA], [SOFIA], "1h30m", "", 3, "Europe/Berlin", now)
    assert question == overlap.Search((ANA,), (SOFIA,), 90, dt.date(2026, 11, 27), 3, "Europe/Berlin")
    assert overlap.read_search([ANA], [], "45m", "mon", 1, "UTC", now).first == dt.date(2026, 11, 30)
    # next week is the asker's when they are to meet: Monday for a week of Monday to Friday, Sunday for one of Sunday to
    # Thursday (it was Monday), required or optional.
    assert overlap.read_search([ANA], [], "45m", "next week", 1, "UTC", now, asker=ANA).first == dt.date(2026, 11, 30)
    noor = Member("noor".ljust(32, "0"), "noor", "Noor", "", "Asia/Dubai", parse_hours("sun-thu 09:00-17:00"), [], None)
    assert overlap.read_search([ANA, noor], [], "45m", "next week", 1, "UTC", now, asker=noor).first == dt.date(2026, 11, 29)
    assert overlap.read_search([ANA], [noor], "45m", "next week", 1, "UTC", now, asker=noor).first == dt.date(2026, 11, 29)
    # Review rd: asking for others, it is the first required member's week, not the asker's (noor's Sunday was before
    # ana's week began); with nobody asking, too.
    assert overlap.read_search([ANA], [], "45m", "next week", 1, "UTC", now, asker=noor).first == dt.date(2026, 11, 30)
    assert overlap.read_search([noor, ANA], [], "45m", "next week", 1, "UTC", now, asker=SOFIA).first == dt.date(2026, 11, 29)
    assert overlap.read_search([ANA], [], "45m", "next week", 1, "UTC", now).first == dt.date(2026, 11, 30)
    problems = [
        ("soon", "", 7, [ANA], [], "duration: 'soon' is not a duration"),
        ("2m", "", 7, [ANA], [], "duration: '2m' must be between 5m and 24h"),
        ("30m", "", 63, [ANA], [], "days: 63 must be between 1 and 62"),
        ("30m", "someday", 7, [ANA], [], "from: 'someday'"),
        ("30m", "", 7, [], [SOFIA], "name at least one required member"),
        ("30m", "", 7, [ANA], [ANA], "@a is named twice"),
    ]
    for duration, first, days, required, optional, problem in problems:
        with pytest.raises(UserError) as raised:
            overlap.read_search(required, optional, duration, first, days, "UTC", now)
        assert str(raised.value).startswith(problem)


def test_slots_read_in_the_planners_zone_and_each_members() -> None:
    slot = run([ANA, SOFIA], dt.date(2026, 11, 30), 1, 60, limit=1)[0]
    assert overlap.when_text(slot, "Europe/Berlin") == "Mon 11-30 16:15-17:15"
    assert overlap.when_text(slot, "Europe/Berlin", clock24=False) == "Mon 11-30 4:15pm-5:15pm"
    assert overlap.seat_headers(slot) == ["@a", "@b"]
    assert overlap.seat_texts(slot, "Europe/Berlin") == ["16:15 CET ✓", "10:15 EST ✓"]


def test_a_slot_at_a_time_the_clocks_repeat_says_which() -> None:
    """London's 01:00-02:00 happens twice on 2027-10-31, Lord Howe's 01:30-02:00 on 2027-04-04: "01:00-01:00" was
    an hour said as none, and the two slots that start at 01:00 read alike."""

    def when(start: str, minutes: int, tz: str, **kw: bool) -> str:
        at = dt.datetime.fromisoformat(start)
        return overlap.when_text(overlap.Slot(at, at + dt.timedelta(minutes=minutes), 0, 0.0, ()), tz, **kw)

    london = "Europe/London"
    assert when("2027-10-31T00:00+00:00", 60, london) == "Sun 10-31 01:00 BST to 01:00 GMT"
    assert when("2027-10-31T01:00+00:00", 60, london) == "Sun 10-31 01:00-02:00 GMT"
    assert when("2027-10-30T23:30+00:00", 60, london) == "Sun 10-31 00:30-01:30 BST"
    assert when("2027-10-31T00:00+00:00", 60, london, clock24=False) == "Sun 10-31 1:00am BST to 1:00am GMT"
    assert when("2027-04-03T14:30+00:00", 30, "Australia/Lord_Howe") == "Sun 04-04 01:30 +11 to 01:30 +1030"
    assert when("2027-04-03T15:00+00:00", 30, "Australia/Lord_Howe") == "Sun 04-04 01:30-02:00 +1030"
    # Times shown once stay as they were, whose time the table's header says; --book's line says it always.
    assert when("2027-10-31T02:00+00:00", 60, london) == "Sun 10-31 02:00-03:00"
    assert when("2027-10-31T02:00+00:00", 60, london, labelled=True) == "Sun 10-31 02:00-03:00 GMT"
    assert when("2027-11-07T12:00+00:00", 60, "America/Los_Angeles", labelled=True) == "Sun 11-07 04:00-05:00 PST Los Angeles"
    assert when("2027-11-07T08:00+00:00", 60, "America/Los_Angeles") == "Sun 11-07 01:00 PDT to 01:00 PST Los Angeles"


def test_overlap_book_says_a_slot_across_the_fall_back_on_both_clocks(cli: Cli) -> None:
    cli.ok("member", "set", "raj", "--tz", "Europe/London", "--hours", "sun 00:00-04:00")
    search = ("overlap", "raj", "--from", "2027-10-31", "--days", "1", "--duration", "60m", "--zone", "Europe/London")
    starts = [slot["start"] for slot in json.loads(cli.ok(*search, "--json"))]
    pick = str(starts.index("2027-10-31T00:00:00Z") + 1)
    booked = cli.ok(*search, "--book", "Night shift", "--pick", pick)
    assert booked.split(" ", 2)[2] == "'Night shift' Sun 10-31 01:00 BST to 01:00 GMT (2027-10-31T00:00:00Z)\n"
    assert "Sun 10-31 01:00 BST to 01:00 GMT" not in cli.ok(*search)  # booked: its slot is taken
    booked = cli.ok(*search, "--book", "Sync")
    assert booked.split(" ", 2)[2] == "'Sync' Sun 10-31 01:00-02:00 GMT (2027-10-31T01:00:00Z)\n"


def test_a_members_start_on_another_day_than_the_slots_says_its_day() -> None:
    """Across the date line the planner put Saturday 08:00 in Kiritimati beside '07:00 SST' for a member in
    Pago Pago, whose 07:00 is Friday's: a member's start on another date than the slot's (in the planner's
    zone) gives its weekday."""
    pago = member("p", "Pacific/Pago_Pago", "fri 07:00-07:30")
    slot = run([pago], dt.date(2026, 12, 4), 1, 30, limit=1)[0]
    assert slot.start.astimezone(dt.UTC).date() == dt.date(2026, 12, 4)
    assert overlap.seat_texts(slot, "Pacific/Pago_Pago") == ["07:00 SST ✓"]
    assert overlap.seat_texts(slot, "Pacific/Kiritimati") == ["Fri 07:00 SST ✓"]


# ------------------------------------------------------------ the command line


def test_overlap_json_is_slots_best_first(cli: Cli) -> None:
    cli.ok("member", "add", "sofia", "--name", "Sofia", "--tz", "America/New_York", "--hours", "mon-fri 10:00-18:00")
    out = json.loads(cli.ok("overlap", "ana", "sofia", "--duration", "1h", "--from", "2026-11-30", "--days", "5", "--json"))
    # ana works 09:00-17:00 Berlin: the overlap is 15:00-16:00 UTC, exactly one hour.
    assert [s["start"] for s in out][:5] == [f"2026-{d}T15:00:00Z" for d in ("11-30", "12-01", "12-02", "12-03", "12-04")]
    first = out[0]
    assert first["end"] == "2026-11-30T16:00:00Z" and first["score"] == 98.6  # 100 - 30 * 0.5 / 10.5: no margin at either edge
    assert first["members"] == [
        {"handle": "ana", "tz": "Europe/Berlin", "required": True, "status": "in", "local_start": "2026-11-30T16:00:00+01:00"}
        | {"why": "", "minutes_outside": 0, "night_minutes": 0, "outside": []},
        {"handle": "sofia", "tz": "America/New_York", "required": True, "status": "in", "local_start": "2026-11-30T10:00:00-05:00"}
        | {"why": "", "minutes_outside": 0, "night_minutes": 0, "outside": []},
    ]
    assert first["why"] == ""
    assert [s["score"] for s in out] == sorted((s["score"] for s in out), reverse=True)
    text = cli.ok("overlap", "ana", "sofia", "--optional", "raj", "--duration", "1h", "--from", "mon", "--days", "1")
    assert "Mon 11-30 16:00-17:00" in text and "10:00 EST ✓" in text and "@raj?" in text
    header, first = text.splitlines()[1:3]
    assert header.split()[-1] == "WHY" and first.endswith("20:30 IST ~      3h late for @raj")  # his day ends at 18:30


def test_overlap_from_next_week_is_the_week_of_those_asked_about(cli: Cli) -> None:
    """Review rd: noor, of a Sunday-to-Thursday week, asking for raj and ana (Monday to Friday) from "next week" was
    given Sunday, a day neither works, and found them no slot; her own next week is hers when she is to meet."""
    cli.ok("member", "add", "noor", "--name", "Noor", "--tz", "Asia/Dubai", "--hours", "sun-thu 09:00-17:00")
    for_others = cli("overlap", "raj", "ana", "--from", "next week", "--days", "1", "--zone", "UTC", as_member="noor")
    assert (for_others.code, for_others.out.split("\n")[0]) == (0, "30m slots for @raj @ana, Mon 11-30 to Mon 11-30, best first")
    with_her = cli("overlap", "raj", "--optional", "noor", "--from", "next week", "--days", "1", "--zone", "UTC", as_member="noor")
    assert with_her.out.startswith("30m slots for @raj, Sun 11-29 to Sun 11-29"), with_her.out


def test_booked_meetings_make_the_planner_fair(cli: Cli) -> None:
    cli.ok("member", "add", "x", "--name", "X", "--tz", "UTC", "--hours", "mon-fri 09:00-12:00")
    cli.ok("member", "add", "y", "--name", "Y", "--tz", "UTC", "--hours", "mon-fri 12:00-15:00")
    monday = ["overlap", "x", "y", "--duration", "1h", "--from", "2026-11-30", "--days", "1", "--zone", "UTC", "--json"]
    assert json.loads(cli.ok(*monday))[0]["start"] == "2026-11-30T11:00:00Z"  # y stretches
    booked = json.loads(
        cli.ok("overlap", "x", "y", "--duration", "1h", "--from", "fri", "--days", "1", "--zone", "UTC", "--book", "Sync", "--json")
    )
    assert booked["start"] == "2026-11-27T11:00:00Z"
    task = json.loads(cli.ok("tasks", "--json"))[0]
    assert (task["title"], task["tags"], task["due"]) == ("Sync", ["meeting"], {"utc": "2026-11-27T11:00:00Z", "tz": "UTC"})
    # y took the bad side on Friday: on Monday it is x's turn.
    assert json.loads(cli.ok(*monday))[0]["start"] == "2026-11-30T12:00:00Z"
    cli.ok(
        "overlap", "x", "y", "--duration", "1h", "--from", "2026-11-30", "--days", "1", "--zone", "UTC", "--book", "Sync 2", "--pick", "1"
    )
    tuesday = ["overlap", "x", "y", "--duration", "1h", "--from", "2026-12-01", "--days", "1", "--zone", "UTC", "--json"]
    assert json.loads(cli.ok(*tuesday))[0]["start"] == "2026-12-01T11:00:00Z"  # even again
    second = next(t for t in json.loads(cli.ok("tasks", "--json")) if t["title"] == "Sync 2")
    cli.ok("set", second["id"], "status=cancelled")  # a cancelled meeting asked nothing of x
    assert json.loads(cli.ok(*tuesday))[0]["start"] == "2026-12-01T12:00:00Z"


def test_overlap_bad_inputs(cli: Cli) -> None:
    before = cli.ok("export")
    assert "unknown member @nobody" in one_line_error(cli("overlap", "ana", "nobody"))
    assert "--duration: 'soon' is not a duration" in one_line_error(cli("overlap", "ana", "raj", "--duration", "soon"))
    assert "between 5m and 24h" in one_line_error(cli("overlap", "ana", "raj", "--duration", "2m"))
    assert "--days: 0" in one_line_error(cli("overlap", "ana", "raj", "--days", "0"))
    assert "--from: 'someday'" in one_line_error(cli("overlap", "ana", "raj", "--from", "someday"))
    assert "did you mean Asia/Tokyo" in one_line_error(cli("overlap", "ana", "raj", "--zone", "Asia/Tokio"))
    assert "named twice" in one_line_error(cli("overlap", "ana", "raj", "--optional", "raj"))
    assert "--pick: 40" in one_line_error(cli("overlap", "ana", "raj", "--book", "Sync", "--pick", "40"))
    assert "needs a title" in one_line_error(cli("overlap", "ana", "raj", "--book", " "))
    # --pick alone listed the slots and booked none, exit 0: a script's "book the second" did nothing.
    for pick in (["--pick", "2"], ["--pick", "2", "--json"]):
        assert "--pick: picks the slot --book books" in one_line_error(cli("overlap", "ana", "raj", *pick))
    assert cli.ok("export") == before


def test_on_an_80_column_terminal_a_long_why_goes_on_to_more_lines_not_cut(cli: Cli, tmp_path: Path) -> None:
    """Under each slot the why was cut to the line: "... 30m early and 1h in a bre…", whom it asks lost."""
    cli.ok("member", "add", "kemi", "--name", "Kemi", "--tz", "Africa/Lagos", "--hours", "mon-fri 09:00-12:30,13:30-18:00")
    cli.ok("member", "add", "leo", "--name", "Leo", "--tz", "America/Los_Angeles", "--hours", "mon-fri 08:00-16:30")
    args = ("overlap", "leo", "kemi", "raj", "--duration", "9h", "--from", "2026-12-07", "--days", "1", "--zone", "Africa/Lagos")
    whys = [slot["why"] for slot in json.loads(cli.ok(*args, "--json"))]
    lines = on_a_terminal(cli, tmp_path, 80, *args, "--limit", "1")
    assert all(len(line) <= 80 for line in lines), lines
    under = [line for line in lines[3:] if line.startswith("   ")]
    assert len(under) > 1 and " ".join(line.strip() for line in under) == whys[0]
    assert "in a break for @kemi" in whys[0]


def test_zones_lists_who_is_working_now(cli: Cli) -> None:
    cli.ok("member", "add", "leo", "--name", "Leo", "--tz", "America/Los_Angeles")
    # 09:30 UTC on Thursday: ana 10:30 CET (till 17:00), raj 15:00 IST (till 18:30), leo 01:30 PST.
    rows = json.loads(cli.ok("zones", "--json"))
    assert [(r["handle"], r["working"], r["minutes"]) for r in rows] == [("ana", True, 390), ("raj", True, 210), ("leo", False, 450)]
    assert rows[1]["local"] == "2026-11-26T15:00:00+05:30" and rows[1]["until"] == "2026-11-26T13:00:00Z"
    text = cli.ok("zones")
    assert "@raj    Asia/Kolkata" in text and "Thu 15:00 IST  +05:30  working, 3h30m left" in text
    assert "off, back in 7h30m" in text


def test_the_legend_says_the_hours_of_the_day_on_the_readers_clock(cli: Cli, tmp_path: Path) -> None:
    """With the 12-hour setting on, the slots said "8:00pm" and the legend "early or late (07:00-22:00 local)"."""
    config = tmp_path / "twelve.toml"
    config.write_text('time_format = "12h"\n')
    said = cli.ok("--config", str(config), "overlap", "ana", "raj", "--limit", "1")
    assert "~ early or late (7:00am-10:00pm local)" in said and "22:00" not in said
    assert "~ early or late (07:00-22:00 local)" in cli.ok("overlap", "ana", "raj", "--limit", "1")


def test_on_an_80_column_terminal_the_members_clocks_leave_out_their_zones_to_fit(cli: Cli, tmp_path: Path) -> None:
    """Four members from four zones wrapped each row at 80 columns (“11:15 -0” then “3 ✓” on a line of its own)."""
    cli.ok("member", "add", "kenji", "--name", "Kenji", "--tz", "Asia/Tokyo")
    cli.ok("member", "add", "nina", "--name", "Nina", "--tz", "America/New_York")
    lines = on_a_terminal(cli, tmp_path, 80, "overlap", "ana", "raj", "kenji", "nina", "--limit", "2")
    assert all(len(line) <= 80 for line in lines), lines  # the legend too: it broke "⊘" from its words
    assert lines[-2:] == [
        "✓ in working hours   ~ early or late (07:00-22:00 local)   ✗ night or day off",
        "⊘ in a booked meeting   ? optional",
    ]
    header, first, why = lines[1], lines[2], lines[3]
    assert header.split()[-4:] == ["@ana", "@raj", "@kenji", "@nina"]
    seats = first.split()[5:]  # after "#", the day, the times and the score: each member's clock and mark
    assert " CET " not in first and " JST " not in first and all(mark in "✓~✗" for mark in seats[1::2]), first
    # Why the slot costs what it does, on a line of its own under the slot's times: no room is left beside them.
    assert why.startswith("   ") and why.lstrip()[0].isdigit() and " for @" in why, why
    wide = on_a_terminal(cli, tmp_path, 160, "overlap", "ana", "raj", "kenji", "nina", "--limit", "2")
    assert " CET " in wide[2] and " JST " in wide[2] and wide[1].split()[-1] == "WHY" and why.strip() in wide[2]
