"""Importing into a workspace that has data merges (issue 14, item 1); into an empty one it restores."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main

from .conftest import Cli


def refusal(result: object) -> str:
    """A refused import's error: one line, or its one bad record on a line and then the count, as every import ends."""
    code, err = result.code, result.err  # type: ignore[attr-defined]  # conftest's Result
    lines = str(err).splitlines()
    assert code == 2 and lines[-1].startswith("crewdeck: error: "), err
    assert len(lines) == 1 or (len(lines) == 2 and " 1 bad record in " in lines[-1]), err
    return str(err)


def ops(path: Path) -> list[tuple[str, str, str, str]]:
    """``(member, entity, row_id, field)`` of every operation in the file, in order."""
    with sqlite3.connect(path) as conn:
        return list(conn.execute("SELECT member, entity, row_id, field FROM ops ORDER BY seq"))


def member_ids(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return {handle: member_id for member_id, handle in conn.execute("SELECT id, handle FROM member WHERE deleted = 0")}


@pytest.fixture
def export(cli: Cli, tmp_path: Path) -> Path:
    """A team's export: @ana (manager), @raj and @tunde, tasks each of them entered."""
    cli.ok("member", "add", "tunde", "--name", "Tunde Bello", "--tz", "Africa/Lagos")
    cli.ok("add", "Draft carousel @ana +spring-launch due:2026-12-04 17:00", as_member="raj")
    cli.ok("add", "Cut the reel @tunde", as_member="ana")
    cli.ok("add", "Brief the client @ana", as_member="tunde")
    path = tmp_path / "export.json"
    path.write_text(cli.ok("export"))
    return path


def new_workspace(tmp_path: Path, name: str, handle: str = "ana", tz: str = "Europe/Berlin") -> Cli:
    target = Cli(tmp_path / name)
    assert main(["init", str(target.workspace), "--member", handle, "--name", f"{handle.title()} Here", "--tz", tz]) == 0
    return target


def test_importing_into_a_workspace_with_data_matches_members_and_is_idempotent(export: Path, tmp_path: Path) -> None:
    target = new_workspace(tmp_path, "a.db")
    ana_here = member_ids(target.workspace)["ana"]
    before = len(ops(target.workspace))

    out = target.ok("import", str(export))
    assert "imported 3 tasks, 2 members (@raj, @tunde), 1 campaign (+spring-launch)" in out
    assert "1 record already here" in out  # @ana

    members = json.loads(target.ok("member", "list", "--json"))
    assert sorted(m["handle"] for m in members) == ["ana", "raj", "tunde"]  # one @ana, not two
    assert member_ids(target.workspace)["ana"] == ana_here
    mine = json.loads(target.ok("tasks", "@ana", "all", "--json"))
    assert sorted(t["title"] for t in mine) == ["Brief the client", "Draft carousel"]
    # Every operation of the import is the importing member's; the source's authors are text.
    written = ops(target.workspace)[before:]
    assert written and {member for member, *_ in written} == {ana_here}
    tasks = {t["title"]: t for t in json.loads(target.ok("export"))["task"]}
    assert {t["created_by"] for t in tasks.values()} == {ana_here}
    day = tasks["Draft carousel"]["created_at"][:10]
    assert tasks["Draft carousel"]["notes"] == f"imported: entered by @raj {day}"
    assert tasks["Brief the client"]["notes"] == f"imported: entered by @tunde {day}"
    assert tasks["Cut the reel"]["notes"] == ""  # @ana's own
    assert tasks["Cut the reel"]["assignee"] == member_ids(target.workspace)["tunde"]

    # The same file again: nothing new, nothing written.
    exported = target.ok("export")
    count = len(ops(target.workspace))
    again = target.ok("import", str(export))
    assert again.strip() == "nothing new: 7 records already here"
    assert len(ops(target.workspace)) == count and target.ok("export") == exported


def test_an_import_updates_what_changed_and_keeps_the_credit(cli: Cli, export: Path, tmp_path: Path) -> None:
    target = new_workspace(tmp_path, "a.db")
    target.ok("import", str(export))
    doc = json.loads(export.read_text())
    for task in doc["task"]:
        if task["title"] == "Draft carousel":
            task["status"] = "done"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc))
    out = target.ok("import", str(changed))
    assert out.strip() == "updated 1 task; 6 records already here"
    carousel = next(t for t in json.loads(target.ok("export"))["task"] if t["title"] == "Draft carousel")
    assert carousel["status"] == "done" and carousel["notes"].startswith("imported: entered by @raj")
    assert "nothing new" in target.ok("import", str(changed))


def test_an_empty_workspace_is_restored_with_its_authors(cli: Cli, export: Path, tmp_path: Path) -> None:
    target = Cli(tmp_path / "empty.db")
    assert main(["init", str(target.workspace)]) == 0
    assert target.ok("import", str(export), as_member=None).strip() == "imported 8 records"
    assert target.ok("export") == export.read_text()


def test_a_dry_run_of_an_export_says_what_it_would_do_and_writes_nothing(export: Path, tmp_path: Path) -> None:
    """``--dry-run`` went only with Taskwarrior, Trello, Asana and Linear: a crewdeck export's was refused."""
    target = new_workspace(tmp_path, "a.db")
    count = len(ops(target.workspace))
    out = target.ok("import", str(export), "--dry-run")
    assert out.strip() == (
        "dry run, nothing written: would import 3 tasks, 2 members (@raj, @tunde), 1 campaign (+spring-launch); 1 record already here"
    )
    assert len(ops(target.workspace)) == count
    assert target.ok("import", str(export)).startswith("imported 3 tasks, 2 members (@raj, @tunde), 1 campaign (+spring-launch)")
    # A restore into an empty workspace: the same.
    empty = Cli(tmp_path / "empty.db")
    assert main(["init", str(empty.workspace)]) == 0
    settings = ops(empty.workspace)
    assert empty.ok("import", str(export), "--dry-run", as_member=None).strip() == "dry run, nothing written: would import 8 records"
    assert ops(empty.workspace) == settings


def test_only_a_manager_adds_the_members_a_file_brings(export: Path, tmp_path: Path) -> None:
    target = new_workspace(tmp_path, "a.db")
    target.ok("member", "add", "raj", "--name", "Raj Here", "--tz", "Asia/Kolkata")
    before = ops(target.workspace)
    err = refusal(target("import", str(export), as_member="raj"))
    assert (
        "nothing imported" in err
        and ": member " in err
        and "(“Tunde Bello”, id " in err
        and "@tunde: not a member here" in err
        and "only a manager may add members" in err
    )
    assert ops(target.workspace) == before


def test_a_member_without_a_zone_needs_default_tz(export: Path, tmp_path: Path) -> None:
    doc = json.loads(export.read_text())
    for member in doc["member"]:
        if member["handle"] == "tunde":
            del member["tz"]
    (tmp_path / "nozone.json").write_text(json.dumps(doc))
    target = new_workspace(tmp_path, "a.db")
    before = ops(target.workspace)
    err = refusal(target("import", str(tmp_path / "nozone.json")))
    assert "@tunde" in err and "--default-tz" in err
    assert ops(target.workspace) == before
    assert "unknown time zone" in refusal(target("import", str(tmp_path / "nozone.json"), "--default-tz", "Mars/Base")).lower()
    target.ok("import", str(tmp_path / "nozone.json"), "--default-tz", "Africa/Lagos")
    tunde = next(m for m in json.loads(target.ok("member", "list", "--json")) if m["handle"] == "tunde")
    assert tunde["tz"] == "Africa/Lagos" and tunde["access"] == "member"


def test_what_cannot_be_reconciled_is_refused_by_name(cli: Cli, export: Path, tmp_path: Path) -> None:
    target = new_workspace(tmp_path, "a.db")
    target.ok("import", str(export))
    before = ops(target.workspace)
    doc = json.loads(export.read_text())
    campaign = doc["campaign"][0]["id"]
    doc["task"].append({"id": campaign, "title": "An id that is a campaign here"})
    (tmp_path / "clash.json").write_text(json.dumps(doc))
    err = refusal(target("import", str(tmp_path / "clash.json")))
    assert f"task 4 (“An id that is a campaign here”, id {campaign[:12]})" in err and "is a campaign here" in err
    assert ops(target.workspace) == before


def test_the_rules_judge_a_merge_and_the_refusal_names_the_record(export: Path, tmp_path: Path) -> None:
    """@raj may add tasks, not campaigns: the import refuses, naming the campaign, and writes nothing."""
    target = new_workspace(tmp_path, "a.db")
    target.ok("member", "add", "raj", "--name", "Raj Here", "--tz", "Asia/Kolkata")
    target.ok("member", "add", "tunde", "--name", "Tunde Here", "--tz", "Africa/Lagos")
    before = ops(target.workspace)
    err = refusal(target("import", str(export), as_member="raj"))
    assert "campaign 1 (“Spring Launch”, id " in err and "only a manager may change campaign records" in err
    assert ops(target.workspace) == before


TW_TASKS = [
    {
        "uuid": "11111111-2222-3333-4444-555555555555",
        "description": "Draft carousel",
        "status": "pending",
        "entry": "20261130T090000Z",
        "project": "campaign.holiday",
        "assignee": "raj",
    },
    {"uuid": "11111111-2222-3333-4444-666666666666", "description": "Old report", "status": "completed", "entry": "20261129T090000Z"},
]


def test_a_taskwarrior_import_is_written_as_the_importer_and_idempotent(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(TW_TASKS))
    before = len(ops(cli.workspace))
    out = cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(path))
    assert out.strip() == "imported 2 tasks, 1 campaign (+holiday)"
    ana = member_ids(cli.workspace)["ana"]
    assert {member for member, *_ in ops(cli.workspace)[before:]} == {ana}
    count = len(ops(cli.workspace))
    again = cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(path), as_member="raj")
    assert again.strip() == "nothing new: 2 records already here"
    assert len(ops(cli.workspace)) == count
    # The same project is the same campaign in another workspace too: its id comes from its name.
    other = new_workspace(tmp_path, "b.db")
    other.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(path))
    assert [c["id"] for c in json.loads(other.ok("campaign", "list", "--json"))] == [
        c["id"] for c in json.loads(cli.ok("campaign", "list", "--json")) if c["slug"] == "holiday"
    ]


def test_a_newer_taskwarrior_export_changes_only_untouched_fields_and_a_local_edit_wins(cli: Cli, tmp_path: Path) -> None:
    """A re-import after a local edit wrote over it, and said only "updated 1 task"."""
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(TW_TASKS))
    cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(path))
    carousel = "11111111222233334444555555555555"
    cli.ok("set", carousel, "title=Draft carousel (renamed here)")

    newer = [dict(task) for task in TW_TASKS]
    newer[0]["description"] = "Draft carousel v2"  # renamed here too: the local edit wins
    newer[0]["priority"] = "H"  # untouched here: updated
    newer[1]["description"] = "Old report, final"  # untouched here: updated
    newer_path = tmp_path / "tw-newer.json"
    newer_path.write_text(json.dumps(newer))
    out = cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(newer_path))

    found = {t["id"]: t for t in json.loads(cli.ok("export"))["task"]}
    assert found[carousel]["title"] == "Draft carousel (renamed here)" and found[carousel]["priority"] == "high"
    assert found["11111111222233334444666666666666"]["title"] == "Old report, final"
    assert out.strip() == (
        f"updated 2 tasks; 1 record keeps what was changed in crewdeck since the last import: {newer_path}: task 1 (“Draft carousel v2”, uuid 11111111): title"
    )


def test_an_import_carried_to_a_new_node_is_still_the_imports_for_the_next_one(cli: Cli, tmp_path: Path) -> None:
    """Imported in a replica that then turned out to be a copy (its unsent edits go to a node of its own): a newer
    export still updates the fields the import wrote, instead of keeping them as changed here since."""
    with Store(cli.workspace) as store:
        made = store.node_seq()
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(TW_TASKS))
    cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(path))
    with Store(cli.workspace) as store:
        assert store.take_new_node(store.node, made + 1) > 0
    newer = [dict(task) for task in TW_TASKS]
    newer[0]["description"] = "Draft carousel v2"
    newer_path = tmp_path / "tw-newer.json"
    newer_path.write_text(json.dumps(newer))
    out = cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(newer_path))
    assert out.strip() == "updated 1 task; 1 record already here", out  # not "1 record keeps what was changed here since"
    found = {t["id"]: t for t in json.loads(cli.ok("export"))["task"]}
    assert found["11111111222233334444555555555555"]["title"] == "Draft carousel v2"


def test_a_campaign_of_the_same_name_is_the_same_campaign(export: Path, tmp_path: Path) -> None:
    target = new_workspace(tmp_path, "a.db")
    target.ok("campaign", "add", "Spring Launch")
    here = json.loads(target.ok("campaign", "list", "--json"))[0]["id"]
    out = target.ok("import", str(export))
    assert "campaign" not in out.split(";")[0]  # nothing new of that kind
    assert [c["id"] for c in json.loads(target.ok("campaign", "list", "--json"))] == [here]
    carousel = next(t for t in json.loads(target.ok("export"))["task"] if t["title"] == "Draft carousel")
    assert carousel["campaign"] == here
    assert "nothing new" in target.ok("import", str(export))


def test_a_member_removed_here_is_not_brought_back_by_an_import(export: Path, tmp_path: Path) -> None:
    target = new_workspace(tmp_path, "a.db")
    target.ok("member", "add", "tunde", "--name", "Tunde Here", "--tz", "Africa/Lagos")
    target.ok("member", "rm", "tunde")
    before = ops(target.workspace)
    err = refusal(target("import", str(export)))
    assert "@tunde: was removed from this workspace" in err
    assert ops(target.workspace) == before


def test_a_guest_a_file_brings_stays_a_guest_and_a_manager_comes_as_a_member(cli: Cli, tmp_path: Path) -> None:
    # A client approver added as a member by a merge would read the whole workspace, which the roles table keeps from
    # them; a file never raises anyone (its manager comes as a member), but keeping a guest a guest raises no one.
    cli.ok("member", "add", "gus", "--name", "Gus Client", "--tz", "America/Chicago")
    cli.ok("member", "set", "gus", "--access", "guest")
    cli.ok("member", "add", "mia", "--name", "Mia Lopez", "--tz", "America/New_York")
    cli.ok("member", "set", "mia", "--access", "manager")
    export = tmp_path / "export.json"
    export.write_text(cli.ok("export"))
    target = new_workspace(tmp_path, "a.db")

    target.ok("import", str(export))

    access = {m["handle"]: m["access"] for m in json.loads(target.ok("member", "list", "--json"))}
    assert access["gus"] == "guest"
    assert access["mia"] == "member"


def _remove_campaign(workspace: Path, slug: str) -> str:
    """Remove a campaign (``crewdeck`` has no command for it; an undone creation, a replica's removal): its id."""
    with Store(workspace) as store:
        (campaign_id,) = [row_id for row_id, values in store.records("campaign") if values["name"].lower().replace(" ", "-") == slug]
        manager = next(row_id for row_id, values in store.records("member") if values["access"] == "manager")
        with store.write(manager) as w:
            w.set("campaign", campaign_id, {"deleted": True})
    return campaign_id


def test_a_guest_a_file_brings_sees_the_campaigns_the_file_gives_them_as_they_are_here(cli: Cli, tmp_path: Path) -> None:
    # A guest merged in saw nothing until a manager ran member set --campaigns: the file says what they see.
    target = new_workspace(tmp_path, "a.db")
    target.ok("campaign", "add", "Summer Sale")  # matched by name: the guest sees this one
    summer_here = json.loads(target.ok("campaign", "list", "--json"))[0]["id"]
    for name in ("Summer Sale", "Old One"):
        cli.ok("campaign", "add", name)
    first = tmp_path / "first.json"
    first.write_text(cli.ok("export"))
    target.ok("import", str(first))
    _remove_campaign(target.workspace, "old-one")  # removed here: stays removed, and the guest does not get it
    cli.ok("campaign", "add", "Gone")
    cli.ok("member", "add", "gus", "--name", "Gus Client", "--tz", "America/Chicago")
    cli.ok("member", "set", "gus", "--access", "guest", "--campaigns", "spring-launch,summer-sale,old-one,gone")
    gone = _remove_campaign(cli.workspace, "gone")  # removed in the source: not in the file
    export = tmp_path / "export.json"
    export.write_text(cli.ok("export"))

    out = target.ok("import", str(export))

    spring = next(c["id"] for c in json.loads(cli.ok("campaign", "list", "--json")) if c["name"] == "Spring Launch")
    gus = next(m for m in json.loads(target.ok("member", "list", "--json")) if m["handle"] == "gus")
    assert gus["access"] == "guest"
    assert sorted(gus["campaigns"]) == sorted([spring, summer_here])
    said = [part for part in out.strip().split("; ") if "@gus" in part and "campaign" in part]
    assert said == [
        f"@gus (guest) does not see 2 campaigns the file gives them: +old-one (removed here), campaign {gone[:8]} (not in the file)"
    ], out
    assert "nothing new" in target.ok("import", str(export))


def test_an_export_carrying_credits_imported_again_keeps_one_credit(cli: Cli, export: Path, tmp_path: Path) -> None:
    """Its own export imported back said "updated 1 task" and wrote the credit line a second time; a ledger
    entry's credited memo was "already here with another memo" and nothing was imported."""
    cli.ok(
        "ledger",
        "add",
        "--campaign",
        "spring-launch",
        "--category",
        "ads",
        "--amount",
        "5 EUR",
        "--payee",
        "X",
        "--memo",
        "boost",
        as_member="raj",
    )
    export.write_text(cli.ok("export"))
    target = new_workspace(tmp_path, "a.db")
    target.ok("import", str(export))
    own = tmp_path / "own.json"
    own.write_text(target.ok("export"))
    assert json.loads(own.read_text())["ledger_entry"][0]["memo"].startswith("boost · imported: entered by @raj")
    assert target.ok("import", str(own)).startswith("nothing new")
    doc = json.loads(own.read_text())
    carousel = next(t for t in doc["task"] if t["title"] == "Draft carousel")
    credit = carousel["notes"]
    assert credit.startswith("imported: entered by @raj")
    carousel["notes"] = "Three slides\n" + credit  # edited where the file came from, the credit kept
    own.write_text(json.dumps(doc))
    assert target.ok("import", str(own)).startswith("updated 1 task")
    notes = next(t for t in json.loads(target.ok("export"))["task"] if t["title"] == "Draft carousel")["notes"]
    assert notes == "Three slides\n" + credit
    assert target.ok("import", str(own)).startswith("nothing new")


def test_a_restore_refuses_control_characters_and_a_record_given_twice(cli: Cli, export: Path, tmp_path: Path) -> None:
    """A restore is not judged by the rules, so a title holding ESC and BEL came in (a later merge of the
    workspace's export was then refused); a task given twice said "imported 8 records" and kept the last."""
    doc = json.loads(export.read_text())
    doc["task"][0]["title"] = "Draft \x1b]52;c;QUFB\x07 carousel"
    doc["task"][1]["notes"] = "line one\nline two"  # a line break is text in notes
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    target = Cli(tmp_path / "empty.db")
    assert main(["init", str(target.workspace)]) == 0
    before = target.ok("export", as_member=None)
    refused = target("import", str(bad), as_member=None)
    task_id = doc["task"][0]["id"]
    assert refused.err == (
        f"{bad}: task 1 (“Draft ^[]52;c;QUFB^G carousel”, id {task_id[:12]}): title: text may not hold control characters (U+001B)\n"
        f"crewdeck: error: nothing imported: 1 bad record in {bad} (listed above)\n"
    )
    doc["task"][0]["title"] = "Draft carousel"
    doc["task"].append({**doc["task"][0], "title": "Another title"})
    bad.write_text(json.dumps(doc))
    twice = target("import", str(bad), as_member=None)
    assert twice.err == (
        f"{bad}: task 4 (“Another title”, id {task_id[:12]}): id: {task_id} already in task 1\n"
        f"crewdeck: error: nothing imported: 1 bad record in {bad} (listed above)\n"
    )
    assert target.ok("export", as_member=None) == before
    doc["task"].pop()
    bad.write_text(json.dumps(doc))
    assert target.ok("import", str(bad), as_member=None).startswith("imported ")


def test_a_merge_names_the_record_a_record_given_again_repeats(cli: Cli, export: Path, tmp_path: Path) -> None:
    """Into a workspace with data, a task given twice said "in the file more than once", and which other record of
    dozens was the first was for a person to find: it is named, as a restore names it."""
    doc = json.loads(export.read_text())
    doc["task"].append({**doc["task"][0], "title": "Another title"})
    bad = tmp_path / "twice.json"
    bad.write_text(json.dumps(doc))
    before = cli.ok("export")
    task_id = doc["task"][0]["id"]
    last = len(doc["task"])
    assert cli("import", str(bad)).err == (
        f"{bad}: task {last} (“Another title”, id {task_id[:12]}): id: {task_id} already in task 1\n"
        f"crewdeck: error: nothing imported: 1 bad record in {bad} (listed above)\n"
    )
    assert cli.ok("export") == before


def test_a_restore_refuses_two_live_members_with_one_handle_or_unix_user(export: Path, tmp_path: Path) -> None:
    """Two @raj came in, both mapped to one Unix user: who that user is on a shared host was a guess."""
    doc = json.loads(export.read_text())
    raj = next(m for m in doc["member"] if m["handle"] == "raj")
    raj["unix_user"] = "raj"
    gone = {**raj, "id": "e" * 32, "deleted": True}  # a removed member's handle may come back
    doc["member"] += [gone, {**raj, "id": "f" * 32, "handle": "raj2"}]
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(doc))
    target = Cli(tmp_path / "empty.db")
    assert main(["init", str(target.workspace)]) == 0
    result = target("import", str(path), as_member=None)
    first = doc["member"].index(raj) + 1
    assert result.err == (
        f"{path}: member {len(doc['member'])} (“{raj['name']}”, id ffffffffffff): unix_user: "
        f"Unix user 'raj' already belongs to member {first} (“{raj['name']}”, id {raj['id'][:12]}) (rule unique_unix_user)\n"
        f"crewdeck: error: nothing imported: 1 bad record in {path} (listed above)\n"
    )
    doc["member"][-1]["unix_user"] = "raj2"
    path.write_text(json.dumps(doc))
    assert target.ok("import", str(path), as_member=None).startswith("imported ")


def test_an_export_with_approvals_into_a_workspace_with_data_says_how_to_restore_it(tmp_path: Path) -> None:
    """A backup with an approved entry, imported after ``init --member``: refused (an approval is a manager's own act),
    and the line says the way that works, which then restores it whole."""
    demo = Cli(tmp_path / "demo.db")
    assert demo("demo", str(demo.workspace), as_member=None).code == 0
    backup = tmp_path / "backup.json"
    backup.write_text(demo.ok("export", as_member=None))
    target = new_workspace(tmp_path, "a.db")
    before = ops(target.workspace)
    err = refusal(target("import", str(backup)))
    assert (
        "an approval is a manager's own act" in err and "crewdeck init NEW.db, with no --member, then crewdeck -w NEW.db import FILE" in err
    )
    assert ops(target.workspace) == before
    restored = Cli(tmp_path / "NEW.db")
    assert main(["init", str(restored.workspace)]) == 0
    restored.ok("import", str(backup), as_member=None)
    assert restored.ok("export", as_member=None) == backup.read_text()
