"""A task in words: the detail screen's sections and the text ``y`` copies."""

from __future__ import annotations

import datetime as dt

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.visible import visible
from crewdeck.tui.session.detail import TaskDetail
from crewdeck.tui.tasks.deadlines import due_in_context
from crewdeck.tui.tasks.edits import format_estimate
from crewdeck.tui.time.when import parse_utc
from crewdeck.tui.workspace.workspace import Member


def due_lines(detail: TaskDetail, viewer: Member, now: dt.datetime, clock24: bool, name: str = "due") -> list[str]:
    """A due date or publish slot as the viewer, the assignee and the audience read it.

    "you: Fri 11-27 17:00 CET", "@raj: Fri 11-27 21:30 IST (outside their hours)".
    """
    value = detail.record[name]
    if not value:
        return []
    readings = due_in_context(
        parse_utc(value["utc"]),
        value["tz"],
        viewer_tz=viewer.tz,
        now=now,
        assignee=detail.assignee,
        viewer=viewer,
        audience_tz=detail.campaign_tz,
        clock24=clock24,
    )
    return [f"{r.whose}: {r.text}" + (" (outside their hours)" if r.outside_hours and r.whose != "you" else "") for r in readings]


def task_as_text(detail: TaskDetail, viewer: Member, now: dt.datetime, clock24: bool) -> str:
    r = detail.record
    lines = [f"{detail.title}  [{short(detail.id)}]", f"status: {r['status']}   priority: {r['priority']}"]
    if detail.assignee:
        lines.append(f"assignee: @{detail.assignee.handle} ({detail.assignee.name})")
    if detail.campaign:
        lines.append(f"campaign: {detail.campaign}" + (f" / {r['platform']}" if r["platform"] else ""))
    if r["due"]:
        lines.append("due: " + "; ".join(due_lines(detail, viewer, now, clock24)))
    if r["publish"]:
        lines.append("publish: " + "; ".join(due_lines(detail, viewer, now, clock24, "publish")))
    if r["tags"]:
        lines.append("tags: " + " ".join(f"#{t}" for t in r["tags"]))
    if r["estimate"]:
        lines.append(f"estimate: {format_estimate(r['estimate'])}")
    # Copied text is pasted into terminals: every line shown (crewdeck.sync.state.visible), the notes keeping their own lines.
    shown = [visible(line) for line in lines]
    if r["notes"]:
        shown.extend(["", visible(r["notes"], multiline=True)])
    return "\n".join(shown)
