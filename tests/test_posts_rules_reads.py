"""What judging a push of verdicts reads: every member's facts once for the push, not once per member and post judged.

Each verdict judged reads the post's round, with every member's facts (who else may take a step: ``postround.untakable``);
a push of 200 verdicts in a team of 40 read them 8,000 times (one query each, a PostgreSQL round trip each on a server).
The reads are counted here, not timed: adding members to the team adds none.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crewdeck.sync.server.pgstore import PgStore
from crewdeck.sync.state.clock import HybridClock
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.oplog import APPEND, RECORD, Op
from crewdeck.sync.state.postround import content_hash
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts.reading import needs_me

from .conftest import NOW
from .syncsupport import Postgres

POSTS = 5


def _team(path: Path, others: int) -> tuple[str, list[Op]]:
    """A workspace of ana (a manager), raj (who wrote the posts), kemi (who reviews them) and ``others`` more members,
    with ``POSTS`` posts in review on a one-step chain; and kemi's push approving each: (kemi's id, the push)."""
    ids = {handle: new_id() for handle in ("ana", "raj", "kemi", *(f"m{n}" for n in range(others)))}
    with Store.create(path) as store:
        with store.write(ids["ana"], judged=False) as w:
            w.set("workspace", "workspace", {"name": "Reads", "base_currency": "EUR"})
            for handle, member_id in ids.items():
                access = "manager" if handle == "ana" else "member"
                w.create("member", {"handle": handle, "name": handle, "tz": "UTC", "access": access, "groups": ["comms"]}, row_id=member_id)
            campaign = w.create("campaign", {"name": "Launch", "approvals": [{"name": "copy", "member": None, "group": "comms"}]})
        with store.write(ids["raj"]) as w:
            for n in range(POSTS):
                copy = f"Post {n}"
                post_round = {"id": new_id(), "hash": content_hash(copy, "", [], ""), "at": "2026-12-01T09:00:00Z"}
                values = {"title": copy, "campaign": campaign, "platform": "x", "post_state": "in-review", "copy": copy}
                w.create("task", {**values, "post_round": post_round, "created_by": ids["raj"]})
        rounds = store.conn.execute("SELECT id, post_round FROM task WHERE post_state IS NOT NULL ORDER BY id").fetchall()
    node = "c" * 16
    ops = []
    for seq, (stamp, (post_id, round_json)) in enumerate(zip(HybridClock(node).stamps(len(rounds)), rounds), start=1):
        found = json.loads(round_json)
        record = {"post": post_id, "round": found["id"], "step": "copy", "hash": found["hash"], "verdict": "approve", "note": ""}
        record |= {"approved_by": ids["kemi"], "approved_at": "2026-12-02T09:00:00Z"}
        ops.append(Op(stamp, node, seq, ids["kemi"], APPEND, "post_approval", new_id(), RECORD, json.dumps(record)))
    return ids["kemi"], ops


def _file_reads(tmp_path: Path, others: int) -> int:
    """The statements a served file runs taking kemi's push, in a team of 3 + ``others`` members."""
    path = tmp_path / f"team-{others}.db"
    kemi, ops = _team(path, others)
    statements: list[str] = []
    with Store(path) as store:
        store.conn.set_trace_callback(statements.append)
        result = store.accept_push(ops, kemi)
        store.conn.set_trace_callback(None)
    assert not result.refused, result.refused
    return len(statements)


def test_the_posts_waiting_on_a_member_read_their_rounds_authors_once(tmp_path: Path) -> None:
    """The Approvals view reads a window of posts and which of them wait on the member: the authors of every round in
    review were read for the window, then again for those waiting."""
    path = tmp_path / "team.db"
    kemi, _ = _team(path, 0)
    authors_reads: list[str] = []
    with Store(path) as store:
        store.conn.set_trace_callback(lambda sql: authors_reads.append(sql) if "ORDER BY o.row_id, o.seq" in sql else None)
        waiting = needs_me(store.conn, kemi, NOW)
        store.conn.set_trace_callback(None)
    assert len(waiting) == POSTS
    assert len(authors_reads) == 1, authors_reads


def test_a_served_file_judging_a_push_of_verdicts_reads_the_members_once_whatever_their_number(tmp_path: Path) -> None:
    assert _file_reads(tmp_path, 10) == _file_reads(tmp_path, 0)


class _Counted:
    """A PostgreSQL connection whose ``execute`` calls (round trips) are counted."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.calls = 0

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.conn.execute(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


@pytest.fixture
def pg(postgres: Postgres) -> Iterator[PgStore]:
    store = PgStore.open(postgres.database())
    try:
        yield store
    finally:
        store.close()


def _pg_round_trips(pg: PgStore, tmp_path: Path, others: int) -> int:
    """The round trips of the server's push of kemi's verdicts, in a team of 3 + ``others`` members."""
    path = tmp_path / f"published-{others}.db"
    kemi, ops = _team(path, others)
    name = f"team{others}"
    with Store(path) as source:
        pg.publish(source, name)
    real = pg.conn
    counted = _Counted(real)
    pg.conn = counted
    try:
        result, _ = pg.push(name, kemi, ops)
    finally:
        pg.conn = real
    assert not result.refused, result.refused
    return counted.calls


def test_the_server_judging_a_push_of_verdicts_reads_the_members_in_one_round_trip_whatever_their_number(
    pg: PgStore, tmp_path: Path
) -> None:
    assert _pg_round_trips(pg, tmp_path, 10) == _pg_round_trips(pg, tmp_path, 0)
