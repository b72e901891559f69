"""Windows of the task list, fast at 100,000 tasks.

Sorting by urgency means evaluating the score of every matching task; at
100,000 tasks that costs more than a key press may take.  So the app keeps
the scores in a temporary table of its own connection, with an index in
display order, and refreshes them in the background (after changes, and
every minute as due dates draw nearer).  A window is then a walk down that
index that stops once it has enough rows; a filter that matches few tasks
is answered the other way round, filtering first and sorting the few.

The filter language and the score are the same SQL the CLI uses
(``crewdeck.tui.tasks.query``, ``crewdeck.tui.tasks.urgency``): this module only changes the plan.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from crewdeck.tui.tasks import listing as tasklist
from crewdeck.tui.tasks import urgency

#: Below this share of all tasks, a filter is applied first and its few
#: matches sorted; above it, the ranked index is walked.
SELECTIVE = 0.05
#: Sort key of a task without a due date: after every date.
NO_DUE = "9999"
#: The first half of a task's id, which breaks ties of score and due the same on every copy; the rowid (``task``), last,
#: only where two ids share it.  Half the id held half the memory: the whole of it raised the app's peak ~9 MB.
_TIE = "substr(t.id, 1, 16)"
_ORDER_INDEX = "CREATE INDEX temp.task_rank_order ON task_rank (score DESC, due, tie)"


@dataclass(frozen=True)
class Filter:
    """A compiled query: a WHERE clause over ``task AS t`` and its parameters."""

    where: str
    params: tuple[Any, ...] = ()


class TaskIndex:
    """The ranked task list of one connection (the temp table lives there).

    Give it a connection of its own: scoring every task takes a while, and
    other reads need not wait for it.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.scored_at: dt.datetime | None = None
        conn.execute("PRAGMA temp_store = MEMORY")
        self._create()
        conn.execute(_ORDER_INDEX)

    def _create(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp.task_rank")
        # Ties are broken by the task's id (``_TIE``), which every member's copy shares (a rowid follows the order a replica
        # pulled the rows in); when it was made as well measured a rescore ~20% slower than the id alone (design notes).
        self.conn.execute(
            "CREATE TEMP TABLE task_rank (task INTEGER PRIMARY KEY, score REAL NOT NULL, due TEXT NOT NULL, tie TEXT NOT NULL)"
        )

    # ------------------------------------------------------------ scores

    def rescore(self, now: dt.datetime) -> None:
        """Score every task at ``now``."""
        sql = f"INSERT INTO temp.task_rank SELECT t.rowid, {urgency.sql(now)}, coalesce(t.due_utc, '{NO_DUE}'), {_TIE} FROM task t WHERE t.deleted = 0"
        with self._transaction():
            self._create()
            self.conn.execute(sql)
            # Indexing the full table once costs less than keeping the index while inserting.
            self.conn.execute(_ORDER_INDEX)
        self.scored_at = now

    def rescore_rows(self, task_ids: Iterable[str], now: dt.datetime) -> None:
        """Score again the given tasks and every task that depends on one of them."""
        ids = list(task_ids)
        if not ids:
            return
        marks = ", ".join("?" * len(ids))
        affected = (
            f"t.id IN ({marks}) OR (t.depends_on != '[]' AND EXISTS (SELECT 1 FROM json_each(t.depends_on) j WHERE j.value IN ({marks})))"
        )
        with self._transaction():
            self.conn.execute(f"DELETE FROM temp.task_rank WHERE task IN (SELECT rowid FROM task WHERE id IN ({marks}))", ids)
            self.conn.execute(
                f"INSERT OR REPLACE INTO temp.task_rank SELECT t.rowid, {urgency.sql(self.scored_at or now)}, "
                f"coalesce(t.due_utc, '{NO_DUE}'), {_TIE} FROM task t WHERE t.deleted = 0 AND ({affected})",
                [*ids, *ids],
            )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # One snapshot of the tasks for all that is read inside.
        self.conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # an interrupted statement (``RankedList.interrupt``) rolled it back already
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ------------------------------------------------------------ windows

    def total(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM temp.task_rank").fetchone()[0])

    def first_page(self, f: Filter, now: dt.datetime, limit: int) -> tuple[int, list[tasklist.TaskRow]]:
        """How many tasks match, and the first ``limit`` of them scored on the spot, in the index's order.

        A top-N sort of the matches: cheaper than building the index, so a
        first screen need not wait for it.  One snapshot for both.
        """
        sql = (
            f"SELECT {tasklist.COLUMNS}, {urgency.sql(now)} AS score FROM task t WHERE {f.where} "
            f"ORDER BY score DESC, coalesce(t.due_utc, '{NO_DUE}'), {_TIE}, t.rowid LIMIT ?"
        )
        with self._transaction():
            count = tasklist.count(self.conn, f.where, list(f.params))
            rows = [tasklist.row_from_sql(r) for r in self.conn.execute(sql, [*f.params, limit])]
        return count, rows

    def window(self, f: Filter, offset: int, limit: int, matching: int | None = None) -> list[tasklist.TaskRow]:
        """Rows ``offset`` .. ``offset + limit`` of the filtered list, by urgency."""
        if matching is None:
            matching = tasklist.count(self.conn, f.where, list(f.params))
        if matching == 0 or offset >= matching:
            return []
        if matching <= SELECTIVE * max(1, self.total()):
            sql = (
                f"SELECT t.rowid FROM task t JOIN temp.task_rank r ON r.task = t.rowid WHERE {f.where} "
                "ORDER BY r.score DESC, r.due, r.tie, r.task LIMIT ? OFFSET ?"
            )
            params = [*f.params, limit, offset]
        elif offset > matching // 2:
            # The far end: walk the index from the other side.
            tail = max(0, matching - offset - limit)
            count = min(limit, matching - offset)
            sql = (
                "SELECT r.task FROM temp.task_rank r WHERE EXISTS "
                f"(SELECT 1 FROM task t WHERE t.rowid = r.task AND {f.where}) "
                "ORDER BY r.score, r.due DESC, r.tie DESC, r.task DESC LIMIT ? OFFSET ?"
            )
            rowids = [r[0] for r in self.conn.execute(sql, [*f.params, count, tail])]
            return self._rows(list(reversed(rowids)))
        else:
            sql = (
                "SELECT r.task FROM temp.task_rank r WHERE EXISTS "
                f"(SELECT 1 FROM task t WHERE t.rowid = r.task AND {f.where}) "
                "ORDER BY r.score DESC, r.due, r.tie, r.task LIMIT ? OFFSET ?"
            )
            params = [*f.params, limit, offset]
        return self._rows([r[0] for r in self.conn.execute(sql, params)])

    def leading_window(self, f: Filter, limit: int) -> list[tasklist.TaskRow] | None:
        """The first ``limit`` rows of the filtered list, without its count, or ``None`` when the filter is selective.

        A walk down the ranked index as ``window``'s for a filter that is not
        selective, bounded to the entries a filter matching ``SELECTIVE`` of
        them would walk: found there, the rows are the list's first (every
        entry ranked above the last one found was walked).  So a new list's
        first window can be shown before it is counted; a selective filter
        walks at most the bound, then is ``window``'s, after the count.
        Fewer than ``limit`` rows are every match (the index was shorter than
        the walk).
        """
        walked = int(limit / SELECTIVE)
        bound = self.conn.execute(
            "SELECT score FROM temp.task_rank ORDER BY score DESC, due, tie, task LIMIT 1 OFFSET ?", [walked]
        ).fetchone()
        sql = (
            "SELECT r.task FROM temp.task_rank r WHERE r.score >= ? AND EXISTS "
            f"(SELECT 1 FROM task t WHERE t.rowid = r.task AND {f.where}) "
            "ORDER BY r.score DESC, r.due, r.tie, r.task LIMIT ?"
        )
        # No bound: the index is shorter than the walk, which then sees all of it.
        rowids = [r[0] for r in self.conn.execute(sql, [bound[0] if bound else float("-inf"), *f.params, limit])]
        if len(rowids) < limit and bound is not None:
            return None
        return self._rows(rowids)

    def position(self, f: Filter, task_id: str) -> int | None:
        """Where a task stands in the filtered list, or ``None`` if it is not in it."""
        row = self.conn.execute(
            f"SELECT r.score, r.due, r.tie, r.task FROM temp.task_rank r JOIN task t ON t.rowid = r.task WHERE t.id = ? AND {f.where}",
            [task_id, *f.params],
        ).fetchone()
        if row is None:
            return None
        score, due, tie, task = row
        before = self.conn.execute(
            "SELECT count(*) FROM temp.task_rank r WHERE (r.score > ? OR (r.score = ? AND (r.due, r.tie, r.task) < (?, ?, ?))) "
            f"AND EXISTS (SELECT 1 FROM task t WHERE t.rowid = r.task AND {f.where})",
            [score, score, due, tie, task, *f.params],
        ).fetchone()[0]
        return int(before)

    def _rows(self, rowids: list[int]) -> list[tasklist.TaskRow]:
        if not rowids:
            return []
        marks = ", ".join("?" * len(rowids))
        sql = (
            f"SELECT t.rowid, {tasklist.COLUMNS}, r.score FROM task t JOIN temp.task_rank r ON r.task = t.rowid WHERE t.rowid IN ({marks})"
        )
        by_rowid = {row[0]: row[1:] for row in self.conn.execute(sql, rowids)}
        return [tasklist.row_from_sql(by_rowid[r]) for r in rowids if r in by_rowid]
