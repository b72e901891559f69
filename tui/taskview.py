"""A task in words: the detail screen's sections and the text ``y`` copies."""

from __future__ import annotations

import datetime as dt

from sync.ids import short

from .edits import format_estimate
from .session import TaskDetail
from .when import format_local, parse_utc


def when_in_zones(utc: str, zones: list[tuple[str, str]], now: dt.datetime, clock24: bool) -> list[str]:
    """``utc`` in each ``(whose, zone)``, each zone once: "you: Fri 11-27 17:00 CET"."""
    instant = parse_utc(utc)
    seen: set[str] = set()
    lines = []
    for whose, tz in zones:
        if tz in seen:
            continue
        seen.add(tz)
        lines.append(f"{whose}: {format_local(instant, tz, now, clock24=clock24)}")
    return lines


def due_lines(detail: TaskDetail, viewer_tz: str, now: dt.datetime, clock24: bool, name: str = "due") -> list[str]:
    """A due date or publish slot in the viewer's, the assignee's and the audience's zone."""
    value = detail.record[name]
    if not value:
        return []
    zones = [("you", viewer_tz), ("meant in", value["tz"])]
    if detail.assignee:
        zones.append((f"@{detail.assignee.handle}", detail.assignee.tz))
    if detail.campaign_tz:
        zones.append(("audience", detail.campaign_tz))
    return when_in_zones(value["utc"], zones, now, clock24)


def task_as_text(detail: TaskDetail, viewer_tz: str, now: dt.datetime, clock24: bool) -> str:
    r = detail.record
    lines = [f"{r['title']}  [{short(detail.id)}]", f"status: {r['status']}   priority: {r['priority']}"]
    if detail.assignee:
        lines.append(f"assignee: @{detail.assignee.handle} ({detail.assignee.name})")
    if detail.campaign:
        lines.append(f"campaign: {detail.campaign}" + (f" / {r['platform']}" if r["platform"] else ""))
    if r["due"]:
        lines.append("due: " + "; ".join(due_lines(detail, viewer_tz, now, clock24)))
    if r["publish"]:
        lines.append("publish: " + "; ".join(due_lines(detail, viewer_tz, now, clock24, "publish")))
    if r["tags"]:
        lines.append("tags: " + " ".join(f"#{t}" for t in r["tags"]))
    if r["estimate"]:
        lines.append(f"estimate: {format_estimate(r['estimate'])}")
    if r["notes"]:
        lines.extend(["", r["notes"]])
    return "\n".join(lines)
