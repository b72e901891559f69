"""Time across the team: ``crewdeck overlap`` and ``crewdeck zones``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.zones import zone
from crewdeck.tui.cli.common import NOTHING_LISTED, Context, column_widths, note_incomplete, print_json, table
from crewdeck.tui.cli.zone_given import given_zone
from crewdeck.tui.tasks.estimates import format_estimate
from crewdeck.tui.time import overlap
from crewdeck.tui.time.roster import Availability, availability
from crewdeck.tui.time.when import clock_text, utc_iso, zone_abbrev
from crewdeck.tui.workspace import doctor
from crewdeck.tui.workspace.columns import GAP, cut_cells, line_width, terminal_width
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Member


def _members(ctx: Context, handles: list[str]) -> list[Member]:
    return [ctx.ws.member_by_handle(h) for h in handles]


def cmd_overlap(ctx: Context) -> int:
    a = ctx.args
    tz = given_zone(a.zone, "--zone", ctx, of_a_write=False) if a.zone else ctx.viewer_tz
    if a.limit < 1:
        raise UserError(f"--limit: {a.limit} must be at least 1")
    if a.pick is not None and a.book is None:
        # Alone it listed the slots and booked none, exit 0: a script's "book the second one" did nothing.
        raise UserError(f"--pick: picks the slot --book books; give --book TITLE with --pick {a.pick}")
    question = overlap.read_search(
        _members(ctx, a.handles),
        _members(ctx, a.optional or []),
        a.duration,
        a.from_day or "",
        a.days,
        tz,
        ctx.now,
        flag="--",
        asker=ctx.me_or_none(),
    )
    slots = overlap.search(ctx.ws, question, ctx.now, limit=a.limit)
    if a.book is not None:
        return _book(ctx, slots, tz, question)
    if a.json:
        print_json([s.as_json() for s in slots])
        return 0
    if not slots:
        print(visible(overlap.no_slot_text(question, ctx.now)), file=sys.stderr)
        return NOTHING_LISTED  # as a list of tasks that lists nothing: `if crewdeck overlap raj mia --from mon; then`
    _print_slots(ctx, slots, tz, question)
    return 0


def _print_slots(ctx: Context, slots: list[overlap.Slot], tz: str, question: overlap.Search) -> None:
    clock24 = ctx.config.clock24
    headers = ["#", f"WHEN ({tz})", "SCORE", *overlap.seat_headers(slots[0])]
    rows = [
        [str(rank), overlap.when_text(slot, tz, clock24), f"{slot.score:.1f}", *overlap.seat_texts(slot, tz, clock24)]
        for rank, slot in enumerate(slots, start=1)
    ]
    width = terminal_width(sys.stdout)
    if width is not None and line_width([max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]) > width:
        # Each member's clock without its zone, as the column's header says whose it is: four members from
        # four zones wrapped every row at 80 columns.
        for row, slot in zip(rows, slots):
            row[3:] = overlap.seat_texts(slot, tz, clock24, zones=False)
    last = question.first + dt.timedelta(days=question.days - 1)
    who = " ".join(f"@{m.handle}" for m in question.required)
    print(visible(f"{format_estimate(question.minutes)} slots for {who}, {question.first:%a %m-%d} to {last:%a %m-%d}, best first"))
    print(_with_why(rows, headers, [slot.why for slot in slots], width))
    print("\n".join(overlap.legend_lines(width, clock24)))


def _with_why(rows: list[list[str]], headers: list[str], whys: list[str], width: int | None) -> str:
    """The slots' table with why each costs what it does: its last column where the whole of it fits, or else on
    lines of their own under each slot's (at 80 columns three members' clocks leave no room for "2h30m early for
    @sofia"; cut, it said nothing), broken between words where it is longer than a line (cut, it lost whom the last
    cost asks: "30m early and 1h in a bre…")."""
    if not any(whys):  # every slot in everyone's hours
        return table(rows, headers)
    wide = [[*row, why] for row, why in zip(rows, whys)]
    if width is None or line_width(column_widths(wide, [*headers, "WHY"])) <= width:
        return table(wide, [*headers, "WHY"])
    lines = table(rows, headers).split("\n")
    # Under the slot's day and times, past its number.
    indent = " " * (max(len(headers[0]), *(len(row[0]) for row in rows)) + GAP)
    out = lines[:1]
    for line, why in zip(lines[1:], whys):
        out.append(line)
        if why:
            # Between words; a word longer than the line (on a terminal narrower than a handle) is cut.
            said = textwrap.wrap(visible(why), width - len(indent), break_on_hyphens=False, break_long_words=False)
            out.extend(indent + cut_cells(part, width - len(indent)) for part in said)
    return "\n".join(out)


def _book(ctx: Context, slots: list[overlap.Slot], tz: str, question: overlap.Search) -> int:
    a = ctx.args
    if not a.book.strip():
        raise UserError("--book: the meeting needs a title")
    if not slots:
        # Why there is none, as the search alone says it, and its exit: "--pick: 1 is not one of the 0 slots found"
        # blamed a --pick nobody gave.
        print(visible(f"nothing booked: {overlap.no_slot_text(question, ctx.now)}"), file=sys.stderr)
        return NOTHING_LISTED
    pick = 1 if a.pick is None else a.pick
    if not 1 <= pick <= len(slots):
        raise UserError(f"--pick: {pick} is not one of the {len(slots)} slots found")
    slot = slots[pick - 1]
    values = overlap.meeting_values(slot, a.book, tz, ctx.me, ctx.now)
    with ctx.writer() as w:
        task_id = w.create("task", values)
    if a.json:
        print_json({"id": task_id, **slot.as_json()})
    else:
        # As the table said it: on the reader's clock, and whose (PST is Manila's as well as Los Angeles').
        when = overlap.when_text(slot, tz, ctx.config.clock24, labelled=True)
        print(f"booked {short(task_id)} {a.book!r} {when} ({utc_iso(slot.start)})")
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
    rows = []
    for m, state in entries:
        local = now.astimezone(zone(m.tz))
        offset = local.strftime("%z")
        rows.append(
            [
                f"@{m.handle}",
                m.tz,
                f"{local:%a} {clock_text(local, ctx.config.clock24)} {zone_abbrev(now, m.tz)}",
                f"{offset[:3]}:{offset[3:]}",
                state.text(now),
            ]
        )
    if not rows:
        print("the workspace has no members yet", file=sys.stderr)
        return 0
    print(table(rows, ["MEMBER", "ZONE", "LOCAL NOW", "UTC", "STATUS"]))
    note_incomplete(doctor.count(ctx.ws, "member"), "member")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "overlap",
        parents=parents,
        help="find the best meeting slots across zones",
        description="Rank meeting slots for members across zones: everyone in working hours first, then someone "
        "early or late (07:00-22:00 local), then someone at night (22:00-07:00 local) or on a day off; among them, by "
        "how far each member's day is stretched, night hours costing the most (WHY says it: 2h early for @raj); fair "
        "over the last four weeks of booked meetings. A slot that overlaps a booked meeting of a required member is not offered (an optional "
        "member in one is busy). --book records a slot as a meeting task.",
        examples=["crewdeck overlap ana raj sofia --optional mia --duration 45m --days 5", 'crewdeck overlap ana raj --book "Weekly sync"'],
    )
    p.add_argument("handles", nargs="+", metavar="HANDLE", help="required members")
    p.add_argument("--optional", nargs="+", metavar="HANDLE", help="members who join if they can")
    p.add_argument("--duration", default="30m", help="how long (default: %(default)s)")
    p.add_argument("--from", dest="from_day", metavar="DATE", help="first day (default: today)")
    p.add_argument("--days", type=int, default=7, help="how many days to search (default: %(default)s)")
    p.add_argument("--zone", metavar="ZONE", help="the zone days are counted and times shown in (default: yours)")
    p.add_argument("--limit", type=int, default=10, help="at most this many slots (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print JSON: slots best first, start/end in UTC, why each costs what it does")
    p.add_argument("--book", metavar="TITLE", help="book the best slot (or --pick N) as a meeting task")
    p.add_argument("--pick", type=int, metavar="N", help="with --book: the Nth slot listed (default: 1)")
    p.set_defaults(func=cmd_overlap)

    p = sub.add_parser(
        "zones",
        parents=parents,
        help="who is working now, and for how long",
        description="Every member's local time now, whether they are in working hours, and until when.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_zones)
