"""What the deadline grid shows, built from a workspace (no Textual).

``build_grid(ws, day, zone, now)`` returns a ``Grid`` that the widget
``crewdeck.widgets.deadline_grid.DeadlineGrid`` draws as it is (the dataclasses
here have exactly the attributes of the widget's ``Grid*Like`` protocols).
Columns are the half hours (or hours) of ``day`` in ``zone``, from local
midnight to the next local midnight, so a DST day has 46 or 50 half hours;
where the clocks change by less than a column (Lord Howe's half hour, drawn
by the hour) the part of an hour left is a column of its own, shorter, and
the next starts on the hour again.
Rows are the members, grouped by zone and ordered by offset (west first).
Deadlines and publish slots of the day are markers on their assignee's
row, a booked meeting's start on each attendee's row too (a meeting is
booked with no assignee); others have no row to sit on and are left out.

``zone_choices`` lists the zones a grid is worth drawing in: the viewer's,
each member's and each campaign audience's, with the local time now.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.zones import offset_text
from crewdeck.sync.state.zones import zone as zone_info
from crewdeck.tui.time.roster import Timeline, wall_instant
from crewdeck.tui.time.when import clock_now, clock_text, format_local, hour_mark, parse_utc, zone_abbrev, zone_label
from crewdeck.tui.workspace.placeholders import text_or, untitled_task
from crewdeck.tui.workspace.workspace import Campaign, Member, Workspace

RESOLUTIONS = (30, 60)
SOON = dt.timedelta(hours=24)


@dataclass(frozen=True)
class GridColumn:
    start: dt.datetime
    label: str
    title: str
    transition: str = ""


@dataclass(frozen=True)
class GridMarker:
    column: int
    kind: str
    urgency: str
    text: str
    task_id: str = ""


@dataclass(frozen=True)
class GridRow:
    key: str
    label: str
    group: str
    cells: str
    local: tuple[str, ...]
    days: tuple[str, ...]
    transitions: tuple[tuple[int, str], ...] = ()
    markers: tuple[GridMarker, ...] = ()


@dataclass(frozen=True)
class Grid:
    title: str
    zone: str
    day: dt.date
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]
    cells_per_hour: int
    now_column: int | None
    members: tuple[Member, ...] = field(default=(), repr=False)


def columns_of(day: dt.date, tz: str, resolution: int, clock24: bool = True) -> tuple[GridColumn, ...]:
    """The slices of local ``day`` in ``tz``: as many as the day really has, each starting on a mark of its clock but
    the one a change of clocks by less than a column starts off it (01:30 on Lord Howe's, by the hour)."""
    start, end = wall_instant(day, 0, tz), wall_instant(day + dt.timedelta(days=1), 0, tz)
    step = dt.timedelta(minutes=resolution)
    local_zone = zone_info(tz)
    out = []
    at = start
    previous = None
    while at < end:
        local = at.astimezone(local_zone)
        offset = local.utcoffset()
        label = hour_mark(local, clock24) if local.minute == 0 and local.hour % 3 == 0 else ""
        transition = f"{offset_text(previous)}→{offset_text(offset)}" if previous is not None and offset != previous else ""
        clock = clock_text(local, clock24)
        out.append(GridColumn(at, label, f"{local:%a %m-%d} {clock} {zone_label(at, tz)}", transition))
        previous = offset
        # Back on the local clock's marks after a change that left it off them: 01:30 is followed by 02:00, not 02:30.
        at += step - dt.timedelta(seconds=(local.minute * 60 + local.second) % int(step.total_seconds()))
    return tuple(out)


def _column_ends(columns: tuple[GridColumn, ...], day: dt.date, tz: str) -> list[dt.datetime]:
    """Where each column ends: where the next starts, the last at the next local midnight (none on a day of no columns)."""
    return [c.start for c in columns[1:]] + [wall_instant(day + dt.timedelta(days=1), 0, tz)][: len(columns)]


def _cells(
    member: Member, day: dt.date, columns: tuple[GridColumn, ...], ends: list[dt.datetime], end: dt.datetime, clock24: bool
) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[tuple[int, str], ...]]:
    """Each column's state for ``member``, their clock at its start, their weekday where it is not ``day``, and their
    changes of offset."""
    timeline = Timeline(member, columns[0].start if columns else end, end)
    tz = zone_info(member.tz)
    days_off = set(member.days_off)
    cells = []
    local_times = []
    weekdays = []
    transitions = []
    previous = None
    for i, (column, end) in enumerate(zip(columns, ends, strict=True)):
        local = column.start.astimezone(tz)
        if timeline.covering(column.start, end):
            cells.append("w")
        elif any(s.start < end and s.end > column.start for s in timeline.nearest(column.start, end)):
            cells.append("p")
        elif local.date().isoformat() in days_off:
            cells.append("x")
        else:
            cells.append(".")
        local_times.append(clock_text(local, clock24))
        weekdays.append("" if local.date() == day else f"{local:%a}")
        offset = local.utcoffset()
        if previous is not None and offset != previous:
            transitions.append((i, f"{offset_text(previous)}→{offset_text(offset)}"))
        previous = offset
    return "".join(cells), tuple(local_times), tuple(weekdays), tuple(transitions)


#: A closed task's status, and what it is said as of a post (a post is done by being published, cancelled by a pull).
_CLOSED_POST = {"done": "published", "cancelled": "pulled"}


def _markers(
    ws: Workspace,
    columns: tuple[GridColumn, ...],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    members: dict[str, Member],
    clock24: bool,
    reader_tz: str,
) -> dict[str, list[GridMarker]]:
    bounds = (start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ"))
    found: dict[str, list[GridMarker]] = {}
    starts = [c.start for c in columns]
    by_kind = {
        kind: ws.conn.execute(
            f"SELECT id, title, assignee, status, {kind}_utc, {kind}_tz, post_state IS NOT NULL, meeting FROM task "
            f"WHERE deleted = 0 AND (assignee IS NOT NULL OR meeting IS NOT NULL) AND {kind}_utc >= ? AND {kind}_utc < ? "
            f"ORDER BY {kind}_utc, id",
            bounds,
        ).fetchall()
        for kind in ("due", "publish")
    }
    # A post's slot goes out as its state says: one a crisis holds (paused, missed) does not, whatever its task status.
    posts = [row[0] for row in by_kind["publish"] if row[6]]
    held = _held_posts(ws, posts, now) if posts else {}
    for kind, rows in by_kind.items():
        for row in rows:
            assignee, meeting_text = row[2], row[7]
            meeting = json.loads(meeting_text) if meeting_text and kind == "due" else None
            # A meeting's start is on the row of each who attends it (its due date is when it starts).
            attendees = [*meeting["required"], *meeting["optional"]] if meeting else []
            for member_id in dict.fromkeys(m for m in (assignee, *attendees) if m is not None):
                member = members.get(member_id)
                if member is not None:
                    found.setdefault(member_id, []).append(_marker(kind, row, meeting, member, held, starts, now, clock24, reader_tz))
    # One cell shows one marker: the same one on every run (ids are random).
    for markers in found.values():
        markers.sort(key=lambda m: (m.column, m.kind, m.text))
    return found


def _marker(
    kind: str,
    row: tuple[Any, ...],
    meeting: dict[str, Any] | None,
    member: Member,
    held: dict[str, str],
    starts: list[dt.datetime],
    now: dt.datetime,
    clock24: bool,
    reader_tz: str,
) -> GridMarker:
    """The marker of a task's due date or publish slot (``row``, as ``_markers`` reads it) on ``member``'s row, its time
    on their clock."""
    task_id, title, _, status, utc_text, tz_name, is_post, _ = row
    instant = parse_utc(utc_text)
    index = bisect.bisect_right(starts, instant) - 1
    state = held.get(task_id) if kind == "publish" else None
    # A meeting is not late: under way it is now ("soon"), once held muted, as a task done is.
    over = meeting is not None and instant + dt.timedelta(minutes=meeting["minutes"]) <= now
    if status in ("done", "cancelled") or state is not None or over:
        urgency = "done"
    elif instant < now and meeting is None:
        urgency = "overdue"
    elif instant - now <= SOON:
        urgency = "soon"
    else:
        urgency = "later"
    when = format_local(instant, member.tz, now, clock24=clock24, reader_tz=reader_tz)
    # Closed, said: its dimmed glyph alone read as a deadline still to meet under the cursor.
    closed = _CLOSED_POST.get(status) if is_post else status if status in _CLOSED_POST else None
    title = text_or(title, untitled_task(task_id)) + (f", {state} by a crisis" if state else f", {closed}" if closed else "")
    what = "▲ publish" if kind == "publish" else "◆ meeting" if meeting else "◆ due"
    # A meeting's length after its start: on a narrow pane the line is cut, the time on their clock kept longer.
    length = f", {meeting['minutes']} min" if meeting else ""
    text = visible(f"{what} {title} (@{member.handle}, {when}{length}; set in {tz_name})")
    return GridMarker(index, kind, urgency, text, task_id)


def _held_posts(ws: Workspace, post_ids: list[str], now: dt.datetime) -> dict[str, str]:
    """Of these posts, those a crisis holds now, with their state (paused, missed)."""
    from crewdeck.tui.posts.reading import states_of  # the posts' rules: read for a day with a post's slot in it

    return {post_id: state for post_id, state in states_of(ws.conn, post_ids, now).items() if state in ("paused", "missed")}


def build_grid(
    ws: Workspace, day: dt.date, zone: str, now: dt.datetime, *, resolution: int = 30, clock24: bool = True, reader_tz: str | None = None
) -> Grid:
    """The grid of local ``day`` in ``zone`` at ``now``, every member, every marker of the day.

    ``reader_tz``: the zone of whoever reads it (``zone`` unless given), whose today a marker's ``today`` is: a grid
    drawn in Lagos for a reader in Auckland said "today 17:00 WAT" of Friday, on the reader's Saturday."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution {resolution} is not one of {RESOLUTIONS} minutes")
    columns = columns_of(day, zone, resolution, clock24)
    ends = _column_ends(columns, day, zone)
    # A day the zone skipped (Samoa's Fri 2011-12-30) starts where it ends: no columns, a "(0 h day)".
    start, end = wall_instant(day, 0, zone), wall_instant(day + dt.timedelta(days=1), 0, zone)
    noon = wall_instant(day, 12 * 60, zone)
    members = sorted(ws.members(), key=lambda m: (noon.astimezone(zone_info(m.tz)).utcoffset(), m.tz, m.handle))
    by_id = {m.id: m for m in members}
    markers = _markers(ws, columns, start, end, now, by_id, clock24, reader_tz or zone)
    rows = []
    for member in members:
        cells, local, days, transitions = _cells(member, day, columns, ends, end, clock24)
        group = f"{member.tz}  {_clock_name(noon, member.tz, '  ')}"
        rows.append(
            GridRow(member.id, visible(f"@{member.handle}"), group, cells, local, days, transitions, tuple(markers.get(member.id, ())))
        )
    now_column = next((i for i, (c, end) in enumerate(zip(columns, ends, strict=True)) if c.start <= now < end), None)
    # To the quarter hour: a zone's first clock change (Amsterdam's 28 seconds in 1937) makes no "23.9922 h day".
    hours = round((end - start).total_seconds() / 900) / 4
    length = "" if hours == 24 else f" ({hours:g} h day)"
    # The day's length before its offset: where the pane cuts the title, the zone's header lines say the offset again.
    title = f"{day:%a %Y-%m-%d} in {zone}{length}  {_clock_name(noon, zone, ' ')}"
    return Grid(title, zone, day, columns, tuple(rows), 60 // resolution, now_column, tuple(members))


def _clock_name(instant: dt.datetime, tz: str, gap: str) -> str:
    """``CET UTC+01:00``, or the offset alone where the zone's abbreviation is no more than it: ``UTC+05:45``, where
    Kathmandu's read ``+0545  UTC+05:45`` and UTC's ``UTC UTC+00:00``."""
    offset = f"UTC{offset_text(instant.astimezone(zone_info(tz)).utcoffset())}"
    abbrev = zone_abbrev(instant, tz)
    return offset if abbrev[:1] in "+-" or abbrev == "UTC" else f"{abbrev}{gap}{offset}"


@dataclass(frozen=True)
class ZoneChoice:
    tz: str
    #: The zone's clock now: ``Thu 10:30 CET``.
    local: str
    #: Whose zone it is: ``you · @sofia · audience of Spring Launch``.
    who: str


def zone_choices(
    viewer: Member,
    members: list[Member],
    campaigns: list[Campaign],
    now: dt.datetime,
    *,
    current: str | None = None,
    clock24: bool = True,
) -> list[ZoneChoice]:
    """The viewer's zone first, then every other zone in use, west to east; ``current`` is kept if none names it."""
    who: dict[str, list[str]] = {viewer.tz: ["you"]}
    for member in members:
        if member.id != viewer.id:
            who.setdefault(member.tz, []).append(f"@{member.handle}")
    for campaign in campaigns:
        if campaign.audience_tz:
            who.setdefault(campaign.audience_tz, []).append(f"audience of {campaign.name}")
    if current and current not in who:
        who[current] = ["shown now"]

    def offset(tz: str) -> dt.timedelta:
        return now.astimezone(zone_info(tz)).utcoffset() or dt.timedelta(0)

    out = []
    for tz in sorted(who, key=lambda tz: (tz != viewer.tz, offset(tz), tz)):
        out.append(ZoneChoice(tz, clock_now(now, tz, clock24), visible(" · ".join(who[tz]))))
    return out
