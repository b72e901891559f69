"""Posts out to a scheduler (Hootsuite's bulk CSV, plain CSV) and into the calendar (.ics)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from .conftest import Cli
from .test_cli import one_line_error

NOW = "2026-12-03T10:00:00Z"
FIXTURE = Path(__file__).parent / "fixtures" / "hootsuite_bulk.csv"


def _approved(team: Cli, text: str, copy: str, *extra: str) -> str:
    post_id = team.ok("post", "add", text).strip()
    team.ok("post", "copy", post_id, copy, *extra)
    assert team.ok("post", "submit", post_id).strip() == f"{post_id[:8]} approved"  # no chain: approved at submission
    return post_id


@pytest.fixture
def team(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Posts of Spring Launch (audience in New York) around 2026-12-04, seen from Berlin."""
    monkeypatch.setenv("CREWDECK_NOW", NOW)
    # 09:02 in New York is 15:02 in Berlin: Hootsuite's minutes end in 0 or 5, so 15:05.
    _approved(
        team := cli, "Launch +spring-launch post:instagram publish:2026-12-04 09:02", 'Big day, "quoted"', "--link", "https://example.com/a"
    )
    # 18:30 in New York is 00:30 the next day in Berlin: the date follows the zone.
    _approved(team, "Late +spring-launch post:instagram publish:2026-12-04 18:30", "Two lines\nof copy")
    _approved(team, "Same words +spring-launch post:instagram publish:2026-12-06 09:00", 'Big day, "quoted"')
    soon = _approved(team, "Soon +spring-launch post:instagram publish:2026-12-04 09:00", "Soon")
    team.ok("post", "slot", soon, "2026-12-03", "05:05")  # 10:05 UTC: five minutes from now (approved posts may move inside the lead time)
    team.ok("campaign", "add", "Autumn", "--audience-tz", "America/New_York")
    team.ok("campaign", "set", "autumn", "--approvals", "copy:@raj")
    waiting = team.ok("post", "add", "Waiting +autumn post:instagram publish:2026-12-05 09:00").strip()
    team.ok("post", "copy", waiting, "Waiting")
    team.ok("post", "submit", waiting)  # raj has not approved it: in review
    team.ok("post", "add", "Just an idea +spring-launch post:instagram publish:2026-12-05 10:00")
    return team


def test_the_hootsuite_csv_matches_the_documented_format(team: Cli) -> None:
    result = team("post", "export", "--format", "hootsuite", "--zone", "Europe/Berlin")
    assert result.code == 0, result.err
    assert result.out.encode() == FIXTURE.read_bytes()
    summary = result.err.strip()
    assert "exported 2 posts of 2026-12-03..2027-01-02, times in Europe/Berlin (month/day/year" in summary
    assert "left out: 1 idea, 1 in review, 1 less than 10 minutes ahead, 1 the same message as another post" in summary


def test_a_zone_with_no_daylight_saving_is_taken_and_said(team: Cli) -> None:
    # `--zone EST` for a New York scheduler was taken quietly: every post from March to November went out an hour late.
    result = team("post", "export", "--format", "hootsuite", "--zone", "EST")
    assert result.code == 0, result.err
    note = "note: --zone: EST is UTC-05:00 all year, with no daylight saving: for New York's clocks use America/New_York"
    assert result.err.splitlines()[-1] == note and result.err.startswith("exported "), result.err  # after what it did


def test_the_date_order_and_zone_are_the_ones_asked_for(team: Cli) -> None:
    rows = list(
        csv.reader(io.StringIO(team.ok("post", "export", "--format", "hootsuite", "--zone", "America/New_York", "--date-order", "dmy")))
    )
    assert [row[0] for row in rows] == ["04/12/2026 09:05", "04/12/2026 18:30"]
    assert "--zone: unknown time zone 'Mars/Base'" in one_line_error(team("post", "export", "--format", "hootsuite", "--zone", "Mars/Base"))
    assert "is before --from" in one_line_error(team("post", "export", "--format", "csv", "--from", "2026-12-05", "--to", "2026-12-01"))


def test_a_hootsuite_time_is_one_the_clocks_show_once(team: Cli) -> None:
    """Berlin's clocks go from 02:00 to 03:00 on 2027-03-28 and from 03:00 back to 02:00 on 2027-10-31: a slot at 01:58
    was rounded up on the wall clock to 02:00, a time that night has not, and a slot at either 02:30 of the night the
    clocks go back was written as 02:30, which the file cannot say is the first or the second (an hour apart)."""
    _approved(team, "Gap +spring-launch post:instagram publish:2027-03-27 20:58", "Gap")  # 00:58 UTC, 01:58 CET
    _approved(team, "First +spring-launch post:instagram publish:2027-10-30 20:30", "First")  # 00:30 UTC, the first 02:30
    _approved(team, "Second +spring-launch post:instagram publish:2027-10-30 21:30", "Second")  # 01:30 UTC, the second 02:30
    _approved(team, "After +spring-launch post:instagram publish:2027-10-30 22:30", "After")  # 02:30 UTC, 03:30 CET
    result = team("post", "export", "--format", "hootsuite", "--zone", "Europe/Berlin", "--from", "2027-03-01", "--to", "2027-11-30")
    assert result.code == 0, result.err
    assert [row[:2] for row in csv.reader(io.StringIO(result.out))] == [["03/28/2027 03:00", "Gap"], ["10/31/2027 03:30", "After"]]
    assert "left out: 2 at a time the clocks show twice in Europe/Berlin (schedule by hand in Hootsuite)" in result.err


def test_paused_posts_are_never_exported(team: Cli) -> None:
    team.ok("crisis", "start", "--reason", "Outage", "--platform", "instagram")
    result = team("post", "export", "--format", "hootsuite", "--zone", "Europe/Berlin")
    assert result.out == "" and "exported 0 posts" in result.err and "4 paused" in result.err


def test_the_plain_csv_has_every_field(team: Cli, tmp_path: Path) -> None:
    target = tmp_path / "posts.csv"
    team.ok("post", "export", "--format", "csv", "--zone", "Europe/Berlin", "--platform", "instagram", "-o", str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8", newline="")))
    assert [r["title"] for r in rows] == ["Soon", "Launch", "Late", "Same words"]
    first = rows[1]
    assert {k: first[k] for k in ("platform", "campaign", "state", "slot_utc", "slot_local", "zone", "copy", "link")} == {
        "platform": "instagram",
        "campaign": "spring-launch",
        "state": "approved",
        "slot_utc": "2026-12-04T14:02:00Z",
        "slot_local": "2026-12-04 15:02",
        "zone": "Europe/Berlin",
        "copy": 'Big day, "quoted"',
        "link": "https://example.com/a",
    }


def test_the_ics_export_has_post_slots_with_their_state(team: Cli) -> None:
    from icalendar import Calendar

    cal = Calendar.from_ical(team.ok("export", "--ics").encode())
    summaries = sorted(str(e["summary"]) for e in cal.walk("VEVENT") if str(e["summary"]).startswith("Publish:"))
    assert "Publish: Launch (instagram) [approved]" in summaries
    assert "Publish: Waiting (instagram) [in review]" in summaries
    assert "Publish: Just an idea (instagram) [idea]" in summaries
    launch = next(e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("Publish: Launch"))
    assert launch.decoded("dtstart").isoformat() == "2026-12-04T09:02:00-05:00"
    assert json.dumps(str(launch["dtstart"].params["TZID"])) == '"America/New_York"'


def test_the_json_export_carries_verdicts_and_crises_and_imports_back(team: Cli, tmp_path: Path) -> None:
    from crewdeck.tui.cli.main import main

    waiting = team.ok("post", "list", "state:in-review", "--json")
    [post] = json.loads(waiting)
    team.in_person("post", "approve", post["id"], as_member="raj")
    team.ok("crisis", "start", "--reason", "Outage", "--campaign", "autumn")
    exported = team.ok("export")
    doc = json.loads(exported)
    assert [v["verdict"] for v in doc["post_approval"]] == ["approve"] and [c["reason"] for c in doc["crisis"]] == ["Outage"]
    target = Cli(tmp_path / "copy.db")
    assert main(["init", str(target.workspace)]) == 0
    (tmp_path / "dump.json").write_text(exported)
    assert "imported" in target.ok("import", str(tmp_path / "dump.json"), as_member=None)
    assert target.ok("export") == exported
    assert [p["state"] for p in json.loads(target.ok("post", "list", "+autumn", "--json"))] == ["paused"]
