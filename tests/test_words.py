"""Grammar and labels people read: counts of one, help texts, zone labels."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Cli


def test_a_count_of_one_is_singular(cli: Cli, tmp_path: Path) -> None:
    export = tmp_path / "tw.json"
    export.write_text(
        json.dumps(
            [{"uuid": "7f0c5e2a-1d2b-4c3d-9e8f-0a1b2c3d4e5f", "description": "Draft", "status": "pending", "entry": "20261120T090000Z"}]
        )
    )
    assert cli.ok("import", "--from", "taskwarrior", str(export)).strip() == "imported 1 task"
    rates = tmp_path / "rates.csv"
    rates.write_text("date,pair,rate\n2026-11-10,USD/EUR,0.9301\n")
    assert cli.ok("rate", "import", str(rates)).strip() == "imported 1 rate"
    spend = tmp_path / "spend.csv"
    spend.write_text("date,campaign,category,payee,amount,currency\n2026-11-05,spring-launch,tools,Canva,12.99,EUR\n")
    assert cli.ok("ledger", "import", str(spend)).strip() == "imported 1 entry"


def test_ledger_report_help_says_percent_once(cli: Cli) -> None:
    text = " ".join(cli.ok("ledger", "report", "--help").split())
    assert "remaining, % used" in text and "%%" not in text


def test_a_zone_whose_abbreviation_another_clock_shares_is_labelled_with_its_city(cli: Cli) -> None:
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "Asia/Manila")
    cli.ok("member", "add", "leo", "--name", "Leo", "--tz", "America/Los_Angeles")
    listing = cli.ok("member", "list")
    assert "PST Manila" in listing and "PST Los Angeles" in listing
    assert "CET" in listing and "CET Berlin" not in listing


def test_every_limit_refuses_zero_and_negative_numbers_in_one_line(cli: Cli) -> None:
    for command in (["tasks"], ["log"], ["ledger", "list"], ["overlap", "ana", "raj"]):
        for bad in ("0", "-1"):
            result = cli(*command, "--limit", bad)
            assert result.code == 2 and result.err.startswith("crewdeck: error: ") and result.err.count("\n") == 1, (
                command,
                bad,
                result.err,
            )
            assert "--limit" in result.err and "Traceback" not in result.err
