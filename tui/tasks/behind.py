"""Which repeating series are behind: the check every task list makes before it lists.

Kept apart from ``recurrence`` (which makes the next instances, with
``catch_up``) so that a list whose series are all up to date imports none
of the machinery that reads rules and working days.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from crewdeck.sync.state.records import OPEN_STATUSES
from crewdeck.tui.time.when import utc_iso

if TYPE_CHECKING:
    from crewdeck.tui.workspace.workspace import Workspace

#: The latest instance of each live series, when it is closed, deleted or past its time.
BEHIND = f"""
SELECT t.id FROM task t
WHERE t.series IS NOT NULL
  AND json_extract(t.recurrence, '$.rule') IS NOT NULL
  AND json_extract(t.recurrence, '$.on') =
      (SELECT max(json_extract(r.recurrence, '$.on')) FROM task r WHERE r.series = t.series)
  AND (t.deleted = 1 OR t.status NOT IN ({", ".join(f"'{s}'" for s in OPEN_STATUSES)}) OR t.due_utc <= ?)
ORDER BY t.id
"""


def needs_catch_up(ws: Workspace, now: dt.datetime) -> bool:
    """A cheap check before ``recurrence.catch_up`` (indexed by series): does any series need its next instance?"""
    return ws.conn.execute(BEHIND + " LIMIT 1", (utc_iso(now),)).fetchone() is not None
