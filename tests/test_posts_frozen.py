"""Spend a crisis freezes: derived when the report is made, counted once a manager approves it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Cli, in_person
from .ledger_helpers import add, eur, ledger_team, report, total
from .test_cli import one_line_error


@pytest.fixture
def team(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """ana and mia are managers, raj a member; a second campaign, Autumn."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-20T12:00:00Z")
    ledger_team(cli)
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "UTC", "--access", "manager")
    cli.ok("campaign", "add", "Autumn")
    return cli


def test_spend_in_scope_dated_during_the_crisis_is_frozen_until_a_manager_approves_it(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    before = add(team, "100 EUR", date="2026-11-19")
    during = add(team, "40 EUR", date="2026-11-20", as_member="raj")  # entered before the crisis: its date decides
    team.ok("crisis", "start", "--reason", "Bad reply", "--campaign", "spring-launch")
    pending = add(team, "7 EUR", date="2026-11-21", extra=("--pending",))
    team.in_person("ledger", "approve", pending, as_member="mia")  # approved spend is untouched
    doc = report(team)
    assert total(doc)["spent"] == eur("107.00")
    assert total(doc)["frozen"] == eur("40.00") and total(doc)["frozen_entries"] == 1
    assert "frozen by a crisis: 40.00 EUR in 1 entry" in team.ok("ledger", "report")
    assert "rule managers_only" in one_line_error(team("ledger", "approve", during, as_member="raj"))
    team.in_person("ledger", "approve", during, as_member="mia")
    doc = report(team)
    assert total(doc)["spent"] == eur("147.00") and total(doc)["frozen_entries"] == 0
    assert "does not wait for approval" in one_line_error(team("ledger", "approve", before, as_member="mia"))


def test_the_crisis_scope_and_its_end_bound_what_is_frozen(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    team.ok("crisis", "start", "--reason", "Outage")  # every campaign
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-22T12:00:00Z")
    team.ok("crisis", "end", "--resume", "none")
    add(team, "10 EUR", date="2026-11-19")
    add(team, "20 EUR", date="2026-11-21")
    add(team, "30 EUR", date="2026-11-23")
    doc = report(team)
    assert total(doc)["spent"] == eur("40.00") and total(doc)["frozen"] == eur("20.00")


def test_a_platform_only_crisis_freezes_no_spend(team: Cli) -> None:
    team.ok("crisis", "start", "--reason", "Instagram outage", "--platform", "instagram")
    entry = add(team, "10 EUR", date="2026-11-21")
    doc = report(team)
    assert total(doc)["spent"] == eur("10.00") and total(doc)["frozen_entries"] == 0
    assert "does not wait for approval" in one_line_error(team("ledger", "approve", entry, as_member="mia"))


def test_a_frozen_entry_and_its_reversal_leave_the_rest_frozen(team: Cli) -> None:
    # Freezing took each entry's amount off its currency and dropped the currency once it came to
    # zero: after the 10 EUR, the 40 EUR and its reversal found no EUR left (a traceback).
    team.ok("crisis", "start", "--reason", "Outage")
    add(team, "10 EUR", date="2026-11-20")
    team.ok("ledger", "reverse", add(team, "40 EUR", date="2026-11-21"))
    doc = report(team)
    assert total(doc)["spent"] == eur("0.00") and total(doc)["frozen"] == eur("10.00")
    assert total(doc)["by_currency"] == []


def test_frozen_spend_with_no_rate_reads_rate_missing_never_a_sum_that_leaves_it_out(team: Cli) -> None:
    """A frozen 50 CHF with no CHF/EUR rate was left out of the frozen sum: "frozen by a crisis: 37.00 EUR in 2 entries"
    read as the whole of it, where pending spend so reads "rate missing"."""
    team.ok("crisis", "start", "--reason", "Bad reply", "--campaign", "spring-launch")
    add(team, "40 USD", date="2026-11-21", as_member="raj")  # 37.00 EUR
    add(team, "50 CHF", date="2026-11-21", as_member="raj")  # no rate
    doc = report(team)
    assert total(doc)["frozen"] is None and total(doc)["frozen_entries"] == 2
    assert total(doc)["spent"] == eur("0.00")
    text = team.ok("ledger", "report")
    assert "frozen by a crisis: 2 entries (rate missing for 50.00 CHF), not in spent" in text
    # A refund of the same day that a manager approved counts, with no rate: never netted with the frozen spend to zero.
    refund = add(team, "-50 CHF", date="2026-11-21", as_member="raj")
    team.ok("ledger", "approve", refund, as_member="mia")
    doc = report(team)
    assert not total(doc)["complete"] and total(doc)["spent"] == eur("0.00") and total(doc)["frozen"] is None
    assert "incomplete: rates missing" in team.ok("ledger", "report")
    team.ok("rate", "set", "2026-11-01", "CHF/EUR", "1.05")
    assert total(report(team))["frozen"] == eur("89.50") and total(report(team))["spent"] == eur("-52.50")


def test_is_frozen_lists_the_spend_a_crisis_froze_until_a_manager_approves_it(team: Cli) -> None:
    """`is:frozen` was refused ("not a state"): a manager had no way to list what waits for their approval after a crisis."""

    def listed(query: str) -> set[str]:
        return {e["id"] for e in json.loads(team.ok("ledger", "list", query, "--json"))}

    assert listed("is:frozen") == set()  # no crisis: nothing frozen
    other = add(team, "5 EUR", date="2026-11-21", extra=("--campaign", "autumn"))  # the last --campaign counts
    team.ok("crisis", "start", "--reason", "Bad reply", "--campaign", "spring-launch")
    frozen = add(team, "40 EUR", date="2026-11-21", as_member="raj")
    before = add(team, "10 EUR", date="2026-11-19")
    assert listed("is:frozen") == {frozen}
    assert listed("-is:frozen") >= {other, before} and frozen not in listed("-is:frozen")
    assert listed("is:frozen @raj +spring-launch") == {frozen}
    team.in_person("ledger", "approve", frozen, as_member="mia")
    assert listed("is:frozen") == set()


def test_frozen_spend_reversed_waits_for_no_approval(team: Cli) -> None:
    """Frozen spend reversed stayed in `is:frozen` with its reversal, in the report's "2 entries frozen … until a manager
    approves each", and approving it changed nothing: the two net to zero, so neither waits for a manager."""
    team.ok("crisis", "start", "--reason", "Outage")
    kept = add(team, "10 EUR", date="2026-11-20", as_member="raj")
    taken_back = add(team, "40 EUR", date="2026-11-21", as_member="raj")
    reversal = team.ok("ledger", "reverse", taken_back).strip()
    assert {e["id"] for e in json.loads(team.ok("ledger", "list", "is:frozen", "--json"))} == {kept}
    doc = report(team)
    assert total(doc)["frozen_entries"] == 1 and total(doc)["frozen"] == eur("10.00") and total(doc)["spent"] == eur("0.00")
    assert f"was reversed ({reversal[:8]}): the two net to zero, nothing to approve" in one_line_error(
        team("ledger", "approve", taken_back, as_member="mia")
    )


def test_spend_entered_into_a_crisis_says_it_is_frozen_and_who_counts_it(team: Cli) -> None:
    """Spend typed in during a crisis printed its id alone, as spend that counts: the person who entered it read it as
    spent, where every report left it out until another manager approved it."""
    before = team("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "10", "--payee", "Meta")
    assert before.code == 0 and "frozen" not in before.err
    team.ok("crisis", "start", "--reason", "Bad reply", "--campaign", "spring-launch")
    entry = ("ledger", "add", "--category", "ads", "--amount", "40", "--payee", "Meta", "--date", "2026-11-20")
    frozen = team(*entry, "--campaign", "spring-launch")
    assert frozen.code == 0, frozen.err
    assert frozen.err.splitlines() == [
        "note: frozen by the crisis “Bad reply” (spend of its campaigns dated from 2026-11-20 on, Europe/Berlin): it counts once a "
        f"manager other than you approves it (crewdeck ledger approve {frozen.out.strip()[:8]})"
    ]
    # Another campaign's spend, and spend entered to wait for approval (pending, never frozen), are not said so.
    assert "frozen" not in team(*entry, "--campaign", "autumn").err
    assert "frozen" not in team(*entry, "--campaign", "spring-launch", "--pending").err


def test_spend_an_ended_crisis_and_an_open_one_both_freeze_is_said_frozen_by_the_open_one(
    team: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spend dated in an ended crisis's days and an open one's was said frozen by the ended one (started first), its
    days closed: the person read that spend dated after them counts, where the open crisis freezes it too."""
    over = team.ok("crisis", "start", "--reason", "Over", "--campaign", "spring-launch").strip()
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-21T12:00:00Z")
    team.ok("crisis", "start", "--reason", "Outage")
    team.ok("crisis", "end", over[:8], "--resume", "none")
    entry = team("ledger", "add", "--category", "ads", "--amount", "40", "--payee", "Meta", "--campaign", "spring-launch")
    assert entry.code == 0, entry.err
    assert entry.err.splitlines() == [
        "note: frozen by the crisis “Outage” (spend dated from 2026-11-21 on, Europe/Berlin): it counts once a manager other "
        f"than you approves it (crewdeck ledger approve {entry.out.strip()[:8]})"
    ]


def test_a_member_who_enters_spend_into_a_crisis_of_every_campaign_is_told_a_manager_counts_it(team: Cli, tmp_path: Path) -> None:
    """raj, a member, was told "once a manager other than you approves it (crewdeck ledger approve ID)", a command the
    rules refuse him (managers_only); and a crisis that names no campaign, so covers every one, said "spend of its
    campaigns", as if it named some.  A manager is still told the command another manager runs."""
    team.ok("crisis", "start", "--reason", "Outage")
    entry = ("ledger", "add", "--category", "ads", "--amount", "40", "--payee", "Meta", "--campaign", "spring-launch")
    member = team(*entry, as_member="raj")
    assert member.code == 0, member.err
    assert "rule managers_only" in one_line_error(team("ledger", "approve", member.out.strip(), as_member="raj"))
    assert member.err.splitlines() == [
        "note: frozen by the crisis “Outage” (spend dated from 2026-11-20 on, Asia/Kolkata): it counts once a manager approves it"
    ]
    manager = team(*entry)
    assert manager.err.splitlines() == [
        "note: frozen by the crisis “Outage” (spend dated from 2026-11-20 on, Europe/Berlin): it counts once a manager other "
        f"than you approves it (crewdeck ledger approve {manager.out.strip()[:8]})"
    ]
    path = tmp_path / "spend.csv"
    path.write_text("date,campaign,category,payee,amount\n2026-11-20,spring-launch,ads,Meta,12.50 EUR\n", encoding="utf-8")
    imported = team("ledger", "import", str(path), as_member="raj")
    assert imported.code == 0 and imported.out == "imported 1 entry\n", imported.err
    assert imported.err.splitlines() == [
        "note: 1 entry is frozen by the crisis “Outage”: it counts once a manager approves it (crewdeck ledger list is:frozen)"
    ]


def test_a_crisis_freezes_spend_dated_from_its_start_on_the_clock_of_whoever_entered_it(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crisis started at 00:30 UTC on Dec 7 is 16:30 on Dec 6 in Los Angeles: spend a member there entered during it,
    dated their today, counted at once, as its date was before the crisis's first day in UTC."""
    team.ok("member", "add", "lena", "--name", "Lena", "--tz", "America/Los_Angeles")
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-07T00:30:00Z")
    team.ok("crisis", "start", "--reason", "Bad press", "--campaign", "spring-launch")
    with in_person():  # dated her today, Dec 6
        los_angeles = team(
            "ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "40", "--payee", "Meta", as_member="lena"
        )
    assert "(spend of its campaigns dated from 2026-12-06 on, America/Los_Angeles): it counts once a manager" in los_angeles.err
    entry = los_angeles.out.strip()
    berlin = add(team, "10 EUR", date="2026-12-06")  # 01:30 on Dec 7 in Berlin: the day before is before the crisis
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-08T03:00:00Z")  # 19:00 on Dec 7 in Los Angeles, 04:00 on Dec 8 in Berlin
    team.ok("crisis", "end", "--resume", "none")
    after = add(team, "5 EUR", date="2026-12-08", as_member="lena")  # after the crisis's last day on her clock
    during = add(team, "7 EUR", date="2026-12-08")  # its last day on ana's
    doc = report(team)
    assert total(doc)["spent"] == eur("15.00")
    assert total(doc)["frozen"] == eur("47.00") and total(doc)["frozen_entries"] == 2
    assert {e["id"] for e in json.loads(team.ok("ledger", "list", "is:frozen", "--json"))} == {entry, during}
    assert {berlin, after} <= {e["id"] for e in json.loads(team.ok("ledger", "list", "-is:frozen", "--json"))}
    team.in_person("ledger", "approve", entry, as_member="mia")  # the rules read it frozen too: it waited for approval
    assert total(report(team))["spent"] == eur("55.00")
    assert "does not wait for approval" in one_line_error(team("ledger", "approve", after, as_member="mia"))


def test_ledger_report_names_ledger_approve_only_to_a_reader_who_may_approve(team: Cli) -> None:
    # The frozen line ended "(crewdeck ledger approve ID)" for raj, a member, whom the command refuses.
    add(team, "40 EUR", date="2026-11-20", as_member="raj")
    team.ok("crisis", "start", "--reason", "Bad reply", "--campaign", "spring-launch")
    manager = [line for line in team.ok("ledger", "report").splitlines() if "frozen by a crisis" in line]
    member = [line for line in team.ok("ledger", "report", as_member="raj").splitlines() if "frozen by a crisis" in line]
    assert manager == ["frozen by a crisis: 40.00 EUR in 1 entry, not in spent until a manager approves each (crewdeck ledger approve ID)"]
    assert member == ["frozen by a crisis: 40.00 EUR in 1 entry, not in spent until a manager approves each"]
