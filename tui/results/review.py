"""The opt-in review task: a campaign that falls off its targets gets one, for a manager.

Off unless the workspace's ``review_off_target`` setting is on (``crewdeck
kpi review on``).  After results are written, each campaign they touch is
checked over its run against its targets; a target missed now and not
before the write adds one task, assigned to the first manager by handle.
Its id is derived from the campaign and the day, so two members' imports
that day add one task, not two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from crewdeck.sync.state.writes import Writer
from crewdeck.tui.ledger.actions import derived_id
from crewdeck.tui.results import report
from crewdeck.tui.results.keys import Key
from crewdeck.tui.workspace.workspace import Workspace, campaign_slug

#: What a campaign's missed targets are: campaign -> the targets' texts.
Misses = dict[str, set[str]]


def campaigns_of(ws: Workspace, keys: Iterable[Key]) -> set[str]:
    """The campaigns results under these keys count for (a post's is its task's)."""
    out = set()
    for key in keys:
        if key.campaign:
            out.add(key.campaign)
        elif key.post:
            row = ws.conn.execute("SELECT campaign FROM task WHERE id = ?", (key.post,)).fetchone()
            if row and row[0]:
                out.add(row[0])
    return out


def enabled(ws: Workspace) -> bool:
    row = ws.conn.execute("SELECT review_off_target FROM workspace").fetchone()
    return bool(row and row[0])


def misses(ws: Workspace, campaigns: Iterable[str]) -> Misses:
    """Each campaign's missed targets over its run (all its days when it has no dates)."""
    out: Misses = {}
    for campaign_id in campaigns:
        info = ws.campaign(campaign_id)
        if info is None:
            continue
        start = dt.date.fromisoformat(info.start) if info.start else dt.date(1900, 1, 1)
        end = dt.date.fromisoformat(info.end) + dt.timedelta(days=1) if info.end else dt.date(9999, 1, 1)
        built = report.build(ws.conn, ws.base_currency, bounds=(start, end), campaign=campaign_id)
        out[campaign_id] = {str(t) for g in built.groups if g.campaign == campaign_id for t, _ in g.missed}
    return out


def add_tasks(ws: Workspace, w: Writer, before: Misses, today: dt.date, now_text: str) -> list[tuple[str, str, str]]:
    """A review task per campaign that misses a target it met before; each one's id, title and manager's handle."""
    after = misses(ws, before)
    managers = sorted((m for m in ws.members() if m.is_manager), key=lambda m: m.handle)
    added = []
    for campaign_id, missed_now in after.items():
        fallen = missed_now - before.get(campaign_id, set())
        if not fallen or not managers:
            continue
        task_id = derived_id("off-target review", campaign_id, today.isoformat())
        if ws.store.record("task", task_id) is not None:
            continue
        info = ws.campaign(campaign_id)
        name = info.name if info else campaign_id[:8]
        title = f"Review +{campaign_slug(campaign_id, name)}: off target ({', '.join(sorted(fallen))})"
        w.create(
            "task",
            {
                "title": title,
                "status": "todo",
                "priority": "high",
                "campaign": campaign_id,
                "assignee": managers[0].id,
                "created_by": w.member,
                "created_at": now_text,
            },
            row_id=task_id,
        )
        added.append((task_id, title, managers[0].handle))
    return added
