"""Text read from a file or typed is composed before it is compared with what is stored (composed, NFC): a file or a
filter that spells an accent as its own mark (as a Mac may) finds what a composed one finds."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from crewdeck.sync.state.store import Store
from crewdeck.tui.ledger.actions import derived_id

from .conftest import Cli


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _ledger_csv(tmp_path: Path, payee: str, memo: str) -> Path:
    csv = tmp_path / "bank.csv"
    csv.write_text(f"date,campaign,category,payee,amount,currency,memo\n2026-11-02,spring-launch,ads,{payee},12.50,EUR,{memo}\n")
    return csv


def test_a_ledger_csv_with_a_decomposed_payee_and_memo_imports_again_as_already_there(cli: Cli, tmp_path: Path) -> None:
    """Reviewer rf: the second import said "already holds a different entry" and imported nothing (the file's bytes
    were compared with the entry stored composed)."""
    csv = _ledger_csv(tmp_path, _nfd("Café Paris"), _nfd("Crème brûlée"))
    cli.ok("ledger", "import", str(csv))
    again = cli("ledger", "import", str(csv))
    assert again.code == 0, again.err
    assert "1 already in the ledger" in again.out + again.err
    assert cli.ok("ledger", "list").count("Café Paris") == 1


def test_an_entry_imported_from_a_decomposed_file_before_is_found_by_the_id_that_import_gave_it(cli: Cli, tmp_path: Path) -> None:
    """An import's id is derived from the file's text as written, as the build before derived it from the text it then
    stored as written: its entry is not imported twice (nor would two replicas of the two builds import it twice)."""
    payee, memo = _nfd("Café Paris"), _nfd("Crème brûlée")
    with Store(cli.workspace) as store:
        (campaign,) = store.conn.execute("SELECT id FROM campaign WHERE name = 'Spring Launch'").fetchone()
        (ana,) = store.conn.execute("SELECT id FROM member WHERE handle = 'ana'").fetchone()
        before = derived_id("import", "2026-11-02", campaign, "ads", payee, "1250", "EUR", memo, "", "False", "1")
        record = {"date": "2026-11-02", "campaign": campaign, "category": "ads", "payee": payee, "amount": 1250}
        record |= {"currency": "EUR", "memo": memo, "task": None, "entered_by": ana, "entered_at": "2026-11-03T09:00:00Z"}
        with store.write(ana) as w:
            w.append("ledger_entry", record, row_id=before)
    again = cli("ledger", "import", str(_ledger_csv(tmp_path, payee, memo)))
    assert again.code == 0, again.err
    assert "1 already in the ledger" in again.out + again.err


#: A campaign's name no slug spells (Hangul): matched by its letters, which a Mac's file spells as their jamo.
SPRING = "봄 캠페인"


def _ids(cli: Cli, title: str) -> tuple[str | None, str | None, str | None, str]:
    with Store(cli.workspace) as store:
        row = store.conn.execute(
            "SELECT m.handle, c.name, t.platform, t.tags FROM task t LEFT JOIN member m ON m.id = t.assignee "
            "LEFT JOIN campaign c ON c.id = t.campaign WHERE t.title = ?",
            (title,),
        ).fetchone()
    assert row is not None, title
    return row


def test_an_asana_file_naming_a_member_a_project_and_a_platform_decomposed_matches_them(cli: Cli, tmp_path: Path) -> None:
    """Reviewer rf: "left unassigned (no such member): José Núñez" for a member of that name, stored composed; the
    project and the platform label were new names too."""
    cli.ok("member", "add", "jose", "--name", "José Núñez", "--tz", "Europe/Madrid")
    cli.ok("campaign", "add", SPRING, "--platforms", "rádio")
    csv = tmp_path / "asana.csv"
    csv.write_text(
        "Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Assignee,Assignee Email,Start Date,Due Date,"
        "Tags,Notes,Projects,Parent task,Priority\n"
        f"3000000,2026-01-10,,,Task p,{_nfd('Pròxim')},{_nfd('José Núñez')},,,2026-10-01,{_nfd('Rádio')},,{_nfd(SPRING)},,High\n"
    )
    out = cli("import", "--from", "asana", str(csv), "--map-status", "Pròxim=doing")
    assert out.code == 0, out.err
    assert "not members here" not in out.out + out.err and "never" not in out.err
    assert _ids(cli, "Task p")[:3] == ("jose", SPRING, "rádio")
    with Store(cli.workspace) as store:
        assert store.conn.execute("SELECT status FROM task WHERE title = 'Task p'").fetchone() == ("doing",)
        assert store.conn.execute("SELECT count(*) FROM campaign").fetchone() == (2,)


def test_a_taskwarrior_project_decomposed_is_the_campaign_of_that_name_and_a_tag_spelled_twice_one_tag(cli: Cli, tmp_path: Path) -> None:
    cli.ok("campaign", "add", SPRING)
    record = {
        "uuid": "11111111-2222-3333-4444-555555555555",
        "description": "Poster",
        "status": "pending",
        "project": _nfd(SPRING),
        "tags": ["café", _nfd("café")],
    }
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([record]))
    cli.ok("import", "--from", "taskwarrior", str(path))
    assert _ids(cli, "Poster")[1:] == (SPRING, None, '["café"]')
    with Store(cli.workspace) as store:
        assert store.conn.execute("SELECT count(*) FROM campaign").fetchone() == (2,)


def test_a_ledger_csv_naming_a_campaign_decomposed_records_its_spend(cli: Cli, tmp_path: Path) -> None:
    cli.ok("campaign", "add", SPRING)
    csv = tmp_path / "bank.csv"
    csv.write_text(f"date,campaign,category,payee,amount,currency\n2026-11-02,{_nfd(SPRING)},ads,Print shop,12.50,EUR\n")
    out = cli("ledger", "import", str(csv))
    assert out.code == 0, out.err


def test_a_kpi_file_naming_a_post_and_a_campaign_decomposed_finds_them(cli: Cli, tmp_path: Path) -> None:
    cli.ok("campaign", "add", SPRING, "--platforms", "instagram")
    cli.ok("add", "Crème reel +spring-launch")
    csv = tmp_path / "kpi.csv"
    csv.write_text(f"date,post,campaign,platform,clicks\n2026-11-20,{_nfd('Crème reel')},,,7\n2026-11-20,,{_nfd(SPRING)},instagram,3\n")
    out = cli("kpi", "import", str(csv), "--format", "csv")
    assert out.code == 0, out.err
    assert out.out.startswith("imported 2 rows: 2 changed")


def test_a_ledger_filter_pasted_with_an_accent_as_its_own_mark_finds_the_entry(cli: Cli) -> None:
    """Reviewer rf: `payee:Café` pasted from a Mac found nothing: its LIKE pattern was built from the value as typed."""
    cli.ok(
        "ledger",
        "add",
        "--amount",
        "12.50 EUR",
        "--campaign",
        "spring-launch",
        "--category",
        "ads",
        "--payee",
        "Café Paris",
        "--memo",
        "crème",
    )

    def payees(*query: str) -> list[str]:
        return [r["payee"] for r in json.loads(cli.ok("ledger", "list", *query, "--json"))]

    assert payees(f"payee:{_nfd('Café')}") == ["Café Paris"]
    assert payees(_nfd("crème")) == ["Café Paris"]
