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


def open_crisis_banner(conn: sqlite3.Connection, guest_of: frozenset[str] | None = None) -> list[OpenCrisis]:
    """Every open crisis, oldest first, as the banner shows it.

    ``guest_of``: the campaigns of a guest, who reads their campaigns' posts and nothing else: only the crises that
    may hold a post of theirs, each naming those campaigns alone, without its checklist (tasks a guest does not
    read).  Another client's crisis, its reason and its campaign, is not theirs to read.
    """
    crises = open_crises(conn)
    if guest_of is not None:
        crises = [c for c in crises if not c.campaigns or c.campaigns & guest_of]
    if not crises:
        return []
    # The writes' module, for the checklist's ids: not imported for a banner with nothing to show (the app's start-up).
    from crewdeck.tui.posts.writing import checklist_task_id

    out = []
    for crisis in crises:
        starter = conn.execute("SELECT handle, deleted FROM member WHERE id = ?", (crisis.started_by,)).fetchone()
        ids = [checklist_task_id(crisis.id, index) for index in range(CHECKLIST_MAX)]
        statuses = (
            []
            if guest_of is not None
            else [
                row[0]
                for row in conn.execute(
                    "SELECT status FROM task WHERE deleted = 0 AND id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
                )
            ]
        )
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM campaign WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name",
                (json.dumps(sorted(crisis.campaigns if guest_of is None else crisis.campaigns & guest_of)),),
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
