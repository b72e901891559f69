"""The judge's pass over a batch of result sets and the ledger entries it adds (``Judge._judge_results``, a Meta
import's ``--spend``) gives every operation the verdict the general loop gives it: same rules, same order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crewdeck.sync.state import rules
from crewdeck.sync.state.filerules import FileRuleState
from crewdeck.sync.state.oplog import APPEND, RECORD, SET
from crewdeck.sync.state.records import canonical_json, result_id
from crewdeck.sync.state.rules import Judge, Proposal, Refusal
from crewdeck.sync.state.store import Store
from crewdeck.tui.results.keys import Key, write

from .conftest import copy_of_workspace
from .syncsupport import crewdeck

UNKNOWN = "f" * 32


def _build(path: Path) -> None:
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    for handle, access in (("raj", "member"), ("gus", "guest"), ("zed", "member")):
        crewdeck("-w", str(path), "--as", "ana", "member", "add", handle, "--name", handle, "--tz", "UTC", "--access", access)
    crewdeck("-w", str(path), "--as", "ana", "member", "rm", "zed")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Launch", "--platforms", "instagram")
    post = crewdeck("-w", str(path), "--as", "raj", "add", "Reel one +launch").strip()
    crewdeck("-w", str(path), "--as", "raj", "set", post, "platform=instagram")
    with Store(path) as store:
        ana = store.conn.execute("SELECT id FROM member WHERE handle = 'ana'").fetchone()[0]
        # A stored conversion value in EUR: one in USD for the same post and day is refused (``one_currency``).
        write(store, ana, [(Key("post", post=post), "2026-11-20", {"conversion_value": {"amount": 500, "currency": "EUR"}})], "kpi add")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = copy_of_workspace("results-rules.db", _build, tmp_path_factory.mktemp("rules") / "ws.db", key="results-rules")
    with Store(path) as opened:
        yield opened


def _ids(store: Store) -> dict[str, str]:
    ids = {handle: member for member, handle in store.conn.execute("SELECT id, handle FROM member")}
    ids["launch"] = store.conn.execute("SELECT id FROM campaign").fetchone()[0]
    ids["post"] = store.conn.execute("SELECT id FROM task").fetchone()[0]
    return ids


def _judged(store: Store, ops: list[Proposal], *, general: bool, local: bool) -> list[Refusal | None]:
    with pytest.MonkeyPatch.context() as patch:
        if general:
            patch.setattr(rules, "_only_results_and_entries", lambda ops: False)
        return Judge(FileRuleState(store.conn), local=local).judge(ops)


#: Values a result's fields are given: good ones, a wrong key, a control character, a far day, money in two currencies.
COUNT_VALUES = st.sampled_from([0, 12, 10**15, None])
TEXTS = st.sampled_from(["meta export ads.csv:2", "meta export ads.csv:3", "tab\there", "esc \x1b", "del \x7f", 'quote "x"', "é"])
DAYS = st.sampled_from(["2026-11-20", "2026-11-20", "2026-11-20", "2026-11-21", "0999-01-01", "9999-12-31"])
PLATFORMS = st.sampled_from(["instagram", "meta", "linkedin"])
MONEY = st.sampled_from([{"amount": 500, "currency": "EUR"}, {"amount": 7, "currency": "USD"}, None])


def mostly(good: Any, *bad: Any) -> st.SearchStrategy[Any]:
    """Mostly ``good``, else one of ``bad``: most records are good, so the one fault drawn is what decides."""
    return st.sampled_from([good, good, good, good, good, good, *bad])


@st.composite
def results(draw: st.DrawFn, ids: dict[str, str]) -> list[tuple[str, str, str, str, Any]]:
    """``(member, entity, row id, field, value)`` of one result record's sets (some fields missing, some wrong)."""
    author = draw(st.sampled_from([ids["ana"], ids["raj"], ids["raj"], ids["ana"], ids["gus"], ids["zed"], UNKNOWN]))
    kind = draw(st.sampled_from(["post", "post", "campaign", "followers", "nonsense"]))
    day = draw(DAYS)
    platform = draw(PLATFORMS)
    post = draw(mostly(ids["post"], UNKNOWN, ids["launch"]))
    campaign = draw(mostly(ids["launch"], UNKNOWN, ids["post"]))
    row_id = f"result:nonsense:{day}" if kind == "nonsense" else result_id(kind, day, post=post, campaign=campaign, platform=platform)
    key = {"kind": kind, "day": day, "post": post if kind == "post" else None}
    key["campaign"] = campaign if kind == "campaign" else None
    key["platform"] = platform if kind != "post" else None
    fields: dict[str, Any] = {}
    # Its key as operations (as older replicas wrote it), some of them, or none (the id gives it: as crewdeck writes it).
    given = draw(st.sampled_from(["ops", "some", "none"]))
    for name in sorted(key):
        if given == "ops" or (given == "some" and draw(st.booleans())):
            # Mostly what the id names; sometimes another value.
            fields[name] = draw(mostly(key[name], "other", None, 3, "2026-11-21"))
    counts = ["impressions", "reach", "clicks", "conversions", "followers"] if kind != "followers" else ["followers", "reach"]
    for name in draw(st.lists(st.sampled_from(counts), unique=True, max_size=4)):
        fields[name] = draw(COUNT_VALUES)
    if draw(st.booleans()):
        fields["conversion_value"] = draw(MONEY)
    if draw(st.booleans()):
        fields["source"] = draw(TEXTS)
    return [(author, "result", row_id, name, value) for name, value in fields.items()]


@st.composite
def entries(draw: st.DrawFn, ids: dict[str, str], entry_ids: list[str]) -> tuple[str, str, str, str, Any]:
    """A ledger entry ``--spend`` adds: good, of an unknown campaign or task, by someone else, reversing another."""
    author = draw(st.sampled_from([ids["ana"], ids["raj"], ids["gus"], ids["zed"], UNKNOWN]))
    entry_id = draw(st.sampled_from(entry_ids))
    record = {
        "amount": draw(st.sampled_from([1250, -1250])),
        "campaign": draw(st.sampled_from([ids["launch"], UNKNOWN])),
        "category": "ads",
        "currency": "EUR",
        "date": draw(DAYS),
        "entered_by": draw(st.sampled_from([author, author, ids["ana"]])),
        "needs_approval": False,
        "payee": draw(TEXTS),
        "reverses": draw(st.sampled_from([None, None, *entry_ids])),
        "task": draw(st.sampled_from([None, ids["post"], UNKNOWN])),
    }
    return (author, "ledger_entry", entry_id, RECORD, record)


@st.composite
def batches(draw: st.DrawFn, ids: dict[str, str]) -> list[Proposal]:
    entry_ids = [f"{n:032x}" for n in range(1, 4)]
    ops: list[Proposal] = []
    for _ in range(draw(st.integers(1, 5))):
        ops.extend(
            (member, SET, entity, row_id, field, canonical_json(value)) for member, entity, row_id, field, value in draw(results(ids))
        )
        if draw(st.booleans()):
            member, entity, row_id, field, record = draw(entries(ids, entry_ids))
            ops.append((member, APPEND, entity, row_id, field, canonical_json(record)))
    if not ops:  # every record drawn empty: a batch holds at least one operation
        member, entity, row_id, field, record = draw(entries(ids, entry_ids))
        ops.append((member, APPEND, entity, row_id, field, canonical_json(record)))
    # A key field spelled with an escape: the same value in other text, read as JSON where the text differs.
    if draw(st.booleans()):
        index = draw(st.integers(0, len(ops) - 1))
        member, kind, entity, row_id, field, value = ops[index]
        if kind == SET and value.startswith('"i'):
            ops[index] = (member, kind, entity, row_id, field, '"\\u0069' + value[2:])
    return draw(st.permutations(ops))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), local=st.booleans())
def test_a_batch_of_results_and_entries_is_judged_as_the_general_loop_judges_it(store: Store, data: st.DataObject, local: bool) -> None:
    ids = _ids(store)
    ops = data.draw(batches(ids))
    assert rules._only_results_and_entries(ops)
    assert _judged(store, ops, general=False, local=local) == _judged(store, ops, general=True, local=local)


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_a_batch_with_another_operation_takes_the_general_loop(store: Store, data: st.DataObject) -> None:
    """The dispatch alone: a batch that holds any other operation is no batch of results and entries (review rh: its
    verdicts compared the general loop with itself, as the fast path is never asked of such a batch)."""
    ids = _ids(store)
    ops = [*data.draw(batches(ids)), (ids["raj"], SET, "task", ids["post"], "title", json.dumps("Reel two"))]
    assert not rules._only_results_and_entries(ops)


def test_what_the_pass_refuses(store: Store) -> None:
    """The pass's own verdicts, read plainly: a guest, a wrong key, followers on a post, a second currency, a far day."""
    ids = _ids(store)
    post = Key("post", post=ids["post"])
    row = post.row_id("2026-11-20")
    fields: dict[str, Any] = {"clicks": 4}

    def judged(member: str, extra: dict[str, Any]) -> list[str | None]:
        ops = [(member, SET, "result", row, name, canonical_json(value)) for name, value in {**fields, **extra}.items()]
        return [verdict and verdict.rule for verdict in Judge(FileRuleState(store.conn), local=True).judge(ops)]

    assert set(judged(ids["raj"], {})) == {None}  # its counts alone: the id gives its key
    assert set(judged(ids["raj"], {"kind": "post", "post": ids["post"], "day": "2026-11-20"})) == {None}  # as older replicas wrote it
    assert set(judged(ids["gus"], {})) == {"guest_read_only"}
    assert "result_key" in judged(ids["raj"], {"followers": 3})
    assert "result_key" in judged(ids["raj"], {"day": "2026-11-21"})
    assert "one_currency" in judged(ids["raj"], {"conversion_value": {"amount": 1, "currency": "USD"}})
    assert "control_characters" in judged(ids["raj"], {"source": "esc \x1b"})
    for far in ("9999-12-31", "2026-02-30"):  # no key operation names the day: the id's is judged
        far_ops = [(ids["raj"], SET, "result", post.row_id(far), "clicks", "4")]
        verdicts = Judge(FileRuleState(store.conn), local=True).judge(far_ops)
        assert [verdict and verdict.rule for verdict in verdicts] == ["out_of_range" if far.startswith("9999") else "invalid_value"]


@pytest.mark.parametrize("general", [False, True])
@pytest.mark.parametrize(
    "row_id", ["result:followers:insta:gram:2026-11-20", "result:follower:instagram:2026-11-20", "result:post:2026-11-20"]
)
def test_a_result_id_that_gives_no_key_is_refused_as_no_result_id(store: Store, general: bool, row_id: str) -> None:
    """Counts alone under an id that gives nothing: the id is what is wrong, not a key the batch left out."""
    ops: list[Proposal] = [(_ids(store)["raj"], SET, "result", row_id, "followers", "4")]
    verdicts = _judged(store, ops, general=general, local=True)
    assert [(verdict.rule, verdict.message) for verdict in verdicts if verdict is not None] == [
        ("invalid_value", f"{row_id!r} is not a result id (result:post|campaign|followers:...:DAY)")
    ]


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.characters(codec=None, max_codepoint=0x2FF, exclude_categories=["Cs"])) | st.text())
def test_a_batch_is_suspect_exactly_where_the_pattern_finds_a_backslash_del_or_c1(text: str) -> None:
    # The batch-wide look ahead of the per-value one: missing a value would let a control character through.
    assert rules.suspect_in(text) == (rules._SUSPECT.search(text) is not None)
    for mark in ("\\", "\x7f", "\x85", "\x9f"):
        assert rules.suspect_in(text + mark)
