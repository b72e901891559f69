"""``crewdeck doctor``: incomplete and invalid records, listed and repaired by normal writes."""

from __future__ import annotations

import json

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.store import Store
from crewdeck.tui.workspace.workspace import Workspace

from .conftest import Cli
from .forged import Forger


def _ids(cli: Cli) -> tuple[str, str]:
    ws = Workspace.open(cli.workspace)
    try:
        return ws.member_by_handle("ana").id, ws.campaigns()[0].id
    finally:
        ws.close()


def test_a_workspace_with_nothing_wrong(cli: Cli) -> None:
    result = cli("doctor")
    assert result.code == 0 and result.out == "every record is complete and valid\n"


def test_doctor_lists_what_is_missing_and_repairs_it_as_readers_showed_it(cli: Cli) -> None:
    ana, spring = _ids(cli)
    forger = Forger(cli.workspace)
    campaign, task, member = new_id(), new_id(), new_id()
    forger.set("campaign", campaign, {"kpis": {"a": 1}})
    forger.set("task", task, {"priority": "high"})
    forger.set("member", member, {"name": "Only Name"})
    forger.set("budget", f"budget:{spring}:ads:run", {"amount": 50_000})
    forger.set("rate", "rate:2026-11-01:USDEUR", {"rate": "0.92"})
    forger.set("rate", "rate:2026-11-02:USDEUR", {"date": "2026-11-02", "base": "USD", "quote": "EUR"})  # no rate: not guessed
    shown_before = (cli.ok("tasks"), cli.ok("campaign", "list"), cli.ok("member", "list"))

    listed = cli("doctor")
    assert listed.code == 1
    lines = listed.out.splitlines()
    assert lines[0].split() == ["RECORD", "ID", "FIELD", "PROBLEM", "WHAT", "TO", "DO"]
    rows = [tuple(line.split(None, 3)[:3]) for line in lines[1:]]
    budget = f"budget:{spring[:8]}:ads:run"
    assert rows == [
        ("member", member[:8], "handle"),
        ("member", member[:8], "tz"),
        ("campaign", campaign[:8], "name"),
        ("task", task[:8], "title"),
        *((("budget", budget, f)) for f in ("campaign", "category", "period", "currency")),
        *(("rate", "rate:2026-11-01:USDEUR", f) for f in ("date", "base", "quote")),
        ("rate", "rate:2026-11-02:USDEUR", "rate"),
    ]
    assert [line.split(None, 4) for line in lines if line.startswith("campaign")] == [
        ["campaign", campaign[:8], "name", "missing", f'repair: "(unnamed campaign {campaign[:8]})"']
    ]
    assert "set it with: crewdeck rate set DATE BASE/QUOTE RATE" in listed.out
    assert listed.err == "12 problems in 6 records; crewdeck doctor --repair fixes 11\n"

    repaired = cli("doctor", "--repair")
    assert repaired.code == 1  # the rate with no number stays
    assert repaired.out.startswith("repaired 11 fields of 5 records\n")
    assert [line.split(None, 4)[:4] for line in repaired.out.splitlines()[2:]] == [["rate", "rate:2026-11-02:USDEUR", "rate", "missing"]]
    with Store(cli.workspace) as store:
        assert store.record("task", task)["title"] == f"(untitled task {task[:8]})"  # type: ignore[index]
        assert (
            {k: store.record("member", member)[k] for k in ("handle", "name", "tz")}
            == {  # type: ignore[index]
                "handle": f"member-{member[:8]}",
                "name": "Only Name",
                "tz": "UTC",
            }
        )
        assert store.record("campaign", campaign)["name"] == f"(unnamed campaign {campaign[:8]})"  # type: ignore[index]
        budget = store.record("budget", f"budget:{spring}:ads:run")
        assert budget is not None and (budget["campaign"], budget["category"], budget["period"], budget["currency"], budget["amount"]) == (
            spring,
            "ads",
            "run",
            "EUR",
            50_000,
        )
        rate = store.record("rate", "rate:2026-11-01:USDEUR")
        assert rate is not None and (rate["date"], rate["base"], rate["quote"], rate["rate"]) == ("2026-11-01", "USD", "EUR", "0.92")
        # Normal writes, by the member who ran it: they sync like any edit.
        assert {op.member for op in store.history(task) if op.field == "title"} == {ana}
    assert (cli.ok("tasks"), cli.ok("campaign", "list"), cli.ok("member", "list")) == shown_before


def test_doctor_never_deletes_what_someone_typed(cli: Cli) -> None:
    _, spring = _ids(cli)
    forger = Forger(cli.workspace)
    long_title, spelled, emptied, entry = new_id(), new_id(), new_id(), new_id()
    forger.set("task", long_title, {"title": "t" * 600})  # the checks allow 500
    forger.set("task", spelled, {"title": "Reel", "platform": "insta\ngram"})  # a platform is one word
    forger.set("campaign", emptied, {"name": ""})  # an importer stored it
    forger.append(
        "ledger_entry",
        entry,
        {
            "date": "2026-11-25",
            "campaign": spring,
            "category": "ads",
            "payee": "",
            "amount": 100,
            "currency": "EUR",
            "memo": "",
            "reverses": None,
            "task": None,
            "entered_by": new_id(),
            "entered_at": "2026-11-25T10:00:00Z",
            "needs_approval": False,
        },
    )
    result = cli("doctor", "--repair")
    assert result.code == 1
    assert result.out.startswith("repaired 2 fields of 2 records\n")
    remaining = result.out.splitlines()[2:]
    assert [line.split()[:3] for line in remaining] == [["task", long_title[:8], "title"], ["ledger_entry", entry[:8], "payee"]]
    assert "longer than 500 characters" in remaining[0] and "set title by hand" in remaining[0]
    assert "entries are never edited" in remaining[1]
    with Store(cli.workspace) as store:
        assert store.record("task", long_title)["title"] == "t" * 600  # type: ignore[index]
        assert store.record("task", spelled)["platform"] == "insta^Jgram"  # type: ignore[index]
        assert store.record("campaign", emptied)["name"] == f"(unnamed campaign {emptied[:8]})"  # type: ignore[index]


def test_doctor_appears_in_the_help_and_listings_point_at_it(cli: Cli) -> None:
    assert "doctor" in cli.ok("--help") and "--repair" in cli.ok("doctor", "--help")
    Forger(cli.workspace).set("campaign", new_id(), {"status": "paused"})
    listed = cli("campaign", "list")
    assert "note: 1 campaign is incomplete or invalid, shown with placeholders; crewdeck doctor" in listed.err
    cli.ok("doctor", "--repair")
    assert cli("campaign", "list").err == ""
    assert json.loads(cli.ok("campaign", "list", "--json"))[0]["name"].startswith("(unnamed campaign ")


def test_doctor_checks_results_by_their_key_and_what_they_count(cli: Cli) -> None:
    _, spring = _ids(cli)
    post = cli.ok("add", "Reel one +spring-launch").strip()
    cli.ok("kpi", "add", post[:8], "2026-11-20", "impressions=500", "clicks=7")  # a sound result: nothing to say
    cli.ok("kpi", "add", "+spring-launch/instagram", "2026-11-20", "impressions=900")
    assert cli("doctor").code == 0
    forger = Forger(cli.workspace)
    nobody, gone = new_id(), new_id()
    bare = f"result:post:{post}:2026-11-21"
    forger.set("result", bare, {"impressions": 40})  # its counts alone: its id gives its key, nothing to say
    moved = f"result:campaign:{spring}:instagram:2026-11-22"
    forger.set("result", moved, {"kind": "campaign", "campaign": spring, "platform": "tiktok", "day": "2026-11-23", "clicks": 3})
    followers = "result:followers:instagram:2026-11-20"
    forger.set("result", followers, {"kind": "followers", "platform": "instagram", "day": "2026-11-20", "followers": 10, "clicks": 2})
    orphan = f"result:post:{nobody}:2026-11-20"
    forger.set("result", orphan, {"kind": "post", "post": nobody, "day": "2026-11-20", "impressions": 1})
    lost = f"result:campaign:{gone}:meta:2026-11-20"
    forger.set("result", lost, {"kind": "campaign", "campaign": gone, "platform": "meta", "day": "2026-11-20", "impressions": 1})

    listed = cli("doctor")
    assert listed.code == 1
    rows = [tuple(line.split(None, 3)[:3]) for line in listed.out.splitlines()[1:]]
    shown = {row_id: row_id.replace(post, post[:8]).replace(spring, spring[:8]) for row_id in (bare, moved)}
    shown[orphan], shown[lost] = orphan.replace(nobody, nobody[:8]), lost.replace(gone, gone[:8])
    assert sorted(rows) == sorted(
        [
            ("result", shown[moved], "platform"),
            ("result", shown[moved], "day"),
            ("result", followers, "clicks"),
            ("result", shown[orphan], "post"),
            ("result", shown[lost], "campaign"),
        ]
    )
    assert "'tiktok' is not what the id names" in listed.out and 'repair: "instagram"' in listed.out
    assert "a followers result holds followers only" in listed.out
    assert f"no post {nobody[:8]} here" in listed.out and f"no campaign {gone[:8]} here" in listed.out
    assert listed.err == "5 problems in 4 records; crewdeck doctor --repair fixes 2\n"

    repaired = cli("doctor", "--repair")
    assert repaired.out.startswith("repaired 2 fields of 1 record\n")
    with Store(cli.workspace) as store:
        assert {k: store.record("result", bare)[k] for k in ("kind", "post", "day", "impressions")} == {  # type: ignore[index]
            "kind": "post",
            "post": post,
            "day": "2026-11-21",
            "impressions": 40,
        }
        assert (store.record("result", moved)["platform"], store.record("result", moved)["day"]) == ("instagram", "2026-11-22")  # type: ignore[index]
        assert store.record("result", followers)["clicks"] == 2  # type: ignore[index]  # never deleted: listed with what to do
    assert sorted(line.split()[1] for line in repaired.out.splitlines()[2:]) == sorted([followers, shown[orphan], shown[lost]])


def test_a_handle_the_filters_read_as_a_word_is_listed_with_how_to_rename_it(cli: Cli) -> None:
    """A member given @me before the rules refused it (pulled as it is) keeps working; doctor says whom to rename, and how."""
    mei = new_id()
    Forger(cli.workspace).set("member", mei, {"handle": "me", "name": "Mei Lin", "tz": "Asia/Shanghai"})
    listed = cli("doctor")
    assert listed.code == 1 and listed.err == "1 problem in 1 record\n"
    (row,) = listed.out.splitlines()[1:]
    assert row.split(None, 3)[:3] == ["member", mei[:8], "handle"]
    assert "@me is what filters read as “you”: no filter finds this member by it" in row
    assert row.endswith("rename them (a manager): crewdeck member set me --handle NEW")
    # Shown as it is, with no note of placeholders; --repair writes nothing of it.
    shown = cli("member", "list")
    assert shown.code == 0 and "Mei Lin" in shown.out and shown.err == ""
    assert cli("doctor", "--repair").out == listed.out
    assert cli.ok("member", "set", "me", "--handle", "mei") == "Modified @me: renamed @me to @mei\n"
    assert cli("doctor").code == 0
