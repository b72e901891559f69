"""Deadlines, publish slots and booked meetings as an RFC 5545 calendar.

Each open task with a due date is an event at that instant, written in the
zone the due was meant in (``DTSTART;TZID=Asia/Kolkata:...``) with a
``VTIMEZONE`` for every zone used, so calendar apps show it right in any
zone and across DST changes (an instant at the second of two equal wall times, on a night the clocks go
back, is written in UTC: a ``TZID`` time means the first).  A booked meeting lasts its minutes; a due
date is a moment (no ``DTEND``); a publish slot is a second event in the
audience's zone (a post's with its state in the summary).  A meeting names who booked it (``ORGANIZER``) and every
member asked (an ``ATTENDEE`` each, required or optional, with their name):
members have no e-mail address here, so a member's address is the URN of
their id (``urn:uuid:...``), the same in every export.  UIDs are stable (task id + kind), so importing again
updates events instead of duplicating them.

Text values hold no control characters (RFC 5545's TEXT has none but the
tab; line breaks are written as ``\\n``): a title's or a note's are shown
as ``crewdeck.sync.state.visible.written`` writes them (a joiner as stored), which also keeps the file safe to print.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import TYPE_CHECKING, Any

from crewdeck.sync.state.visible import written
from crewdeck.tui.time.when import in_zone, parse_utc
from crewdeck.tui.workspace.placeholders import text_or, untitled_task
from crewdeck.tui.workspace.workspace import Member, Workspace

if TYPE_CHECKING:
    from icalendar import Event, Timezone

PRODID = "-//crewdeck//crewdeck//EN"

_COLUMNS = "id, title, status, assignee, campaign, platform, due_utc, due_tz, publish_utc, publish_tz, meeting, notes, created_by"


def _tasks(ws: Workspace, member: Member | None) -> list[dict[str, Any]]:
    names = _COLUMNS.split(", ")
    rows = ws.conn.execute(
        f"SELECT {_COLUMNS} FROM task WHERE deleted = 0 AND status NOT IN ('done', 'cancelled') "
        "AND (due_utc IS NOT NULL OR publish_utc IS NOT NULL) ORDER BY coalesce(due_utc, publish_utc), id"
    ).fetchall()
    tasks = [dict(zip(names, row)) for row in rows]
    if member is None:
        return tasks
    return [t for t in tasks if t["assignee"] == member.id or (t["meeting"] and member.id in _attendees(t))]


def _post_states(ws: Workspace, now: dt.datetime) -> dict[str, str]:
    """Each post's state now: its publish slot's event says it."""
    from crewdeck.tui.posts.reading import read_posts

    return {view.id: view.state for view in read_posts(ws.conn, now)}


def _attendees(task: dict[str, Any]) -> list[str]:
    meeting = json.loads(task["meeting"])
    return list(meeting["required"]) + list(meeting["optional"])


def member_address(member_id: str) -> str:
    """A member's calendar address: the URN of their id."""
    return uuid.UUID(hex=member_id).urn


def _add_people(event: Event, ws: Workspace, task: dict[str, Any], handles: dict[str, str]) -> None:
    from icalendar import vCalAddress

    meeting = json.loads(task["meeting"])
    people = [("ORGANIZER", task["created_by"], "")] if task["created_by"] else []
    people += [("ATTENDEE", i, "REQ-PARTICIPANT") for i in meeting["required"]]
    people += [("ATTENDEE", i, "OPT-PARTICIPANT") for i in meeting["optional"]]
    for name, member_id, role in people:
        address = vCalAddress(member_address(member_id))
        member = ws.member(member_id)
        address.params["cn"] = written(member.name if member and member.name else f"@{handles.get(member_id, '?')}")
        address.params["x-crewdeck-handle"] = written(f"@{handles.get(member_id, '?')}")
        if role:
            address.params["cutype"] = "INDIVIDUAL"
            address.params["role"] = role
            address.params["partstat"] = "NEEDS-ACTION"
        event.add(name.lower(), address)


def _calendar_time(instant: dt.datetime, tz_name: str) -> dt.datetime:
    """``instant`` on the wall clock of ``tz_name``, or in UTC where that wall time happens twice and the instant
    is the second: RFC 5545 (3.3.5) reads a ``TZID`` time the clocks repeat as the first of the two."""
    local = in_zone(instant, tz_name)
    return local.astimezone(dt.UTC) if local.fold else local


def calendar(ws: Workspace, now: dt.datetime, member: Member | None = None) -> bytes:
    """The calendar of the workspace's (or one member's) deadlines, slots and meetings."""
    from icalendar import Calendar, Event, Timezone

    handles = ws.handles()
    campaigns = ws.campaign_names()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", written(f"{ws.name}" + (f" (@{member.handle})" if member else "")))
    days: list[dt.date] = []
    post_states = _post_states(ws, now)
    for task in _tasks(ws, member):
        title = text_or(task["title"], untitled_task(task["id"]))
        details = []
        if task["assignee"]:
            details.append(f"assignee: @{handles.get(task['assignee'], '?')}")
        if task["campaign"]:
            details.append(f"campaign: +{campaigns.get(task['campaign'], '?')}" + (f"/{task['platform']}" if task["platform"] else ""))
        # A post's status is its state, as the task list shows it: a scheduled post's task status ("inbox") says nothing.
        state = post_states.get(task["id"])
        details.append(f"state: {state.replace('-', ' ')}" if state else f"status: {task['status']}")
        if task["notes"]:
            details.append(task["notes"])
        for kind, utc_text, tz_name in (("due", task["due_utc"], task["due_tz"]), ("publish", task["publish_utc"], task["publish_tz"])):
            if not utc_text:
                continue
            instant = parse_utc(utc_text)
            start = _calendar_time(instant, tz_name)
            event = Event()
            event.add("uid", f"{task['id']}-{kind}@crewdeck")
            event.add("dtstamp", now)
            event.add("dtstart", start)
            if kind == "publish":
                shown = (f" ({task['platform']})" if task["platform"] else "") + (f" [{state.replace('-', ' ')}]" if state else "")
                event.add("summary", written(f"Publish: {title}{shown}"))
            elif task["meeting"]:
                event.add("summary", written(title))
                # Its minutes after the instant it starts: added to a wall time, they cross a change of clocks wrong.
                event.add("dtend", _calendar_time(instant + dt.timedelta(minutes=json.loads(task["meeting"])["minutes"]), tz_name))
                attendees = ", ".join(f"@{handles.get(i, '?')}" for i in _attendees(task))
                details.insert(0, f"attendees: {attendees}")
                _add_people(event, ws, task, handles)
            else:
                event.add("summary", written(f"Due: {title}"))
            event.add("description", written("\n".join(details), multiline=True))
            event.add("x-crewdeck-task", task["id"])
            cal.add_component(event)
            days.append(start.date())
    if days:
        # A year of zone rules past the last event.  icalendar works a little beyond the span it is
        # given, so the span keeps two years clear of the calendar's ends (events there stay in).
        margin = dt.timedelta(days=2 * 366)

        def inside(day: dt.date) -> dt.date:
            return min(max(day, dt.date.min + margin), dt.date.max - margin)

        first, last = inside(min(days)) - dt.timedelta(days=1), inside(max(days)) + dt.timedelta(days=366)
        # By name, not as ``add_missing_timezones`` iterates a set: the same workspace, the same file, from any process.
        zones = [
            _onsets_before_the_change(Timezone.from_tzid(tzid, first_date=first, last_date=last))
            for tzid in sorted(cal.get_missing_tzids())
        ]
        cal.subcomponents[:0] = zones
    return bytes(cal.to_ical())


def _onsets_before_the_change(timezone: Timezone) -> Timezone:
    """RFC 5545 dates a change of clocks by its wall time before the change (TZOFFSETFROM): 02:00 for New
    York's spring forward.  icalendar dates a change forward by the first wall time after it (03:00), which
    an app that reads the VTIMEZONE takes for an hour later; a change back it dates right."""
    for observance in timezone.subcomponents:
        forward = observance.decoded("tzoffsetto") - observance.decoded("tzoffsetfrom")
        if forward <= dt.timedelta(0):
            continue
        observance.DTSTART = observance.decoded("dtstart") - forward
        found = observance.pop("RDATE", [])  # one property holding the dates, or several
        rdates = [d.dt - forward for rdate in (found if isinstance(found, list) else [found]) for d in rdate.dts]
        if rdates:
            observance.add("RDATE", rdates)
    return timezone
