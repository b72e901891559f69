"""Windows of the task list: the ranked index, and the first page found without it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from crewdeck.tui.session.session import Session
from crewdeck.tui.session.task_page import MIN_PAGE, TaskListPage, read_task_page
from crewdeck.tui.tasks import listing as tasklist
from crewdeck.tui.tasks.query import parse
from crewdeck.tui.tasks.views import VIEWS
from crewdeck.tui.workspace.config import Config

from .apphelp import demo_workspace
from .conftest import NOW

QUERIES = ["", *(view.query for view in VIEWS), "!high", "@raj", "done", "nothing-matches-this"]


@pytest.fixture
def session(tmp_path: Path) -> Session:
    s = Session.open(demo_workspace(tmp_path / "demo.db"), "ana", Config())
    yield s
    s.close()


@pytest.mark.parametrize("text", QUERIES)
def test_the_first_page_is_the_start_of_the_ranked_list(session: Session, text: str) -> None:
    f = session.reads.compile(text, NOW)
    count, first = session.ranked.first_page(f, NOW, 25)
    session.ranked.rescore(NOW)
    assert count == session.ranked.count(f)
    assert first == session.ranked.window(f, 0, 25, count)
    assert len(first) == min(25, count)


def warmed(session: Session, text: str, rows: int) -> None:
    """A warm-up to its end, as after the app's first screen."""
    thread = session.warm_up.start(text, NOW, rows)
    session.warm_up.start_scoring()
    thread.join()


def test_warm_up_hands_over_the_first_page_once(session: Session) -> None:
    warmed(session, "", 30)
    page = session.warm_up.first_page("", 20, wait=False)
    assert page is not None and page.count == session.ranked.count(session.reads.compile("", NOW))
    assert [r.id for r in page.rows] == [r.id for r in session.ranked.window(page.filter, 0, 30)]
    assert {m.handle for m in page.names.members.values()} == {"ana", "bina", "kemi", "leo", "mia", "raj", "sofia", "tane"}
    assert session.warm_up.first_page("", 20) is None  # taken


def test_a_first_page_of_another_query_or_too_short_is_not_used(session: Session) -> None:
    warmed(session, "", 30)
    assert session.warm_up.first_page("inbox", 20) is None
    warmed(session, "", 5)
    assert session.warm_up.first_page("", 20) is None  # five rows cannot fill twenty


def test_warm_up_scores_every_task_after_the_first_page(session: Session) -> None:
    warmed(session, "", 10)
    assert (
        session.ranked._index.total()
        == session.access.read(lambda ws: ws.conn.execute("SELECT count(*) FROM task WHERE deleted = 0").fetchone()[0])
        >= 150
    )


def test_scoring_waits_for_the_first_screen_or_the_first_read_of_the_list(session: Session) -> None:
    thread = session.warm_up.start("", NOW, 10)
    assert session.warm_up.first_page("", 10) is not None
    thread.join(timeout=0.2)
    assert thread.is_alive()  # the page is handed over; scoring waits
    f = session.reads.compile("", NOW)
    rows = session.ranked.window(f, 0, 10)  # a read of the ranked list cannot wait: it lets scoring start, then reads
    thread.join()
    assert rows == session.ranked.window(f, 0, 10) and len(rows) == 10
    assert session.ranked._index.total() >= 150


def test_a_warm_up_cancelled_before_scoring_ends_without_scoring(session: Session) -> None:
    thread = session.warm_up.start("", NOW, 10)
    session.warm_up.cancel()
    thread.join()
    assert session.warm_up.first_page("", 10) is not None
    assert session.ranked._index.scored_at is None and session.ranked._index.total() == 0


def test_without_a_warm_up_there_is_no_first_page_and_no_wait(session: Session) -> None:
    assert session.warm_up.first_page("", 20) is None


@pytest.mark.parametrize("text", [*QUERIES, "#instagram", "-#instagram", "overdue", "due:<fri", "platform:tiktok", "snoozed", "all"])
def test_counts_read_the_filter_index_when_it_has_every_column(session: Session, text: str) -> None:
    f = session.reads.compile(text, NOW)
    conn = session.ranked._index.conn
    by_table = conn.execute(f"SELECT count(*) FROM task t NOT INDEXED WHERE {f.where}", f.params).fetchone()[0]
    assert tasklist.count(conn, f.where, list(f.params)) == by_table
    plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {tasklist.count_sql(f.where)}", f.params))
    searches_text = any(term.kind == "text" for term in parse(text).terms)
    assert ("COVERING INDEX task_filter" in plan) is not searches_text, plan


def test_closing_ends_a_warm_up_that_waits_to_score(tmp_path: Path) -> None:
    s = Session.open(demo_workspace(tmp_path / "demo.db"), "ana", Config())
    thread = s.warm_up.start("", NOW, 10)
    s.close()  # the app quit before its first screen: nothing left running on a closed file
    assert not thread.is_alive()


# 180 tasks: 25 rows walk 500 entries, the whole index, so every filter's are found.
@pytest.mark.parametrize(("limit", "some_selective"), [(2, True), (5, True), (25, False)])
def test_a_leading_window_is_the_start_of_the_list_or_none_for_a_selective_filter(
    session: Session, limit: int, some_selective: bool
) -> None:
    session.ranked.rescore(NOW)
    answered = []
    for text in QUERIES:
        f = session.reads.compile(text, NOW)
        leading = session.ranked.leading_window(f, limit)
        answered.append(leading is not None)
        if leading is not None:
            assert leading == session.ranked.window(f, 0, limit)
    # Walking limit / SELECTIVE entries, some filters found their rows there and some were too selective.
    assert any(answered) and all(answered) is not some_selective, answered


@pytest.mark.parametrize("text", [*QUERIES, "-#tiktok", "all"])
def test_a_new_list_is_shown_before_its_count_when_it_has_more_than_its_first_rows(session: Session, text: str) -> None:
    session.ranked.rescore(NOW)
    f = session.reads.compile(text, NOW)
    count = session.ranked.count(f)
    expected = [r.id for r in session.ranked.window(f, 0, 2 * MIN_PAGE, count)]
    early: list[TaskListPage] = []
    page = read_task_page(session, text, NOW, None, 0, 20, early.append)
    assert (page.count, [r.id for r in page.rows], page.offset, page.cursor) == (count, expected, 0, 0)
    # Shown early only when the first rows are not all of it: the same rows, the count to come.
    assert [(p.count, [r.id for r in p.rows], p.filter is page.filter) for p in early] == (
        [(None, expected, True)] if count > 2 * MIN_PAGE else []
    )


@pytest.mark.parametrize("text", ["", "-#tiktok", "!high", "done"])
def test_the_command_line_lists_tasks_of_equal_score_in_the_apps_order(session: Session, text: str) -> None:
    f = session.reads.compile(text, NOW)
    session.ranked.rescore(NOW)
    ranked = [row.id for row in session.ranked.window(f, 0, session.ranked.count(f))]
    with sqlite3.connect(session.path) as conn:
        fetched = [row.id for row in tasklist.fetch(conn, f.where, list(f.params), NOW)]
        printed = [row[0] for row in tasklist.stream(conn, f.where, list(f.params), NOW, ["t.id"])]
    assert fetched == ranked and printed == ranked


def _tied_and_reordered(tmp_path: Path) -> tuple[Path, Path]:
    """A workspace where a third of the tasks tie on urgency (no due, no priority, to do, made the same week: as after
    an import), and a copy whose rows were inserted the other way round, as a replica's follow the order it pulled them."""
    first, other = demo_workspace(tmp_path / "first.db"), tmp_path / "other.db"
    with closing(sqlite3.connect(first)) as conn, conn:
        conn.execute(
            "UPDATE task SET due_utc = NULL, due_tz = NULL, publish_utc = NULL, priority = 'none', status = 'todo', "
            "depends_on = '[]', created_at = CASE WHEN rowid % 2 THEN '2026-11-24T10:00:00Z' ELSE '2026-11-23T10:00:00Z' END "
            "WHERE rowid % 3 = 0"
        )
    with closing(sqlite3.connect(first)) as conn, closing(sqlite3.connect(other)) as copy:
        conn.backup(copy)
        with copy:
            copy.execute("UPDATE task SET rowid = -rowid")
            copy.execute("UPDATE task SET rowid = rowid + 100000")
    return first, other


def _lists(path: Path, text: str) -> dict[str, list[str]]:
    s = Session.open(path, "ana", Config())
    try:
        f = s.reads.compile(text, NOW)
        _, first = s.ranked.first_page(f, NOW, 25)
        s.ranked.rescore(NOW)
        count = s.ranked.count(f)
        ranked = [row.id for row in s.ranked.window(f, 0, count)]
        lists = {
            "first page": [row.id for row in first],
            "ranked": ranked,
            "far end": [row.id for row in s.ranked.window(f, count - 10, 10, count)],
            "leading": [row.id for row in s.ranked.leading_window(f, count) or []],  # past the untied top rows
            "positions": [str(s.ranked.position(f, task_id)) for task_id in ranked],
        }
        with sqlite3.connect(path) as conn:
            for order in tasklist.SORTS:
                lists[order] = [row.id for row in tasklist.fetch(conn, f.where, list(f.params), NOW, order=order)]
                lists[f"{order} printed"] = [row[0] for row in tasklist.stream(conn, f.where, list(f.params), NOW, ["t.id"], order=order)]
        return lists
    finally:
        s.close()


@pytest.mark.parametrize("text", ["", "-#tiktok"])
def test_every_member_sees_tasks_of_equal_urgency_in_the_same_order(tmp_path: Path, text: str) -> None:
    """Helper oj's finding: ties were broken by rowid, which is each replica's own, so two members' copies listed a
    board's imported cards (no due, no priority) in two orders."""
    first, other = _tied_and_reordered(tmp_path)
    here, there = _lists(first, text), _lists(other, text)
    assert here == there
    assert here["positions"] == [str(n) for n in range(len(here["ranked"]))]
    # The ties go by id: a key every copy shares.
    with closing(sqlite3.connect(first)) as conn:
        made = {
            task_id
            for (task_id,) in conn.execute(
                "SELECT id FROM task WHERE rowid % 3 = 0 AND id NOT IN "
                "(SELECT j.value FROM task o, json_each(o.depends_on) j WHERE o.deleted = 0)"  # no one waits for them: no points
            )
        }
    tied = [task_id for task_id in here["ranked"] if task_id in made]
    assert len(tied) > 20 and tied == sorted(tied)
