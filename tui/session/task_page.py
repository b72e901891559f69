"""What the tasks pane shows of one query: how many tasks match, and the rows around the cursor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
    #: ``None`` while it is counted: the list's first rows, shown before the count (``read_task_page``'s ``early``).
    count: int | None
    offset: int
    rows: list[TaskRow]
    cursor: int
    names: TaskRowNames

    @classmethod
    def of_first_page(cls, page: FirstPage) -> TaskListPage:
        return cls(page.filter, page.count, 0, page.rows, 0, page.names)


def read_task_page(
    session: Session,
    text: str,
    now: dt.datetime,
    cursor_key: str | None,
    cursor: int,
    height: int,
    early: Callable[[TaskListPage], None] | None = None,
) -> TaskListPage:
    """Query ``text``: the count, and the rows around the cursor's task (or row ``cursor``) for a table ``height`` rows tall.

    ``early``: a new list's (the cursor at the top) first rows are handed to
    it before they are counted, in a page whose ``count`` is ``None``, when
    its filter is not selective (``RankedList.leading_window``): counting
    100,000 tasks takes longer than finding the first rows of most of them.
    The page returned then holds the same rows, counted."""
    f = session.reads.compile(text, now)
    ranked = session.ranked
    page = max(height, MIN_PAGE)
    if early is not None and cursor_key is None and cursor == 0:
        leading = ranked.leading_window(f, page * 2)
        if leading is not None:
            rows, names = session.reads.with_post_states(leading, now), session.reads.names()
            if len(rows) < page * 2:  # every match: counted already
                return TaskListPage(f, len(rows), 0, rows, 0, names)
            early(TaskListPage(f, None, 0, rows, 0, names))
            return TaskListPage(f, ranked.count(f), 0, rows, 0, names)
    count = ranked.count(f)
    position = ranked.position(f, cursor_key) if cursor_key else None
    target = position if position is not None else min(cursor, max(0, count - 1))
    offset = max(0, target - page // 2)
    rows = session.reads.with_post_states(ranked.window(f, offset, page * 2, count), now)
    return TaskListPage(f, count, offset, rows, target, session.reads.names())
