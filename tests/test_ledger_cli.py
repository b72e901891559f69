"""The ledger's commands: add, reverse, approve, list, report, budgets, rates, and their bad inputs."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest

from crewdeck.sync.state.rules import Refused
from crewdeck.sync.state.store import Store, WorkspaceError
from crewdeck.tui.cli.main import main
from crewdeck.tui.ledger import actions, journal, overbudget, pane_data
from crewdeck.tui.ledger.actions import EntryDraft
from crewdeck.tui.ledger.form import FormContext, parse_entry
from crewdeck.tui.session.session import Session
from crewdeck.tui.workspace.workspace import Workspace

from .conftest import Cli, in_person, on_a_terminal
from .ledger_helpers import add, eur, ledger_team_in, report, row, total
from .test_cli import one_line_error

NOW = dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)
#: A spend's fields besides its campaign and task.
SPEND = ("--category", "tools", "--payee", "Canva", "--amount", "12.50", "--date", "2026-11-20")


@pytest.fixture
def team(tmp_path: Path) -> Cli:
    return ledger_team_in(tmp_path)


def test_add_prints_the_id_and_list_shows_the_entry(team: Cli) -> None:
    entry = add(team, "120.50 EUR", extra=("--memo", "invoice 2026-117"))
    assert len(entry) == 32
    [shown] = json.loads(team.ok("ledger", "list", "--json"))
    assert shown["id"] == entry
    assert {k: shown[k] for k in ("amount", "currency", "campaign", "category", "payee", "memo", "entered_by", "pending")} == {
        "amount": "120.50",
        "currency": "EUR",
        "campaign": "spring-launch",
        "category": "influencers",
        "payee": "@cafe_mila",
        "memo": "invoice 2026-117",
        "entered_by": "ana",
        "pending": False,
    }
    text = team.ok("ledger", "list")
    assert entry[:8] in text and "120.50 EUR" in text and "+spring-launch" in text


def test_a_tab_in_a_payee_is_caret_notation_in_a_listing_and_kept_in_json(team: Cli, tmp_path: Path) -> None:
    """A tab sent to a terminal moved the rest of the row to its next tab stop.  A listing shows it ``^I`` wherever it
    goes (review rj: many tables are printed to a terminal without a width, read as a pipe's); JSON keeps it."""
    add(team, "12.00 EUR", payee="Meta\tAds")
    add(team, "3.00 EUR", payee="Canva")
    piped = team.ok("ledger", "list")
    assert "\t" not in piped and "Meta^IAds" in piped
    assert "Meta\tAds" in {e["payee"] for e in json.loads(team.ok("ledger", "list", "--json"))}
    shown = on_a_terminal(team, tmp_path, 160, "ledger", "list")
    meta, canva = (next(line for line in shown if payee in line) for payee in ("Meta^IAds", "Canva"))
    assert "\t" not in "\n".join(shown) and meta.index("12.00") == canva.index(" 3.00"), shown
    # A token's label in a table printed with no width (token list), and a task's title in the task listing.
    team.ok("token", "create", "raj", "--label", "lap\ttop")
    assert "lap^Itop" in team.ok("token", "list")
    team.ok("add", "Brief")
    task = json.loads(team.ok("tasks", "--json"))[0]["id"]
    team.ok("set", task, "title=Brief\tone")
    assert "Brief^Ione" in team.ok("tasks") and "\t" not in team.ok("tasks")


def test_amounts_keep_their_currencys_minor_unit(team: Cli) -> None:
    add(team, "15000 JPY", category="tools")
    add(team, "1.250 KWD", category="tools")
    add(team, "EUR 1234567.89", category="tools")
    amounts = {(r["amount"], r["currency"]) for r in json.loads(team.ok("ledger", "list", "--json"))}
    assert amounts == {("15000", "JPY"), ("1.250", "KWD"), ("1234567.89", "EUR")}
    assert "1,234,567.89 EUR" in team.ok("ledger", "list")


def test_report_budget_against_actual_in_the_base_currency(team: Cli) -> None:
    team.ok("budget", "set", "spring-launch", "influencers", "4000")
    team.ok("budget", "set", "spring-launch", "tools", "300 EUR", "--month", "2026-11")
    add(team, "1200.50 EUR")
    add(team, "100 USD", category="tools", payee="Canva")  # 92.50 EUR at 0.925
    doc = report(team)
    assert doc["base_currency"] == "EUR" and doc["as_of"] == "2026-11-26"
    influencers = row(doc, "influencers")
    assert influencers["budget"] == eur("4000.00")
    assert influencers["spent"] == eur("1200.50")
    assert influencers["remaining"] == eur("2799.50")
    assert influencers["used_percent"] == 30
    # 26 days of the run so far: 1200.50 / 26 = 46.17 a day, 61 days in all.
    assert influencers["burn_per_day"] == eur("46.17")
    assert influencers["forecast"] == eur("2816.56")
    tools = row(doc, "tools")
    assert tools["spent"] == eur("92.50") and tools["by_currency"] == [{"amount": "100.00", "currency": "USD"}]
    assert total(doc)["budget"] == eur("4300.00") and total(doc)["spent"] == eur("1293.00")
    assert not any(r["over_budget"] for r in doc["campaigns"][0]["rows"])
    text = team.ok("ledger", "report")
    assert "influencers" in text and "4,000.00" in text and "1,200.50" in text and "30%" in text


def test_over_budget_and_heading_over_are_flagged(team: Cli) -> None:
    team.ok("budget", "set", "spring-launch", "influencers", "1000")
    team.ok("budget", "set", "spring-launch", "tools", "1000")
    add(team, "1000.01 EUR")
    add(team, "600 EUR", category="tools", payee="Figma")
    doc = report(team)
    assert row(doc, "influencers")["over_budget"] and row(doc, "influencers")["remaining"] == eur("-0.01")
    tools = row(doc, "tools")
    assert not tools["over_budget"] and tools["forecast_over_budget"]  # 600 in 26 days of 61
    assert "OVER" in team.ok("ledger", "report")


def test_spend_that_takes_a_budget_over_says_so_once_with_the_reports_figures(team: Cli) -> None:
    """Nothing said so when an entry, an import or an approval took a category or a campaign over its budget: it showed
    only in a report run later.  Said in a note when the line crosses (the report's figures, converted at its rates),
    not again on the next entry of a line over already."""
    team.ok("budget", "set", "spring-launch", "influencers", "1000")
    team.ok("budget", "set", "spring-launch", "tools", "100", "--month", "2026-11")

    def notes(*args: str, as_member: str = "ana") -> list[str]:
        with in_person() if as_member != "ana" else contextlib.nullcontext():  # another's spend is theirs in person
            result = team(*args, as_member=as_member)
        assert result.code == 0, result.err
        return [line for line in result.err.splitlines() if "over budget" in line]

    entry = ("ledger", "add", "--campaign", "spring-launch", "--payee", "@cafe_mila", "--date", "2026-11-20")
    assert notes(*entry, "--category", "influencers", "--amount", "999.99") == []
    assert notes(*entry, "--category", "influencers", "--amount", "10 USD") == [
        "note: +spring-launch/influencers is over budget (All time): spent 1,009.24 of 1,000.00 EUR",  # 9.25 EUR, the rate's
    ]
    assert notes(*entry, "--category", "influencers", "--amount", "5") == []  # over already: said once
    # The campaign's total is a line of its own.
    assert notes(*entry, "--category", "tools", "--amount", "100") == [
        "note: +spring-launch is over budget (All time): spent 1,114.24 of 1,100.00 EUR",
    ]
    # A month budgeted alone: its line once (all time has the same figures), not its month's too.
    assert notes(*entry, "--category", "tools", "--amount", "0.01") == [
        "note: +spring-launch/tools is over budget (All time): spent 100.01 of 100.00 EUR",
    ]
    team.ok("budget", "set", "spring-launch", "tools", "900")  # for the run: the month's 100 is one budget of two now
    assert notes(*entry, "--category", "tools", "--amount", "0.01", "--date", "2026-11-21") == []
    # November's tools budget: its 100 and the run's 900 over the 30 of its 61 days that are November's (442.62...).
    assert notes(*entry, "--category", "tools", "--amount", "450", "--date", "2026-11-21") == [
        "note: +spring-launch/tools is over budget (Month 2026-11): spent 550.02 of 542.62 EUR",
    ]
    # Pending spend counts when approved: the approval says it, not the entry waiting.
    team.ok("budget", "set", "spring-launch", "ads", "50")
    assert notes(*entry, "--category", "ads", "--amount", "60", "--pending", as_member="raj") == []
    pending = json.loads(team.ok("ledger", "list", "is:pending", "--json"))[0]["id"]
    assert notes("ledger", "approve", pending) == ["note: +spring-launch/ads is over budget (All time): spent 60.00 of 50.00 EUR"]


def test_an_entry_is_said_over_only_the_budgets_of_its_own_campaign(team: Cli) -> None:
    """The lines an entry's note reads are its campaign's: another campaign's budget for the month is no line of
    this one's (here it made this campaign's November ads line, 30 of its 61 days of the run's 100, "over budget")."""
    team.ok("campaign", "add", "autumn-sale", "--start", "2026-11-01", "--end", "2026-12-31")
    team.ok("budget", "set", "autumn-sale", "ads", "10", "--month", "2026-11")
    team.ok("budget", "set", "spring-launch", "ads", "100")  # for the run: November's share is 49.18
    result = team("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "60", "--payee", "Meta")
    assert result.code == 0, result.err
    assert [line for line in result.err.splitlines() if "over budget" in line] == []  # 60 of the run's 100
    result = team("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "50", "--payee", "Meta")
    assert [line for line in result.err.splitlines() if "over budget" in line] == [
        "note: +spring-launch/ads, and so +spring-launch, is over budget (All time): spent 110.00 of 100.00 EUR"
    ]


def test_an_import_that_takes_a_budget_over_says_so_and_spend_no_rate_converts_is_never_guessed(team: Cli, tmp_path: Path) -> None:
    team.ok("budget", "set", "spring-launch", "tools", "100")
    path = tmp_path / "spend.csv"
    path.write_text(
        "date,campaign,category,payee,amount,currency\n"
        "2026-11-03,spring-launch,tools,Canva,60.00,EUR\n"
        "2026-11-04,spring-launch,tools,Figma,60.00,EUR\n"
        "2026-11-05,spring-launch,tools,Figma,900.00,SGD\n",
        "utf-8",
    )
    result = team("ledger", "import", str(path))
    assert result.code == 0, result.err
    assert [line for line in result.err.splitlines() if "over budget" in line] == [
        # Its only budget: the campaign as a whole too, in the one note.
        "note: +spring-launch/tools, and so +spring-launch, is over budget (All time): spent 120.00 of 100.00 EUR, not counting "
        "spend no rate converts (crewdeck ledger report lists it)",
    ]
    assert row(report(team), "tools")["spent"] == eur("120.00")


def test_an_import_of_history_names_five_lines_it_took_over_all_time_and_counts_the_rest(team: Cli, tmp_path: Path) -> None:
    """Review rc: a year's history imported said 826 over-budget notes, every month's line, burying the import's other
    notes (and built two reports per campaign and month): all time alone, the first five, the others counted."""
    rows = ["date,campaign,category,payee,amount,currency"]
    for month, category in enumerate(("ads", "tools", "travel", "video", "print", "events", "food"), start=1):
        team.ok("budget", "set", "spring-launch", category, "10")
        team.ok("budget", "set", "spring-launch", category, "5", "--month", "2026-11")
        rows.append(f"2026-11-{month:02d},spring-launch,{category},Shop,20.00,EUR")
    path = tmp_path / "history.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    said = [line for line in team("ledger", "import", str(path)).err.splitlines() if "over budget" in line]
    assert len(said) == 6 and all("(All time)" in line for line in said[:5]), said
    assert said[-1] == "note: and 3 more budget lines over budget now (crewdeck ledger report lists them)"


def test_another_members_spend_committed_during_an_entrys_write_is_not_said_as_the_entrys_crossing(team: Cli) -> None:
    """The lines over budget were read before the entry's transaction: raj's spend committed between that read and ana's
    write was told to ana as her entry taking the line over.  The read, the write and the read after are one
    transaction: raj's write waits for it (here, with no wait, is refused), and the crossing is his to hear."""
    team.ok("budget", "set", "spring-launch", "influencers", "1000")
    add(team, "800")
    hers, his = Workspace.open(team.workspace), Workspace(Store(team.workspace, busy_timeout=0))
    try:
        ana, raj = hers.member_by_handle("ana"), his.member_by_handle("raj")
        today = NOW.date()

        def draft(ws: Workspace, amount: str) -> EntryDraft:
            fields = {"date": "2026-11-20", "campaign": "spring-launch", "category": "influencers", "payee": "@cafe_mila", "amount": amount}
            return parse_entry(fields, FormContext.load(ws, today))

        def raj_spends() -> tuple[str, list[str]]:
            spend = draft(his, "300")
            return overbudget.around(
                his.store, "EUR", [(spend.campaign, spend.date)], today, lambda: actions.add_entry(his, raj, spend, NOW)
            )

        def ana_writes_while_raj_tries() -> str:
            with pytest.raises(WorkspaceError, match="stayed locked by another writer"):
                raj_spends()
            return actions.add_entry(hers, ana, mine, NOW)

        mine = draft(hers, "100")
        _, said_to_ana = overbudget.around(hers.store, "EUR", [(mine.campaign, mine.date)], today, ana_writes_while_raj_tries)
        assert said_to_ana == []  # 900 of 1,000
        assert raj_spends()[1] == [
            "+spring-launch/influencers, and so +spring-launch, is over budget (All time): spent 1,200.00 of 1,000.00 EUR"
        ]
    finally:
        hers.close()
        his.close()


def test_spend_committed_after_the_lines_were_read_without_the_lock_is_not_said_as_the_entrys_crossing(
    team: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lines over budget are read before the write lock is taken (another member's write waits less): raj's spend
    committed between that read and ana's lock took the line over, and ana's entry was then said to.  Her lock finds
    the file changed since the read and reads the lines again under it."""
    team.ok("budget", "set", "spring-launch", "influencers", "1000")
    add(team, "800")
    hers, his = Workspace.open(team.workspace), Workspace.open(team.workspace)
    try:
        ana, raj = hers.member_by_handle("ana"), his.member_by_handle("raj")
        today = NOW.date()

        def draft(ws: Workspace, amount: str) -> EntryDraft:
            fields = {"date": "2026-11-20", "campaign": "spring-launch", "category": "influencers", "payee": "@cafe_mila", "amount": amount}
            return parse_entry(fields, FormContext.load(ws, today))

        read = overbudget.watch
        reads: list[overbudget.Watch] = []

        def raj_spends_after_the_first_read(*args: object, **kwargs: object) -> overbudget.Watch:
            reads.append(read(*args, **kwargs))  # type: ignore[arg-type]
            if len(reads) == 1:
                actions.add_entry(his, raj, draft(his, "300"), NOW)  # 1,100 of 1,000: raj's crossing
            return reads[-1]

        monkeypatch.setattr(overbudget, "watch", raj_spends_after_the_first_read)
        mine = draft(hers, "100")
        _, said_to_ana = overbudget.around(
            hers.store, "EUR", [(mine.campaign, mine.date)], today, lambda: actions.add_entry(hers, ana, mine, NOW)
        )
        assert said_to_ana == []  # over before her entry (raj's 300), over after it
        assert len(reads) == 2
        # Nobody else writing since the read without the lock: the lines are read once.
        _, said = overbudget.around(hers.store, "EUR", [(mine.campaign, mine.date)], today, lambda: actions.add_entry(hers, ana, mine, NOW))
        assert said == [] and len(reads) == 3
    finally:
        hers.close()
        his.close()


def test_the_lines_over_budget_before_spend_in_many_campaigns_read_the_budgets_once(team: Cli) -> None:
    """Each campaign of an import's spend read every budget again (the table has no index by campaign): 400 campaigns
    held the write lock for 400 reads of the whole table, where one read does."""
    team.ok("campaign", "add", "autumn-sale", "--start", "2026-11-01", "--end", "2026-12-31")
    team.ok("budget", "set", "spring-launch", "influencers", "1000")
    team.ok("budget", "set", "autumn-sale", "ads", "500")
    ws = Workspace.open(team.workspace)
    try:
        spring, autumn = (
            ws.conn.execute("SELECT id FROM campaign WHERE name = ?", (name,)).fetchone()[0] for name in ("Spring Launch", "autumn-sale")
        )
        statements: list[str] = []
        ws.conn.set_trace_callback(statements.append)
        spend = [(spring, "2026-11-20"), (autumn, "2026-11-21"), (autumn, "2026-12-01")]
        watched = overbudget.watch(ws.conn, "EUR", spend, NOW.date())
        ws.conn.set_trace_callback(None)
        # The report of the two (all time) reads every budget once; the lines watched are read by campaign, once.
        by_campaign = [sql for sql in statements if "FROM budget" in sql and ("campaign = ?" in sql or "campaign IN (" in sql)]
        assert len(by_campaign) == 1, statements
        assert {campaign for campaign, _ in watched.lines} == {spring, autumn}
    finally:
        ws.close()


def test_report_by_month_and_by_payee(team: Cli) -> None:
    team.ok("budget", "set", "spring-launch", "influencers", "610")  # 10 a day over 61 days
    add(team, "100 EUR", date="2026-11-03")
    add(team, "50 EUR", date="2026-12-02", payee="@urban.lens")
    add(team, "25 EUR", date="2026-12-05")
    months = report(team, "--by", "month")
    assert row(months, "2026-11", "month")["budget"] == eur("300.00")
    assert row(months, "2026-12", "month")["budget"] == eur("310.00")
    assert row(months, "2026-12", "month")["spent"] == eur("75.00")
    payees = report(team, "--by", "payee")
    assert [(r["payee"], r["spent"]["amount"]) for r in payees["campaigns"][0]["rows"]] == [
        ("@cafe_mila", "125.00"),
        ("@urban.lens", "50.00"),
    ]
    november = report(team, "--period", "2026-11")
    assert total(november)["spent"] == eur("100.00") and total(november)["budget"] == eur("300.00")


def test_a_missing_rate_is_reported_not_guessed(team: Cli) -> None:
    add(team, "80 GBP", category="tools", date="2026-11-10")
    add(team, "10 USD", category="tools", date="2026-10-30")  # before the first USD rate
    add(team, "5 EUR", category="tools")
    result = team("ledger", "report", "--json")
    assert result.code == 0
    doc = json.loads(result.out)
    tools = row(doc, "tools")
    assert tools["spent"] == eur("5.00") and not tools["complete"]
    assert tools["unconverted"] == [{"amount": "80.00", "currency": "GBP"}, {"amount": "10.00", "currency": "USD"}]
    assert [(m["currency"], m["first"], m["entries"]) for m in doc["missing_rates"]] == [("GBP", "2026-11-10", 1), ("USD", "2026-10-30", 1)]
    assert (
        "no GBP/EUR (nor EUR/GBP) rate on or before 2026-11-10" in result.err and "crewdeck rate set 2026-11-10 GBP/EUR RATE" in result.err
    )


def test_reverse_nets_to_zero_and_cannot_be_repeated(team: Cli) -> None:
    entry = add(team, "100 USD", category="tools", payee="Canva")
    reversal = team.ok("ledger", "reverse", entry[:6], "--memo", "double charge").strip()
    assert len(reversal) == 32 and reversal != entry
    doc = report(team)
    assert row(doc, "tools")["spent"] == eur("0.00") and row(doc, "tools")["by_currency"] == [{"amount": "0.00", "currency": "USD"}]
    listed = {r["id"]: r for r in json.loads(team.ok("ledger", "list", "--json"))}
    assert listed[reversal]["reverses"] == entry and listed[entry]["reversed_by"] == reversal
    assert listed[reversal]["amount"] == "-100.00" and listed[reversal]["date"] == listed[entry]["date"]
    assert "already reversed" in one_line_error(team("ledger", "reverse", entry))
    assert "is itself a reversal" in one_line_error(team("ledger", "reverse", reversal))
    assert [r["id"] for r in json.loads(team.ok("ledger", "list", "is:reversal", "--json"))] == [reversal]


def test_pending_spend_counts_once_another_manager_approves(team: Cli) -> None:
    team.ok("member", "add", "mia", "--name", "Mia", "--tz", "Asia/Manila", "--role", "Project Manager", "--access", "manager")
    entry = add(team, "500 EUR", as_member="raj", extra=("--pending",))
    doc = report(team)
    assert row(doc, "influencers")["spent"] == eur("0.00") and row(doc, "influencers")["pending"] == eur("500.00")
    assert [r["id"] for r in json.loads(team.ok("ledger", "list", "is:pending", "--json"))] == [entry]
    assert "only a manager approves spend (@raj is a member) (rule managers_only)" in one_line_error(
        team("ledger", "approve", entry, as_member="raj")
    )
    team.ok("ledger", "approve", entry[:8])
    doc = report(team)
    assert row(doc, "influencers")["spent"] == eur("500.00") and row(doc, "influencers")["pending"] == eur("0.00")
    assert "already approved" in one_line_error(team("ledger", "approve", entry, as_member="mia"))
    own = add(team, "70 EUR", extra=("--pending",))
    assert "another manager must approve" in one_line_error(team("ledger", "approve", own))
    team.in_person("ledger", "approve", own, as_member="mia")
    assert row(report(team), "influencers")["spent"] == eur("570.00")
    plain = add(team, "1 EUR")
    assert "does not wait for approval" in one_line_error(team("ledger", "approve", plain))


def test_approve_takes_several_entries_all_or_none(team: Cli) -> None:
    """`ledger approve` took one id: a manager approving a week's pending spend ran it once per entry, each its own write."""
    first = add(team, "500 EUR", as_member="raj", extra=("--pending",))
    second = add(team, "70 EUR", as_member="raj", extra=("--pending",))
    own = add(team, "30 EUR", extra=("--pending",))
    plain = add(team, "1 EUR", as_member="raj")
    result = team("ledger", "approve", first[:8], second[:8], own[:8], plain[:8])
    assert result.code != 0 and not result.out
    lines = result.err.splitlines()
    assert lines[0].startswith(f"@ana entered {own[:8]}: another manager must approve it (rule self_approval)")
    assert "does not wait for approval" in lines[1] and "(rule not_pending)" in lines[1]
    assert lines[-1].endswith("nothing approved: 2 entries of 4 cannot be (listed above)")
    assert len(lines) == 3
    assert json.loads(team.ok("ledger", "list", "is:approved", "--json")) == []  # the two that could be were not
    assert team.ok("ledger", "approve", first[:8], second[:8], first).split() == [first, second]
    approved = {r["id"] for r in json.loads(team.ok("ledger", "list", "is:approved", "--json"))}
    assert approved == {first, second} and row(report(team), "influencers")["pending"] == eur("30.00")


def test_pending_spend_reversed_waits_for_nothing(team: Cli) -> None:
    """Pending spend reversed before it was approved read `pending` (its reversal too), stayed in `is:pending` and took
    an approval that changed no total: the two net to zero, so they read reversed and reversal, and nothing to approve."""
    entry = add(team, "500 EUR", as_member="raj", extra=("--pending",))
    waiting = add(team, "70 EUR", as_member="raj", extra=("--pending",))
    reversal = team.ok("ledger", "reverse", entry).strip()
    listed = {r["id"]: r for r in json.loads(team.ok("ledger", "list", "--json"))}
    assert (listed[entry]["pending"], listed[reversal]["pending"]) == (False, False)
    text = team.ok("ledger", "list", "+spring-launch")
    assert re.search(rf"{entry[:8]}.*  reversed  ", text) and re.search(rf"{reversal[:8]}.*  reversal  ", text), text
    assert [r["id"] for r in json.loads(team.ok("ledger", "list", "is:pending", "--json"))] == [waiting]
    doc = report(team)
    assert row(doc, "influencers")["pending"] == eur("70.00") and row(doc, "influencers")["spent"] == eur("0.00")
    assert f"is a reversal: it counts as {entry[:8]} does, never approved on its own" in one_line_error(team("ledger", "approve", reversal))
    refused = one_line_error(team("ledger", "approve", entry))
    assert f"entry {entry[:8]} was reversed ({reversal[:8]}): the two net to zero, nothing to approve" in refused
    assert not json.loads(team.ok("ledger", "list", "is:approved", "--json"))


def test_spend_dated_more_than_a_year_ahead_is_refused_and_ahead_is_said(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spend dated 2030 (a year typed wrong) was taken without a word and counted in every burn rate and forecast."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-26T10:00:00Z")
    refused = team("ledger", "add", "--campaign", "spring-launch", "--amount", "10 EUR", *SPEND[:4], "--date", "2030-11-20")
    assert refused.code != 0 and not refused.out
    assert refused.err.strip().endswith(
        "date: 2030-11-20 is more than a year ahead (today is 2026-11-26): a ledger records spend made; enter it when it is"
    )
    assert json.loads(team.ok("ledger", "list", "--json")) == []
    ahead = team("ledger", "add", "--campaign", "spring-launch", "--amount", "10 EUR", *SPEND[:4], "--date", "2026-12-01")
    assert ahead.code == 0 and len(ahead.out.strip()) == 32  # an invoice dated ahead is taken, and said
    assert ahead.err == (
        "note: dated 2026-12-01, 5 days after today (2026-11-26): spend is counted from its date; "
        f"if mistyped: crewdeck ledger reverse {ahead.out[:8]}\n"
    )
    assert not team("ledger", "add", "--campaign", "spring-launch", "--amount", "1 EUR", *SPEND).err  # dated before today: nothing


def test_spend_dated_by_a_weekday_is_the_last_one_and_by_a_date_without_its_year_the_nearer(
    team: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Thursday 2026-11-26 Diego logged Monday's invoice as --date mon and the 3rd's as "nov 3" in December: mon was
    dated Monday 2026-11-30 (ahead, with a note) and "nov 3" on 2026-12-05 was 2027-11-03, 333 days ahead, counted in
    every forecast: spend is made, so a weekday is the last one up to today, as kpi add reads it.  A date without its
    year is the nearer one: "dec 7" typed on the 6th, tomorrow's invoice, was filed silently a year back (2025-12-07)."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-26T10:00:00Z")
    args = ("ledger", "add", "--campaign", "spring-launch", "--amount", "10 EUR", *SPEND[:4], "--date")
    monday = team(*args, "mon")
    assert monday.code == 0 and not monday.err
    thursday = team(*args, "thu")  # today's weekday is today
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-05T10:00:00Z")
    november = team(*args, "nov 3")
    assert november.code == 0 and not november.err
    tomorrow = team(*args, "dec 6")
    assert tomorrow.code == 0 and tomorrow.err.startswith("note: dated 2026-12-06, 1 day after today (2026-12-05)")
    dates = {e["id"]: e["date"] for e in json.loads(team.ok("ledger", "list", "--json"))}
    assert dates == {
        monday.out.strip(): "2026-11-23",
        thursday.out.strip(): "2026-11-26",
        november.out.strip(): "2026-11-03",
        tomorrow.out.strip(): "2026-12-06",
    }
    ahead = team(*args, "tmrw")  # a day ahead said as one is still taken, and said
    assert ahead.code == 0 and ahead.err.startswith("note: dated 2026-12-06, 1 day after today (2026-12-05)")


def test_a_rate_set_for_a_date_without_its_year_is_the_nearer_one(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """rate set "dec 1" on 2026-12-05 set the rate from 2027-12-01: December's spend went on converting at November's;
    then "jan 1", a rate set ahead for the new year, was last January's, older than every other rate."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-05T10:00:00Z")
    assert team.ok("rate", "set", "dec 1", "USD/EUR", "0.91") == "2026-12-01: 1 USD = 0.91 EUR\n"
    assert team.ok("rate", "set", "mon", "USD/EUR", "0.92") == "2026-11-30: 1 USD = 0.92 EUR\n"  # a Saturday's mon
    assert team.ok("rate", "set", "jan 1", "USD/EUR", "0.93") == "2027-01-01: 1 USD = 0.93 EUR\n"


def test_spend_in_a_category_its_campaign_budgets_none_of_is_said(team: Cli) -> None:
    """Sam typed --category add for ads: taken without a word, a line of its own that no budget counts, while the ads
    line read 500.00 short and was not OVER."""
    team.ok("budget", "set", "spring-launch", "ads", "1000")
    team.ok("budget", "set", "spring-launch", "tools", "200", "--month", "2026-11")
    args = ("ledger", "add", "--campaign", "spring-launch", "--payee", "Meta", "--amount", "500 EUR", "--date", "2026-11-20")
    typo = team(*args, "--category", "add")
    assert typo.code == 0 and typo.err == (
        "note: +spring-launch has no budget for add (its budgets: ads, tools): the spend counts in no budget's line; "
        f"if mistyped: crewdeck ledger reverse {typo.out[:8]}\n"
    )
    assert not team(*args, "--category", "ads").err  # budgeted: nothing to say
    team.ok("campaign", "add", "Unbudgeted")
    assert not team(*args[:3], "unbudgeted", *args[4:], "--category", "add").err  # a campaign with no budgets: none either


def test_add_says_when_no_rate_converts_the_spend_into_the_reports_currency(team: Cli) -> None:
    """50 SGD added printed its id alone: the reports left it out (rate missing), while the app's pane said so at once."""
    args = ("ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--amount")
    sgd = team(*args, "50.00 SGD", "--date", "2026-11-20")
    assert sgd.code == 0 and len(sgd.out.strip()) == 32
    assert sgd.err == (
        "note: no SGD/EUR (nor EUR/SGD) rate on or before 2026-11-20: out of the totals (crewdeck rate set 2026-11-20 SGD/EUR RATE)\n"
    )
    # USD has a rate from 2026-11-01 (the team's): one dated before it has none yet.
    early = team(*args, "10.00 USD", "--date", "2026-10-30")
    assert early.err == (
        "note: no USD/EUR (nor EUR/USD) rate on or before 2026-10-30: out of the totals (crewdeck rate set 2026-10-30 USD/EUR RATE)\n"
    )
    assert not team(*args, "10.00 USD", "--date", "2026-11-20").err
    assert not team(*args, "10.00 EUR", "--date", "2026-11-20").err
    # A rate out of EUR converts it too: nothing to say.
    team.ok("rate", "set", "2026-11-01", "EUR/SGD", "1.52")
    assert not team(*args, "50.00 SGD", "--date", "2026-11-20").err


def test_list_filters(team: Cli) -> None:
    a = add(team, "10 EUR", category="tools", payee="Canva", date="2026-11-02")
    b = add(team, "20 USD", category="tools", payee="Figma", date="2026-12-02", as_member="raj")
    c = add(team, "30 EUR", payee="@cafe_mila", date="2026-12-03", extra=("--memo", "reel #3"))

    def ids(*query: str) -> list[str]:
        return [r["id"] for r in json.loads(team.ok("ledger", "list", *query, "--json"))]

    assert ids() == [c, b, a]
    assert ids("#tools") == [b, a] and ids("-#tools") == [c]
    assert ids("cur:usd") == [b] and ids("@raj") == [b] and ids("@me") == [c, a]
    assert ids("date:2026-12") == [c, b] and ids("--period", "2026-11") == [a]
    assert ids("payee:fig") == [b] and ids("reel") == [c] and ids("+spring-launch", "--limit", "1") == [c]
    # A period named from today (2026-11-26), as --period and hledger's date: name it: it was refused, "'thismonth' is
    # not a period", where `--period thismonth` was read.
    assert ids("date:thismonth") == ids("--period", "thismonth") == [a] and ids("-date:thismonth") == [c, b]
    assert ids("date:last month") == [] and ids("date:this quarter") == [c, b, a]
    assert "'next month' is not a period (2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026, today, yesterday" in one_line_error(
        team("ledger", "list", "date:next month")
    )
    # A term with nothing after its colon matched no entry, as the text "cur:" in no payee: said, as tasks' due: is.
    for term, said in (("cur:", "cur: a currency is missing (try cur:USD)"), ("-date:", "-date: a period is missing (try date:2026-11)")):
        assert one_line_error(team("ledger", "list", term)) == f"crewdeck: error: {said}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--amount", "12,50 EUR"], "use a dot as the decimal separator"),
        (["--amount", "1e3 EUR"], "is not a plain decimal number"),
        (["--amount", "-0 EUR"], "negative zero"),
        (["--amount", "0 EUR"], "zero records nothing"),
        (["--amount", "12.505 EUR"], "EUR has 2 decimal places, not 3"),
        (["--amount", "12.5 JPY"], "JPY has no minor unit"),
        (["--amount", "12.50 EUX"], "unknown currency 'EUX'"),
        # A word where the number goes is a bad number, not a currency: it said "unknown currency 'NAN'".
        (["--amount", "NaN EUR"], "amount 'NaN' is not a plain decimal number"),
        (["--amount", "Infinity USD"], "amount 'Infinity' is not a plain decimal number"),
        (["--amount", "EUR NaN"], "amount 'NaN' is not a plain decimal number"),
        (["--amount", "EUX 12.50"], "unknown currency 'EUX'"),
        (["--amount", "12.50 EUR", "--campaign", "winter-sale"], "unknown campaign +winter-sale"),
        (["--amount", "12.50", "--category", "Sponsored Posts"], "is not a category"),
        (["--amount", "12.50", "--date", "someday"], "'someday' is not a date"),
        (["--amount", "12.50", "--task", "zz"], "is not a task id"),
        (["--amount", "12.50", "--task", "abcd"], "no task with id abcd"),
        (["--amount", "12.50", "--payee", " "], "payee: required"),
    ],
)
def test_bad_entries_are_one_clear_line_and_nothing_is_written(team: Cli, args: list[str], message: str) -> None:
    before = team.ok("export")
    defaults = {"--campaign": "spring-launch", "--category": "influencers", "--payee": "Canva"}
    given = dict(zip(args[::2], args[1::2]))
    argv = [x for k, v in {**defaults, **given}.items() for x in (k, v)]
    assert message in one_line_error(team("ledger", "add", *argv))
    assert team.ok("export") == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["budget", "set", "spring-launch", "tools", "12,50"], "use a dot"),
        (["budget", "set", "spring-launch", "tools", "100 XXY"], "unknown currency 'XXY'"),
        (["budget", "set", "spring-launch", "tools", "-5"], "cannot be negative"),
        (["budget", "set", "spring-launch", "tools", "5", "--month", "2026-13"], "is not a budget period"),
        (["budget", "set", "winter", "tools", "5"], "unknown campaign"),
        (["rate", "set", "2026-11-01", "USD/EUR", "1e3"], "is not a plain decimal number"),
        (["rate", "set", "2026-11-01", "USD/EUR", "0"], "must be more than zero"),
        # A pair of three letters each was "not a currency pair like USD/EUR", as if written wrong: one is no currency.
        (["rate", "set", "2026-11-01", "USD/XXY", "0.9"], "'USD/XXY': unknown currency 'XXY' (use an ISO 4217 code"),
        (["rate", "set", "2026-11-01", "rmb:eur", "0.13"], "'rmb:eur': unknown currency 'RMB' (use an ISO 4217 code"),
        (["rate", "set", "2026-11-01", "USD/EURO", "0.9"], "'USD/EURO' is not a currency pair like USD/EUR"),
        (["rate", "set", "2026-11-01", "EUR/EUR", "1"], "two different currencies"),
        (["rate", "set", "2026-13-01", "USD/EUR", "0.9"], "is not a real date"),
        (["ledger", "reverse", "0000"], "no ledger entry with id 0000"),
        (["ledger", "list", "is:lost"], "is not a state"),
        # Read as a filter it left out the entries holding a "q" and listed the rest whole, where ids alone were meant.
        (["ledger", "list", "is:pending", "--period", "2026-11", "-q"], "ledger list: -q is for commands that write"),
        (["ledger", "report", "--period", "2026-11-31"], "is not a period"),
        (["ledger", "import", "/nonexistent.csv"], "no such file"),
        (["rate", "import", "/nonexistent.csv"], "no such file"),
    ],
)
def test_bad_inputs_are_one_clear_line(team: Cli, args: list[str], message: str) -> None:
    before = team.ok("export")
    assert message in one_line_error(team(*args))
    assert team.ok("export") == before


def test_spend_for_a_task_of_another_campaign_is_refused_on_every_way_in(team: Cli, tmp_path: Path) -> None:
    """`ledger add --task` took a task of another campaign than the entry's: its spend counted for the wrong campaign."""
    team.ok("campaign", "add", "Holiday Gifting")
    theirs = team.ok("add", "Gift guide +holiday-gifting").strip()
    ours = team.ok("add", "Launch reel +spring-launch").strip()
    loose = team.ok("add", "Stock photos").strip()
    before = team.ok("export")
    refused = f"ledger_entry.task: task {theirs[:8]} is in campaign “Holiday Gifting”, not in the entry's campaign “Spring Launch”"
    assert refused in one_line_error(team("ledger", "add", *SPEND, "--campaign", "spring-launch", "--task", theirs[:8]))
    # The app's new-entry form saves through the same write.
    session = Session.open(team.workspace, "ana")
    try:
        ctx = pane_data.form_context(session.access, NOW)
        form = {"campaign": "spring-launch", "category": "tools", "payee": "Canva", "amount": "12.50", "task": theirs[:8]}
        with pytest.raises(Refused, match=re.escape(refused)):
            pane_data.add(session, form, False, ctx, NOW)
    finally:
        session.close()
    csv = tmp_path / "spend.csv"
    csv.write_text(f"date,campaign,category,payee,amount,task\n2026-11-20,spring-launch,tools,Canva,12.50,{theirs}\n")
    assert refused in one_line_error(team("ledger", "import", str(csv)))
    assert team.ok("export") == before  # nothing written
    for task in (ours, loose):  # a task of the entry's campaign, or of none
        entry = team.ok("ledger", "add", *SPEND, "--campaign", "spring-launch", "--task", task).strip()
        # Found by id: entries of one date and entry time are in the order of their random ids.
        [shown] = [e for e in json.loads(team.ok("ledger", "list", "--json")) if e["id"] == entry]
        assert shown["task"] == task and shown["campaign"] == "spring-launch"
    # With --task and no --campaign, the entry is the task's campaign's.
    entry = team.ok("ledger", "add", *SPEND, "--task", theirs).strip()
    [shown] = [e for e in json.loads(team.ok("ledger", "list", "--json")) if e["id"] == entry]
    assert shown["campaign"] == "holiday-gifting"
    assert f"--campaign: task {loose[:8]} “Stock photos” is in no campaign: name the entry's campaign" in one_line_error(
        team("ledger", "add", *SPEND, "--task", loose)
    )
    assert "--campaign: name the entry's campaign (or a --task of a campaign)" in one_line_error(team("ledger", "add", *SPEND))


def test_budget_set_replaces_and_adds_up(team: Cli) -> None:
    team.ok("budget", "set", "spring-launch", "tools", "100")
    team.ok("budget", "set", "spring-launch", "tools", "250.50")
    team.ok("budget", "set", "spring-launch", "tools", "100", "--month", "2026-12")
    assert row(report(team), "tools")["budget"] == eur("350.50")


def test_a_mistyped_budget_is_removed_by_a_manager_in_the_log_and_comes_back_when_set_again(team: Cli) -> None:
    """There was no budget rm: a budget for a mistyped category could only be set to 0 and stayed a line in every report."""
    team.ok("budget", "set", "spring-launch", "tools", "300")
    team.ok("budget", "set", "spring-launch", "tols", "500")
    before = team.ok("export")
    assert "manager" in one_line_error(team("budget", "rm", "spring-launch", "tols", as_member="raj"))
    assert team.ok("export") == before  # refused by the rules, nothing written
    assert one_line_error(team("budget", "rm", "spring-launch", "tols", "--month", "2026-12")) == (
        "crewdeck: error: no budget +spring-launch/tols for 2026-12: nothing removed "
        "(crewdeck budget list spring-launch lists its budgets)\n"
    )
    assert team.ok("budget", "rm", "spring-launch", "#tols") == "removed budget +spring-launch/tols for the run (was 500.00 EUR)\n"
    assert [b["category"] for b in json.loads(team.ok("budget", "list", "--json"))] == ["tools"]
    assert [line["category"] for line in report(team)["campaigns"][0]["rows"]] == ["tools"]
    assert (
        team.ok("budget", "rm", "spring-launch", "tols") == "budget +spring-launch/tols for the run is removed already: nothing written\n"
    )
    assert "removed the tols budget of Spring Launch for the run" in team.ok("log")
    team.ok("budget", "set", "spring-launch", "tols", "20")
    assert row(report(team), "tols")["budget"] == eur("20.00")


def test_export_csv_reads_back_into_another_workspace(team: Cli, tmp_path: Path) -> None:
    entry = add(team, "100 USD", category="tools", payee="Canva, Inc. | EU")
    team.ok("ledger", "reverse", entry)
    add(team, "15000 JPY", category="tools", extra=("--memo", 'quoted "memo"\tand tab'))
    out = tmp_path / "ledger.csv"
    team.ok("ledger", "export", "--format", "csv", "-o", str(out))
    first = team.ok("ledger", "list", "--json")
    # Back into the same workspace: the ids are in the file, so nothing is new.
    assert "imported 0 entries (3 already in the ledger)" in team.ok("ledger", "import", str(out))
    assert team.ok("ledger", "list", "--json") == first


def test_the_demo_ledger_survives_a_whole_workspace_export_and_import(tmp_path: Path) -> None:
    demo = Cli(tmp_path / "demo.db")
    assert demo("demo", str(demo.workspace), as_member=None).code == 0
    doc = json.loads(demo.ok("export", as_member=None))
    assert doc["approval"] and any(e["reverses"] for e in doc["ledger_entry"]) and any(e["needs_approval"] for e in doc["ledger_entry"])
    (tmp_path / "dump.json").write_text(json.dumps(doc))
    copy = Cli(tmp_path / "copy.db")
    assert main(["init", str(copy.workspace)]) == 0
    copy.ok("import", str(tmp_path / "dump.json"), as_member=None)
    assert copy.ok("ledger", "report", "--json") == demo.ok("ledger", "report", "--json")
    pending = json.loads(demo.ok("ledger", "list", "is:pending", "--json"))
    assert len(pending) == 2 and json.loads(copy.ok("ledger", "list", "is:pending", "--json")) == pending


def test_report_names_its_period_as_the_budget_pane_does_and_json_keeps_the_code(team: Cli) -> None:
    """The report's title said the bare code ("(EUR, 2026-11, as of ...)", "all"), where the Budget pane's bar says "Month 2026-11"."""
    add(team, "100 EUR", date="2026-11-20")
    for period, named in (
        ("2026-11", "Month 2026-11"),
        ("2026-W47", "Week 2026-W47"),
        ("2026-11-20", "Day 2026-11-20"),
        ("all", "All time"),
    ):
        title = team.ok("ledger", "report", "--period", period).splitlines()[0]
        assert title.endswith(f"(EUR, {named}, as of 2026-11-26 in Europe/Berlin)"), title
    assert team.ok("ledger", "report").splitlines()[0].endswith("(EUR, All time, as of 2026-11-26 in Europe/Berlin)")
    assert report(team, "--period", "2026-W47")["period"]["label"] == "2026-W47"


def test_ledger_tables_fit_the_terminal_and_print_whole_lines_to_a_pipe(team: Cli, tmp_path: Path) -> None:
    """ledger list and report printed lines of 150 to 220 columns on an 80-column terminal (long payees,
    campaign names and memos, amounts in IDR); they fit it now, cutting the names and memos, never an amount."""
    team.ok("campaign", "add", "Jakarta Ramadan Awareness Push 2026", "--start", "2026-11-01", "--end", "2026-12-31")
    campaign = "jakarta-ramadan-awareness-push-2026"
    payee = "PT Kreatif Digital Nusantara Sejahtera Abadi"
    memo = "Three reels and two stories, tier-1 creators, usage rights 12 months"
    spend = ["ledger", "add", "--campaign", campaign, "--date", "2026-11-20"]
    team.ok(*spend, "--category", "influencers", "--amount", "125000000 IDR", "--payee", payee, "--memo", memo)
    team.ok(*spend, "--category", "ads", "--amount", "2500000 JPY", "--payee", "Dentsu Digital Inc.")
    team.ok("budget", "set", campaign, "ads", "90000")
    for args in (["ledger", "list"], ["ledger", "report"], ["ledger", "report", "--by", "payee"]):
        lines = on_a_terminal(team, tmp_path, 80, *args)
        assert lines and max(len(line) for line in lines) <= 80, (args, lines)
        assert any("…" in line for line in lines), (args, lines)
        # Through a pipe (here, captured): whole lines, wider than the terminal.
        assert max(len(line) for line in team.ok(*args).splitlines()) > 80, args
    [rupiah] = [line for line in on_a_terminal(team, tmp_path, 80, "ledger", "list") if "IDR" in line]
    assert "125,000,000.00 IDR" in rupiah and "  PT …  " in rupiah and rupiah.endswith("  Thr…")  # the amount whole
    [piped] = [line for line in team.ok("ledger", "list").splitlines() if "IDR" in line]
    assert f"+{campaign}" in piped and payee in piped and piped.endswith(memo)
    by_payee = on_a_terminal(team, tmp_path, 80, "ledger", "report", "--by", "payee")
    assert any(line.startswith("Dentsu D…") and "15,250.00" in line for line in by_payee), by_payee  # 2,500,000 JPY at 0.0061, whole
    # COLUMNS, when set, is the width, as for every program that reads it.
    wide = on_a_terminal(team, tmp_path, 80, "ledger", "list", env={"COLUMNS": "200"})
    assert max(len(line) for line in wide) <= 200 and any(payee in line for line in wide)


def test_a_report_by_month_on_a_narrow_terminal_keeps_its_months_whole(team: Cli, tmp_path: Path) -> None:
    """At 60 columns ledger report --by month cut every month to "202…": which month was OVER could not be told."""
    team.ok("budget", "set", "spring-launch", "influencers", "610")
    add(team, "500 EUR", date="2026-11-20")
    add(team, "20 EUR", date="2026-12-02", extra=("--pending",))
    lines = on_a_terminal(team, tmp_path, 60, "ledger", "report", "--by", "month")
    # The flags are cut to make room; the months, as the amounts, never are (a line of those alone is as wide as it needs).
    assert any(line.endswith("hea…") for line in lines), lines
    months = [line.split()[0] for line in lines if line[:4] in ("2026", "tota")]
    assert months == ["2026-11", "2026-12", "total"], lines
    assert any(line.startswith("2026-11") and line.endswith("OVER") for line in lines), lines  # 500 of its 300.00


def test_a_refused_approval_names_its_rule_and_a_member_hears_the_rule_that_stops_them(team: Cli) -> None:
    # raj (a member) was told "does not need approval: it already counts" about spend nobody approves, not that
    # only managers approve; and the refusals of spend that waits for nothing named no rule.
    plain = add(team, "1 EUR")
    entry = add(team, "500 EUR", as_member="raj", extra=("--pending",))
    reversal = team.ok("ledger", "reverse", entry).strip()
    for target in (plain, reversal):
        assert "only a manager approves spend (@raj is a member) (rule managers_only)" in one_line_error(
            team("ledger", "approve", target, as_member="raj")
        )
    assert one_line_error(team("ledger", "approve", plain)).endswith("it already counts (rule not_pending)\n")
    assert one_line_error(team("ledger", "approve", reversal)).endswith(
        f"it counts as {entry[:8]} does, never approved on its own (rule not_pending)\n"
    )
    # The reversal of an approved entry counts already, as its entry does: it said "it counts when <entry> is approved".
    approved = add(team, "80 EUR", as_member="raj", extra=("--pending",))
    team.ok("ledger", "approve", approved)
    mirror = team.ok("ledger", "reverse", approved, as_member="raj").strip()
    refused = one_line_error(team("ledger", "approve", mirror))
    assert f"it counts as {approved[:8]} does, never approved on its own (rule not_pending)" in refused and "when" not in refused


def test_a_budget_for_a_month_outside_the_run_is_refused_and_one_the_run_leaves_counts_nowhere(team: Cli) -> None:
    """`budget set --month` took a month outside the campaign's run and counted it in the run's budget."""
    before = team.ok("export")
    error = one_line_error(team("budget", "set", "spring-launch", "tools", "100", "--month", "2027-03"))
    assert "--month: 2027-03 is outside the run of +spring-launch (2026-11-01 to 2026-12-31)" in error
    assert "crewdeck campaign set spring-launch --start/--end" in error
    assert team.ok("export") == before
    team.ok("budget", "set", "spring-launch", "tools", "300")
    team.ok("budget", "set", "spring-launch", "tools", "100", "--month", "2026-12")
    assert row(report(team), "tools")["budget"] == eur("400.00")
    # The run shrinks to November: December's budget is kept but counts in no report, which says so.
    team.ok("campaign", "set", "spring-launch", "--end", "2026-11-30")
    doc = report(team)
    assert row(doc, "tools")["budget"] == eur("300.00") and total(doc)["budget"] == eur("300.00")
    assert "+spring-launch/tools for 2026-12 is outside the campaign's run (2026-11-01 to 2026-11-30)" in " ".join(doc["warnings"])
    assert all(r["month"] != "2026-12" for r in report(team, "--by", "month")["campaigns"][0]["rows"])
    december = report(team, "--period", "2026-12")
    assert all(c["total"]["budget"] in (None, eur("0.00")) for c in december["campaigns"])
    assert "; budget of spring-launch for 2026-12: left out, the month is outside the campaign's run" in team.ok(
        "ledger", "export", "--format", "hledger"
    )


def test_amounts_line_up_on_their_right_edge_in_list_and_report(team: Cli) -> None:
    """ledger list and report set amounts flush left, so digits of the same place sat in different columns
    ("1,234,567.89 EUR" over "12.50 EUR"); hledger, and every ledger a person reads, ends them on one edge."""
    team.ok("budget", "set", "spring-launch", "influencers", "1500000")
    team.ok("budget", "set", "spring-launch", "tools", "300")
    add(team, "1234567.89 EUR")
    add(team, "12.50 EUR", category="tools", payee="Canva")
    lines = team.ok("ledger", "list").splitlines()
    header, *rows = lines
    ends = {line.index(" EUR") for line in rows}
    assert len(ends) == 1, lines
    assert header.index("AMOUNT") + len("AMOUNT") == min(ends) + len(" EUR"), lines
    block = team.ok("ledger", "report").splitlines()
    head = block[1]
    for title in ("BUDGET", "SPENT", "REMAINING", "USED"):
        edge = head.index(title) + len(title)
        cells = [line[:edge] for line in block[2:]]
        assert all(cell[-1] != " " for cell in cells), (title, block)
    [influencers] = [line for line in block if line.startswith("influencers")]
    [tools] = [line for line in block if line.startswith("tools")]
    assert influencers.index("1,500,000.00") + len("1,500,000.00") == tools.index("300.00") + len("300.00"), block


def test_a_reversals_reason_is_refused_as_a_memo_is_naming_the_memo(team: Cli) -> None:
    """A reason that with "reverses 39657ad1 (8.00 EUR): " before it was longer than a memo holds was refused as
    "ledger_entry.*: ledger_entry.memo: longer than 2000 characters", though `ledger add` took it as a memo; a line
    break in it as "ledger_entry: text may not hold control characters", naming no field."""
    entry = add(team, "8 EUR")
    before = team.ok("ledger", "export", "--format", "csv")
    prefix = f"reverses {entry[:8]} (8.00 EUR): "
    room = 2000 - len(prefix)
    error = one_line_error(team("ledger", "reverse", entry, "--memo", "x" * (room + 1)))
    assert f"memo: longer than {room:,} characters" in error and "ledger_entry" not in error, error
    assert "memo: one line only" in one_line_error(team("ledger", "reverse", entry, "--memo", "booked\ntwice"))
    assert team.ok("ledger", "export", "--format", "csv") == before
    reversal = team.ok("ledger", "reverse", entry, "--memo", "x" * room).strip()
    [shown] = [r for r in json.loads(team.ok("ledger", "list", "--json")) if r["id"] == reversal]
    assert shown["memo"] == prefix + "x" * room


def test_a_reports_as_of_day_says_whose_day_it_is(team: Cli, tmp_path: Path) -> None:
    """The title said "as of 2026-11-26" to ana in Berlin and "as of 2026-11-25" to kai in Honolulu at the same moment,
    their burn per day and forecasts apart by that day, and neither said whose today it was."""
    team.ok("member", "add", "kai", "--name", "Kai Akana", "--tz", "Pacific/Honolulu")
    add(team, "100 EUR", date="2026-11-20")
    assert team.ok("ledger", "report").splitlines()[0].endswith("(EUR, All time, as of 2026-11-26 in Europe/Berlin)")
    title = team.ok("ledger", "report", "--period", "2026-11", as_member="kai").splitlines()[0]
    assert title.endswith("(EUR, Month 2026-11, as of 2026-11-25 in Pacific/Honolulu)"), title
    assert json.loads(team.ok("ledger", "report", "--json", as_member="kai"))["as_of"] == "2026-11-25"
    # On a terminal too narrow for it beside the campaign, what the numbers are goes whole on a line of its own.
    first, second, *_ = on_a_terminal(team, tmp_path, 60, "ledger", "report")
    assert first == "+spring-launch  Spring Launch  2026-11-01..2026-12-31", first
    assert second == "  (EUR, All time, as of 2026-11-26 in Europe/Berlin)", second


def test_an_export_to_dash_goes_to_standard_output_as_an_import_from_dash_reads_standard_input(
    team: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ledger export -o -` wrote a file named "-" in the current directory and printed nothing, where
    `ledger import -` reads standard input and hledger's `-o -` writes standard output."""
    add(team, "12.50 EUR")
    monkeypatch.chdir(tmp_path)
    for fmt in ("csv", "hledger"):
        assert team.ok("ledger", "export", "--format", fmt, "-o", "-") == team.ok("ledger", "export", "--format", fmt)
    assert not (tmp_path / "-").exists()


def _cells(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a wide character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_amounts_stay_lined_up_beside_wide_characters(team: Cli, tmp_path: Path) -> None:
    """A payee in Japanese ("株式会社電通") takes two terminal columns a character: padded by characters, its row's
    amount, and every column after it, stood six columns right of the others' in ledger list and report --by payee."""
    add(team, "50000 EUR", payee="株式会社電通", extra=("--memo", "リール3本とストーリー2本、使用権12か月"))
    add(team, "5.00 EUR", payee="Dentsu")
    rows = team.ok("ledger", "list").splitlines()[1:]
    assert len({_cells(line[: line.index(" EUR")]) for line in rows}) == 1, rows
    block = team.ok("ledger", "report", "--by", "payee").splitlines()
    ends = {_cells(line[: line.index(amount) + len(amount)]) for line, amount in zip(block[2:4], ("50,000.00", "5.00"))}
    assert len(ends) == 1, block
    # On a terminal, a wide payee is cut to the room its column has, counted in columns.
    lines = on_a_terminal(team, tmp_path, 80, "ledger", "list")
    assert max(_cells(line) for line in lines) <= 80 and "…" in lines[2], lines
    assert len({_cells(line[: line.index(" EUR")]) for line in lines[1:]}) == 1, lines


#: Payees and the columns tmux 3.3a draws them in (its cursor after each, printed alone): a family joined by
#: zero-width joiners is one emoji, a heart with its variation selector one column, a skin tone two more, the
#: Devanagari nasal sign (ं) none, a decomposed accent none.
DRAWN = {
    "👨\u200d👩\u200d👧 Família": 10,
    "हिंदी कॉपी": 9,
    "❤\ufe0f Herz GmbH": 11,
    "👍🏽 Studio": 11,
    "Cafe\u0301 Lyon": 9,
    "Plain payee": 11,
}


def test_amounts_stay_lined_up_beside_emoji_joined_and_marks_drawn_on_letters(team: Cli, tmp_path: Path) -> None:
    """Beside a payee of a family emoji (three emoji joined by zero-width joiners), a Hindi name with its nasal sign
    or a heart with its variation selector, the row's amount stood up to six columns left of the others': each joiner,
    sign and selector was counted a column of its own, which a terminal draws in none."""
    for payee in DRAWN:
        add(team, "5.00 EUR", payee=payee)
    shown = {unicodedata.normalize("NFC", payee): cells for payee, cells in DRAWN.items()}  # as the ledger keeps text
    for lines in (team.ok("ledger", "list").splitlines(), on_a_terminal(team, tmp_path, 100, "ledger", "list")):
        starts = set()
        for line in lines[1:]:
            payee = next(p for p in shown if p in line)
            before, after = line.split(payee, 1)
            starts.add(len(before) + shown[payee] + after.index("5.00"))
        assert len(starts) == 1, lines


def test_a_run_budget_a_period_cannot_share_says_why_it_is_left_out(team: Cli) -> None:
    """A campaign run with no end (or no start) has no days to split its run budget over: a month's report left the
    budget out without a word, BUDGET and REMAINING blank, as if the campaign had none."""
    team.ok("campaign", "add", "Always On", "--start", "2026-11-01")
    team.ok("budget", "set", "always-on", "ads", "3000")
    team.ok("ledger", "add", "--campaign", "always-on", *SPEND, as_member="ana")
    assert total(report(team, "--campaign", "always-on"))["budget"] == eur("3000.00")
    month = report(team, "--campaign", "always-on", "--period", "2026-11")
    assert total(month)["budget"] is None
    said = "+always-on's budget for the run (ads) counts in no report of a shorter period: the run has no end date"
    assert any(said in warning for warning in month["warnings"]), month["warnings"]
    assert said in team("ledger", "report", "--period", "2026-11").err
    assert not any("counts in no report" in w for w in report(team, "--campaign", "always-on")["warnings"])
    # A month before the run starts has none of its days: nothing to say.
    assert not any("counts in no report" in w for w in report(team, "--campaign", "always-on", "--period", "2026-10")["warnings"])
    # A month's budget of the same campaign has its days: it counts, and says nothing.
    team.ok("budget", "set", "always-on", "tools", "300", "--month", "2026-11")
    assert total(report(team, "--campaign", "always-on", "--period", "2026-11"))["budget"] == eur("300.00")

    # All time by month: the run budget is in the total and in no month; the months summed 3,000.00 short, unsaid.
    months = report(team, "--campaign", "always-on", "--by", "month")
    assert total(months)["budget"] == eur("3300.00") and [row["budget"] for row in months["campaigns"][0]["rows"]] == [eur("300.00")]
    said = "+always-on's budget for the run (ads) is in its total but in no month: the run has no end date"
    assert any(said in warning for warning in months["warnings"]), months["warnings"]
    assert not any("in no month" in w for w in report(team, "--campaign", "always-on")["warnings"])


def test_a_use_beyond_a_thousand_percent_reads_capped_and_its_percent_sign_lines_up(team: Cli) -> None:
    # It read "3812500000%" (and "1220%", wider than the pane's bar leaves room for): digits no one counts, out of line.
    team.ok("budget", "set", "spring-launch", "influencers", "40")
    team.ok("budget", "set", "spring-launch", "tools", "300")
    team.ok("budget", "set", "spring-launch", "ads", "100")
    team.ok("budget", "set", "spring-launch", "video", "100")
    add(team, "1525000000 EUR")
    add(team, "12.50 EUR", category="tools", payee="Canva")
    add(team, "-250 EUR", category="ads", payee="Meta refund")
    add(team, "999.49 EUR", category="video", payee="Studio Nord")
    text = team.ok("ledger", "report")
    lines = {line.split()[0]: line for line in text.splitlines()[1:] if line.strip()}
    used = {key: line.split()[4] for key, line in lines.items() if key != "CATEGORY"}
    assert used == {"influencers": ">999%", "tools": "4%", "ads": "<-99%", "video": "999%", "total": ">999%"}
    percent_at = {line.index("%") for key, line in lines.items() if key != "CATEGORY"}
    assert len(percent_at) == 1 and lines["CATEGORY"].index("USED") + len("USED") - 1 in percent_at, text
    # --json keeps the number.
    doc = report(team)
    assert (row(doc, "influencers")["used_percent"], row(doc, "ads")["used_percent"]) == (3_812_500_000, -250)


def test_rate_list_shows_the_rates_set_and_which_reports_use(team: Cli) -> None:
    """A manager set rates and could read them back nowhere but in an export: there was no rate list."""
    team.ok("rate", "set", "2026-12-01", "JPY/EUR", "0.00605")
    team.ok("rate", "set", "2026-11-01", "EUR/USD", "1.08")
    lines = team.ok("rate", "list").splitlines()
    assert [line.split() for line in lines] == [
        ["DATE", "PAIR", "RATE"],
        ["2026-11-01", "EUR/USD", "1.08"],
        ["2026-11-01", "JPY/EUR", "0.0061"],
        ["2026-11-01", "USD/EUR", "0.925"],
        ["2026-12-01", "JPY/EUR", "0.00605"],
    ]
    result = team("rate", "list")
    # USD/EUR is set from the day EUR/USD is: a rate into EUR wins over the one out of it.
    assert result.err.strip() == (
        "note: reports convert into EUR with rates into it, or out of it before the first one into it: "
        "1 rate is not used (EUR/USD on or after 2026-11-01, when USD/EUR starts)"
    )
    assert [line.split()[1:] for line in team.ok("rate", "list", "JPY").splitlines()[1:]] == [["JPY/EUR", "0.0061"], ["JPY/EUR", "0.00605"]]
    assert json.loads(team.ok("rate", "list", "--json", "usd"))[0] == {"date": "2026-11-01", "base": "EUR", "quote": "USD", "rate": "1.08"}
    assert "unknown currency 'EU'" in one_line_error(team("rate", "list", "eu"))
    assert team("rate", "list", "GBP").err.strip() == "no GBP rates"


def test_rate_list_does_not_call_a_rate_out_of_the_base_currency_unused_when_reports_use_it(team: Cli) -> None:
    """Set EUR/GBP with no GBP/EUR before it: ledger report converted GBP with it, while rate list said reports did not use it."""
    team.ok("rate", "set", "2026-11-01", "EUR/GBP", "0.85")
    team.ok("rate", "set", "2026-11-01", "USD/GBP", "0.75")
    add(team, "100.00 GBP", date="2026-11-20")
    assert row(report(team), "influencers")["spent"] == eur("117.65")  # 100 / 0.85, with EUR/GBP
    result = team("rate", "list")
    assert result.err.strip() == (
        "note: reports convert into EUR with rates into it, or out of it before the first one into it: "
        "1 rate is not used (USD/GBP, neither into nor out of EUR)"
    )
    # From the first GBP/EUR on, EUR/GBP counts no more; before it, it still does.
    team.ok("rate", "set", "2026-11-10", "EUR/GBP", "0.86")
    team.ok("rate", "set", "2026-11-10", "GBP/EUR", "1.17")
    assert row(report(team), "influencers")["spent"] == eur("117.00")
    assert team("rate", "list").err.strip() == (
        "note: reports convert into EUR with rates into it, or out of it before the first one into it: "
        "2 rates are not used (EUR/GBP on or after 2026-11-10, when GBP/EUR starts; USD/GBP, neither into nor out of EUR)"
    )


def test_rate_set_says_when_reports_will_not_use_the_rate(team: Cli) -> None:
    """rate set USD/GBP (and EUR/USD on a day USD/EUR is set) printed the rate alone: the reports went on saying
    "rate missing", or converting with another rate, with no word why."""
    chained = team("rate", "set", "2026-11-01", "USD/GBP", "0.75")
    assert chained.out == "2026-11-01: 1 USD = 0.75 GBP\n"
    assert chained.err.strip() == (
        "note: reports convert into EUR with rates into it, or out of it before the first one into it: "
        "1 rate is not used (USD/GBP, neither into nor out of EUR)"
    )
    # The team's USD/EUR is set from 2026-11-01: EUR/USD before it counts, on or after it does not.
    assert not team("rate", "set", "2026-10-20", "EUR/USD", "1.09").err
    assert team("rate", "set", "2026-11-20", "EUR/USD", "1.08").err.strip() == (
        "note: reports convert into EUR with rates into it, or out of it before the first one into it: "
        "1 rate is not used (EUR/USD on or after 2026-11-01, when USD/EUR starts)"
    )
    assert not team("rate", "set", "2026-11-20", "GBP/EUR", "1.17").err


def test_budget_list_shows_each_budget_in_its_own_currency_and_period(team: Cli) -> None:
    """Budgets set in three currencies for the run and for months could be read only converted and added up
    (ledger report): there was no budget list."""
    team.ok("budget", "set", "spring-launch", "ads", "5000")
    team.ok("budget", "set", "spring-launch", "ads", "800", "--month", "2026-12")
    team.ok("budget", "set", "spring-launch", "tools", "50000 JPY")
    lines = [line.split() for line in team.ok("budget", "list").splitlines()]
    assert lines[0] == ["CAMPAIGN", "CATEGORY", "PERIOD", "BUDGET"]
    assert ["+spring-launch", "ads", "run", "5,000.00", "EUR"] in lines
    assert ["+spring-launch", "ads", "2026-12", "800.00", "EUR"] in lines
    assert ["+spring-launch", "tools", "run", "50,000", "JPY"] in lines
    assert lines.index(["+spring-launch", "ads", "run", "5,000.00", "EUR"]) < lines.index(
        ["+spring-launch", "ads", "2026-12", "800.00", "EUR"]
    )
    listed = json.loads(team.ok("budget", "list", "+spring-launch", "--json"))
    assert {"campaign": "spring-launch", "category": "tools", "period": "run", "budget": {"amount": "50000", "currency": "JPY"}} in [
        {k: b[k] for k in ("campaign", "category", "period", "budget")} for b in listed
    ]
    assert "unknown campaign +nope" in one_line_error(team("budget", "list", "nope"))


def test_a_report_leaves_out_a_pending_column_with_nothing_in_it_so_its_flags_are_whole_at_80_columns(team: Cli, tmp_path: Path) -> None:
    """At 80 columns a campaign with no pending spend kept an empty PENDING column, and its flags read "head…"."""
    team.ok("budget", "set", "spring-launch", "influencers", "1000")
    add(team, "900 EUR")
    lines = on_a_terminal(team, tmp_path, 80, "ledger", "report")
    at = next(i for i, line in enumerate(lines) if line.startswith("CAT"))  # under the title (two lines at 80 columns)
    assert "PENDING" not in lines[at] and lines[at].split()[:2] == ["CATEGORY", "BUDGET"], lines
    assert lines[at + 1].startswith("influencers") and lines[at + 1].endswith("  heading over"), lines
    add(team, "50 EUR", extra=("--pending",))
    assert "PENDING" in on_a_terminal(team, tmp_path, 80, "ledger", "report")[at]


def test_a_filters_value_in_quotes_keeps_its_spaces(team: Cli) -> None:
    """`payee:"Studio Nord"`, as hledger reads it, matched nothing: the quotes were part of the words, split at the space."""
    nord = add(team, "450 EUR", payee="Studio Nord", extra=("--memo", "reel cut"))
    add(team, "90 EUR", payee="Studio Süd", extra=("--memo", "Nord reel"))
    mcd = add(team, "9.90 EUR", payee="McDonald's")

    def ids(*query: str) -> list[str]:
        return [e["id"] for e in json.loads(team.ok("ledger", "list", "--json", *query))]

    assert ids('payee:"Studio Nord"') == ids("payee:'studio nord'") == [nord]
    assert ids("payee:Studio Nord") == [nord]  # one argument: what a shell passes for payee:"Studio Nord"
    assert ids('"reel cut"') == [nord] and nord not in ids('-payee:"Studio Nord"')
    assert ids("payee:McDonald's") == [mcd]  # an apostrophe is no quote
    assert ids("payee:studio nord") == [nord] and set(ids("payee:studio +spring-launch")) == {nord, ids("payee:süd")[0]}


def test_a_filters_word_with_accents_finds_it_in_any_case_as_the_task_search_does(team: Cli) -> None:
    """`CAFÉ` or `payee:ÉCOLE` found no "café" or "école": LIKE folds A to Z alone, where the task search folds every
    letter; a decomposed capital (typed on a Mac) finds it too, and "STRAẞE" finds "Straße"."""
    cafe = add(team, "12 EUR", payee="Café Mila", extra=("--memo", "crème brûlée"))
    ecole = add(team, "30 EUR", payee="école Nord", extra=("--memo", "Straße banner"))
    add(team, "9 EUR", payee="Canva")

    def ids(*query: str) -> list[str]:
        return [e["id"] for e in json.loads(team.ok("ledger", "list", "--json", *query))]

    assert ids("CAFÉ") == ids(unicodedata.normalize("NFD", "CAFÉ")) == ids("café") == [cafe]
    assert ids("payee:ÉCOLE") == ids("payee:École") == [ecole] and ids("payee:CRÈME") == []
    assert ids("CRÈME") == [cafe] and ids("STRAẞE") == [ecole] and cafe not in ids("-CAFÉ")


def test_setting_a_rate_or_a_budget_again_says_what_it_was(team: Cli) -> None:
    """A rate or a budget set again replaced the old one without a word: a typo on a rate's date changed the totals
    of every entry since, and nothing said a rate had been there."""
    assert team.ok("rate", "set", "2026-11-01", "USD/EUR", "0.93").strip() == "2026-11-01: 1 USD = 0.93 EUR (was 0.925)"
    assert team.ok("rate", "set", "2026-11-01", "USD/EUR", "0.93").strip() == "2026-11-01: 1 USD = 0.93 EUR"
    assert team.ok("budget", "set", "spring-launch", "ads", "5000").strip() == "budget +spring-launch/ads for the run: 5,000.00 EUR"
    again = team.ok("budget", "set", "spring-launch", "ads", "4000 USD").strip()
    assert again == "budget +spring-launch/ads for the run: 4,000.00 USD (was 5,000.00 EUR)"


def test_spend_entered_acting_as_another_reads_who_entered_it_in_the_list_as_in_the_app_and_the_log(team: Cli) -> None:
    """`ledger list`'s BY read "@raj" alone of spend ana entered --as raj, which the app's detail and the activity log
    say "@ana as @raj" entered (and which ana may not approve: it is hers too); --json named raj alone."""
    acted = team.ok("ledger", "add", "--campaign", "spring-launch", *SPEND, "--pending", as_member="raj").strip()  # ana's account
    in_person = add(team, "30 EUR", as_member="raj", extra=("--pending",))
    lines = {line.split()[0]: line for line in team.ok("ledger", "list").splitlines()[1:]}
    assert lines[acted[:8]].endswith("  pending  @ana as @raj"), lines
    assert lines[in_person[:8]].endswith("  pending  @raj"), lines
    assert "@ana as @raj" in team.ok("log", "--limit", "20")  # as the log says it
    ana = next(m["id"] for m in json.loads(team.ok("member", "list", "--json")) if m["handle"] == "ana")
    shown = {e["id"]: e for e in json.loads(team.ok("ledger", "list", "--json"))}
    assert {k: shown[acted][k] for k in ("entered_by", "actor", "actor_id", "actor_removed")} == {
        "entered_by": "raj",
        "actor": "ana",
        "actor_id": ana,
        "actor_removed": False,
    }
    assert {k: shown[in_person][k] for k in ("entered_by", "actor", "actor_id", "actor_removed")} == {
        "entered_by": "raj",
        "actor": None,
        "actor_id": None,
        "actor_removed": None,
    }


def test_at_me_and_a_handle_name_the_spend_a_manager_entered_acting_as_another_as_hers_too(team: Cli) -> None:
    """`is:pending -@me` listed ana the spend she entered --as raj, which the app's bar does not count "to approve" (the
    rules refuse her approval: it is hers), and `@ana` did not find it, though BY reads "@ana as @raj"."""
    acted = team.ok("ledger", "add", "--campaign", "spring-launch", *SPEND, "--pending", as_member="raj").strip()  # ana's account
    raj = add(team, "30 EUR", as_member="raj", extra=("--pending",))
    ana = add(team, "40 EUR", extra=("--pending",))

    def ids(*query: str, as_member: str = "ana") -> set[str]:
        args = ("ledger", "list", "--json", *query)
        out = team.ok(*args) if as_member == "ana" else team.in_person(*args, as_member=as_member)
        return {e["id"] for e in json.loads(out)}

    assert ids("is:pending", "-@me") == {raj}
    assert ids("@me") == ids("@ana") == {acted, ana} and ids("@raj") == {acted, raj}
    assert ids("-@ana") == {raj} and ids("is:pending", "-@me", as_member="raj") == {ana}
    # Acting as raj, ana is who she is to the rules: nothing pending is hers to approve, as the bar counts it.
    acting = {e["id"] for e in json.loads(team.ok("ledger", "list", "--json", "is:pending", "-@me", as_member="raj"))}
    assert acting == set()


def test_a_manager_acting_as_another_manager_approves_no_spend_she_entered_acting_as_a_third(team: Cli) -> None:
    """ana entered spend --as raj, then approved it --as bo (a manager): the rules refused her approval as herself and
    as raj's author, but not acting as bo, though the README says she approves no spend she entered, as anyone."""
    team.ok("member", "add", "bo", "--name", "Bo Berg", "--tz", "Europe/Oslo", "--access", "manager")
    acted = team.ok("ledger", "add", "--campaign", "spring-launch", *SPEND, "--pending", as_member="raj").strip()  # ana's account
    error = one_line_error(team("ledger", "approve", acted, as_member="bo"))
    assert "acting as @bo, another manager must approve it" in error and "(rule self_approval)" in error, error
    assert json.loads(team.ok("ledger", "list", "--json"))[0]["pending"] is True
    team.in_person("ledger", "approve", acted, as_member="bo")  # bo himself may
    assert json.loads(team.ok("ledger", "list", "--json"))[0]["approved"] is True


def test_the_hledger_journal_finds_the_ledgers_currencies_by_seeks_not_the_whole_report_index(team: Cli) -> None:
    # Its commodities were asked of every entry (DISTINCT, a read of the whole ledger_report index), where the ledger
    # report and the Results screen seek each currency from the one before (entry_currencies).
    add(team, "120.50 EUR")
    add(team, "15000 JPY", category="tools")
    read: list[str] = []
    workspace = Workspace.open(team.workspace, readonly=True)
    try:
        workspace.conn.set_trace_callback(read.append)
        journal.write(workspace, io.StringIO(), dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
        workspace.conn.set_trace_callback(None)
        plans = {
            sql: " ".join(row[-1] for row in workspace.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for sql in read
            if "ledger_entry" in sql and "?" not in sql and ":" not in sql
        }
    finally:
        workspace.close()
    assert plans and not [sql for sql, plan in plans.items() if "SCAN ledger_entry USING COVERING INDEX ledger_report" in plan], plans
    assert "commodity 1000. JPY" in team.ok("ledger", "export", "--format", "hledger")
