"""PostgreSQL keeps what an older crewdeck pushed as it came (no migration composes it): the rules read its text composed,
as a replica's migration 21 composed it, so a push is judged alike on the server and on a shared file."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from crewdeck.sync.server.pgstore import PgStore
from crewdeck.sync.state.clock import HybridClock
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.oplog import APPEND, RECORD, Op
from crewdeck.sync.state.postround import content_hash
from crewdeck.sync.state.store import Store

from .syncsupport import Postgres

#: A reviewers' group as a new build stores it (composed), and as an older one may have pushed it (its accent apart).
GROUP = "révision"


@pytest.fixture
def pg(postgres: Postgres) -> Iterator[PgStore]:
    store = PgStore.open(postgres.database())
    try:
        yield store
    finally:
        store.close()


def test_a_group_an_older_build_pushed_decomposed_takes_the_step_of_that_group_on_postgresql(pg: PgStore, tmp_path: Path) -> None:
    """kemi's groups were pushed decomposed by an older build, the chain's step composed by a newer one: the server
    refused her approval (not_a_reviewer) where a replica, whose migration composed both, took it."""
    path = tmp_path / "team.db"
    ids = {handle: new_id() for handle in ("ana", "raj", "kemi")}
    with Store.create(path) as store:
        with store.write(ids["ana"], judged=False) as w:
            w.set("workspace", "workspace", {"name": "Groups", "base_currency": "EUR"})
            for handle, member_id in ids.items():
                access = "manager" if handle == "ana" else "member"
                w.create("member", {"handle": handle, "name": handle, "tz": "UTC", "access": access, "groups": [GROUP]}, row_id=member_id)
            campaign = w.create("campaign", {"name": "Launch", "approvals": [{"name": "copy", "member": None, "group": GROUP}]})
        post_round = {"id": new_id(), "hash": content_hash("Post", "", [], ""), "at": "2026-12-01T09:00:00Z"}
        with store.write(ids["raj"]) as w:
            values = {"title": "Post", "campaign": campaign, "platform": "x", "post_state": "in-review", "copy": "Post"}
            post = w.create("task", {**values, "post_round": post_round, "created_by": ids["raj"]})
        pg.publish(store, "groups")
    with pg.conn.transaction():
        changed = pg.conn.execute(
            "UPDATE crewdeck_op SET value = %s WHERE workspace = %s AND row_id = %s AND field = 'groups'",
            (json.dumps([unicodedata.normalize("NFD", GROUP)], ensure_ascii=False), "groups", ids["kemi"]),
        ).rowcount
    assert changed == 1
    record = {"post": post, "round": post_round["id"], "step": "copy", "hash": post_round["hash"], "verdict": "approve", "note": ""}
    record |= {"approved_by": ids["kemi"], "approved_at": "2026-12-02T09:00:00Z"}
    (stamp,) = HybridClock("c" * 16).stamps(1)
    result, _ = pg.push(
        "groups", ids["kemi"], [Op(stamp, "c" * 16, 1, ids["kemi"], APPEND, "post_approval", new_id(), RECORD, json.dumps(record))]
    )
    assert not result.refused, result.refused
