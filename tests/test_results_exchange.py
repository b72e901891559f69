"""Results in the workspace export: restored as they were, merged by their keys into a workspace that has data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crewdeck.tui.cli.main import main

from .conftest import Cli

META = (
    "Campaign name,Day,Reporting starts,Reporting ends,Reach,Impressions,Link clicks,Results,Result indicator,Amount spent (EUR)\n"
    "Spring Launch,2026-11-20,2026-11-20,2026-11-20,800,1000,12,2,actions:offsite_conversion.fb_pixel_purchase,45.10\n"
    "Spring Launch,2026-11-21,2026-11-21,2026-11-21,1200,2000,20,1,actions:offsite_conversion.fb_pixel_purchase,30.00\n"
)


@pytest.fixture
def export(cli: Cli, tmp_path: Path) -> Path:
    """A team's export with results of every kind: a campaign's on Meta (with spend), a post's, followers."""
    meta = tmp_path / "meta.csv"
    meta.write_text(META)
    cli.ok("kpi", "import", str(meta), "--format", "meta", "--spend", as_member="raj")
    post = cli.ok("add", "Reel one +spring-launch", as_member="raj").strip()
    cli.ok("kpi", "add", post[:8], "2026-11-20", "impressions=500", "clicks=7", "value=12.50", as_member="raj")
    cli.ok("kpi", "add", "/instagram", "2026-11-20", "followers=4200", as_member="raj")
    path = tmp_path / "export.json"
    path.write_text(cli.ok("export"))
    return path


def _reports(cli: Cli) -> list[object]:
    return [json.loads(cli.ok("kpi", "report", "--json", *by)) for by in ((), ("--by", "post"), ("--by", "platform"), ("--by", "day"))]


def _without_ids(reports: list[object]) -> str:
    """The reports with the campaigns' ids (another here) taken out."""
    return re.sub(r'"campaign_id": "[0-9a-f]{32}"', '"campaign_id": ""', json.dumps(reports))


def new_workspace(tmp_path: Path, name: str) -> Cli:
    target = Cli(tmp_path / name)
    assert main(["init", str(target.workspace), "--member", "ana", "--name", "Ana Here", "--tz", "Europe/Berlin"]) == 0
    return target


def test_results_are_in_the_export_and_an_empty_workspace_restores_them(cli: Cli, export: Path, tmp_path: Path) -> None:
    results = json.loads(export.read_text())["result"]
    assert sorted(r["kind"] for r in results) == ["campaign", "campaign", "followers", "post"]
    assert all(r["id"].startswith(f"result:{r['kind']}:") for r in results)
    target = Cli(tmp_path / "empty.db")
    assert main(["init", str(target.workspace)]) == 0
    target.ok("import", str(export), as_member=None)
    assert target.ok("export") == export.read_text()
    assert _reports(target) == _reports(cli)
    assert _reports(cli)[0] != json.loads(new_workspace(tmp_path, "blank.db").ok("kpi", "report", "--json"))  # the reports hold numbers


def test_results_merge_by_key_into_a_workspace_that_has_data(cli: Cli, export: Path, tmp_path: Path) -> None:
    target = new_workspace(tmp_path, "a.db")
    target.ok("campaign", "add", "Spring Launch")  # the same campaign by name, with its own id here
    here = json.loads(target.ok("campaign", "list", "--json"))[0]["id"]
    target.ok("kpi", "add", "+spring-launch/meta", "2026-11-21", "impressions=5", "clicks=1")
    out = target.ok("import", str(export))
    assert "3 results" in out.split(";")[0] and "1 result" in out.split(";")[1]  # the day here is the same key: updated
    mine = {r["id"]: r for r in json.loads(target.ok("export"))["result"]}
    assert f"result:campaign:{here}:meta:2026-11-21" in mine  # keyed by the campaign here: one record for the day, not two
    assert len(mine) == 4 and all(here in row_id for row_id in mine if ":campaign:" in row_id)
    assert mine[f"result:campaign:{here}:meta:2026-11-21"]["impressions"] == 2000  # the later write of the key wins
    assert _without_ids(_reports(target)) == _without_ids(_reports(cli))
    assert "nothing new" in target.ok("import", str(export))

    # A changed number in a later file replaces the one here; nothing else is written.
    doc = json.loads(export.read_text())
    for record in doc["result"]:
        if record["kind"] == "followers":
            record["followers"] = 4300
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc))
    assert target.ok("import", str(changed)).startswith("updated 1 result;")
    followers = next(r for r in json.loads(target.ok("export"))["result"] if r["kind"] == "followers")
    assert followers["followers"] == 4300


def test_a_result_whose_id_does_not_match_its_fields_is_refused_by_name(cli: Cli, export: Path, tmp_path: Path) -> None:
    doc = json.loads(export.read_text())
    followers = next(r for r in doc["result"] if r["kind"] == "followers")
    followers["day"] = "2026-11-22"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    target = Cli(tmp_path / "empty.db")
    assert main(["init", str(target.workspace)]) == 0
    result = target("import", str(bad), as_member=None)
    assert (
        result.code == 2
        and "result 3 (id result:" in result.err
        and "day: '2026-11-22' is not what the id names ('2026-11-20')" in result.err
    )
    assert json.loads(target.ok("export", as_member=None))["result"] == []


def test_results_given_without_their_key_fields_restore_and_merge_by_their_ids(cli: Cli, export: Path, tmp_path: Path) -> None:
    """A result's id gives its key (``Entity.from_id``): a file whose results hold only their numbers reads the same."""
    doc = json.loads(export.read_text())
    for record in doc["result"]:
        for name in ("kind", "post", "campaign", "platform", "day"):
            record.pop(name, None)
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(doc))
    restored = Cli(tmp_path / "restored.db")
    assert main(["init", str(restored.workspace)]) == 0
    restored.ok("import", str(bare), as_member=None)
    assert restored.ok("export") == export.read_text()
    merged = new_workspace(tmp_path, "merged.db")
    merged.ok("campaign", "add", "Spring Launch")  # matched by name: its results are keyed by the campaign here
    merged.ok("import", str(bare))
    assert _without_ids(_reports(merged)) == _without_ids(_reports(cli))

    far = next(r for r in doc["result"] if r["id"].startswith("result:followers:"))
    far["id"] = far["id"].rsplit(":", 1)[0] + ":9999-12-31"
    bare.write_text(json.dumps(doc))
    target = Cli(tmp_path / "empty.db")
    assert main(["init", str(target.workspace)]) == 0
    result = target("import", str(bare), as_member=None)
    assert result.code == 2 and "result 3 (id result:follo): day: 9999-12-31 is out of range" in result.err
