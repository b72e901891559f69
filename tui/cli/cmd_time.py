"""Time across the team: ``crewdeck overlap`` and ``crewdeck zones``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from sync.ids import short
from sync.zones import UnknownZoneError, check_zone, zone

from .. import overlap
from ..edits import format_estimate, parse_estimate
from ..errors import UserError
from ..roster import Availability, availability
from ..when import DateError, parse_day, utc_iso, zone_abbrev
from ..workspace import Member
from .common import Context, print_json, table

MARKS = {"in": "✓", "stretch": "~", "out": "✗"}


def _zone(name: str) -> str:
    try:
        return check_zone(name)
    except UnknownZoneError as exc:
        raise UserError(f"--zone: {exc}") from None


def _members(ctx: Context, handles: list[str]) -> list[Member]:
    return [ctx.ws.member_by_handle(h) for h in handles]


def cmd_overlap(ctx: Context) -> int:
    a = ctx.args
    tz = _zone(a.zone) if a.zone else ctx.viewer_tz
    minutes = parse_estimate(a.duration, "--duration")
    if not 5 <= minutes <= 24 * 60:
        raise UserError(f"--duration: {a.duration!r} must be between 5m and 24h")
    if not 1 <= a.days <= 62:
        raise UserError(f"--days: {a.days} must be between 1 and 62")
    if a.limit < 1:
        raise UserError(f"--limit: {a.limit} must be at least 1")
    required = _members(ctx, a.handles)
    optional = _members(ctx, a.optional or [])
    seen: set[str] = set()
    for m in required + optional:
        if m.id in seen:
            raise UserError(f"@{m.handle} is named twice (a member is either required or --optional)")
        seen.add(m.id)
    today = ctx.now.astimezone(zone(tz)).date()
    try:
        first = parse_day(a.from_day, today) if a.from_day else today
    except DateError as exc:
        raise UserError(f"--from: {exc}") from None
    start, end = overlap.day_range(first, a.days, tz)
    burden = overlap.meeting_burden(ctx.ws, required + optional, max(start, ctx.now))
    slots = overlap.plan(
        required, optional, dt.timedelta(minutes=minutes), start, end, tz, burden=burden, not_before=ctx.now, limit=a.limit
    )
    if a.book is not None:
        return _book(ctx, slots, tz)
    if a.json:
        print_json([s.as_json() for s in slots])
        return 0
    if not slots:
        print(f"no {format_estimate(minutes)} slot between {first} and {first + dt.timedelta(days=a.days - 1)}", file=sys.stderr)
        return 0
    _print_slots(ctx, slots, tz, first, a.days, minutes)
    return 0


def _print_slots(ctx: Context, slots: list[overlap.Slot], tz: str, first: dt.date, days: int, minutes: int) -> None:
    clock = "%H:%M" if ctx.config.clock24 else "%I:%M%p"
    headers = ["#", f"WHEN ({tz})", "SCORE"] + [f"@{s.member.handle}" + ("" if s.required else "?") for s in slots[0].seats]
    rows = []
    for rank, slot in enumerate(slots, start=1):
        local = slot.start.astimezone(zone(tz))
        local_end = slot.end.astimezone(zone(tz))
        when = f"{local:%a %m-%d} {local.strftime(clock)}-{local_end.strftime(clock)}"
        seats = [
            f"{s.local_start.strftime(clock)} {zone_abbrev(slot.start, s.member.tz)} {MARKS[s.status]}" for s in slot.seats
        ]
        rows.append([str(rank), when, f"{slot.score:.1f}", *seats])
    last = first + dt.timedelta(days=days - 1)
    who = " ".join(f"@{s.member.handle}" for s in slots[0].seats if s.required)
    print(f"{format_estimate(minutes)} slots for {who}, {first:%a %m-%d} to {last:%a %m-%d}, best first")
    print(table(rows, headers))
    print("✓ in working hours   ~ stretching (within 2h, 07:00-22:00 local)   ✗ outside   ? optional")


def _book(ctx: Context, slots: list[overlap.Slot], tz: str) -> int:
    a = ctx.args
    if not a.book.strip():
        raise UserError("--book: the meeting needs a title")
    if not 1 <= a.pick <= len(slots):
        raise UserError(f"--pick: {a.pick} is not one of the {len(slots)} slots found")
    slot = slots[a.pick - 1]
    values = overlap.meeting_values(slot, a.book, tz, ctx.me, ctx.now)
    with ctx.writer() as w:
        task_id = w.create("task", values)
    if a.json:
        print_json({"id": task_id, **slot.as_json()})
    else:
        local = slot.start.astimezone(zone(tz))
        print(f"booked {short(task_id)} {a.book!r} {local:%a %m-%d %H:%M} {zone_abbrev(slot.start, tz)} ({utc_iso(slot.start)})")
    return 0


def cmd_zones(ctx: Context) -> int:
    now = ctx.now
    entries = [(m, availability(m, now)) for m in ctx.ws.members()]

    def order(entry: tuple[Member, Availability]) -> tuple[bool, float, str]:
        # Who is on now first, longest day ahead first; then who starts soonest.
        member, state = entry
        if state.changes_at is None:
            return (True, float("inf"), member.handle)
        seconds = (state.changes_at - now).total_seconds()
        return (not state.working, -seconds if state.working else seconds, member.handle)

    entries.sort(key=order)
    if ctx.args.json:
        print_json(
            [
                {
                    "handle": m.handle,
                    "name": m.name,
                    "tz": m.tz,
                    "local": now.astimezone(zone(m.tz)).isoformat(),
                    "abbrev": zone_abbrev(now, m.tz),
                    "working": state.working,
                    "until": utc_iso(state.changes_at) if state.changes_at else None,
                    "minutes": int((state.changes_at - now).total_seconds() // 60) if state.changes_at else None,
                }
                for m, state in entries
            ]
        )
        return 0
    clock = "%H:%M" if ctx.config.clock24 else "%I:%M%p"
    rows = []
    for m, state in entries:
        local = now.astimezone(zone(m.tz))
        offset = local.strftime("%z")
        rows.append(
            [f"@{m.handle}", m.tz, f"{local:%a} {local.strftime(clock)} {zone_abbrev(now, m.tz)}", f"{offset[:3]}:{offset[3:]}", state.text(now)]
        )
    if not rows:
        print("the workspace has no members yet", file=sys.stderr)
        return 0
    print(table(rows, ["MEMBER", "ZONE", "LOCAL NOW", "UTC", "STATUS"]))
    return 0


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "overlap",
        parents=parents,
        help="find the best meeting slots across zones",
        description="Rank meeting slots for members across zones: everyone in working hours first, then someone "
        "stretching (within 2h of their hours, 07:00-22:00 local), then someone outside; fair over the last four "
        "weeks of booked meetings. --book records a slot as a meeting task.",
    )
    p.add_argument("handles", nargs="+", metavar="HANDLE", help="required members")
    p.add_argument("--optional", nargs="+", metavar="HANDLE", help="members who join if they can")
    p.add_argument("--duration", default="30m", help="how long (default: %(default)s)")
    p.add_argument("--from", dest="from_day", metavar="DATE", help="first day (default: today)")
    p.add_argument("--days", type=int, default=7, help="how many days to search (default: %(default)s)")
    p.add_argument("--zone", metavar="ZONE", help="the zone days are counted and times shown in (default: yours)")
    p.add_argument("--limit", type=int, default=10, help="at most this many slots (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print JSON: slots best first, start/end in UTC")
    p.add_argument("--book", metavar="TITLE", help="book the best slot (or --pick N) as a meeting task")
    p.add_argument("--pick", type=int, default=1, metavar="N", help="with --book: the Nth slot listed (default: 1)")
    p.set_defaults(func=cmd_overlap)

    p = sub.add_parser(
        "zones",
        parents=parents,
        help="who is working now, and for how long",
        description="Every member's local time now, whether they are in working hours, and until when.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_zones)
