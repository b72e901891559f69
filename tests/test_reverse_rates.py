"""A rate set the other way round (EUR/INR in a EUR workspace) converts INR as hledger infers a reverse price."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.ledger import entries

from .conftest import Cli
from .syncsupport import crewdeck
from .test_ledger_hledger import amounts, hledger


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Priya's workspace: EUR, a campaign on meta, INR spend and value, the rate set as EUR/INR."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-25T12:00:00Z")
    path = tmp_path / "ws.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "Asia/Kolkata", "--currency", "EUR")
    w = ["-w", str(path), "--as", "ana"]
    crewdeck(*w, "campaign", "add", "Launch", "--platforms", "meta")
    crewdeck(*w, "rate", "set", "2026-11-01", "EUR/INR", "89.5")
    crewdeck(*w, "kpi", "add", "+launch/meta", "2026-11-20", "clicks=7", "conversions=3", "value=2000.00 INR")
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta Ads", "--date", "2026-11-20"]
    crewdeck(*ledger, "--amount", "1000.00 INR")
    crewdeck(*ledger, "--amount", "5.00 EUR")
    return path


def _kpi_report(ws: Path) -> dict:
    return json.loads(crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--json", "--period", "2026-11"))


def test_spend_and_value_in_a_currency_with_only_the_reverse_rate_are_converted_by_1_over_it(ws: Path) -> None:
    # It said "rate missing: no INR/EUR rate" with EUR/INR set, and every cost KPI of the campaign read "rate missing".
    (row,) = _kpi_report(ws)["rows"]
    # 1000 / 89.5 = 11.17318435...: rounded once, as the amount is, never the rate first (1/89.5 to 0.011173 gives 11.17300).
    assert row["spend"] == {"amount": "16.17", "currency": "EUR"}  # 5.00 + 11.173184...
    assert row["kpis"]["cpc"]["value"] == "2.31"  # 16.173184... / 7 = 2.3104...
    assert row["kpis"]["cpa"]["value"] == "5.39"  # / 3 = 5.3910...
    assert row["kpis"]["roas"]["value"] == "1.38"  # 2000 / 89.5 = 22.346368... / 16.173184... = 1.3817
    assert _kpi_report(ws)["rate_missing"] == []
    report = json.loads(crewdeck("-w", str(ws), "--as", "ana", "ledger", "report", "--json"))
    assert report["campaigns"][0]["total"]["spent"] == {"amount": "16.17", "currency": "EUR"}
    assert report["missing_rates"] == []


def test_a_direct_rate_wins_over_a_reverse_one_of_its_day_or_after(ws: Path) -> None:
    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-01", "INR/EUR", "0.01")
    (row,) = _kpi_report(ws)["rows"]
    assert row["spend"] == {"amount": "15.00", "currency": "EUR"}  # 5.00 + 1000 * 0.01
    # A later reverse rate changes nothing once a direct one is set, as hledger values (it read 5.00 + 1000 / 50).
    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-15", "EUR/INR", "50")
    (row,) = _kpi_report(ws)["rows"]
    assert row["spend"] == {"amount": "15.00", "currency": "EUR"}
    report = json.loads(crewdeck("-w", str(ws), "--as", "ana", "ledger", "report", "--json"))
    assert report["campaigns"][0]["total"]["spent"] == {"amount": "15.00", "currency": "EUR"}


def test_an_entry_says_the_rate_it_converts_at_as_it_was_set(ws: Path) -> None:
    with Store(ws) as store:
        (entry_id,) = store.conn.execute("SELECT id FROM ledger_entry WHERE currency = 'INR'").fetchone()
        shown = entries.detail(store.conn, entry_id, "EUR")
    assert shown is not None
    assert shown.in_base == "11.17 EUR at 1 EUR = 89.5 INR, the rate of 2026-11-01"


def test_with_no_rate_either_way_the_warning_names_both_and_the_one_to_add(ws: Path) -> None:
    w = ["-w", str(ws), "--as", "ana"]
    crewdeck(
        *w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Studio", "--date", "2026-11-21", "--amount=40 CHF"
    )
    # A chain (CHF/INR, then INR via EUR/INR) is no rate: never guessed.
    crewdeck(*w, "rate", "set", "2026-11-01", "CHF/INR", "95")
    said = Cli(ws)("kpi", "report", "--period", "2026-11")
    warning = (
        "warning: rate missing: no CHF/EUR (nor EUR/CHF) rate on or before 2026-11-21 for 40.00 CHF of spend (2026-11-21); "
        "add one with: crewdeck rate set 2026-11-21 CHF/EUR RATE\n"
    )
    assert said.code == 0 and warning in said.err, said.err
    report = Cli(ws)("ledger", "report")
    assert "no CHF/EUR (nor EUR/CHF) rate on or before 2026-11-21: 1 entry (2026-11-21..2026-11-21) is not in the totals" in report.err


def test_hledger_values_the_journal_as_the_report_does_with_rates_set_both_ways(ws: Path, tmp_path: Path) -> None:
    # The report took the latest rate either way round; hledger prefers one set into the base of any date before.
    w = ["-w", str(ws), "--as", "ana"]
    crewdeck(*w, "rate", "set", "2026-11-10", "INR/EUR", "0.01")
    crewdeck(*w, "rate", "set", "2026-11-15", "EUR/INR", "50")
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta Ads"]
    crewdeck(*ledger, "--date", "2026-11-05", "--amount", "1000.00 INR")  # before any direct rate: 1000 / 89.5
    report = json.loads(crewdeck(*w, "ledger", "report", "--json"))
    assert report["campaigns"][0]["total"]["spent"] == {"amount": "26.17", "currency": "EUR"}  # 11.17 + 10.00 + 5.00
    journal = tmp_path / "both.journal"
    crewdeck(*w, "ledger", "export", "--format", "hledger", "-o", str(journal))
    (total,) = [row for row in hledger(journal, "balance", "expenses", "--depth", "1", "--value=then,EUR")[1:] if row[0] != "total"]
    assert amounts(total[1]) == {"EUR": 2617}, total
