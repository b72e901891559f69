"""What the crisis banner says: each open crisis, who started it and when, and its checklist's progress."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass

from crewdeck.tui.posts.reading import open_crises
from crewdeck.tui.workspace.workspace import shown_handle

#: The most items a crisis checklist may have (``records.checklist_item``'s list limit).
CHECKLIST_MAX = 50
#: Task statuses that tick a checklist item off.
DONE = ("done", "cancelled")


@dataclass(frozen=True)
class OpenCrisis:
    id: str
    reason: str
    started_by: str
    started_at: dt.datetime
    #: "all posts", or the campaigns' names and the platforms.
    scope: str
    done: int
    total: int


def open_crisis_banner(conn: sqlite3.Connection) -> list[OpenCrisis]:
    """Every open crisis, oldest first, as the banner shows it."""
    crises = open_crises(conn)
    if not crises:
        return []
    # The writes' module, for the checklist's ids: not imported for a banner with nothing to show (the app's start-up).
    from crewdeck.tui.posts.writing import checklist_task_id

    out = []
    for crisis in crises:
        starter = conn.execute("SELECT handle, deleted FROM member WHERE id = ?", (crisis.started_by,)).fetchone()
        ids = [checklist_task_id(crisis.id, index) for index in range(CHECKLIST_MAX)]
        statuses = [
            row[0]
            for row in conn.execute(
                "SELECT status FROM task WHERE deleted = 0 AND id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
            )
        ]
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM campaign WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name",
                (json.dumps(sorted(crisis.campaigns)),),
            )
        ]
        scope = ", ".join([*names, *sorted(crisis.platforms)]) or "all posts"
        out.append(
            OpenCrisis(
                crisis.id,
                crisis.reason,
                shown_handle(starter[0], bool(starter[1])) if starter and starter[0] else "someone",
                crisis.started_at,
                scope,
                sum(1 for status in statuses if status in DONE),
                len(statuses),
            )
        )
    return out
