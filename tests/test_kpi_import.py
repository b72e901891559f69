"""`crewdeck kpi import`: Meta and LinkedIn exports, plain CSV, --spend, all or nothing, idempotence.

The vendors' files cannot be downloaded here: the fixtures below are
written by hand from the column lists the vendors and their integrators
document.  Meta: Ads Manager's "Export table data" with the columns its
help and training material name for the campaigns table (Campaign name,
Reporting starts, Reporting ends, Reach, Impressions, Link clicks, Results,
Result indicator, Amount spent with the account currency in the header, or
a Currency column (Settings) beside it; a Day column when broken down by day).  LinkedIn: Campaign Manager's campaign
performance export (a few preamble lines, then Start Date (in UTC),
Campaign Name, Currency, Total Spent, Impressions, Clicks, Reactions,
Comments, Shares, Total Engagements, Conversions, Reach, with dates as
M/D/YYYY), as LinkedIn's reporting fields are listed by its integrators.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main
from crewdeck.tui.results.keys import above_counts

from .syncsupport import Server, crewdeck, crewdeck_fails, listing, new_token

META = (
    "\ufeffCampaign name,Day,Reporting starts,Reporting ends,Reach,Impressions,Link clicks,Results,Result indicator,Amount spent (EUR)\n"
    '"Launch, EU",2026-11-20,2026-11-20,2026-11-20,800,"1,000",12,2,actions:offsite_conversion.fb_pixel_purchase,45.10\n'
    '"Launch, EU",2026-11-21,2026-11-21,2026-11-21,"1,200",2000,20,1,actions:offsite_conversion.fb_pixel_purchase,30.00\n'
    "Autumn,2026-11-21,2026-11-21,2026-11-21,90,300,,,,0.00\n"
    "\n"
)

LINKEDIN = (
    "Campaign Performance Report (in UTC)\n"
    "Report Start: 11/20/2026\n"
    "Report End: 11/21/2026\n"
    '"Date Generated: Nov 22, 2026, 9:00 AM"\n'
    "\n"
    "Start Date (in UTC),Account Name,Campaign Group Name,Campaign Name,Campaign ID,Currency,Total Spent,Impressions,Clicks,"
    "Reactions,Comments,Shares,Total Engagements,Conversions,Reach\n"
    "11/20/2026,Acme,Q4,Autumn,123456,USD,25.50,4000,35,20,3,2,60,4,3100\n"
    "11/21/2026,Acme,Q4,Autumn,123456,USD,10.00,1500,9,5,1,0,15,1,1200\n"
)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "ws.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    crewdeck("-w", str(path), "--as", "ana", "member", "add", "raj", "--name", "Raj", "--tz", "UTC", "--access", "member")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Launch, EU")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Autumn")
    return path


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _csv_import(ws: Path, source: str) -> str:
    """What raj's ``kpi import SOURCE --format csv`` prints (it must succeed)."""
    return crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")


def _state(ws: Path) -> tuple[list[tuple], list[tuple], int]:
    with Store(ws) as store:
        results = store.conn.execute(
            "SELECT id, impressions, reach, clicks, conversions, engagements, value_amount FROM result ORDER BY day, impressions"
        ).fetchall()
        entries = store.conn.execute("SELECT id, date, amount, currency, campaign FROM ledger_entry ORDER BY id").fetchall()
        return results, entries, store.op_count()


def test_a_meta_export_by_day_imports_with_its_bom_quoted_commas_header_currency_and_trailing_line(ws: Path, tmp_path: Path) -> None:
    source = _file(tmp_path, "meta.csv", META)
    out = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--spend")
    assert out.strip() == "imported 3 rows: 3 changed, 0 unchanged; 2 spend entries added"
    results, entries, ops = _state(ws)
    assert [r[1:5] for r in results] == [(1000, 800, 12, 2), (300, 90, None, None), (2000, 1200, 20, 1)]
    assert sorted((e[1], e[2], e[3]) for e in entries) == [("2026-11-20", 4510, "EUR"), ("2026-11-21", 3000, "EUR")]
    report = json.loads(crewdeck("-w", str(ws), "kpi", "report", "+launch-eu", "--json"))
    assert report["rows"][0]["spend"] == {"amount": "75.10", "currency": "EUR"}
    assert report["rows"][0]["kpis"]["cpc"]["value"] == "2.35"  # 75.10 / 32
    # Again, and from a copy under another name: nothing changes, not even the log.
    again = crewdeck("-w", str(ws), "--as", "ana", "kpi", "import", _file(tmp_path, "copy.csv", META), "--format", "meta", "--spend")
    assert again.strip() == "imported 3 rows: 0 changed, 3 unchanged; 0 spend entries added (2 already in the ledger)"
    assert _state(ws) == (results, entries, ops)
    # The history says who imported what, and from where.
    log = crewdeck("-w", str(ws), "log", results[0][0])
    assert "@raj added the results of" in log and "(from “meta import " in log
    with Store(ws) as store:
        record = store.record("result", results[0][0])
    assert record is not None and record["source"] == f"meta import {source}:2"


def test_the_report_names_its_period_as_the_results_screen_does_and_json_and_csv_keep_the_days(ws: Path, tmp_path: Path) -> None:
    """The text named no period at all: nobody could tell a week's numbers from all time's, as the Results bar tells them."""
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "meta.csv", META), "--format", "meta")
    for args, named in (
        ((), "All time"),
        # A week's days are not in its number: each period longer than a day says its first and last.
        (("--period", "2026-11"), "Month 2026-11 (2026-11-01..2026-11-30)"),
        (("--period", "2026-W47"), "Week 2026-W47 (2026-11-16..2026-11-22)"),
        (("--period", "2026-11-20"), "Day 2026-11-20"),
        (("+launch-eu", "--period", "run"), "Campaign run"),  # a run with no start or end: no days to name
    ):
        lines = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", *args).splitlines()
        assert lines[0] == f"Results · {named}", (args, lines)
        assert lines[1].startswith("CAMPAIGN ") and lines[2].startswith("+"), (args, lines)
    assert crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--period", "2026-11", "--csv").startswith("CAMPAIGN,")
    period = json.loads(crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--period", "2026-11", "--json"))["period"]
    assert period == {"start": "2026-11-01", "end": "2026-11-30"}


def test_a_later_export_replaces_the_days_it_holds(ws: Path, tmp_path: Path) -> None:
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "a.csv", META), "--format", "meta")
    later = META.replace('"1,000",12,2', '"1,100",14,2')
    out = crewdeck("-w", str(ws), "--as", "ana", "kpi", "import", _file(tmp_path, "b.csv", later), "--format", "meta")
    assert out.strip() == "imported 3 rows: 1 changed, 2 unchanged"
    results, _, _ = _state(ws)
    assert results[0][1:4] == (1100, 800, 14)


def test_a_newer_meta_export_empties_the_counts_it_no_longer_gives_for_a_day(ws: Path, tmp_path: Path) -> None:
    """Meta took back a day's conversions (a purchase refunded, attribution revised): the newer export's Results for that
    day are empty, or no longer of a conversion, and the re-import kept the old ones, CPA and ROAS off for good."""
    w = ("-w", str(ws), "--as", "raj", "kpi", "import")
    header = "Campaign name,Day,Link clicks,Results,Result indicator,Purchases conversion value (EUR)\n"
    purchase = "actions:offsite_conversion.fb_pixel_purchase"
    older = f"Autumn,2026-11-19,10,2,{purchase},80.00\nAutumn,2026-11-20,11,3,{purchase},90.00\nAutumn,2026-11-21,12,4,{purchase},99.00\n"
    crewdeck(*w, _file(tmp_path, "older.csv", header + older), "--format", "meta")
    # A number someone wrote by hand since is theirs: a newer export giving none of it leaves it.
    crewdeck("-w", str(ws), "--as", "ana", "kpi", "add", "+autumn/meta", "2026-11-21", "conversions=5")
    newer = (
        f"Autumn,2026-11-19,10,,{purchase},\n"  # Results and value taken back
        "Autumn,2026-11-20,11,3,actions:link_click,90.00\n"  # Results of another kind now: no conversions
        f"Autumn,2026-11-21,15,,{purchase},\n"  # more clicks, no Results: the hand's conversions stay, Meta's value goes
    )
    out = crewdeck(*w, _file(tmp_path, "newer.csv", header + newer), "--format", "meta")
    assert out.startswith("imported 3 rows: 3 changed, 0 unchanged")
    with Store(ws) as store:
        held = store.conn.execute("SELECT day, clicks, conversions, value_amount FROM result ORDER BY day").fetchall()
    assert held == [("2026-11-19", 10, None, None), ("2026-11-20", 11, None, 9000), ("2026-11-21", 15, 5, None)]
    # Again: nothing changes, not even the log.
    ops = _state(ws)[2]
    assert crewdeck(*w, _file(tmp_path, "again.csv", header + newer), "--format", "meta").startswith("imported 3 rows: 0 changed")
    assert _state(ws)[2] == ops


def test_a_renamed_column_is_read_with_map(ws: Path, tmp_path: Path) -> None:
    renamed = META.replace("Link clicks", "Clicks on links")
    source = _file(tmp_path, "meta.csv", renamed)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--map", "clicks=Link Klicks")
    assert (
        f"{source}:1: missing column: Link Klicks (the header is: Campaign name, Day, " in err
        and "; --map clicks=Link Klicks names it)" in err
    )
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--map", "clicks=Clicks on links")
    assert [r[3] for r in _state(ws)[0]] == [12, None, 20]


def test_bad_rows_are_all_reported_and_nothing_is_imported(ws: Path, tmp_path: Path) -> None:
    bad = (
        META.replace('2026-11-21,2026-11-21,2026-11-21,"1,200"', '2026-11-25,2026-11-15,2026-11-21,"1,200"')
        .replace("Autumn,", "Autum,")
        .replace("45.10", '"45,10"')
    )
    source = _file(tmp_path, "bad.csv", bad)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--spend")
    lines = err.splitlines()
    assert lines[0] == (
        f"{source}:2: Amount spent (EUR): '45,10': use a dot as the decimal separator, without thousands separators (or --decimal-mark ,)"
    )
    assert (
        lines[1]
        == f"{source}:3: Day: 2026-11-25 is outside the row's report range (Reporting starts 2026-11-15, Reporting ends 2026-11-21)"
    )
    assert lines[2].startswith(f"{source}:4: Campaign name: no campaign named 'Autum'")
    # One short line ends it, as the task importers' does: the rows are not said twice.
    assert lines[3:] == [f"crewdeck: error: nothing imported: 3 bad rows in {source} (listed above)"]
    assert _state(ws)[:2] == ([], [])


def test_a_repeat_of_a_bad_row_is_listed_with_it_not_after_it_is_fixed(ws: Path, tmp_path: Path) -> None:
    # Line 2's spend had a euro sign and line 4 repeated its campaign and day: only line 2 was listed, and once its sign
    # was taken out the next run refused line 4, which "every bad row is listed" had left unsaid.
    crewdeck("-w", str(ws), "--as", "raj", "add", "Reel one +autumn")
    text = "date,post,clicks,spend (EUR)\n2026-11-20,Reel one,5,€12.00\n2026-11-21,Reel one,4,3.00\n2026-11-20,Reel one,5,12.00\n"
    source = _file(tmp_path, "plain.csv", text)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--spend")
    assert err.splitlines() == [
        f"{source}:2: spend (EUR): '€12.00': write the currency as its code after the number, not its sign, like '12.00 EUR'",
        f"{source}:4: date: the same post and day as line 2",
        f"crewdeck: error: nothing imported: 2 bad rows in {source} (listed above)",
    ]
    assert _state(ws)[:2] == ([], [])


def test_a_linkedin_export_with_its_preamble_and_us_dates(ws: Path, tmp_path: Path) -> None:
    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-01", "USD/EUR", "0.9")
    out = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "li.csv", LINKEDIN), "--format", "linkedin", "--spend")
    assert out.strip() == "imported 2 rows: 2 changed, 0 unchanged; 2 spend entries added"
    report = json.loads(crewdeck("-w", str(ws), "kpi", "report", "+autumn", "--by", "platform", "--json"))
    row = next(r for r in report["rows"] if r["platform"] == "linkedin")
    assert row["counts"]["engagements"] == 75 and row["counts"]["clicks"] == 44 and row["reach"] == {"value": 3100, "at_least": True}
    # The spend the export brings (payee LinkedIn) counts on linkedin, next to its results.
    assert row["spend"] == {"amount": "31.95", "currency": "EUR"}  # (25.50 + 10.00) USD x 0.9
    assert [r["platform"] for r in report["rows"]] == ["linkedin"]


def test_an_import_says_the_spend_and_values_no_rate_converts_with_the_rate_that_would(ws: Path, tmp_path: Path) -> None:
    """A LinkedIn export in USD imported with --spend, no USD rate on its days: its spend was added without a word and
    every report read "rate missing", where ledger import and ledger add say it at once."""
    source = _file(tmp_path, "li.csv", LINKEDIN)
    args = ("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin", "--spend")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(list(args)) == 0
    assert out.getvalue() == "imported 2 rows: 2 changed, 0 unchanged; 2 spend entries added\n"
    assert err.getvalue() == (
        "note: spend or conversion value in USD: no USD/EUR (nor EUR/USD) rate on or before 2026-11-20: out of the totals "
        "(crewdeck rate set 2026-11-20 USD/EUR RATE)\n"
    )
    assert json.loads(crewdeck("-w", str(ws), "kpi", "report", "--json", "+autumn"))["rows"][0]["spend"] is None  # as it says
    # Imported again, nothing is written: nothing to say.  A file in EUR, the base currency, needs no rate.
    with redirect_stdout(io.StringIO()), redirect_stderr(err := io.StringIO()):
        assert main(list(args)) == 0
    assert err.getvalue() == ""
    with redirect_stdout(io.StringIO()), redirect_stderr(err := io.StringIO()):
        assert main(["-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "meta.csv", META), "--format", "meta", "--spend"]) == 0
    assert "rate" not in err.getvalue()  # its one note is on a row that spent 0


def test_a_linkedin_export_saved_as_unicode_text_is_read_by_its_tabs_past_its_preamble(ws: Path, tmp_path: Path) -> None:
    """Saved from Excel as "Unicode Text", the export's columns are split by tabs, while its preamble's "Date Generated:
    Nov 22, 2026, 9:00 AM" keeps its commas: read by that first line's commas, the header was one column, "no header row"."""
    preamble, _, table = LINKEDIN.partition("Start Date")
    tabbed = preamble.replace('"', "") + ("Start Date" + table).replace(",", "\t")
    path = tmp_path / "li.txt"
    path.write_bytes(tabbed.encode("utf-16"))
    out = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", str(path), "--format", "linkedin")
    assert out.strip() == "imported 2 rows: 2 changed, 0 unchanged"
    with Store(ws) as store:
        assert store.conn.execute("SELECT day, clicks, impressions FROM result ORDER BY day").fetchall() == [
            ("2026-11-20", 35, 4000),
            ("2026-11-21", 9, 1500),
        ]


def _linkedin(start: str, end: str, days: list[str]) -> str:
    """A LinkedIn export of Autumn's rows on ``days`` (M/D/YYYY), its preamble naming the report's range."""
    head, _, _ = LINKEDIN.partition("11/20/2026,Acme")
    head = head.replace("Report Start: 11/20/2026", f"Report Start: {start}").replace("Report End: 11/21/2026", f"Report End: {end}")
    return head + "".join(f"{day},Acme,Q4,Autumn,123456,USD,25.50,4000,35,20,3,2,60,4,3100\n" for day in days)


@pytest.mark.parametrize(
    ("start", "end", "days", "shown"),
    [
        ("11/1/2026", "11/21/2026", ["11/1/2026"], "2026-11-01"),  # Time breakdown: All
        ("10/15/2026", "11/21/2026", ["10/15/2026", "11/1/2026"], "2026-10-15, 2026-11-01"),  # Monthly
    ],
)
def test_a_linkedin_export_not_broken_down_by_day_is_refused_as_metas_is(
    ws: Path, tmp_path: Path, start: str, end: str, days: list[str], shown: str
) -> None:
    """A LinkedIn export of the whole range (or by month) imported each row as the numbers of its first day: three
    weeks of clicks all on November 1st, every daily KPI and chart wrong, where Meta's is refused with how to export it.
    Such a file may as well be a daily one (a campaign live only on those days): the refusal said "each row holds a
    longer time's numbers", which the file does not say; it says what the file tells and what it leaves untold."""
    source = _file(tmp_path, "li.csv", _linkedin(start, end, days))
    before = _state(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin", "--spend")
    first, last = (dt.date(int(y), int(m), int(d)).isoformat() for m, d, y in (b.split("/") for b in (start, end)))
    told = (
        f"{source}: every row is dated the report's first day or a month's ({shown}) in a report (Report Start, Report End) of "
        f"{first} to {last}, and {{unsaid}}: a row may hold that day's numbers (Time breakdown: Daily) or its month's or the "
        "report's (Monthly, All), which cannot be told: export it by day with the End Date column filled in, which says each "
        "row is one day's (Campaign Manager: Export, Time breakdown: Daily)"
    )
    # The closing line counted it "1 bad row", though it is no row's: a row's problems are counted apart from it.
    assert err.splitlines() == [
        told.format(unsaid="the file has no End Date column"),
        f"crewdeck: error: nothing imported: 1 problem of the whole file in {source} (listed above)",
    ]
    with_bad_row = _file(tmp_path, "bad.csv", _linkedin(start, end, days) + f"{days[0]},Acme,Q4,Nope,123456,USD,1,1,1,1,1,1,1,1,1\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", with_bad_row, "--format", "linkedin")
    assert err.splitlines()[-1] == (
        f"crewdeck: error: nothing imported: 1 bad row and 1 problem of the whole file in {with_bad_row} (listed above)"
    )
    # An End Date column left empty says no more.
    empty_end = _linkedin_with(start, end, "End Date (in UTC)", [f"{day}," for day in days])
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "li.csv", empty_end), "--format", "linkedin")
    assert err.splitlines()[0] == told.format(unsaid="no row's End Date is filled in")
    assert _state(ws) == before
    # Broken down by day, the same days are read: a report of one day, or one whose days are not all firsts.
    for first_day, last_day, daily in (("11/1/2026", "11/1/2026", ["11/1/2026"]), ("10/15/2026", "11/21/2026", [*days, "11/2/2026"])):
        source = _file(tmp_path, "daily.csv", _linkedin(first_day, last_day, daily))
        out = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin")
        assert out.startswith(f"imported {len(daily)} row")


def _linkedin_with(start: str, end: str, columns: str, rows: list[str]) -> str:
    """A LinkedIn export of Autumn whose preamble names the range ``start`` to ``end`` (M/D/YYYY), with ``columns`` before
    the campaign's (each row's cells for them in ``rows``)."""
    head = _linkedin(start, end, []).replace("Start Date (in UTC),", f"Start Date (in UTC),{columns},")
    return head + "".join(f"{cells},Acme,Q4,Autumn,123456,USD,25.50,4000,35,20,3,2,60,4,3100\n" for cells in rows)


@pytest.mark.parametrize(
    ("columns", "rows"),
    [
        # Each row says its span: one day, though every one is dated the report's first day or a month's.
        ("End Date (in UTC)", ["10/15/2026,10/15/2026", "11/1/2026,11/1/2026"]),
        # A campaign of one launch day, November 1st: its row is that day's, whatever the breakdown.
        ("Campaign Start Date,Campaign End Date", ["11/1/2026,11/1/2026,11/1/2026"]),
        ("Campaign Start Date,Campaign End Date", ['11/1/2026,"10/31/2026, 9:00 AM","11/1/2026, 11:59 PM"']),
    ],
)
def test_a_daily_linkedin_export_whose_rows_say_they_are_days_is_read_though_each_is_a_first(
    ws: Path, tmp_path: Path, columns: str, rows: list[str]
) -> None:
    """Every row dated the report's first day or a 1st was refused as "not broken down by day", though the file said each
    row is one day's: by its End Date, or by its campaign's last day."""
    source = _file(tmp_path, "li.csv", _linkedin_with("10/15/2026", "11/21/2026", columns, rows))
    out = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin")
    assert out.startswith(f"imported {len(rows)} row")
    with Store(ws) as store:
        days = [day for (day,) in store.conn.execute("SELECT day FROM result ORDER BY day")]
    assert days == [{"10/15/2026": "2026-10-15", "11/1/2026": "2026-11-01"}[row.split(",")[0]] for row in rows]


@pytest.mark.parametrize("campaign_end", ["", "12/31/2026", "not a day"])
def test_a_monthly_linkedin_export_is_refused_though_it_names_its_campaigns_end(ws: Path, tmp_path: Path, campaign_end: str) -> None:
    """A campaign running past its row's day (or with no end set): the row may hold the month's numbers."""
    rows = [f"10/15/2026,10/1/2026,{campaign_end}", f"11/1/2026,10/1/2026,{campaign_end}"]
    source = _file(tmp_path, "li.csv", _linkedin_with("10/15/2026", "11/21/2026", "Campaign Start Date,Campaign End Date", rows))
    before = _state(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin")
    assert err.splitlines()[0].startswith(f"{source}: every row is dated the report's first day or a month's (2026-10-15, 2026-11-01)")
    assert _state(ws) == before
    # By month with an End Date column, each row says it spans the month: refused by its own span.
    text = _linkedin_with("10/15/2026", "11/21/2026", "End Date (in UTC)", ["10/15/2026,10/31/2026", "11/1/2026,11/21/2026"])
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "li.csv", text), "--format", "linkedin")
    assert err.splitlines()[:2] == [
        f"{source}:7: End Date (in UTC): the row spans 2026-10-15 to 2026-10-31: export it broken down by day "
        "(Campaign Manager: Export, Time breakdown: Daily)",
        f"{source}:8: End Date (in UTC): the row spans 2026-11-01 to 2026-11-21: export it broken down by day "
        "(Campaign Manager: Export, Time breakdown: Daily)",
    ]
    assert _state(ws) == before


def test_a_linkedin_row_with_an_end_date_past_its_start_is_refused_naming_linkedins_breakdown(ws: Path, tmp_path: Path) -> None:
    text = (
        "Start Date (in UTC),End Date (in UTC),Campaign Name,Impressions\n11/1/2026,11/21/2026,Autumn,4000\n11/2/2026,11/2/2026,Autumn,5\n"
    )
    source = _file(tmp_path, "li.csv", text)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin")
    assert err.splitlines()[0] == (
        f"{source}:2: End Date (in UTC): the row spans 2026-11-01 to 2026-11-21: export it broken down by day "
        "(Campaign Manager: Export, Time breakdown: Daily)"
    )


def test_a_plain_csv_maps_its_columns_and_matches_posts_by_title(ws: Path, tmp_path: Path) -> None:
    post = crewdeck("-w", str(ws), "--as", "raj", "add", "Reel one +autumn").strip()
    text = "Tag,Beitrag,Impressionen,Klicks,Wert\n2026-11-20,Reel one,500,7,12.50 EUR\n2026-11-20,/,1,1,\n"
    source = _file(tmp_path, "plain.csv", text)
    mapping = ["--map", "date=Tag,post=Beitrag", "--map", "impressions=Impressionen", "--map", "clicks=Klicks"]
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", *mapping)
    assert f"{source}:3: Beitrag: no post with the id or title '/'" in err
    source = _file(tmp_path, "plain.csv", text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", *mapping)
    with Store(ws) as store:
        row = store.conn.execute("SELECT post, impressions, clicks FROM result").fetchone()
    assert row == (post, 500, 7)


def test_two_replicas_importing_the_same_file_converge(ws: Path, tmp_path: Path) -> None:
    server = Server([str(ws)]).start()
    try:
        replicas = []
        for handle in ("ana", "raj"):
            token = new_token(handle, "--workspace", str(ws), "--as", "ana")
            path = tmp_path / f"{handle}.db"
            crewdeck("join", server.url, "--token", token, str(path))
            replicas.append((handle, path))
        source = _file(tmp_path, "meta.csv", META)
        for handle, path in replicas:
            crewdeck("-w", str(path), "--as", handle, "kpi", "import", source, "--format", "meta", "--spend")
        for _ in range(2):
            for _, path in replicas:
                crewdeck("-w", str(path), "sync")
        exports = [crewdeck("-w", str(path), "export") for _, path in replicas]
        assert exports[0] == exports[1]
        states = [_state(path)[:2] for _, path in replicas]
        assert states[0] == states[1] == _state(ws)[:2]
        assert len(states[0][0]) == 3 and len(states[0][1]) == 2  # one result per day and one spend entry per row
    finally:
        assert server.stop() == ""


def _meta_days(days: int, clicks: int = 12) -> str:
    """A Meta export of ``days`` days of Autumn's results, the amount in the header's currency."""
    rows = [
        f"Autumn,2026-10-{day:02d},2026-10-{day:02d},2026-10-{day:02d},80,1000,{clicks},1,actions:lead,5.00" for day in range(1, days + 1)
    ]
    return (
        "Campaign name,Day,Reporting starts,Reporting ends,Reach,Impressions,Link clicks,Results,Result indicator,Amount spent (EUR)\n"
        + ("\n".join(rows) + "\n")
    )


def test_a_file_is_written_a_batch_at_a_time_and_a_bad_row_in_a_late_batch_rolls_back_the_early_ones(ws: Path, tmp_path: Path) -> None:
    from crewdeck.tui.ledger.csvfiles import Rejected
    from crewdeck.tui.results import imports
    from crewdeck.tui.workspace.workspace import Workspace

    before = _state(ws)
    good = _meta_days(9)
    bad = good + "Autumn,2026-10-32,2026-10-32,2026-10-32,80,1000,12,1,actions:lead,5.00\n"
    workspace = Workspace.open(ws)
    try:
        raj = workspace.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        batches: list[int] = []

        def run(text: str) -> imports.Imported:
            lines = iter(text.splitlines(keepends=True))
            return imports.run(
                workspace,
                raj,
                lines,
                "m.csv",
                "meta",
                {},
                "2026-11-22T09:00:00Z",
                with_spend=True,
                size=2,
                before_write=lambda keys: batches.append(len(keys)),
            )

        with pytest.raises(Rejected) as refused:
            run(bad)
        assert refused.value.problems == ["m.csv:11: Day: '2026-10-32' is not a date (YYYY-MM-DD, or M/D/YYYY)"]
        assert batches == [2, 2, 2, 2]  # four full batches written, the last one held back by its bad row, all rolled back
        assert _state(ws) == before
        batches.clear()
        done = run(good)
        assert (done.rows, done.changed, done.unchanged, done.spend_added) == (9, 9, 0, 9)
        assert batches == [2, 2, 2, 2, 1]
        again = run(good)
        assert (again.rows, again.changed, again.unchanged, again.spend_added, again.spend_already) == (9, 0, 9, 0, 9)
    finally:
        workspace.close()
    results, entries, _ = _state(ws)
    assert len(results) == 9 and len(entries) == 9


def test_spend_revised_after_a_reversal_imports_in_a_file_of_many_batches(ws: Path) -> None:
    """The entries reversed are found in a write of many batches too (``Store.bulk``, which drops the ledger's indexes)."""
    from crewdeck.tui.results import imports
    from crewdeck.tui.workspace.workspace import Workspace

    def run(workspace: Workspace, member: str, text: str) -> imports.Imported:
        lines = iter(text.splitlines(keepends=True))
        return imports.run(workspace, member, lines, "m.csv", "meta", {}, "2026-11-22T09:00:00Z", with_spend=True, size=2)

    first = _meta_days(5)
    workspace = Workspace.open(ws)
    try:
        raj = workspace.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        assert run(workspace, raj, first).spend_added == 5
    finally:
        workspace.close()
    entries = {e["date"]: e["id"] for e in json.loads(crewdeck("-w", str(ws), "--as", "raj", "ledger", "list", "--json"))}
    for day in ("2026-10-02", "2026-10-04"):
        crewdeck("-w", str(ws), "--as", "raj", "ledger", "reverse", entries[day])
    revised = first.replace("2026-10-02,80,1000,12,1,actions:lead,5.00", "2026-10-02,80,1000,12,1,actions:lead,7.00").replace(
        "2026-10-04,80,1000,12,1,actions:lead,5.00", "2026-10-04,80,1000,12,1,actions:lead,9.00"
    )
    workspace = Workspace.open(ws)
    try:
        done = run(workspace, raj, revised)
        assert (done.spend_added, done.spend_already) == (2, 3)
        again = run(workspace, raj, revised)
        assert (again.spend_added, again.spend_already) == (0, 5)
    finally:
        workspace.close()
    held = json.loads(crewdeck("-w", str(ws), "--as", "raj", "ledger", "list", "--json"))
    assert sorted(e["amount"] for e in held if e["date"] in ("2026-10-02", "2026-10-04")) == sorted(
        ["5.00", "-5.00", "7.00", "5.00", "-5.00", "9.00"]
    )


def test_spend_the_ledger_holds_otherwise_names_its_line_and_imports_nothing(ws: Path, tmp_path: Path) -> None:
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "a.csv", _meta_days(3)), "--format", "meta", "--spend")
    before = _state(ws)
    changed = _meta_days(3).replace("2026-10-03,80,1000,12,1,actions:lead,5.00", "2026-10-03,80,1000,20,1,actions:lead,6.00")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "c.csv", changed), "--format", "meta", "--spend")
    source = str(tmp_path / "c.csv")
    # Listed on its line, as every bad row (it was the error line itself, the clashes joined by "; ").
    assert err.startswith(f"{source}:4: Amount spent (EUR): the ledger holds 5.00 EUR for this campaign and day (entry ")
    assert err.endswith(
        f"not 6.00 EUR: reverse that entry first\ncrewdeck: error: nothing imported: 1 bad row in {source} (listed above)\n"
    )
    assert _state(ws) == before


def test_a_file_that_is_not_utf8_is_one_line_and_imports_nothing(ws: Path, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(_meta_days(3).replace("Autumn", "Autümn").encode("latin-1"))
    before = _state(ws)
    assert (
        crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", str(path), "--format", "meta")
        == f"crewdeck: error: nothing imported: {path}: line 2: not UTF-8 text (byte 0xFC): save it as UTF-8, or convert it "
        f"(from Windows-1252, as many banks write: iconv -f WINDOWS-1252 -t UTF-8 {path} > {tmp_path / 'latin1-utf8.csv'})\n"
    )
    assert _state(ws) == before


def test_an_export_saved_as_utf16_imports_as_its_utf8_twin(ws: Path, tmp_path: Path) -> None:
    """A results file saved as Excel's "Unicode Text" (UTF-16, its byte order mark says so) was "not UTF-8 text: it is
    UTF-16": ``ledger import`` and the task imports read one, and so does this, either byte order."""
    path = tmp_path / "meta16.csv"
    path.write_bytes(META.encode("utf-16-le"))  # META opens with its byte order mark
    out = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", str(path), "--format", "meta", "--spend")
    assert out.strip() == "imported 3 rows: 3 changed, 0 unchanged; 2 spend entries added"
    state = _state(ws)
    assert [r[1:5] for r in state[0]] == [(1000, 800, 12, 2), (300, 90, None, None), (2000, 1200, 20, 1)]
    path.write_bytes(META.encode("utf-16-be"))
    again = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", str(path), "--format", "meta", "--spend")
    assert again.strip() == "imported 3 rows: 0 changed, 3 unchanged; 0 spend entries added (2 already in the ledger)"
    assert _state(ws) == state
    path.write_bytes(META.encode("utf-16-le")[:-1])  # cut mid-character
    assert crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", str(path), "--format", "meta") == (
        f"crewdeck: error: nothing imported: {path}: not UTF-16 text, though it begins as UTF-16 does\n"
    )
    assert _state(ws) == state


def test_a_sheet_saved_as_unicode_text_tab_separated_imports_as_its_csv_twin(ws: Path, tmp_path: Path) -> None:
    """Excel's "Unicode Text" separates its columns by tabs: read with commas, its header was one column, "no date column
    (date; or --map date=COLUMN)", naming a column its header plainly has.  A tab in a header of commas is a cell's."""
    rows = [["date", "campaign", "platform", "clicks", "notes"], ["2026-11-20", "Autumn", "instagram", "12", "a, b"]]
    tabbed = "".join("\t".join(row) + "\r\n" for row in rows)
    path = tmp_path / "sheet.txt"
    path.write_bytes(tabbed.encode("utf-16"))
    assert _csv_import(ws, str(path)).startswith("imported 1 row: 1 changed, 0 unchanged")
    assert _csv_import(ws, _file(tmp_path, "sheet.tsv", tabbed)).startswith("imported 1 row: 0 changed, 1 unchanged")
    assert _csv_import(
        ws, _file(tmp_path, "sheet.csv", 'date,campaign,platform,clicks,notes\n2026-11-20,Autumn,instagram,12,"a\tb"\n')
    ).startswith("imported 1 row: 0 changed, 1 unchanged")
    with Store(ws) as store:
        assert store.conn.execute("SELECT day, clicks FROM result").fetchall() == [("2026-11-20", 12)]


def test_a_sheet_excel_saved_with_semicolons_imports_as_its_csv_twin(ws: Path, tmp_path: Path) -> None:
    """Excel in a locale with a decimal comma saves "CSV" with semicolons, which ``ledger import`` reads: ``kpi import``
    said "no date column (date; ...)" of a header that plainly has one.  A semicolon in a file of commas is a cell's."""
    text = "date;campaign;platform;clicks;notes\r\n2026-11-20;Autumn;instagram;12;a, b\r\n"
    assert _csv_import(ws, _file(tmp_path, "sheet.csv", text)).startswith("imported 1 row: 1 changed, 0 unchanged")
    commas = 'date,campaign,platform,clicks,notes\n2026-11-20,Autumn,instagram,12,"a; b; c"\n'
    assert _csv_import(ws, _file(tmp_path, "commas.csv", commas)).startswith("imported 1 row: 0 changed, 1 unchanged")
    with Store(ws) as store:
        assert store.conn.execute("SELECT day, clicks FROM result").fetchall() == [("2026-11-20", 12)]


def test_a_semicolon_sheet_with_decimal_commas_imports_as_its_comma_twin_with_decimal_mark(ws: Path, tmp_path: Path) -> None:
    """Excel in a locale with a decimal comma writes "25,50" and "1.234,50": each row was refused ("use a dot as the
    decimal separator"), where ``ledger import --decimal-mark ,`` reads them; ``kpi import`` takes the option too."""
    header = "date;campaign;platform;impressions;conversions;value;spend;currency\r\n"
    sheet = header + "2026-11-20;Autumn;instagram;12.500;2;25,50;1.234,50;EUR\r\n2026-11-21;Autumn;instagram;900;1;7,5 EUR;300;EUR\r\n"
    w = ["-w", str(ws), "--as", "raj", "kpi", "import"]
    source = _file(tmp_path, "eu.csv", sheet)
    plain = crewdeck_fails(*w, source, "--format", "csv", "--spend")
    # Without the option the cells are refused, with the way to read them.
    assert plain.splitlines()[:2] == [
        f"{source}:2: impressions: '12.500' is not a count (a whole number)",
        f"{source}:2: value: '25,50': use a dot as the decimal separator, without thousands separators (or --decimal-mark ,)",
    ]
    out = crewdeck(*w, source, "--format", "csv", "--spend", "--decimal-mark", ",")
    assert out.strip() == "imported 2 rows: 2 changed, 0 unchanged; 2 spend entries added"
    twin = "date,campaign,platform,impressions,conversions,value,spend,currency\n"
    twin += '2026-11-20,Autumn,instagram,"12,500",2,25.50,1234.50,EUR\n2026-11-21,Autumn,instagram,900,1,7.50,300.00,EUR\n'
    out = crewdeck(*w, _file(tmp_path, "twin.csv", twin), "--format", "csv", "--spend")
    assert out.strip() == "imported 2 rows: 0 changed, 2 unchanged; 0 spend entries added (2 already in the ledger)"
    results, entries, _ = _state(ws)
    # A count's thousands grouped by dots, as the sheet groups its amounts': 12.500 is 12,500.
    assert [(r[1], r[6]) for r in results] == [(12500, 2550), (900, 750)]
    assert sorted((e[1], e[2], e[3]) for e in entries) == [("2026-11-20", 123450, "EUR"), ("2026-11-21", 30000, "EUR")]


def test_under_decimal_mark_comma_counts_grouped_by_spaces_are_read_as_the_amounts_beside_them(ws: Path, tmp_path: Path) -> None:
    """A sheet of a locale that groups thousands with a space (French Excel, a no-break space or a narrow one) writes
    "12 500" beside "1 234,50": the amount was read, as ``ledger import --decimal-mark ,`` reads it, and the count on its
    row refused ("not a count"), so the sheet was imported only once every count was retyped."""
    text = "date;campaign;platform;impressions;clicks;reach;spend;currency\r\n"
    text += "2026-11-20;Autumn;instagram;12 500;1\u00a0204;1\u202f000\u202f000;1 234,50;EUR\r\n"
    text += "2026-11-21;Autumn;instagram;12 50;3;900;2,00;EUR\r\n"
    source = _file(tmp_path, "fr.csv", text)
    w = ["-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--spend", "--decimal-mark", ","]
    # A space that groups no thousands is no separator: refused, never read as 1250.
    assert crewdeck_fails(*w).splitlines()[0] == f"{source}:3: impressions: '12 50' is not a count (a whole number)"
    _file(tmp_path, "fr.csv", text.replace("12 50;", "1 250;"))
    assert crewdeck(*w).strip() == "imported 2 rows: 2 changed, 0 unchanged; 2 spend entries added"
    _, entries, _ = _state(ws)
    with Store(ws) as store:
        counted = store.conn.execute("SELECT day, impressions, clicks, reach FROM result ORDER BY day").fetchall()
    assert counted == [("2026-11-20", 12500, 1204, 1000000), ("2026-11-21", 1250, 3, 900)]
    assert sorted((e[1], e[2]) for e in entries) == [("2026-11-20", 123450), ("2026-11-21", 200)]


def test_under_decimal_mark_comma_an_amount_with_a_decimal_dot_is_a_bad_row_never_a_hundred_times_more(ws: Path, tmp_path: Path) -> None:
    """Under ``--decimal-mark ,`` "12.50" is refused on its line and column, as ``ledger import`` refuses it (read with the
    dot grouping thousands it would be 1250); a mark other than '.' or ',' is refused before the file is read."""
    text = "date;campaign;platform;clicks;value;Kosten;currency\n2026-11-20;Autumn;instagram;3;4,00;12,00;EUR\n"
    text += "2026-11-21;Autumn;instagram;3;4,00;12.50;EUR\n2026-11-22;Autumn;instagram;1.2.3;4,00;12,00;EUR\n"
    source = _file(tmp_path, "eu.csv", text)
    before = _state(ws)
    w = ["-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--map", "spend=Kosten", "--spend"]
    err = crewdeck_fails(*w, "--decimal-mark", ",")
    assert err.splitlines()[0] == (
        f"{source}:3: Kosten: '12.50': with --decimal-mark , a comma marks the decimals and dots group thousands"
    )
    assert err.splitlines()[1] == f"{source}:4: clicks: '1.2.3' is not a count (a whole number, a dot only between thousands: 1.234)"
    assert crewdeck_fails(*w, "--decimal-mark", ";").strip() == "crewdeck: error: --decimal-mark: '.' or ',', not ';'"
    assert _state(ws) == before


def test_an_amount_read_with_its_marks_is_quoted_as_the_file_writes_it(ws: Path, tmp_path: Path) -> None:
    """Under ``--decimal-mark ,`` a refused value or spend was quoted as it was read ("amount '1234.567': EUR has 2 decimal
    places", "'-1234.50' is negative"), a text the file nowhere holds: the cell is quoted, as ``ledger import`` quotes it."""
    text = "date;campaign;platform;clicks;value;spend;currency\n2026-11-20;Autumn;instagram;3;1.234,567;-1.234,50;EUR\n"
    text += "2026-11-21;Autumn;instagram;3;4,00;1.234,50 USD;EUR\n"
    source = _file(tmp_path, "eu.csv", text)
    before = _state(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--spend", "--decimal-mark", ",")
    assert err.splitlines()[:3] == [
        f"{source}:2: value: '1.234,567': EUR has 2 decimal places, not 3",
        f"{source}:2: spend: '-1.234,50' is negative: results and spend are counted from zero up",
        f"{source}:3: spend: '1.234,50 USD' is in USD, but the row's currency is EUR",
    ]
    assert _state(ws) == before


@pytest.mark.parametrize(("separator", "named"), [(",", "comma"), ("\t", "tab")])
def test_a_row_with_a_cell_too_many_names_the_files_own_separator(ws: Path, tmp_path: Path, separator: str, named: str) -> None:
    """A tab-separated sheet's row with a tab in a value was told "a comma in a value needs quotes": the file has none."""
    rows = [
        ["date", "campaign", "platform", "clicks"],
        ["2026-11-20", "Autumn", "instagram", "12"],
        ["2026-11-21", "Autumn", "instagram", "7", "x"],
    ]
    source = _file(tmp_path, "sheet.txt", "".join(separator.join(row) + "\n" for row in rows))
    before = _state(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    assert err.splitlines()[0] == f"{source}:3: 5 cells, but the header has 4 columns (a {named} in a value needs quotes)"
    assert _state(ws) == before


def test_an_import_that_takes_a_campaign_off_target_adds_the_review_task(ws: Path, tmp_path: Path) -> None:
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "autumn", "--target", "ctr>=1%")
    crewdeck("-w", str(ws), "--as", "ana", "kpi", "review", "on")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "a.csv", _meta_days(2)), "--format", "meta")
    assert "Review +autumn" not in listing("-w", str(ws), "tasks", "all")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "b.csv", _meta_days(9, clicks=0)), "--format", "meta")
    tasks = json.loads(crewdeck("-w", str(ws), "tasks", "all", "--json"))
    assert [t["title"] for t in tasks if t["title"].startswith("Review +autumn")] == [
        next(t["title"] for t in tasks if t["title"].startswith("Review +autumn"))
    ]


def test_a_second_currency_for_a_key_and_day_here_names_its_line_and_imports_nothing(ws: Path, tmp_path: Path) -> None:
    """The rules refuse it at write time; the import names the row and its column, as for every bad row."""
    header = "campaign,platform,date,clicks,value,currency\n"
    _csv_import(ws, _file(tmp_path, "a.csv", header + "Autumn,meta,2026-11-20,3,5.00,EUR\n"))
    before = _state(ws)
    source = _file(tmp_path, "b.csv", header + "Autumn,meta,2026-11-19,1,1.00,USD\nAutumn,meta,2026-11-20,4,5.00,USD\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    assert err.splitlines() == [
        f"{source}:3: value: this campaign's conversion value for 2026-11-20 is in EUR here: a second currency (USD) is refused "
        "(crewdeck kpi add +autumn/meta 2026-11-20 value=none clears it first)",
        f"crewdeck: error: nothing imported: 1 bad row in {source} (listed above)",
    ]
    assert _state(ws) == before
    # As it says: the value cleared, the file imports (the value given in the wrong currency was not stuck for good).
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+autumn/meta", "2026-11-20", "value=none")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    with Store(ws) as store:
        assert store.conn.execute("SELECT value_amount, value_currency FROM result WHERE day = '2026-11-20'").fetchall() == [(500, "USD")]


def test_a_day_begun_nowhere_yet_is_a_bad_row_and_today_is_read(ws: Path, tmp_path: Path) -> None:
    """An export has no day to come: the suite's instant, 2026-11-26 09:30 UTC, is 23:30 on the 26th at UTC+14, the earliest zone."""
    header = "campaign,platform,date,clicks\n"
    source = _file(tmp_path, "ahead.csv", header + "Autumn,meta,2026-11-26,1\nAutumn,meta,2026-11-27,2\nAutumn,meta,11/28/2026,3\n")
    lines = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv").splitlines()
    assert lines == [
        f"{source}:3: date: 2026-11-27 has begun in no time zone yet: an export holds results up to 2026-11-26, the latest day begun",
        f"{source}:4: date: 2026-11-28 has begun in no time zone yet: an export holds results up to 2026-11-26, the latest day begun",
        f"crewdeck: error: nothing imported: 2 bad rows in {source} (listed above)",
    ]
    assert _state(ws)[:2] == ([], [])
    out = _csv_import(ws, _file(tmp_path, "today.csv", header + "Autumn,meta,2026-11-26,1\n"))
    assert out.strip() == "imported 1 row: 1 changed, 0 unchanged"


def test_a_row_with_a_line_break_in_a_cell_is_named_by_the_line_it_starts_on(ws: Path, tmp_path: Path) -> None:
    """A good row was named by the line it ended on, a broken one by the line it started on: a bad cell in a row with a
    quoted line break pointed below the row (final read)."""
    header = "campaign,platform,date,clicks,note\n"
    source = _file(tmp_path, "notes.csv", header + 'Autumn,meta,2026-11-20,-1,"two\nlines"\nAutumn,meta,2026-11-21,-2,x\n')
    lines = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv").splitlines()
    assert [line.split(": ")[0] for line in lines[:2]] == [f"{source}:2", f"{source}:4"]


def test_bad_rows_are_counted_as_rows_not_as_problems_and_one_row_is_one_row(ws: Path, tmp_path: Path) -> None:
    header = "campaign,platform,date,clicks,reach\n"
    source = _file(tmp_path, "bad.csv", header + "Autumn,meta,2026-02-30,-1,NaN\n")
    lines = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv").splitlines()
    assert lines[:3] == [
        f"{source}:2: date: '2026-02-30' is not a date (YYYY-MM-DD, or M/D/YYYY)",
        f"{source}:2: reach: 'NaN' is not a count (a whole number)",
        f"{source}:2: clicks: '-1' is not a count (a whole number)",
    ]
    assert lines[3:] == [f"crewdeck: error: nothing imported: 1 bad row in {source} (listed above)"]
    out = _csv_import(ws, _file(tmp_path, "good.csv", header + "Autumn,meta,2026-11-20,1,2\n"))
    assert out.strip() == "imported 1 row: 1 changed, 0 unchanged"


def test_a_plain_csvs_slashed_date_that_reads_as_two_days_is_a_bad_row_never_a_guess(ws: Path, tmp_path: Path) -> None:
    # A spreadsheet's week of 01/11/2026 .. 07/11/2026 (day first, as most of the world writes it) was read month first,
    # as LinkedIn writes its dates: January 11 to July 11, imported without a word into seven other months.
    header = "campaign,platform,date,clicks\n"
    rows = "Autumn,meta,01/11/2026,1\nAutumn,meta,11/20/2026,2\nAutumn,meta,3/3/2026,3\nAutumn,meta,7/11/2026,4\n"
    lines = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "week.csv", header + rows), "--format", "csv")
    source = str(tmp_path / "week.csv")
    assert lines.splitlines() == [
        f"{source}:2: date: '01/11/2026' is 2026-01-11 month first and 2026-11-01 day first: write it YYYY-MM-DD",
        f"{source}:5: date: '7/11/2026' is 2026-07-11 month first and 2026-11-07 day first: write it YYYY-MM-DD",
        f"crewdeck: error: nothing imported: 2 bad rows in {source} (listed above)",
    ]
    assert _state(ws)[0] == []
    # LinkedIn's export writes its dates month first, always: read so.
    out = crewdeck(
        "-w",
        str(ws),
        "--as",
        "raj",
        "kpi",
        "import",
        _file(tmp_path, "li.csv", LINKEDIN.replace("11/21/2026", "11/1/2026")),
        "--format",
        "linkedin",
    )
    assert out.startswith("imported 2 rows"), out


def test_a_count_too_large_is_said_so_not_that_it_is_no_whole_number(ws: Path, tmp_path: Path) -> None:
    # It said "'1000000000000001' is not a count (a whole number)", which it is.
    source = _file(tmp_path, "big.csv", 'campaign,platform,date,clicks\nAutumn,meta,2026-11-20,"1,000,000,000,000,001"\n')
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    assert err.splitlines()[0] == f"{source}:2: clicks: '1,000,000,000,000,001' is more than a count can be (at most 1,000,000,000,000,000)"
    assert _state(ws)[0] == []
    # Past 4,300 digits int() refuses the text itself: it was a traceback.
    source = _file(tmp_path, "huge.csv", "campaign,platform,date,clicks\nAutumn,meta,2026-11-20," + "9" * 5000 + "\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    assert err.splitlines()[0].endswith("is more than a count can be (at most 1,000,000,000,000,000)") and "Traceback" not in err
    source = _file(tmp_path, "spent.csv", "campaign,platform,date,value\nAutumn,meta,2026-11-20," + "9" * 5000 + " EUR\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    assert err.splitlines()[0].endswith("is too large") and "Traceback" not in err


def test_a_long_bad_cell_is_quoted_cut_short_on_its_one_line(ws: Path, tmp_path: Path) -> None:
    # A bad amount or count repeated the whole cell on its line: a cell of 5,000 characters made a line of over 5,000.
    header = "campaign,platform,date,clicks,value\n"
    rows = [
        f"Autumn,meta,2026-11-20,{'9' * 5000},",
        f"Autumn,meta,2026-11-19,{'x' * 5000},",
        f"Autumn,meta,2026-11-18,1,{'1' * 5000} EUR",
        f"Autumn,meta,2026-11-17,1,{'y' * 5000} EUR",
        f"Autumn,{'p' * 5000},2026-11-16,1,",
        f"{'z' * 5000},meta,2026-11-15,1,",
        f"Autumn,meta,{'2' * 5000},1,",
    ]
    source = _file(tmp_path, "long.csv", header + "\n".join(rows) + "\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    lines = err.splitlines()
    assert len(lines) == len(rows) + 1 and max(map(len, lines)) <= len(source) + 250, [line[-120:] for line in lines]
    cut = "…'"
    assert lines[:4] == [
        f"{source}:2: clicks: '{'9' * 79}{cut} is more than a count can be (at most 1,000,000,000,000,000)",
        f"{source}:3: clicks: '{'x' * 79}{cut} is not a count (a whole number)",
        f"{source}:4: value: '{'1' * 79}{cut} is too large",
        f"{source}:5: value: '{'y' * 79}{cut} is not a plain decimal number like 120.50",
    ]
    assert lines[4].startswith(f"{source}:6: platform: '{'p' * 79}{cut} is not a platform name")
    assert lines[5].startswith(f"{source}:7: campaign: no campaign named '{'z' * 79}{cut}: ")
    assert lines[6] == f"{source}:8: date: '{'2' * 79}{cut} is not a date (YYYY-MM-DD, or M/D/YYYY)"
    assert _state(ws)[:2] == ([], [])


@pytest.mark.parametrize(
    ("digits", "above"),
    [
        ("0", False),
        ("999999999999999", False),
        ("1000000000000000", False),
        ("1000000000000001", True),
        ("0000001000000000000000", False),
        ("0000001000000000000001", True),
        ("9" * 5000, True),
    ],
)
def test_a_count_is_above_the_largest_by_its_value_leading_zeros_and_all(digits: str, above: bool) -> None:
    assert above_counts(digits) is above


def test_two_columns_with_the_name_a_field_is_read_from_import_nothing(ws: Path, tmp_path: Path) -> None:
    """Which of the two would be a guess: said as ``ledger import`` says it (it said "clicks: columns 4 and 5 are both
    named so: rename one"), each of them counted."""
    source = _file(tmp_path, "twice.csv", "campaign,platform,date,Clicks,clicks,CLICKS\nAutumn,meta,2026-11-20,3,4,5\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    said = "the header names Clicks 3 times (columns 4, 5 and 6): which holds the clicks is not known; rename the others"
    assert err == f"crewdeck: error: nothing imported: {source}:1: {said}\n"
    assert _state(ws)[0] == []


def test_a_currency_no_code_names_is_said_once_of_its_own_column(ws: Path, tmp_path: Path) -> None:
    """A currency column's "US Dollar" was said of each amount of the row, upper-cased ("value: unknown currency 'US
    DOLLAR'", then "spend: ..."): once, of the currency column, as ``ledger import`` says it."""
    text = "date,campaign,platform,clicks,value,spend,currency\n2026-11-20,Autumn,instagram,3,2.00,1.00,US Dollar\n"
    text += "2026-11-21,Autumn,instagram,3,2.00,1.00,eur\n"
    source = _file(tmp_path, "cur.csv", text)
    before = _state(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--spend")
    assert err.splitlines() == [
        f"{source}:2: currency: unknown currency 'US Dollar' (use an ISO 4217 code such as EUR, USD, JPY)",
        f"crewdeck: error: nothing imported: 1 bad row in {source} (listed above)",
    ]
    assert _state(ws) == before


def test_a_map_to_no_column_of_a_wide_export_names_its_first_columns_as_ledger_import_does(ws: Path, tmp_path: Path) -> None:
    """``--map`` naming a column the file lacks listed every column of the header, each whole: an export of a hundred
    columns (or one of 5,000 characters) made a line of kilobytes; it names the first ones, cut, and how many there are."""
    header = ["date", "campaign", "platform", *(f"metric {n}" for n in range(80)), "x" * 5000]
    source = _file(tmp_path, "wide.csv", ",".join(header) + "\n2026-11-20,Autumn,meta" + ",1" * 81 + "\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--map", "clicks=Klicks")
    shown = ", ".join(header[:12])
    assert (
        err
        == f"crewdeck: error: nothing imported: {source}:1: missing column: Klicks (the header is: {shown}, … (84 columns); --map clicks=Klicks names it)\n"
    )


def test_a_file_named_with_a_control_character_or_a_long_path_imports_and_is_named_safely(ws: Path, tmp_path: Path) -> None:
    """The file's name goes into each result's source and each spend entry's memo: as text the rules take, whatever the name."""
    evil = _file(tmp_path, "evil\x1b[2J.csv", _meta_days(1))
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", evil, "--format", "meta", "--spend")
    deep = tmp_path / ("d" * 200) / ("d" * 200)
    deep.mkdir(parents=True)
    long = _file(deep, "f" * 200 + ".csv", _meta_days(2))
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", long, "--format", "meta", "--spend")
    with Store(ws) as store:
        sources = [row[0] for row in store.conn.execute("SELECT source FROM result ORDER BY day")]
        memos = sorted(row[0] for row in store.conn.execute("SELECT memo FROM ledger_entry"))
    assert sources[0] == f"meta import {tmp_path}/evil^[[2J.csv:{sources[0].rsplit(':', 1)[1]}"
    assert sources[1].startswith("meta import …") and sources[1].endswith("f" * 200 + ".csv:" + sources[1].rsplit(":", 1)[1])
    assert len(sources[1]) <= 500 and all("\x1b" not in text for text in [*sources, *memos])


def test_a_header_below_the_first_line_with_a_missing_column_is_one_line_in_a_real_process(ws: Path, tmp_path: Path) -> None:
    """LinkedIn's preamble (or a blank first line): the reader was left mid-file, and closing it later printed a traceback."""
    program = "import sys; from crewdeck.tui.cli.main import main; sys.exit(main(sys.argv[1:]))"
    source = _file(tmp_path, "li.csv", LINKEDIN)
    argv = ["-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin", "--map", "clicks=Klicks"]
    run = subprocess.run([sys.executable, "-c", program, *argv], capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stderr.count("\n")) == (2, 1), run.stderr
    assert run.stderr.startswith(
        f"crewdeck: error: nothing imported: {source}:6: missing column: Klicks (the header is: Start Date (in UTC), "
    )
    blank = _file(tmp_path, "blank.csv", "\ncampaign,platform,clicks\nAutumn,meta,3\n")
    run = subprocess.run([sys.executable, "-c", program, *argv[:6], blank, "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stderr) == (
        2,
        f"crewdeck: error: nothing imported: {blank}:2: missing column: date (the header is: campaign, platform, clicks; name it with --map date=COLUMN)\n",
    )


def test_a_metric_the_export_never_gives_reads_not_reported_and_a_zero_still_counts(ws: Path, tmp_path: Path) -> None:
    """Meta's export has no engagements column and this one no conversion value: ER and ROAS are "—", not 0.00% and 0.00x."""
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "meta.csv", META), "--format", "meta", "--spend")
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch-eu", "--target", "roas>=2", "--target", "ctr>=5%")
    # Per campaign and per day (the campaign-day sums), per post over a whole month (the monthly sums), over days (the records).
    for args in ((), ("--by", "day"), ("--by", "post", "--period", "2026-11"), ("--by", "post", "--period", "2026-W47")):
        row = json.loads(crewdeck("-w", str(ws), "kpi", "report", "+launch-eu", "--json", *args))["rows"][0]
        assert row["kpis"]["er_impressions"] == {"value": None, "note": "not reported"}, args
        assert row["kpis"]["roas"] == {"value": None, "note": "not reported"}, args
        assert row["kpis"]["ctr"]["value"] in ("1.07", "1.20"), args  # clicks and impressions given: computed (both days, the first)
        assert row["counts"]["engagements"] is None and row["counts"]["clicks"] in (32, 12), args
        # A KPI not reported neither meets nor misses its target: only the CTR is off target.
        assert [t["target"] for t in row["off_target"]] == ["ctr>=5%"], args
    out = io.StringIO()
    err = io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["-w", str(ws), "kpi", "report", "+launch-eu"]) == 0
    assert "0.00x" not in out.getvalue() and "0.00%" not in out.getvalue()
    assert "—: not reported (engagements, conversion value, followers), or nothing to divide by" in err.getvalue()

    # Reported as 0: the KPIs are 0, as given.
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+launch-eu/meta", "2026-11-20", "engagements=0", "value=0.00 EUR")
    for args in ((), ("--by", "post", "--period", "2026-11")):
        row = json.loads(crewdeck("-w", str(ws), "kpi", "report", "+launch-eu", "--json", *args))["rows"][0]
        assert row["kpis"]["er_impressions"] == {"value": "0.00"} and row["kpis"]["roas"] == {"value": "0.00"}, args
        assert row["counts"]["engagements"] == 0
        assert [t["target"] for t in row["off_target"]] == ["roas>=2x", "ctr>=5%"], args  # a ROAS of 0.00x given is judged


def test_an_ad_exports_amounts_with_thousands_separators_import_as_its_counts_do(ws: Path, tmp_path: Path) -> None:
    # Meta writes "1,000" impressions (read) and "1,234.50" spent in the same style: the row was refused
    # "use a dot as the decimal separator, without thousands separators".
    meta = META.replace(",45.10\n", ',"1,234.50"\n')
    linkedin = LINKEDIN.replace(",25.50,", ',"2,025.50",')
    w = ["-w", str(ws), "--as", "raj", "kpi", "import"]
    crewdeck(*w, _file(tmp_path, "meta.csv", meta), "--format", "meta", "--spend")
    crewdeck(*w, _file(tmp_path, "li.csv", linkedin), "--format", "linkedin", "--spend")
    _, entries, _ = _state(ws)
    assert sorted(e[2] for e in entries) == [1000, 3000, 123450, 202550]
    # Grouped as thousands are, or refused: "1,23.50" is no amount.
    source = _file(tmp_path, "bad.csv", META.replace(",45.10\n", ',"1,23.50"\n'))
    err = crewdeck_fails(*w, source, "--format", "meta", "--spend")
    assert f"{source}:2: Amount spent (EUR): '1,23.50'" in err


def test_a_plain_csvs_amounts_with_thousands_separators_import_as_its_counts_and_the_platforms_amounts_do(ws: Path, tmp_path: Path) -> None:
    # "12,500" clicks were read and "1,250.00" spent in the same file refused ("use a dot as the decimal separator,
    # without thousands separators" and "(or --decimal-mark ,)", which then refused the row for its counts), where a Meta
    # or LinkedIn file read both: one rule, a comma between thousands, for every format.
    text = (
        "date,campaign,platform,clicks,spend,currency\n"
        '2026-11-20,Autumn,instagram,"12,500","1,250.00",EUR\n'
        '2026-11-21,Autumn,instagram,"1,200","20,000",JPY\n'
        '2026-11-22,Autumn,instagram,"1,000","1,234.50 USD",\n'
    )
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "plain.csv", text), "--format", "csv", "--spend")
    results, entries, _ = _state(ws)
    assert sorted(r[3] for r in results) == [1000, 1200, 12500]
    assert sorted((e[1], e[2], e[3]) for e in entries) == [
        ("2026-11-20", 125000, "EUR"),
        ("2026-11-21", 20000, "JPY"),
        ("2026-11-22", 123450, "USD"),
    ]
    # Grouped as thousands are, or refused, as a count is: "1,23.50" is no amount, and "12,50" is told of --decimal-mark.
    bad = text.replace('"1,250.00"', '"1,23.50"').replace('"20,000"', '"12,50"').replace("JPY", "EUR")
    source = _file(tmp_path, "bad.csv", bad)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--spend")
    assert err.splitlines()[:2] == [
        f"{source}:2: spend: '1,23.50': use a dot as the decimal separator, without thousands separators",
        f"{source}:3: spend: '12,50': use a dot as the decimal separator, without thousands separators (or --decimal-mark ,)",
    ]


def test_a_plain_csvs_comma_that_may_mark_decimals_is_refused_never_read_as_thousands(ws: Path, tmp_path: Path) -> None:
    # "1,250" of KWD (three decimal places: 1.250 or 1250) and "0,500" of EUR (grouping nothing) were read as 1,250.000
    # KWD and 500.00 EUR: a thousandfold guess, where kpi add and ledger add refuse the same amounts.
    text = (
        "date,campaign,platform,clicks,spend,currency\n"
        '2026-11-20,Autumn,instagram,10,"1,250",KWD\n'
        '2026-11-21,Autumn,instagram,10,"0,500",EUR\n'
        '2026-11-22,Autumn,instagram,"0,500",1.00,EUR\n'
    )
    source = _file(tmp_path, "plain.csv", text)
    lines = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--spend").splitlines()
    assert [line.split(": ")[1] for line in lines[:3]] == ["spend", "spend", "clicks"], lines
    assert "'1,250'" in lines[0] and "--decimal-mark ," in lines[0], lines
    assert "'0,500'" in lines[1] and "'0500 EUR'" not in lines[1], lines
    assert lines[-1] == f"crewdeck: error: nothing imported: 3 bad rows in {source} (listed above)"
    assert _state(ws)[:2] == ([], [])


def test_a_plain_csvs_column_no_metric_reads_is_named_not_dropped_silently(ws: Path, tmp_path: Path) -> None:
    # "Link Klicks" (a renamed clicks) and "Wert" were read by nothing and the import said only "1 changed": the clicks
    # and the value were lost without a word.
    crewdeck("-w", str(ws), "--as", "raj", "add", "Reel one +autumn")
    source = _file(tmp_path, "plain.csv", "date,post,impressions,Link Klicks,Wert\n2026-11-20,Reel one,500,7,12.50 EUR\n")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv"]) == 0
    assert out.getvalue() == "imported 1 row: 1 changed, 0 unchanged\n"
    assert err.getvalue() == (f"note: {source}: columns not read: Link Klicks, Wert (a metric under another name: --map METRIC=COLUMN)\n")
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        assert (
            main(["-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--map", "clicks=Link Klicks,value=Wert"]) == 0
        )
    assert err.getvalue() == ""
    with Store(ws) as store:
        assert store.conn.execute("SELECT impressions, clicks, value_amount FROM result").fetchone() == (500, 7, 1250)


def test_a_linkedin_export_with_its_campaign_column_renamed_is_read_with_map(ws: Path, tmp_path: Path) -> None:
    # Its header was found by the words "Campaign Name" alone: renamed, the file had "no header row", --map or not.
    source = _file(tmp_path, "li.csv", LINKEDIN.replace("Campaign Name", "Campaign"))
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin")
    assert err == (
        f"crewdeck: error: nothing imported: {source}: missing column: Campaign Name (no row of the file names it; name it with "
        "--map campaign=COLUMN)\n"
    )
    out = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin", "--map", "campaign=Campaign")
    assert out == "imported 2 rows: 2 changed, 0 unchanged\n"
    assert [r[1] for r in _state(ws)[0]] == [4000, 1500]


def test_an_amount_with_no_currency_is_told_to_name_it_in_its_own_header(ws: Path, tmp_path: Path) -> None:
    # A plain CSV's "Revenue" column of 42.00 was told "name it in the header (Amount spent (EUR))": Meta's column,
    # which the file has not, where "Revenue (EUR)" was meant.
    source = _file(tmp_path, "rev.csv", "campaign,platform,date,Revenue\nAutumn,meta,2026-11-20,42.00\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--map", "value=Revenue")
    assert err.splitlines()[0] == (
        f"{source}:2: Revenue: no currency: name it in the header (Revenue (EUR)), in a currency column or in the cell (42.00 EUR)"
    )


def test_a_meta_export_with_its_currency_in_a_column_imports_in_that_currency(ws: Path, tmp_path: Path) -> None:
    # Ads Manager's Currency column (Settings) next to a plain "Amount spent": the row was refused "no currency: name it
    # ... in a currency column", which a Meta export did not read.
    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-01", "USD/EUR", "0.9")
    text = (
        "Campaign name,Day,Reach,Impressions,Link clicks,Results,Amount spent,Currency\r\n"
        "Autumn,2026-11-20,800,1000,12,2,45.10,USD\r\n"
        "Autumn,2026-11-21,900,1100,14,3,30.00,USD\r\n"
    )
    out = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "meta.csv", text), "--format", "meta", "--spend")
    assert out == "imported 2 rows: 2 changed, 0 unchanged; 2 spend entries added\n"
    assert sorted((e[1], e[2], e[3]) for e in _state(ws)[1]) == [("2026-11-20", 4510, "USD"), ("2026-11-21", 3000, "USD")]
    # A row's currency that the header's contradicts is a bad row, never one of the two guessed.
    source = _file(tmp_path, "both.csv", text.replace("Amount spent,", "Amount spent (EUR),").replace("45.10", "46.10"))
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--spend")
    assert err.splitlines()[0] == f"{source}:2: Currency: USD, but the header names EUR"
    # Two amounts' headers naming two currencies: the spend was read in the conversion value's.
    source = _file(
        tmp_path, "two.csv", "Campaign name,Day,Amount spent (EUR),Purchases conversion value (USD)\nAutumn,2026-11-20,5.00,9.00\n"
    )
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--spend")
    assert err == (
        f"crewdeck: error: nothing imported: {source}:1: Amount spent (EUR) and Purchases conversion value (USD) name two currencies: "
        "export the amounts in one\n"
    )


@pytest.mark.parametrize(
    ("fmt", "header", "row", "named"),
    [
        ("linkedin", "Start Date (in UTC),Campaign Name,Currency,Total Spent (EUR)", "11/20/2026,Autumn,USD,25.50", "Currency"),
        ("csv", "date,campaign,platform,currency,spend (EUR)", "2026-11-20,Autumn,linkedin,USD,25.50", "currency"),
    ],
)
def test_linkedin_and_plain_csv_refuse_a_currency_the_header_contradicts(
    ws: Path, tmp_path: Path, fmt: str, header: str, row: str, named: str
) -> None:
    # The README said so of Meta's exports alone: a row's currency against the header's, and two amounts' headers
    # naming two currencies, are refused in every format.
    source = _file(tmp_path, "one.csv", f"{header}\n{row}\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", fmt, "--spend")
    assert err.splitlines()[0] == f"{source}:2: {named}: USD, but the header names EUR"
    spend = header.split(",")[-1]
    value = {"linkedin": "Conversion Value (USD)", "csv": "value (USD)"}[fmt]
    source = _file(tmp_path, "two.csv", f"{header},{value}\n{row},3.00\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", fmt, "--spend")
    assert err == f"crewdeck: error: nothing imported: {source}:1: {spend} and {value} name two currencies: export the amounts in one\n"
    assert _state(ws)[:2] == ([], [])


def test_a_long_currency_cell_is_named_cut_short_on_each_line(ws: Path, tmp_path: Path) -> None:
    # A Currency cell of 300 characters was shown whole twice: on its line against the header's currency and on the
    # amount's "unknown currency" line, two lines each over 300 characters long.
    long = "X" * 300
    text = f"Campaign name,Day,Reach,Amount spent (EUR),Currency\nAutumn,2026-11-20,800,45.10,{long}\n"
    source = _file(tmp_path, "long.csv", text)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--spend")
    shown = "X" * 19 + "…"
    assert err.splitlines() == [
        f"{source}:2: Currency: {shown}, but the header names EUR",
        f"{source}:2: Amount spent (EUR): unknown currency '{shown}' (use an ISO 4217 code such as EUR, USD, JPY)",
        f"crewdeck: error: nothing imported: 1 bad row in {source} (listed above)",
    ]
    assert _state(ws)[:2] == ([], [])


def test_a_map_of_a_field_the_format_does_not_read_is_refused(ws: Path, tmp_path: Path) -> None:
    # "--format meta --map currency=Devise" (or post=..., which a Meta row never names) was taken and never read: the
    # import went on as if it had not been given.
    source = _file(tmp_path, "meta.csv", META)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--map", "post=Ad name")
    assert err.startswith("crewdeck: error: --map 'post=Ad name': --format meta reads no post (fields: campaign, date, end, reach,")
    assert err.count("\n") == 1 and _state(ws)[:2] == ([], [])
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin", "--map", "followers=Fans")
    assert err.startswith("crewdeck: error: --map 'followers=Fans': --format linkedin reads no followers (fields: campaign,")


def test_a_meta_exports_total_row_is_said_and_not_read(ws: Path, tmp_path: Path) -> None:
    # Ads Manager writes the total over the rows first, its names empty: the import refused the whole file
    # ("Campaign name: empty"), and a total read as a campaign's would have counted every row twice.
    header, *rows = META.splitlines(keepends=True)
    total = ',2026-11-20,2026-11-20,2026-11-21,"2,090","3,300",32,3,,75.10\n'
    source = _file(tmp_path, "meta.csv", header + total + "".join(rows))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--spend"]) == 0
    assert out.getvalue() == "imported 3 rows: 3 changed, 0 unchanged; 2 spend entries added\n"
    assert err.getvalue() == (
        f"note: {source}:2: the export's total row (no campaign name) is not read\n"
        f"note: {source}: Amount spent (EUR) is 0 on 1 row: the ledger records no amount of zero, so no entry is added; a day"
        " with no other spend reads as no spend linked (its CPC, CPM and CPA “—”, not 0.00)\n"
    )
    results, entries, _ = _state(ws)
    assert len(results) == 3 and sorted(e[2] for e in entries) == [3000, 4510]
    # Only the first row is the total: a row with no campaign name below it is a bad row.
    late = ',2026-11-21,2026-11-21,2026-11-21,"1,200","2,000",20,1,,30.00\n'
    source = _file(tmp_path, "late.csv", header + "".join(rows) + late)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta")
    assert err.splitlines() == [
        f"{source}:6: Campaign name: empty",
        f"crewdeck: error: nothing imported: 1 bad row in {source} (listed above)",
    ]


def test_a_post_named_by_the_title_of_a_deleted_post_says_it_was_deleted(ws: Path, tmp_path: Path) -> None:
    # By its id the row said the post was deleted; by its title, "no post with the id or title", as if it never was.
    crewdeck("-w", str(ws), "--as", "raj", "add", "Reel one +autumn")
    post = crewdeck("-w", str(ws), "--as", "raj", "add", "Reel gone +autumn").strip()
    crewdeck("-w", str(ws), "--as", "raj", "rm", post)
    source = _file(tmp_path, "plain.csv", "date,post,impressions\n2026-11-20,Reel one,500\n2026-11-20,reel gone,100\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    assert err.splitlines()[0] == (
        f"{source}:3: post: task {post[:8]} “Reel gone” was deleted (crewdeck log {post[:8]} says when and by whom)"
    )


def test_a_title_several_posts_have_is_refused_naming_each_with_its_campaign_and_platform(ws: Path, tmp_path: Path) -> None:
    # It said "2 posts are titled 'Reel one': give the id" and no id: which were they, kpi add says (9eb133e).
    posts = [crewdeck("-w", str(ws), "--as", "raj", "add", "Reel one +autumn").strip() for _ in range(2)]
    crewdeck("-w", str(ws), "--as", "raj", "set", posts[0], "platform=instagram")
    crewdeck("-w", str(ws), "--as", "raj", "set", posts[1], "platform=TikTok")
    source = _file(tmp_path, "plain.csv", "date,post,impressions\n2026-11-20,reel ONE,500\n")
    import_err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv").splitlines()[0]
    add_err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", "reel ONE", "2026-11-20", "impressions=500")
    first, second = sorted(posts)
    said = {posts[0]: "+autumn, instagram", posts[1]: "+autumn, tiktok"}
    words = f"2 posts are titled 'reel ONE': give the id: {first[:8]} ({said[first]}) or {second[:8]} ({said[second]})"
    assert import_err == f"{source}:2: post: {words}"
    assert add_err == f"crewdeck: error: {words}\n"  # the same words as kpi add


def test_a_title_a_plain_task_shares_with_one_post_names_the_post_as_kpi_add_does(ws: Path, tmp_path: Path) -> None:
    # A plain task (no campaign: no post) titled as a post made it "2 posts are titled 'Reel one'", where kpi add took the post.
    post = crewdeck("-w", str(ws), "--as", "raj", "add", "Reel one +autumn").strip()
    crewdeck("-w", str(ws), "--as", "raj", "add", "Reel one")
    source = _file(tmp_path, "plain.csv", "date,post,impressions\n2026-11-20,reel one,500\n")
    assert "1 row" in _csv_import(ws, source)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "Reel one", "2026-11-21", "impressions=70")
    with Store(ws) as store:
        rows = store.conn.execute("SELECT post, day, impressions FROM result ORDER BY day").fetchall()
    assert rows == [(post, "2026-11-20", 500), (post, "2026-11-21", 70)]
    # A title only plain tasks have is refused as kpi add refuses it: the task is no post of a campaign.
    plain = crewdeck("-w", str(ws), "--as", "raj", "add", "Brief").strip()
    source = _file(tmp_path, "brief.csv", "date,post,impressions\n2026-11-20,Brief,5\n")
    import_err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv").splitlines()[0]
    add_err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", "Brief", "2026-11-20", "impressions=5")
    words = f"{plain[:8]} is not a post of a campaign: no report would count its results (crewdeck set {plain[:8]} campaign=+CAMPAIGN)"
    assert import_err == f"{source}:2: post: {words}"
    assert add_err == f"crewdeck: error: {words}\n"


def test_a_title_with_a_capital_beyond_ascii_names_its_post_in_kpi_add_as_in_kpi_import(ws: Path, tmp_path: Path) -> None:
    # kpi add compared SQLite's lower() of the title (ASCII alone) with Python's of the typed one: "Über reel" typed as
    # it reads was "no post with the id or title", which kpi import found.
    post = crewdeck("-w", str(ws), "--as", "raj", "add", "Über reel +autumn").strip()
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "Über reel", "2026-11-20", "impressions=5")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "über REEL", "2026-11-21", "impressions=6")
    _csv_import(ws, _file(tmp_path, "u.csv", "date,post,impressions\n2026-11-22,ÜBER reel,7\n"))
    with Store(ws) as store:
        rows = store.conn.execute("SELECT post, day, impressions FROM result ORDER BY day").fetchall()
    assert rows == [(post, "2026-11-20", 5), (post, "2026-11-21", 6), (post, "2026-11-22", 7)]


def test_posts_of_one_title_are_told_apart_by_the_rows_platform_and_campaign(ws: Path, tmp_path: Path) -> None:
    # One creative on two platforms has one title: a sheet by platform names it and its platform, and every row was
    # "2 posts are titled 'Reel one': give the id", though the platform says which.
    posts = [crewdeck("-w", str(ws), "--as", "raj", "add", f"Reel one +{where}").strip() for where in ("autumn", "autumn", "launch-eu")]
    for post, where in zip(posts, ("instagram", "tiktok", "instagram")):
        crewdeck("-w", str(ws), "--as", "raj", "set", post, f"platform={where}")
    rows = "date,post,platform,campaign,impressions\n2026-11-20,Reel one,instagram,Autumn,5\n2026-11-20,Reel one,TikTok,,6\n"
    _csv_import(ws, _file(tmp_path, "by-platform.csv", rows))
    with Store(ws) as store:
        got = store.conn.execute("SELECT post, impressions FROM result ORDER BY impressions").fetchall()
    assert got == [(posts[0], 5), (posts[1], 6)]
    # A platform two of them are on, with no campaign, tells none apart: refused as before, naming each.
    source = _file(tmp_path, "several.csv", "date,post,platform,impressions\n2026-11-20,Reel one,instagram,7\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv").splitlines()[0]
    assert err.startswith(f"{source}:2: post: 3 posts are titled 'Reel one': give the id: "), err


def test_a_file_that_is_not_valid_csv_says_so_as_the_other_imports_do(ws: Path, tmp_path: Path) -> None:
    # It said the csv module's words alone ("',' expected after '\"'"), and of a cell over its limit, valid CSV,
    # "field larger than field limit (131072)".
    source = _file(tmp_path, "q.csv", 'Campaign name,Day,Reach\nAutumn,2026-11-20,"80"0\n')
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta")
    assert err.splitlines()[0] == (
        f'{source}:2: not valid CSV: a quoted value goes on after its closing quote (a comma should follow it; a quote inside a value is written twice: "")'
    )
    source = _file(tmp_path, "long.csv", f'Campaign name,Day,Reach,Note\nAutumn,2026-11-20,80,"{"x" * 200_000}"\n')
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta")
    assert err.splitlines()[0] == f"{source}:2: a cell longer than 131,072 characters"


def test_a_stray_quote_is_named_on_its_own_row_by_the_files_separator_and_no_raw_tab(ws: Path, tmp_path: Path) -> None:
    """In a tab-separated sheet the csv module's words put a raw tab on the terminal ("'<TAB>' expected after '\"'"); a
    quote never closed was said on the file's last line ("unexpected end of data"), thousands of lines below it."""
    rows = 'date\tcampaign\tplatform\tclicks\n2026-11-20\tAutumn\tinstagram\t"12" clicks\n'
    source = _file(tmp_path, "sheet.txt", rows)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    assert err.splitlines()[0] == (
        f'{source}:2: not valid CSV: a quoted value goes on after its closing quote (a tab should follow it; a quote inside a value is written twice: "")'
    )
    text = (
        'date,campaign,platform,clicks\n2026-11-20,Autumn,instagram,12\n2026-11-21,Autumn,instagram,"7\n'
        + "2026-11-22,Autumn,instagram,7\n" * 50
    )
    source = _file(tmp_path, "open.csv", text)
    before = _state(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    assert (
        err.splitlines()[0]
        == f'{source}:3: not valid CSV: a quote opened in this row is never closed (a quote inside a value is written twice: "")'
    )
    assert _state(ws) == before


def test_the_rows_below_a_stray_quote_are_read_and_named_too(ws: Path, tmp_path: Path) -> None:
    """The reading ended at a stray quote: a bad row below it was named only once the quote was fixed.  A header that
    is not CSV still ends it (the row after it would be read as the header): one line of the whole file, no bad row."""
    quote = 'not valid CSV: a quoted value goes on after its closing quote (a comma should follow it; a quote inside a value is written twice: "")'
    text = (
        'date,campaign,platform,clicks\n2026-11-20,Nowhere,instagram,1\n2026-11-21,Autumn,instagram,"7"x\n'
        "2026-11-22,Autumn,instagram,7\n2026-11-23,Elsewhere,instagram,2\n"
    )
    source = _file(tmp_path, "below.csv", text)
    before = _state(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv").splitlines()
    assert [line.split(":")[1] for line in err[:-1]] == ["2", "3", "5"] and err[1] == f"{source}:3: {quote}"
    assert err[-1] == f"crewdeck: error: nothing imported: 3 bad rows in {source} (listed above)"
    source = _file(tmp_path, "header.csv", 'date,"campaign"x,platform,clicks\n2026-11-20,Autumn,instagram,1\n')
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv").splitlines()
    header = quote.replace("not valid CSV", "the header cannot be read: not valid CSV")
    assert err == [f"crewdeck: error: nothing imported: {source}: line 1: {header}"]
    assert _state(ws) == before


def _import_meta(ws: Path, source: str, *args: str) -> tuple[str, str]:
    """raj's ``kpi import SOURCE --format meta ARGS``: its stdout and stderr (it must succeed)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", *args]) == 0, err.getvalue()
    return out.getvalue(), err.getvalue()


def _conversions(ws: Path) -> list[tuple[str, int | None]]:
    with Store(ws) as store:
        return store.conn.execute("SELECT day, conversions FROM result ORDER BY day, impressions").fetchall()


def test_meta_results_count_as_conversions_only_where_the_result_indicator_names_a_conversion(ws: Path, tmp_path: Path) -> None:
    # Ads Manager's Results count what the campaign optimises for, which the Result indicator names: link clicks,
    # reach and video views were imported as conversions, corrupting CVR, CPA and ROAS.
    header = "Campaign name,Day,Reporting starts,Reporting ends,Reach,Impressions,Link clicks,Results,Result indicator,Amount spent (EUR)\n"
    rows = (
        "Autumn,2026-11-18,2026-11-18,2026-11-18,80,100,12,12,actions:link_click,1.00\n"
        "Autumn,2026-11-19,2026-11-19,2026-11-19,90,110,13,90,reach,1.00\n"
        "Autumn,2026-11-20,2026-11-20,2026-11-20,95,120,14,30,actions:link_click,1.00\n"
        "Autumn,2026-11-21,2026-11-21,2026-11-21,99,130,15,2,actions:offsite_conversion.fb_pixel_purchase,1.00\n"
        "Autumn,2026-11-22,2026-11-22,2026-11-22,99,140,15,3,actions:onsite_conversion.lead_grouped,1.00\n"
        "Autumn,2026-11-23,2026-11-23,2026-11-23,99,150,15,,actions:video_view,1.00\n"
    )
    source = _file(tmp_path, "meta.csv", header + rows)
    out, err = _import_meta(ws, source)
    assert out == "imported 6 rows: 6 changed, 0 unchanged\n"
    assert err == (
        f"note: {source}: Results of 3 rows not read as conversions: their Result indicator names none "
        "(actions:link_click on 2 rows, reach on 1 row); --map conversions=COLUMN names a conversions column (e.g. Purchases)\n"
    )
    held = [("2026-11-18", None), ("2026-11-19", None), ("2026-11-20", None), ("2026-11-21", 2), ("2026-11-22", 3), ("2026-11-23", None)]
    assert _conversions(ws) == held
    # Again: nothing changes, not even the log, and the note is said again.
    ops = _state(ws)[2]
    assert _import_meta(ws, source) == ("imported 6 rows: 0 changed, 6 unchanged\n", err)
    assert _state(ws)[2] == ops and _conversions(ws) == held
    # A bad row elsewhere: nothing is written and no note is said, only the bad row.
    broken = _file(tmp_path, "broken.csv", header + rows.replace("2026-11-23,99,150", "2026-11-23,99,15x"))
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", broken, "--format", "meta")
    assert err.splitlines()[0] == f"{broken}:7: Impressions: '15x' is not a count (a whole number)" and "note:" not in err
    assert _state(ws)[2] == ops
    # An explicit --map conversions=... wins over the indicator: Results are what the member says they are.
    out, err = _import_meta(ws, source, "--map", "conversions=Results")
    assert (out, err) == ("imported 6 rows: 3 changed, 3 unchanged\n", "")
    assert [c for _, c in _conversions(ws)] == [12, 90, 30, 2, 3, None]


def test_a_long_result_indicator_is_cut_in_the_note(ws: Path, tmp_path: Path) -> None:
    # A cell may hold 131,072 characters: named whole, one indicator made the note a line of that length.
    indicator = "actions:" + "x" * 5_000
    text = f"Campaign name,Day,Results,Result indicator\nAutumn,2026-11-20,4,{indicator}\n"
    err = _import_meta(ws, _file(tmp_path, "meta.csv", text))[1]
    assert len(err.splitlines()) == 1 and len(err) < 400
    assert f"({indicator[:40]}" in err and "… on 1 row)" in err


def test_a_meta_export_with_no_result_indicator_column_reads_its_results_as_conversions(ws: Path, tmp_path: Path) -> None:
    text = "Campaign name,Day,Reach,Impressions,Link clicks,Results,Amount spent (EUR)\nAutumn,2026-11-20,800,1000,12,4,5.00\n"
    assert _import_meta(ws, _file(tmp_path, "meta.csv", text)) == ("imported 1 row: 1 changed, 0 unchanged\n", "")
    assert _conversions(ws) == [("2026-11-20", 4)]


@pytest.mark.parametrize(
    ("indicator", "conversion"),
    [
        ("actions:offsite_conversion.fb_pixel_purchase", True),
        ("actions:offsite_conversion.fb_pixel_complete_registration", True),
        ("actions:offsite_conversion.custom.123456789", True),
        ("actions:onsite_conversion.lead_grouped", True),
        ("actions:lead", True),
        # A Leads campaign's instant forms, and leads from every source: their Results were left out as "names none".
        ("actions:leadgen_grouped", True),
        ("actions:omni_lead", True),
        ("actions:omni_purchase", True),
        ("actions:omni_complete_registration", True),
        ("Actions:Purchase", True),
        ("actions:link_click", False),
        ("reach", False),
        ("actions:video_view", False),
        ("actions:post_engagement", False),
        ("actions:landing_page_view", False),
        ("actions:onsite_conversion.post_save", False),  # a post saved: engagement, in a conversion namespace
        ("", False),
    ],
)
def test_which_result_indicators_name_a_conversion(indicator: str, conversion: bool) -> None:
    from crewdeck.tui.results.imports import names_conversion

    assert names_conversion(indicator) is conversion


@pytest.mark.parametrize(
    ("level", "said"),
    [
        ("Ad set name", 'the file has a row per ad set (its "Ad set name" column)'),
        ("Ad set name,Ad name", 'the file has a row per ad (its "Ad name" column)'),
        ("Objective", "if the file has a row per ad set or ad"),
    ],
)
def test_an_ad_set_or_ad_level_export_says_once_to_export_at_the_campaigns_level(ws: Path, tmp_path: Path, level: str, said: str) -> None:
    # Ads Manager's Ad sets and Ads tabs export a row per ad set or ad, several per campaign and day: each row after the
    # first was refused as "the same campaign and day as line N", with no word of what to export instead.
    names = level.count(",") + 1
    header = f"Campaign name,{level},Day,Impressions,Amount spent (EUR)\n"
    rows = "".join(f"Autumn,{','.join([f'Set {n}'] * names)},2026-11-{day},10,1.00\n" for day in (20, 21) for n in (1, 2, 3))
    source = _file(tmp_path, "adsets.csv", header + rows)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--spend")
    assert err.splitlines() == [
        f"{source}:3: Day: the same campaign and day as line 2: {said}, export it at the Campaigns level "
        "(Ads Manager: the Campaigns tab, Breakdown > By time > Day)",
        f"{source}:4: Day: the same campaign and day as line 2",
        f"{source}:6: Day: the same campaign and day as line 5",
        f"{source}:7: Day: the same campaign and day as line 5",
        f"crewdeck: error: nothing imported: 4 bad rows in {source} (listed above)",
    ]
    assert _state(ws)[:2] == ([], [])


@pytest.mark.parametrize(
    ("level", "said"),
    [
        ("Creative Name", 'the file has a row per ad (its "Creative Name" column)'),
        ("Ad Name", 'the file has a row per ad (its "Ad Name" column)'),
        ("Campaign Type", "if the file has a row per ad"),
    ],
)
def test_an_ad_level_linkedin_export_says_once_to_export_the_campaign_performance_report(
    ws: Path, tmp_path: Path, level: str, said: str
) -> None:
    # Campaign Manager's Ad performance report has a row per ad (creative), several per campaign and day: each row after
    # the first was refused as "the same campaign and day as line N", with no word of what to export instead, as a Meta
    # export at the ad set or ad level says it.
    text = _linkedin_with("11/20/2026", "11/21/2026", level, ["11/21/2026,Ad A", "11/21/2026,Ad B", "11/21/2026,Ad C"])
    source = _file(tmp_path, "ads.csv", text)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "linkedin")
    assert err.splitlines() == [
        f"{source}:8: Start Date (in UTC): the same campaign and day as line 7: {said}, export the Campaign performance "
        "report (Campaign Manager: Export, Report type: Campaign performance, Time breakdown: Daily)",
        f"{source}:9: Start Date (in UTC): the same campaign and day as line 7",
        f"crewdeck: error: nothing imported: 2 bad rows in {source} (listed above)",
    ]


def test_a_meta_export_by_day_may_give_every_row_the_whole_report_range(ws: Path, tmp_path: Path) -> None:
    # Some exports by day carry the report's range in Reporting starts and ends on every row: each row but the last was
    # refused as spanning several days, though its Day column makes it one day.
    header = "Campaign name,Day,Reporting starts,Reporting ends,Reach,Impressions,Link clicks,Amount spent (EUR)\n"
    rows = "".join(f"Autumn,2026-11-{day},2026-11-19,2026-11-21,80,{day}0,12,1.00\n" for day in (19, 20, 21))
    source = _file(tmp_path, "meta.csv", header + rows)
    assert _import_meta(ws, source, "--spend") == ("imported 3 rows: 3 changed, 0 unchanged; 3 spend entries added\n", "")
    assert [r[1] for r in _state(ws)[0]] == [190, 200, 210]
    ops = _state(ws)[2]
    assert (
        _import_meta(ws, source, "--spend")[0]
        == "imported 3 rows: 0 changed, 3 unchanged; 0 spend entries added (3 already in the ledger)\n"
    )
    assert _state(ws)[2] == ops
    # A Day outside its row's range is refused, saying which bound; a range with one bound left empty is held to the other.
    outside = _file(tmp_path, "outside.csv", header + rows + "Autumn,2026-11-18,2026-11-19,,80,1,1,1.00\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", outside, "--format", "meta")
    assert err.splitlines() == [
        f"{outside}:5: Day: 2026-11-18 is outside the row's report range (Reporting starts 2026-11-19)",
        f"crewdeck: error: nothing imported: 1 bad row in {outside} (listed above)",
    ]
    assert _state(ws)[2] == ops
    # With no Day column, a row is a day only when its range is one: one spanning several is still refused.
    spans = _file(tmp_path, "spans.csv", header.replace("Day,", "") + "Autumn,2026-11-19,2026-11-21,80,1,1,1.00\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", spans, "--format", "meta")
    assert err.splitlines()[0] == (
        f"{spans}:2: Reporting ends: the row spans 2026-11-19 to 2026-11-21: export it broken down by day "
        "(Ads Manager: Breakdown > By time > Day)"
    )


def test_a_count_with_a_comma_not_between_thousands_is_a_bad_row_not_another_number(ws: Path, tmp_path: Path) -> None:
    # Every comma was dropped from a count: "12,5" (a decimal comma) imported as 125 impressions and "1,2,3,4" as 1,234
    # clicks, without a word, while an amount grouped so ("1,23.50") was refused.
    post = crewdeck("-w", str(ws), "--as", "raj", "add", "Reel one +autumn").strip()
    crewdeck("-w", str(ws), "--as", "raj", "set", post, "platform=instagram")
    text = 'date,post,impressions,clicks,reach\n2026-11-20,Reel one,"12,5","1,2,3,4","1,234,567"\n'
    source = _file(tmp_path, "commas.csv", text)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv")
    assert err.splitlines()[:2] == [
        f"{source}:2: impressions: '12,5' is not a count (a whole number, a comma only between thousands: 1,234)",
        f"{source}:2: clicks: '1,2,3,4' is not a count (a whole number, a comma only between thousands: 1,234)",
    ], err
    assert _state(ws)[0] == []
    signed = _file(tmp_path, "signed.csv", text.replace('"12,5"', '"-1,000"'))
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", signed, "--format", "csv")
    assert f"{signed}:2: impressions: '-1,000' is not a count (a whole number)\n" in err  # the sign, not the comma
    meta = META.replace('"1,000"', '"1,00"')
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", _file(tmp_path, "meta.csv", meta), "--format", "meta")
    assert ":2: Impressions: '1,00' is not a count" in err
    # Grouped in thousands, as the exports write them, a count still reads as its number.
    _csv_import(ws, _file(tmp_path, "ok.csv", text.replace('"12,5","1,2,3,4"', '"12,500","1,234"')))
    assert _state(ws)[0][0][1:4] == (12500, 1234567, 1234)


def test_spend_on_a_row_of_followers_says_it_counts_for_no_campaign_not_that_a_post_has_none(ws: Path, tmp_path: Path) -> None:
    # A platform's followers row with an amount spent was refused "spend needs a campaign (the post has none)": it names no post.
    source = _file(tmp_path, "followers.csv", "date,platform,followers,spend\n2026-11-20,instagram,500,3.00 EUR\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--spend")
    assert err.splitlines()[0] == (
        f"{source}:2: spend: a platform's followers count for no campaign: name a post or a campaign for this spend"
    ), err
    assert _state(ws)[0] == []


def test_spend_asked_of_a_file_with_no_spend_column_is_refused_naming_the_column_it_reads(ws: Path, tmp_path: Path) -> None:
    # `--spend` on an export whose amount column is named otherwise ("Spent (EUR)") said "0 spend entries added", as if
    # nothing had been spent, and imported the results: the money went unread without a word.
    meta = META.replace("Amount spent (EUR)", "Spent (EUR)")
    source = _file(tmp_path, "meta.csv", meta)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--spend")
    header = ", ".join(meta.splitlines()[0].lstrip("\ufeff").split(","))
    assert err == (
        f"crewdeck: error: nothing imported: {source}:1: --spend: missing column: Amount spent (the header is: {header}; name it with "
        "--map spend=COLUMN)\n"
    )
    assert _state(ws)[:2] == ([], [])
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--spend", "--map", "spend=Spent")
    assert len(_state(ws)[1]) == 2  # the two rows that spent something
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta")  # results alone need none


def test_a_day_that_spent_nothing_is_said_to_add_no_ledger_entry(ws: Path, tmp_path: Path) -> None:
    # A LinkedIn day of Total Spent 0.00 added no entry (the ledger records no amount of zero) without a word: the
    # day then read "no spend linked", its CPC "—", while the export had said it spent nothing.
    from .conftest import Cli

    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-01", "USD/EUR", "0.9")
    source = _file(tmp_path, "li.csv", LINKEDIN.replace(",USD,10.00,", ",USD,0.00,"))
    result = Cli(ws)("kpi", "import", source, "--format", "linkedin", "--spend", as_member="raj")
    assert result.out.strip() == "imported 2 rows: 2 changed, 0 unchanged; 1 spend entry added", result
    assert result.err == (
        f"note: {source}: Total Spent is 0 on 1 row: the ledger records no amount of zero, so no entry is added; a day with"
        " no other spend reads as no spend linked (its CPC, CPM and CPA “—”, not 0.00)\n"
    ), result.err
    # Without --spend the amounts are not read, and nothing is said of them.
    assert Cli(ws)("kpi", "import", source, "--format", "linkedin", as_member="raj").err == ""


def test_two_ad_accounts_rows_of_one_campaign_and_day_are_refused_naming_both_accounts(ws: Path, tmp_path: Path) -> None:
    # An export of two ad accounts, each running an "Autumn": the second row was refused as the same campaign and day,
    # with the hint to export at the Campaigns level, which the file is.  Added up, their reach would count people
    # twice: refused, naming both accounts, and --spend adds none of them (the file is refused whole).
    header = "Account name,Campaign name,Day,Reach,Impressions,Amount spent (EUR)\n"
    rows = "Acme EU,Autumn,2026-11-20,800,1000,45.10\nAcme EU,Autumn,2026-11-21,700,900,20.00\nAcme US,Autumn,2026-11-20,500,600,12.00\n"
    source = _file(tmp_path, "accounts.csv", header + rows)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta", "--spend")
    assert err.splitlines() == [
        f'{source}:4: Day: the same campaign and day as line 2, of another ad account (Account name "Acme EU", then "Acme US"): '
        "results hold a campaign's day once, and two accounts' reach does not add up (the same people may be reached by both): "
        "give the campaign a name of its own in one account, a campaign of its own here",
        f"crewdeck: error: nothing imported: 1 bad row in {source} (listed above)",
    ]
    assert _state(ws)[:2] == ([], [])
    # A row repeating its own account's campaign and day is a finer level of that account, named by that account's line.
    again = _file(
        tmp_path, "accounts_again.csv", header + "Acme EU,Autumn,2026-11-20,800,1000,45.10\nAcme US,Autumn,2026-11-20,500,600,12.00\n" * 2
    )
    said = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", again, "--format", "meta").splitlines()
    assert [(line.split(":")[1], line.split(" as line ")[1][0]) for line in said[:-1]] == [("3", "2"), ("4", "2"), ("5", "3")]
    assert "another ad account" in said[0] and "another ad account" not in said[1] + said[2]


def test_a_second_ad_accounts_file_of_a_day_another_account_wrote_is_refused_not_replacing_it(ws: Path, tmp_path: Path) -> None:
    # Two ad accounts' exports, one file each, of one campaign and day: the second replaced the first's counts (last
    # writer on the key), so the team read one account's numbers as the campaign's.  A day records the account its
    # import named (an Account name column, or --account), and another account's row of it is refused, its spend too.
    header = "Account name,Campaign name,Day,Reach,Impressions,Amount spent (EUR)\n"
    eu = _file(tmp_path, "eu.csv", header + "Acme EU,Autumn,2026-11-20,800,1000,45.10\nAcme EU,Autumn,2026-11-21,700,900,20.00\n")
    us = _file(tmp_path, "us.csv", header + "Acme US,Autumn,2026-11-21,500,600,12.00\n")
    assert "2 changed" in crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", eu, "--format", "meta", "--spend")
    before = _state(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", us, "--format", "meta", "--spend")
    assert err.splitlines() == [
        f'{us}:2: Day: +autumn/meta\'s 2026-11-21 holds the numbers of ad account "Acme EU" (meta import {eu}:3), and this row '
        "is of \"Acme US\": results hold a campaign's day once, and two accounts' reach does not add up (the same people may be "
        'reached by both): if this file is of "Acme EU" (by its id or another spelling), --account "Acme EU" says so; else give '
        "the campaign a name of its own in one account, a campaign of its own here",
        f"crewdeck: error: nothing imported: 1 bad row in {us} (listed above)",
    ]
    assert _state(ws) == before
    # The same account's newer export replaces its days, as any later export does; a file naming no account is refused
    # over them, saying how to name it, and --account names it.
    plain = _file(tmp_path, "plain.csv", "Campaign name,Day,Reach,Impressions\nAutumn,2026-11-21,750,950\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", plain, "--format", "meta")
    assert "this file names no ad account: results hold" in err
    assert 'the same people may be reached by both): if this file is of "Acme EU", --account "Acme EU" says so; else' in err
    out = crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", plain, "--format", "meta", "--account", " Acme EU ")
    assert out.strip() == "imported 1 row: 1 changed, 0 unchanged"
    assert [row[1:3] for row in _state(ws)[0]] == [(1000, 800), (950, 750)]
    # The account the plain file was named as is kept with the day it wrote: another account's is still refused.
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", plain, "--format", "meta", "--account", "Acme US")
    assert f'holds the numbers of ad account "Acme EU" (meta import {plain}:2), and this row is of "Acme US"' in err
    # A campaign of its own for the second account's numbers: imported beside the first's.
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "add", "Autumn US")
    renamed = _file(tmp_path, "us2.csv", header + "Acme US,Autumn US,2026-11-21,500,600,12.00\n")
    assert "1 spend entry added" in crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", renamed, "--format", "meta", "--spend")


def test_a_day_imported_with_no_account_named_takes_the_account_a_later_import_of_it_names(ws: Path, tmp_path: Path) -> None:
    # The first import named no account; the same export imported again with --account changed no count, so nothing
    # was written, and the other account's file still replaced the day.  The account named is recorded all the same.
    plain = _file(tmp_path, "eu.csv", "Campaign name,Day,Reach,Impressions\nAutumn,2026-11-20,800,1000\n")
    us = _file(tmp_path, "us.csv", "Account name,Campaign name,Day,Reach,Impressions\nAcme US,Autumn,2026-11-20,500,600\n")
    raj = ["-w", str(ws), "--as", "raj", "kpi", "import"]
    assert crewdeck(*raj, plain, "--format", "meta").strip() == "imported 1 row: 1 changed, 0 unchanged"
    recorded = "imported 1 row: 0 changed, 1 unchanged (the ad account of 1 recorded)"
    assert crewdeck(*raj, plain, "--format", "meta", "--account", "Acme EU").strip() == recorded
    assert 'holds the numbers of ad account "Acme EU"' in crewdeck_fails(*raj, us, "--format", "meta")
    assert [row[1:3] for row in _state(ws)[0]] == [(1000, 800)]
    # Named again, nothing is written: the same file again changes nothing.
    ops = _state(ws)[2]
    assert crewdeck(*raj, plain, "--format", "meta", "--account", "Acme EU").strip() == "imported 1 row: 0 changed, 1 unchanged"
    assert _state(ws)[2] == ops


def test_each_batch_of_a_file_records_the_account_its_rows_name(ws: Path, tmp_path: Path) -> None:
    from crewdeck.tui.results import accounts, imports
    from crewdeck.tui.workspace.workspace import Workspace

    header = "Account name,Campaign name,Day,Reach,Impressions\n"
    # Two accounts' campaigns of their own (Autumn in one, Launch, EU in the other), a row a day, two rows a batch.
    rows = "".join(f"Acme {'EU,Autumn' if day % 2 else 'US,+launch-eu'},2026-11-{day:02d},80,100\n" for day in range(1, 6))
    workspace = Workspace.open(ws)
    try:
        raj = workspace.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        lines = iter((header + rows).splitlines(keepends=True))
        imports.run(workspace, raj, lines, "m.csv", "meta", {}, "2026-11-22T09:00:00Z", size=2)
        sources = [source for (source,) in workspace.conn.execute("SELECT source FROM result ORDER BY day")]
    finally:
        workspace.close()
    assert [accounts.recorded_account(source) for source in sources] == ["Acme EU", "Acme US", "Acme EU", "Acme US", "Acme EU"]
    assert sources[1] == 'meta import m.csv:3, ad account "Acme US"'


def test_one_ad_account_named_by_its_name_in_one_export_and_by_its_id_in_another_is_one_account_with_account(
    ws: Path, tmp_path: Path
) -> None:
    # rf 1: an account named "Acme EU" in one export and 123456789 (its Account ID) in the next was refused as another
    # account, and --account "Acme EU" changed nothing (the file's column won); "acme eu" then "Acme EU" was refused too.
    # --account names the whole file's account, over its column, and names compare without case.
    by_name = _file(tmp_path, "eu.csv", "Account name,Campaign name,Day,Reach,Impressions\nAcme EU,Autumn,2026-11-20,800,1000\n")
    by_id = _file(tmp_path, "eu-id.csv", "Account ID,Campaign name,Day,Reach,Impressions\n123456789,Autumn,2026-11-20,850,1100\n")
    raj = ["-w", str(ws), "--as", "raj", "kpi", "import"]
    crewdeck(*raj, by_name, "--format", "meta")
    err = crewdeck_fails(*raj, by_id, "--format", "meta")
    assert 'this row is of "123456789"' in err
    assert 'if this file is of "Acme EU" (by its id or another spelling), --account "Acme EU" says so' in err
    assert crewdeck(*raj, by_id, "--format", "meta", "--account", "Acme EU").strip() == "imported 1 row: 1 changed, 0 unchanged"
    assert [row[1:3] for row in _state(ws)[0]] == [(1100, 850)]
    # Another spelling's capitals are the same account, by --account or by the column.
    lower = _file(tmp_path, "eu-lower.csv", "Account name,Campaign name,Day,Reach,Impressions\nacme  eu,Autumn,2026-11-20,900,1200\n")
    assert crewdeck(*raj, lower, "--format", "meta").strip() == "imported 1 row: 1 changed, 0 unchanged"
    assert [row[1:3] for row in _state(ws)[0]] == [(1200, 900)]
    # Another account's export is still refused, named by the account the day holds.
    us = _file(tmp_path, "us.csv", "Account name,Campaign name,Day,Reach,Impressions\nAcme US,Autumn,2026-11-20,10,20\n")
    assert 'this row is of "Acme US"' in crewdeck_fails(*raj, us, "--format", "meta")


def test_a_count_added_by_hand_to_a_day_an_account_imported_keeps_the_days_account(ws: Path, tmp_path: Path) -> None:
    # rf 2: kpi add wrote its own source over the import's, so the day named no account any more, and another account's
    # export of it replaced the whole day, the first account's numbers and the count typed in.
    eu = _file(tmp_path, "eu.csv", "Account name,Campaign name,Day,Reach,Impressions\nAcme EU,Autumn,2026-11-20,800,1000\n")
    us = _file(tmp_path, "us.csv", "Account name,Campaign name,Day,Reach,Impressions\nAcme US,Autumn,2026-11-20,500,600\n")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", eu, "--format", "meta")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+autumn/meta", "2026-11-20", "clicks=5")
    assert 'holds the numbers of ad account "Acme EU" (kpi add)' in crewdeck_fails(
        "-w", str(ws), "--as", "raj", "kpi", "import", us, "--format", "meta"
    )
    assert [row[1:4] for row in _state(ws)[0]] == [(1000, 800, 5)]


def test_an_import_recording_only_the_days_account_says_so_and_the_log_names_the_account_as_given(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rf 4: the import said "0 changed, 1 unchanged" while it wrote the day's account (undo and the log saw a change),
    # the log said "updated the results …" naming no field, and a name with quotes read in JSON's escapes.
    monkeypatch.chdir(tmp_path)  # files named short, as the log quotes a source cut at its length
    plain = _file(Path(), "p.csv", "Campaign name,Day,Reach,Impressions\nAutumn,2026-11-20,800,1000\n")
    quoted = _file(Path(), "q.csv", 'Account name,Campaign name,Day,Reach,Impressions\n"Acme ""EU""",Autumn,2026-11-20,800,1100\n')
    raj = ["-w", str(ws), "--as", "raj", "kpi", "import"]
    crewdeck(*raj, plain, "--format", "meta")
    out = crewdeck(*raj, plain, "--format", "meta", "--account", 'Acme "EU"')
    assert out.strip() == "imported 1 row: 0 changed, 1 unchanged (the ad account of 1 recorded)"
    crewdeck(*raj, quoted, "--format", "meta")
    log = crewdeck("-w", str(ws), "--as", "raj", "log").splitlines()
    assert log[0].endswith(
        f'updated the results of Autumn on meta on 2026-11-20: impressions 1,100 (from “meta import {quoted}:2, ad account "Acme "EU""”)'
    )
    assert log[1].endswith(
        f'named the ad account of the results of Autumn on meta on 2026-11-20: “Acme "EU"” (from “meta import {plain}:2”)'
    )


def test_two_long_ad_account_names_alike_in_their_first_characters_are_two_accounts(ws: Path, tmp_path: Path) -> None:
    # rf 4: names were cut at 60 characters and compared cut, so two accounts sharing them were one.
    stem = "Acme Europe Performance Marketing Prospecting Retargeting Div"  # 61 characters
    header = "Account name,Campaign name,Day,Reach,Impressions\n"
    one = _file(tmp_path, "one.csv", f"{header}{stem} One,Autumn,2026-11-20,800,1000\n")
    two = _file(tmp_path, "two.csv", f"{header}{stem} Two,Autumn,2026-11-20,500,600\n")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", one, "--format", "meta")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", two, "--format", "meta")
    assert "holds the numbers of ad account" in err
    assert [row[1:3] for row in _state(ws)[0]] == [(1000, 800)]
    # The same long name again, in other capitals, is the same account.
    again = _file(tmp_path, "again.csv", f"{header}{stem.upper()} ONE,Autumn,2026-11-20,900,1100\n")
    assert "1 changed" in crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", again, "--format", "meta")


def test_an_ad_accounts_name_is_worked_out_once_per_account_not_once_per_row(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rf 5: each row of a file naming its account paid a JSON encoding of the name as it was written, and each stored
    # row a decoding as it was imported again (~0.35 s per 100,000 rows).  Counted here: JSON's work on names, per name.
    from crewdeck.tui.results import accounts

    calls: list[str] = []

    class Counting:
        @staticmethod
        def dumps(*args: object, **kwargs: object) -> str:
            calls.append("dumps")
            return json.dumps(*args, **kwargs)  # type: ignore[arg-type]

        @staticmethod
        def loads(text: str) -> object:
            calls.append("loads")
            return json.loads(text)

    monkeypatch.setattr(accounts, "json", Counting)
    rows = "".join(f"Acme Rare {tmp_path.name},Autumn,2026-11-{day:02d},80,{100 + day}\n" for day in range(1, 21))
    source = _file(tmp_path, "m.csv", "Account name,Campaign name,Day,Reach,Impressions\n" + rows)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta")
    assert "20 unchanged" in crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "meta")
    assert calls.count("dumps") == 1 and calls.count("loads") == 1, calls


def test_account_over_a_file_of_several_accounts_or_empty_is_refused(ws: Path, tmp_path: Path) -> None:
    # --account names the account of every row: over a file whose column names two accounts it recorded both as one,
    # and --account "" (an unset variable) was read as no account at all.
    header = "Account name,Campaign name,Day,Reach,Impressions\n"
    two = _file(
        tmp_path,
        "two.csv",
        header + "Acme EU,Autumn,2026-11-20,800,1000\nacme eu,Autumn,2026-11-21,800,1000\nAcme US,+launch-eu,2026-11-20,5,6\n",
    )
    raj = ["-w", str(ws), "--as", "raj", "kpi", "import", two, "--format", "meta"]
    before = _state(ws)
    err = crewdeck_fails(*raj, "--account", "Acme EU")
    assert err.splitlines()[0] == (
        f'{two}: --account "Acme EU" names the ad account of every row, and the file\'s rows name several ("Acme EU", '
        '"Acme US"): import it without --account, each row of the account its column names'
    ), err
    assert _state(ws) == before
    assert crewdeck_fails(*raj, "--account", " ").strip() == (
        'crewdeck: error: --account: the ad account\'s name, as its export names it (--account "Acme EU"), not empty'
    )
    assert "3 changed" in crewdeck(*raj)


def test_without_decimal_mark_counts_and_amounts_grouped_by_spaces_are_read_as_ledger_import_reads_them(ws: Path, tmp_path: Path) -> None:
    """A space groups thousands under either mark in ``ledger import`` ("12 000.00"): ``kpi import`` read "12 500" and
    "1 234.50" only under ``--decimal-mark ,`` and refused both without it, the count with no hint at all."""
    text = "date,campaign,platform,impressions,clicks,spend,currency\n"
    text += "2026-11-20,Autumn,instagram,12 500,1\u00a0204,1 234.50,EUR\n2026-11-21,Autumn,instagram,900,3,1\u202f000 EUR,EUR\n"
    text += "2026-11-22,Autumn,instagram,12 50,3,2.00,EUR\n"
    source = _file(tmp_path, "spaced.csv", text)
    w = ["-w", str(ws), "--as", "raj", "kpi", "import", source, "--format", "csv", "--spend"]
    before = _state(ws)
    # A space that groups no thousands is no separator: refused, never read as 1250.
    assert crewdeck_fails(*w).splitlines()[0] == f"{source}:4: impressions: '12 50' is not a count (a whole number)"
    assert _state(ws) == before
    _file(tmp_path, "spaced.csv", text.replace("12 50,", "1 250,"))
    assert crewdeck(*w).strip() == "imported 3 rows: 3 changed, 0 unchanged; 3 spend entries added"
    _, entries, _ = _state(ws)
    with Store(ws) as store:
        counted = store.conn.execute("SELECT day, impressions, clicks FROM result ORDER BY day").fetchall()
    assert counted == [("2026-11-20", 12500, 1204), ("2026-11-21", 900, 3), ("2026-11-22", 1250, 3)]
    assert sorted((e[1], e[2]) for e in entries) == [("2026-11-20", 123450), ("2026-11-21", 100000), ("2026-11-22", 200)]
