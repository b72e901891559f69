"""The iCalendar export, parsed back with icalendar: the same instants, in their zones."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from .conftest import Cli
from .test_cli import one_line_error

UTC = dt.UTC


def _events(data: str | bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_ics_export_round_trips_the_instants(cli: Cli, tmp_path: Path) -> None:
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "Asia/Manila", "--hours", "mon-fri 09:00-18:00")
    post = cli.ok("add", "LinkedIn post @mia +spring-launch/linkedin publish:tue 09:00").strip()
    reel = cli.ok("add", "Edit reel @raj due:2026-12-01 14:00 Asia/Kathmandu").strip()
    meeting = json.loads(
        cli.ok("overlap", "ana", "raj", "--duration", "45m", "--from", "mon", "--days", "1", "--book", "Kickoff", "--json")
    )
    done = cli.ok("add", "Old thing due:fri").strip()
    cli.ok("done", done)
    out = tmp_path / "team.ics"
    cli.ok("export", "--ics", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and b"PRODID:-//crewdeck//crewdeck//EN" in raw
    cal = Calendar.from_ical(raw)
    zones = {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")}
    assert {"Asia/Manila", "America/New_York", "Asia/Kathmandu", "Europe/Berlin"} <= zones
    events = _events(raw)
    assert set(events) == {f"{post}-due@crewdeck", f"{post}-publish@crewdeck", f"{reel}-due@crewdeck", f"{meeting['id']}-due@crewdeck"}

    def start(uid: str) -> dt.datetime:
        return events[uid].decoded("dtstart")  # type: ignore[attr-defined,no-any-return]

    publish = start(f"{post}-publish@crewdeck")
    assert str(publish.tzinfo) == "America/New_York" and publish.astimezone(UTC) == dt.datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    draft = start(f"{post}-due@crewdeck")
    assert str(draft.tzinfo) == "Asia/Manila" and draft.astimezone(UTC) == dt.datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert start(f"{reel}-due@crewdeck").astimezone(UTC) == dt.datetime(2026, 12, 1, 8, 15, tzinfo=UTC)  # +05:45
    kickoff = events[f"{meeting['id']}-due@crewdeck"]
    assert kickoff.decoded("dtstart").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") == meeting["start"]  # type: ignore[attr-defined]
    assert kickoff.decoded("dtend") - kickoff.decoded("dtstart") == dt.timedelta(minutes=45)  # type: ignore[attr-defined]
    assert str(events[f"{post}-publish@crewdeck"]["summary"]) == "Publish: LinkedIn post (linkedin)"
    # The raw text names the zone, as calendar apps expect.
    assert b"DTSTART;TZID=America/New_York:20261201T090000" in raw

    # One member's calendar: their tasks and the meetings they are in.
    mine = _events(cli.ok("export", "--ics", "--member", "raj"))
    assert set(mine) == {f"{reel}-due@crewdeck", f"{meeting['id']}-due@crewdeck"}


def test_ics_bad_inputs(cli: Cli) -> None:
    assert "pick one" in one_line_error(cli("export", "--ics", "--json"))
    assert "--member goes with --ics" in one_line_error(cli("export", "--member", "raj"))
    assert "unknown member @zed" in one_line_error(cli("export", "--ics", "--member", "zed"))


def test_the_same_workspace_exports_the_same_calendar_from_any_process(cli: Cli) -> None:
    """The zones' VTIMEZONEs came in a set's order, so each run (its hash seed) wrote another file."""
    for n, zone in enumerate(["Asia/Manila", "Asia/Kathmandu", "Africa/Lagos", "Pacific/Auckland", "America/Chicago"]):
        cli.ok("add", f"Task {n} due:2026-12-0{n + 1} 10:00 {zone}")
    runs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        argv = [sys.executable, "-m", "crewdeck.tui.cli.main", "--workspace", str(cli.workspace), "export", "--ics"]
        done = subprocess.run(argv, env=env, capture_output=True, check=True)
        runs.add(done.stdout)
    assert len(runs) == 1
    zones = [str(tz["tzid"]) for tz in Calendar.from_ical(runs.pop()).walk("VTIMEZONE")]
    assert zones == sorted(zones) and "Asia/Kathmandu" in zones


def test_each_change_of_clocks_starts_at_its_local_time_before_the_change(cli: Cli) -> None:
    """RFC 5545 3.6.5: an observance's DTSTART is the wall time of its onset in TZOFFSETFROM (02:00 for New
    York's spring forward, not 03:00), so an app that reads the VTIMEZONE changes clocks at the right instant."""
    for zone_name in ("America/New_York", "Europe/London", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Chatham"):
        cli.ok("add", f"Due in {zone_name} due:2027-01-15 12:00 {zone_name}")
    cli.ok("add", "Due later due:2029-06-01 12:00 America/New_York")  # three years of changes: RDATEs too
    changes = 0
    for timezone in Calendar.from_ical(cli.ok("export", "--ics")).walk("VTIMEZONE"):
        tz = ZoneInfo(str(timezone["tzid"]))
        for observance in timezone.subcomponents:
            before, after = observance.decoded("tzoffsetfrom"), observance.decoded("tzoffsetto")
            if before == after:
                continue
            rdates = observance.get("rdate", [])
            onsets = [observance.decoded("dtstart")] + [
                d.dt for rdate in (rdates if isinstance(rdates, list) else [rdates]) for d in rdate.dts
            ]
            for onset in onsets:
                instant = (onset - before).replace(tzinfo=UTC)
                assert instant.astimezone(tz).utcoffset() == after, (timezone["tzid"], onset)
                assert (instant - dt.timedelta(seconds=1)).astimezone(tz).utcoffset() == before, (timezone["tzid"], onset)
                changes += 1
    assert changes >= 14  # two a year in each of the five zones, three years of New York's


def _instant(event: object, name: str) -> dt.datetime:
    return event.decoded(name).astimezone(UTC)  # type: ignore[attr-defined,no-any-return]


def test_a_due_at_the_second_of_two_equal_wall_times_is_written_as_that_instant(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """RFC 5545 3.3.5 reads a TZID time the clocks repeat as the first of the two: 02:30 in Berlin on 2027-10-31
    is 00:30Z.  A due three hours after 22:30Z is the second 02:30 (01:30Z), which was written as that 02:30 too:
    an hour early in every calendar app."""
    monkeypatch.setenv("CREWDECK_NOW", "2027-10-30T22:30:00Z")
    second = cli.ok("add", "Wrap up due:+3h").strip()
    first = cli.ok("add", "Check in due:2027-10-31 02:30").strip()
    events = _events(cli.ok("export", "--ics"))
    assert _instant(events[f"{second}-due@crewdeck"], "dtstart") == dt.datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert _instant(events[f"{first}-due@crewdeck"], "dtstart") == dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    # The first of the two keeps its zone's wall time, as every other time does.
    assert b"DTSTART;TZID=Europe/Berlin:20271031T023000" in cli.ok("export", "--ics").encode()


def test_a_meeting_across_a_change_of_clocks_ends_its_length_after_it_starts(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A meeting's end was its start plus its minutes on the wall clock: two hours from 02:00 CEST on the night
    Berlin's clocks go back ended at 04:00 CET, a three-hour meeting in every calendar app."""
    monkeypatch.setenv("CREWDECK_NOW", "2027-10-30T12:00:00Z")
    for handle in ("nyx", "vox"):
        cli.ok("member", "add", handle, "--name", handle.title(), "--tz", "Europe/Berlin", "--hours", "sun 02:00-03:00")
    booked = json.loads(
        cli.ok("overlap", "nyx", "vox", "--duration", "2h", "--from", "2027-10-31", "--days", "1", "--book", "Night sync", "--json")
    )
    assert (booked["start"], booked["end"]) == ("2027-10-31T00:00:00Z", "2027-10-31T02:00:00Z")
    meeting = _events(cli.ok("export", "--ics"))[f"{booked['id']}-due@crewdeck"]
    assert _instant(meeting, "dtstart") == dt.datetime(2027, 10, 31, 0, 0, tzinfo=UTC)
    assert _instant(meeting, "dtend") == dt.datetime(2027, 10, 31, 2, 0, tzinfo=UTC)


def test_a_posts_events_give_its_state_not_its_task_status(cli: Cli) -> None:
    """A scheduled post's events said "status: inbox" under "[scheduled]": its task status, which a post does not show."""
    post = cli.ok("post", "add", "Launch reel +spring-launch post:instagram publish:fri 18:00").strip()
    task = cli.ok("add", "Edit reel due:fri").strip()
    events = _events(cli.ok("export", "--ics"))
    for kind in ("due", "publish"):
        assert str(events[f"{post}-{kind}@crewdeck"]["description"]).splitlines()[-1] == "state: idea"
    assert str(events[f"{post}-publish@crewdeck"]["summary"]) == "Publish: Launch reel (instagram) [idea]"
    assert str(events[f"{task}-due@crewdeck"]["description"]) == "status: inbox"  # a plain task's status, as before
