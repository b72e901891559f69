"""A node's push whose stamps fall where its counter rises is refused whole, on a served file and on PostgreSQL alike.

A file stores a push by stamp and PostgreSQL by counter: such a push (hand-made: a node's clock stamps each operation
after the one before) would be stored in other orders on the two, and a post's round authors, read in storing order,
read differently (reviewer ri: the file accepted raj's approval of his own round, PostgreSQL refused it).
"""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from crewdeck.sync.server.pgstore import PgStore
from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.push import PushRejected
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing

from .syncsupport import Postgres, crewdeck
from .test_rules import Team, _matrix_team, copy_of_team
from .test_rules_in_push import NOW

NODE = "feedfacefeedface"


@pytest.fixture
def team(tmp_path: Path) -> Team:
    """The rules matrix's team (``test_rules``): raj may write tmp's post in review."""
    return copy_of_team("rules-team", _matrix_team, tmp_path)


def _raj_writes(team: Team, tmp_path: Path) -> tuple[list[Op], set[str]]:
    """raj writes copy on tmp's post and submits it, adds a link and submits again, on his replica: its operations, and
    the stamps of the link's."""
    post, raj = team.posts["by tmp"]["raj"], team.ids["raj"]
    path = tmp_path / "copy.db"
    shutil.copy(team.path, path)
    with Store(path) as store:
        start = store.conn.execute("SELECT max(seq) FROM ops").fetchone()[0]
        writing.set_content(store, raj, post, NOW, copy="Raj's copy")
        writing.submit(store, raj, post, NOW)
        link_from = store.conn.execute("SELECT max(seq) FROM ops").fetchone()[0]
        writing.set_content(store, raj, post, NOW, link="https://example.com/raj")
        link_to = store.conn.execute("SELECT max(seq) FROM ops").fetchone()[0]
        writing.submit(store, raj, post, NOW)
        ops = [op for _, op in store.own_ops_after(start, 10**6)]
        link = {r[0] for r in store.conn.execute("SELECT op_id FROM ops WHERE seq > ? AND seq <= ?", (link_from, link_to))}
    return ops, link


def _falling_push(team: Team, tmp_path: Path) -> list[Op]:
    """``_raj_writes`` as one node's push in which the link is stamped a second before everything else, its counter
    where it was made."""
    ops, link = _raj_writes(team, tmp_path)
    ms, counter, _ = min(op.op_id for op in ops).split("-", 2)
    return [
        op._replace(
            node=NODE,
            node_seq=n,
            op_id=f"{int(ms) - 1000:013d}-{counter}-{NODE}" if op.op_id in link else f"{op.op_id.rsplit('-', 1)[0]}-{NODE}",
        )
        for n, op in enumerate(ops, start=1)
    ]


def test_a_file_refuses_a_push_whose_stamps_fall(team: Team, tmp_path: Path) -> None:
    push = _falling_push(team, tmp_path)
    with Store(team.path) as store:
        before = store.conn.execute("SELECT max(seq) FROM ops").fetchone()[0]
        with pytest.raises(PushRejected) as refused:
            store.accept_push(push, team.ids["raj"])
        assert store.conn.execute("SELECT max(seq) FROM ops").fetchone()[0] == before
    assert refused.value.code == "stamps_out_of_order"
    assert str(refused.value).startswith(f"node {NODE}: operation #") and "\n" not in str(refused.value)


def test_postgres_refuses_a_push_whose_stamps_fall(team: Team, tmp_path: Path, postgres: Postgres) -> None:
    push = _falling_push(team, tmp_path)
    url = postgres.database()
    crewdeck("publish", str(team.path), "--database", url, "--name", "team")
    with closing(psycopg.connect(url, autocommit=True)) as conn:
        with pytest.raises(PushRejected) as refused:
            PgStore(conn).push("team", team.ids["raj"], push)
        assert conn.execute("SELECT count(*) FROM crewdeck_op WHERE node = %s", (NODE,)).fetchone() == (0,)
    assert refused.value.code == "stamps_out_of_order"


def test_a_file_stores_a_push_of_two_nodes_in_the_order_judged(team: Team, tmp_path: Path) -> None:
    """raj's push carries one node's operations (copy, a round), stamped two seconds after another node's (a link, a
    round), first: the file stores them in the order they were judged, node by node as PostgreSQL does, where it stored
    them by stamp."""
    ops = [op._replace(op_id=op.op_id.rsplit("-", 1)[0]) for op in _raj_writes(team, tmp_path)[0]]
    half = len(ops) // 2
    first = [
        op._replace(node="4e40", node_seq=n, op_id=f"{int(op.op_id[:13]) + 2000:013d}{op.op_id[13:]}-4e40")
        for n, op in enumerate(ops[:half], 1)
    ]
    second = [op._replace(node="0dd0", node_seq=n, op_id=f"{op.op_id}-0dd0") for n, op in enumerate(ops[half:], 1)]
    with Store(team.path) as store:
        before = store.conn.execute("SELECT max(seq) FROM ops").fetchone()[0]
        assert store.accept_push([*first, *second], team.ids["raj"]).refused == []
        stored = [r[0] for r in store.conn.execute("SELECT op_id FROM ops WHERE seq > ? ORDER BY seq", (before,))]
    assert stored == [op.op_id for op in (*first, *second)]
