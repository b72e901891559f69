"""Find a task by what a person remembers of it: words of its title (the filter language) or the start of its id.

An answer is how many tasks match and the first few of them, read as a
window of the ranked list (and an indexed range of ids): never the whole list.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from crewdeck.sync.state.ids import MIN_PREFIX, short
from crewdeck.tui.session.session import Session
from crewdeck.tui.workspace.workspace import Workspace

_HEX = re.compile(r"[0-9a-f]+\Z")


@dataclass(frozen=True)
class TaskMatch:
    id: str
    short_id: str
    title: str
    #: Said after the title: its assignee and status.
    note: str


@dataclass(frozen=True)
class Matches:
    """How many tasks match, and the first of them (at most the ``limit`` asked for)."""

    count: int
    tasks: list[TaskMatch]


def search_tasks(session: Session, text: str, now: dt.datetime, *, exclude: frozenset[str], limit: int) -> Matches:
    """Open tasks whose title or notes hold ``text``'s words (``UserError`` for text the filter language refuses),
    after those whose id starts with ``text``; none of ``exclude``."""
    prefix = text.strip().lower()
    by_id = session.access.read(lambda ws: _by_id(ws, prefix, exclude, limit)) if len(prefix) >= MIN_PREFIX and _HEX.match(prefix) else []
    f = session.reads.compile(text, now)
    ranked = session.ranked
    count = ranked.count(f)
    excluded = sum(1 for task_id in exclude if ranked.position(f, task_id) is not None)
    only_by_id = sum(1 for m in by_id if ranked.position(f, m.id) is None)
    handles = session.reads.names().handles
    matches = list(by_id)
    seen = {m.id for m in by_id}
    # The excluded tasks may be among the first rows: read as many more.
    for row in ranked.window(f, 0, limit + len(exclude), count):
        if row.id not in exclude and row.id not in seen:
            matches.append(TaskMatch(row.id, row.short_id, row.title, _note(handles.get(row.assignee or ""), row.status)))
            seen.add(row.id)
    return Matches(count - excluded + only_by_id, matches[:limit])


def _by_id(ws: Workspace, prefix: str, exclude: frozenset[str], limit: int) -> list[TaskMatch]:
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    rows = ws.conn.execute(
        "SELECT id, title, status, assignee FROM task WHERE id >= ? AND id < ? AND deleted = 0 ORDER BY id LIMIT ?",
        (prefix, upper, limit + len(exclude)),
    ).fetchall()
    handles = ws.shown_handles()
    return [TaskMatch(r[0], short(r[0]), r[1], _note(handles.get(r[3] or ""), r[2])) for r in rows if r[0] not in exclude]


def _note(handle: str | None, status: str) -> str:
    """ "@raj · todo": ``handle`` as shown (``Workspace.shown_handles``)."""
    return f"{handle} · {status}" if handle else status
