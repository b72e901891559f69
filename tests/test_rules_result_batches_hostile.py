"""Hostile batches of result sets and ledger appends: the rules' one pass over them (``Judge._judge_results``) and the
general loop give the same verdicts, or raise the same error, judged as a local write, a local write with its rows, a
push and a push with its stamps.

Review rh: the differential test beside it (test_rules_result_batches.py) drew no exact mirror of an entry, so a reversal
of an entry the same batch refuses was always refused first as no mirror; these batches hold forbidden fields, values
of the wrong type, exact reversals before and after their entries, and operations sent twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from crewdeck.sync.state import rules
from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.filerules import FileRuleState
from crewdeck.sync.state.oplog import APPEND, RECORD, SET
from crewdeck.sync.state.records import canonical_json, result_id
from crewdeck.sync.state.rules import Judge, Proposal
from crewdeck.sync.state.store import Store
from crewdeck.tui.results.keys import Key, write

from .conftest import copy_of_workspace
from .syncsupport import crewdeck

UNKNOWN = "f" * 32


def _build(path: Path) -> None:
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    for handle, access in (("raj", "member"), ("gus", "guest"), ("zed", "member"), ("mia", "manager")):
        crewdeck("-w", str(path), "--as", "ana", "member", "add", handle, "--name", handle, "--tz", "UTC", "--access", access)
    crewdeck("-w", str(path), "--as", "ana", "member", "rm", "zed")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Launch", "--platforms", "instagram")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Other", "--platforms", "instagram")
    post = crewdeck("-w", str(path), "--as", "raj", "add", "Reel one +launch").strip()
    crewdeck("-w", str(path), "--as", "raj", "set", post, "platform=instagram")
    crewdeck(
        "-w",
        str(path),
        "--as",
        "raj",
        "ledger",
        "add",
        "--campaign",
        "launch",
        "--category",
        "ads",
        "--amount",
        "10 EUR",
        "--payee",
        "Meta",
    )
    crewdeck(
        "-w",
        str(path),
        "--as",
        "ana",
        "ledger",
        "add",
        "--campaign",
        "launch",
        "--category",
        "ads",
        "--amount",
        "900 EUR",
        "--payee",
        "Big",
    )
    with Store(path) as store:
        ana = store.conn.execute("SELECT id FROM member WHERE handle = 'ana'").fetchone()[0]
        write(store, ana, [(Key("post", post=post), "2026-11-20", {"conversion_value": {"amount": 500, "currency": "EUR"}})], "kpi add")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = copy_of_workspace("rh-results.db", _build, tmp_path_factory.mktemp("rh") / "ws.db", key="rh-results")
    with Store(path) as opened:
        yield opened


def _ids(store: Store) -> dict[str, Any]:
    ids: dict[str, Any] = {handle: member for member, handle in store.conn.execute("SELECT id, handle FROM member")}
    for cid, name in store.conn.execute("SELECT id, name FROM campaign"):
        ids[name.lower()] = cid
    ids["post"] = store.conn.execute("SELECT id FROM task").fetchone()[0]
    ids["entries"] = [store.record("ledger_entry", row[0]) | {"id": row[0]} for row in store.conn.execute("SELECT id FROM ledger_entry")]
    return ids


def _run(store: Store, ops: list[Proposal], *, general: bool, local: bool, stamps: list[str] | None, rows: Any) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        if general:
            patch.setattr(rules, "_only_results_and_entries", lambda ops: False)
        try:
            return Judge(FileRuleState(store.conn), local=local).judge(ops, rows=rows, stamps=stamps)
        except Exception as error:  # compared with the other path's, not swallowed
            return ("raised", type(error).__name__, str(error))


ODD_VALUES = [
    0,
    -1,
    10**15,
    10**30,
    1.5,
    True,
    False,
    None,
    "12",
    "",
    [],
    {},
    [1],
    {"amount": 1, "currency": "EUR"},
    {"amount": 1, "currency": "USD"},
    {"amount": 1},
    "tab\there",
    "esc \x1b",
    "\x9b",
    "2026-11-20",
    "0999-01-01",
    "9999-12-31",
    float("inf"),
]
FIELDS = [
    "kind",
    "day",
    "post",
    "campaign",
    "platform",
    "impressions",
    "reach",
    "clicks",
    "conversions",
    "followers",
    "conversion_value",
    "conversion_value",
    "conversion_value",
    "source",
    "deleted",
    "entered_by",
    "author",
    "nonsense",
    "spend",
    "id",
]


def _text(value: Any) -> str:
    if isinstance(value, float) and value == float("inf"):
        return "Infinity"
    return canonical_json(value)


@st.composite
def result_ops(draw: st.DrawFn, ids: dict[str, Any]) -> list[Proposal]:
    authors = [ids["ana"], ids["raj"], ids["gus"], ids["zed"], ids["mia"], UNKNOWN, ""]
    author = draw(st.sampled_from(authors))
    day = draw(st.sampled_from(["2026-11-20", "2026-11-20", "2026-11-20", "2026-11-21", "0999-01-01", "9999-12-31", "x"]))
    platform = draw(st.sampled_from(["instagram", "meta", "Instagram", ""]))
    post = draw(st.sampled_from([ids["post"], ids["post"], ids["post"], UNKNOWN, ids["launch"], ids["raj"]]))
    campaign = draw(st.sampled_from([ids["launch"], ids["other"], UNKNOWN, ids["post"]]))
    kind = draw(st.sampled_from(["post", "campaign", "followers", "bad"]))
    if kind == "bad":
        row_id = draw(
            st.sampled_from(["result:", "result:post:x", "result:post:a:b:c", "nope:post:x:2026-11-20", ids["post"], "result:x:y:z"])
        )
    else:
        row_id = result_id(kind, day, post=post, campaign=campaign, platform=platform)
    ops: list[Proposal] = []
    good = {"kind": kind, "day": day, "post": post if kind == "post" else None, "campaign": campaign if kind == "campaign" else None}
    good["platform"] = platform if kind in ("campaign", "followers") else None
    if kind != "bad" and draw(st.integers(0, 3)):
        author = draw(st.sampled_from([ids["ana"], ids["raj"], ids["mia"]]))
        for name in sorted(good):
            if draw(st.integers(0, 12)):
                ops.append((author, SET, "result", row_id, name, canonical_json(good[name])))
    for _ in range(draw(st.integers(1, 5))):
        field = draw(st.sampled_from(FIELDS))
        value = draw(st.one_of(st.sampled_from([good.get(field, 3)] * 3), st.sampled_from(ODD_VALUES)))
        text = _text(value)
        if isinstance(value, str) and value and draw(st.booleans()):
            text = f'"\\u{ord(value[0]):04x}' + text[2:]
        member = author if draw(st.integers(0, 5)) else draw(st.sampled_from(authors))
        ops.append((member, SET, "result", row_id, field, text))
    return ops


@st.composite
def entry_ops(draw: st.DrawFn, ids: dict[str, Any]) -> list[Proposal]:
    """A new entry, possibly its exact reversal, possibly the reversal of a stored entry, possibly duplicates."""
    authors = [ids["ana"], ids["raj"], ids["gus"], ids["zed"], ids["mia"], UNKNOWN]
    author = draw(st.sampled_from(authors))
    entry_id = draw(st.sampled_from([f"{n:032x}" for n in range(1, 4)] + [e["id"] for e in ids["entries"]]))
    entry = {
        "amount": draw(st.sampled_from([1250, -1250, 0, 10**15])),
        "campaign": draw(st.sampled_from([ids["launch"], ids["other"], UNKNOWN])),
        "category": "ads",
        "currency": draw(st.sampled_from(["EUR", "EUR", "USD"])),
        "date": draw(st.sampled_from(["2026-11-20", "0999-01-01"])),
        "entered_by": draw(st.sampled_from([author, author, ids["ana"]])),
        "entered_at": "2026-11-20T10:00:00Z",
        "needs_approval": draw(st.booleans()),
        "payee": draw(st.sampled_from(["Meta", "esc \x1b", "x\\y"])),
        "task": draw(st.sampled_from([None, None, ids["post"], UNKNOWN])),
    }
    ops = [(author, APPEND, "ledger_entry", entry_id, RECORD, canonical_json(entry))]
    originals = [(entry_id, entry)] + [(e["id"], {k: v for k, v in e.items() if k != "id"}) for e in ids["entries"]]
    for _ in range(draw(st.integers(0, 2))):
        target_id, target = draw(st.sampled_from(originals))
        reverser = draw(st.sampled_from([author, *authors]))
        reversal = {name: target.get(name) for name in rules.MIRRORED}
        reversal.update(amount=-target["amount"], memo="", reverses=target_id, entered_by=reverser, entered_at="2026-11-20T10:00:00Z")
        if draw(st.integers(0, 4)) == 0:
            reversal["payee"] = "changed"
        rid = draw(st.sampled_from([f"{n:032x}" for n in range(4, 7)] + [entry_id]))
        ops.append((reverser, APPEND, "ledger_entry", rid, RECORD, canonical_json(reversal)))
    return ops


@st.composite
def batches(draw: st.DrawFn, ids: dict[str, Any]) -> list[Proposal]:
    ops: list[Proposal] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 3)):
            ops.extend(draw(result_ops(ids)))
        else:
            ops.extend(draw(entry_ops(ids)))
    stored_row = result_id("post", "2026-11-20", post=ids["post"])
    for _ in range(draw(st.integers(0, 3))):
        member = draw(st.sampled_from([ids["ana"], ids["raj"], ids["gus"], ids["zed"]]))
        field = draw(st.sampled_from(["conversion_value", "conversion_value", "clicks", "followers", "day", "post", "kind"]))
        value = draw(
            st.sampled_from(
                [{"amount": 1, "currency": "USD"}, {"amount": 2, "currency": "EUR"}, None, 5, "2026-11-20", ids["post"], "post"]
            )
        )
        ops.append((member, SET, "result", stored_row, field, canonical_json(value)))
    if draw(st.booleans()):
        ops.append(draw(st.sampled_from(ops)))  # an operation sent twice
    return draw(st.permutations(ops))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), mode=st.sampled_from(["local", "local-rows", "served", "served-stamps"]))
def test_hostile_batches_same_verdicts(store: Store, data: st.DataObject, mode: str) -> None:
    ids = _ids(store)
    ops = data.draw(batches(ids))
    assert rules._only_results_and_entries(ops)
    local = mode.startswith("local")
    stamps = None
    if mode == "served-stamps":
        ms = data.draw(st.integers(1_000_000, 2_000_000_000_000))
        stamps = [str(Stamp(ms, n + 1, "abcdef0123456789")) for n in range(len(ops))]
    rows = None
    if mode == "local-rows":
        rows_given: dict[tuple[str, str], set[str]] = {}
        for _, kind, entity, row_id, field, _ in ops:
            rows_given.setdefault((entity, row_id), set()).add(field if kind != APPEND else RECORD)
        stored = {row[0] for row in store.conn.execute("SELECT row_id FROM ops")}
        rows = {key: fields for key, fields in rows_given.items() if key[1] not in stored}
    fast = _run(store, ops, general=False, local=local, stamps=stamps, rows=rows)
    slow = _run(store, ops, general=True, local=local, stamps=stamps, rows=rows)
    if isinstance(slow, tuple):
        event("raised " + slow[1])
    else:
        for v in slow:
            event("rule " + (v.rule if v else "ok"))
    assert fast == slow, json.dumps(ops, indent=1)
