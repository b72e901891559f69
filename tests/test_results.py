"""Results: daily counts as records, `kpi add`, the KPIs and `kpi report` (issue 16)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from crewdeck.sync.state.records import result_id
from crewdeck.sync.state.rules import Refused
from crewdeck.sync.state.store import Store
from crewdeck.tui.results.keys import Key, write
from crewdeck.tui.results.kpis import KPIS, divide_rounded
from crewdeck.tui.results.targets import of as targets_of
from crewdeck.tui.workspace.columns import cells

from .conftest import ROOT, Cli, copy_of_workspace, in_person, on_a_terminal
from .forged import Forger
from .syncsupport import crewdeck, crewdeck_fails, listing


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """ana (manager, EUR), raj (member), gus (guest), campaign Launch on instagram: a copy of one built once per test process."""
    return copy_of_workspace("ws.db", _build_ws, tmp_path / "ws.db", key="results-ws")


def _build_ws(path: Path) -> None:
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    for handle, access in (("raj", "member"), ("gus", "guest")):
        crewdeck("-w", str(path), "--as", "ana", "member", "add", handle, "--name", handle, "--tz", "UTC", "--access", access)
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Launch", "--platforms", "instagram")


def _post(ws: Path, title: str = "Reel one", platform: str = "instagram") -> str:
    task = crewdeck("-w", str(ws), "--as", "raj", "add", f"{title} +launch").strip()
    crewdeck("-w", str(ws), "--as", "raj", "set", task, f"platform={platform}")
    return task


def _report(ws: Path, *args: str) -> dict:
    return json.loads(crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--json", *args))


# ---------------------------------------------------------------- records


def test_two_replicas_writing_the_same_day_converge_field_by_field_and_the_history_names_who(ws: Path, tmp_path: Path) -> None:
    post = _post(ws)
    other = tmp_path / "other.db"
    shutil.copy(ws, other)
    with Store(ws) as a, Store(other) as b:
        a.conn.execute("DELETE FROM meta WHERE key = 'node'")  # a copy is a new node: give it an id of its own
        a.conn.execute("INSERT INTO meta(key, value) VALUES ('node', 'aaaa1111aaaa1111')")
    with Store(ws) as a, Store(other) as b:
        ids = dict(a.conn.execute("SELECT handle, id FROM member"))
        key = Key("post", post=post)
        write(a, ids["ana"], [(key, "2026-11-20", {"impressions": 100, "clicks": 5})], "meta.csv:2")
        write(b, ids["raj"], [(key, "2026-11-20", {"impressions": 120})], "kpi add")
        before_a, before_b = a.max_seq(), b.max_seq()
        a.apply([op for _, op in b.ops_after(0, 100_000)])
        b.apply([op for _, op in a.ops_after(0, 100_000)])
        row = result_id("post", "2026-11-20", post=post)
        assert a.record("result", row) == b.record("result", row)
        record = a.record("result", row)
        assert record is not None and record["impressions"] == 120 and record["clicks"] == 5 and record["source"] == "kpi add"
        assert {op.member for op in a.history(row)} == {ids["ana"], ids["raj"]}
        assert a.max_seq() > before_a and b.max_seq() > before_b
    log = crewdeck("-w", str(ws), "log", "--json")
    assert "result:post:" in log


def test_kpi_add_writes_a_day_and_a_later_entry_replaces_what_it_gives(ws: Path) -> None:
    post = _post(ws)
    # It printed the record's id ("result:post:<32 hex digits>:2026-11-20") where every other write says what it did.
    said = crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "impressions=1000", "clicks=10")
    assert said == "Added the results of “Reel one” on 2026-11-20: impressions 1,000, clicks 10\n"
    row = crewdeck("-w", str(ws), "--as", "ana", "kpi", "add", "-q", post[:8], "2026-11-20", "clicks=12", "value=30.00 EUR").strip()
    assert row == result_id("post", "2026-11-20", post=post)  # --quiet: the id written, for scripts
    said = crewdeck("-w", str(ws), "--as", "ana", "kpi", "add", post[:8], "2026-11-20", "clicks=12", "value=30.00 EUR")
    assert said == "Nothing changed: the results of “Reel one” on 2026-11-20 are these already\n"
    with Store(ws) as store:
        record = store.record("result", row)
    assert record is not None
    assert (record["impressions"], record["clicks"], record["conversion_value"]) == (1000, 12, {"amount": 3000, "currency": "EUR"})
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "/Instagram", "2026-11-20", "followers=5000")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+launch/meta", "2026-11-20", "reach=900")
    with Store(ws) as store:
        assert store.conn.execute("SELECT count(*) FROM result").fetchone()[0] == 3


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("impressions=12.5",), "is not a count"),
        (("impressions=-3",), "is not a count"),
        # It said "impressions: is out of range (a 64-bit integer)", naming no number, or "must be at most 1000000000000000".
        (
            ("impressions=99999999999999999999",),
            "impressions: '99999999999999999999' is more than a count can be (at most 1,000,000,000,000,000)",
        ),
        (("impressions=1000000000000001",), "impressions: '1000000000000001' is more than a count can be (at most 1,000,000,000,000,000)"),
        (("impressions=" + "9" * 5000,), "is more than a count can be"),  # a traceback: int() refuses 4,301 digits
        (("value=" + "9" * 5000 + ".00 EUR",), "is too large"),  # the same traceback, from the money parser
        (("likes=3",), "with METRIC one of"),
        (("followers=3",), "followers are counted per platform"),
        (("value=12,50 EUR",), "decimal separator"),
        (("value=1 XXX",), "unknown currency"),
        # Said of conversion_value, a name the person did not type.
        (("value=-5.00 EUR",), "crewdeck: error: value: must be at least 0\n"),
        (("conversion_value=-5.00 EUR",), "crewdeck: error: conversion_value: must be at least 0\n"),
        # A count given twice took the last, without a word: which of 14 and 41 was meant is a guess.
        (("clicks=14", "impressions=900", "clicks=41"), "'clicks=41': clicks is given twice (clicks=14): give it once"),
        (("value=1.00 EUR", "conversion_value=2.00 EUR"), "conversion value is given twice (value=1.00 EUR): give it once"),
    ],
)
def test_kpi_add_refuses_bad_numbers_in_one_line(ws: Path, args: tuple[str, ...], problem: str) -> None:
    post = _post(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", *args)
    assert err.startswith("crewdeck: error: ") and problem in err and err.count("\n") == 1
    with Store(ws) as store:
        assert store.conn.execute("SELECT count(*) FROM result").fetchone()[0] == 0


def test_kpi_add_takes_a_day_begun_anywhere_as_kpi_import_does_and_refuses_one_begun_nowhere(ws: Path) -> None:
    """The suite's instant is 2026-11-26 09:30 UTC, 23:30 at UTC+14: a platform reports nothing for a day to come.  A
    member in Honolulu, where it is still the 25th, could not add the 26th's numbers (refused "after today"), which
    ``kpi import`` took and the Results screen shows: the same cutoff, the latest day begun anywhere, is kept by both."""
    post = _post(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "tomorrow", "clicks=1")
    assert err == (
        "crewdeck: error: tomorrow: 2026-11-27 has begun in no time zone yet: "
        "results are counted for the days begun somewhere, up to 2026-11-26\n"
    )
    crewdeck("-w", str(ws), "--as", "ana", "member", "add", "kai", "--name", "Kai", "--tz", "Pacific/Honolulu", "--access", "member")
    with Store(ws) as store:
        assert store.conn.execute("SELECT count(*) FROM result").fetchone()[0] == 0
    # Read in the member's zone, as the command reads the date: in Honolulu "tomorrow" is the 26th, begun in Kolkata.
    crewdeck("-w", str(ws), "--as", "kai", "kpi", "add", post[:8], "tomorrow", "clicks=1")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "today", "clicks=2")  # a day under way: partial, and kept
    crewdeck("-w", str(ws), "--as", "kai", "kpi", "add", post[:8], "2026-11-25", "clicks=1")
    err = crewdeck_fails("-w", str(ws), "--as", "kai", "kpi", "add", post[:8], "2026-11-27", "clicks=1")
    assert "2026-11-27 has begun in no time zone yet" in err and err.count("\n") == 1
    with Store(ws) as store:
        assert store.conn.execute("SELECT day, clicks FROM result ORDER BY day").fetchall() == [("2026-11-25", 1), ("2026-11-26", 2)]


def test_guests_add_no_results_and_a_second_currency_is_refused(ws: Path) -> None:
    post = _post(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "gus", "kpi", "add", post[:8], "2026-11-20", "clicks=1")
    assert "rule guest_read_only" in err
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "value=30.00 EUR")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "value=30.00 USD")
    assert err == (
        f"crewdeck: error: {post[:8]} 2026-11-20: value: this post's conversion value for 2026-11-20 is in EUR here: "
        "a second currency (USD) is refused (value=none clears it first)\n"
    )
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-21", "value=30.00 USD")  # another day may


def test_metric_none_clears_a_count_or_the_value_which_may_then_be_given_in_another_currency(ws: Path) -> None:
    # A conversion value typed in the wrong currency could never be corrected: the currency was kept, and nothing cleared it.
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "value=30.00 USD", "clicks=4")
    said = crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "value=none", "clicks=none")
    assert said.endswith("on 2026-11-20: conversion value cleared, clicks cleared\n")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "value=30.00 EUR")
    with Store(ws) as store:
        row = store.conn.execute("SELECT clicks, value_amount, value_currency FROM result WHERE day = '2026-11-20'").fetchone()
    assert row == (None, 3000, "EUR")
    again = crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "clicks=none")
    assert again.startswith("Nothing changed")  # cleared already
    assert "clicks cleared" in crewdeck("-w", str(ws), "log")  # the history says so too


def test_a_write_of_a_key_field_that_contradicts_the_id_is_refused(ws: Path) -> None:
    post = _post(ws)
    with Store(ws) as store:
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        with pytest.raises(Refused) as refused, store.write(raj) as w:
            w.set("result", result_id("post", "2026-11-20", post=post), {"kind": "post", "post": post, "day": "2026-11-21", "clicks": 1})
    assert refused.value.refusal.rule == "result_key"


# ---------------------------------------------------------------- KPIs


@pytest.mark.parametrize(
    ("numerator", "denominator", "places", "expected"),
    [
        ("1", "8", 2, "0.12"),  # 0.125: half to even
        ("3", "8", 2, "0.38"),  # 0.375
        ("-1", "8", 2, "-0.12"),
        ("2", "3", 2, "0.67"),
        ("45.00", "12", 2, "3.75"),
        ("0.005", "1", 2, "0.00"),
        ("0.015", "1", 2, "0.02"),
        ("10", "0", 2, None),
    ],
)
def test_one_rounding_rule_half_to_even_once(numerator: str, denominator: str, places: int, expected: str | None) -> None:
    got = divide_rounded(Decimal(numerator), Decimal(denominator), places)
    assert (None if got is None else str(got)) == expected


def test_rate_missing_is_said_only_where_a_rate_would_give_the_kpi_a_value(ws: Path) -> None:
    # Spend with no rate on a day with no clicks reported and no conversions: CPC and CPA read "rate missing", yet a
    # rate would leave them "—" (nothing reported, nothing to divide by): the person adds a rate and still has none.
    post = _post(ws)
    w = ["-w", str(ws), "--as", "raj"]
    crewdeck(*w, "kpi", "add", post[:8], "2026-11-20", "impressions=1000", "conversions=0")
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta", "--task", post[:8]]
    crewdeck(*ledger, "--amount", "10.00 USD", "--date", "2026-11-20")
    kpis = _report(ws)["rows"][0]["kpis"]
    assert kpis["cpc"] == {"value": None, "note": "not reported"}  # no clicks given
    assert kpis["cpa"] == {"value": None}  # 0 conversions: nothing to divide by
    assert kpis["roas"] == {"value": None, "note": "not reported"}  # no conversion value given
    assert kpis["cpm"] == {"value": None, "note": "rate missing"}  # the one a rate would give
    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-01", "USD/EUR", "0.9")
    kpis = _report(ws)["rows"][0]["kpis"]
    assert (kpis["cpc"]["value"], kpis["cpa"]["value"], kpis["roas"]["value"], kpis["cpm"]["value"]) == (None, None, None, "9.00")


def test_json_gives_a_conversion_value_never_reported_as_null_not_zero(ws: Path) -> None:
    # A day with no conversion value given read "conversion_value": {"amount": "0.00"}: a script summing it read a value of 0.
    post = _post(ws)
    w = ["-w", str(ws), "--as", "raj", "kpi", "add", post[:8]]
    crewdeck(*w, "2026-11-20", "clicks=3", "value=0.00 EUR")
    crewdeck(*w, "2026-11-21", "clicks=4")
    rows = {r["day"]: r for r in _report(ws, "--by", "day")["rows"]}
    assert rows["2026-11-20"]["conversion_value"] == {"amount": "0.00", "currency": "EUR"}  # reported as 0
    assert rows["2026-11-21"]["conversion_value"] is None and rows["2026-11-21"]["counts"]["conversions"] is None
    assert _report(ws)["rows"][0]["conversion_value"] == {"amount": "0.00", "currency": "EUR"}


def test_reach_over_several_days_is_a_lower_bound_even_when_one_day_gave_it(ws: Path) -> None:
    # Two days, a reach on the first only: "reach": 800, "at_least": false, as if 800 people were all the two days reached.
    post = _post(ws)
    w = ["-w", str(ws), "--as", "raj", "kpi", "add", post[:8]]
    crewdeck(*w, "2026-11-20", "reach=800", "engagements=40", "clicks=3")
    crewdeck(*w, "2026-11-21", "engagements=40", "clicks=4")
    bound = {"value": 800, "at_least": True}
    for args in (
        (),
        ("--by", "post"),
        ("--by", "platform"),
        ("--period", "2026-11"),
        ("--by", "post", "--period", "2026-W47"),
        ("--by", "post", "--period", "2026-11"),
    ):
        row = _report(ws, *args)["rows"][0]
        assert row["reach"] == bound and row["kpis"]["er_reach"] == {"value": "10.00", "note": "by largest daily reach"}, args
    days = {r["day"]: r for r in _report(ws, "--by", "day")["rows"]}
    assert days["2026-11-20"]["reach"] == {"value": 800, "at_least": False} and days["2026-11-21"]["reach"]["value"] is None
    assert "≥800" in crewdeck("-w", str(ws), "--as", "ana", "kpi", "report")


def test_the_report_counts_spend_as_the_ledger_does_and_says_what_it_cannot_compute(ws: Path) -> None:
    post = _post(ws)
    w = ["-w", str(ws), "--as", "raj"]
    crewdeck(
        *w,
        "kpi",
        "add",
        post[:8],
        "2026-11-20",
        "impressions=1000",
        "reach=800",
        "engagements=50",
        "clicks=12",
        "conversions=2",
        "value=90.00 EUR",
    )
    crewdeck(*w, "kpi", "add", post[:8], "2026-11-21", "impressions=500", "reach=900", "engagements=30", "clicks=3")
    crewdeck(*w, "kpi", "add", "/instagram", "2026-11-21", "followers=4000")
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta"]
    crewdeck(*ledger, "--amount", "45.00 EUR", "--date", "2026-11-20", "--task", post[:8])
    crewdeck(*ledger, "--amount", "500.00 EUR", "--date", "2026-11-20", "--pending")  # pending: not spend
    crewdeck(*ledger, "--amount", "10.00 USD", "--date", "2026-11-21")

    rows = _report(ws)["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert row["spend"] is None and row["kpis"]["cpc"] == {"value": None, "note": "rate missing"}
    assert row["reach"] == {"value": 900, "at_least": True}
    assert row["kpis"]["er_reach"] == {"value": "8.89", "note": "by largest daily reach"}
    assert row["kpis"]["er_followers"]["value"] == "2.00"  # 80 / 4,000
    assert row["kpis"]["ctr"]["value"] == "1.00"  # 15 / 1,500

    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-01", "USD/EUR", "0.9")
    row = _report(ws)["rows"][0]
    assert row["spend"] == {"amount": "54.00", "currency": "EUR"}  # 45 + 10 x 0.9, the pending 500 left out
    assert row["kpis"]["cpc"]["value"] == "3.60"  # 54 / 15
    assert row["kpis"]["cpm"]["value"] == "36.00"  # 1,000 x 54 / 1,500
    assert row["kpis"]["cpa"]["value"] == "27.00"
    assert row["kpis"]["roas"]["value"] == "1.67"  # 90 / 54
    assert row["kpis"]["cvr"]["value"] == "13.33"

    # The period's first and last days, as ledger report --json gives them (not the day after, read as a second day).
    assert _report(ws, "--period", "2026-11-20")["period"] == {"start": "2026-11-20", "end": "2026-11-20"}
    assert _report(ws, "--period", "2026-11")["period"] == {"start": "2026-11-01", "end": "2026-11-30"}
    day = _report(ws, "--period", "2026-11-20", "--by", "post")["rows"]
    assert [r["post"] for r in day] == [post]
    assert day[0]["reach"] == {"value": 800, "at_least": False} and "note" not in day[0]["kpis"]["er_reach"]
    assert day[0]["kpis"]["er_followers"] == {"value": None, "note": "not reported"}  # no follower count by that day: "—"
    text = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--period", "2026-11-20")
    assert "—" in text and "≥" not in text
    csv_text = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "day", "--csv")
    assert csv_text.splitlines()[1].startswith("launch,2026-11-20,45.00,1000,800,50,12,2,")


def test_the_report_names_a_campaign_by_its_slug_and_its_csv_writes_counts_without_separators(ws: Path) -> None:
    # "+Summer Sale" is neither the name nor the +slug people type; the report says +summer-sale, as campaign list does.
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "add", "Summer Sale", "--platforms", "instagram")
    task = crewdeck("-w", str(ws), "--as", "raj", "add", "Sale reel +summer-sale").strip()
    crewdeck("-w", str(ws), "--as", "raj", "set", task, "platform=instagram")
    for day, reach in (("2026-11-20", "1200"), ("2026-11-21", "1500")):
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", task[:8], day, "impressions=2000", f"reach={reach}", "clicks=10")
    text = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "+summer-sale")
    assert text.splitlines()[2].startswith("+summer-sale ")  # under the period and the header
    csv_line = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "+summer-sale", "--csv").splitlines()[1]
    # No "≥1,500" in a CSV's counts; engagements and conversions never given: "—", not 0.
    # The slug alone: a spreadsheet read "+summer-sale" as a formula (#NAME?); the JSON's "campaign" is "summer-sale" too.
    assert csv_line.startswith("summer-sale,0.00,4000,≥1500,—,20,—,")


def test_the_report_by_post_tells_apart_posts_of_one_title_by_their_platform_then_their_id(ws: Path) -> None:
    """One creative on two platforms has one title: `--by post` showed two rows of "Launch reel" with other numbers,
    and nothing said which was which (`kpi add` refuses the title as ambiguous, naming the ids)."""
    reel, tiktok, again = _post(ws, "Launch reel"), _post(ws, "Launch reel", "tiktok"), _post(ws, "launch reel", "instagram")
    other = _post(ws, "Teaser")
    for post, clicks in ((reel, "1"), (tiktok, "2"), (again, "3"), (other, "4")):
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", f"clicks={clicks}")
    text = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post")
    clicks = {re.split(r"\s{2,}", line)[1]: re.split(r"\s{2,}", line)[6] for line in text.splitlines()[2:]}
    assert clicks == {
        f"Launch reel (instagram, {reel[:8]})": "1",
        "Launch reel (tiktok)": "2",
        f"launch reel (instagram, {again[:8]})": "3",  # as typed; the same title, case aside
        "Teaser": "4",  # a title of its own: no mark
    }, text
    # The JSON and the CSV keep each post's id beside its title, as it is.
    assert {r["post"]: r["title"] for r in _report(ws, "--by", "post")["rows"]}[tiktok] == "Launch reel"


def test_the_report_by_post_lists_a_campaigns_posts_by_title_the_same_in_text_json_and_csv(ws: Path) -> None:
    # Rows were ordered by post id: a list that read as random, and another order after each new post.
    posts = [_post(ws, f"Post {n}") for n in range(4)]
    # The titles' order is the ids' reversed, so that an order by id cannot pass for one by title.
    for post, title in zip(sorted(posts, reverse=True), ["alpha", "Bravo", "charlie", "Delta"]):
        crewdeck("-w", str(ws), "--as", "raj", "set", post, f"title={title}")
    for post in posts:
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "clicks=2")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+launch/meta", "2026-11-20", "clicks=1")  # the campaign's own row first
    expected = ["/meta", "alpha", "Bravo", "charlie", "Delta"]  # case aside, as a person reads titles
    text = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post")
    assert [re.split(r"\s{2,}", line)[1] for line in text.splitlines()[2:]] == expected, text
    assert [r["title"] or r["post"] for r in _report(ws, "--by", "post")["rows"]] == expected
    csv_lines = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post", "--csv").splitlines()[1:]
    assert [line.split(",")[2] or line.split(",")[1] for line in csv_lines] == expected


def test_the_report_by_posts_csv_keeps_a_joiner_in_a_title_as_stored(ws: Path) -> None:
    """A joiner is text (a Malayalam word-final letter's, before a space): the CSV wrote it ``<U+200D>``, as a
    terminal is shown it."""
    title = "\u0d1f\u0d4d\u0d30\u0d3e\u0d35\u0d32\u0d4d\u200d reel"
    post = _post(ws, title)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "clicks=3")
    csv_lines = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post", "--csv").splitlines()
    assert [line.split(",")[2] for line in csv_lines[1:]] == [title]
    assert title.replace("\u200d", "<U+200D>") in crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post")


def test_the_report_by_post_cuts_a_wide_title_to_forty_columns_as_a_latin_one(ws: Path) -> None:
    # A Japanese title was cut to 40 characters, 79 columns: twice as wide as a Latin title's cell.
    post = _post(ws, "日本語のキャプション" * 6)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "clicks=3")
    text = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post")
    (label,) = [re.split(r"\s{2,}", line)[1] for line in text.splitlines()[2:] if "日本語" in line]
    assert label == "日本語のキャプション日本語のキャプショ…"  # 38 columns and the ellipsis: a 40th would halve a glyph
    assert cells(label) == 39


def test_the_report_by_post_names_posts_by_title_shown_safely_and_json_and_csv_keep_the_id(ws: Path) -> None:
    # The posts read as their short ids (the Results screen shows titles); JSON and CSV gave no title.
    plain, hostile = _post(ws, "Reel one"), _post(ws, "Reel two")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+launch/meta", "2026-11-20", "clicks=1")  # the campaign's own results
    forged = "Launch \x1b]0;owned\x07teaser\u202e with a title far longer than any report column would want to hold"
    with Store(ws) as store:
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        # As a title stored before control characters were refused, or synced from a teammate's replica.
    Forger(ws, member=raj).set("task", hostile, {"title": forged})
    for post in (plain, hostile):
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "clicks=3")
    text = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post")
    labels = sorted(re.split(r"\s{2,}", line)[1] for line in text.splitlines()[2:])
    assert labels == ["/meta", "Launch ^[]0;owned^Gteaser<U+202E> with …", "Reel one"]  # cut to 40 characters
    assert not any(ch in text for ch in "\x1b\x07\u202e") and plain[:8] not in text
    rows = {r["post"]: r for r in _report(ws, "--by", "post")["rows"]}
    assert {post: r["title"] for post, r in rows.items()} == {"/meta": None, plain: "Reel one", hostile: forged}
    csv_lines = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post", "--csv").splitlines()
    assert csv_lines[0].startswith("CAMPAIGN,POST,TITLE,SPEND EUR,")
    assert {line.split(",")[1]: line.split(",")[2] for line in csv_lines[1:]} == {
        "/meta": "",
        plain: "Reel one",
        hostile: "Launch ^[]0;owned^Gteaser<U+202E> with a title far longer than any report column would want to hold",
    }


def _wide_report(ws: Path) -> Cli:
    """A campaign with a long name, big numbers, spend and a target on CTR: a report table of 170 columns."""
    team = Cli(ws)
    team.ok("campaign", "add", "Jakarta Ramadan Awareness Push 2026 Extended Flight", "--platforms", "instagram")
    team.ok("campaign", "set", "jakarta-ramadan-awareness-push-2026-extended-flight", "--target", "ctr>=1.2%")
    task = team.ok("add", "Ramadan reel +jakarta-ramadan-awareness-push-2026-extended-flight", as_member="raj").strip()
    team.ok("set", task, "platform=instagram", as_member="raj")
    counts = ("impressions=98765432", "reach=8765432", "engagements=765432", "clicks=654321", "conversions=54321")
    team.ok("kpi", "add", task[:8], "2026-11-20", *counts, "value=123456.78 EUR", as_member="raj")
    spend = ("--category", "ads", "--payee", "Meta", "--amount", "1234567.89 EUR", "--date", "2026-11-20")
    team.ok("ledger", "add", "--campaign", "jakarta-ramadan-awareness-push-2026-extended-flight", *spend)
    return team


def _header(lines: list[str]) -> list[str]:
    return re.split(r"\s{2,}", lines[1].strip())


def test_the_report_fits_the_terminal_leaving_out_the_least_wanted_columns_and_saying_so(ws: Path, tmp_path: Path) -> None:
    """kpi report printed 170-column lines, which wrapped into a mess on an 80-column terminal."""
    team = _wide_report(ws)
    piped = team.ok("kpi", "report").splitlines()
    everything = _header(piped)
    assert max(len(line) for line in piped) > 150 and "CPM EUR" in everything and "ER_FOLLOWERS" in everything
    assert not any("left out" in line for line in piped)  # to a pipe: the whole table, as before
    shown: dict[int, list[str]] = {}
    for columns in (80, 120):
        lines = on_a_terminal(team, tmp_path, columns, "kpi", "report")
        assert max(len(line) for line in lines) <= columns, (columns, lines)
        header = shown[columns] = _header(lines)
        # The name, spend, results, the KPI with a target and the targets missed stay; CPM and the ER variants go first.
        assert {"CAMPAIGN", "SPEND EUR", "CONV", "CTR", "OFF TARGET"} <= set(header), header
        assert not {"CPM EUR", "ER_FOLLOWERS", "ER_IMPRESSIONS"} & set(header), header
        [row] = [line for line in lines if line.startswith("+jakarta")]
        assert "…" in row.split("  ")[0] and "1,234,567.89" in row and "54,321" in row  # the name cut, never a number
        left_out = [c for c in everything if c not in header]
        said = " ".join(lines[next(i for i, line in enumerate(lines) if "columns left out to fit" in line) :])
        assert said == f"{len(left_out)} columns left out to fit: {', '.join(left_out)} (--csv, --json or a wider terminal)", said
    assert set(shown[80]) < set(shown[120]), shown
    # COLUMNS, when set, is the width: 240 holds the whole table and says nothing left out.
    wide = on_a_terminal(team, tmp_path, 80, "kpi", "report", env={"COLUMNS": "240"})
    assert _header(wide) == everything and not any("left out" in line for line in wide)
    assert team.ok("kpi", "report", "--csv").splitlines()[0].split(",") == [
        *everything[:-1],
        "OFF TARGET",
        "PERIOD START",
        "PERIOD END",
        "MIXED PLATFORMS",
    ]


def test_on_a_narrow_terminal_the_missed_targets_go_under_their_row_and_the_name_stays_readable(ws: Path, tmp_path: Path) -> None:
    """Three missed targets made the widest cell: kept in the row, they left the campaign's name three letters and an ellipsis."""
    team = _wide_report(ws)
    campaign = "jakarta-ramadan-awareness-push-2026-extended-flight"
    team.ok("campaign", "set", campaign, "--target", "ctr>=1.2%", "--target", "cpa<=0.50 EUR", "--target", "roas>=4x")
    lines = on_a_terminal(team, tmp_path, 80, "kpi", "report")
    assert max(len(line) for line in lines) <= 80, lines
    header = _header(lines)
    assert "OFF TARGET" not in header and {"CAMPAIGN", "CTR", "CPA EUR", "ROAS"} <= set(header), header
    at = next(i for i, line in enumerate(lines) if line.startswith("+jakarta"))
    assert len(lines[at].split("  ")[0]) >= 16, lines[at]  # the name read as one
    assert lines[at + 1].startswith("  off target: ctr 0.66% vs ctr>=1.2%"), lines[at + 1]
    # Wide enough, the targets stay in their column.
    wide = on_a_terminal(team, tmp_path, 200, "kpi", "report")
    assert "OFF TARGET" in _header(wide) and not any(line.startswith("  off target") for line in wide)


def test_missed_targets_under_their_row_wrap_and_no_number_is_cut(ws: Path, tmp_path: Path) -> None:
    """Under the row, the missed targets were one line cut to the width: 'cpa 1.63 vs cpa<=…', the target's number lost."""
    team = _wide_report(ws)
    campaign = "jakarta-ramadan-awareness-push-2026-extended-flight"
    team.ok("campaign", "set", campaign, "--target", "ctr>=1.2%", "--target", "cpa<=0.50 EUR", "--target", "roas>=4x")
    lines = on_a_terminal(team, tmp_path, 72, "kpi", "report")
    assert max(len(line) for line in lines) <= 72, lines
    at = next(i for i, line in enumerate(lines) if line.startswith("+jakarta"))
    under = [line for line in lines[at + 1 :] if line.startswith("  ")]
    assert under[0].startswith("  off target: ctr 0.66% vs ctr>=1.2%") and not any("…" in line for line in under), under
    assert "cpa<=0.50 EUR" in " ".join(under) and "roas>=4x" in " ".join(under), under


def test_on_a_narrow_terminal_every_column_left_out_is_named_and_the_notes_explain_only_what_is_shown(ws: Path, tmp_path: Path) -> None:
    """At 60 columns the line naming the columns left out read '9 columns left out to fit: … (--csv, …)', naming none,
    and the notes under it explained '≥ reach' and '* a rate by that reach' for REACH and ER_REACH, both left out."""
    team = _wide_report(ws)
    post = _post(ws)
    for day in ("2026-11-20", "2026-11-21"):  # reach over two days: the largest daily reach, marked
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], day, "impressions=1000", "reach=800", "engagements=90")
    wide = on_a_terminal(team, tmp_path, 250, "kpi", "report", with_stderr=True)
    assert any(line.startswith("≥ reach: the largest daily reach") and "* a rate by that reach" in line for line in wide), wide
    lines = on_a_terminal(team, tmp_path, 60, "kpi", "report", with_stderr=True)
    assert max(len(line) for line in lines) <= 60, [line for line in lines if len(line) > 60]
    header = _header(lines)
    assert not {"REACH", "ER_REACH"} & set(header), header
    start = next(i for i, line in enumerate(lines) if "columns left out to fit" in line)
    said = " ".join(lines[start:])
    left_out = [c for c in _header(wide) if c not in header and c != "OFF TARGET"]  # that one goes under its row
    assert said.startswith(f"{len(left_out)} columns left out to fit: {', '.join(left_out)} (--csv, --json or a wider terminal)"), said
    assert "…" not in said and "reach" not in said.split("wider terminal)")[1], said


def test_a_hostile_campaign_name_and_post_title_fit_the_terminal_shown_safely(ws: Path, tmp_path: Path) -> None:
    team = _wide_report(ws)
    post = _post(ws, "Reel two")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "impressions=1000", "clicks=30")
    with Store(ws) as store:
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        launch = store.conn.execute("SELECT id FROM campaign WHERE name = 'Launch'").fetchone()[0]
    forged = "Launch \x1b]0;owned\x07teaser\u202e with a name far longer than any report column would hold"
    # As stored before control characters were refused, or synced from a teammate's replica.
    Forger(ws, member=raj).set("campaign", launch, {"name": forged})
    Forger(ws, member=raj).set("task", post, {"title": forged})
    for args in (("kpi", "report"), ("kpi", "report", "--by", "post")):
        lines = on_a_terminal(team, tmp_path, 80, *args)
        text = "\n".join(lines)
        assert not any(ch in text for ch in "\x1b\x07\u202e"), text
        assert max(len(line) for line in lines) <= 80 and "…" in text, lines
        assert any("columns left out to fit" in line for line in lines)
    by_post = on_a_terminal(team, tmp_path, 80, "kpi", "report", "--by", "post")
    assert any(line.startswith("+laun") and "  Laun" in line and "…" in line for line in by_post), by_post


def test_kpi_add_and_import_refuse_a_task_that_is_no_post_of_a_campaign(ws: Path, tmp_path: Path) -> None:
    # A task with no campaign would keep numbers that no report, pane or target ever counts.
    task = crewdeck("-w", str(ws), "--as", "raj", "add", "Book the studio").strip()
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", task[:8], "2026-11-20", "clicks=3")
    assert err.count("\n") == 1 and f"{task[:8]} is not a post of a campaign" in err
    source = tmp_path / "k.csv"
    source.write_text("date,post,clicks\n2026-11-20,Book the studio,3\n")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "import", str(source), "--format", "csv")
    assert f"{source}:2: post: " in err and "is not a post" in err
    with Store(ws) as store:
        assert store.conn.execute("SELECT count(*) FROM result").fetchone()[0] == 0


# ---------------------------------------------------------------- targets


def _spend(ws: Path, member: str, amount: str, *more: str) -> None:
    """Spend on the launch campaign's ads, paid to Meta."""
    crewdeck(
        "-w",
        str(ws),
        "--as",
        member,
        "ledger",
        "add",
        "--campaign",
        "launch",
        "--category",
        "ads",
        "--payee",
        "Meta",
        "--amount",
        amount,
        *more,
    )


def test_targets_are_set_by_managers_and_flag_the_campaigns_that_miss_them(ws: Path) -> None:
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "impressions=1000", "clicks=9", "conversions=3")
    _spend(ws, "raj", "15.00 EUR", "--date", "2026-11-20")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "campaign", "set", "launch", "--target", "ctr>=1.2%")
    assert "rule managers_only" in err
    for bad, problem in (("cpa<=4 USD", "in the report currency, EUR"), ("ctx>=1", "no KPI 'ctx'"), ("ctr=>1", "write KPI OP NUMBER")):
        assert problem in crewdeck_fails("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", bad)
    crewdeck(
        "-w",
        str(ws),
        "--as",
        "ana",
        "campaign",
        "set",
        "launch",
        "--target",
        "ctr>=1.2%",
        "--target",
        "cpa<=4.00 EUR",
        "--target",
        "roas>=2",
    )
    row = _report(ws)["rows"][0]
    assert row["off_target"] == [
        {"target": "ctr>=1.2%", "value": "0.90"},
        {"target": "cpa<=4.00", "value": "5.00"},
    ]  # no conversion value given: ROAS is "—" (not reported), which neither meets nor misses roas>=2
    (quiet,) = _report(ws, "--period", "2026-11-21")["rows"]  # Launch runs (no dates): its row, nothing reported
    assert quiet["counts"]["clicks"] is None and quiet["off_target"] == []  # nothing that day: nothing judged
    text = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report")
    assert "ctr 0.90% vs ctr>=1.2%" in text
    assert "cpa 5.00 vs cpa<=4.00 EUR" in text  # in the currency the target was given in, as the table's SPEND EUR
    # The result CPA counts is part of the targets: clicks here.
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "result=clicks", "--target", "cpa<=2")
    row = _report(ws)["rows"][0]
    assert row["kpis"]["cpa"]["value"] == "1.67" and row["off_target"] == []
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "none")
    assert _report(ws)["rows"][0]["kpis"]["cpa"]["value"] == "5.00"


def test_a_target_is_taken_with_its_kpi_named_as_kpi_reports_headers_name_it(ws: Path) -> None:
    """`--target "CTR>=1.2%"` or `"ER_REACH>=3%"` (the KPIs as `kpi report`'s headers name them) was refused, "write KPI OP
    NUMBER, like ctr>=1.2%", the same words as for no target at all, while `cpa<=4 eur` was taken in any case."""
    targets = ("CTR>=1.2%", "ER_REACH>=3%", "CPA<=4.00 eur", "Roas>=3X", "Result=Clicks")
    said = crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", *(f"--target={t}" for t in targets))
    assert "to ctr>=1.2%, er_reach>=3%, cpa<=4.00 EUR, roas>=3x (CPA counts clicks)" in said
    with Store(ws) as store:
        (kpis,) = store.conn.execute("SELECT kpis FROM campaign").fetchone()
    assert targets_of(json.loads(kpis))[1] == "clicks"
    assert [t["kpi"] for t in json.loads(kpis)["targets"]] == ["ctr", "er_reach", "cpa", "roas"]
    for bad, problem in (
        ("CPA<=4 usd", "cpa is in the report currency, EUR"),
        ("CTR>=1X", "ctr is a percentage"),
        ("CTX>=1", "no KPI 'ctx'"),
    ):
        assert problem in crewdeck_fails("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", bad), bad
    # "None" given alone clears them, as "none" does: it was refused, "clears the targets: give it alone".
    said = crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "None ")
    assert "set the targets of campaign Launch to none" in said, said
    with Store(ws) as store:
        (kpis,) = store.conn.execute("SELECT kpis FROM campaign").fetchone()
    assert targets_of(json.loads(kpis)) == ([], "conversions")
    err = crewdeck_fails("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "ctr>=1%", "--target", "NONE")
    assert "clears the targets: give it alone" in err  # beside a target, still refused


def test_campaign_list_reads_a_campaigns_targets_back(ws: Path) -> None:
    """Targets set were read back only in `campaign list --json`: `kpi report` names those a row misses, the Results
    screen how many, and a campaign meeting them all said "every target met" without which."""
    listed = crewdeck("-w", str(ws), "--as", "raj", "campaign", "list")
    assert "targets:" not in listed  # none set: no line
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "ctr>=1.2%", "--target", "cpa<=4 EUR")
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "add", "Webinar", "--platforms", "linkedin")
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "webinar", "--target", "result=video_complete", "--target", "cpa<=1")
    lines = crewdeck("-w", str(ws), "--as", "raj", "campaign", "list").splitlines()
    assert lines[1].startswith("+launch ") and lines[2:4] == [
        "  approval chain: none",
        "  targets: ctr>=1.2%, cpa<=4 EUR (CPA counts conversions)",
    ], lines
    assert lines[4].startswith("+webinar ") and lines[6] == "  targets: cpa<=1 EUR (CPA counts video complete)", lines


def test_a_target_that_is_no_number_is_left_out_and_the_report_made(ws: Path) -> None:
    # A campaign's target of "NaN" (a push's, a file from before: --target reads only numbers) stopped `kpi report` with a
    # traceback (decimal.InvalidOperation: NaN is neither above nor below a value), and the results pane with it.
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "impressions=1000", "clicks=9")
    with Store(ws) as store:
        ana, launch = (
            store.conn.execute(q).fetchone()[0] for q in ("SELECT id FROM member WHERE handle = 'ana'", "SELECT id FROM campaign")
        )
    kept = [
        {"kpi": "ctr", "op": ">=", "value": "NaN"},
        {"kpi": "ctr", "op": "<=", "value": "-Infinity"},
        {"kpi": "ctr", "op": ">=", "value": "1.2"},
    ]
    Forger(ws, ana).set("campaign", launch, {"kpis": {"targets": kept, "result": "conversions"}})
    (row,) = _report(ws)["rows"]
    assert row["off_target"] == [{"target": "ctr>=1.2%", "value": "0.90"}]
    assert [(t.kpi, t.op, str(t.value)) for t in targets_of({"targets": kept})[0]] == [("ctr", ">=", "1.2")]


def test_a_post_whose_spend_is_booked_on_its_campaign_has_no_cost_kpis_and_no_cost_target_judged(ws: Path) -> None:
    # The post showed CPC 0.00 and CPA 0.00, and met cpa<=4.00 EUR: the campaign's 20.00 bought its clicks, no ledger entry
    # is the post's, so what a click of it cost is unknown, not 0.
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "impressions=1000", "clicks=10", "conversions=2")
    crewdeck(
        "-w", str(ws), "--as", "raj", "ledger", "add", "--campaign", "launch", "--category", "ads",
        "--payee", "Photo studio", "--amount", "20.00 EUR", "--date", "2026-11-20",
    )  # fmt: skip
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "cpa<=4.00 EUR", "--target", "ctr>=0.5%")
    (row,) = [r for r in _report(ws, "--by", "post")["rows"] if r["post"] == post]
    assert row["spend"] == {"amount": "0.00", "currency": "EUR"}  # no entry linked to it: none counted
    for code in ("cpc", "cpm", "cpa"):
        assert row["kpis"][code] == {"value": None, "note": "no spend linked"}, code
    assert row["kpis"]["ctr"]["value"] == "1.00" and row["off_target"] == []
    (campaign,) = _report(ws)["rows"]  # the campaign's own row holds the entry: its CPA is judged
    assert campaign["kpis"]["cpc"]["value"] == "2.00" and campaign["off_target"] == [{"target": "cpa<=4.00", "value": "10.00"}]

    result = Cli(ws)("kpi", "report", "--by", "post")
    header, *lines = result.out.splitlines()[1:]
    (line,) = [line for line in lines if "Reel one" in line]
    assert line[header.index("CPC") :].split()[:3] == ["—", "—", "—"]  # CPC, CPM, CPA
    assert "— CPC, CPM, CPA: no spend linked to the row (unknown, not 0); a target on them is neither met nor missed" in result.err
    csv_line = next(
        line for line in crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post", "--csv").splitlines() if post in line
    )
    assert csv_line.split(",")[13:17] == ["1.00%", "—", "—", "—"]  # CTR, CPC, CPM, CPA: "—", as for nothing to divide by

    workspace = Workspace.open(ws)
    try:
        campaign_id = workspace.campaign_by_name("launch").id
        page = pane_data.load(workspace, "week", dt.date(2026, 11, 20), campaign_id, today=dt.date(2026, 11, 26))
        (reel,) = [line for line in page.lines if line.key == post]
        cpc, cpa = (reel.kpis[pane_data.SHOWN.index(code)] for code in ("cpc", "cpa"))
        assert (cpc, cpa, reel.missed, reel.on_target) == ("—", "—", (), False)  # CPA neither met nor missed
        assert "— no value (CPC, CPA: no spend linked, neither met nor missed)" in pane_data.legend(page)  # ROAS: not reported
    finally:
        workspace.close()


def test_a_row_whose_money_back_exceeds_its_spend_has_no_cost_kpis_and_meets_no_cost_target(ws: Path) -> None:
    # A 30.00 refund on a day that spent 10.00 read SPEND -20.00, CPC -2.00 and CPA -10.00, and met cpa<=4.00 EUR: what a
    # click cost is no amount below 0, and the target was met by money coming back, not by clicks bought cheaply.
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    ads = ("--as", "raj", "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta")
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "cpa<=4.00 EUR", "--target", "ctr>=0.5%")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+launch/meta", "2026-11-19", "impressions=1000", "clicks=10", "conversions=2")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+launch/meta", "2026-11-20", "impressions=1000", "clicks=10", "conversions=2")
    crewdeck("-w", str(ws), *ads, "--amount", "10.00 EUR", "--date", "2026-11-19")
    crewdeck("-w", str(ws), *ads, "--amount", "10.00 EUR", "--date", "2026-11-20")
    crewdeck("-w", str(ws), *ads, "--amount", "-30.00 EUR", "--memo", "ad credit", "--date", "2026-11-20")
    days = {r["day"]: r for r in _report(ws, "--by", "day")["rows"]}
    refunded = days["2026-11-20"]
    assert refunded["spend"] == {"amount": "-20.00", "currency": "EUR"}  # what the ledger counts, as it counts it
    for code in ("cpc", "cpm", "cpa"):
        assert refunded["kpis"][code] == {"value": None, "note": "spend below 0"}, code
    assert refunded["kpis"]["ctr"]["value"] == "1.00" and refunded["off_target"] == []
    assert days["2026-11-19"]["kpis"]["cpa"]["value"] == "5.00" and days["2026-11-19"]["off_target"] == [
        {"target": "cpa<=4.00", "value": "5.00"}
    ]

    result = Cli(ws)("kpi", "report", "--by", "day")
    header, *lines = result.out.splitlines()[1:]
    (line,) = [line for line in lines if "2026-11-20" in line]
    assert line[header.index("CPC") :].split()[:3] == ["—", "—", "—"]  # CPC, CPM, CPA
    assert "— CPC, CPM, CPA: the row's spend is below 0 (money back beyond what it spent); a target on them is neither met nor missed" in (
        result.err
    )

    workspace = Workspace.open(ws)
    try:
        page = pane_data.load(workspace, "day", dt.date(2026, 11, 20), None, today=dt.date(2026, 11, 26))
        (launch,) = page.lines
        cpc, cpa = (launch.kpis[pane_data.SHOWN.index(code)] for code in ("cpc", "cpa"))
        assert (launch.spend, cpc, cpa, launch.missed, launch.on_target) == ("-20.00", "—", "—", (), False)
        assert "— no value (CPC, CPA: spend below 0, neither met nor missed)" in pane_data.legend(page)  # ROAS: not reported
    finally:
        workspace.close()


def test_the_panes_legend_names_no_spend_linked_only_for_the_kpis_kpi_report_names(ws: Path) -> None:
    # The legend said "CPC, CPA, ROAS: no spend linked" for any row no ledger entry counts toward, even where each of them
    # was "—" because its clicks, conversions or value were never reported, which kpi report names as not reported.
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    quiet = _post(ws)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", quiet[:8], "2026-11-20", "reach=500", "engagements=20")
    _spend(ws, "raj", "20.00 EUR", "--date", "2026-11-20")  # on the campaign: none of it is a post's

    def said(by: str) -> tuple[str, str]:
        """The pane's legend over the campaigns (``by`` "campaign") or Launch's posts, and kpi report's footnotes."""
        workspace = Workspace.open(ws)
        try:
            campaign_id = workspace.campaign_by_name("launch").id if by == "post" else None
            page = pane_data.load(workspace, "week", dt.date(2026, 11, 20), campaign_id, today=dt.date(2026, 11, 26))
        finally:
            workspace.close()
        return pane_data.legend(page), Cli(ws)("kpi", "report", "--by", by, "--period", "2026-W47").err

    for by in ("campaign", "post"):  # spend linked but no clicks, and a post with no spend linked and no clicks
        legend, footnotes = said(by)
        assert "no spend linked" not in legend and "no spend linked" not in footnotes, (by, legend, footnotes)
        assert "— no value" in legend and "—: not reported" in footnotes, (by, legend, footnotes)
    clicked = _post(ws, "Reel two")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", clicked[:8], "2026-11-20", "impressions=1000", "clicks=10", "conversions=2")
    legend, footnotes = said("post")  # ROAS: its conversion value was never given, spend or not
    assert "— no value (CPC, CPA: no spend linked, neither met nor missed)" in legend, legend
    assert "— CPC, CPM, CPA: no spend linked to the row" in footnotes, footnotes


def test_a_campaign_whose_approved_entry_was_reversed_spent_0_and_its_cost_kpis_are_0(ws: Path) -> None:
    # Entries that net to zero are spend of 0, which counts: CPC 0.00 and cpa<=4.00 met, unlike a row no entry counts toward.
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    w = ["-w", str(ws), "--as", "raj", "kpi", "add", "+launch/meta", "2026-11-20"]
    crewdeck(*w, "impressions=1000", "clicks=10", "conversions=2", "value=50.00 EUR")
    with in_person():  # raj's spend, his in person: ana, acting as him, could not approve it
        entry = crewdeck(
            "-w", str(ws), "--as", "raj", "ledger", "add", "--campaign", "launch", "--category", "ads",
            "--payee", "Meta", "--amount", "30.00 EUR", "--date", "2026-11-20", "--pending",
        ).strip()  # fmt: skip
    crewdeck("-w", str(ws), "--as", "ana", "ledger", "approve", entry)
    crewdeck("-w", str(ws), "--as", "raj", "ledger", "reverse", entry)
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "cpa<=4.00 EUR")
    (row,) = _report(ws)["rows"]
    assert row["spend"] == {"amount": "0.00", "currency": "EUR"}
    assert {code: row["kpis"][code] for code in ("cpc", "cpm", "cpa")} == {code: {"value": "0.00"} for code in ("cpc", "cpm", "cpa")}
    assert row["kpis"]["roas"] == {"value": None} and row["off_target"] == []  # ROAS: "—", nothing to divide by
    workspace = Workspace.open(ws)
    try:
        (line,) = pane_data.load(workspace, "week", dt.date(2026, 11, 20), today=dt.date(2026, 11, 26)).lines
        assert line.kpis[pane_data.SHOWN.index("cpc")] == "0.00" and line.on_target  # every target met: cpa 0.00
    finally:
        workspace.close()


def test_a_campaign_falling_off_target_adds_a_review_task_only_when_the_workspace_wants_it(ws: Path) -> None:
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "ctr>=1%")
    add = ["-w", str(ws), "--as", "raj", "kpi", "add", post[:8]]
    crewdeck(*add, "2026-11-20", "impressions=1000", "clicks=20")
    crewdeck(*add, "2026-11-21", "impressions=9000", "clicks=10")  # off target, but the setting is off
    assert "Review +launch" not in listing("-w", str(ws), "tasks", "all")
    assert "rule managers_only" in crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "review", "on")
    said = crewdeck("-w", str(ws), "--as", "ana", "kpi", "review", "on")
    assert said.strip() == "review tasks for campaigns that fall off a target: on"  # not silent: the setting is shown nowhere else
    crewdeck(*add, "2026-11-21", "impressions=1000")  # back on target: 30 / 2,000
    assert "Review +launch" not in listing("-w", str(ws), "tasks", "all")
    fell = Cli(ws)("kpi", "add", post[:8], "2026-11-22", "impressions=9000", "clicks=1", as_member="raj")  # falls off: 31 / 11,000
    tasks = json.loads(crewdeck("-w", str(ws), "tasks", "all", "--json"))
    review = [t for t in tasks if t["title"].startswith("Review +launch")]
    assert len(review) == 1 and "ctr>=1%" in review[0]["title"]
    # It said "a campaign fell off its targets": which one, and which targets, only the task list told.
    assert fell.err == f"note: review task {review[0]['id'][:8]} added for @ana: “Review +launch: off target (ctr>=1%)”\n"
    with Store(ws) as store:
        ana = store.conn.execute("SELECT id FROM member WHERE handle = 'ana'").fetchone()[0]
        assert store.record("task", review[0]["id"])["assignee"] == ana  # type: ignore[index]  # the record exists: it was listed
    crewdeck(*add, "2026-11-23", "impressions=9000", "clicks=1")  # still off: no second task
    assert sum(t["title"].startswith("Review +launch") for t in json.loads(crewdeck("-w", str(ws), "tasks", "all", "--json"))) == 1


# ---------------------------------------------------------------- the monthly sums reports read


def random_results(store: Store, who: str, posts: list[str], campaign: str, seed: int, batches: int) -> None:
    """Writes, rewrites and corrections of results, in batches: most for the posts, some for the campaign on Meta."""
    rng = random.Random(seed)
    for _ in range(batches):
        rows = []
        for _ in range(40):
            key = Key("post", post=rng.choice(posts)) if rng.random() < 0.7 else Key("campaign", campaign=campaign, platform="meta")
            day = f"2026-{rng.choice(['10', '11'])}-{rng.randint(1, 28):02d}"
            counts = {"impressions": rng.randint(0, 900), "reach": rng.randint(0, 500), "clicks": rng.randint(0, 9)}
            if rng.random() < 0.3:
                del counts["clicks"]  # not reported that day (a later write of the day may give it)
            rows.append((key, day, counts))
        unique = {(k, d): v for k, d, v in rows}
        write(store, who, [(k, d, v) for (k, d), v in unique.items()], "test")


def test_the_monthly_sums_follow_every_write_and_a_lower_reach_is_read_again(ws: Path) -> None:
    from crewdeck.sync.state import rollup

    posts = [_post(ws, f"Post {n}") for n in range(3)]
    given = ", ".join(rollup.GIVEN.values())
    with Store(ws) as store:
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        campaign = store.conn.execute("SELECT id FROM campaign").fetchone()[0]
        random_results(store, raj, posts, campaign, seed=5, batches=6)
        kept = store.conn.execute(
            f"SELECT kind, post, campaign, platform, month, impressions, reach, clicks, {given}, rows FROM {rollup.TABLE} WHERE rows > 0 ORDER BY 1, 2, 3, 4, 5"
        ).fetchall()
        store.conn.execute(f"CREATE TEMP TABLE fresh AS SELECT * FROM {rollup.TABLE} WHERE 0")
        store.conn.execute(rollup.FILL.replace(f"INSERT INTO {rollup.TABLE}", "INSERT INTO fresh"))
        fresh = store.conn.execute(
            f"SELECT kind, post, campaign, platform, month, impressions, reach, clicks, {given}, rows FROM fresh ORDER BY 1, 2, 3, 4, 5"
        ).fetchall()
    assert kept == fresh and len(kept) >= 6
    # One record's reach, lowered: the month's largest reach is read again from its days.
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", posts[0][:8], "2026-09-10", "reach=900", "engagements=90")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", posts[0][:8], "2026-09-10", "reach=600")
    row = next(r for r in _report(ws, "--period", "2026-09", "--by", "post")["rows"] if r["post"] == posts[0])
    assert row["reach"] == {"value": 600, "at_least": False} and row["kpis"]["er_reach"]["value"] == "15.00"


def test_a_campaign_running_in_the_period_with_nothing_reported_has_a_row_of_dashes_in_the_report_and_the_screen(ws: Path) -> None:
    # A campaign with no results and no spend in the period had no row at all: a team could not see it was not reporting.
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    w = ["-w", str(ws), "--as", "ana", "campaign", "add"]
    crewdeck(*w, "Quiet", "--platforms", "meta", "--start", "2026-11-01", "--end", "2026-11-29")
    crewdeck(*w, "Over", "--platforms", "meta", "--start", "2026-10-01", "--end", "2026-10-31")
    crewdeck(*w, "Later", "--platforms", "meta", "--start", "2026-12-01")
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "quiet", "--target", "ctr>=1%")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+over/meta", "2026-11-19", "impressions=100")  # after its run: reported
    rows = {r["campaign"]: r for r in _report(ws, "--period", "2026-W47")["rows"]}
    # Launch has no dates: its run is open at both ends, as --period run and the screen's run read it.
    assert sorted(rows) == ["launch", "over", "quiet"]
    quiet = rows["quiet"]
    assert quiet["counts"]["impressions"] is None and quiet["reach"]["value"] is None
    assert all(k["value"] is None for k in quiet["kpis"].values()) and quiet["off_target"] == []
    text = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--period", "2026-W47")
    assert [line.split()[0] for line in text.splitlines()[2:]] == ["+launch", "+over", "+quiet"]
    workspace = Workspace.open(ws)
    try:
        page = pane_data.load(workspace, "week", dt.date(2026, 11, 18), today=dt.date(2026, 11, 26))
        lines = {line.label: line for line in page.lines}
        assert sorted(lines) == ["+launch", "+over", "+quiet"]
        line = lines["+quiet"]
        assert (line.results, line.change, line.missed, line.on_target) == ("—", "—", (), False)
        assert set(line.kpis) == {"—"}
        later = pane_data.load(workspace, "week", dt.date(2026, 12, 2), today=dt.date(2026, 11, 26))
        assert sorted(line.label for line in later.lines) == ["+later", "+launch"]  # Quiet's run has ended
    finally:
        workspace.close()


def test_the_log_says_a_conversion_value_as_money(ws: Path) -> None:
    # It read: conversion value “{"amount": 1234550, "currency": "EUR"}”, the stored form, in minor units.
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "clicks=3", "value=12345.50 EUR")
    line = crewdeck("-w", str(ws), "--as", "raj", "log", "--limit", "1").strip()
    assert line.endswith("@raj added the results of “Reel one” on 2026-11-20: clicks 3, conversion value 12,345.50 EUR (from “kpi add”)"), (
        line
    )


def test_the_reports_csv_writes_amounts_and_rates_without_separators_as_its_counts(ws: Path) -> None:
    # It wrote spend "2,500.00" and CPM "2,500.00" (quoted, text to a spreadsheet) next to counts written 1000.
    _spend(ws, "ana", "2500.00 EUR")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+launch/meta", "2026-11-20", "impressions=1000", "clicks=1", "conversions=1")
    text = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "+launch", "--csv")
    assert text.splitlines()[1].startswith("launch,2500.00,1000,—,—,1,1,—,—,—,—,0.10%,2500.00,2500.00,2500.00,100.00%,—,")
    assert '"' not in text
    table = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "+launch")
    assert "2,500.00" in table  # a table for people keeps its separators


def test_the_report_gives_the_conversion_value_its_roas_divides_in_the_base_currency(ws: Path, tmp_path: Path) -> None:
    # Only --json said the conversion value: the table and the CSV showed ROAS 1.46x with nothing to check it by, the
    # revenue a spreadsheet divides by the spend.
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-01", "USD/EUR", "0.9215")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "impressions=1000", "value=99.99 USD")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-21", "impressions=1000", "value=42.00 EUR")
    _spend(ws, "ana", "91.65 EUR", "--date", "2026-11-20", "--task", post)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "+launch/meta", "2026-11-20", "impressions=10")
    lines = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post").splitlines()
    header = _header(lines)
    assert header[header.index("CONV") + 1] == "VALUE EUR", header
    cells = {re.split(r"\s{2,}", line)[1]: re.split(r"\s{2,}", line) for line in lines[2:4]}
    # 99.99 USD at 0.9215 is 92.140785 EUR, and 42.00 EUR: 134.14; ROAS 134.140785 / 91.65 = 1.46x.
    assert cells["Reel one"][header.index("VALUE EUR")] == "134.14" and cells["Reel one"][header.index("ROAS")] == "1.46x"
    assert cells["/meta"][header.index("VALUE EUR")] == "—"  # never given: not reported, not 0
    csv_lines = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--by", "post", "--csv").splitlines()
    csv_header = csv_lines[0].split(",")
    assert [line.split(",")[csv_header.index("VALUE EUR")] for line in csv_lines[1:]] == ["—", "134.14"]
    # The value's column gives way early on a narrow terminal: the second, after CPM.
    narrow = on_a_terminal(Cli(ws), tmp_path, 150, "kpi", "report", "--by", "post")
    assert "VALUE EUR" not in _header(narrow) and "left out to fit: VALUE EUR, CPM EUR (" in " ".join(narrow), narrow


def test_the_reports_csv_says_the_days_of_its_period_on_every_row(ws: Path) -> None:
    # The text's first line names the period, the JSON its first and last day; a CSV per campaign said neither: saved
    # each week for a spreadsheet, a file of this week's numbers read as one of last week's, or of all time.
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "impressions=1000")
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--start", "2026-11-02", "--end", "2026-12-20")
    for args, days in (
        (("--period", "2026-W47"), ["2026-11-16", "2026-11-22"]),
        (("--period", "2026-11", "--by", "post"), ["2026-11-01", "2026-11-30"]),
        (("+launch", "--period", "run"), ["2026-11-02", "2026-12-20"]),
        ((), ["", ""]),  # all time: no first or last day
    ):
        header, *rows = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--csv", *args).splitlines()
        assert header.endswith(",OFF TARGET,PERIOD START,PERIOD END,MIXED PLATFORMS") and rows, (args, header)
        assert all(row.split(",")[-3:-1] == days for row in rows), (args, rows)


def test_the_report_over_each_campaigns_run_is_the_results_screens_campaign_run_page(ws: Path) -> None:
    # `kpi report --period run` was refused without a campaign ("--period run needs a campaign"), where the Results
    # screen's "Campaign run" page lists every campaign, each over its own run.
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--start", "2026-11-10", "--end", "2026-11-20")
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "add", "Winter", "--platforms", "instagram", "--start", "2026-11-21")
    winter = crewdeck("-w", str(ws), "--as", "raj", "add", "Winter reel +winter").strip()
    crewdeck("-w", str(ws), "--as", "raj", "set", winter, "platform=instagram")
    for task, day in ((post, "2026-11-09"), (post, "2026-11-15"), (post, "2026-11-22"), (winter, "2026-11-15"), (winter, "2026-11-22")):
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", task[:8], day, "impressions=100")
    lines = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--period", "run").splitlines()
    assert lines[0] == "Results · Campaign run"
    impressions = {line.split()[0]: line.split()[2] for line in lines[2:]}
    assert impressions == {"+launch": "100", "+winter": "100"}  # each its own run's days: 11-15, and 11-22
    rows = json.loads(crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--period", "run", "--json"))["rows"]
    assert {r["campaign"]: r["period"] for r in rows} == {
        "launch": {"start": "2026-11-10", "end": "2026-11-20"},
        "winter": {"start": "2026-11-21", "end": None},
    }
    csv_rows = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--period", "run", "--csv").splitlines()[1:]
    assert [row.split(",")[-3:-1] for row in csv_rows] == [["2026-11-10", "2026-11-20"], ["2026-11-21", ""]]


def test_er_by_followers_takes_the_latest_count_up_to_the_rows_last_day_whatever_the_period(ws: Path) -> None:
    # Followers are a count of people on a day, not a flow: counted on Sunday, they were "not reported" in the week
    # after (the count was looked for in the period only), and one day's ER by followers read 2.00% per day over
    # the month and "—" over that day alone.
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "/instagram", "2026-11-15", "followers=4000")
    for day in ("2026-11-17", "2026-11-18"):
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], day, "impressions=1000", "engagements=80")
    week = _report(ws, "--period", "2026-W47")["rows"][0]
    assert week["followers"] == 4000 and week["kpis"]["er_followers"] == {"value": "4.00"}  # 160 / 4,000
    by_day = {r["day"]: r["kpis"]["er_followers"] for r in _report(ws, "--period", "2026-11", "--by", "day")["rows"]}
    one_day = _report(ws, "--period", "2026-11-17")["rows"][0]["kpis"]["er_followers"]
    assert by_day["2026-11-17"] == one_day == {"value": "2.00"}
    # A count after the row's last day is not its: the day before the first count has none.
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-14", "impressions=1000", "engagements=80")
    assert _report(ws, "--period", "2026-11-14")["rows"][0]["kpis"]["er_followers"] == {"value": None, "note": "not reported"}


def test_the_no_spend_note_on_one_kpi_speaks_of_it_not_of_them(ws: Path) -> None:
    # "— CPM: no spend linked to the row (unknown, not 0); a target on them is neither met nor missed", of one KPI.
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "impressions=1000")
    err = Cli(ws)("kpi", "report", "--by", "post").err
    assert "— CPM: no spend linked to the row (unknown, not 0); a target on it is neither met nor missed" in err, err


def test_two_targets_for_one_kpi_make_a_range_or_are_refused_never_dropped(ws: Path) -> None:
    # `--target "ctr>=1.2%" --target "ctr<=5%"` kept only ctr<=5%, and "ctr>=1%" then "ctr>=2%" only the second, silently.
    post = _post(ws)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "impressions=1000", "clicks=60")
    said = crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "ctr>=1.2%", "--target", "ctr<=5%")
    assert "set the targets of campaign Launch to ctr>=1.2%, ctr<=5% (CPA counts conversions)" in said
    row = _report(ws, "+launch")["rows"][0]
    assert [t["target"] for t in row["off_target"]] == ["ctr<=5%"]  # 6.00% meets the floor, misses the ceiling
    err = crewdeck_fails("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "ctr>=1%", "--target", "ctr>2%")
    assert err == "crewdeck: error: --target 'ctr>2%': ctr has a lower bound already (ctr>=1%): give one\n"
    with Store(ws) as store:
        kpis = json.loads(store.conn.execute("SELECT kpis FROM campaign").fetchone()[0])
    assert [t["op"] for t in kpis["targets"]] == [">=", "<="]  # nothing written


def test_a_period_the_report_cannot_read_is_refused_naming_run_too(ws: Path, cli: Cli) -> None:
    # The refusal listed the ledger's periods and not run, which `kpi report --period` takes (its help left out days and all).
    err = crewdeck_fails("-w", str(ws), "--as", "ana", "kpi", "report", "--period", "week")
    assert err == (
        "crewdeck: error: 'week' is not a period (2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026, today, yesterday,"
        " this or last week, month, quarter or year, all or run)\n"
    )
    assert "2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026, this week, last month, all or run" in " ".join(
        cli.ok("kpi", "report", "--help").split()
    )


def test_a_period_is_named_as_a_week_ends_this_week_last_week_today_yesterday_in_your_zone(ws: Path) -> None:
    # At week's end `kpi report --period "this week"` (or `ledger report --period "last month"`, as hledger takes
    # them) was "not a period": the ISO week's number had to be looked up first.  The suite's instant is Thursday
    # 2026-11-26 09:30 UTC.
    post = _post(ws)
    for day in ("2026-11-16", "2026-11-25", "2026-11-26"):
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], day, "impressions=1000")
    cli = Cli(ws)
    for words, name, period in (
        ("this week", "Week 2026-W48 (2026-11-23..2026-11-29)", {"start": "2026-11-23", "end": "2026-11-29"}),
        ("thisweek", "Week 2026-W48 (2026-11-23..2026-11-29)", {"start": "2026-11-23", "end": "2026-11-29"}),
        ("Last Week", "Week 2026-W47 (2026-11-16..2026-11-22)", {"start": "2026-11-16", "end": "2026-11-22"}),
        ("last month", "Month 2026-10 (2026-10-01..2026-10-31)", {"start": "2026-10-01", "end": "2026-10-31"}),
        ("this quarter", "Quarter 2026-Q4 (2026-10-01..2026-12-31)", {"start": "2026-10-01", "end": "2026-12-31"}),
        ("today", "Day 2026-11-26", {"start": "2026-11-26", "end": "2026-11-26"}),
        ("yesterday", "Day 2026-11-25", {"start": "2026-11-25", "end": "2026-11-25"}),
    ):
        assert cli.ok("kpi", "report", "--period", words).splitlines()[0] == f"Results · {name}", words
        assert json.loads(cli.ok("kpi", "report", "--period", words, "--json"))["period"] == period, words
    _spend(ws, "ana", "10.00 EUR", "--date", "2026-11-17")
    assert "(EUR, Week 2026-W47, as of 2026-11-26 in UTC)" in cli.ok("ledger", "report", "--period", "last week")
    # Today is the viewer's: at 09:30 UTC it is still the 25th at UTC-11.
    crewdeck("-w", str(ws), "--as", "ana", "member", "add", "tavita", "--name", "Tavita", "--tz", "Pacific/Pago_Pago")
    assert cli.ok("kpi", "report", "--period", "today", as_member="tavita").splitlines()[0] == "Results · Day 2026-11-25"


def test_a_count_shown_as_not_reported_is_explained_when_every_kpi_dividing_it_gave_way(ws: Path, tmp_path: Path) -> None:
    """A campaign with no conversions reported showed "—" under CONV: the note said what was not reported only for a
    KPI column shown (CPA, CVR, ROAS), and on a narrow terminal where all of them gave way, nothing explained it."""
    team = Cli(ws)
    team.ok("campaign", "add", "Quiet", "--platforms", "instagram")  # no targets: every KPI column may give way
    task = team.ok("add", "Teaser +quiet", as_member="raj").strip()
    team.ok("set", task, "platform=instagram", as_member="raj")
    team.ok("kpi", "add", task[:8], "2026-11-20", "impressions=1000", "reach=800", as_member="raj")
    lines = on_a_terminal(team, tmp_path, 40, "kpi", "report", "+quiet", with_stderr=True)
    header = _header(lines)
    row = re.split(r"\s{2,}", next(line for line in lines if line.startswith("+quiet")).strip())
    assert row[header.index("CONV")] == "—" and not {"CTR", "CPC EUR", "CPA EUR", "CVR", "ROAS"} & set(header), lines
    notes = " ".join(lines).split("wider terminal)")[1].strip()
    assert notes == "—: not reported (conversions)", lines  # no KPI shown: nothing divided
    wide = on_a_terminal(team, tmp_path, 250, "kpi", "report", "+quiet", with_stderr=True)
    # In the order of the columns (ENG, CLICKS, CONV, VALUE, then ER_FOLLOWERS's followers), not of the KPIs that first
    # named them ("engagements, followers, clicks, ...": ER_FOLLOWERS before CLICKS).
    assert "—: not reported (engagements, clicks, conversions, conversion value, followers), or nothing to divide by" in wide, wide


def test_a_rate_by_reach_shown_without_its_reach_column_is_explained_in_full(ws: Path, tmp_path: Path) -> None:
    """Where ER_REACH is shown and REACH has given way, the note read '* a rate by that reach': the reach it
    pointed back to was the '≥ reach' note, left out with its column."""
    team = _wide_report(ws)
    post = _post(ws)
    for day in ("2026-11-20", "2026-11-21"):  # reach over two days: the largest daily reach, marked
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], day, "impressions=1000", "reach=800", "engagements=90")
    for width in range(100, 200, 5):
        lines = on_a_terminal(team, tmp_path, width, "kpi", "report", with_stderr=True)
        if "ER_REACH" in _header(lines) and "REACH" not in _header(lines):
            break
    assert "ER_REACH" in _header(lines) and "REACH" not in _header(lines), lines
    said = " ".join(lines[next(i for i, line in enumerate(lines) if "columns left out to fit" in line) :])
    notes = said.split("wider terminal)")[1]
    assert "≥" not in notes and "that reach" not in notes, notes
    assert "* a rate by the largest daily reach (reach does not add up over days)" in notes, notes


@pytest.mark.parametrize("by", ["post", "platform", "day"])
def test_kpi_report_with_nothing_to_report_prints_the_csv_header_and_an_empty_json_document(ws: Path, by: str) -> None:
    # With no rows, --csv printed nothing on stdout (a line on stderr only): a CSV consumer found no header to read.
    cli = Cli(ws)
    empty = cli("kpi", "report", "--by", by, "--csv")
    assert empty.code == 0 and "no results or spend" in empty.err
    assert json.loads(cli.ok("kpi", "report", "--by", by, "--json"))["rows"] == []
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", _post(ws)[:8], "2026-11-20", "impressions=100")
    header = cli.ok("kpi", "report", "--by", by, "--csv").splitlines()[0]
    assert empty.out == header + "\n"


def test_reach_is_no_result_cpa_may_count_as_it_does_not_add_up_over_days(ws: Path) -> None:
    # `--target result=reach` was taken: CPA divided the spend by the daily reaches summed (2,400 here, where REACH read
    # ≥800) and the Results screen's RESULTS column showed that sum, the number the README says reach never is.
    post = _post(ws)
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], day, "impressions=1000", "reach=800", "clicks=10")
    err = crewdeck_fails("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--target", "result=reach")
    assert err.startswith("crewdeck: error: --target 'result=reach': reach does not add up over days"), err
    assert "impressions, engagements," in err and "reach," not in err  # the counts it may be, reach not among them
    with Store(ws) as store:
        assert store.conn.execute("SELECT kpis FROM campaign").fetchone()[0] in (None, "{}")  # nothing written
    # One stored before (or pushed by an older replica) is read as the default, conversions, never as summed reach.
    assert targets_of({"targets": [{"kpi": "cpa", "op": "<=", "value": "1"}], "result": "reach"})[1] == "conversions"


def test_a_second_result_and_none_among_targets_are_refused_never_the_last_taken(ws: Path) -> None:
    # `--target result=clicks --target result=conversions` kept the last without a word, and `--target none` beside a
    # target was refused as a target badly written ("write KPI OP NUMBER").
    cli = Cli(ws)
    cli.ok("campaign", "set", "launch", "--target", "ctr>=1%")
    refused = cli("campaign", "set", "launch", "--target", "result=clicks", "--target", "cpa<=2", "--target", "result=conversions")
    assert refused.code == 2
    assert refused.err == "crewdeck: error: --target 'result=conversions': CPA counts clicks already (result=clicks): give one\n"
    refused = cli("campaign", "set", "launch", "--target", "none", "--target", "ctr>=2%")
    assert refused.code == 2
    assert refused.err == "crewdeck: error: --target 'none' clears the targets: give it alone, or the targets without it\n"
    assert _targets(ws) == [("ctr", ">=", "1")]  # nothing written


def test_a_floor_above_the_ceiling_of_one_kpi_is_refused_as_no_value_meets_both(ws: Path) -> None:
    # `cpa<=4.00 EUR` and `cpa>=5 EUR` were taken: whatever its CPA, the campaign read off target.
    cli = Cli(ws)
    refused = cli("campaign", "set", "launch", "--target", "cpa<=4.00 EUR", "--target", "cpa>=5 EUR")
    assert refused.code == 2
    assert refused.err == "crewdeck: error: --target 'cpa>=5 EUR': no value meets both it and cpa<=4.00 EUR\n"
    refused = cli("campaign", "set", "launch", "--target", "ctr>2%", "--target", "ctr<2%")
    assert refused.err == "crewdeck: error: --target 'ctr<2%': no value meets both it and ctr>2%\n"
    assert _targets(ws) == []
    cli.ok("campaign", "set", "launch", "--target", "ctr>=2%", "--target", "ctr<=2%")  # a range of one value is one
    assert _targets(ws) == [("ctr", ">=", "2"), ("ctr", "<=", "2")]


def _targets(ws: Path) -> list[tuple[str, str, str]]:
    with Store(ws) as store:
        kpis = json.loads(store.conn.execute("SELECT kpis FROM campaign").fetchone()[0] or "{}")
    return [(t["kpi"], t["op"], t["value"]) for t in kpis.get("targets", [])]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("mon", "2026-11-23"),
        ("thu", "2026-11-26"),
        ("friday", "2026-11-20"),
        ("nov 20", "2026-11-20"),
        ("dec 1", "2025-12-01"),
        ("12-01", "2025-12-01"),
    ],
)
def test_kpi_add_reads_a_weekday_or_a_day_of_the_month_as_the_last_one_gone_by(ws: Path, text: str, day: str) -> None:
    """The suite's instant is Thursday 2026-11-26.  `kpi add POST mon ...` (its help's own example) read the next Monday,
    2026-11-30, and was refused as a day to come, as were `fri` and `dec 1`: results are counted for days gone by."""
    post = _post(ws)
    said = crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], text, "clicks=1")
    assert said == f"Added the results of “Reel one” on {day}: clicks 1\n"
    # A day said to be ahead is still one: refused, not read back.
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "next mon", "clicks=1")
    assert "2026-11-30 has begun in no time zone yet" in err


def test_kpi_add_suggests_only_ways_to_write_a_day_gone_by(ws: Path) -> None:
    """`kpi add POST "last fri"` said "try today, tmrw, fri, next mon, next week, eow, eom, +3d, ...": most of what it
    offered names a day to come, which `kpi add` refuses next (results are counted for days gone by)."""
    post = _post(ws)
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "last fri", "clicks=1")
    assert err == "crewdeck: error: 'last fri' is not a date (try today, yesterday, fri or dec 9 (the last one gone by), 2026-12-01)\n"
    for offered in ("today", "yesterday", "fri", "dec 9", "2026-11-01"):
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], offered, "clicks=1")  # each is taken
    # A due date still offers the days to come.
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "add", "Brief due:someday")
    assert "(try today, tmrw, fri, next mon, next week, eow, eom, +3d, dec 9, 2026-12-01)" in err


def test_kpi_report_explains_a_kpi_with_nothing_to_divide_by_when_every_count_was_reported(ws: Path) -> None:
    """Every count reported, as 0 (a paused campaign's day): CTR, CPC, CPM, CPA and CVR read "—" and no note said why
    ("—" was explained only beside a count never reported)."""
    post = _post(ws)
    counts = ("impressions=0", "clicks=0", "reach=0", "engagements=0", "conversions=0", "value=0.00 EUR")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", *counts)
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", "/instagram", "2026-11-20", "followers=100")
    # The post's spend (on its platform, as its counts: a campaign's paid to Meta would be spend with no platform here).
    _spend(ws, "raj", "10.00 EUR", "--date", "2026-11-20", "--task", post)
    said = Cli(ws)("kpi", "report")
    row = said.out.splitlines()[2].split()
    assert row[:8] == ["+launch", "10.00", "0", "0", "0", "0", "0", "0.00"] and row[8:] == ["—", "—", "0.00%", *"—" * 5, "0.00x"]
    assert said.err == "—: nothing to divide by (the count or spend it divides by is 0)\n"
    # Counts reported and divided (the note has nothing to explain): none.
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "impressions=10", "clicks=1", "reach=5", "conversions=1")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "engagements=1")
    assert Cli(ws)("kpi", "report").err == ""


def test_the_rate_missing_warning_names_its_amount_with_its_thousands_as_the_ledger_reports_do(ws: Path) -> None:
    # It read "15000.00 USD has no rate into EUR", where `ledger report` and the Budget pane say "15,000.00 USD" (af87cd5).
    _spend(ws, "raj", "15000.00 USD", "--date", "2026-11-20")
    err = Cli(ws)("kpi", "report").err
    assert err.startswith("warning: rate missing: no USD/EUR (nor EUR/USD) rate on or before 2026-11-20 for 15,000.00 USD of spend"), err


def test_the_rate_missing_warning_names_the_day_to_set_a_rate_on_and_keeps_spend_and_conversion_value_apart(ws: Path) -> None:
    # It read "150.00 USD has no rate into EUR on its days; add one with: crewdeck rate set DATE USD/EUR RATE": the spend
    # and the conversion value summed into an amount no ledger holds, and no day, where `ledger report` names the first.
    post = _post(ws)
    _spend(ws, "raj", "50.01 USD", "--date", "2026-11-18")
    _spend(ws, "raj", "10.00 USD", "--date", "2026-11-22")  # a day the rate covers: in the report, not in the warning
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", post[:8], "2026-11-20", "clicks=3", "value=99.99 USD")
    crewdeck("-w", str(ws), "--as", "ana", "rate", "set", "2026-11-21", "USD/EUR", "0.95")
    cli = Cli(ws)
    assert cli("kpi", "report").err.splitlines()[0] == (
        "warning: rate missing: no USD/EUR (nor EUR/USD) rate on or before 2026-11-18 for 50.01 USD of spend and 99.99 USD of conversion"
        " value (2026-11-18..2026-11-20); add one with: crewdeck rate set 2026-11-18 USD/EUR RATE"
    )
    assert cli("kpi", "report", "--period", "2026-11-20").err.splitlines()[0] == (
        "warning: rate missing: no USD/EUR (nor EUR/USD) rate on or before 2026-11-20 for 99.99 USD of conversion value (2026-11-20);"
        " add one with: crewdeck rate set 2026-11-20 USD/EUR RATE"
    )
    said = json.loads(cli.ok("kpi", "report", "--json"))["rate_missing"]
    assert said == [
        {"currency": "USD", "amount": "150.00", "spend": "50.01", "conversion_value": "99.99", "first": "2026-11-18", "last": "2026-11-20"}
    ]


def test_a_platforms_followers_are_said_as_followers_not_as_results_of_followers(ws: Path) -> None:
    # "Added the results of followers on instagram on 2026-11-20", and so in `crewdeck log`: followers are no post.
    cli = Cli(ws)
    assert cli.ok("kpi", "add", "/instagram", "2026-11-20", "followers=5200") == (
        "Added the followers on instagram on 2026-11-20: followers 5,200\n"
    )
    assert cli.ok("kpi", "add", "/instagram", "2026-11-20", "followers=5200") == (
        "Nothing changed: the followers on instagram on 2026-11-20 are these already\n"
    )
    assert "added the followers on instagram on 2026-11-20: followers 5,200 (from “kpi add”)" in cli.ok("log")


def test_kpi_add_refuses_a_platform_the_workspace_does_not_know_and_names_the_one_meant(ws: Path) -> None:
    """``+launch/instagarm`` counted a day on a platform no campaign runs on, where no report showed it."""
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", "+launch/instagarm", "2026-11-20", "reach=900")
    assert err.count("\n") == 1 and "+launch/instagarm: instagarm is no platform of this workspace (did you mean instagram?)" in err
    assert "did you mean" not in crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", "/qqq", "2026-11-20", "followers=5")
    with Store(ws) as store:
        assert store.conn.execute("SELECT count(*) FROM result").fetchone()[0] == 0
    # Known: a platform posts have limits for, an ad export's, one a campaign runs on.
    for target in ("+launch/pinterest", "+launch/meta", "+launch/instagram"):
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", target, "2026-11-20", "reach=900")


def test_kpi_add_takes_a_post_by_its_title_and_lists_the_candidates_of_a_title_several_posts_have(ws: Path) -> None:
    # `kpi add` took a post's id alone, while `kpi import` reads a post's title as well.
    cli = Cli(ws)
    reel = _post(ws, "Reel one")
    assert cli.ok("kpi", "add", "reel ONE", "2026-11-20", "clicks=3") == "Added the results of “Reel one” on 2026-11-20: clicks 3\n"
    with Store(ws) as store:
        assert store.conn.execute("SELECT post, clicks FROM result").fetchall() == [(reel, 3)]
    # A title two posts have is refused, naming each by its id: never one of them guessed.
    twin = _post(ws, "Reel one", "tiktok")
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", "Reel one", "2026-11-20", "clicks=4")
    first, second = sorted([reel, twin])
    # Each with its campaign and platform: the ids alone did not say which was the TikTok one.
    said = {reel: "+launch, instagram", twin: "+launch, tiktok"}
    assert err == (
        f"crewdeck: error: 2 posts are titled 'Reel one': give the id: {first[:8]} ({said[first]}) or {second[:8]} ({said[second]})\n"
    ), err
    # A task that is no post, and a title nothing has, say so.
    crewdeck("-w", str(ws), "--as", "raj", "add", "Buy coffee")
    assert "is not a post of a campaign" in crewdeck_fails(
        "-w", str(ws), "--as", "raj", "kpi", "add", "Buy coffee", "2026-11-20", "clicks=1"
    )
    err = crewdeck_fails("-w", str(ws), "--as", "raj", "kpi", "add", "Reel two", "2026-11-20", "clicks=1")
    assert err == "crewdeck: error: no post with the id or title 'Reel two'\n", err
    with Store(ws) as store:
        assert store.conn.execute("SELECT post, clicks FROM result").fetchall() == [(reel, 3)]


def test_the_reports_cost_per_columns_name_their_currency_as_spend_and_value_do(ws: Path, tmp_path: Path) -> None:
    # CPC, CPM and CPA are amounts in the base currency, and their headers did not say which, while SPEND EUR's did.
    team = _wide_report(ws)
    csv_header = team.ok("kpi", "report", "--csv").splitlines()[0].split(",")
    assert {"SPEND EUR", "VALUE EUR", "CPC EUR", "CPM EUR", "CPA EUR"} <= set(csv_header) and not {"CPC", "CPM", "CPA"} & set(csv_header)
    assert {"CPC EUR", "CPM EUR", "CPA EUR"} <= set(_header(team.ok("kpi", "report").splitlines()))
    # At 80 columns the fitting still holds: CPA stays (a target is on it), CPM gives way first, and is said by its header.
    team.ok("campaign", "set", "jakarta-ramadan-awareness-push-2026-extended-flight", "--target", "cpa<=0.50 EUR")
    lines = on_a_terminal(team, tmp_path, 80, "kpi", "report")
    assert max(len(line) for line in lines) <= 80, lines
    said = " ".join(lines[next(i for i, line in enumerate(lines) if "left out to fit" in line) :])
    assert "CPA EUR" in _header(lines) and ", CPM EUR, " in said, lines


def test_at_80_columns_the_names_stay_readable_before_kpis_with_targets_keep_their_columns(ws: Path, tmp_path: Path) -> None:
    # Spend with no rate ("rate missing" in four cells) and five KPIs with targets cut the campaign and the post to "+l…"
    # and "Re…": every KPI with a target kept its column, and a row no one could tell from the next.
    team = Cli(ws)
    team.ok("campaign", "set", "launch", *(f"--target={t}" for t in ("ctr>=1.2%", "cpc<=0.50 EUR", "cpa<=4.00 EUR", "roas>=3", "cvr>=2%")))
    post = _post(ws, "Webinar invite carousel for the spring launch")
    team.ok("kpi", "add", post[:8], "2026-11-20", "impressions=12000", "clicks=140", "conversions=9", "value=300.00 USD", as_member="raj")
    _spend(ws, "ana", "150.00 USD", "--date", "2026-11-20", "--task", post)
    lines = on_a_terminal(team, tmp_path, 80, "kpi", "report", "--by", "post")
    assert max(len(line) for line in lines) <= 80, lines
    [row] = [re.split(r"\s{2,}", line) for line in lines if line.startswith("+launch")]
    assert row[0] == "+launch" and row[1].startswith("Webinar invite ") and len(row[1]) >= 16, lines
    assert row[2] == "rate missing" and row[3] == "9", lines  # the spend and the results stay
    said = " ".join(lines[next(i for i, line in enumerate(lines) if "left out to fit" in line) :])
    assert "ROAS" in said, said  # a KPI with a target gave way, after every column without one
    assert lines[lines.index(next(line for line in lines if line.startswith("+launch"))) + 1].startswith("  off target: ctr 1.17% vs"), (
        lines
    )


def test_a_rate_whose_two_counts_come_from_different_platforms_is_said_to_mix_them(ws: Path) -> None:
    # A campaign on Meta (an export with no engagements column) and LinkedIn (engagements too): its ER by impressions
    # was LinkedIn's engagements over both platforms' impressions, and its ER by reach LinkedIn's engagements over
    # Meta's larger reach, shown as the campaign's rates with not a word.  They are still computed as the definitions
    # say (the DuckDB reference agrees), and the report names what each side counts.
    cli = Cli(ws)
    cli.ok("kpi", "add", "+launch/meta", "2026-11-20", "impressions=1000", "reach=800", "clicks=10")
    cli.ok("kpi", "add", "+launch/linkedin", "2026-11-20", "impressions=500", "reach=400", "clicks=5", "engagements=50")
    mixed = {
        "er_reach": "engagements from linkedin only by the largest daily reach among linkedin and meta",
        "er_impressions": "engagements from linkedin only by impressions from linkedin and meta",
    }
    row = _report(ws)["rows"][0]
    assert row["kpis"]["er_impressions"]["value"] == "3.33" and row["mixed_platforms"] == mixed
    said = cli("kpi", "report").err.splitlines()
    assert said[-1] == (
        "mixed platforms: +launch: ER_REACH divides engagements from linkedin only by the largest daily reach among linkedin and meta; "
        "ER_IMPRESSIONS divides engagements from linkedin only by impressions from linkedin and meta (--by platform rates "
        "each on its own)"
    ), said
    assert cli("kpi", "report", "--by", "day").err.splitlines()[-1].startswith("mixed platforms: +launch 2026-11-20: ER_REACH")
    # --csv says it in a column of its own, with the rows (it printed no notes, and no column said it: rf 7).
    table = list(csv.DictReader(io.StringIO(cli.ok("kpi", "report", "--csv"))))
    assert table[0]["MIXED PLATFORMS"] == said[-1].removeprefix("mixed platforms: +launch: ").removesuffix(
        " (--by platform rates each on its own)"
    )
    # CTR's clicks and impressions come from both: not said.  Per platform each rate is one platform's.
    assert "ctr" not in row["mixed_platforms"]
    assert "mixed" not in cli("kpi", "report", "--by", "platform").err
    assert all("mixed_platforms" not in r for r in _report(ws, "--by", "platform")["rows"])
    # Meta's engagements given too: the rates are like with like again, and nothing is said.
    cli.ok("kpi", "add", "+launch/meta", "2026-11-20", "engagements=30")
    assert "mixed_platforms" not in _report(ws)["rows"][0] and "mixed" not in cli("kpi", "report").err


#: How the README's KPI table words a count (``link clicks``) and a unit (``percent, 2 decimals``).
_README_COUNT = {"clicks": "link clicks", "value": "conversion value"}
_README_UNIT = {"percent": "percent, 2 decimals", "money": "base currency, its minor unit", "ratio": "ratio, 2 decimals"}


def test_the_readmes_kpi_table_is_the_definitions() -> None:
    """The README's table of KPIs names each of ``KPIS``, in the order reports show them, as the code computes it:
    the same counts divided, the same scale, the same unit."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| KPI | definition | shown as |\n|---|---|---|\n")[1].split("\n\n")[0]
    rows = [row.removeprefix("| ").split(" | ") for row in table.splitlines()]
    assert [code.strip("`") for code, _, _ in rows] == [kpi.code for kpi in KPIS]
    for (_, definition, shown), kpi in zip(rows, KPIS, strict=True):
        numerator, denominator = (_README_COUNT.get(c, c) for c in (kpi.numerator, kpi.denominator))
        if kpi.denominator != "result":  # CPA divides by conversions, or by the result the campaign's targets choose
            quotient = f"{numerator} ÷ {denominator}"
            said = {1: quotient, 100: f"{quotient} × 100", 1000: f"1,000 × {quotient}"}[kpi.scale]
            assert definition.startswith(said), f"{kpi.code}: the README says {definition}"
        assert shown.startswith(_README_UNIT[kpi.unit]), f"{kpi.code}: the README shows it as {shown}"
