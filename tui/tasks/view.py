"""A task in words: the detail screen's sections and the text ``y`` copies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.visible import visible
from crewdeck.tui.tasks.deadlines import due_in_context
from crewdeck.tui.tasks.estimates import format_estimate
from crewdeck.tui.tasks.recurrence import Rule
from crewdeck.tui.time.when import format_local, parse_utc
from crewdeck.tui.workspace.workspace import Member, shown_handle

if TYPE_CHECKING:
    from crewdeck.tui.session.detail import TaskDetail

#: After a removed assignee: a new member may have their handle.
_REMOVED = " — removed from this workspace"


def detail_fields(d: TaskDetail, tz: str, now: dt.datetime, clock24: bool) -> list[tuple[str, str]]:
    """The detail's fields that have a value, named: ``("assignee", "@raj (Raj Mehta, Asia/Kolkata)")``."""
    r = d.record
    fields = [
        # A post's state as read stands in for its task status, as in the task list's STATUS column.
        ("state", d.post_state)
        if d.post_state
        else ("status", r["status"] + (f" — declined: {r['decline_reason']}" if r["decline_reason"] else "")),
        # Which crisis holds a paused or missed post, as `post show` says it: "paused" alone did not say why.
        *(("crisis", words) for words in d.held_by),
        (
            "assignee",
            f"@{d.assignee.handle} ({d.assignee.name}, {d.assignee.tz}){_REMOVED if d.assignee_removed else ''}"
            if d.assignee
            else "nobody",
        ),
        ("priority", r["priority"]),
        ("campaign", (d.campaign or "") + (f" / {r['platform']}" if r["platform"] else "")),
        ("tags", " ".join(f"#{t}" for t in r["tags"])),
        ("estimate", format_estimate(r["estimate"])),
        ("created", created_text(d.creator, r["created_at"], tz, now, clock24)),
    ]
    if r["meeting"]:
        fields.append(("meeting", meeting_text(r["meeting"].get("minutes"), d.attendees, d.removed)))
    if r["snoozed_until"]:
        fields.append(("snoozed until", snooze_text(r["snoozed_until"], tz, now, clock24)))
    if r["duplicate_of"]:
        fields.append(("duplicate of", f"{short(r['duplicate_of'])} {d.duplicates or '(no such task here)'}"))
    if r["recurrence"] and r["recurrence"].get("rule"):
        rule = Rule.from_json(r["recurrence"]["rule"])
        fields.append(("repeats", f"{rule.text()} (this one: {r['recurrence']['on']})"))
    # A guest reads no assignee (``GUEST_UNREAD``): "nobody" would say the post is nobody's.
    return [(name, value) for name, value in fields if value and not (d.guest and name == "assignee")]


def created_text(creator: str | None, created_at: str | None, tz: str, now: dt.datetime, clock24: bool) -> str:
    """``by @ana today 10:30``; a task an older crewdeck stored without its creation time: ``by @ana (time not recorded)``."""
    when = format_local(parse_utc(created_at), tz, now, clock24=clock24) if created_at else ""
    if not creator:
        return when
    return f"by @{creator} {when or '(time not recorded)'}"


def snooze_text(value: str | dict[str, str], tz: str, now: dt.datetime, clock24: bool) -> str:
    """On the reader's clock, and on the clock it was meant on where that is another:
    ``tmrw 03:00 EST (set in: tmrw 09:00 CET)``.  A snooze an older crewdeck stored is an instant alone."""
    utc, meant_tz = (value["utc"], value["tz"]) if isinstance(value, dict) else (value, tz)
    instant = parse_utc(utc)
    read = format_local(instant, tz, now, clock24=clock24)
    if meant_tz == tz:
        return read
    return f"{read} (set in: {format_local(instant, meant_tz, now, clock24=clock24, reader_tz=tz)})"


def meeting_text(minutes: int | None, attendees: tuple[tuple[Member, bool], ...], removed: Collection[str] = ()) -> str:
    """``30m with @ana @raj, optional @sofia``; a member of ``removed`` (ids) reads "ex-@raj" (``shown_handle``)."""
    required = " ".join(shown_handle(m.handle, m.id in removed) for m, needed in attendees if needed)
    optional = " ".join(shown_handle(m.handle, m.id in removed) for m, needed in attendees if not needed)
    return (
        (f"{minutes}m" if minutes else "a meeting")
        + (f" with {required}" if required else "")
        + (f", optional {optional}" if optional else "")
    )


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
        attendees=[member for member, _ in detail.attendees] if name == "due" else [],
        removed=detail.removed,
    )
    return [f"{r.whose}: {r.text}" + (" (outside their hours)" if r.outside_hours and r.whose != "you" else "") for r in readings]


def task_as_text(detail: TaskDetail, viewer: Member, now: dt.datetime, clock24: bool) -> str:
    r = detail.record
    # A post reads its state, with its round, as its detail says it: its task status ("todo") says nothing of it.
    status = f"state: {detail.post_state}" if detail.post_state is not None else f"status: {r['status']}"
    lines = [f"{detail.title}  [{short(detail.id)}]", status if detail.guest else f"{status}   priority: {r['priority']}"]
    if detail.assignee:
        lines.append(f"assignee: @{detail.assignee.handle} ({detail.assignee.name}){_REMOVED if detail.assignee_removed else ''}")
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
    if detail.post_state is not None:
        # What a verdict covers, as the detail shows it: a reviewer's copy of a post for someone else held none of it.
        lines += [f"link: {r['link']}"] if r["link"] else []
        lines += [f"media: {reference}" for reference in r["media"] or []]
    # Copied text is pasted into terminals: every line shown (crewdeck.sync.state.visible), the notes keeping their own lines.
    shown = [visible(line) for line in lines]
    if detail.post_state is not None:
        shown.extend(["", "copy:", visible(r["copy"], multiline=True) if r["copy"] else "(none yet)"])
        if r["first_comment"]:
            shown.extend(["", "first comment:", visible(r["first_comment"], multiline=True)])
    if r["notes"]:
        shown.extend(["", visible(r["notes"], multiline=True)])
    return "\n".join(shown)
