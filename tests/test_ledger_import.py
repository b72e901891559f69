"""CSV imports of entries and rates: all or nothing, every bad row by line, never twice."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from crewdeck.sync.state.visible import quoted
from crewdeck.tui.cli.main import main
from crewdeck.tui.workspace.words import counted

from .conftest import Cli, Result
from .ledger_helpers import add, eur, ledger_team_in, report, row
from .test_cli import one_line_error


@pytest.fixture
def team(tmp_path: Path) -> Cli:
    return ledger_team_in(tmp_path)


def _ops(cli: Cli) -> int:
    return len(json.loads(cli.ok("log", "--json", "--limit", "100000")))


def _write(tmp_path: Path, text: str, name: str = "spend.csv") -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def _listed(result: Result, path: str) -> list[str]:
    """A refused import's problems, each as ``LINE: problem`` (listed as ``FILE:LINE: problem``, one per problem of a
    row, then the count of rows)."""
    assert result.code == 2 and "Traceback" not in result.err
    *rows, last = result.err.splitlines()
    assert all(line.startswith(f"{path}:") for line in rows)
    listed = [line.removeprefix(f"{path}:") for line in rows]
    bad = len({line.split(":", 1)[0] for line in listed})
    assert last == f"crewdeck: error: nothing imported: {counted(bad, 'bad row')} in {path} (listed above)"
    return listed


GOOD = """date,campaign,category,payee,amount,currency,memo
2026-11-03,Spring Launch,influencers,@cafe_mila,250.00,EUR,reel
2026-11-04,+spring-launch,tools,Canva,12.99,USD,
2026-11-04,spring-launch,tools,Canva,12.99,USD,
2026-11-05,spring-launch,tools,Figma,15000,JPY,"seat, monthly"
"""


def test_import_then_import_again_adds_nothing(team: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    assert team.ok("ledger", "import", path).strip() == "imported 4 entries"
    rows = json.loads(team.ok("ledger", "list", "--json"))
    assert len(rows) == 4  # the two identical Canva rows stay two entries
    assert sorted((r["payee"], r["amount"], r["currency"]) for r in rows)[1:3] == [("Canva", "12.99", "USD")] * 2
    ops = _ops(team)
    renamed = _write(tmp_path, GOOD, "copy of spend.csv")
    assert team.ok("ledger", "import", renamed).strip() == "imported 0 entries (4 already in the ledger)"
    assert _ops(team) == ops  # not even a duplicate operation
    longer = _write(tmp_path, GOOD + "2026-11-06,spring-launch,tools,Canva,12.99,USD,\n", "later.csv")
    assert team.ok("ledger", "import", longer).strip() == "imported 1 entry (4 already in the ledger)"
    assert row(report(team), "tools")["by_currency"] == [{"amount": "15000", "currency": "JPY"}, {"amount": "38.97", "currency": "USD"}]


def test_an_import_says_which_entries_no_rate_converts_and_the_rate_that_would(team: Cli, tmp_path: Path) -> None:
    """Entries in SGD, and in USD dated before the first USD rate, imported without a word, and were left out of every total."""
    path = _write(
        tmp_path,
        "date,campaign,category,payee,amount,currency\n"
        "2026-11-20,spring-launch,tools,Canva,12.00,SGD\n"
        "2026-11-03,spring-launch,tools,Canva,8.00,SGD\n"
        "2026-10-30,spring-launch,tools,Figma,15.00,USD\n"
        "2026-11-04,spring-launch,tools,Figma,15.00,USD\n",
    )
    imported = team("ledger", "import", path)
    assert imported.out == "imported 4 entries\n"  # what was done; the notes on stderr, as every command's
    assert imported.err.splitlines() == [
        "note: 2 entries in SGD: no SGD/EUR (nor EUR/SGD) rate on or before 2026-11-03: out of the totals "
        "(crewdeck rate set 2026-11-03 SGD/EUR RATE)",
        "note: 1 entry in USD: no USD/EUR (nor EUR/USD) rate on or before 2026-10-30: out of the totals "
        "(crewdeck rate set 2026-10-30 USD/EUR RATE)",
    ]


def test_an_import_counts_as_unrated_only_what_the_totals_miss_not_an_entry_and_its_reversal(team: Cli, tmp_path: Path) -> None:
    """An SGD entry and its reversal in the file were "2 entries in SGD ... out of the totals", yet they net to zero,
    which the report counts at any rate: only the third, unreversed one is out of the totals."""
    entry = add(team, "40 SGD", date="2026-11-03")
    team.ok("ledger", "reverse", entry)
    add(team, "12 SGD", category="tools", payee="Canva", date="2026-11-20")
    out = tmp_path / "ledger.csv"
    team.ok("ledger", "export", "--format", "csv", "-o", str(out))
    other = Cli(tmp_path / "other.db")
    assert main(["init", str(other.workspace), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"]) == 0
    other.ok("campaign", "add", "Spring Launch")
    imported = other("ledger", "import", str(out))
    assert imported.out == "imported 3 entries\n"
    assert imported.err.splitlines() == [
        "note: 1 entry in SGD: no SGD/EUR (nor EUR/SGD) rate on or before 2026-11-20: out of the totals "
        "(crewdeck rate set 2026-11-20 SGD/EUR RATE)",
    ]
    assert report(other)["missing_rates"][0]["entries"] == 1


def test_a_rate_import_says_which_of_its_rates_reports_will_not_use(team: Cli, tmp_path: Path) -> None:
    """Rates between two other currencies than the base imported without a word, and no report ever used them."""
    path = _write(tmp_path, "date,pair,rate\n2026-11-20,GBP/EUR,1.17\n2026-11-20,USD/GBP,0.75\n2026-11-21,USD/GBP,0.76\n", "rates.csv")
    imported = team("rate", "import", path)
    assert imported.out == "imported 3 rates\n"  # as rate set says it: the note on stderr
    assert imported.err.splitlines() == [
        "note: reports convert into EUR with rates into it, or out of it before the first one into it: "
        "2 rates are not used (USD/GBP, neither into nor out of EUR)",
    ]


def test_a_bad_row_imports_nothing_and_every_bad_row_is_named(team: Cli, tmp_path: Path) -> None:
    text = (
        "date,campaign,category,payee,amount,currency,memo\n"
        "2026-11-03,spring-launch,influencers,@cafe_mila,250.00,EUR,fine\n"
        '2026-11-03,spring-launch,influencers,@cafe_mila,"12,50",EUR,decimal comma\n'
        '2026-11-04,spring-launch,tools,Canva,10,EUR,"a memo\nover two lines"\n'
        "2026-11-05,winter-sale,tools,Canva,10,EUR,\n"
        "05/11/2026,spring-launch,tools,Canva,1e3,EUR,\n"
        "2026-11-06,spring-launch,tools,Canva,10,EUR\n"
        "2026-11-07,spring-launch,tools,Canva,-0,EUR,\n"
        "2026-11-07,spring-launch,tools,Canva,1.234,EUR,\n"
    )
    before = team.ok("export")
    path = _write(tmp_path, text)
    # Each bad row on its own line as FILE:LINE: (an editor jumps to it), then one short line that counts them, as kpi import ends.
    problems: dict[int, str] = {}
    for line in _listed(team("ledger", "import", path), path):  # a row's problems, each on a line of its own
        problems[int(line.split(":")[0])] = problems.get(int(line.split(":")[0]), "") + line + "\n"
    assert sorted(problems) == [3, 4, 6, 7, 8, 10]  # 9, of a zero amount, records nothing: skipped
    assert "use a dot as the decimal separator" in problems[3]
    assert "one line only" in problems[4]
    assert "unknown campaign +winter-sale" in problems[6]
    assert "is not a date like 2026-11-20" in problems[7] and "'1e3' is not a plain decimal number" in problems[7]
    assert "6 cells, but the header has 7 columns (is the file cut short?)" in problems[8]
    assert "EUR has 2 decimal places, not 3" in problems[10]
    assert team.ok("export") == before


def test_the_bad_rows_are_listed_shown_safely_whatever_the_file_is_named_or_holds(team: Cli, tmp_path: Path) -> None:
    """The file is hostile text: its name and its cells reach the terminal as visible text, never as an ESC that clears it."""
    text = (
        "date,campaign,category,payee,amount,task\n"
        "2026-11-03,spring-launch,tools,Canva,1,\x1b[2J\n"
        "2026-11-03,spring-launch,tools,Canva\x1b[2J,1,\n"
    )
    before = team.ok("export")
    result = team("ledger", "import", _write(tmp_path, text, "evil\x1b[2J.csv"))
    shown = f"{tmp_path}/evil^[[2J.csv"
    assert result.code == 2 and "\x1b" not in result.err
    assert result.err.splitlines() == [
        f"{shown}:2: task: '^[[2J' is not a task id: give at least 4 hex digits",
        f"{shown}:3: payee: text may not hold control characters (U+001B)",
        f"crewdeck: error: nothing imported: 2 bad rows in {shown} (listed above)",
    ]
    assert team.ok("export") == before


def test_a_long_bad_cell_is_quoted_cut_short_on_its_one_line(team: Cli, tmp_path: Path) -> None:
    # A bad amount, date or id repeated the whole cell on its line: a cell of 5,000 characters made a line of over 5,000.
    long = "9" * 5000
    text = (
        "date,campaign,category,payee,amount,currency,needs_approval,id\n"
        f"2026-11-03,spring-launch,tools,Canva,{long},EUR,,\n"
        f"2026-11-03,spring-launch,tools,Canva,{'x' * 5000},EUR,,\n"
        f"2026-11-03,spring-launch,tools,Canva,1 USD,{'E' * 5000},,\n"
        f"{long},spring-launch,tools,Canva,1,EUR,,\n"
        f"2026-11-03,spring-launch,tools,Canva,1,EUR,{'y' * 5000},\n"
        f"2026-11-03,spring-launch,tools,Canva,1,EUR,,{'f' * 5000}\n"
        f"2026-11-03,spring-launch,{'t' * 5000},Canva,1,EUR,,\n"
    )
    source = _write(tmp_path, text)
    rows = _listed(team("ledger", "import", source), source)
    cut = "…'"
    assert rows == [
        f"2: amount: '{'9' * 79}{cut} is too large",
        f"3: amount: '{'x' * 79}{cut} is not a plain decimal number like 120.50",
        f"4: currency: unknown currency '{'E' * 19}{cut} (use an ISO 4217 code such as EUR, USD, JPY)",
        f"5: date: '{'9' * 79}{cut} is not a date like 2026-11-20 (YYYY-MM-DD)",
        f"6: needs_approval: '{'y' * 79}{cut} is not yes or no",
        f"7: id: '{'f' * 79}{cut} is not an entry id (32 hex digits)",
        f"8: category: '{'t' * 79}{cut} is not a category: lowercase letters, digits, '.', '_' or '-', up to 64 characters",
    ]
    rates = _write(
        tmp_path, f"date,pair,rate\n{long},GBP/EUR,1.1\n2026-11-10,GBP/EUR,{long}\n2026-11-10,GBP/{'E' * 5000},1.1\n", "rates.csv"
    )
    rows = _listed(team("rate", "import", rates), rates)
    assert rows == [
        f"2: date: '{'9' * 79}{cut} is not a date like 2026-11-20 (YYYY-MM-DD)",
        f"3: rate: '{'9' * 79}{cut}: at most 12 digits before and 12 after the point",
        f"4: pair: 'GBP/{'E' * 75}{cut} is not a currency pair like USD/EUR (1 USD = RATE EUR)",
    ]


def test_a_long_unknown_campaign_is_named_cut_short_on_its_one_line(team: Cli, tmp_path: Path) -> None:
    # workspace.match_campaign named the whole slug: a campaign cell of 5,000 characters made a line of over 5,000.
    source = _write(tmp_path, f"date,campaign,category,payee,amount,currency\n2026-11-03,{'Winter ' * 1000},tools,Canva,1,EUR\n")
    (row,) = _listed(team("ledger", "import", source), source)
    assert row.startswith(f"2: campaign: unknown campaign +{'winter-' * 11}w… (")
    assert len(row) < 200
    # The same cut wherever a campaign is named, as a command's argument too.
    assert f"unknown campaign +{'winter-' * 11}w… (" in team("ledger", "list", "+" + "winter-" * 1000).err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        (
            "date,payee,amount\n2026-11-01,Canva,10\n",
            "missing columns: campaign and category (the header is: date, payee, amount; name them with --map FIELD=COLUMN)",
        ),
        ('date,campaign,category,payee,amount\n2026-11-01,spring-launch,tools,"Canva,10\n', "not valid CSV"),
        (
            "date,campaign,category,payee,amount\n2026-11-01,spring-launch,tools,Canva,10 EUR,\n",
            "6 cells, but the header has 5 columns (a comma in a value needs quotes)",
        ),
    ],
)
def test_malformed_files_import_nothing(team: Cli, tmp_path: Path, text: str, message: str) -> None:
    before = team.ok("export")
    result = team("ledger", "import", _write(tmp_path, text))
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    assert team.ok("export") == before


def test_a_quote_left_open_is_named_on_the_row_it_opens_on(team: Cli, tmp_path: Path) -> None:
    """It was named on the file's last line, "unexpected end of data": in a year's statement, hundreds of lines below it."""
    ok = "2026-11-02,spring-launch,tools,Canva,10 EUR\n"
    text = "date,campaign,category,payee,amount\n" + ok + '2026-11-01,spring-launch,tools,"Canva,10 EUR\n' + ok * 40
    source = _write(tmp_path, text)
    before = team.ok("export")
    assert _listed(team("ledger", "import", source), source) == [
        '3: not valid CSV: a quote opened in this row is never closed (a quote inside a value is written twice: "")'
    ]
    assert team.ok("export") == before


def test_a_stray_quote_is_listed_with_every_other_bad_row(team: Cli, tmp_path: Path) -> None:
    """A stray quote was the only row named ("1 bad row ... (listed above)"), the bad rows above it dropped and those
    below never read: fixed one at a time, a statement took a run per bad row.  Rates are read the same way."""
    ok = "2026-11-02,spring-launch,tools,Canva,10 EUR\n"
    text = (
        "date,campaign,category,payee,amount\n" + ok + "2026-11-03,spring-launch,tools,Canva,ten EUR\n"
        '2026-11-04,spring-launch,tools,"Canva" Pro,10 EUR\n' + ok + "2026-11-05,nowhere,tools,Canva,10 EUR\n"
    )
    source = _write(tmp_path, text)
    before = team.ok("export")
    listed = _listed(team("ledger", "import", source), source)
    quote = 'not valid CSV: a quoted value goes on after its closing quote (a comma should follow it; a quote inside a value is written twice: "")'
    assert [line.split(":", 1)[0] for line in listed] == ["3", "4", "6"] and listed[1] == f"4: {quote}"
    rates = _write(tmp_path, 'date,pair,rate\n2026-11-02,EUR/USD,x\n2026-11-03,"EUR/USD"x,1.1\n2026-11-04,EUR/USD,1.1\n', "r.csv")
    assert _listed(team("rate", "import", rates), rates) == ["2: rate: 'x' is not a plain decimal number like 0.9215", f"3: {quote}"]
    assert team.ok("export") == before


def test_map_names_the_columns_of_a_bank_export(team: Cli, tmp_path: Path) -> None:
    text = "Buchungstag;Empfänger;Betrag\n".replace(";", ",") + '2026-11-12,Studio Nord,"1200.00 EUR"\n'
    path = _write(tmp_path, "Kampagne,Kategorie," + text.splitlines()[0] + "\nspring-launch,freelancers," + text.splitlines()[1] + "\n")
    assert "missing columns: date, campaign, category, payee and amount (the header is: Kampagne, Kategorie, " in one_line_error(
        team("ledger", "import", path)
    )
    team.ok(
        "ledger",
        "import",
        path,
        "--map",
        "date=Buchungstag,payee=Empfänger",
        "--map",
        "amount=Betrag",
        "--map",
        "campaign=Kampagne,category=Kategorie",
    )
    assert row(report(team), "freelancers")["spent"] == eur("1200.00")
    assert "missing column: Datum (the header is: Kampagne, " in one_line_error(team("ledger", "import", path, "--map", "date=Datum"))
    assert "no field 'when'" in one_line_error(team("ledger", "import", path, "--map", "when=Buchungstag"))


def test_an_export_imports_into_another_workspace_with_its_reversals(team: Cli, tmp_path: Path) -> None:
    entry = add(team, "100 USD", category="tools", payee="Canva")
    team.ok("ledger", "reverse", entry)
    add(team, "15000 JPY", category="tools", extra=("--memo", 'quoted "memo"'))
    add(team, "99 EUR", as_member="raj", extra=("--pending",))
    out = tmp_path / "ledger.csv"
    team.ok("ledger", "export", "--format", "csv", "-o", str(out))
    other = Cli(tmp_path / "other.db")
    assert main(["init", str(other.workspace), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"]) == 0
    other.ok("campaign", "add", "Spring Launch")
    other.ok("rate", "set", "2026-11-01", "USD/EUR", "0.925")
    other.ok("rate", "set", "2026-11-01", "JPY/EUR", "0.0061")
    assert other.ok("ledger", "import", str(out)).strip() == "imported 4 entries"

    def shown(c: Cli) -> list[tuple[str, ...]]:
        keep = ("id", "date", "payee", "amount", "currency", "memo", "reverses", "pending")
        return sorted(tuple(str(r[k]) for k in keep) for r in json.loads(c.ok("ledger", "list", "--json")))

    assert shown(other) == shown(team)
    assert report(other)["campaigns"][0]["total"]["spent"] == report(team)["campaigns"][0]["total"]["spent"]


def test_an_export_with_a_joiner_in_a_payee_imports_back_as_the_ledger_it_came_from(team: Cli, tmp_path: Path) -> None:
    """A joiner is text (the older spelling of a Malayalam word-final letter: a consonant, a virama and a joiner, here
    before a space): written ``<U+200D>``, the exported entry no longer matched the ledger's own and nothing imported."""
    payee = "\u0d1f\u0d4d\u0d30\u0d3e\u0d35\u0d32\u0d4d\u200d Tours"
    add(team, "5.00 EUR", payee=payee, extra=("--memo", "desk\u200d"))
    out = tmp_path / "ledger.csv"
    team.ok("ledger", "export", "--format", "csv", "-o", str(out))
    [exported] = [line for line in out.read_text("utf-8").splitlines() if "Tours" in line]
    assert f",{payee},5.00,EUR,desk\u200d," in exported
    entries = len(json.loads(team.ok("ledger", "list", "--json")))
    assert team.ok("ledger", "import", str(out)).strip() == f"imported 0 entries ({entries} already in the ledger)"


def test_an_export_names_the_manager_who_entered_or_approved_spend_acting_as_another(team: Cli, tmp_path: Path) -> None:
    """ana entered spend acting as raj (``--as``) and approved raj's acting as bo: the CSV export named raj and bo alone,
    where ``ledger list``'s BY and the activity log say "@ana as @raj", so the file, the audit trail, hid who spent and
    who approved.  Its entered_by and approved_by stay the recorded members; the actors are columns of their own."""
    team.ok("member", "add", "bo", "--name", "Bo Berg", "--tz", "Europe/Oslo", "--access", "manager")
    args = ("ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--date", "2026-11-20")
    acted = team.ok(*args, "--amount", "20", as_member="raj").strip()  # from ana's account
    theirs = add(team, "30 EUR", as_member="raj", extra=("--pending",))
    team.ok("ledger", "approve", theirs, as_member="bo")
    plain = add(team, "40 EUR")
    out = tmp_path / "ledger.csv"
    team.ok("ledger", "export", "--format", "csv", "-o", str(out))
    rows = {r["id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    keys = ("entered_by", "entered_by_actor", "approved_by", "approved_by_actor")
    assert {entry: tuple(rows[entry][k] for k in keys) for entry in (acted, theirs, plain)} == {
        acted: ("raj", "ana", "", ""),
        theirs: ("raj", "", "bo", "ana"),
        plain: ("ana", "", "", ""),
    }


def test_an_export_says_who_approved_and_the_import_says_per_row_that_an_approval_does_not_come_with_it(team: Cli, tmp_path: Path) -> None:
    """An approved entry came back pending from an export and import with not a word: who approved it was lost unsaid.

    An approval is a manager's own act (rule ``author_field``), so no import can write one in another's name
    (the JSON merge refuses it): the export names it, and the import says so on the entry's line.
    """
    approved = add(team, "99 EUR", as_member="raj", extra=("--pending",))
    team.ok("ledger", "approve", approved)
    pending = add(team, "12 EUR", as_member="raj", extra=("--pending",))
    out = tmp_path / "ledger.csv"
    team.ok("ledger", "export", "--format", "csv", "-o", str(out))
    rows = {r["id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows[approved]["approved_by"] == "ana" and rows[approved]["approved_at"].endswith("Z")
    assert (rows[pending]["approved_by"], rows[pending]["approved_at"]) == ("", "")
    other = Cli(tmp_path / "other.db")
    assert main(["init", str(other.workspace), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"]) == 0
    other.ok("campaign", "add", "Spring Launch")
    said = other("ledger", "import", str(out))
    line = 1 + list(rows).index(approved) + 1
    assert said.out == "imported 2 entries\n"
    assert said.err.splitlines() == [
        f"note: {out}:{line}: approved by @ana {rows[approved]['approved_at']} in the file; an approval is a manager's own act "
        "and is not imported: the entry is pending here until a manager approves it",
    ]
    assert {r["id"]: r["pending"] for r in json.loads(other.ok("ledger", "list", "--json"))} == {approved: True, pending: True}
    assert other.ok("ledger", "import", str(out)).splitlines() == ["imported 0 entries (2 already in the ledger)"]


def test_a_forged_reversal_is_refused(team: Cli, tmp_path: Path) -> None:
    entry = add(team, "100 EUR")
    text = f"date,campaign,category,payee,amount,reverses\n2026-11-20,spring-launch,influencers,@cafe_mila,-90,{entry}\n"
    result = team("ledger", "import", _write(tmp_path, text))
    assert result.code == 2 and "the opposite amount" in result.err


def test_a_reversal_of_a_reversal_is_refused_by_line_as_ledger_reverse_refuses_it(team: Cli, tmp_path: Path) -> None:
    entry = add(team, "100 EUR")
    reversal = team.ok("ledger", "reverse", entry).strip()
    text = f"date,campaign,category,payee,amount,reverses\n2026-11-20,spring-launch,influencers,@cafe_mila,100,{reversal}\n"
    ops = _ops(team)
    path = _write(tmp_path, text)
    assert _listed(team("ledger", "import", path), path) == [
        f"2: reverses: {reversal} is itself a reversal (of {entry[:8]}); to count that spend again, add it anew"
    ]
    assert _ops(team) == ops
    assert row(report(team), "influencers")["spent"] == eur("0.00")


def test_a_second_reversal_of_an_entry_says_it_is_reversed_already(team: Cli, tmp_path: Path) -> None:
    """It said "id 5c1e…(32 digits) already holds a different entry", or "appears twice in the file": ids the file never gave."""
    entry = add(team, "100 EUR")
    reversal = team.ok("ledger", "reverse", entry, "--memo", "booked twice").strip()
    row = f"2026-11-20,spring-launch,influencers,@cafe_mila,-100,{entry},wrong invoice\n"
    header = "date,campaign,category,payee,amount,reverses,memo\n"
    path = _write(tmp_path, header + row)
    assert _listed(team("ledger", "import", path), path) == [f"2: reverses: {entry[:8]} is already reversed by {reversal[:8]}"]
    other = add(team, "50 EUR", payee="Canva")
    twice = f"2026-11-20,spring-launch,influencers,Canva,-50,{other},a\n2026-11-20,spring-launch,influencers,Canva,-50,{other},b\n"
    path = _write(tmp_path, header + twice, "twice.csv")
    assert _listed(team("ledger", "import", path), path) == [f"3: reverses: {other[:8]} is reversed on line 2 already"]
    # The same reversal again is no news: an export imported again adds nothing.
    same = f"2026-11-20,spring-launch,influencers,@cafe_mila,-100,{entry},reverses {entry[:8]} (100.00 EUR): booked twice\n"
    assert (
        team.ok("ledger", "import", _write(tmp_path, header + same, "same.csv")).strip() == "imported 0 entries (1 already in the ledger)"
    )


def test_rates_import_all_or_nothing_and_once(team: Cli, tmp_path: Path) -> None:
    good = _write(tmp_path, "date,pair,rate\n2026-11-10,GBP/EUR,1.1532\n2026-11-17,GBP/EUR,1.1498\n2026-11-10,USD/EUR,0.9301\n")
    assert team.ok("rate", "import", good).strip() == "imported 3 rates"
    ops = _ops(team)
    assert team.ok("rate", "import", good).strip() == "imported 0 rates (3 already as given)"
    assert _ops(team) == ops
    add(team, "100 GBP", date="2026-11-20")
    assert row(report(team), "influencers")["spent"] == eur("114.98")
    split = _write(tmp_path, "date,base,quote,rate\n2026-11-24,GBP,EUR,1.2\n", "split.csv")
    team.ok("rate", "import", split)
    assert row(report(team), "influencers")["spent"] == eur("114.98")  # a rate after the entry's date changes nothing
    bad = _write(
        tmp_path,
        "date,pair,rate\n2026-11-12,GBP/EUR,1.15\n2026-11-31,GBP/EUR,1.1\nyesterday,USD/EUR,0.9\n"
        "2026-11-13,GBP/EUR,1e3\n2026-11-12,GBP/EUR,1.16\n",
        "bad.csv",
    )
    before = team.ok("export")
    result = team("rate", "import", bad)
    # Each bad row on its own line (an editor jumps to FILE:LINE), then one short line, as ledger and kpi import end.
    *problems, last = result.err.strip().split("\n")
    assert result.code == 2 and last.endswith(f"nothing imported: 4 bad rows in {bad} (listed above)"), result.err
    assert [int(line.removeprefix(f"{bad}:").split(":")[0]) for line in problems] == [3, 4, 5, 6], problems
    assert problems[3] == f"{bad}:6: rate: GBP/EUR on 2026-11-12 already has rate 1.15 on line 2"
    assert team.ok("export") == before
    # A header with no column it reads says how to name them: it said "name them with --map FIELD=COLUMN", an option
    # `rate import` refuses ("unrecognized arguments").
    wide = _write(tmp_path, "Date,USD,JPY\n2026-11-02,1.0812,162.3\n", "ecb.csv")
    assert one_line_error(team("rate", "import", wide)) == (
        f"crewdeck: error: nothing imported: {wide}: missing columns: pair and rate (the header is: Date, USD, JPY; rename them: date,pair,rate "
        "or date,base,quote,rate)\n"
    )


def test_a_rates_sheet_with_decimal_commas_imports_as_its_dot_twin_with_decimal_mark(team: Cli, tmp_path: Path) -> None:
    """A sheet of rates saved by Excel in a locale with a decimal comma ("0,9215", "17.250,50", split by ";") was read by
    its semicolons and then refused row by row ("use a dot as the decimal separator") with no way to read it, where
    ``ledger import`` and ``kpi import`` take ``--decimal-mark ,``: ``rate import`` takes it too, read the same way."""
    sheet = _write(tmp_path, "date;pair;rate\r\n2026-11-10;USD/EUR;0,9215\r\n2026-11-10;EUR/IDR;17.250,50\r\n", "eu.csv")
    assert _listed(team("rate", "import", sheet), sheet) == [
        "2: rate: '0,9215': use a dot as the decimal separator (or --decimal-mark ,)",
        "3: rate: '17.250,50': use a dot as the decimal separator (or --decimal-mark ,)",
    ]
    assert team.ok("rate", "import", sheet, "--decimal-mark", ",").strip() == "imported 2 rates"
    twin = _write(tmp_path, "date,pair,rate\n2026-11-10,USD/EUR,0.9215\n2026-11-10,EUR/IDR,17250.50\n", "twin.csv")
    assert team.ok("rate", "import", twin).strip() == "imported 0 rates (2 already as given)"
    # Under the comma a dot that groups no thousands is refused, quoted as written; a pair's problem takes no hint.
    bad = _write(
        tmp_path, "date;pair;rate\n2026-11-11;USD/EUR;0.92\n2026-11-11;USD/XXX;0,92\n2026-11-12;USD/EUR;0,0000000000001\n", "b.csv"
    )
    assert _listed(team("rate", "import", bad, "--decimal-mark", ","), bad) == [
        "2: rate: '0.92': with --decimal-mark , a comma marks the decimals and dots group thousands",
        "3: pair: 'USD/XXX': unknown currency 'XXX' (use an ISO 4217 code such as EUR, USD, JPY)",
        "4: rate: '0,0000000000001': at most 12 digits before and 12 after the point",
    ]
    assert "--decimal-mark: '.' or ','" in one_line_error(team("rate", "import", sheet, "--decimal-mark", ";"))


def test_a_csv_saved_with_a_byte_order_mark_imports_like_one_without(team: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel's "CSV UTF-8" starts with a BOM: "no column for date (the header is: \\ufeffdate, ...)" it said."""
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert team.ok("ledger", "import", str(path)).strip() == "imported 4 entries"
    rates = tmp_path / "rates.csv"
    rates.write_bytes(b"\xef\xbb\xbfdate,base,quote,rate\n2026-11-02,USD,EUR,0.93\n")
    assert "imported 1 rate" in team.ok("rate", "import", str(rates))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes()), encoding="utf-8"))
    assert team.ok("ledger", "import", "-").strip() == "imported 0 entries (4 already in the ledger)"


def test_the_csv_export_says_which_spend_a_crisis_froze(team: Cli, tmp_path: Path) -> None:
    """Its status column said "counted" for spend the report leaves out as frozen."""
    before = add(team, "10 EUR", date="2026-11-20")
    team.ok("crisis", "start", "--reason", "a post went wrong", "--campaign", "spring-launch")
    frozen = add(team, "77 EUR", date="2026-11-26", as_member="raj")
    out = tmp_path / "spend.csv"
    team.ok("ledger", "export", "--format", "csv", "-o", str(out))
    status = {row["id"]: row["status"] for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert status == {before: "counted", frozen: "frozen"}
    team.ok("ledger", "approve", frozen)
    team.ok("ledger", "export", "--format", "csv", "-o", str(out))
    assert {row["status"] for row in csv.DictReader(out.open(encoding="utf-8"))} == {"counted"}


def test_a_cell_longer_than_the_csv_reader_takes_is_said_so_not_invalid_csv(team: Cli, tmp_path: Path) -> None:
    """It said "not valid CSV: field larger than field limit (131072)" of a valid file with a long memo."""
    path = _write(tmp_path, GOOD + "2026-11-06,spring-launch,tools,Canva,1,EUR," + "m" * 140_000 + "\n")
    result = team("ledger", "import", path)
    assert (
        result.err
        == f"{path}:6: a cell longer than 131,072 characters\ncrewdeck: error: nothing imported: 1 bad row in {path} (listed above)\n"
    )


def test_a_rate_under_a_millionth_is_kept_as_typed(team: Cli, tmp_path: Path) -> None:
    """0.0000004 (12 decimals are allowed) was refused as "'4E-7' is not a plain decimal number": Decimal's own spelling."""
    assert team.ok("rate", "set", "2026-11-01", "VND/EUR", "0.0000004").strip() == "2026-11-01: 1 VND = 0.0000004 EUR"
    path = _write(tmp_path, "date,pair,rate\n2026-11-02,VND/EUR,0.000000350000\n", "rates.csv")
    assert team.ok("rate", "import", path).strip() == "imported 1 rate"
    assert team.ok("rate", "import", path).strip() == "imported 0 rates (1 already as given)"
    rates = {r["date"]: r["rate"] for r in json.loads(team.ok("export"))["rate"] if r["base"] == "VND"}
    assert rates == {"2026-11-01": "0.0000004", "2026-11-02": "0.000000350000"}


def test_an_amount_that_names_its_currency_beside_a_currency_column(team: Cli, tmp_path: Path) -> None:
    """It said "amount '120.50 USD EUR': write it as a number and a currency": the two cells run together."""
    text = "date,campaign,category,payee,amount,currency\n2026-11-03,spring-launch,tools,Canva,120.50 USD,EUR\n"
    result = team("ledger", "import", _write(tmp_path, text))
    assert result.err.startswith(f"{tmp_path / 'spend.csv'}:2: amount: '120.50 USD' is in USD, but its currency column says 'EUR'\n")
    same = _write(tmp_path, text.replace(",EUR\n", ",usd\n"), "same.csv")
    assert team.ok("ledger", "import", same).strip() == "imported 1 entry"
    assert [(e["amount"], e["currency"]) for e in json.loads(team.ok("ledger", "list", "--json"))] == [("120.50", "USD")]


def test_an_id_that_is_another_kind_of_record_here_is_named_by_line(team: Cli, tmp_path: Path) -> None:
    """It said "ledger_entry.id: 3166... is a task record, not a ledger_entry": no file, no line."""
    task = team.ok("add", "Brief the designer").strip()
    text = f"id,date,campaign,category,payee,amount,currency\n{task},2026-11-03,spring-launch,tools,Canva,12.99,USD\n"
    path = _write(tmp_path, text)
    result = team("ledger", "import", path)
    assert (
        result.err
        == f"{path}:2: id: {task} is a task here, not a ledger entry\ncrewdeck: error: nothing imported: 1 bad row in {path} (listed above)\n"
    )


def test_a_header_naming_a_column_it_reads_twice_imports_nothing_and_says_which(team: Cli, tmp_path: Path) -> None:
    """A bank export with "Betrag" twice (gross and net) under --map amount=Betrag, or a header with amount twice,
    imported the last of the two columns without a word: 1,190.00 EUR where the file's first amount said 1,000.00."""
    before = team.ok("export")
    twice = _write(tmp_path, "date,campaign,category,payee,amount,Amount\n2026-11-12,spring-launch,tools,Canva,1000.00,1190.00\n")
    error = one_line_error(team("ledger", "import", twice))
    assert "the header names amount twice (columns 5 and 6)" in error, error
    mapped = _write(
        tmp_path, "Datum,Kampagne,Kategorie,Empfänger,Betrag,Betrag\n2026-11-12,spring-launch,tools,Canva,1000.00,1190.00\n", "bank.csv"
    )
    mapping = "date=Datum,campaign=Kampagne,category=Kategorie,payee=Empfänger,amount=Betrag"
    error = one_line_error(team("ledger", "import", mapped, "--map", mapping))
    assert "the header names Betrag twice (columns 5 and 6)" in error, error
    assert team.ok("export") == before
    # A column read by no field may be there twice: nothing is read from it.
    notes = _write(
        tmp_path, "date,campaign,category,payee,amount,Notes,Notes\n2026-11-12,spring-launch,tools,Canva,10.00 EUR,a,b\n", "notes.csv"
    )
    assert team.ok("ledger", "import", notes).strip() == "imported 1 entry"


def test_a_header_the_import_cannot_read_is_named_short_on_its_one_line(team: Cli, tmp_path: Path) -> None:
    """A file whose header names no column the import reads was refused with the whole header on the line:
    a header cell of 100,000 characters, or 5,000 columns, made an error line of 100,000 or 44,000 characters."""
    wide = _write(tmp_path, f"{'x' * 100_000},amount\n1,2\n")
    error = one_line_error(team("ledger", "import", wide))
    assert len(error) < 400 and f"(the header is: {'x' * 79}…, amount; " in error, error
    many = _write(tmp_path, ",".join(f"col{i}" for i in range(5000)) + "\n" + ",".join("1" * 5000) + "\n", "many.csv")
    for command in ("ledger", "rate"):
        error = one_line_error(team(command, "import", many))
        assert len(error) < 400 and "col0, col1," in error and "col11, … (5,000 columns)" in error, error
    error = one_line_error(team("ledger", "import", many, "--map", "amount=Betrag"))
    assert len(error) < 400 and "missing column: Betrag (the header is: col0, col1," in error, error


def test_a_members_reversal_of_anothers_entry_is_named_by_its_line(team: Cli, tmp_path: Path) -> None:
    """raj's file reversing ana's entry was refused as a whole, "@raj may reverse only their own entries", naming no line
    among the file's rows, where every other bad row is listed by its line; the rows around it are fine."""
    theirs = add(team, "40 EUR", category="tools", payee="Canva")
    own = add(team, "25 EUR", category="tools", payee="Figma", as_member="raj")
    before = team.ok("export")
    path = _write(
        tmp_path,
        "date,campaign,category,payee,amount,currency,reverses\n"
        "2026-11-21,spring-launch,tools,Buffer,9.00,EUR,\n"
        f"2026-11-20,spring-launch,tools,Figma,-25.00,EUR,{own}\n"
        f"2026-11-20,spring-launch,tools,Canva,-40.00,EUR,{theirs}\n",
    )
    assert _listed(team("ledger", "import", path, as_member="raj"), path) == [
        f"4: reverses: @raj may reverse only their own entries ({theirs[:8]} is someone else's) (rule own_entry_only)"
    ]
    assert team.ok("export") == before
    assert team.ok("ledger", "import", path).strip() == "imported 3 entries"  # a manager reverses anyone's


STATEMENT = """Booking Date,Counterparty,Amount,Currency,Campaign,Category
2026-11-12,Studio Nord,-1200.00,EUR,spring-launch,freelancers
2026-11-13,Studio Nord,-300.00,EUR,spring-launch,freelancers
2026-11-14,Studio Nord,200.00,EUR,spring-launch,freelancers
"""
STATEMENT_MAP = ("--map", "date=Booking Date,payee=Counterparty,campaign=Campaign,category=Category")


def test_a_bank_statements_payments_are_spend_with_negate(team: Cli, tmp_path: Path) -> None:
    """A bank lists what it paid as negative: a statement imported as it is made each payment a refund (spent fell by
    1,300.00 EUR), and nothing said so; no option read them as spend."""
    path = _write(tmp_path, STATEMENT)
    team.ok("ledger", "import", path, *STATEMENT_MAP, "--negate")
    assert row(report(team), "freelancers")["spent"] == eur("1300.00")  # paid 1,500.00, 200.00 back
    amounts = sorted(r["amount"] for r in json.loads(team.ok("ledger", "list", "--json")))
    assert amounts == ["-200.00", "1200.00", "300.00"]
    assert team.ok("ledger", "import", path, *STATEMENT_MAP, "--negate").strip() == "imported 0 entries (3 already in the ledger)"


def test_a_file_of_mostly_negative_amounts_says_they_count_as_refunds_and_names_negate(team: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, STATEMENT)
    imported = team("ledger", "import", path, *STATEMENT_MAP)
    assert imported.out == "imported 3 entries\n"
    assert imported.err.splitlines() == [
        "note: 2 of the 3 entries have a negative amount, which counts as money back (less spent); "
        "a bank statement lists payments as negative: import it with --negate to read them as spend"
    ]
    assert row(report(team), "freelancers")["spent"] == eur("-1300.00")
    # Mostly spend: refunds among it are what they are, and nothing is said.
    other = _write(tmp_path, GOOD.replace("250.00", "-250.00"), "good.csv")
    assert team.ok("ledger", "import", other).strip() == "imported 4 entries"


EUROPEAN = """Fecha;Concepto;Importe;Divisa;Campaña;Categoría
28/11/2026;Studio Nord;-1.200,00;EUR;spring-launch;freelancers
29/11/2026;Studio Nord;-300,5;EUR;spring-launch;freelancers
"""
EUROPEAN_MAP = ("--map", "date=Fecha,payee=Concepto,amount=Importe,currency=Divisa,campaign=Campaña,category=Categoría")


def test_a_european_bank_statement_imports_with_its_separator_decimal_mark_and_date_format(team: Cli, tmp_path: Path) -> None:
    """A Spanish bank's CSV (columns split by ";", "1.200,00", "28/11/2026") was read as one column named
    "Fecha;Concepto;…", and neither its decimal comma nor its dates could be read: it could not be imported unedited."""
    path = _write(tmp_path, EUROPEAN)
    team.ok("ledger", "import", path, *EUROPEAN_MAP, "--negate", "--decimal-mark", ",", "--date-format", "%d/%m/%Y")
    entries = json.loads(team.ok("ledger", "list", "--json"))
    assert sorted((e["date"], e["amount"]) for e in entries) == [("2026-11-28", "1200.00"), ("2026-11-29", "300.50")]
    # Without them, each row says what it cannot read and how to read it, on a line of its own.
    rows = _listed(team("ledger", "import", path, *EUROPEAN_MAP), path)
    assert rows[0] == "2: Fecha: '28/11/2026' is not a date like 2026-11-20 (YYYY-MM-DD; --date-format reads others, e.g. %d/%m/%Y)"
    rows = _listed(team("ledger", "import", path, *EUROPEAN_MAP, "--date-format", "%d/%m/%Y"), path)
    assert rows[0] == "2: Importe: '-1.200,00': use a dot as the decimal separator, without thousands separators (or --decimal-mark ,)"
    rows = _listed(team("ledger", "import", path, *EUROPEAN_MAP, "--date-format", "%m/%d/%Y", "--decimal-mark", ","), path)
    assert rows[0] == "2: Fecha: '28/11/2026' is not a date in the --date-format %m/%d/%Y"
    for bad, said in (("%d/%m", "--date-format '%d/%m' does not read a year, a month and a day"), ("%Q", "--date-format '%Q'")):
        assert said in one_line_error(team("ledger", "import", path, *EUROPEAN_MAP, "--date-format", bad))
    assert "--decimal-mark: '.' or ','" in one_line_error(team("ledger", "import", path, *EUROPEAN_MAP, "--decimal-mark", ";"))


def test_a_statements_zero_rows_are_skipped_and_counted_by_line_where_they_refused_the_file(team: Cli, tmp_path: Path) -> None:
    """A bank's zero fee, "0,00" or "-0,00", refused the whole statement ("an amount of zero records nothing", "negative
    zero is not an amount"): the file could not be imported unedited, for rows that record nothing."""
    path = _write(
        tmp_path,
        EUROPEAN + "30/11/2026;Comisión;0,00;EUR;spring-launch;fees\n30/11/2026;Comisión;-0,00;EUR;spring-launch;fees\n"
        "30/11/2026;Abono;(0,00);;spring-launch;fees\n",
    )
    result = team("ledger", "import", path, *EUROPEAN_MAP, "--negate", "--decimal-mark", ",", "--date-format", "%d/%m/%Y")
    assert result.code == 0, result.err
    assert result.out == "imported 2 entries (3 rows of a zero amount skipped, lines 4, 5, 6)\n"
    entries = json.loads(team.ok("ledger", "list", "--json"))
    assert sorted((e["date"], e["amount"]) for e in entries) == [("2026-11-28", "1200.00"), ("2026-11-29", "300.50")]
    again = team.ok("ledger", "import", path, *EUROPEAN_MAP, "--negate", "--decimal-mark", ",", "--date-format", "%d/%m/%Y")
    assert again == "imported 0 entries (2 already in the ledger; 3 rows of a zero amount skipped, lines 4, 5, 6)\n"
    one = _write(tmp_path, "date,campaign,category,payee,amount\n2026-11-03,spring-launch,fees,Bank,0.00\n", name="one.csv")
    assert team.ok("ledger", "import", one) == "imported 0 entries (1 row of a zero amount skipped, line 2)\n"


def test_an_import_says_the_rows_a_crisis_froze_and_those_no_budget_counts_as_ledger_add_does(team: Cli, tmp_path: Path) -> None:
    """``ledger add`` says spend a crisis froze and spend in a category its campaign budgets none of; an import of such
    rows said nothing, and its count read as spend that counts in the budgets."""
    team.ok("budget", "set", "+spring-launch", "ads", "500")
    team.ok("crisis", "start", "--reason", "Bad press", "--campaign", "spring-launch")  # on Nov 26
    path = _write(
        tmp_path,
        "date,campaign,category,payee,amount\n"
        "2026-11-25,spring-launch,ads,Meta,10 EUR\n"  # before the crisis, budgeted
        "2026-11-26,spring-launch,ads,Meta,20 EUR\n"
        "2026-11-26,spring-launch,add,Meta,30 EUR\n"
        "2026-11-25,spring-launch,tools,Canva,40 EUR\n"
        "2026-11-25,spring-launch,tools,Canva,-40 EUR\n",
    )
    result = team("ledger", "import", path)
    assert result.code == 0 and result.out == "imported 5 entries\n", result.err
    assert result.err.splitlines() == [
        "note: 2 entries are frozen by the crisis “Bad press”: they count once a manager other than you approves them "
        "(crewdeck ledger list is:frozen)",
        "note: 3 entries are in a category their campaign budgets none of, while it budgets others (+spring-launch/add, "
        "+spring-launch/tools): they count in no budget's line",
    ]


def test_an_amount_read_with_its_marks_is_quoted_as_the_file_writes_it(team: Cli, tmp_path: Path) -> None:
    """With --decimal-mark , (or a US "1,234.567", or an accountant's "(1,234.567)") a refused amount was quoted as it
    was read ("amount '1234.567': EUR has 2 decimal places"), a text the file nowhere holds: the cell is quoted."""
    text = "date,payee,amount,currency\n"
    text += '2026-11-12,Meta,"1.234,567",EUR\n2026-11-13,Meta,"-9.876.543,210",EUR\n2026-11-14,Meta,"1.234,50 USD",EUR\n'
    path = _write(tmp_path, text)
    maps = ("--campaign", "spring-launch", "--category", "ads")
    assert _listed(team("ledger", "import", path, *maps, "--decimal-mark", ","), path) == [
        "2: amount: '1.234,567': EUR has 2 decimal places, not 3",
        "3: amount: '-9.876.543,210': EUR has 2 decimal places, not 3",
        "4: amount: '1.234,50 USD' is in USD, but its currency column says 'EUR'",
    ]
    dotted = _write(tmp_path, 'date,payee,amount,currency\n2026-11-12,Meta,"1,234.567",EUR\n2026-11-13,Meta,"(1,234.567)",EUR\n', "us.csv")
    assert _listed(team("ledger", "import", dotted, *maps), dotted) == [
        "2: amount: '1,234.567': EUR has 2 decimal places, not 3",
        "3: amount: '(1,234.567)': EUR has 2 decimal places, not 3",
    ]
    assert json.loads(team.ok("ledger", "list", "--json")) == []


def test_a_currency_no_code_names_is_said_of_its_own_column(team: Cli, tmp_path: Path) -> None:
    """A currency column's "US Dollar" was refused as the amount ("amount '1.00 US Dollar': write it as a number and a
    currency"), its "xxx" as "amount: unknown currency"; a pair no currency of which is known named no column, and one of
    base and quote columns was quoted as a pair the file nowhere writes ("'USD/XXX': unknown currency 'XXX'")."""
    text = "date,payee,amount,currency\n2026-11-12,Meta,1.00,US Dollar\n2026-11-13,Meta,1.00,xxx\n2026-11-14,Meta,1.00 USD,eur\n"
    path = _write(tmp_path, text)
    assert _listed(team("ledger", "import", path, "--campaign", "spring-launch", "--category", "ads"), path) == [
        "2: currency: unknown currency 'US Dollar' (use an ISO 4217 code such as EUR, USD, JPY)",
        "3: currency: unknown currency 'XXX' (use an ISO 4217 code such as EUR, USD, JPY)",
        "4: amount: '1.00 USD' is in USD, but its currency column says 'eur'",
    ]
    pairs = _write(tmp_path, "date,pair,rate\n2026-11-12,USD/XXX,0.9\n2026-11-12,EUR/EUR,1\n", "pairs.csv")
    assert _listed(team("rate", "import", pairs), pairs) == [
        "2: pair: 'USD/XXX': unknown currency 'XXX' (use an ISO 4217 code such as EUR, USD, JPY)",
        "3: pair: 'EUR/EUR': a rate needs two different currencies",
    ]
    split = _write(tmp_path, "date,base,quote,rate\n2026-11-12,USD,XXX,0.9\n2026-11-12,US Dollar,EUR,0.9\n2026-11-12,eur,EUR,1\n", "s.csv")
    assert _listed(team("rate", "import", split), split) == [
        "2: quote: unknown currency 'XXX' (use an ISO 4217 code such as EUR, USD, JPY)",
        "3: base: unknown currency 'US Dollar' (use an ISO 4217 code such as EUR, USD, JPY)",
        "4: quote: 'EUR' is the base currency too: a rate needs two different currencies",
    ]
    team.ok("rate", "import", _write(tmp_path, "date,base,quote,rate\n2026-11-12,usd,eur,0.9\n", "lower.csv"))
    assert "2026-11-12" in team.ok("rate", "list") and json.loads(team.ok("ledger", "list", "--json")) == []


def test_a_statement_with_no_campaign_or_category_columns_takes_them_from_the_options(team: Cli, tmp_path: Path) -> None:
    """A bank's statement names no campaign and no category: every row was refused for want of their columns, and the
    file had to be edited to add two columns of the same words."""
    path = _write(tmp_path, "Booking Date,Counterparty,Amount,Category\n2026-11-12,Meta,-120.00,\n2026-11-13,Canva,-12.99,tools\n")
    maps = ("--map", "date=Booking Date,payee=Counterparty", "--negate")
    assert "missing column: campaign (the header is: " in one_line_error(team("ledger", "import", path, *maps))
    team.ok("ledger", "import", path, *maps, "--campaign", "Spring Launch", "--category", "ads")
    entries = {e["payee"]: (e["campaign"], e["category"]) for e in json.loads(team.ok("ledger", "list", "--json"))}
    assert entries == {"Meta": ("spring-launch", "ads"), "Canva": ("spring-launch", "tools")}  # a cell of the file wins
    assert "unknown campaign +nope" in one_line_error(team("ledger", "import", path, *maps, "--campaign", "nope"))
    assert "--category: 'ads spend' is not a category" in one_line_error(
        team("ledger", "import", path, *maps, "--campaign", "spring-launch", "--category", "Ads Spend")
    )


def test_a_statements_signed_and_grouped_amounts_are_read_and_only_a_decimal_comma_is_told_of_decimal_mark(
    team: Cli, tmp_path: Path
) -> None:
    """A US bank writes "1,200.00" and "+15.00": both were refused, the first told to use a dot as the decimal
    separator (it does) and, since --decimal-mark, to try a decimal comma, which reads it no better."""
    text = 'date,campaign,category,payee,amount,currency\n2026-11-12,spring-launch,ads,Meta,"1,200.00",USD\n2026-11-13,spring-launch,ads,Meta,+15.00,USD\n'
    team.ok("ledger", "import", _write(tmp_path, text))
    assert sorted(e["amount"] for e in json.loads(team.ok("ledger", "list", "--json"))) == ["1200.00", "15.00"]
    for amount, said in (
        ('"1,200"', "2: amount: '1,200': write it without its thousands separators, like '1200 EUR'"),
        ('"1,20.00"', "2: amount: '1,20.00': use a dot as the decimal separator, without thousands separators"),
    ):
        path = _write(tmp_path, f"date,campaign,category,payee,amount\n2026-11-14,spring-launch,ads,Meta,{amount}\n", "bad.csv")
        assert _listed(team("ledger", "import", path), path) == [said]
    comma = _write(tmp_path, "date,campaign,category,payee,amount\n2026-11-14,spring-launch,ads,Meta,+1.200\n", "comma.csv")
    team.ok("ledger", "import", comma, "--decimal-mark", ",")
    assert "1200.00" in {e["amount"] for e in json.loads(team.ok("ledger", "list", "--json", "date:2026-11-14"))}


def test_a_comma_that_only_groups_thousands_is_told_to_be_dropped_and_decimal_mark_only_where_it_reads_the_amount(
    team: Cli, tmp_path: Path
) -> None:
    """ "20,000" of JPY (no decimals) and of EUR (two) was told "... (or --decimal-mark ,)", which then refused it: "JPY has
    no minor unit", "EUR has 2 decimal places, not 3".  The hint is what works: without the separator; the mark is offered
    where it reads the amount ("12,50" of EUR, "1,250" of KWD, whose three places make its comma either)."""
    rows = [
        ('"20,000",JPY', "2: amount: '20,000': write it without its thousands separators, like '20000 JPY'"),
        ('"20,000",EUR', "3: amount: '20,000': write it without its thousands separators, like '20000 EUR'"),
        ('"20,000 JPY",', "4: amount: '20,000 JPY': write it without its thousands separators, like '20000 JPY'"),
        ('"12,50",EUR', "5: amount: '12,50': use a dot as the decimal separator, without thousands separators (or --decimal-mark ,)"),
        ('"1,250",KWD', "6: amount: '1,250': use a dot as the decimal separator, without thousands separators (or --decimal-mark ,)"),
    ]
    text = "date,campaign,category,payee,amount,currency\n"
    path = _write(tmp_path, text + "".join(f"2026-11-12,spring-launch,ads,Meta,{row}\n" for row, _ in rows))
    assert _listed(team("ledger", "import", path), path) == [said for _, said in rows]
    # As told: the separators dropped, the amounts are taken.
    told = _write(tmp_path, text + "2026-11-12,spring-launch,ads,Meta,20000,JPY\n2026-11-12,spring-launch,ads,Meta,20000,EUR\n", "told.csv")
    team.ok("ledger", "import", told)
    assert sorted((e["amount"], e["currency"]) for e in json.loads(team.ok("ledger", "list", "--json"))) == [
        ("20000", "JPY"),
        ("20000.00", "EUR"),
    ]


def test_a_statements_thousands_grouped_by_spaces_are_read_under_either_decimal_mark(team: Cli, tmp_path: Path) -> None:
    """A French bank writes "-1 234,50" (its spaces no-break ones, as a spreadsheet saves them): every row of a thousand
    or more was refused, with --decimal-mark , too ("a comma marks the decimals and dots group thousands"), and without it
    the row said "unknown currency '234,50'"."""
    french = "Date;Libellé;Montant\n28/11/2026;Meta Ads;-1 234,50\n29/11/2026;Canva;-12,99\n30/11/2026;Studio;\u00a0-1\u00a0000,00 EUR\n"
    maps = ("--map", "date=Date,payee=Libellé,amount=Montant", "--campaign", "spring-launch", "--category", "ads", "--negate")
    path = _write(tmp_path, french, "fr.csv")
    rows = _listed(team("ledger", "import", path, *maps, "--date-format", "%d/%m/%Y"), path)
    assert (
        rows[0]
        == "2: Montant: '-1 234,50': no spaces or thousands separators in a number; write it like '1000.00 EUR' (or --decimal-mark ,)"
    )
    team.ok("ledger", "import", path, *maps, "--date-format", "%d/%m/%Y", "--decimal-mark", ",")
    entries = json.loads(team.ok("ledger", "list", "--json"))
    assert sorted(e["amount"] for e in entries) == ["1000.00", "12.99", "1234.50"]
    # Under the dot, a space groups as a comma does; a space that groups no thousands is refused, never read as one.
    dotted = _write(tmp_path, 'date,payee,amount\n2026-11-14,Meta,"12 000.00 USD"\n2026-11-15,Meta,1 500\n', "us.csv")
    team.ok("ledger", "import", dotted, "--campaign", "spring-launch", "--category", "ads")
    assert {(e["amount"], e["currency"]) for e in json.loads(team.ok("ledger", "list", "--json", "date:2026-11-14"))} == {
        ("12000.00", "USD")
    }
    assert {e["amount"] for e in json.loads(team.ok("ledger", "list", "--json", "date:2026-11-15"))} == {"1500.00"}
    odd = _write(tmp_path, "date,payee,amount\n2026-11-16,Meta,12 34.50\n", "odd.csv")
    assert _listed(team("ledger", "import", odd, "--campaign", "spring-launch", "--category", "ads"), odd) == [
        "2: amount: '12 34.50': no spaces or thousands separators in a number; write it like '1000.00 EUR'"
    ]


def test_an_amount_that_names_its_currency_first_is_read_as_one_that_names_it_after(team: Cli, tmp_path: Path) -> None:
    """ "EUR 1,234.50" was refused ("use a dot as the decimal separator": it does) where "1,234.50 EUR" was read, and
    "EUR -1.234,50" with --decimal-mark , too, as ledger add takes "EUR 120.50"."""
    text = 'date,payee,amount\n2026-11-12,Meta,"EUR 1,234.50"\n2026-11-13,Meta,USD +15.00\n'
    team.ok("ledger", "import", _write(tmp_path, text), "--campaign", "spring-launch", "--category", "ads")
    entries = json.loads(team.ok("ledger", "list", "--json"))
    assert sorted((e["amount"], e["currency"]) for e in entries) == [("1234.50", "EUR"), ("15.00", "USD")]
    comma = _write(tmp_path, 'date,payee,amount\n2026-11-14,Canva,"EUR -1.234,50"\n', "comma.csv")
    team.ok("ledger", "import", comma, "--campaign", "spring-launch", "--category", "ads", "--decimal-mark", ",", "--negate")
    assert {e["amount"] for e in json.loads(team.ok("ledger", "list", "--json", "date:2026-11-14"))} == {"1234.50"}
    # Beside a currency column, as the same amount written with its currency after it.
    column = _write(
        tmp_path,
        "date,payee,amount,currency\n2026-11-15,Canva,GBP 9.99,GBP\n2026-11-16,Canva,GBP 9.99,USD\n2026-11-17,Canva,9.99\u00a0GBP,GBP\n",
        "column.csv",
    )
    rows = _listed(team("ledger", "import", column, "--campaign", "spring-launch", "--category", "ads"), column)
    assert rows == ["3: amount: 'GBP 9.99' is in GBP, but its currency column says 'USD'"]  # a no-break space too, as a space


def test_a_statement_in_utf16_is_read_and_one_in_windows_1252_says_where_and_how_to_convert_it(team: Cli, tmp_path: Path) -> None:
    """A bank's or Excel's export that is not UTF-8 said only "not UTF-8 text": not where, nor what to do; one saved as
    Excel's "Unicode Text" (UTF-16, tab-separated) could not be imported at all, though its first bytes say what it is."""
    text = "Buchungstag\tEmpfänger\tBetrag\n20.11.2026\tMüller GmbH\t-1.234,50 EUR\n"
    maps = ("--map", "date=Buchungstag,payee=Empfänger,amount=Betrag", "--campaign", "spring-launch", "--category", "ads")
    reading = ("--negate", "--decimal-mark", ",", "--date-format", "%d.%m.%Y")
    said = []
    for encoding, data in (("le", text.encode("utf-16")), ("be", ("\ufeff" + text).encode("utf-16-be"))):
        path = tmp_path / f"utf-16-{encoding}.csv"
        path.write_bytes(data)
        said.append(team.ok("ledger", "import", str(path), *maps, *reading).strip())
    assert said == ["imported 1 entry", "imported 0 entries (1 already in the ledger)"]  # the same rows, either byte order
    entries = json.loads(team.ok("ledger", "list", "--json"))
    assert [(e["payee"], e["amount"]) for e in entries] == [("Müller GmbH", "1234.50")]
    latin = tmp_path / "Kontoauszug Nov.csv"
    latin.write_bytes(text.encode("cp1252"))
    said = one_line_error(team("ledger", "import", str(latin), *maps, *reading))
    assert said == (
        f"crewdeck: error: nothing imported: {latin}: line 1: not UTF-8 text (byte 0xE4): save it as UTF-8, or convert it (from "
        f"Windows-1252, as many banks write: iconv -f WINDOWS-1252 -t UTF-8 '{latin}' > '{tmp_path / 'Kontoauszug Nov-utf8.csv'}')\n"
    )
    assert json.loads(team.ok("ledger", "list", "--json")) == entries


def test_an_accountants_negative_in_brackets_is_read_as_hledger_reads_it(team: Cli, tmp_path: Path) -> None:
    """An accounting export writes a refund "(1,234.50)": every such row was refused, "not a plain decimal number"."""
    text = 'date,payee,amount\n2026-11-12,Meta,"(1,234.50)"\n2026-11-13,Meta,(12.50) USD\n2026-11-14,Meta,99.00\n'
    team.ok("ledger", "import", _write(tmp_path, text), "--campaign", "spring-launch", "--category", "ads")
    entries = json.loads(team.ok("ledger", "list", "--json"))
    assert sorted((e["amount"], e["currency"]) for e in entries) == [("-12.50", "USD"), ("-1234.50", "EUR"), ("99.00", "EUR")]
    odd = _write(tmp_path, "date,payee,amount\n2026-11-15,Meta,(-5.00)\n", "odd.csv")  # a sign in brackets says no sign
    assert _listed(team("ledger", "import", odd, "--campaign", "spring-launch", "--category", "ads"), odd) == [
        "2: amount: '(-5.00)' is not a plain decimal number like 120.50"
    ]


def test_a_rate_import_names_each_rate_it_replaces(team: Cli, tmp_path: Path) -> None:
    """A file's rate for a pair and day that had one replaced it unsaid: "imported 1 rate", and the totals moved."""
    path = _write(tmp_path, "date,pair,rate\n2026-11-01,USD/EUR,0.95\n2026-11-02,USD/EUR,0.92\n2026-11-01,JPY/EUR,0.0061\n")
    assert team.ok("rate", "import", path).splitlines() == [
        "imported 2 rates (1 already as given)",
        "1 replaces a rate set before: USD/EUR on 2026-11-01 was 0.925",
    ]


def test_a_file_with_no_currency_says_which_it_read_its_amounts_in(team: Cli, tmp_path: Path) -> None:
    """A statement with no currency column was read in the base currency without a word: a bank account in USD became
    EUR spend, off by the rate in every total.  The import says so, naming the currency and how to give another."""
    path = _write(tmp_path, STATEMENT.replace(",Currency", "").replace(",EUR,", ","))
    imported = team("ledger", "import", path, *STATEMENT_MAP, "--negate")
    assert imported.out == "imported 3 entries\n"
    assert imported.err.splitlines() == [
        "note: the file has no currency column: 3 amounts were read in EUR, the workspace's base currency; "
        "a file in another currency: import it with --currency CODE (or --map currency=COLUMN)",
    ]
    other = _write(tmp_path, STATEMENT.replace(",Currency", "").replace(",EUR,", ",").replace("Nord", "Sud"), "usd.csv")
    given = team("ledger", "import", other, *STATEMENT_MAP, "--negate", "--currency", "usd")
    assert (given.out, given.err) == ("imported 3 entries\n", "")
    assert {r["currency"] for r in json.loads(team.ok("ledger", "list", "payee:sud", "--json"))} == {"USD"}
    assert "--currency: " in one_line_error(team("ledger", "import", other, *STATEMENT_MAP, "--currency", "EU"))
    # A column with a cell left blank: that row's amount alone is said.
    blank = _write(tmp_path, STATEMENT.replace("-300.00,EUR", "-310.00,"), "blank.csv")
    assert team("ledger", "import", blank, *STATEMENT_MAP, "--negate").err.startswith(
        "note: 1 row names no currency: its amount was read in EUR"
    )


def test_an_import_refuses_spend_dated_more_than_a_year_ahead_and_says_what_is_ahead(
    team: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A statement row dated 2030 was imported as spend, counted in every report from then on, and nothing said so."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-26T10:00:00Z")
    far = _write(tmp_path, STATEMENT.replace("2026-11-13", "2030-11-13"))
    assert _listed(team("ledger", "import", far, *STATEMENT_MAP, "--negate"), far) == [
        "3: Booking Date: 2030-11-13 is more than a year ahead (today is 2026-11-26): a ledger records spend made; enter it when it is"
    ]
    near = _write(tmp_path, STATEMENT.replace("2026-11-13", "2026-12-13"), "near.csv")
    imported = team("ledger", "import", near, *STATEMENT_MAP, "--negate")
    assert imported.out == "imported 3 entries\n"
    assert imported.err.splitlines() == [
        "note: 1 entry is dated after today, the last 17 days after today (2026-11-26): spend is counted from its date",
    ]


def test_each_problem_of_a_row_is_a_line_naming_its_column_as_the_file_does(team: Cli, tmp_path: Path) -> None:
    """A row with a bad date and a bad amount read "FILE:2: date: ... is not a real date; amount 'abc' is not ...": two
    problems on one line, the second with no colon after its field, and both named by the field where ``--map`` gave the
    column another name (issue 16: ``FILE:LINE: column: problem``, as ``kpi import`` lists them)."""
    path = _write(tmp_path, "Datum,Betrag,payee,campaign,category\n2026-13-01,abc,Meta,spring-launch,ads\n2026-11-02,5.00,,nope,ads\n")
    result = team("ledger", "import", path, "--map", "date=Datum,amount=Betrag")
    assert result.code == 2 and result.err.splitlines() == [
        f"{path}:2: Datum: '2026-13-01' is not a real date",
        f"{path}:2: Betrag: 'abc' is not a plain decimal number like 120.50",
        f"{path}:3: campaign: unknown campaign +nope (campaigns: +spring-launch)",
        f"{path}:3: payee: required",
        f"crewdeck: error: nothing imported: 2 bad rows in {path} (listed above)",
    ]
    rates = _write(tmp_path, "date,pair,rate\n2026-11-02,USD/EUR,abc\n", "rates.csv")
    assert _listed(team("rate", "import", rates), rates) == ["2: rate: 'abc' is not a plain decimal number like 0.9215"]


def test_a_row_whose_date_or_flag_cannot_be_read_lists_its_other_problems_too(team: Cli, tmp_path: Path) -> None:
    """A date in another format, a needs_approval that is not yes or no, or an amount in another currency than its
    column was said alone: the row's bad amount or campaign came out on the next run (review ra)."""
    path = _write(
        tmp_path,
        "Datum,Betrag,payee,campaign,category,needs_approval,currency\n"
        "01.11.2026,abc,Meta,spring-launch,ads,no,EUR\n"
        "2026-11-02,5.00,Meta,nope,ads,maybe,EUR\n"
        "2026-11-03,5 USD,,spring-launch,ads,no,EUR\n",
    )
    result = team("ledger", "import", path, "--map", "date=Datum,amount=Betrag")
    assert result.code == 2 and result.err.splitlines() == [
        f"{path}:2: Datum: '01.11.2026' is not a date like 2026-11-20 (YYYY-MM-DD; --date-format reads others, e.g. %d/%m/%Y)",
        f"{path}:2: Betrag: 'abc' is not a plain decimal number like 120.50",
        f"{path}:3: needs_approval: 'maybe' is not yes or no",
        f"{path}:3: campaign: unknown campaign +nope (campaigns: +spring-launch)",
        f"{path}:4: Betrag: '5 USD' is in USD, but its currency column says 'EUR'",
        f"{path}:4: payee: required",
        f"crewdeck: error: nothing imported: 3 bad rows in {path} (listed above)",
    ]


def test_an_empty_amount_is_required_not_zero(team: Cli, tmp_path: Path) -> None:
    """An empty amount cell was read as "0" ("an amount of zero records nothing") once a row's cells were read before
    its checks (review rb): it is a required cell left empty, with or without a currency, and beside a bad date."""
    path = _write(
        tmp_path,
        "date,campaign,category,payee,amount,currency\n"
        "2026-11-03,spring-launch,tools,Canva,,EUR\n"
        "2026-11-03,spring-launch,tools,Canva,,\n"
        "01.11.2026,spring-launch,tools,Canva,,\n",
    )
    assert _listed(team("ledger", "import", path), path) == [
        "2: amount: required",
        "3: amount: required",
        "4: date: '01.11.2026' is not a date like 2026-11-20 (YYYY-MM-DD; --date-format reads others, e.g. %d/%m/%Y)",
        "4: amount: required",
    ]


def test_an_id_given_twice_or_taken_here_names_the_id_column_as_every_problem_names_its_column(team: Cli, tmp_path: Path) -> None:
    """ "FILE:3: id 1a2b… appears twice in the file" named the column with no colon after it, as no other problem did, and
    not the line the id was on first."""
    given = "ab" * 16
    rows = f"Ref,date,campaign,category,payee,amount\n{given},2026-11-20,spring-launch,tools,Canva,12.00\n"
    path = _write(tmp_path, rows + rows.split("\n")[1].replace("12.00", "13.00") + "\n")
    assert _listed(team("ledger", "import", path, "--map", "id=Ref"), path) == [f"3: Ref: {given} already on line 2"]
    team.ok("ledger", "import", _write(tmp_path, rows, "first.csv"), "--map", "id=Ref")
    changed = _write(tmp_path, rows.replace("12.00", "14.00"), "changed.csv")
    assert _listed(team("ledger", "import", changed, "--map", "id=Ref"), changed) == [f"2: Ref: {given} already holds a different entry"]


def test_each_bad_cell_of_a_rates_row_is_named_not_only_the_first(team: Cli, tmp_path: Path) -> None:
    """A row with a bad date and a bad rate named the date alone: fixed, the next import named the rate."""
    rates = _write(tmp_path, "date,base,quote,rate\n2026-11-x,USD,EUR,abc\n2026-11-02,XXX,EUR,-1\n", "rates.csv")
    result = team("rate", "import", rates)
    assert result.code == 2 and result.err.splitlines() == [
        f"{rates}:2: date: '2026-11-x' is not a date like 2026-11-20 (YYYY-MM-DD)",
        f"{rates}:2: rate: 'abc' is not a plain decimal number like 0.9215",
        f"{rates}:3: base: unknown currency 'XXX' (use an ISO 4217 code such as EUR, USD, JPY)",
        f"{rates}:3: rate: '-1' is not a plain decimal number like 0.9215",
        f"crewdeck: error: nothing imported: 2 bad rows in {rates} (listed above)",
    ]


def test_a_cell_that_is_no_number_under_decimal_mark_comma_says_so_not_how_marks_are_read(team: Cli, tmp_path: Path) -> None:
    """ "amount 'abc': with --decimal-mark , a comma marks the decimals and dots group thousands": a cell with no mark at
    all was told about marks; it is no number, as without the option."""
    spend = _write(
        tmp_path,
        "date,campaign,category,payee,amount\n2026-11-20,spring-launch,tools,Canva,abc\n2026-11-20,spring-launch,tools,Canva,12.50\n",
    )
    assert _listed(team("ledger", "import", spend, "--decimal-mark", ","), spend) == [
        "2: amount: 'abc' is not a plain decimal number like 120.50",
        "3: amount: '12.50': with --decimal-mark , a comma marks the decimals and dots group thousands",
    ]
    rates = _write(tmp_path, "date,pair,rate\n2026-11-20,USD/EUR,n/a\n", "rates.csv")
    assert _listed(team("rate", "import", rates, "--decimal-mark", ","), rates) == [
        "2: rate: 'n/a' is not a plain decimal number like 0.9215"
    ]


@pytest.mark.parametrize("mark", [[], ["--decimal-mark", ","]])
def test_an_amount_written_with_a_currency_symbol_is_refused_naming_the_symbol(team: Cli, tmp_path: Path, mark: list[str]) -> None:
    """A bank's "-12,00 €" under --decimal-mark , was "with --decimal-mark , a comma marks the decimals and dots group
    thousands", which it does; "€12.00" "is not a plain decimal number".  The symbol is what crewdeck does not read: said
    as ``ledger add`` says it, with the amount as it is written here (it read "unknown currency '€'")."""
    # "12,50 €" without the mark: no "(or --decimal-mark ,)" after the symbol's refusal, which no mark reads.
    amounts = ["12,00 €", "€-5,50", "-£3,10"] if mark else ["12,50 €", "€12.00", "-$5"]
    examples = ["12.00 EUR", "-5.50 EUR", "-3.10 GBP"] if mark else ["12.50 EUR", "12.00 EUR", "-5 USD"]
    said = [
        f"{line}: amount: {quoted(amount)}: write the currency as its code after the number, not its sign, like {quoted(example)}"
        for line, amount, example in zip((2, 3, 4), amounts, examples)
    ]
    rows = "".join(f'2026-11-0{n},spring-launch,tools,Canva,"{amount}"\n' for n, amount in enumerate(amounts, start=1))
    path = _write(tmp_path, "date,campaign,category,payee,amount\n" + rows)
    before = team.ok("export")
    assert _listed(team("ledger", "import", path, *mark), path) == said
    # With a currency column as well, the symbol is said alike (it was "write it as a number and a currency", of a row
    # that has both).
    rows = "".join(f'2026-11-0{n},spring-launch,tools,Canva,"{amount}",EUR\n' for n, amount in enumerate(amounts, start=1))
    path = _write(tmp_path, "date,campaign,category,payee,amount,currency\n" + rows, "with_currency.csv")
    assert _listed(team("ledger", "import", path, *mark), path) == said
    assert team.ok("export") == before
