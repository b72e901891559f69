"""Results and money found by hand (wave 7): what `kpi report` counts as spend, what imports accept."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path

import pytest

from crewdeck.tui.cli.main import main

from .conftest import in_person
from .syncsupport import crewdeck, crewdeck_fails


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-20T12:00:00Z")
    path = tmp_path / "ws.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    for handle, access in (("raj", "member"), ("mia", "manager"), ("gus", "guest")):
        crewdeck("-w", str(path), "--as", "ana", "member", "add", handle, "--name", handle, "--tz", "UTC", "--access", access)
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Launch", "--platforms", "meta")
    return path


def _report(ws: Path, *args: str) -> dict:
    return json.loads(crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--json", *args))


def _nothing_written(ws: Path) -> bool:
    """Launch, running (it has no dates), reads a row with no counts and no spend: nothing was imported."""
    rows = _report(ws)["rows"]
    return [(r["campaign"], set(r["counts"].values()), r["spend"]) for r in rows] == [
        ("launch", {None}, {"amount": "0.00", "currency": "EUR"})
    ]


def test_spend_a_crisis_froze_is_no_spend_of_the_kpis_until_a_manager_approves_it(ws: Path) -> None:
    w = ["-w", str(ws), "--as", "raj"]
    crewdeck(*w, "kpi", "add", "+launch/meta", "2026-11-19", "impressions=1000", "clicks=10", "conversions=2")
    crewdeck(*w, "kpi", "add", "+launch/meta", "2026-11-20", "impressions=1000", "clicks=10", "conversions=2")
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta"]
    crewdeck(*ledger, "--amount", "20.00 EUR", "--date", "2026-11-19")
    frozen = crewdeck(*ledger, "--amount", "50.00 EUR", "--date", "2026-11-20").strip()
    crewdeck("-w", str(ws), "--as", "ana", "crisis", "start", "--reason", "Bad reply", "--campaign", "launch")
    ledger_total = json.loads(crewdeck("-w", str(ws), "--as", "ana", "ledger", "report", "--json"))
    assert "20.00" in json.dumps(ledger_total) and "frozen" in json.dumps(ledger_total)

    for by in ("campaign", "platform", "day"):
        rows = _report(ws, "--period", "2026-11", "--by", by)["rows"]
        spent = sum(Decimal(r["spend"]["amount"]) for r in rows if r["spend"])
        assert spent == Decimal("20.00"), (by, rows)  # the 50.00 frozen by the crisis is not spend yet, as in ledger report
    row = _report(ws, "--period", "2026-11")["rows"][0]
    assert row["kpis"]["cpa"]["value"] == "5.00"  # 20.00 / 4

    with in_person():  # mia herself: from the tests' account, ana's, --as mia is ana, who entered it (acting as raj)
        crewdeck("-w", str(ws), "--as", "mia", "ledger", "approve", frozen)
    row = _report(ws, "--period", "2026-11")["rows"][0]
    assert row["spend"] == {"amount": "70.00", "currency": "EUR"}
    assert row["kpis"]["cpa"]["value"] == "17.50"


def test_a_plain_csv_gives_the_conversion_value_as_the_readme_writes_it_amount_and_currency(ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "results.csv"
    source.write_text(
        "date,campaign,platform,clicks,value\n"
        '2026-11-19,Launch,meta,10,"42.00 EUR"\n'
        "2026-11-20,Launch,meta,5,USD 7.50\n"
        "2026-11-21,Launch,meta,5,\n",
        encoding="utf-8",
    )
    out = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "csv")
    assert out.startswith("imported 3 rows: 3 changed")
    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-01", "USD/EUR", "0.9")
    row = _report(ws, "--period", "2026-11")["rows"][0]
    assert row["conversion_value"] == {"amount": "48.75", "currency": "EUR"}  # 42.00 + 7.50 x 0.9
    again = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "csv")
    assert again.startswith("imported 3 rows: 0 changed, 3 unchanged")


def test_a_value_whose_currency_contradicts_its_currency_column_is_a_bad_row(ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "results.csv"
    source.write_text('date,campaign,platform,value,currency\n2026-11-19,Launch,meta,"42.00 USD",EUR\n', encoding="utf-8")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "csv")
    assert err.splitlines()[0] == f"{source}:2: value: '42.00 USD' is in USD, but the row's currency is EUR"


def test_ledger_list_names_the_entries_a_crisis_froze(ws: Path) -> None:
    w = ["-w", str(ws), "--as", "raj"]
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta"]
    crewdeck(*ledger, "--amount", "20.00 EUR", "--date", "2026-11-19")
    frozen = crewdeck(*ledger, "--amount", "50.00 EUR", "--date", "2026-11-20").strip()
    crewdeck("-w", str(ws), "--as", "ana", "crisis", "start", "--reason", "Bad reply", "--campaign", "launch")
    listed = {e["id"]: e for e in json.loads(crewdeck(*w, "ledger", "list", "--json"))}
    assert listed[frozen]["frozen"] is True and [e["frozen"] for e in listed.values()].count(True) == 1
    text = crewdeck(*w, "ledger", "list")
    # Entered from the tests' account, which is ana's, --as raj: ana acting as raj, as BY says.
    assert [line.split()[-4:] for line in text.splitlines() if line.startswith(frozen[:8])] == [["frozen", "@ana", "as", "@raj"]]
    assert [e["id"] for e in json.loads(crewdeck(*w, "ledger", "list", "is:approved", "--json"))] == []
    with in_person():  # mia herself: from the tests' account, ana's, --as mia is ana, who entered it (acting as raj)
        crewdeck("-w", str(ws), "--as", "mia", "ledger", "approve", frozen)
    assert json.loads(crewdeck(*w, "ledger", "list", "--json"))[0]["frozen"] is False
    # Approved, it reads "approved" and is:approved finds it, as a pending entry approved.
    assert [(e["id"], e["approved"]) for e in json.loads(crewdeck(*w, "ledger", "list", "is:approved", "--json"))] == [(frozen, True)]


META_DAY = "Campaign name,Day,Reach,Impressions,Link clicks,Results,Amount spent (EUR)\nLaunch,2026-11-19,1000,4000,40,4,{spend}\n"


def test_spend_meta_revised_imports_once_its_first_entry_is_reversed_as_the_refusal_says(ws: Path, tmp_path: Path) -> None:
    # Ads Manager revises a day's spend; --spend refused it "reverse that entry first", and after the reversal refused it again.
    first, revised = tmp_path / "first.csv", tmp_path / "revised.csv"
    first.write_text(META_DAY.format(spend="20.00"), encoding="utf-8")
    revised.write_text(META_DAY.format(spend="22.50"), encoding="utf-8")
    w = ["-w", str(ws), "--as", "raj"]
    crewdeck(*w, "kpi", "import", str(first), "--format", "meta", "--spend")
    err = crewdeck_fails(*w, "kpi", "import", str(revised), "--format", "meta", "--spend")
    [entry] = json.loads(crewdeck(*w, "ledger", "list", "--json"))
    assert f"{revised}:2: Amount spent (EUR): the ledger holds 20.00 EUR" in err and f"(entry {entry['short_id']})" in err
    assert "reverse that entry first" in err
    crewdeck(*w, "ledger", "reverse", entry["id"])

    out = crewdeck(*w, "kpi", "import", str(revised), "--format", "meta", "--spend")
    assert out.endswith("1 spend entry added\n")  # one entry, in the singular (it read "1 spend entries added")
    assert _report(ws, "--period", "2026-11")["rows"][0]["spend"] == {"amount": "22.50", "currency": "EUR"}
    again = crewdeck("-w", str(ws), "--as", "ana", "kpi", "import", str(revised), "--format", "meta", "--spend")
    assert again.endswith("0 spend entries added (1 already in the ledger)\n")  # whoever imports it again
    err = crewdeck_fails(*w, "kpi", "import", str(first), "--format", "meta", "--spend")
    assert "the ledger holds 22.50 EUR" in err  # the entry in force now, not the reversed one
    assert len(json.loads(crewdeck(*w, "ledger", "list", "--json"))) == 3


def test_the_reports_json_gives_no_sum_of_daily_reach_as_a_count(ws: Path) -> None:
    # counts.reach was 2,500 (1,000 + 1,500): a reach of people nobody reached, next to "reach": {"value": 1500, "at_least": true}.
    w = ["-w", str(ws), "--as", "raj"]
    crewdeck(*w, "kpi", "add", "+launch/meta", "2026-11-19", "impressions=4000", "reach=1000")
    crewdeck(*w, "kpi", "add", "+launch/meta", "2026-11-20", "impressions=5000", "reach=1500")
    row = _report(ws, "--period", "2026-11")["rows"][0]
    assert row["reach"] == {"value": 1500, "at_least": True}
    assert row["counts"]["impressions"] == 9000 and "reach" not in row["counts"]


def test_a_guest_importing_a_file_already_imported_is_refused_not_told_it_imported(ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "day.csv"
    source.write_text(META_DAY.format(spend="20.00"), encoding="utf-8")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "meta", "--spend")
    for args in ((), ("--spend",)):
        err = crewdeck_fails("-w", str(ws), "--as", "gus", "kpi", "import", str(source), "--format", "meta", *args)
        assert err == "crewdeck: error: @gus is a guest: guests add no results (rule guest_read_only)\n"
    again = crewdeck("-w", str(ws), "--as", "mia", "kpi", "import", str(source), "--format", "meta", "--spend")
    assert again.startswith("imported 1 row: 0 changed, 1 unchanged")


def test_a_guest_importing_any_file_is_refused_by_the_rule_whatever_it_holds(ws: Path, tmp_path: Path) -> None:
    # A header-only file (and a file of bad rows) exited 0, or listed the rows: the import never asked whether a guest may import.
    header_only = tmp_path / "header.csv"
    header_only.write_text("date,campaign,platform,clicks\n", encoding="utf-8")
    bad_rows = tmp_path / "bad.csv"
    bad_rows.write_text("date,campaign,platform,clicks\nnot a day,Nowhere,meta,many\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    refused = "crewdeck: error: @gus is a guest: guests add no results (rule guest_read_only)\n"
    for source in (header_only, bad_rows, empty):
        assert crewdeck_fails("-w", str(ws), "--as", "gus", "kpi", "import", str(source), "--format", "csv") == refused, source
    assert crewdeck_fails("-w", str(ws), "--as", "gus", "kpi", "add", "+nowhere/meta", "2026-11-19", "clicks=1") == refused
    assert crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", str(header_only), "--format", "csv").startswith("imported 0 rows")


def test_a_row_cut_short_is_a_bad_row_not_a_day_with_fewer_numbers(ws: Path, tmp_path: Path) -> None:
    # A file cut off in the middle of its last line (an interrupted download) imported that day's first cells alone.
    source = tmp_path / "cut.csv"
    source.write_text(
        "Campaign name,Day,Reach,Impressions,Link clicks,Results,Amount spent (EUR)\n"
        "Launch,2026-11-19,1000,4000,40,4,20.00\n"
        "Launch,2026-11-20,1500,50\n",
        encoding="utf-8",
    )
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "meta", "--spend")
    assert err.splitlines()[0] == f"{source}:3: 4 cells, but the header has 7 columns (is the file cut short?)"
    assert _nothing_written(ws)


def test_an_import_names_a_deleted_post_as_kpi_add_does_and_writes_nothing(ws: Path, tmp_path: Path) -> None:
    # kpi add refused a deleted post; kpi import matched it by id and wrote its results.
    post = crewdeck("-w", str(ws), "--as", "raj", "add", "Reel one +launch").strip()
    crewdeck("-w", str(ws), "--as", "raj", "rm", post[:8])
    source = tmp_path / "posts.csv"
    source.write_text(f"date,post,impressions\n2026-11-19,{post[:8]},500\n", encoding="utf-8")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "csv")
    assert (
        err.splitlines()[0] == f"{source}:2: post: task {post[:8]} “Reel one” was deleted (crewdeck log {post[:8]} says when and by whom)"
    )
    assert _nothing_written(ws)


def test_a_map_that_reads_one_column_as_two_metrics_is_refused(ws: Path, tmp_path: Path) -> None:
    # --map clicks=impressions read the impressions column as the clicks too (CTR 100%); --map given twice kept the last.
    source = tmp_path / "r.csv"
    source.write_text("date,campaign,platform,impressions,Klicks\n2026-11-19,Launch,meta,1000,20\n", encoding="utf-8")
    w = ["-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "csv"]
    err = crewdeck_fails(*w, "--map", "clicks=impressions")
    assert (
        err
        == f"crewdeck: error: nothing imported: {source}:1: --map clicks=impressions: that column is read as impressions too: map one of them to another column\n"
    )
    err = crewdeck_fails(*w, "--map", "clicks=Klicks", "--map", "clicks=impressions")
    assert err == "crewdeck: error: --map 'clicks=impressions': clicks is mapped twice (clicks=Klicks)\n"
    crewdeck(*w, "--map", "clicks=Klicks")
    assert _report(ws)["rows"][0]["kpis"]["ctr"]["value"] == "2.00"


def test_a_row_whose_campaign_or_platform_contradicts_its_post_is_a_bad_row(ws: Path, tmp_path: Path) -> None:
    # The post's campaign won silently: Autumn's numbers went to a Launch post, never said.
    post = crewdeck("-w", str(ws), "--as", "raj", "add", "Reel one +launch").strip()
    crewdeck("-w", str(ws), "--as", "raj", "set", post[:8], "platform=instagram")
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "add", "Autumn", "--platforms", "meta")
    source = tmp_path / "posts.csv"
    source.write_text(
        "date,post,campaign,platform,impressions\n"
        f"2026-11-19,{post[:8]},Launch,Instagram,100\n"  # as the post is: fine
        f"2026-11-20,{post[:8]},Autumn,instagram,100\n"
        f"2026-11-21,{post[:8]},Launch,meta,100\n",
        encoding="utf-8",
    )
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "csv")
    assert err.splitlines()[:2] == [
        f"{source}:3: campaign: post {post[:8]} is in +launch, not +autumn",
        f"{source}:4: platform: post {post[:8]} is on instagram, not meta",
    ]
    source.write_text(f"date,post,campaign,platform,impressions\n2026-11-19,{post[:8]},Launch,Instagram,100\n", encoding="utf-8")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "csv")


def test_a_platform_row_without_followers_says_what_it_lacks(ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "f.csv"
    source.write_text("date,campaign,platform,impressions,followers\n2026-11-19,,instagram,5,\n", encoding="utf-8")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "csv")
    assert err.splitlines()[0] == (
        f"{source}:2: platform: a platform alone counts its followers only: give them, or name a post or a campaign for these numbers"
    )


def test_kpi_add_says_when_no_rate_converts_the_conversion_value_as_ledger_add_says_of_spend(ws: Path) -> None:
    """value="30.00 GBP" with no GBP rate was added without a word: VALUE and ROAS read "rate missing" in every report."""
    w = ["-w", str(ws), "--as", "raj"]
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main([*w, "kpi", "add", "+launch/meta", "2026-11-19", "clicks=10", "value=30.00 GBP"]) == 0
    assert out.getvalue().startswith("Added the results of Launch on meta on 2026-11-19")
    assert err.getvalue() == (
        "note: no GBP/EUR (nor EUR/GBP) rate on or before 2026-11-19: out of the totals (crewdeck rate set 2026-11-19 GBP/EUR RATE)\n"
    )
    assert _report(ws)["rows"][0]["conversion_value"] is None  # the report leaves it out, as the note says
    # In the base currency, or with a rate in force: nothing to say.
    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-01", "GBP/EUR", "1.17")
    with redirect_stdout(io.StringIO()), redirect_stderr(err := io.StringIO()):
        assert main([*w, "kpi", "add", "+launch/meta", "2026-11-20", "clicks=10", "value=30.00 GBP"]) == 0
        assert main([*w, "kpi", "add", "+launch/meta", "2026-11-18", "value=30.00"]) == 0
    assert err.getvalue() == ""
