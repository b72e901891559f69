"""Deadlines and publish slots in the zones of the people they matter to.

* ``due_in_context``: a due (or a publish slot) as the viewer, the assignee
  and the campaign's audience read it, each labelled with whose time it is,
  and whether it falls outside the member's working hours;
* ``due_outside_hours``: the tasks table's warning marker;
* ``end_of_day``: "due end of day" is the end of the owner's working day;
* ``draft_due``: a draft is due ``lead_hours`` before its publish slot,
  moved back to the end of the writer's working day when that falls
  outside it ("the post goes out Tuesday 09:00 in New York, so the draft is
  due Monday 18:00 in Manila").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from crewdeck.sync.state.zones import zone
from crewdeck.tui.time.roster import day_end, spans_between, week_of, within_hours
from crewdeck.tui.time.when import DEFAULT_DUE_TIME, format_local, localize, parse_utc
from crewdeck.tui.workspace.workspace import Member, shown_handle

_LOOK_BACK = dt.timedelta(days=14)


@dataclass(frozen=True)
class ZonedTime:
    """One reading of an instant: ``whose`` (``you``, ``@raj``, ``audience``, ``set in``), the zone and the text."""

    whose: str
    tz: str
    text: str
    #: For a member: whether the instant is outside their working hours.
    outside_hours: bool | None = None


def due_in_context(
    instant: dt.datetime,
    meant_tz: str,
    *,
    viewer_tz: str,
    now: dt.datetime,
    assignee: Member | None = None,
    viewer: Member | None = None,
    audience_tz: str | None = None,
    clock24: bool = True,
    attendees: Sequence[Member] = (),
    removed: Collection[str] = (),
) -> list[ZonedTime]:
    """The instant in the viewer's, the assignee's, a meeting's ``attendees``', the audience's and the original zone,
    without repeats (each other attendee is read on their own clock, for their own hours, whatever their zone).
    ``removed``: the ids of removed members, whose handles read "ex-@raj" (``shown_handle``)."""
    readings: list[ZonedTime] = []
    seen: set[str] = set()

    def add(whose: str, tz: str, member: Member | None, *, again: bool = False) -> None:
        if tz in seen and not again:
            return
        seen.add(tz)
        # A member with no hours set has none to be outside of: "(outside their hours)" of every due, where the task
        # table's ⚠ (``due_outside_hours``) says nothing.
        outside = None if member is None or not member.hours else not within_hours(member, instant)
        readings.append(ZonedTime(whose, tz, format_local(instant, tz, now, clock24=clock24, reader_tz=viewer_tz), outside))

    add("you", viewer_tz, viewer)
    if assignee is not None:
        add(shown_handle(assignee.handle, assignee.id in removed), assignee.tz, assignee)
    told = {m.id for m in (viewer, assignee) if m is not None}
    for attendee in attendees:
        if attendee.id not in told:
            add(shown_handle(attendee.handle, attendee.id in removed), attendee.tz, attendee, again=True)
    if audience_tz:
        add("audience", audience_tz, None)
    add("set in", meant_tz, None)
    return readings


def due_outside_hours(assignee: Member | None, due_utc: str | None) -> bool:
    """Whether a task's due falls outside its assignee's working hours (the end of a span is inside)."""
    if assignee is None or not due_utc or not assignee.hours:
        return False
    return not within_hours(assignee, parse_utc(due_utc))


def end_of_day(owner: Member, day: dt.date, tz: str | None = None) -> dt.datetime:
    """The end of ``owner``'s working day ``day``; 17:00 local on a day they do not work.

    Read on the clock of ``tz`` where given (the zone a repeating deadline was
    set in: its end of day stays there when its owner moves), else on theirs.
    """
    week = week_of(owner) if tz is None else replace(week_of(owner), tz=tz)
    end = day_end(week, day)
    if end is not None:
        return end
    return localize(dt.datetime.combine(day, DEFAULT_DUE_TIME), zone(week.tz)).astimezone(dt.UTC)


def draft_due(slot: dt.datetime, writer: Member | None, lead_hours: int) -> dt.datetime:
    """``lead_hours`` before the slot, or the end of the writer's last working stretch before that."""
    target = slot - dt.timedelta(hours=lead_hours)
    if writer is None or not writer.hours or within_hours(writer, target):
        return target
    before = [s for s in spans_between(writer, target - _LOOK_BACK, target) if s.end <= target]
    return before[-1].end if before else target
