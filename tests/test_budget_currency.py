"""Budgets in their own currency, converted at the rate of their period's first day (issue 14, item 5)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.ledger.rates import RateBook
from crewdeck.tui.ledger.view import budget_view
from crewdeck.tui.workspace.workspace import Workspace

from .conftest import Cli
from .ledger_helpers import add, eur, ledger_team_in, report, row, total
from .test_cli import one_line_error
from .test_ledger_hledger import HLEDGER, amounts, hledger


@pytest.fixture
def team(tmp_path: Path) -> Cli:
    """EUR workspace; Spring Launch runs 2026-11-01..2026-12-31; USD/EUR 0.925 from 2026-11-01."""
    return ledger_team_in(tmp_path)


def cents(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def test_a_budget_keeps_its_own_currency(team: Cli) -> None:
    out = team.ok("budget", "set", "spring-launch", "influencers", "5000 USD")
    assert out.strip() == "budget +spring-launch/influencers for the run: 5,000.00 USD"
    with Store(team.workspace) as store:
        [(_, budget)] = list(store.records("budget"))
    assert (budget["amount"], budget["currency"]) == (500000, "USD")
    # A budget without a currency is in the base currency, as before.
    team.ok("budget", "set", "spring-launch", "tools", "300")
    with Store(team.workspace) as store:
        assert {v["category"]: v["currency"] for _, v in store.records("budget")} == {"influencers": "USD", "tools": "EUR"}


def test_budget_at_its_periods_first_day_and_spend_at_its_own_dates_rate(team: Cli) -> None:
    team.ok("rate", "set", "2026-11-15", "USD/EUR", "0.95")
    team.ok("budget", "set", "spring-launch", "influencers", "5000 USD")  # the run: from 2026-11-01, at 0.925
    add(team, "100 USD", date="2026-11-10")  # 0.925: 92.50
    add(team, "100 USD", date="2026-11-20")  # 0.95: 95.00
    doc = report(team)
    influencers = row(doc, "influencers")
    assert influencers["budget"] == eur("4625.00")  # not at 0.95, the rate of today
    assert influencers["spent"] == eur("187.50")
    assert influencers["remaining"] == eur("4437.50")
    assert influencers["complete"] is True and doc["missing_budget_rates"] == []
    # A month's budget: the rate dated its first day, or the latest before it; never a later one.
    team.ok("budget", "set", "spring-launch", "tools", "1000 USD", "--month", "2026-12")
    assert row(report(team), "tools")["budget"] == eur("950.00")  # 2026-11-15's rate
    team.ok("rate", "set", "2026-12-01", "USD/EUR", "0.9")
    team.ok("rate", "set", "2026-12-02", "USD/EUR", "1.5")
    assert row(report(team), "tools")["budget"] == eur("900.00")
    assert "900.00" in team.ok("ledger", "report")


def test_a_split_budget_keeps_one_rate(team: Cli) -> None:
    team.ok("budget", "set", "spring-launch", "influencers", "5000 USD")
    team.ok("rate", "set", "2026-12-01", "USD/EUR", "2")  # December's rate does not touch a budget that began in November
    whole = Decimal("5000") * Decimal("0.925")
    november = total(report(team, "--period", "2026-11"))
    assert november["budget"] == eur(cents(whole * 30 / 61))
    by_month = report(team, "--by", "month")
    assert row(by_month, "2026-11", "month")["budget"] == eur(cents(whole * 30 / 61))
    assert row(by_month, "2026-12", "month")["budget"] == eur(cents(whole * 31 / 61))
    assert total(by_month)["budget"] == eur("4625.00")


def test_no_rate_says_rate_missing_instead_of_guessing(team: Cli) -> None:
    team.ok("budget", "set", "spring-launch", "influencers", "4000 GBP")
    team.ok("budget", "set", "spring-launch", "tools", "300")
    add(team, "120 EUR")
    # A rate dated after the budget's first day is not used.
    team.ok("rate", "set", "2026-11-05", "GBP/EUR", "1.15")
    result = team("ledger", "report", "--json")
    assert result.code == 0
    assert (
        "warning: rate missing: no GBP/EUR (nor EUR/GBP) rate on or before 2026-11-01 for budget Spring Launch/influencers/run (4,000.00 GBP); "
        "add one with: crewdeck rate set 2026-11-01 GBP/EUR RATE"
    ) in result.err
    doc = report(team)
    influencers = row(doc, "influencers")
    assert influencers["budget"] is None and influencers["remaining"] is None and influencers["used_percent"] is None
    assert influencers["budget_unconverted"] == [{"amount": "4000.00", "currency": "GBP"}]
    assert influencers["complete"] is False and influencers["over_budget"] is False
    assert influencers["spent"] == eur("120.00")  # the spend is known
    assert total(doc)["budget"] is None and total(doc)["complete"] is False  # part of the total is unknown
    assert row(doc, "tools")["budget"] == eur("300.00") and row(doc, "tools")["complete"] is True
    assert doc["missing_budget_rates"] == [
        {
            "campaign": "Spring Launch",
            "category": "influencers",
            "period": "run",
            "rate_date": "2026-11-01",
            "amount": "4000.00",
            "currency": "GBP",
        }
    ]
    text = team.ok("ledger", "report")
    line = next(x for x in text.splitlines() if x.startswith("influencers"))
    assert "rate missing" in line and "incomplete: rates missing" in line
    # With the rate of the first day, it converts.
    team.ok("rate", "set", "2026-10-30", "GBP/EUR", "1.2")
    assert row(report(team), "influencers")["budget"] == eur("4800.00")
    assert "rate missing" not in team("ledger", "report").err


def test_a_run_without_a_start_has_no_rate_to_pick(team: Cli) -> None:
    team.ok("campaign", "add", "Winter Push")
    team.ok("budget", "set", "winter-push", "ads", "1000 USD")
    result = team("ledger", "report", "--campaign", "winter-push")
    assert "rate missing: budget Winter Push/ads/run (1,000.00 USD) is for the run of a campaign with no start date" in result.err
    assert report(team, "--campaign", "winter-push")["missing_budget_rates"][0]["rate_date"] is None


def test_the_ledger_pane_lines_say_no_rate(team: Cli) -> None:
    team.ok("budget", "set", "spring-launch", "influencers", "4000 GBP")
    team.ok("budget", "set", "spring-launch", "tools", "1000 USD")
    ws = Workspace.open(team.workspace)
    try:
        lines = {line.category: line for line in budget_view(ws.conn, "EUR", Period.all(), dt.date(2026, 11, 26)).lines}
    finally:
        ws.close()
    assert (lines["influencers"].budget, lines["influencers"].complete, lines["influencers"].used) == ("no rate", False, "")
    assert (lines["tools"].budget, lines["tools"].complete) == ("925.00", True)


def test_the_one_conversion(team: Cli) -> None:
    team.ok("rate", "set", "2026-11-15", "USD/EUR", "0.95")
    ws = Workspace.open(team.workspace)
    try:
        book = RateBook.load(ws.conn, "EUR")
    finally:
        ws.close()
    assert book.convert(10000, "USD", "2026-11-14") == Decimal("92.5")  # minor units, the rate before
    assert book.convert(10000, "USD", "2026-11-15") == Decimal("95")  # the rate of the day
    assert book.convert(Decimal("1.5"), "USD", "2026-12-31") == Decimal("1.425")  # major units
    assert book.convert(12345, "EUR", "2020-01-01") == Decimal("123.45")  # the base needs no rate
    assert book.convert(10000, "USD", "2026-10-31") is None  # no rate yet: missing, not guessed
    assert book.convert(10000, "GBP", "2026-11-20") is None


@pytest.mark.skipif(HLEDGER is None, reason="LOUD SKIP: hledger is not installed (apt-get install hledger; .ci/run installs it)")
def test_hledger_values_foreign_budgets_the_same_way(team: Cli, tmp_path: Path) -> None:
    team.ok("rate", "set", "2026-11-15", "USD/EUR", "0.95")
    team.ok("rate", "set", "2026-12-01", "USD/EUR", "0.9")
    team.ok("rate", "set", "2026-10-01", "GBP/EUR", "1.1512")
    team.ok("budget", "set", "spring-launch", "influencers", "5000 USD")
    team.ok("budget", "set", "spring-launch", "tools", "1000 USD", "--month", "2026-12")
    team.ok("budget", "set", "spring-launch", "events", "777.77 GBP", "--month", "2026-11")
    add(team, "100 USD", date="2026-11-20")
    journal = tmp_path / "ledger.journal"
    team.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    rows = hledger(journal, "balance", "expenses", "--budget", "-b", "2026-11-01", "-e", "2027-01-01", "--value=then,EUR")
    theirs = {r[0].rsplit(":", 1)[1]: amounts(r[2]) for r in rows[1:] if r[0].count(":") == 3}
    doc = report(team)
    mine = {r["category"]: {"EUR": int(Decimal(r["budget"]["amount"]) * 100)} for r in doc["campaigns"][0]["rows"]}
    assert theirs == mine == {"influencers": {"EUR": 462500}, "tools": {"EUR": 90000}, "events": {"EUR": 89537}}


def test_only_managers_set_budgets_in_any_currency(team: Cli) -> None:
    before = team.ok("export")
    assert "manager" in one_line_error(team("budget", "set", "spring-launch", "ads", "100 USD", as_member="raj"))
    assert team.ok("export") == before


def _cell(text: str, header: str, key: str) -> str:
    """The cell under ``header`` (set flush right, as the report's amounts are) on the line of ``key``."""
    lines = text.splitlines()
    heading = next(x for x in lines if x.startswith("CATEGORY"))
    end = heading.index(header) + len(header)
    line = next(x for x in lines if x.startswith(key))
    if len(line.rstrip()) < end:  # a line that ends before the column (nothing after it): an empty cell
        return ""
    return line[:end].rsplit("  ", 1)[-1].strip()


def test_pending_spend_with_no_rate_says_rate_missing_not_zero(team: Cli) -> None:
    # It read "PENDING 0.00" beside "incomplete: rates missing": an amount the report could not convert, shown as none.
    add(team, "120 EUR")
    add(team, "2500 CHF", extra=("--pending",))
    add(team, "500 EUR", category="tools", extra=("--pending",))
    text = team.ok("ledger", "report")
    assert _cell(text, "PENDING", "influencers") == "rate missing"
    assert _cell(text, "PENDING", "tools") == "500.00"
    # Part of the total's pending is unknown, so the total is: a sum without it would pass for the whole.
    assert _cell(text, "PENDING", "total") == "rate missing"
    assert _cell(text, "SPENT", "influencers") == "120.00"
    doc = report(team)
    assert row(doc, "influencers")["pending"] is None and row(doc, "influencers")["pending_entries"] == 1
    assert row(doc, "influencers")["unconverted"] == [{"amount": "2500.00", "currency": "CHF"}]
    assert row(doc, "tools")["pending"] == eur("500.00") and total(doc)["pending"] is None
    ws = Workspace.open(team.workspace)
    try:
        lines = {line.category: line for line in budget_view(ws.conn, "EUR", Period.all(), dt.date(2026, 11, 26)).lines}
    finally:
        ws.close()
    assert (lines["influencers"].pending, lines["tools"].pending, lines[""].pending) == ("no rate", "500.00", "no rate")
    # Pending spend with no rate that its reversal nets out is none: known, not missing (the pair waits for nothing).
    video = add(team, "300 CHF", category="video", extra=("--pending",))
    team.ok("ledger", "reverse", video)
    assert _cell(team.ok("ledger", "report"), "PENDING", "video") == ""
    assert row(report(team), "video")["pending"] == eur("0.00") and row(report(team), "video")["pending_entries"] == 0
    # With a rate, it converts.
    team.ok("rate", "set", "2026-11-01", "CHF/EUR", "1.05")
    assert _cell(team.ok("ledger", "report"), "PENDING", "total") == "3,125.00"


def test_spend_in_a_currency_with_no_rate_that_its_reversal_nets_out_needs_no_rate(team: Cli, tmp_path: Path) -> None:
    """50 CAD typed for 50 USD and reversed nets to zero at any rate, but the report said "incomplete: rates missing" and
    asked for a CAD/EUR rate for ever (the Budget pane marked the campaign `*`), where hledger's balance is complete."""
    typo = add(team, "50 CAD", date="2026-11-12")
    team.ok("ledger", "reverse", typo)
    add(team, "50 USD", date="2026-11-12")
    add(team, "4 EUR", date="2026-11-12", payee="Canva")
    pending = add(team, "20 CAD", category="tools", date="2026-11-13", extra=("--pending",), as_member="raj")
    team.ok("ledger", "reverse", pending, as_member="raj")
    result = team("ledger", "report")
    assert result.code == 0 and "rate" not in result.err and "incomplete" not in result.out, (result.out, result.err)
    doc = report(team)
    assert doc["missing_rates"] == [] and total(doc)["complete"] and total(doc)["unconverted"] == []
    assert total(doc)["spent"] == eur("50.25") and total(doc)["pending"] == eur("0.00")
    assert {"amount": "0.00", "currency": "CAD"} in total(doc)["by_currency"]  # it nets to zero in its own currency
    # So does the KPI report's spend, "as ledger report counts it": it read "rate missing" for 0.00 CAD of spend.
    kpi = json.loads(team.ok("kpi", "report", "--json"))
    assert kpi["rate_missing"] == [] and [r["spend"] for r in kpi["rows"]] == [eur("50.25")]
    # A CAD entry of its own still has no rate, and says so, also on the day of the two that net to zero.
    add(team, "10 CAD", date="2026-11-12")
    doc = report(team)
    assert [(m["currency"], m["entries"], m["amount"]) for m in doc["missing_rates"]] == [("CAD", 1, "10.00")]
    assert total(doc)["unconverted"] == [{"amount": "10.00", "currency": "CAD"}] and not total(doc)["complete"]
    assert [r["spend"] for r in json.loads(team.ok("kpi", "report", "--json"))["rows"]] == [None]


def test_budget_set_says_when_no_rate_converts_the_budget_as_ledger_add_says_of_spend(team: Cli) -> None:
    """5000 GBP for the run, no GBP rate: set without a word, and ledger report's BUDGET read "rate missing"."""
    gbp = team("budget", "set", "spring-launch", "influencers", "5000 GBP")
    assert gbp.out == "budget +spring-launch/influencers for the run: 5,000.00 GBP\n"
    # The run starts 2026-11-01: a run budget converts at that day's rate, as the report says.
    assert (
        gbp.err
        == "note: no GBP/EUR (nor EUR/GBP) rate on or before 2026-11-01: out of the totals (crewdeck rate set 2026-11-01 GBP/EUR RATE)\n"
    )
    month = team("budget", "set", "spring-launch", "tools", "300 GBP", "--month", "2026-12")
    assert (
        month.err
        == "note: no GBP/EUR (nor EUR/GBP) rate on or before 2026-12-01: out of the totals (crewdeck rate set 2026-12-01 GBP/EUR RATE)\n"
    )
    # USD has a rate from 2026-11-01; EUR needs none.
    assert not team("budget", "set", "spring-launch", "ads", "1000 USD").err
    assert not team("budget", "set", "spring-launch", "video", "1000").err
    # A run with no start picks no rate at all: said as the report says it, with what would give it one.
    team.ok("campaign", "add", "Evergreen")
    undated = team("budget", "set", "evergreen", "ads", "100 USD")
    assert undated.err == (
        "note: a budget for the run of a campaign with no start date: no USD/EUR rate can be picked, so it is out of the totals "
        "(crewdeck campaign set evergreen --start DATE)\n"
    )
