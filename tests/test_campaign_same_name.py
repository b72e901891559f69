"""Two campaigns of one name, each added on a replica that had not pulled the other's: nothing that names a campaign
guesses between them (the CLI's arguments, filters, quick-add, imports of every kind); lists, reports and the hledger
journal tell them apart by their short ids."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.tasks.views import views
from crewdeck.tui.workspace.workspace import Workspace

from .importfixtures import BOARD, trello_board, trello_card, trello_json
from .syncsupport import Server, crewdeck, crewdeck_fails, listing, make_team, new_token


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A replica after ana added "Launch" on her laptop's and on her phone's, neither pulled, and both synced: two
    campaigns of the slug launch."""
    directory = tmp_path_factory.mktemp("launches")
    team = make_team(directory)
    server = Server([str(team)]).start()
    try:
        replicas = [directory / "laptop.db", directory / "phone.db"]
        for replica in replicas:
            crewdeck("join", server.url, "--token", new_token("ana", "--workspace", str(team)), str(replica))
        for replica in replicas:
            crewdeck("-w", str(replica), "--as", "ana", "campaign", "add", "Launch")
        for replica in (*replicas, replicas[0]):
            crewdeck("-w", str(replica), "sync")
    finally:
        server.stop()
    return replicas[0]


@pytest.fixture
def ws(synced: Path, tmp_path: Path) -> Path:
    """A copy of the synced replica, for a test's own writes (its server is gone: writes stay unsent)."""
    copy = tmp_path / "ana.db"
    shutil.copy(synced, copy)
    return copy


def _launches(ws: Path) -> list[str]:
    with Store(ws) as store:
        rows = store.conn.execute("SELECT id FROM campaign WHERE name = 'Launch' AND deleted = 0 ORDER BY id").fetchall()
    assert len(rows) == 2
    return [row[0] for row in rows]


def _said_both(err: str, ids: list[str]) -> None:
    assert err.count("\n") == 1, err
    assert "2 campaigns are named +launch: " in err
    assert f"+launch-{ids[0][:8]} (Launch), +launch-{ids[1][:8]} (Launch)" in err
    assert f"crewdeck campaign set {ids[0][:8]} --rename NAME" in err


def _count(ws: Path, table: str) -> int:
    with Store(ws) as store:
        return int(store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_every_command_naming_the_shared_name_refuses_naming_both(ws: Path, tmp_path: Path) -> None:
    ids = _launches(ws)
    entries = tmp_path / "spend.csv"
    entries.write_text("date,category,payee,amount\n2026-11-20,ads,Meta,12.00 EUR\n")
    for args in (
        ["add", "Write the brief +launch"],
        ["tasks", "+launch"],
        ["ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta", "--amount", "10 EUR"],
        ["ledger", "import", str(entries), "--campaign", "Launch"],
        ["budget", "set", "launch", "ads", "100 EUR"],
        ["campaign", "set", "+launch", "--status", "done"],
    ):
        _said_both(crewdeck_fails("-w", str(ws), "--as", "ana", *args), ids)
    assert (_count(ws, "task"), _count(ws, "ledger_entry"), _count(ws, "budget")) == (0, 0, 0)
    # As the line says: one named as the list names it, or by its id; or renamed, after which the name is the other's.
    crewdeck("-w", str(ws), "--as", "ana", "add", f"Write the brief +launch-{ids[1][:8]}")
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", ids[0][:8], "--rename", "Launch EU")
    crewdeck("-w", str(ws), "--as", "ana", "add", "Book the venue +launch")
    with Store(ws) as store:
        assert store.conn.execute("SELECT campaign FROM task ORDER BY title").fetchall() == [(ids[1],), (ids[1],)]


def test_campaign_list_and_the_task_list_tell_them_apart(ws: Path) -> None:
    ids = _launches(ws)
    listed = crewdeck("-w", str(ws), "campaign", "list")
    assert [line.split()[0] for line in listed.splitlines() if line.startswith("+")] == [f"+launch-{i[:8]}" for i in ids]
    crewdeck("-w", str(ws), "--as", "ana", "add", f"Write the brief +launch-{ids[0][:8]}")
    assert f"+launch-{ids[0][:8]}  Write the brief" in crewdeck("-w", str(ws), "tasks")


def test_the_app_s_campaign_views_show_each_its_own(ws: Path) -> None:
    ids = _launches(ws)
    opened = Workspace.open(ws)
    campaigns = opened.campaigns()
    opened.close()
    shown = [(v.id, v.query) for v in views(campaigns, None) if v.id.startswith("campaign:")]
    assert shown == [(f"campaign:launch-{i[:8]}", f"+launch-{i[:8]}") for i in ids]
    crewdeck("-w", str(ws), "--as", "ana", "add", f"Write the brief +launch-{ids[1][:8]}")
    assert crewdeck("-w", str(ws), "tasks", shown[1][1]).count("Write the brief") == 1
    assert listing("-w", str(ws), "tasks", shown[0][1]) == ""


def test_completion_offers_each_as_it_is_named(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _launches(ws)
    monkeypatch.setenv("CREWDECK_WORKSPACE", str(ws))
    monkeypatch.setenv("CREWDECK_COMPLETE_WORDS", "tasks")
    monkeypatch.setenv("CREWDECK_COMPLETE_CURRENT", "+la")
    assert crewdeck("completion", "--candidates").split() == [f"+launch-{i[:8]}" for i in ids]


def test_a_guest_of_both_is_told_both_and_one_of_neither_is_told_theirs(ws: Path, tmp_path: Path) -> None:
    """Guests on a plain file the synced replica was restored into (a replica acts as its token's member alone)."""
    ids = _launches(ws)
    crewdeck("-w", str(ws), "export", "-o", str(tmp_path / "team.json"))
    plain = tmp_path / "restored.db"
    crewdeck("init", str(plain))
    crewdeck("-w", str(plain), "import", str(tmp_path / "team.json"))
    crewdeck("-w", str(plain), "--as", "ana", "campaign", "add", "Autumn")
    for guest, campaigns in (("both", ",".join(i[:8] for i in ids)), ("other", "autumn")):
        crewdeck(
            "-w",
            str(plain),
            "--as",
            "ana",
            "member",
            "add",
            guest,
            "--name",
            guest,
            "--tz",
            "UTC",
            "--access",
            "guest",
            "--campaigns",
            campaigns,
        )
    _said_both(crewdeck_fails("-w", str(plain), "--as", "both", "post", "list", "+launch"), ids)
    assert (
        crewdeck_fails("-w", str(plain), "--as", "other", "post", "list", "+launch")
        == "crewdeck: error: +launch: no campaign of yours (+autumn)\n"
    )


def test_a_kpi_row_naming_the_shared_name_is_a_bad_row(ws: Path, tmp_path: Path) -> None:
    ids = _launches(ws)
    source = tmp_path / "results.csv"
    source.write_text(f"date,campaign,platform,impressions\n2026-11-20,Launch,meta,100\n2026-11-20,{ids[1][:8]},meta,50\n")
    err = crewdeck_fails("-w", str(ws), "--as", "ana", "kpi", "import", str(source), "--format", "csv")
    assert err.startswith(f"{source}:2: campaign: 2 campaigns are named +launch: "), err
    assert ":3:" not in err
    assert _count(ws, "result") == 0
    source.write_text(f"date,campaign,platform,impressions\n2026-11-20,+launch-{ids[0][:8]},meta,100\n2026-11-20,{ids[1][:8]},meta,50\n")
    crewdeck("-w", str(ws), "--as", "ana", "kpi", "import", str(source), "--format", "csv")
    report = crewdeck("-w", str(ws), "kpi", "report")
    assert [line.split()[0] for line in report.splitlines() if line.startswith("+")] == [f"+launch-{i[:8]}" for i in ids]


def test_a_ledger_row_naming_the_shared_name_is_a_bad_row(ws: Path, tmp_path: Path) -> None:
    ids = _launches(ws)
    source = tmp_path / "spend.csv"
    source.write_text(
        f"date,campaign,category,payee,amount\n2026-11-20,launch,ads,Meta,12.00 EUR\n2026-11-20,+launch-{ids[0][:8]},ads,Meta,3 EUR\n"
    )
    err = crewdeck_fails("-w", str(ws), "--as", "ana", "ledger", "import", str(source))
    assert f"{source}:2: campaign: 2 campaigns are named +launch: " in err
    assert ":3:" not in err
    assert _count(ws, "ledger_entry") == 0


@pytest.mark.parametrize(
    ("source", "text", "where"),
    [
        ("asana", "Task ID,Name,Projects\n1201,Write the brief,Launch\n1202,Book the venue,\n", ":2: Projects"),
        ("asana", "Task ID,Name,Tags\n1201,Write the brief,launch\n", ":2: Tags"),
        ("linear", "ID,Title,Project\nMKT-1,Write the brief,Launch\n", ":2: Project"),
        (
            "taskwarrior",
            json.dumps([{"uuid": "0" * 8 + "-0000-4000-8000-" + "0" * 12, "description": "Brief", "project": "Launch"}]),
            "task 1 (“Brief”, uuid 00000000): project",
        ),
    ],
)
def test_an_import_naming_the_shared_name_is_refused(ws: Path, tmp_path: Path, source: str, text: str, where: str) -> None:
    path = tmp_path / "source"
    path.write_text(text)
    err = crewdeck_fails("-w", str(ws), "--as", "ana", "import", "--offline", "--from", source, str(path))
    assert f"{where}: 2 campaigns are named +launch: " in err, err
    assert _count(ws, "task") == 0


def test_a_trello_card_labelled_with_the_shared_name_is_refused(ws: Path, tmp_path: Path) -> None:
    label = {"id": "lb-launch", "idBoard": BOARD, "name": "Launch", "color": "blue"}
    board = {
        **{key: value for key, value in trello_board().items() if key not in ("cards", "actions", "checklists")},
        "cards": [trello_card(1, idLabels=[label["id"]], labels=[label])],
        "labels": [label],
        "actions": [],
        "checklists": [],
    }
    path = tmp_path / "board.json"
    path.write_text(trello_json(board))
    err = crewdeck_fails("-w", str(ws), "--as", "ana", "import", "--offline", "--from", "trello", str(path))
    assert ": labels: 2 campaigns are named +launch: " in err, err
    assert _count(ws, "task") == 0


def test_an_export_whose_campaign_has_the_shared_name_is_refused(ws: Path, tmp_path: Path) -> None:
    other = tmp_path / "agency.db"
    crewdeck("init", str(other), "--member", "ana", "--name", "Ana", "--tz", "UTC")
    crewdeck("-w", str(other), "--as", "ana", "campaign", "add", "Launch")
    crewdeck("-w", str(other), "--as", "ana", "add", "Write the brief +launch")
    export = tmp_path / "agency.json"
    crewdeck("-w", str(other), "export", "-o", str(export))
    err = crewdeck_fails("-w", str(ws), "--as", "ana", "import", "--offline", str(export))
    assert ": name: 2 campaigns are named +launch: " in err, err
    assert (_count(ws, "task"), _count(ws, "campaign")) == (0, 2)


def test_the_ledger_report_and_the_hledger_journal_keep_their_spend_apart(ws: Path, tmp_path: Path) -> None:
    ids = _launches(ws)
    for campaign, amount in ((ids[0], "10"), (ids[1], "32")):
        spend = ["--date", "2026-11-20", "--category", "ads", "--payee", "Meta", "--amount", f"{amount} EUR"]
        crewdeck("-w", str(ws), "--as", "ana", "ledger", "add", "--campaign", campaign[:8], *spend)
    report = crewdeck("-w", str(ws), "ledger", "report")
    assert [line.split()[0] for line in report.splitlines() if line.startswith("+")] == [f"+launch-{i[:8]}" for i in ids]
    journal = tmp_path / "ledger.journal"
    crewdeck("-w", str(ws), "ledger", "export", "--format", "hledger", "-o", str(journal))
    balances = subprocess.run(
        ["hledger", "-f", str(journal), "bal", "expenses", "--flat", "-N"], capture_output=True, text=True, check=True
    ).stdout
    assert [line.split() for line in balances.splitlines()] == [
        ["10.00", "EUR", f"expenses:campaign:launch-{ids[0][:8]}:ads"],
        ["32.00", "EUR", f"expenses:campaign:launch-{ids[1][:8]}:ads"],
    ]


def test_a_campaign_named_as_a_list_tells_another_apart_is_neither_taken_for_it_nor_merged_with_it(ws: Path, tmp_path: Path) -> None:
    """Review ri: a third campaign named "launch-<the first's short id>" was listed as the first was, its spend in the
    first's hledger account, and `+launch-<id>` (what the refusal said to type) named it, not the Launch listed."""
    ids = _launches(ws)
    told = f"launch-{ids[0][:8]}"
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "add", told)
    with Store(ws) as store:
        third = store.conn.execute("SELECT id FROM campaign WHERE name = ?", (told,)).fetchone()[0]
    refused = crewdeck_fails("-w", str(ws), "--as", "ana", "add", f"Brief +{told}")
    assert refused.count("\n") == 1 and ids[0][:8] in refused and third[:8] in refused, refused
    listed = [line.split()[0] for line in crewdeck("-w", str(ws), "campaign", "list").splitlines() if line.startswith("+")]
    assert len(set(listed)) == 3 and f"+launch-{ids[0]}" in listed, listed  # the whole id, which no name is like
    for campaign in (ids[0], third):
        spend = ["--date", "2026-11-20", "--category", "ads", "--payee", "Meta", "--amount", "10 EUR"]
        crewdeck("-w", str(ws), "--as", "ana", "ledger", "add", "--campaign", campaign[:8], *spend)
    journal = tmp_path / "ledger.journal"
    crewdeck("-w", str(ws), "ledger", "export", "--format", "hledger", "-o", str(journal))
    balances = subprocess.run(
        ["hledger", "-f", str(journal), "bal", "expenses", "--flat", "-N"], capture_output=True, text=True, check=True
    ).stdout
    assert len(balances.splitlines()) == 2 and "20.00" not in balances, balances
    # Each is named as the list names it.
    crewdeck("-w", str(ws), "--as", "ana", "add", f"Brief +launch-{ids[0]}")
    with Store(ws) as store:
        assert store.conn.execute("SELECT campaign FROM task WHERE title = 'Brief'").fetchone() == (ids[0],)
