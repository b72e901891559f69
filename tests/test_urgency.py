"""The urgency score: the SQL that sorts and the explanation the detail screen shows agree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crewdeck.sync.state.records import OPEN_STATUSES
from crewdeck.sync.state.store import Store
from crewdeck.tui.tasks import listing as tasklist
from crewdeck.tui.tasks import urgency
from crewdeck.tui.time.when import parse_utc, relative
from crewdeck.tui.workspace.demo import build_demo

from .conftest import NOW


@pytest.fixture
def demo(tmp_path: Path) -> Store:
    store = Store.create(tmp_path / "demo.db")
    build_demo(store, now=NOW, tasks=180, seed=11)
    return store


def test_sql_and_explanation_agree_for_every_task(demo: Store) -> None:
    rows = tasklist.fetch(demo.conn, "t.deleted = 0", [], NOW, limit=-1)
    records = dict(demo.records("task"))
    open_ids = {i for i, r in records.items() if r["status"] in OPEN_STATUSES}
    blocking = {d for i, r in records.items() if i in open_ids for d in r["depends_on"]}
    assert len(rows) == len(records) >= 150
    assert any(r.score >= 12 for r in rows) and any(r.id in blocking for r in rows)
    for row in rows:
        r = records[row.id]
        terms = urgency.explain(
            now=NOW,
            due_utc=r["due"]["utc"] if r["due"] else None,
            priority=r["priority"],
            publish_utc=r["publish"]["utc"] if r["publish"] else None,
            status=r["status"],
            created_at=r["created_at"],
            blocking=row.id in blocking,
            blocked=any(d in open_ids for d in r["depends_on"]),
        )
        assert row.score == pytest.approx(urgency.score(terms)), (row.title, terms)


def test_the_list_is_sorted_by_it(demo: Store) -> None:
    rows = tasklist.fetch(demo.conn, "t.deleted = 0", [], NOW, limit=-1)
    scores = [r.score for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_closed_tasks_score_nothing(demo: Store) -> None:
    rows = tasklist.fetch(demo.conn, "t.status IN ('done', 'cancelled')", [], NOW, limit=-1)
    assert rows and {r.score for r in rows} == {0.0}


def test_the_explanation_says_how_far_off_in_the_words_of_the_list() -> None:
    now = NOW
    terms = urgency.explain(
        now=now,
        due_utc="2027-03-28T01:30:00Z",
        priority="none",
        publish_utc=(now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        status="todo",
        created_at=(now - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        blocking=False,
        blocked=False,
    )
    reasons = {t.name: t.why for t in terms}
    assert reasons["due"] == f"due {relative(parse_utc('2027-03-28T01:30:00Z'), now)}" and reasons["due"].endswith("mo")
    assert reasons["publishing"] == "publish slot 3h late"
    assert reasons["age"] == "created today"
    overdue = urgency.explain(
        now=now,
        due_utc=(now - dt.timedelta(days=3, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        priority="none",
        publish_utc=None,
        status="todo",
        created_at=(now - dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        blocking=False,
        blocked=False,
    )
    reasons = {t.name: t.why for t in overdue}
    assert (reasons["due"], reasons["age"]) == ("due 3d late", "created 10 d ago")
