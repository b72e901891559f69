"""`crewdeck kpi import --spend`: each spend entry is the record ``Writer.append`` makes of it, though a batch checks
each field's value once (``imports._append_entries``), and a value the ledger refuses is refused as ever."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crewdeck.sync.state.money import MAX_MINOR
from crewdeck.sync.state.oplog import APPEND, RECORD, Op, check_value, dump_value
from crewdeck.sync.state.records import ValidationError
from crewdeck.sync.state.store import Store
from crewdeck.tui.results.imports import SpendRow, _append_entries

from .syncsupport import crewdeck

#: A plain CSV whose spend rows differ in every field a row may: day, campaign, platform (the payee; "ads" for a post on
#: none), currency, post.
PLAIN = (
    "date,campaign,platform,post,spend,currency\n"
    "2026-11-20,Launch,instagram,,10.00,EUR\n"
    "2026-11-21,Autumn,tiktok,,5.00,USD\n"
    "2026-11-21,Launch,tiktok,,7.50,EUR\n"
    "2026-11-20,,,{post},3.25,EUR\n"
)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "ws.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Launch")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Autumn")
    return path


def test_every_spend_entry_of_a_batch_is_the_record_writer_append_makes_of_its_row(ws: Path, tmp_path: Path) -> None:
    post = crewdeck("-w", str(ws), "--as", "ana", "add", "Reel one +autumn").strip()
    source = tmp_path / "plain.csv"
    source.write_text(PLAIN.format(post=post), encoding="utf-8")
    out = crewdeck("-w", str(ws), "--as", "ana", "kpi", "import", str(source), "--format", "csv", "--spend")
    assert out.strip() == "imported 4 rows: 4 changed, 0 unchanged; 4 spend entries added"
    with Store(ws) as store:
        ana, now = store.conn.execute("SELECT id, (SELECT max(entered_at) FROM ledger_entry) FROM member").fetchone()
        campaigns = dict(store.conn.execute("SELECT name, id FROM campaign"))
        logged = store.conn.execute(
            "SELECT row_id, value FROM ops WHERE kind = ? AND entity = 'ledger_entry' ORDER BY seq", (APPEND,)
        ).fetchall()
    rows = [
        ("2026-11-20", campaigns["Launch"], "instagram", 1000, "EUR", 2, None),
        ("2026-11-21", campaigns["Autumn"], "tiktok", 500, "USD", 3, None),
        ("2026-11-21", campaigns["Launch"], "tiktok", 750, "EUR", 4, None),
        ("2026-11-20", campaigns["Autumn"], "ads", 325, "EUR", 5, post),
    ]
    assert len(logged) == len(rows)
    for (entry, value), (day, campaign, payee, amount, currency, line, task) in zip(logged, rows, strict=True):
        given = {
            "date": day,
            "campaign": campaign,
            "category": "ads",
            "payee": payee,
            "amount": amount,
            "currency": currency,
            "memo": f"csv import {source}:{line}",
            "task": task,
            "entered_by": ana,
            "entered_at": now,
        }
        # As Writer.append checks a record: the defaults (reverses, needs_approval) filled in, every field checked.
        whole = check_value(Op("", "", 0, ana, APPEND, "ledger_entry", entry, RECORD, ""), given)
        assert value == dump_value(whole)
        assert json.loads(value)["needs_approval"] is False and json.loads(value)["reverses"] is None


@pytest.mark.parametrize(
    ("field", "bad", "said"),
    [
        ("amount", MAX_MINOR + 1, f"ledger_entry.*: ledger_entry.amount: must be at most {MAX_MINOR}"),
        ("day", "2026-02-30", "ledger_entry.*: ledger_entry.date: '2026-02-30' is not a date (YYYY-MM-DD)"),
        ("campaign", "no-id", "ledger_entry.*: ledger_entry.campaign: 'no-id' is not a record id (32 hex digits)"),
    ],
)
def test_a_later_entrys_value_the_ledger_refuses_is_refused_as_the_first_entrys_would_be(
    ws: Path, field: str, bad: object, said: str
) -> None:
    """The first entry of a batch is checked whole; a later one only in what differs from it, which is still checked."""
    with Store(ws) as store:
        ana = store.conn.execute("SELECT id FROM member").fetchone()[0]
        campaign = store.conn.execute("SELECT id FROM campaign").fetchone()[0]
        good = SpendRow("a" * 32, campaign, None, "2026-11-20", 1000, "EUR", 2)
        later = SpendRow("b" * 32, campaign, None, "2026-11-21", 2000, "EUR", 3)._replace(**{field: bad})
        for rows in ([later], [good, later]):
            w = store.write(ana)
            with pytest.raises(ValidationError) as refused:
                _append_entries(w, ana, "meta import x.csv:", "2026-11-22T10:00:00Z", rows)
            assert str(refused.value) == said
            assert [record["date"] for record in w.pending.appended] == ["2026-11-20"] * (len(rows) - 1)


@pytest.mark.parametrize("amounts", [(1, True), (1000, 1, True)], ids=["as-the-first-entrys", "as-one-checked-before"])
def test_a_value_equal_to_one_checked_before_but_of_another_type_is_checked_itself(ws: Path, amounts: tuple[int, ...]) -> None:
    """``True == 1``: an amount of True reused 1's check (the first entry's, or the cache's) and went in as 1, where the
    ledger refuses it; no file makes one today, but the shortcut must never pass what a whole check refuses."""
    with Store(ws) as store:
        ana = store.conn.execute("SELECT id FROM member").fetchone()[0]
        campaign = store.conn.execute("SELECT id FROM campaign").fetchone()[0]
        rows = [SpendRow(f"{n + 1:x}" * 32, campaign, None, "2026-11-20", amount, "EUR", n + 2) for n, amount in enumerate(amounts)]
        w = store.write(ana)
        with pytest.raises(ValidationError) as refused:
            _append_entries(w, ana, "meta import x.csv:", "2026-11-22T10:00:00Z", rows)
    assert str(refused.value) == "ledger_entry.*: ledger_entry.amount: expected a whole number, got True"
    assert [record["amount"] for record in w.pending.appended] == list(amounts[:-1])
