"""Deadlines in context, "end of day", publish slots and the draft due they imply."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crewdeck.tui.session.session import Session
from crewdeck.tui.tasks.deadlines import draft_due, due_in_context, due_outside_hours, end_of_day
from crewdeck.tui.tasks.quickadd import parse_due
from crewdeck.tui.time.hours import parse_hours
from crewdeck.tui.time.when import DateError
from crewdeck.tui.workspace.config import DEFAULT_PEAK_HOURS
from crewdeck.tui.workspace.workspace import Member

from .conftest import NOW, Cli
from .test_cli import one_line_error

UTC = dt.UTC


def member(handle: str, tz: str, hours: str) -> Member:
    return Member(handle.ljust(32, "0"), handle, handle.title(), "", tz, parse_hours(hours), [], None)


RAJ = member("raj", "Asia/Kolkata", "mon-fri 10:00-18:30")
ANA = member("ana", "Europe/Berlin", "mon-fri 09:00-17:30")
MIA = member("mia", "Asia/Manila", "mon-fri 09:00-18:00")
NIGHT = member("nia", "UTC", "mon-fri 22:00-06:00")


def test_a_due_in_every_zone_that_matters() -> None:
    due = dt.datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # Fri 17:00 in Berlin
    readings = due_in_context(
        due, "Europe/Berlin", viewer_tz="Europe/Berlin", viewer=ANA, assignee=RAJ, audience_tz="America/New_York", now=NOW
    )
    assert [(r.whose, r.text, r.outside_hours) for r in readings] == [
        ("you", "tmrw 17:00 CET", False),
        ("@raj", "tmrw 21:30 IST Kolkata", True),  # after Raj's 18:30
        ("audience", "tmrw 11:00 EST", None),
    ]
    # Set in a zone nobody else has: that reading comes last, labelled as such.
    tokyo = due_in_context(due, "Asia/Tokyo", viewer_tz="Asia/Kolkata", now=NOW)
    assert [(r.whose, r.tz) for r in tokyo] == [("you", "Asia/Kolkata"), ("set in", "Asia/Tokyo")]


def test_another_members_today_is_said_by_its_date_where_it_is_not_yours() -> None:
    """At 14:00 on Friday in Berlin it is 03:00 on Saturday in Auckland: a due on Saturday 10:00 CET read
    "you: tmrw 10:00 CET" and "@tane: today 22:00 NZDT", one instant on two days to the reader.  Where the
    member's today is not the reader's, their reading gives its date, as their clock now gives its weekday."""
    tane = member("tane", "Pacific/Auckland", "mon-fri 08:30-17:00")
    now = dt.datetime(2026, 11, 27, 13, 0, tzinfo=UTC)
    due = dt.datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    readings = due_in_context(due, "Europe/Berlin", viewer_tz="Europe/Berlin", viewer=ANA, assignee=tane, now=now)
    assert [(r.whose, r.text) for r in readings] == [("you", "tmrw 10:00 CET"), ("@tane", "Sat 11-28 22:00 NZDT")]
    # On the same day as yours, a member's today is yours.
    assert due_in_context(due, "Europe/Berlin", viewer_tz="Europe/Berlin", assignee=RAJ, now=now)[1].text == "tmrw 14:30 IST Kolkata"


def test_the_outside_hours_marker() -> None:
    assert not due_outside_hours(RAJ, "2026-11-27T13:00:00Z")  # 18:30 IST: the end of the day is in
    assert due_outside_hours(RAJ, "2026-11-27T13:01:00Z")
    assert due_outside_hours(RAJ, "2026-11-28T08:00:00Z")  # Saturday
    assert not due_outside_hours(None, "2026-11-28T08:00:00Z") and not due_outside_hours(RAJ, None)
    assert not due_outside_hours(member("x", "UTC", ""), "2026-11-28T08:00:00Z")  # no hours: nothing to warn about
    # And show says so alike: it said "(outside their hours)" of a member with none set.
    free = member("x", "UTC", "")
    readings = due_in_context(dt.datetime(2026, 11, 28, 8, tzinfo=UTC), "UTC", viewer_tz="Europe/Berlin", assignee=free, now=NOW)
    assert [(r.whose, r.outside_hours) for r in readings] == [("you", None), ("@x", None)]


def test_end_of_day_is_the_owners() -> None:
    assert parse_due(["fri"], RAJ, "Europe/Berlin", NOW).value() == {"utc": "2026-11-27T13:00:00Z", "tz": "Asia/Kolkata"}
    assert parse_due(["eod"], ANA, "Europe/Berlin", NOW).value() == {"utc": "2026-11-26T16:30:00Z", "tz": "Europe/Berlin"}
    assert parse_due(["fri", "eod"], ANA, "Europe/Berlin", NOW).value()["utc"] == "2026-11-27T16:30:00Z"
    # A night shift's day ends the next morning.
    assert parse_due(["fri"], NIGHT, "UTC", NOW).value() == {"utc": "2026-11-28T06:00:00Z", "tz": "UTC"}
    # A day the owner does not work: 17:00 in their zone.
    assert parse_due(["sat"], RAJ, "Asia/Kolkata", NOW).value()["utc"] == "2026-11-28T11:30:00Z"
    # A time says itself (in the creator's zone), and so does another zone.
    assert parse_due(["fri", "12:00"], RAJ, "Europe/Berlin", NOW).value() == {"utc": "2026-11-27T11:00:00Z", "tz": "Europe/Berlin"}
    assert parse_due(["fri", "Asia/Tokyo"], RAJ, "Europe/Berlin", NOW).value() == {"utc": "2026-11-27T08:00:00Z", "tz": "Asia/Tokyo"}
    # "fri" is the owner's Friday: at 23:30 UTC Thursday it is already Friday in Kolkata.
    late = dt.datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    assert parse_due(["today"], RAJ, "Europe/Berlin", late).value()["utc"] == "2026-11-27T13:00:00Z"
    with pytest.raises(DateError, match="eod is a time of its own"):
        parse_due(["fri", "eod", "17:00"], ANA, "Europe/Berlin", NOW)
    assert end_of_day(RAJ, dt.date(2026, 11, 27)) == dt.datetime(2026, 11, 27, 13, 0, tzinfo=UTC)


def test_week_and_month_ends_are_the_owners_last_working_day() -> None:
    # Raj works Monday to Friday: this week ends on his Friday at 18:30 IST.
    assert parse_due(["eow"], RAJ, "Europe/Berlin", NOW).value() == {"utc": "2026-11-27T13:00:00Z", "tz": "Asia/Kolkata"}
    # Tunde works Tuesday to Saturday: his week ends on Saturday, and so does his November (he does not work Monday the 30th).
    tunde = member("tunde", "Africa/Lagos", "tue-sat 08:00-16:00")
    assert parse_due(["eow"], tunde, "Europe/Berlin", NOW).value() == {"utc": "2026-11-28T15:00:00Z", "tz": "Africa/Lagos"}
    assert parse_due(["eom"], tunde, "Europe/Berlin", NOW).value()["utc"] == "2026-11-28T15:00:00Z"  # Sat 28th, his last working day
    assert parse_due(["eom"], ANA, "Europe/Berlin", NOW).value()["utc"] == "2026-11-30T16:30:00Z"  # Monday 30th
    # Next week: its Monday, at the end of the owner's working day.
    assert parse_due(["next", "week"], ANA, "Europe/Berlin", NOW).value()["utc"] == "2026-11-30T16:30:00Z"
    assert parse_due(["tmrw"], RAJ, "Europe/Berlin", NOW).value()["utc"] == "2026-11-27T13:00:00Z"
    assert parse_due(["dec", "9"], RAJ, "Europe/Berlin", NOW).value()["utc"] == "2026-12-09T13:00:00Z"
    assert parse_due(["9", "dec", "12:00"], RAJ, "Europe/Berlin", NOW).value()["utc"] == "2026-12-09T11:00:00Z"


def test_the_week_of_someone_who_works_sunday_to_thursday_starts_on_sunday() -> None:
    """eow read the week as Monday to Sunday for everyone: for Bina, who works Sunday to Thursday in Kathmandu,
    it was Sunday, the first day of her next week (on the Sunday itself, that very morning's evening)."""
    bina = member("bina", "Asia/Kathmandu", "sun-thu 10:00-17:00")
    # Thursday: her week ends today at 17:00 +0545.
    assert parse_due(["eow"], bina, "Europe/Berlin", NOW).value() == {"utc": "2026-11-26T11:15:00Z", "tz": "Asia/Kathmandu"}
    # Sunday: her week has just begun; it ends on Thursday.
    sunday = dt.datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    assert parse_due(["eow"], bina, "Europe/Berlin", sunday).value()["utc"] == "2026-12-03T11:15:00Z"
    # Someone who works every day, and someone who never does, keep Monday to Sunday.
    always = member("al", "UTC", "mon-sun 09:00-17:00")
    assert parse_due(["eow"], always, "UTC", NOW).value()["utc"] == "2026-11-29T17:00:00Z"


def test_next_week_is_the_first_day_of_the_owners_next_week(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """``due:next week`` was Monday for everyone: for Bina, who works Sunday to Thursday, typed on a Sunday it was the
    next day, the second of the week she had just begun.  Now it is her next week's Sunday, and so for the filters."""
    bina = member("bina", "Asia/Kathmandu", "sun-thu 10:00-17:00")
    sunday = dt.datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    assert parse_due(["next", "week"], bina, "Europe/Berlin", sunday).value()["utc"] == "2026-12-06T11:15:00Z"
    assert parse_due(["next", "week"], bina, "Europe/Berlin", NOW).value()["utc"] == "2026-11-29T11:15:00Z"  # Thursday: Sunday
    assert parse_due(["next", "week"], RAJ, "Europe/Berlin", sunday).value()["utc"] == "2026-11-30T13:00:00Z"  # his Monday
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T06:00:00Z")
    cli.ok("member", "add", "bina", "--name", "Bina", "--tz", "Asia/Kathmandu", "--hours", "sun-thu 10:00-17:00")
    cli.ok("add", "Plan due:next week", as_member="bina")
    (row,) = json.loads(cli.ok("tasks", "due:next week", "--json", as_member="bina"))
    assert row["title"] == "Plan" and row["due"]["utc"] == "2026-12-06T11:15:00Z"


def test_the_filters_and_a_snooze_read_eow_as_the_viewers_week(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a Sunday, ``tasks due:<eow`` for Noor, who works Sunday to Thursday in Dubai, ended at the Friday gone (Monday
    to Friday, as the filters read every week) and listed nothing of her week, where her ``add due:eow`` is Thursday;
    and ``snoozed_until=eow`` read the week so too.  Now each reads the week of whoever asks."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-06T06:00:00Z")  # Sunday 10:00 in Dubai
    cli.ok("member", "add", "noor", "--name", "Noor", "--tz", "Asia/Dubai", "--hours", "sun-thu 09:00-17:00")
    for line in ("Today due:today", "Thu due:thu", "Next sun due:next sun", "Wrap @noor due:eow"):
        cli.ok("add", line, as_member="noor")
    titles = {row["title"] for row in json.loads(cli.ok("tasks", "due:<eow", "--json", as_member="noor"))}
    assert titles == {"Today", "Thu", "Wrap"}
    timed = {row["title"] for row in json.loads(cli.ok("tasks", "due:<eow 18:00", "--json", as_member="noor"))}
    assert timed == {"Today", "Thu", "Wrap"}
    # raj (Monday to Friday) asking the same on his Sunday: his week ended on Friday, nothing is due by then.
    assert cli.ok("tasks", "due:<eow", "--json", as_member="raj").strip() == "[]"
    snoozed = cli.ok("add", "Later", as_member="noor").strip()
    cli.ok("set", snoozed, "snoozed_until=eow", as_member="noor")
    row = next(r for r in json.loads(cli.ok("tasks", "snoozed", "--json", as_member="noor")) if r["title"] == "Later")
    assert row["snoozed_until"]["utc"] == "2026-12-10T05:00:00Z"  # Thursday 09:00 in Dubai, as her day starts


def test_the_draft_is_due_at_the_end_of_the_writers_day_before_the_slot() -> None:
    # LinkedIn, Tuesday 09:00 in New York = 22:00 Tuesday in Manila; 24 h before is
    # Monday 22:00 in Manila, after Mia's day: the draft is due Monday 18:00 Manila.
    slot = dt.datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert draft_due(slot, MIA, 24) == dt.datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    # Inside her hours the lead time is exact; without a writer too.
    assert draft_due(slot, MIA, 30) == dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert draft_due(slot, None, 24) == dt.datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    # Over a weekend: back to Friday's end.
    monday_slot = dt.datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    assert draft_due(monday_slot, MIA, 24) == dt.datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_quick_add_publish_slot_in_the_audience_zone(cli: Cli) -> None:
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "Asia/Manila", "--hours", "mon-fri 09:00-18:00")
    task_id = cli.ok("add", "LinkedIn post @mia +spring-launch/linkedin publish:tue 09:00").strip()
    task = json.loads(cli.ok("tasks", "--json"))[0]
    assert task["id"] == task_id
    assert task["publish"] == {"utc": "2026-12-01T14:00:00Z", "tz": "America/New_York"}
    assert task["due"] == {"utc": "2026-11-30T10:00:00Z", "tz": "Asia/Manila"}  # Monday 18:00 in Manila
    # A date alone takes the platform's first peak hour (LinkedIn 08:00 in New York).
    cli.ok("add", "Reel +spring-launch/instagram publish:wed due:tue")
    reel = next(t for t in json.loads(cli.ok("tasks", "--json")) if t["title"] == "Reel")
    assert reel["publish"] == {"utc": "2026-12-02T16:00:00Z", "tz": "America/New_York"}  # 11:00 EST
    assert reel["due"]["tz"] == "Europe/Berlin"  # an explicit due stays
    # Editing the slot reads it in the audience's zone too.
    cli.ok("set", task_id, "publish=wed 10:00")
    task = next(t for t in json.loads(cli.ok("tasks", "--json")) if t["id"] == task_id)
    assert task["publish"] == {"utc": "2026-12-02T15:00:00Z", "tz": "America/New_York"}
    assert "publish: 'someday' is not a date" in one_line_error(cli("add", "Post publish:someday"))


def test_the_workspaces_publish_settings_decide_every_members_quick_add(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ana's personal config still has the old table: it decides nothing (and says so), so raj and she add alike.
    config = tmp_path / "c.toml"
    config.write_text('[publish]\nlead_hours = 2\n[publish.peak_hours]\nlinkedin = ["06:00"]\n')
    monkeypatch.setenv("CREWDECK_CONFIG", str(config))
    cli.ok("workspace", "set", "publish_lead_hours", "48")
    cli.ok("workspace", "set", "peak_hours.linkedin", "10:30")
    added = cli("add", "Post @raj +spring-launch/linkedin publish:wed")
    assert added.code == 0 and "[publish] is not read any more" in added.err
    cli.ok("add", "Other @raj +spring-launch/linkedin publish:wed", as_member="raj")
    tasks = {t["title"]: t for t in json.loads(cli.ok("tasks", "--json"))}
    for title in ("Post", "Other"):
        assert tasks[title]["publish"]["utc"] == "2026-12-02T15:30:00Z"  # 10:30 EST
        # 48 h before is Monday 21:00 IST, after Raj's day: Monday 18:30 IST.
        assert tasks[title]["due"] == {"utc": "2026-11-30T13:00:00Z", "tz": "Asia/Kolkata"}
    # The app's quick-add (the session's) reads the same settings.
    session = Session.open(cli.workspace, "raj")
    try:
        made = session.edits.quick_add("In app @raj +spring-launch/linkedin publish:wed", NOW).ops[0].row_id
    finally:
        session.close()
    in_app = next(t for t in json.loads(cli.ok("tasks", "--json")) if t["title"] == "In app")
    assert in_app["id"] == made and in_app["publish"] == tasks["Post"]["publish"] and in_app["due"] == tasks["Post"]["due"]
    # A platform the workspace does not name keeps its default.
    cli.ok("add", "Clip @raj +spring-launch/tiktok publish:wed")
    clip = next(t for t in json.loads(cli.ok("tasks", "--json")) if t["title"] == "Clip")
    assert clip["publish"]["utc"] == f"2026-12-02T{int(DEFAULT_PEAK_HOURS['tiktok'][0][:2]) + 5:02d}:00:00Z"


def test_the_command_line_takes_the_dates_people_type(cli: Cli) -> None:
    # Thursday 26 November 2026, 09:30 UTC; raj works mon-fri 10:00-18:30 in Kolkata.
    for line in ("Recap @raj due:tmrw", "Brief @raj due:dec 9", "Deck @raj due:9 dec 11:00", "Plan @raj due:next week"):
        cli.ok("add", line)
    cli.ok("add", "Wrap @raj due:eow")
    cli.ok("add", "Invoice @raj due:eom")
    due = {row["title"]: row["due"]["utc"] for row in json.loads(cli.ok("tasks", "--json"))}
    assert due == {
        "Recap": "2026-11-27T13:00:00Z",  # Friday 18:30 IST
        "Brief": "2026-12-09T13:00:00Z",
        "Deck": "2026-12-09T10:00:00Z",  # 11:00 in ana's (the writer's) Berlin
        "Plan": "2026-11-30T13:00:00Z",  # Monday
        "Wrap": "2026-11-27T13:00:00Z",
        "Invoice": "2026-11-30T13:00:00Z",
    }
    # The filter language and set take them too.
    assert {row["title"] for row in json.loads(cli.ok("tasks", "due:eow", "--json"))} == {"Recap", "Wrap"}
    recap = next(row["id"] for row in json.loads(cli.ok("tasks", "--json")) if row["title"] == "Recap")
    cli.ok("set", recap, "due=9 dec")
    assert next(r["due"]["utc"] for r in json.loads(cli.ok("tasks", "--json")) if r["title"] == "Recap") == "2026-12-09T13:00:00Z"


def test_add_says_a_due_that_has_passed_already(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a Sunday, raj's eow is the Friday gone: add printed the id alone, the task late before anyone read its date
    (the app's preview says "already overdue")."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T10:00:00Z")
    late = cli("add", "Wrap @raj due:eow")
    assert late.code == 0 and late.err == "note: due: already overdue by 45h (Fri 11-27 18:30 IST Kolkata)\n"
    assert cli("add", "Recap @raj due:tmrw").err == ""


def test_add_says_a_city_after_the_due_time_is_read_into_the_title(cli: Cli) -> None:
    """``due:fri 09:00 Kolkata``: Kolkata went into the title and 09:00 was ana's in Berlin, four and a half hours from
    raj's 09:00, silently; said, with what to write, where the city is one a member works in."""
    said = cli("add", "Call with raj due:fri 09:00 Kolkata")
    assert said.code == 0 and said.err == (
        "note: due: Kolkata is read as a word of the title, the time as Europe/Berlin's: "
        "for Asia/Kolkata's clock write due:fri 09:00 Asia/Kolkata\n"
    )
    # As said with "at": "at 9am" is 09:00, on ana's clock.
    assert cli("add", "Call with raj due:fri at 9am Kolkata").err == (
        "note: due: Kolkata is read as a word of the title, the time as Europe/Berlin's: "
        "for Asia/Kolkata's clock write due:fri at 9am Asia/Kolkata\n"
    )
    # A city no member works in is a word of the title (Christmas Island's), and so is one after a date alone.
    assert cli("add", "Post due:fri 09:00 Christmas reel").err == ""
    assert cli("add", "Call with raj due:fri Kolkata").err == ""
    assert cli("add", "Call with raj due:fri 09:00 Asia/Kolkata").err == ""
    # A city of two words, in lower case, or with the title's colon after it, is told as well (review rb).
    cli.ok("member", "add", "sofia", "--name", "Sofia", "--tz", "America/New_York")
    assert cli("add", "Call due:fri 09:00 New York office").err == (
        "note: due: New York are read as words of the title, the time as Europe/Berlin's: "
        "for America/New_York's clock write due:fri 09:00 America/New_York\n"
    )
    assert "Asia/Kolkata's clock" in cli("add", "Call due:fri 09:00 kolkata").err
    assert "due: Kolkata is read" in cli("add", "Call due:fri 09:00 Kolkata: pitch").err
    assert cli("add", "Call due:fri 09:00 New office").err == ""  # the start of a city is no city


def test_set_says_a_due_that_has_passed_already_as_add_does(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """``set ID due=eow`` on a Sunday moved the task to the Friday gone and said only "moved … to", where ``add`` said
    "already overdue": one note for both, and none for a closed task (it is not late) nor for a date ahead."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T10:00:00Z")
    wrap = cli.ok("add", "Wrap @raj").strip()
    late = cli("set", wrap, "due=eow")
    assert late.code == 0 and late.err == "note: due: already overdue by 45h (Fri 11-27 18:30 IST Kolkata)\n"
    assert cli("set", wrap, "due_date=yesterday 10:00").err == "note: due: already overdue by 25h (Sat 11-28 10:00 CET)\n"
    assert cli("set", wrap, "due=tmrw").err == ""
    cli.ok("done", wrap)
    assert cli("set", wrap, "due=eow").err == ""
    # With a closed task first among the ids, the open one after it is still late, and said so (review rb).
    brief = cli.ok("add", "Brief @raj").strip()
    assert cli("set", wrap, brief, "due=eow").err == "note: due: already overdue by 45h (Fri 11-27 18:30 IST Kolkata)\n"


def test_set_says_a_snooze_that_wakes_the_task_past_its_due_date_and_keeps_it(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A snooze past the due date hid the task until it was late, said as any snooze: now one note, in the words of
    "already overdue", of the first task it does that to, for a snooze or a due date set; none for a snooze ahead of
    it, or a closed task."""
    wrap = cli.ok("add", "Wrap @raj due:mon").strip()  # the end of raj's Monday, 18:30 in Kolkata
    assert cli("set", wrap, "snoozed_until=mon 10:00").err == ""
    closed = cli.ok("add", "Old wrap due:fri").strip()
    cli.ok("done", closed)
    late = cli("set", closed, wrap, "snoozed_until=wed 09:00 Asia/Kolkata")
    assert late.code == 0 and late.err == "note: snooze: wakes already overdue by 38h (due Mon 11-30 18:30 IST Kolkata)\n"
    assert json.loads(cli.ok("show", wrap, "--json"))["snoozed_until"] == {"utc": "2026-12-02T03:30:00Z", "tz": "Asia/Kolkata"}
    assert cli("set", closed, "snoozed_until=wed 10:00").err == ""
    # snooze=, as the app's key and the note name it, is snoozed_until=.
    again = cli("set", wrap, "snooze=tue 09:00 Asia/Kolkata")
    assert again.err == "note: snooze: wakes already overdue by 14h (due Mon 11-30 18:30 IST Kolkata)\n"
    assert json.loads(cli.ok("show", wrap, "--json"))["snoozed_until"] == {"utc": "2026-12-01T03:30:00Z", "tz": "Asia/Kolkata"}
    cli.ok("set", wrap, "snoozed_until=wed 09:00 Asia/Kolkata")
    # A due date moved sooner than the snooze hides the task past it alike.
    sooner = cli("set", wrap, "due=tue")
    assert sooner.err == "note: snooze: wakes already overdue by 14h (due Tue 12-01 18:30 IST Kolkata)\n"
    assert cli("set", wrap, "due=dec 4").err == ""
    # A snooze that woke already hides nothing: the due date passed is said, as any.
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-03T00:00:00Z")
    assert cli("set", wrap, "due=2026-12-01").err == "note: due: already overdue by 35h (Tue 12-01 18:30 IST Kolkata)\n"


def test_the_notes_of_a_due_passed_and_a_late_snooze_tell_the_time_on_the_readers_clock(cli: Cli, tmp_path: Path) -> None:
    """With time_format = "12h", "added … due Wed 11-25 3:00pm" came with "note: due: already overdue by 19h (Wed 11-25 15:00 CET)"."""
    config = tmp_path / "twelve.toml"
    config.write_text('time_format = "12h"\n')
    late = cli("--config", str(config), "add", "Wrap due:yesterday 15:00")
    assert late.err == "note: due: already overdue by 19h (Wed 11-25 3:00pm CET)\n"
    soon = cli.ok("add", "Recap due:fri 15:00").strip()
    snoozed = cli("--config", str(config), "set", soon, "snoozed_until=mon")
    assert snoozed.err == "note: snooze: wakes already overdue by 2d (due tmrw 3:00pm CET)\n"


def test_a_post_closer_than_the_publish_lead_has_its_draft_due_now_and_add_says_why(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The draft was due 24 h before a slot 8 h away: created "16h late", for a lead nobody could have kept; post add
    said nothing of it, where the app's preview said "already overdue"."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-27T09:30:00Z")
    cli.ok("campaign", "add", "spring", "--platforms", "instagram", "--audience-tz", "America/New_York")
    for command in (["post", "add"], ["add"]):
        made = cli(*command, "Soon reel +spring post:instagram publish:today 12:30")
        # Off the audience's peak hours too (said since a new post's slot is judged as a move onto it is).
        off_peak = (
            "note: publish: 12:30 EST (18:30 CET for you) is outside the audience's peak hours for instagram, 11:00-12:00 "
            "and 19:00-20:00 EST: nearest 11:00 EST (17:00 CET for you)\n"
        )
        assert made.code == 0 and made.err == off_peak + "note: due: now: the slot is closer than the workspace's publish lead (24 h)\n"
        due = next(row["due"] for row in json.loads(cli.ok("tasks", "--json")) if row["id"] == made.out.strip())
        assert due["utc"] == "2026-11-27T09:30:00Z"
    # A slot further than the lead keeps its draft's due date the lead before it, and nothing to say.
    assert cli("post", "add", "Later reel +spring post:instagram publish:mon 11:00").err == ""  # on a peak hour


def test_a_draft_due_now_because_the_writers_last_working_day_before_the_lead_has_passed_is_said_so(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a Saturday, a post for Monday 09:00 New York (41 h away) was said "due: now: the slot is closer than the
    workspace's publish lead (24 h)": it is not; its lead falls on the writer's Sunday, and the end of their last
    working day before it (Friday 17:00 in Berlin) has passed."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-28T12:00:00Z")
    cli.ok("campaign", "add", "spring", "--platforms", "instagram", "--audience-tz", "America/New_York")
    made = cli("post", "add", "Monday reel +spring post:instagram publish:mon 09:00")
    assert made.code == 0 and made.err == (
        "note: publish: 09:00 EST (15:00 CET for you) is outside the audience's peak hours for instagram, 11:00-12:00 and "
        "19:00-20:00 EST: nearest 11:00 EST (17:00 CET for you)\n"
        "note: due: now: 24 h before the slot (tmrw 15:00 CET) is outside @ana's working hours, "
        "and the end of the last of them before it (Fri 11-27 17:00 CET) has passed\n"
    ), made.err
