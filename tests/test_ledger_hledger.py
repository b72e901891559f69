"""The accountant's cross-check: the exported journal gives hledger crewdeck's totals.

A generated ledger of 1,200 entries in six currencies (two, zero and three
decimals), a few whose converted value ends in exactly half a cent, with refunds, reversals, pending and approved spend, run and
monthly budgets and rates on scattered dates, is exported with
``crewdeck ledger export --format hledger``; the real ``hledger`` binary
then reports it, and every total must equal ``crewdeck ledger report --json``
to the minor unit: per account and currency, converted per entry date
(``--value=then``), per month, per payee, and budget against actual.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crewdeck.sync.state.money import MAX_MINOR, decimal_to_minor, format_minor

from .conftest import Cli
from .ledger_gen import build
from .ledger_helpers import add, ledger_team

HLEDGER = shutil.which("hledger")
pytestmark = pytest.mark.skipif(
    HLEDGER is None, reason="LOUD SKIP: hledger is not installed (apt-get install hledger; .ci/run installs it)"
)
ENTRIES = 1_200


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, Path]:
    directory = tmp_path_factory.mktemp("hledger")
    cli = Cli(directory / "generated.db")
    build(cli.workspace, ENTRIES)
    journal = directory / "generated.journal"
    cli.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    return cli, journal


def hledger(journal: Path, *args: str) -> list[list[str]]:
    assert HLEDGER is not None
    done = subprocess.run([HLEDGER, "-f", str(journal), *args, "-O", "csv"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return list(csv.reader(io.StringIO(done.stdout)))


def amounts(text: str) -> dict[str, int]:
    """``"12.50 EUR, 3 JPY"`` -> minor units per currency, zeros left out."""
    out: dict[str, int] = {}
    for part in text.split(", "):
        if part.strip() == "0":
            continue
        number, currency = part.split()
        minor = decimal_to_minor(Decimal(number), currency)
        if minor:
            out[currency] = minor
    return out


def ours(money: list[dict[str, str]] | dict[str, str] | None) -> dict[str, int]:
    items = [money] if isinstance(money, dict) else money or []
    return {m["currency"]: decimal_to_minor(Decimal(m["amount"]), m["currency"]) for m in items if Decimal(m["amount"])}


def report(cli: Cli, *args: str) -> dict[str, Any]:
    return json.loads(cli.ok("ledger", "report", "--json", *args))


def by_account(doc: dict[str, Any], field: str, depth: int = 4) -> dict[str, dict[str, int]]:
    out = {}
    for campaign in doc["campaigns"]:
        if depth == 3:
            out[f"expenses:campaign:{campaign['slug']}"] = ours(campaign["total"][field])
            continue
        for row in campaign["rows"]:
            out[f"expenses:campaign:{campaign['slug']}:{row[doc['by']]}"] = ours(row[field])
    return out


def test_the_generated_ledger_is_big_enough(ledger: tuple[Cli, Path]) -> None:
    cli, journal = ledger
    entries = json.loads(cli.ok("ledger", "list", "--json"))
    assert len(entries) >= 1_000
    assert {e["currency"] for e in entries} == {"EUR", "USD", "GBP", "JPY", "KWD", "CHF"}
    assert any(e["pending"] for e in entries) and any(e["reverses"] for e in entries)
    assert any(e["needs_approval"] and not e["pending"] for e in entries)
    assert "; pending approval:" in journal.read_text()


def test_balance_per_account_and_currency(ledger: tuple[Cli, Path]) -> None:
    cli, journal = ledger
    theirs = {r[0]: amounts(r[1]) for r in hledger(journal, "balance", "expenses")[1:] if r[0] != "total"}
    mine = {k: v for k, v in by_account(report(cli), "by_currency").items() if v}
    assert len(mine) >= 12
    assert theirs == mine


def test_balance_in_the_base_currency_at_each_entrys_rate(ledger: tuple[Cli, Path]) -> None:
    cli, journal = ledger
    doc = report(cli)
    assert doc["missing_rates"] == []
    theirs = {r[0]: amounts(r[1]) for r in hledger(journal, "balance", "expenses", "--value=then,EUR")[1:] if r[0] != "total"}
    assert theirs == {k: v for k, v in by_account(doc, "spent").items() if v}
    # Half a cent rounds to the even cent, in both programs.
    ties = {k.rsplit(":", 1)[1]: v.get("EUR", 0) for k, v in by_account(doc, "spent").items() if ":rounding-" in k}
    assert ties == {"rounding-a": 0, "rounding-b": 2, "rounding-c": 4, "rounding-d": -2}
    campaigns = {
        r[0]: amounts(r[1]) for r in hledger(journal, "balance", "expenses", "--depth", "3", "--value=then,EUR")[1:] if r[0] != "total"
    }
    assert campaigns == by_account(doc, "spent", depth=3)


def test_budget_against_actual(ledger: tuple[Cli, Path]) -> None:
    cli, journal = ledger
    doc = report(cli)
    rows = hledger(journal, "balance", "expenses", "--budget", "-b", "2025-12-01", "-e", "2027-01-01", "--value=then,EUR")
    actual = {r[0]: amounts(r[1]) for r in rows[1:] if r[0].count(":") >= 2}
    budget = {r[0]: amounts(r[2]) for r in rows[1:] if r[0].count(":") >= 2}
    mine_budget = {k: v for k, v in {**by_account(doc, "budget"), **by_account(doc, "budget", depth=3)}.items() if v}
    assert len(mine_budget) >= 9
    assert {k: v for k, v in budget.items() if v} == mine_budget
    spent = {**by_account(doc, "spent"), **by_account(doc, "spent", depth=3)}
    assert actual == {k: spent[k] for k in actual}


def test_per_month(ledger: tuple[Cli, Path]) -> None:
    cli, journal = ledger
    doc = report(cli, "--by", "month")
    rows = hledger(journal, "balance", "expenses", "-M", "--depth", "3", "--value=then,EUR")
    months = rows[0][1:]
    assert len(months) == 11
    compared = 0
    for campaign in doc["campaigns"]:
        theirs = next(r for r in rows if r[0] == f"expenses:campaign:{campaign['slug']}")
        spent = {row["month"]: ours(row["spent"]) for row in campaign["rows"]}
        for month, text in zip(months, theirs[1:]):
            assert amounts(text) == spent.get(month, {}), (campaign["slug"], month)
            compared += 1
    assert compared == 33


def test_per_payee(ledger: tuple[Cli, Path]) -> None:
    cli, journal = ledger
    doc = report(cli, "--by", "payee")
    for campaign in doc["campaigns"]:
        rows = hledger(journal, "balance", f"expenses:campaign:{campaign['slug']}", "--pivot", "payee", "--value=then,EUR")
        theirs = {r[0]: amounts(r[1]) for r in rows[1:] if r[0] != "total"}
        assert len(theirs) >= 6
        assert theirs == {row["payee"]: ours(row["spent"]) for row in campaign["rows"] if ours(row["spent"])}


def test_spend_a_crisis_froze_is_left_out_of_the_journal_as_of_the_report(cli: Cli, tmp_path: Path) -> None:
    """The journal counted frozen spend as spent: hledger's balance was the report's plus the frozen 77 EUR."""
    team = ledger_team(cli)
    add(team, "100 EUR", date="2026-11-20")
    before = add(team, "40 EUR", date="2026-11-21", category="tools")
    team.ok("crisis", "start", "--reason", "a post went wrong", "--campaign", "spring-launch")
    add(team, "77 EUR", date="2026-11-26", as_member="raj")  # frozen
    approved = add(team, "5 EUR", date="2026-11-26", as_member="raj")
    team.ok("ledger", "approve", approved)  # a manager's approval unfreezes it
    team.ok("ledger", "reverse", before, as_member="ana")  # dated as its entry: before the crisis, not frozen
    doc = report(team)
    assert doc["campaigns"][0]["total"]["frozen"] == {"amount": "77.00", "currency": "EUR"}
    journal = tmp_path / "crisis.journal"
    team.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    theirs = {r[0]: amounts(r[1]) for r in hledger(journal, "balance", "expenses", "--value=then,EUR")[1:] if r[0] != "total"}
    assert theirs == {k: v for k, v in by_account(doc, "spent").items() if v}
    assert theirs["expenses:campaign:spring-launch:influencers"] == {"EUR": 10_500}
    assert "; frozen by a crisis" in journal.read_text()


def test_the_journal_passes_hledgers_strict_checks(ledger: tuple[Cli, Path]) -> None:
    """``hledger check -s`` said: undeclared account "expenses:campaign:...": the journal declared only its commodities."""
    _, journal = ledger
    assert HLEDGER is not None
    done = subprocess.run([HLEDGER, "-f", str(journal), "check", "-s"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    declared = [line.split()[1] for line in journal.read_text().splitlines() if line.startswith("account ")]
    assert "assets:campaign-funds" in declared and len(declared) >= 12


def test_a_payee_that_starts_like_a_status_or_a_code_stays_the_payee_in_hledger(cli: Cli, tmp_path: Path) -> None:
    """hledger read "(PO 17) Acme" as code "PO 17" and payee "Acme", and "* Star" as a cleared "Star": per payee, totals disagreed."""
    team = ledger_team(cli)
    payees = ["(PO 17) Acme", "* Star", "!Bang", "Plain"]
    for n, payee in enumerate(payees, start=1):
        add(team, f"{n}0 EUR", payee=payee, extra=("--memo", "invoice") if n == 3 else ())
    doc = report(team, "--by", "payee")
    journal = tmp_path / "payees.journal"
    team.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    rows = hledger(journal, "balance", "expenses", "--pivot", "payee")
    theirs = {r[0]: amounts(r[1]) for r in rows[1:] if r[0] != "total"}
    assert theirs == {row["payee"]: ours(row["spent"]) for row in doc["campaigns"][0]["rows"]}
    assert set(theirs) == set(payees)
    cleared = hledger(journal, "register", "--cleared")
    assert len(cleared) == 1  # the header only: no entry became a cleared one


def test_payees_that_differ_only_in_their_spaces_stay_apart_in_hledger(cli: Cli, tmp_path: Path) -> None:
    """The journal wrote "Studio  Nord" and "Studio\u00a0Nord" (a bank statement's no-break space) as "Studio Nord": per
    payee, hledger summed the three into 30.00 where the report lists three payees of 10.00."""
    team = ledger_team(cli)
    payees = ["Studio Nord", "Studio  Nord", "Studio\u00a0Nord"]
    for payee in payees:
        add(team, "10 EUR", payee=payee)
    doc = report(team, "--by", "payee")
    journal = tmp_path / "spaces.journal"
    team.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    theirs = {r[0]: amounts(r[1]) for r in hledger(journal, "balance", "expenses", "--pivot", "payee")[1:] if r[0] != "total"}
    assert theirs == {row["payee"]: ours(row["spent"]) for row in doc["campaigns"][0]["rows"]}
    assert set(theirs) == set(payees)


def test_a_payee_with_a_joiner_is_the_reports_payee_in_hledger(cli: Cli, tmp_path: Path) -> None:
    """A joiner is text (a Malayalam word-final letter's, before a space): written ``<U+200D>``, hledger's payee was
    another name than the report's."""
    team = ledger_team(cli)
    payee = "\u0d1f\u0d4d\u0d30\u0d3e\u0d35\u0d32\u0d4d\u200d Tours"
    add(team, "10 EUR", payee=payee)
    doc = report(team, "--by", "payee")
    journal = tmp_path / "joiner.journal"
    team.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    theirs = {r[0]: amounts(r[1]) for r in hledger(journal, "balance", "expenses", "--pivot", "payee")[1:] if r[0] != "total"}
    assert theirs == {row["payee"]: ours(row["spent"]) for row in doc["campaigns"][0]["rows"]} == {payee: theirs[payee]}


def test_hledger_inverts_a_rate_out_of_the_base_as_the_report_does_and_chains_none(cli: Cli, tmp_path: Path) -> None:
    """With EUR/CHF, both value 100 CHF at 1 / 0.95 (hledger's reverse price); with GBP/USD and USD/EUR, hledger valued
    100 GBP (a chain) that the report leaves out for want of a rate: the journal gives it no such price."""
    team = ledger_team(cli)
    team.ok("rate", "set", "2026-11-01", "EUR/CHF", "0.95")
    team.ok("rate", "set", "2026-11-01", "GBP/USD", "1.25")
    add(team, "100 CHF", payee="Swiss")
    add(team, "100 GBP", payee="British")
    add(team, "10 USD", payee="American")
    doc = report(team)
    assert {m["currency"] for m in doc["missing_rates"]} == {"GBP"}
    journal = tmp_path / "rates.journal"
    team.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    theirs = {r[0]: amounts(r[1]) for r in hledger(journal, "balance", "expenses", "--value=then,EUR")[1:] if r[0] != "total"}
    # What hledger cannot value stays in its own currency; what it values is the report's spent: 9.25 + 105.263157...
    assert theirs == {"expenses:campaign:spring-launch:influencers": {"EUR": 11_451, "GBP": 10_000}}
    assert doc["campaigns"][0]["total"]["spent"] == {"amount": "114.51", "currency": "EUR"}
    text = journal.read_text()
    assert "\nP 2026-11-01 EUR 0.95 CHF\n" in text and "; P 2026-11-01 GBP 1.25 USD" in text


def test_a_run_budget_in_another_currency_of_a_campaign_with_no_start_is_left_out_as_the_report_leaves_it(cli: Cli, tmp_path: Path) -> None:
    """The report says "rate missing" for 300 USD for the run of a campaign with no start date (no day to pick a rate
    on), but the journal placed it on the first entry's day, where hledger valued it: a budget of 370.00 EUR, not 92.50."""
    team = ledger_team(cli)
    team.ok("campaign", "add", "Autumn")
    team.ok("budget", "set", "autumn", "ads", "300 USD")  # the run: no start date
    team.ok("budget", "set", "autumn", "ads", "100 USD", "--month", "2026-11")
    team.ok("budget", "set", "autumn", "tools", "70 EUR")  # the base currency needs no rate: placed on the first entry's day
    team.ok("ledger", "add", "--campaign", "autumn", "--category", "ads", "--amount", "40 EUR", "--payee", "A", "--date", "2026-11-15")
    doc = report(team, "--campaign", "autumn")
    rows = {row["category"]: row for row in doc["campaigns"][0]["rows"]}
    assert rows["ads"]["budget"] is None and rows["ads"]["budget_unconverted"] == [{"amount": "300.00", "currency": "USD"}]
    assert rows["tools"]["budget"] == {"amount": "70.00", "currency": "EUR"}
    journal = tmp_path / "autumn.journal"
    team.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    text = journal.read_text()
    assert "; budget for the run of autumn, ads: 300.00 USD left out, the campaign has no start date" in text
    budget = hledger(journal, "balance", "expenses:campaign:autumn", "--budget", "-b", "2026-01-01", "-e", "2027-01-01")
    goals = {r[0]: amounts(r[2]) for r in budget[1:] if r[0].count(":") == 3}
    assert goals == {"expenses:campaign:autumn:ads": {"USD": 10_000}, "expenses:campaign:autumn:tools": {"EUR": 7_000}}
    done = subprocess.run([HLEDGER or "hledger", "-f", str(journal), "check", "-s"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_run_budget_counts_in_each_month_of_hledgers_monthly_budget_report_as_in_the_reports(cli: Cli, tmp_path: Path) -> None:
    """Tom's run budget over three months was one goal on the run's first day: ``hledger balance --budget -M`` gave the
    first month all 1,000.00 EUR and the others none, where ``ledger report --by month`` gives each month its days' share
    (250.00, 455.88, 294.12); a run budget in USD is valued at the run's first day's rate in both, not at each month's."""
    team = ledger_team(cli)
    team.ok("campaign", "add", "Winter Push")
    team.ok("campaign", "set", "winter-push", "--start", "2026-11-15", "--end", "2027-01-20")  # 17 + 31 + 20 days
    team.ok("rate", "set", "2026-12-01", "USD/EUR", "0.9")  # the USD budget still converts at 0.925, its first day's
    team.ok("budget", "set", "winter-push", "ads", "1000")
    team.ok("budget", "set", "winter-push", "tools", "500 USD")
    team.ok("budget", "set", "winter-push", "tools", "100", "--month", "2026-12")
    team.ok("budget", "set", "spring-launch", "events", "300 GBP")  # no GBP rate: "rate missing" in the report, left out
    team.ok("ledger", "add", "--campaign", "winter-push", "--category", "ads", "--amount", "40 EUR", "--payee", "A", "--date", "2026-12-03")
    doc = report(team, "--campaign", "winter-push", "--by", "month")
    mine = {row["month"]: ours(row["budget"]) for row in doc["campaigns"][0]["rows"]}
    assert mine == {"2026-11": {"EUR": 34_925}, "2026-12": {"EUR": 77_668}, "2027-01": {"EUR": 43_657}}
    journal = tmp_path / "winter.journal"
    team.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    rows = hledger(
        journal,
        "balance",
        "expenses:campaign:winter-push",
        "--budget",
        "-M",
        "--depth",
        "3",
        "-b",
        "2026-11-01",
        "-e",
        "2027-02-01",
        "--value=then,EUR",
    )
    heads, total = rows[0], next(r for r in rows if r[0] == "expenses:campaign:winter-push")
    theirs = {heads[i]: amounts(total[i + 1]) for i in range(1, len(heads), 2)}
    assert theirs == mine
    per_category = hledger(
        journal, "balance", "expenses:campaign:winter-push", "--budget", "-b", "2026-11-01", "-e", "2027-02-01", "--value=then,EUR"
    )
    goals = {r[0].rsplit(":", 1)[1]: amounts(r[2]) for r in per_category[1:] if r[0].count(":") == 3}
    assert goals == {"ads": {"EUR": 100_000}, "tools": {"EUR": 46_250 + 10_000}}  # the parts add up to the budget
    left_out = "; budget for the run of spring-launch, events: 300.00 GBP left out, no GBP/EUR (nor EUR/GBP) rate on or before"
    assert left_out in journal.read_text()
    done = subprocess.run([HLEDGER or "hledger", "-f", str(journal), "check", "-s"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_run_budget_with_no_end_date_is_said_to_count_in_one_month_in_hledger_alone(cli: Cli, tmp_path: Path) -> None:
    """The report counts 900 EUR for an open-ended run in all-time totals alone (by month: the total, no month), where
    hledger's monthly budget report gives it all to the run's first month: the journal said nothing of the difference."""
    team = ledger_team(cli)
    team.ok("campaign", "add", "Always On")
    team.ok("campaign", "set", "always-on", "--start", "2026-11-10")  # no end
    team.ok("budget", "set", "always-on", "ads", "900")
    doc = report(team, "--campaign", "always-on", "--by", "month")
    assert doc["campaigns"][0]["total"]["budget"] == {"amount": "900.00", "currency": "EUR"}
    assert all(row["budget"] is None or Decimal(row["budget"]["amount"]) == 0 for row in doc["campaigns"][0]["rows"])
    journal = tmp_path / "open.journal"
    team.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    text = journal.read_text()
    assert (
        "; budget for the run of always-on: the run has no end date, so crewdeck ledger report counts it in all-time "
        "totals alone; hledger counts it on 2026-11-10, in that month\n~ daily from 2026-11-10 to 2026-11-11" in text
    )
    rows = hledger(journal, "balance", "expenses:campaign:always-on", "--budget", "-b", "2026-11-01", "-e", "2027-01-01")
    assert {r[0]: amounts(r[2]) for r in rows[1:] if r[0].count(":") == 3} == {"expenses:campaign:always-on:ads": {"EUR": 90_000}}


def test_the_largest_amounts_past_a_64_bit_sum_add_up_in_the_reports_as_in_hledger(cli: Cli, tmp_path: Path) -> None:
    """SQLite's ``sum()`` of 9,224 entries of the largest amount passes 2^63: ``ledger report`` and ``kpi report`` said
    "the workspace file cannot be used: integer overflow" of a sound file, and ``ledger add`` refused every entry of the
    campaign once it had a budget (its over-budget note reads the report)."""
    team = ledger_team(cli)
    rows = 9_300
    statement = tmp_path / "largest.csv"
    statement.write_text("date,payee,amount\n" + f"2026-11-20,Mega,{format_minor(MAX_MINOR, 'EUR')}\n" * rows)
    team.ok("ledger", "import", str(statement), "--campaign", "spring-launch", "--category", "media")
    team.ok("budget", "set", "spring-launch", "media", "100 EUR")
    add(team, "1 EUR", category="media")
    spent = MAX_MINOR * rows + 100
    assert ours(report(team)["campaigns"][0]["total"]["spent"]) == {"EUR": spent}
    kpis = json.loads(team.ok("kpi", "report", "--json"))
    assert ours(kpis["rows"][0]["spend"]) == {"EUR": spent}
    journal = tmp_path / "largest.journal"
    team.ok("ledger", "export", "--format", "hledger", "-o", str(journal))
    theirs = {r[0]: amounts(r[1]) for r in hledger(journal, "balance", "expenses")[1:] if r[0] != "total"}
    assert theirs == {"expenses:campaign:spring-launch:media": {"EUR": spent}}
