"""Tasks as lists: windows of rows from the store, and their plain-text form.

The CLI prints these rows; the app's table asks for the window it shows.
Both sort in SQLite, so no list ever holds more rows than are shown.
A long list (``crewdeck tasks all``) is read as it is printed (``stream``),
a window of rows at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.records import OPEN_STATUSES
from crewdeck.sync.state.schema import TASK_FILTER_COLUMNS
from crewdeck.tui.posts.states import CLOSED as CLOSED_POST_STATES
from crewdeck.tui.tasks import urgency
from crewdeck.tui.time.when import format_local, parse_utc, relative
from crewdeck.tui.workspace.placeholders import untitled_task
from crewdeck.tui.workspace.workspace import member_json

#: Ties last by id, as the app's ranked index breaks them (``crewdeck.tui.tasks.index``): every member's copy lists
#: them alike, where by rowid, which follows the order a replica pulled the rows in, two copies differed.
SORTS = {
    "urgency": "score DESC, t.due_utc IS NULL, t.due_utc, t.id",
    "due": "t.due_utc IS NULL, t.due_utc, score DESC, t.id",
    "created": "t.created_at DESC, t.id",
    "title": "t.title COLLATE NOCASE, t.id",
}

COLUMNS = (
    "t.id, t.title, t.status, t.priority, t.assignee, t.campaign, t.platform, t.due_utc, t.due_tz, "
    "t.publish_utc, t.publish_tz, t.tags, t.created_by, t.created_at, t.updated_op, t.snoozed_until"
)


@dataclass(frozen=True)
class TaskRow:
    id: str
    title: str
    status: str
    priority: str
    assignee: str | None
    campaign: str | None
    platform: str | None
    due_utc: str | None
    due_tz: str | None
    publish_utc: str | None
    publish_tz: str | None
    tags: tuple[str, ...]
    created_by: str | None
    created_at: str | None
    updated_op: str | None
    snoozed_until: str | None
    score: float
    #: A post's state as read now (``with_post_states``); ``None`` for a task that is not a post, or not read yet.
    post_state: str | None = None

    @property
    def short_id(self) -> str:
        return short(self.id)

    @property
    def due(self) -> dt.datetime | None:
        return parse_utc(self.due_utc) if self.due_utc else None


def with_post_states(rows: list[TaskRow], states: dict[str, str]) -> list[TaskRow]:
    """The rows, each post's with its state (``crewdeck.tui.posts.reading.states_of``)."""
    return [replace(row, post_state=states[row.id]) if row.id in states else row for row in rows] if states else rows


def row_from_sql(r: tuple[Any, ...]) -> TaskRow:
    """A ``TaskRow`` from ``SELECT COLUMNS, score``; an untitled task shows a placeholder (see ``placeholders``)."""
    title = r[1]
    if title.__class__ is not str or not title.strip():
        title = untitled_task(r[0])
    tags = tuple(json.loads(r[11] or "[]"))
    return TaskRow(
        r[0], title, r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], tags, r[12], r[13], r[14], r[15], round(float(r[16]), 2)
    )


def select_sql(where: str, now: dt.datetime, order: str = "urgency") -> str:
    return f"SELECT {COLUMNS}, {urgency.sql(now, 't')} AS score FROM task t WHERE {where} ORDER BY {SORTS[order]}"


def fetch(
    conn: sqlite3.Connection,
    where: str,
    params: list[Any],
    now: dt.datetime,
    *,
    order: str = "urgency",
    limit: int = -1,
    offset: int = 0,
) -> list[TaskRow]:
    sql = select_sql(where, now, order) + " LIMIT ? OFFSET ?"
    return [row_from_sql(r) for r in conn.execute(sql, [*params, limit, offset])]


#: A column the filter reads: the query compiler names every one ``t.<column>``.
_FILTER_COLUMN = re.compile(r"\bt\.(\w+)")


#: Rows read at a time by ``stream``.
WINDOW = 2_000


def _keys_sql(where: str, now: dt.datetime, order: str, source: str = "task t") -> str:
    """The matching tasks' rowids in the list's order (with their score): all SQLite sorts is these two numbers a row
    and the id that breaks a tie (the same on every copy, where a rowid is not)."""
    return f"SELECT t.rowid AS r, {urgency.sql(now, 't')} AS score FROM {source} WHERE {where} ORDER BY {SORTS[order]} LIMIT ?"


def stream(
    conn: sqlite3.Connection,
    where: str,
    params: list[Any],
    now: dt.datetime,
    columns: Sequence[str],
    *,
    order: str = "urgency",
    limit: int = -1,
    window: int = WINDOW,
    rowids: Sequence[int] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """``columns`` (of ``task AS t``) and the score of the rows ``fetch`` reads, in its order, ``window`` rows at a time.

    Only the rowids and scores (and the ids that break ties) go through SQLite's sorter, and the rows are
    read by rowid in sorted order: sorting the columns shown with them
    (titles above all) took 880 ms of 100,000 tasks, the keys alone 310 ms.
    ``rowids``: the matching rows, found already (``few_matching``):
    fetched by rowid, not looked for again, and sorted whole (they are few).
    """
    if rowids is not None:
        where, params = f"t.rowid IN (SELECT value FROM json_each(?)) AND ({where})", [json.dumps(rowids), *params]
        sql = f"SELECT {', '.join(columns)}, {urgency.sql(now, 't')} AS score FROM task t WHERE {where} ORDER BY {SORTS[order]} LIMIT ?"
    else:
        # CROSS JOIN keeps the sorted keys the outer loop, and a subquery with a LIMIT is not flattened into
        # a join: the rows come out in the keys' order.
        keys = _keys_sql(where, now, order, _rows_source(where))
        # The keys of 100,000 tasks outgrow the sorter's memory: spilled to a temporary file they sorted in
        # 420 ms, kept in memory (7 MB) in 270 ms.
        conn.execute("PRAGMA temp_store = MEMORY")
        sql = f"SELECT {', '.join(columns)}, k.score FROM ({keys}) AS k CROSS JOIN task t ON t.rowid = k.r"
    cursor = conn.execute(sql, [*params, limit])
    while chunk := cursor.fetchmany(window):
        yield from chunk


def _source(where: str, columns: str = "") -> str:
    """``task t``, read through the narrow filter index when it holds every column ``where`` (and ``columns``) reads.

    Told nothing about how the values spread, the planner would rather seek a
    range of due dates and fetch each row in it, most of them only to drop
    them, than read the narrow index whole and fetch only the rows that match.
    """
    covered = set(_FILTER_COLUMN.findall(f"{where} {columns}")) <= set(TASK_FILTER_COLUMNS)
    return "task t INDEXED BY task_filter" if covered else "task t"


#: What every list's filter reads (not deleted, the statuses listed, not snoozed) and the due range the due index seeks.
_SEEKABLE_OR_ALWAYS = frozenset({"deleted", "status", "snoozed_until", "due_utc"})


def _rows_source(where: str) -> str:
    """Where ``stream`` reads its rows from: the filter index when the filter narrows by what no index seeks.

    A tag, a person, a priority or a campaign is only checked in a row: by a
    seek on the due index, every row in the due range is fetched and most
    are dropped (~15,000 fetched for ~1,500 listed in a 2-week range of
    100,000 tasks).  Read through the filter index, only the matching rows
    are fetched.  A filter by due dates alone (or none) keeps the planner's
    own choice: there every row in the range is listed anyway.
    """
    narrowing = set(_FILTER_COLUMN.findall(where)) - _SEEKABLE_OR_ALWAYS
    return _source(where) if narrowing else "task t"


#: At most this many matching tasks are read ahead, in one pass, for a list's column widths (``few_matching``).
FEW = 5_000
#: What ``few_matching`` reads of each task besides its rowid: the columns whose widths a printed list measures.
MEASURED = "t.status, t.priority, t.assignee, t.campaign, t.platform, t.due_utc"


def few_matching(conn: sqlite3.Connection, where: str, params: list[Any], *, limit: int) -> list[tuple[Any, ...]] | None:
    """The matching tasks' rowids and ``MEASURED`` columns, read from the filter index in one pass, when they are at most ``FEW``; else ``None``.

    A short list is measured from these rows and its rows fetched by rowid
    (``stream``'s ``rowids``): one pass over the filter index where the
    distinct values (``distinct``) and the rows each took their own.  A
    longer list, or one with a ``limit`` (its widths are those of the rows
    shown), is measured in SQLite: never more than ``FEW`` rows are held.
    """
    if limit >= 0 or _source(where, MEASURED) == "task t":
        return None
    cursor = conn.execute(f"SELECT t.rowid, {MEASURED} FROM task t INDEXED BY task_filter WHERE {where}", params)
    rows = cursor.fetchmany(FEW + 1)
    cursor.close()
    return rows if len(rows) <= FEW else None


def distinct(conn: sqlite3.Connection, where: str, params: list[Any], now: dt.datetime, columns: str, *, order: str, limit: int) -> Any:
    """The distinct values of ``columns`` over the rows ``stream`` reads (a cursor): what a listing's column widths need."""
    if limit < 0:
        # From the narrow filter index alone when it holds every column read.
        return conn.execute(f"SELECT DISTINCT {columns} FROM {_source(where, columns)} WHERE {where}", params)
    keys = f"SELECT r FROM ({_keys_sql(where, now, order)})"
    return conn.execute(f"SELECT DISTINCT {columns} FROM task t WHERE t.rowid IN ({keys})", [*params, limit])


def posts_listed(conn: sqlite3.Connection, where: str, params: list[Any], now: dt.datetime, *, order: str, limit: int) -> list[str]:
    """The posts among the tasks ``stream`` reads: their states, not their task statuses, fill the STATUS column."""
    # Through the posts' own small index: a list with no post in it costs one seek.
    matching = conn.execute(f"SELECT t.id FROM task t INDEXED BY task_posts WHERE t.post_state IS NOT NULL AND ({where})", params)
    posts = [task_id for (task_id,) in matching]
    if not posts or limit < 0:
        return posts
    found = distinct(conn, where, params, now, "t.id, t.post_state IS NOT NULL", order=order, limit=limit)
    return [task_id for task_id, is_post in found if is_post]


def count_sql(where: str) -> str:
    """The count of the tasks matching ``where``: from the filter index when it has every column ``where`` reads."""
    return f"SELECT count(*) FROM {_source(where)} WHERE {where}"


def count(conn: sqlite3.Connection, where: str, params: list[Any]) -> int:
    return int(conn.execute(count_sql(where), params).fetchone()[0])


def is_open(status: str, post_state: str | None) -> bool:
    """Whether a task is still to be done: a post until it is out (published, pulled), any other task by its status."""
    return post_state not in CLOSED_POST_STATES if post_state else status in OPEN_STATUSES


def due_words(due_utc: str | None, viewer_tz: str, now: dt.datetime, clock24: bool = True, *, closed: bool = False) -> str:
    """A due instant as a list shows it: ``Fri 12-04 17:00 CET (in 2d)``; ``closed`` (a task done, a post out): a past
    one is ``(2d ago)``, not late."""
    if not due_utc:
        return ""
    due = parse_utc(due_utc)
    return f"{format_local(due, viewer_tz, now, clock24=clock24)} ({relative(due, now, closed=closed)})"


def as_json(row: TaskRow, handles: dict[str, str], campaigns: dict[str, str], removed: Collection[str]) -> dict[str, Any]:
    """``tasks --json``'s row; ``removed``: the ids of removed members (``Workspace.removed_ids``)."""
    assignee = handles.get(row.assignee) if row.assignee else None
    return {
        "id": row.id,
        "short_id": row.short_id,
        "title": row.title,
        "status": row.status,
        "priority": row.priority,
        **member_json("assignee", row.assignee, assignee, row.assignee in removed),
        "campaign": campaigns.get(row.campaign) if row.campaign else None,
        "platform": row.platform,
        "due": {"utc": row.due_utc, "tz": row.due_tz} if row.due_utc else None,
        "publish": {"utc": row.publish_utc, "tz": row.publish_tz} if row.publish_utc else None,
        "tags": list(row.tags),
        "urgency": row.score,
        # A post's state as read now, as STATUS shows it (``with_post_states``): "status" stays the task's, which
        # ``status:`` filters; ``None`` for a task that is no post.
        "state": row.post_state,
    }
