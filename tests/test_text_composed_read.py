"""Text read from a file or typed is composed before it is compared with what is stored (composed, NFC): a file or a
filter that spells an accent as its own mark (as a Mac may) finds what a composed one finds."""

from __future__ import annotations

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
