"""Booked meetings block the planner's slots, and belong to each attendee (issue 14, item 4)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from crewdeck.sync.state.store import Store
from crewdeck.sync.state.zones import zone
from crewdeck.tui.time.ics import member_address

from .apphelp import make_app, settle
from .conftest import Cli

UTC = dt.UTC
WED = ["--from", "2026-12-02", "--days", "1", "--zone", "UTC"]


@pytest.fixture
def team(cli: Cli) -> Cli:
    """ana (Berlin 09-17), raj (Kolkata 10:00-18:30) and nia (Lagos 09-17): 08:00-13:00 UTC together."""
    cli.ok("member", "add", "nia", "--name", "Nia Okafor", "--tz", "Africa/Lagos", "--hours", "mon-fri 09:00-17:00")
    return cli


def _slots(cli: Cli, *args: str) -> list[dict[str, Any]]:
    return list(json.loads(cli.ok("overlap", *args, "--json")))


def _span(slot: dict[str, Any]) -> tuple[str, str]:
    return slot["start"], slot["end"]


def _overlaps(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _book(cli: Cli, title: str, *args: str) -> dict[str, Any]:
    return dict(json.loads(cli.ok("overlap", *args, "--book", title, "--json")))


def test_a_booked_meeting_blocks_its_slot_for_its_attendees(team: Cli) -> None:
    before = _slots(team, "ana", "raj", "nia", "--duration", "1h", *WED)
    booked = _book(team, "Weekly sync", "ana", "raj", "nia", "--duration", "1h", *WED)
    assert _span(booked) == _span(before[0])
    after = _slots(team, "ana", "raj", "nia", "--duration", "1h", *WED)
    assert after and not any(_overlaps(_span(s), _span(booked)) for s in after)
    # Any one attendee is enough to block it: raj alone with someone new.
    team.ok("member", "add", "lee", "--name", "Lee", "--tz", "Asia/Kolkata", "--hours", "mon-fri 10:00-18:30")
    alone = _slots(team, "raj", "lee", "--duration", "30m", *WED)
    assert alone and not any(_overlaps(_span(s), _span(booked)) for s in alone)
    # Someone who is not in it still gets the time.
    free = _slots(team, "lee", "--duration", "30m", *WED, "--limit", "40")
    assert any(_overlaps(_span(s), _span(booked)) for s in free)


def test_an_optional_member_in_a_meeting_is_busy_and_a_cancelled_meeting_blocks_nothing(team: Cli) -> None:
    booked = _book(team, "Raj and Nia", "raj", "nia", "--duration", "1h", *WED)
    # ana with raj optional: the slot is offered, raj is shown busy in it.
    slots = _slots(team, "ana", "--optional", "raj", "--duration", "1h", *WED, "--limit", "40")
    during = [s for s in slots if _overlaps(_span(s), _span(booked))]
    assert during and all(s["members"][1]["status"] == "busy" for s in during)
    text = team.ok("overlap", "ana", "--optional", "raj", "--duration", "1h", *WED, "--limit", "40")
    assert "⊘" in text and "⊘ in a booked meeting" in text
    team.ok("set", booked["id"], "status=cancelled")
    after = _slots(team, "raj", "nia", "--duration", "1h", *WED)
    assert _span(after[0]) == _span(booked)


def test_a_meeting_blocks_by_its_instant_across_a_dst_change(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # New York has moved its clocks (14 March 2027), Berlin not yet (28 March): the gap is 5 hours, not 6.
    monkeypatch.setenv("CREWDECK_NOW", "2027-03-12T09:00:00Z")
    cli.ok("member", "add", "sofia", "--name", "Sofia", "--tz", "America/New_York", "--hours", "mon-fri 09:00-17:00")
    monday = ["--from", "2027-03-15", "--days", "1", "--zone", "America/New_York"]
    booked = _book(cli, "Handoff", "ana", "sofia", "--duration", "1h", *monday)
    start = dt.datetime.fromisoformat(booked["start"].replace("Z", "+00:00"))
    assert start.astimezone(zone("America/New_York")).utcoffset() == dt.timedelta(hours=-4)  # EDT
    assert {m["handle"]: m["status"] for m in booked["members"]} == {"ana": "in", "sofia": "in"}
    after = _slots(cli, "ana", "sofia", "--duration", "1h", *monday)
    assert not any(_overlaps(_span(s), _span(booked)) for s in after)


def test_meetings_are_in_each_attendees_list(team: Cli) -> None:
    booked = _book(team, "Weekly sync", "ana", "raj", "--optional", "nia", "--duration", "1h", *WED)
    solo = team.ok("add", "Draft reel @raj").strip()

    def ids(*query: str, as_member: str = "ana") -> set[str]:
        return {t["id"] for t in json.loads(team.ok("tasks", *query, "--json", as_member=as_member))}

    assert ids("@me", as_member="raj") == {booked["id"], solo}
    assert ids("@me", as_member="nia") == {booked["id"]}  # optional attendees too
    assert ids("@me") == {booked["id"]}
    assert ids("@raj") == {booked["id"], solo}
    assert ids("-@nia") == {solo}
    team.ok("member", "add", "lee", "--name", "Lee", "--tz", "UTC")
    assert ids("@me", as_member="lee") == set()


def test_the_ics_export_names_the_attendees(team: Cli) -> None:
    booked = _book(team, "Weekly sync", "ana", "raj", "--optional", "nia", "--duration", "1h", *WED)
    raw = team.ok("export", "--ics")
    [event] = [e for e in Calendar.from_ical(raw).walk("VEVENT") if str(e["uid"]) == f"{booked['id']}-due@crewdeck"]
    with Store(team.workspace) as store:
        ids = {v["handle"]: k for k, v in store.records("member")}
    attendees = event.get("attendee")
    assert isinstance(attendees, list)
    found = {str(a): (a.params["CN"], a.params["ROLE"], a.params["X-CREWDECK-HANDLE"]) for a in attendees}
    assert found == {
        member_address(ids["ana"]): ("Ana Souza", "REQ-PARTICIPANT", "@ana"),
        member_address(ids["raj"]): ("Raj Mehta", "REQ-PARTICIPANT", "@raj"),
        member_address(ids["nia"]): ("Nia Okafor", "OPT-PARTICIPANT", "@nia"),
    }
    assert str(event["organizer"]) == member_address(ids["ana"])
    unfolded = raw.replace("\r\n ", "")
    assert (
        f'ATTENDEE;CN="Raj Mehta";CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;X-CREWDECK-HANDLE=@raj:{member_address(ids["raj"])}'
        in unfolded
    )
    # nia's own calendar has it, with her in it.
    mine = Calendar.from_ical(team.ok("export", "--ics", "--member", "nia")).walk("VEVENT")
    assert [str(e["uid"]) for e in mine] == [f"{booked['id']}-due@crewdeck"]


async def test_the_mine_view_shows_the_meetings_i_attend(team: Cli) -> None:
    booked = _book(team, "Weekly sync", "ana", "raj", "--duration", "1h", *WED)
    solo = team.ok("add", "Draft reel @raj").strip()
    other = team.ok("add", "Edit video @nia").strip()
    app = make_app(team.workspace, "raj")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("v", "m")
        await settle(pilot)
        assert app.tasks_pane.view is not None and app.tasks_pane.view.id == "mine"
        shown = {row.key for _, row in app.tasks_pane.table.loaded_rows()}
        assert shown == {booked["id"], solo} and other not in shown


def test_the_booked_line_says_the_slot_as_the_table_does(team: Cli, tmp_path: Path) -> None:
    """It said ``Wed 12-02 16:00 PST`` on the 12-hour clock, and PST for Manila as for Los Angeles: whose time, unsaid."""
    team.ok("member", "add", "mia", "--name", "Mia Santos", "--tz", "Asia/Manila", "--hours", "mon-fri 09:00-18:00")
    config = tmp_path / "twelve.toml"
    config.write_text('time_format = "12h"\n')
    manila = ["--from", "2026-12-02", "--days", "1", "--zone", "Asia/Manila"]
    best = team.ok("--config", str(config), "overlap", "ana", "mia", *manila).splitlines()[2].split()
    said = team.ok("--config", str(config), "overlap", "ana", "mia", *manila, "--book", "Sync")
    assert re.fullmatch(rf"booked [0-9a-f]{{8}} 'Sync' {best[1]} {best[2]} {best[3]} PST Manila \(2026-12-02T\d\d:\d\d:00Z\)\n", said)


def test_no_slot_says_why_the_days_have_none(team: Cli) -> None:
    # It said "no 30m slot between 2026-11-20 and 2026-11-22" alone, as if the members' hours never met.
    passed = team("overlap", "ana", "raj", "--from", "2026-11-20", "--days", "3")
    assert passed.code == 1 and not passed.out  # nothing listed, as `tasks` that matches nothing: a script tells it apart
    listed = team("overlap", "ana", "raj", "--from", "2026-11-20", "--days", "3", "--json")
    assert (listed.code, listed.out) == (0, "[]\n")
    assert passed.err == (
        "no 30m slot for @ana @raj between Fri 11-20 and Sun 11-22: those days have passed (today is Thu 11-26 in Europe/Berlin)\n"
    )
    # Review rb: --book with no slot said "--pick: 1 is not one of the 0 slots found", a --pick nobody gave, and not why.
    before = team.ok("export")
    booked = team("overlap", "ana", "raj", "--from", "2026-11-20", "--days", "3", "--book", "Sync")
    assert (booked.code, booked.out) == (1, "")
    assert booked.err == f"nothing booked: {passed.err}"
    assert team.ok("export") == before
    # Today in UTC is 09:30 in: a whole day is no longer there to give.
    short = team("overlap", "ana", "--from", "today", "--days", "1", "--duration", "24h", "--zone", "UTC")
    assert short.err == "no 24h slot for @ana on Thu 11-26: less than 24h is left of it\n"
    _book(team, "Offsite", "raj", "nia", "--duration", "24h", *WED)
    assert (
        team("overlap", "raj", *WED).err
        == "no 30m slot for @raj on Wed 12-02: a meeting a required member attends overlaps every slot left\n"
    )
