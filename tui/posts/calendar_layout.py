"""The content calendar laid out for the app: the posts of a period by day in a zone, a row per platform or campaign, with their flags.

Built on ``calendar`` (the flags and the wall-clock moves): the app reads
the posts whose slot is in the period shown (``period_posts``), works out
each post's flags once (``post_flags``) and lays them out (``layout``) in
the viewer's zone or a campaign audience's, as often as the rows or the
zone change.  Quiet stretches are looked for within the period shown.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from crewdeck.sync.state.zones import zone
from crewdeck.tui.posts.calendar import gap_flags, off_peak, peak_frame, quiet_flags, shift
from crewdeck.tui.posts.reading import PostSettings, PostView, read_posts
from crewdeck.tui.posts.states import instant_text
from crewdeck.tui.time.when import clock_text, localize


@dataclass(frozen=True)
class CampaignRun:
    id: str
    name: str
    platforms: tuple[str, ...]
    audience_tz: str | None
    start: dt.date | None
    end: dt.date | None


def campaign_runs(conn: sqlite3.Connection) -> list[CampaignRun]:
    return [
        CampaignRun(
            cid,
            name or cid[:8],
            tuple(json.loads(platforms or "[]")),
            tz,
            dt.date.fromisoformat(start) if start else None,
            dt.date.fromisoformat(end) if end else None,
        )
        for cid, name, platforms, tz, start, end in conn.execute(
            'SELECT id, name, platforms, audience_tz, start, "end" FROM campaign WHERE deleted = 0 ORDER BY name'
        )
    ]


def period_posts(conn: sqlite3.Connection, now: dt.datetime, start: dt.datetime, end: dt.datetime) -> list[PostView]:
    """The posts whose slot falls in ``[start, end)``, with their states now (only those are read)."""
    ids = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM task WHERE post_state IS NOT NULL AND deleted = 0 AND publish_utc >= ? AND publish_utc < ?",
            (instant_text(start), instant_text(end)),
        )
    ]
    return read_posts(conn, now, ids) if ids else []


def period_days(anchor: dt.date, month: bool) -> list[dt.date]:
    """The days of the week (Monday first) or the month that holds ``anchor``."""
    if month:
        first = anchor.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return [first + dt.timedelta(days=n) for n in range((following - first).days)]
    monday = anchor - dt.timedelta(days=anchor.weekday())
    return [monday + dt.timedelta(days=n) for n in range(7)]


def period_bounds(days: Sequence[dt.date], tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    """The instants the days begin and end in ``tz_name`` (a day is 23 or 25 hours on a change of clocks)."""
    tz = zone(tz_name)
    start = localize(dt.datetime.combine(days[0], dt.time()), tz)
    end = localize(dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time()), tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def moved_slot(slot: dt.datetime, slot_tz: str, hours: int = 0, days: int = 0) -> dict[str, str]:
    """The slot moved by wall-clock hours or days in its own zone (the audience's), as the store keeps it."""
    return {"utc": instant_text(shift(slot, slot_tz, hours=hours, days=days)), "tz": slot_tz}


def _duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes >= 60 else f"{minutes} min"


def post_flags(
    posts: Sequence[PostView], settings: PostSettings, runs: Sequence[CampaignRun], viewer_zone: str, *, clock24: bool = True
) -> dict[str, tuple[str, ...]]:
    """Each flagged post's flags: too close to another of its platform and campaign, or off its platform's peak hours
    (the nearest peak on the reader's clock, ``clock24`` or 12-hour)."""
    names = {run.id: run.name for run in runs}
    audiences = {run.id: run.audience_tz for run in runs if run.audience_tz}
    out: dict[str, list[str]] = {}
    for flag in gap_flags(posts, settings.min_gap):
        facts = flag.first.facts
        text = (
            f"gap: 2 posts on {facts.platform or 'no platform'} of {names.get(facts.campaign or '', 'no campaign')} "
            f"{_duration(flag.gap)} apart (min {_duration(settings.min_gap)})"
        )
        for post in (flag.first, flag.second):
            out.setdefault(post.id, []).append(text)
    for post in posts:
        slot = post.facts.slot
        if slot is None or post.state == "pulled":
            continue
        audience = audiences.get(post.facts.campaign or "")
        tz_name, peaks = peak_frame(post.facts.platform, settings.peak_hours, audience, post.facts.slot_tz, viewer_zone)
        nearest = off_peak(slot, tz_name, peaks)
        if nearest is not None:
            local = nearest.astimezone(zone(tz_name))
            out.setdefault(post.id, []).append(
                f"off-peak for {post.facts.platform}: nearest peak {local:%a} {clock_text(local, clock24)} {tz_name}"
            )
    return {post_id: tuple(flags) for post_id, flags in out.items()}


@dataclass(frozen=True)
class Placed:
    """A post in a cell, and its flags (empty: nothing to say)."""

    post: PostView
    flags: tuple[str, ...] = ()


@dataclass
class Layout:
    """The calendar as laid out: rows, days, the posts of each cell (by slot), the quiet cells."""

    zone: str
    days: list[dt.date]
    rows: list[str]
    cells: dict[tuple[int, int], list[Placed]] = field(default_factory=dict)
    #: Cells of a quiet stretch: (row, day) → why.
    quiet: dict[tuple[int, int], str] = field(default_factory=dict)

    def posts_at(self, row: int, day: int) -> list[Placed]:
        return self.cells.get((row, day), [])


def _runs_during(run: CampaignRun, days: Sequence[dt.date]) -> bool:
    return (run.start is None or run.start <= days[-1]) and (run.end is None or run.end >= days[0])


def layout(
    posts: Sequence[PostView],
    flags: Mapping[str, tuple[str, ...]],
    days: Sequence[dt.date],
    tz_name: str,
    by_campaign: bool,
    quiet_days: int,
    runs: Sequence[CampaignRun],
) -> Layout:
    """Lay the posts of a period out (see the module); rows sorted by name, posts in a cell by slot."""
    names = {run.id: run.name for run in runs}
    tz = zone(tz_name)
    day_index = {day: n for n, day in enumerate(days)}

    def row_name(post: PostView) -> str:
        if by_campaign:
            return names.get(post.facts.campaign or "", "no campaign")
        return post.facts.platform or "no platform"

    running = [run for run in runs if _runs_during(run, days)]
    shown = {run.name for run in running} if by_campaign else {platform for run in running for platform in run.platforms}
    shown |= {row_name(p) for p in posts if p.facts.slot is not None}
    rows = sorted(shown)
    row_index = {name: n for n, name in enumerate(rows)}
    out = Layout(tz_name, list(days), rows)
    for post in sorted((p for p in posts if p.facts.slot is not None), key=lambda p: (p.facts.slot, p.id)):
        assert post.facts.slot is not None
        day = post.facts.slot.astimezone(tz).date()
        if day in day_index:
            out.cells.setdefault((row_index[row_name(post)], day_index[day]), []).append(Placed(post, flags.get(post.id, ())))
    _mark_quiet(out, posts, running, quiet_days, by_campaign, row_index)
    return out


def _mark_quiet(
    out: Layout, posts: Sequence[PostView], running: Sequence[CampaignRun], quiet_days: int, by_campaign: bool, row_index: Mapping[str, int]
) -> None:
    """The days of the period in a quiet stretch of a campaign's platform (``calendar.quiet_flags``, the run clipped to the period)."""
    first, last = out.days[0], out.days[-1]
    clipped = [
        (run.id, run.platforms, max(run.start, first).isoformat(), min(run.end, last).isoformat(), run.audience_tz or out.zone)
        for run in running
        if run.start is not None and run.end is not None
    ]
    names = {run.id: run.name for run in running}
    shown = {day: n for n, day in enumerate(out.days)}
    for flag in quiet_flags(posts, clipped, quiet_days):
        row = row_index.get(names[flag.campaign] if by_campaign else flag.platform)
        if row is None:
            continue
        length = (flag.last - flag.first).days + 1
        why = f"quiet: no {flag.platform} post of {names[flag.campaign]} for {length} days from {flag.first:%a %m-%d}"
        day = flag.first
        while day <= flag.last:
            if day in shown:
                key = (row, shown[day])
                out.quiet[key] = f"{out.quiet[key]}; {why}" if key in out.quiet else why
            day += dt.timedelta(days=1)
