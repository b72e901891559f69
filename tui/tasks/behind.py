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

_OPEN = ", ".join(f"'{s}'" for s in OPEN_STATUSES)

#: The latest instance of each live series, when it is closed or past its time, or deleted while no other instance of
#: the series is open and ahead.  One deleted by hand is an occurrence skipped; one whose making an undo took back left
#: the series (its ``series`` is none), and the one before it is the latest again.  An older crewdeck's undo left it in:
#: with the instance done again open and ahead, that series is not behind, where it was given a third a week on.
BEHIND = f"""
SELECT t.id FROM task t
WHERE t.series IS NOT NULL
  AND json_extract(t.recurrence, '$.rule') IS NOT NULL
  AND json_extract(t.recurrence, '$.on') =
      (SELECT max(json_extract(r.recurrence, '$.on')) FROM task r WHERE r.series = t.series)
  AND (t.status NOT IN ({_OPEN}) OR t.due_utc <= :now
       OR (t.deleted = 1 AND NOT EXISTS (
           SELECT 1 FROM task o WHERE o.series = t.series AND o.deleted = 0 AND o.status IN ({_OPEN})
             AND (o.due_utc IS NULL OR o.due_utc > :now))))
ORDER BY t.id
"""


def needs_catch_up(ws: Workspace, now: dt.datetime) -> bool:
    """A cheap check before ``recurrence.catch_up`` (indexed by series): does any series need its next instance?"""
    return ws.conn.execute(BEHIND + " LIMIT 1", {"now": utc_iso(now)}).fetchone() is not None
