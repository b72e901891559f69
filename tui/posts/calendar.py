"""The content calendar: posts laid out by day in a zone, a row per platform or per campaign, with their flags.

Nothing here draws or reads a clock: the app reads the posts of a period
(``period_posts``, a query over the slots in it) and lays them out
(``layout``) in the viewer's zone or a campaign audience's; moving a post
by an hour or a day is done on the audience's wall clock (``moved_slot``),
so a post at 09:00 New York stays at 09:00 across a change of clocks.

Flags (workspace settings, ``reading.PostSettings``):

* ``gap``: two posts on one platform of one campaign closer than the minimum gap;
* ``quiet``: a platform of a campaign with no post for ``quiet_days`` days or
  more during the campaign's run (the days are flagged in its row);
* ``off-peak``: a slot more than ``PEAK_REACH`` from every peak hour of its
  platform, in the audience's zone, with the nearest peak suggested.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from crewdeck.sync.state.zones import zone
from crewdeck.tui.posts.reading import PostSettings, PostView, read_posts
from crewdeck.tui.time.when import localize, parse_time
from crewdeck.tui.workspace.config import DEFAULT_PEAK_HOURS

#: How far from a peak hour a slot may be and still be at the peak.
PEAK_REACH = dt.timedelta(hours=1)
#: States that do not count as a post going out (for gaps and quiet stretches).
NOT_GOING_OUT = ("pulled",)


@dataclass(frozen=True)
class CampaignRun:
    id: str
    name: str
    platforms: tuple[str, ...]
    audience_tz: str | None
    start: dt.date | None
    end: dt.date | None


def campaign_runs(conn: sqlite3.Connection) -> list[CampaignRun]:
    out = []
    for cid, name, platforms, tz, start, end in conn.execute(
        'SELECT id, name, platforms, audience_tz, start, "end" FROM campaign WHERE deleted = 0 ORDER BY name'
    ):
        out.append(
            CampaignRun(
                cid,
                name or cid[:8],
                tuple(json.loads(platforms or "[]")),
                tz,
                dt.date.fromisoformat(start) if start else None,
                dt.date.fromisoformat(end) if end else None,
            )
        )
    return out


def period_posts(conn: sqlite3.Connection, now: dt.datetime, start: dt.datetime, end: dt.datetime) -> list[PostView]:
    """The posts whose slot falls in ``[start, end)``, with their states now (only those are read)."""
    ids = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM task WHERE post_state IS NOT NULL AND deleted = 0 AND publish_utc >= ? AND publish_utc < ?",
            (start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), end.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
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
    tz = zone(slot_tz)
    local = slot.astimezone(tz).replace(tzinfo=None)
    moved = localize(local + dt.timedelta(days=days, hours=hours), tz)
    return {"utc": moved.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "tz": slot_tz}


def peak_times(settings: PostSettings, platform: str | None) -> list[dt.time]:
    peaks = {**DEFAULT_PEAK_HOURS, **{name.lower(): hours for name, hours in settings.peak_hours.items()}}
    return sorted(parse_time(text) for text in peaks.get((platform or "").lower(), []))


def nearest_peak(slot: dt.datetime, tz_name: str, peaks: Sequence[dt.time]) -> dt.datetime | None:
    """The peak hour nearest the slot on its day (or the next's first, or the previous's last), in ``tz_name``."""
    if not peaks:
        return None
    tz = zone(tz_name)
    day = slot.astimezone(tz).date()
    candidates = [localize(dt.datetime.combine(day + dt.timedelta(days=d), p), tz) for d in (-1, 0, 1) for p in peaks]
    return min(candidates, key=lambda c: (abs(c - slot), c))


@dataclass(frozen=True)
class Placed:
    """A post in a cell: the post, and what is wrong with its slot (empty: nothing)."""

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


def _going_out(posts: Iterable[PostView]) -> list[PostView]:
    return [p for p in posts if p.facts.slot is not None and p.state not in NOT_GOING_OUT]


def gap_flags(posts: Sequence[PostView], min_gap: dt.timedelta, names: Mapping[str, str]) -> dict[str, list[str]]:
    """Posts on one platform of one campaign closer than ``min_gap``: each one's flag."""
    out: dict[str, list[str]] = defaultdict(list)
    groups: dict[tuple[str | None, str | None], list[PostView]] = defaultdict(list)
    for post in _going_out(posts):
        groups[(post.facts.campaign, post.facts.platform)].append(post)
    for (campaign, platform), group in groups.items():
        group.sort(key=lambda p: (p.facts.slot, p.id))
        for before, after in itertools.pairwise(group):
            assert before.facts.slot is not None and after.facts.slot is not None
            apart = after.facts.slot - before.facts.slot
            if apart < min_gap:
                text = (
                    f"gap: 2 posts on {platform or 'no platform'} of {names.get(campaign or '', 'no campaign')} "
                    f"{_duration(apart)} apart (min {_duration(min_gap)})"
                )
                out[before.id].append(text)
                out[after.id].append(text)
    return out


def _duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes >= 60 else f"{minutes} min"


def peak_flag(post: PostView, settings: PostSettings, viewer_zone: str) -> str | None:
    """ "off-peak: ..., nearest peak ..." for a slot more than ``PEAK_REACH`` from every peak of its platform."""
    slot, tz_name = post.facts.slot, post.facts.slot_tz or viewer_zone
    if slot is None:
        return None
    peaks = peak_times(settings, post.facts.platform)
    best = nearest_peak(slot, tz_name, peaks)
    if best is None or abs(best - slot) <= PEAK_REACH:
        return None
    local = best.astimezone(zone(tz_name))
    return f"off-peak for {post.facts.platform}: nearest peak {local:%a %H:%M} {tz_name}"


def post_flags(
    posts: Sequence[PostView], settings: PostSettings, runs: Sequence[CampaignRun], viewer_zone: str
) -> dict[str, tuple[str, ...]]:
    """Each flagged post's gap and peak flags (whatever zone or rows the calendar is laid out in)."""
    gaps = gap_flags(posts, settings.min_gap, {run.id: run.name for run in runs})
    out = {}
    for post in posts:
        flags = list(gaps.get(post.id, ()))
        peak = peak_flag(post, settings, viewer_zone)
        if peak:
            flags.append(peak)
        if flags:
            out[post.id] = tuple(flags)
    return out


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

    if by_campaign:
        shown = {run.name for run in runs if _runs_during(run, days)}
    else:
        shown = {platform for run in runs if _runs_during(run, days) for platform in run.platforms}
    shown |= {row_name(p) for p in posts if p.facts.slot is not None}
    rows = sorted(shown)
    row_index = {name: n for n, name in enumerate(rows)}
    out = Layout(tz_name, list(days), rows)
    for post in sorted((p for p in posts if p.facts.slot is not None), key=lambda p: (p.facts.slot, p.id)):
        assert post.facts.slot is not None
        day = post.facts.slot.astimezone(tz).date()
        if day not in day_index:
            continue
        out.cells.setdefault((row_index[row_name(post)], day_index[day]), []).append(Placed(post, flags.get(post.id, ())))
    _flag_quiet(out, posts, runs, quiet_days, by_campaign, row_index)
    return out


def _runs_during(run: CampaignRun, days: Sequence[dt.date]) -> bool:
    return (run.start is None or run.start <= days[-1]) and (run.end is None or run.end >= days[0])


def _flag_quiet(
    out: Layout, posts: Sequence[PostView], runs: Sequence[CampaignRun], quiet_days: int, by_campaign: bool, row_index: Mapping[str, int]
) -> None:
    """Days of a campaign's run on which one of its platforms had no post for ``quiet_days`` days or more."""
    if quiet_days <= 0:
        return
    posted: dict[tuple[str, str], set[dt.date]] = defaultdict(set)
    for post in _going_out(posts):
        run = next((r for r in runs if r.id == post.facts.campaign), None)
        if run is not None and post.facts.platform and post.facts.slot is not None:
            local_day = post.facts.slot.astimezone(zone(run.audience_tz or out.zone)).date()
            posted[(run.id, post.facts.platform)].add(local_day)
    shown = set(out.days)
    for run in runs:
        if run.start is None or run.end is None:
            continue
        run_days = [d for d in out.days if run.start <= d <= run.end]
        if not run_days:
            continue
        for platform in run.platforms:
            have = posted[(run.id, platform)]
            stretch: list[dt.date] = []
            for day in [*run_days, None]:
                if day is not None and day not in have:
                    stretch.append(day)
                    continue
                if len(stretch) >= quiet_days:
                    row = row_index.get(run.name if by_campaign else platform)
                    if row is not None:
                        for quiet_day in stretch:
                            if quiet_day in shown:
                                key = (row, out.days.index(quiet_day))
                                why = f"quiet: no {platform} post of {run.name} for {len(stretch)} days from {stretch[0]:%a %m-%d}"
                                out.quiet[key] = f"{out.quiet[key]}; {why}" if key in out.quiet else why
                stretch = []
