"""Replicas converge: any order, any batching, any duplication of operations."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.records import ENTITIES
from crewdeck.sync.state.store import Store
from crewdeck.tui.workspace.exchange import dumps, export_state

from .conftest import fresh_store

ROWS = [f"{i:032x}" for i in range(1, 21)]
MEMBER = new_id()
CAMPAIGN = new_id()
VALUES: dict[str, Any] = {
    "title": st.sampled_from(["Draft", "Review", "Ship it", "Café ☕", ""]).map(lambda t: t or "Untitled"),
    "status": st.sampled_from(["inbox", "todo", "doing", "review", "done", "cancelled"]),
    "priority": st.sampled_from(["high", "med", "low", "none"]),
    "tags": st.lists(st.sampled_from(["instagram", "tiktok", "urgent"]), unique=True, max_size=3),
    "due": st.sampled_from(
        [None, {"utc": "2026-12-01T16:00:00Z", "tz": "Europe/Berlin"}, {"utc": "2026-12-01T16:00:00Z", "tz": "Asia/Kathmandu"}]
    ),
    "deleted": st.booleans(),
}

edit = st.tuples(st.just("edit"), st.integers(0, 4), st.sampled_from(ROWS), st.sampled_from(list(VALUES))).flatmap(
    lambda t: VALUES[t[3]].map(lambda v: (*t, v))
)
append = st.tuples(st.just("append"), st.integers(0, 4), st.integers(1, 10**6))
exchange = st.tuples(st.just("exchange"), st.integers(0, 4), st.integers(0, 4), st.integers(0, 2**32))
tick = st.tuples(st.just("tick"), st.integers(0, 4), st.integers(-60_000, 60_000))
step = st.one_of(edit, edit, edit, append, exchange, tick)
# Lengths spread evenly up to 200: plain st.lists would mostly draw short ones.
program = st.integers(1, 200).flatmap(lambda n: st.lists(step, min_size=n, max_size=n))


class Walls:
    """One fake wall clock per replica: they drift and jump backwards."""

    def __init__(self) -> None:
        self.base = 1_790_000_000_000
        self.offset = [0, 1_500, -90_000, 30_000, -110_000]

    def of(self, i: int) -> Any:
        return lambda: self.base + self.offset[i]


def _send(src: Store, dst: Store, rng: random.Random, everything: bool = False) -> None:
    ops = [op for _, op in src.ops_after(0, 10**9)]
    if not everything:
        ops = rng.sample(ops, k=rng.randint(0, len(ops)))
        ops += rng.sample(ops, k=min(len(ops), rng.randint(0, 5)))  # duplicates
    rng.shuffle(ops)
    while ops:
        cut = rng.randint(1, len(ops))
        dst.apply(ops[:cut])
        ops = ops[cut:]


def _run(tmp_path: Path, steps: list[tuple[Any, ...]]) -> list[Store]:
    walls = Walls()
    replicas = [fresh_store(tmp_path, f"r{i}.db") for i in range(5)]
    for i, r in enumerate(replicas):
        r.wall = walls.of(i)
    for step in steps:
        kind = step[0]
        if kind == "edit":
            _, i, row, field, value = step
            with replicas[i].write(MEMBER) as w:
                w.set("task", row, {field: value})
        elif kind == "append":
            _, i, amount = step
            with replicas[i].write(MEMBER) as w:
                w.append(
                    "ledger_entry",
                    {
                        "date": "2026-11-20",
                        "campaign": CAMPAIGN,
                        "category": "influencers",
                        "payee": "@cafe_mila",
                        "amount": amount,
                        "currency": "EUR",
                        "entered_by": MEMBER,
                        "entered_at": "2026-11-26T09:00:00Z",
                    },
                )
        elif kind == "exchange":
            _, src, dst, seed = step
            if src != dst:
                _send(replicas[src], replicas[dst], random.Random(seed))
        else:
            _, i, delta = step
            # Clocks drift and jump back, within 2 minutes of each other:
            # beyond 5 minutes sync refuses by design (tested elsewhere).
            walls.offset[i] = max(-120_000, min(walls.offset[i] + delta, 120_000))
            walls.base += 7
    rng = random.Random(0)
    for src in replicas:
        for dst in replicas:
            if src is not dst:
                _send(src, dst, rng, everything=True)
    return replicas


#: How many programs ``make test`` runs, and ``make test-all`` (``-m slow``).  Fewer programs, not weaker ones: each is
#: drawn from the same lengths (up to 200 steps) and all five replicas' exports and operations are compared in full.
#: Nothing here is derandomized, so each run of the suite draws programs of its own, and hypothesis's database keeps a
#: failing one to replay first.  The full count took 27 s of a worker in every ``make test``.
SUITE_PROGRAMS = 50
FULL_PROGRAMS = 200
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _converge(tmp_path_factory: Any, steps: list[tuple[Any, ...]]) -> None:
    event(f"steps: {len(steps) // 50 * 50}+")
    tmp_path = tmp_path_factory.mktemp("replicas")
    replicas = _run(tmp_path, steps)
    exports = {dumps(export_state(r)) for r in replicas}
    op_sets = {frozenset(r.conn.execute("SELECT op_id FROM ops").fetchall()) for r in replicas}
    for r in replicas:
        r.close()
    assert len(exports) == 1
    assert len(op_sets) == 1


@settings(max_examples=SUITE_PROGRAMS, deadline=None, suppress_health_check=HEALTH)
@given(steps=program)
def test_five_replicas_converge(tmp_path_factory: Any, steps: list[tuple[Any, ...]]) -> None:
    _converge(tmp_path_factory, steps)


@pytest.mark.slow
@settings(max_examples=FULL_PROGRAMS, deadline=None, suppress_health_check=HEALTH)
@given(steps=program)
def test_five_replicas_converge_over_the_full_count_of_programs(tmp_path_factory: Any, steps: list[tuple[Any, ...]]) -> None:
    _converge(tmp_path_factory, steps)


# ------------------------------------------------------------------ algebra


def _reference(ops: list[Op]) -> dict[str, dict[str, Any]]:
    """The state a set of operations means, computed the obvious way."""
    state: dict[str, dict[str, Any]] = {}
    winners: dict[tuple[str, str], str] = {}
    for op in ops:
        if op.kind == "append":
            key = (op.row_id, "*")
            if key not in winners or op.op_id < winners[key]:
                winners[key] = op.op_id
                state[op.row_id] = json.loads(op.value)
            continue
        key = (op.row_id, op.field)
        if key not in winners or op.op_id > winners[key]:
            winners[key] = op.op_id
            state.setdefault(op.row_id, {})[op.field] = json.loads(op.value)
    return state


def _ops(rng: random.Random, n: int) -> list[Op]:
    nodes = ["aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"]
    ops = []
    seqs = dict.fromkeys(nodes, 0)
    for _ in range(n):
        node = rng.choice(nodes)
        seqs[node] += 1
        stamp = str(Stamp(1_790_000_000_000 + rng.randint(0, 50), rng.randint(0, 3), node))
        if rng.random() < 0.15:
            entry = {
                "date": "2026-11-20",
                "campaign": CAMPAIGN,
                "category": "tools",
                "payee": "Canva",
                "amount": rng.randint(-500, 500),
                "currency": "EUR",
                "memo": "",
                "reverses": None,
                "task": None,
                "entered_by": MEMBER,
                "entered_at": "2026-11-26T09:00:00Z",
                "needs_approval": False,
            }
            row = f"{rng.randint(101, 104):032x}"
            ops.append(
                Op(
                    stamp,
                    node,
                    seqs[node],
                    MEMBER,
                    "append",
                    "ledger_entry",
                    row,
                    "*",
                    json.dumps(entry, sort_keys=True, separators=(",", ":")),
                )
            )
        else:
            field = rng.choice(["title", "priority", "status"])
            value = {"title": rng.choice(["a", "b", "c"]), "priority": rng.choice(["high", "low"]), "status": rng.choice(["todo", "done"])}[
                field
            ]
            ops.append(Op(stamp, node, seqs[node], MEMBER, "set", "task", rng.choice(ROWS[:5]), field, json.dumps(value)))
    # Stamps must be unique: that is what the clock guarantees.
    unique = {op.op_id: op for op in ops}
    return list(unique.values())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32), n=st.integers(1, 120))
def test_any_permutation_duplication_or_batching_gives_the_reference_state(tmp_path_factory: Any, seed: int, n: int) -> None:
    rng = random.Random(seed)
    ops = _ops(rng, n)
    expected = _reference(ops)
    shuffled = ops + rng.sample(ops, k=min(len(ops), 10))
    rng.shuffle(shuffled)
    s = fresh_store(tmp_path_factory.mktemp("algebra"), "s.db")
    s.wall = lambda: 1_790_000_000_000
    while shuffled:
        cut = rng.randint(1, len(shuffled))
        s.apply(shuffled[:cut])
        shuffled = shuffled[cut:]
    got: dict[str, dict[str, Any]] = {}
    for entity in ("task", "ledger_entry"):
        spec = ENTITIES[entity]
        for row_id, values in s.records(entity, include_deleted=True):
            if spec.append_only:
                got[row_id] = values
            else:
                got[row_id] = {k: values[k] for k in expected.get(row_id, {})}
    s.close()
    assert got == expected
