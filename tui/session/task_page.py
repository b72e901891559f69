"""What the tasks pane shows of one query: how many tasks match, and the rows around the cursor."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from crewdeck.tui.session.reading import TaskRowNames
from crewdeck.tui.session.session import Session
from crewdeck.tui.session.warm_up import FirstPage
from crewdeck.tui.tasks.index import Filter
from crewdeck.tui.tasks.listing import TaskRow

#: A page is as tall as the table, but at least this many rows; a query fetches two, from half a page above the cursor.
MIN_PAGE = 40


@dataclass(frozen=True)
class TaskListPage:
    """The answer to a query: the filter, how many match, rows from ``offset``, the cursor, the names rows show."""

    filter: Filter
    count: int
    offset: int
    rows: list[TaskRow]
    cursor: int
    names: TaskRowNames

    @classmethod
    def of_first_page(cls, page: FirstPage) -> TaskListPage:
        return cls(page.filter, page.count, 0, page.rows, 0, page.names)


def read_task_page(session: Session, text: str, now: dt.datetime, cursor_key: str | None, cursor: int, height: int) -> TaskListPage:
    """Query ``text``: the count, and the rows around the cursor's task (or row ``cursor``) for a table ``height`` rows tall."""
    f = session.reads.compile(text, now)
    page = max(height, MIN_PAGE)
    if cursor_key is None and cursor == 0:
        return _read_from_the_top(session, f, now, page)
    ranked = session.ranked
    count = ranked.count(f)
    position = ranked.position(f, cursor_key) if cursor_key else None
    target = position if position is not None else min(cursor, max(0, count - 1))
    offset = max(0, target - page // 2)
    rows = session.reads.with_post_states(ranked.window(f, offset, page * 2, count), now)
    return TaskListPage(f, count, offset, rows, target, session.reads.names())


def _read_from_the_top(session: Session, f: Filter, now: dt.datetime, page: int) -> TaskListPage:
    """A new list (a view, a filter): its first rows read on the ranked list's connection while the workspace's counts
    them, where the one connection did one after the other (the count, ~10 ms at 100,000 tasks, then the rows)."""
    counted = _Counting(session, f)
    rows = session.ranked.leading_window(f, page * 2)
    count = counted.result()
    if rows is None:  # a selective filter: read once its count is known
        rows = session.ranked.window(f, 0, page * 2, count)
    return TaskListPage(f, count, 0, session.reads.with_post_states(rows, now), 0, session.reads.names())


class _Counting:
    """``Reads.count`` in a thread of its own; ``result`` waits for it (and raises what it raised)."""

    def __init__(self, session: Session, f: Filter) -> None:
        self._count = 0
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(session, f), name="task-count", daemon=True)
        self._thread.start()

    def _run(self, session: Session, f: Filter) -> None:
        try:
            self._count = session.reads.count(f)
        except BaseException as exc:  # handed to the reader, in its thread
            self._error = exc

    def result(self) -> int:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._count
