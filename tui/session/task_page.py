"""What the tasks pane shows of one query: how many tasks match, and the rows around the cursor."""

from __future__ import annotations

import datetime as dt
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
    ranked = session.ranked
    count = ranked.count(f)
    position = ranked.position(f, cursor_key) if cursor_key else None
    target = position if position is not None else min(cursor, max(0, count - 1))
    page = max(height, MIN_PAGE)
    offset = max(0, target - page // 2)
    rows = session.reads.with_post_states(ranked.window(f, offset, page * 2, count), now)
    return TaskListPage(f, count, offset, rows, target, session.reads.names())
