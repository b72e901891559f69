"""The content calendar's logic without a UI: moving a slot in its audience's zone, and the calendar's flags.

* ``shift``: a slot moved by hours or days on the audience's wall clock, so a
  post at 09:00 in New York stays at 09:00 across a DST change (a time in
  a gap moves forward, an ambiguous one takes the first occurrence).
* ``gap_flags``: two posts on one platform of one campaign closer than the
  workspace's minimum gap.
* ``quiet_flags``: a platform of a campaign with no post for the
  workspace's quiet days or more during the campaign's run.
* ``off_peak``: a slot outside its platform's peak hours (each peak time
  starts an hour), with the nearest peak time suggested, in the audience's zone;
  ``off_peak_words`` says it in a line, for a post scheduled or moved there.

Pulled posts count for none of the flags.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from crewdeck.sync.state.zones import zone
from crewdeck.tui.posts.reading import PostView
from crewdeck.tui.time.when import clock_text, localize, same_clock, zone_label
from crewdeck.tui.workspace.config import DEFAULT_PEAK_HOURS

#: How long a peak hour lasts from its time (a `peak_hours` setting): a slot in it is on peak, one outside every such hour
#: is off peak (`off_peak`), the hours the notes list ("11:00-12:00"), as the README says it (review re 2).
PEAK_LENGTH = dt.timedelta(hours=1)


def shift(slot: dt.datetime, tz: str, *, hours: int = 0, days: int = 0) -> dt.datetime:
    """``slot`` moved ``days`` on the wall clock of ``tz`` (09:00 stays 09:00 across a change of clocks), then
    ``hours`` of elapsed time (the result in UTC).

    Hours on the wall clock would stick or skip on the night the clocks change: an hour back from 03:30 on a
    spring-forward night is 02:30, which the gap moves forward to 03:30 again.
    """
    where = zone(tz)
    local = slot.astimezone(where).replace(tzinfo=None)
    moved = localize(local + dt.timedelta(days=days), where) if days else slot
    return moved.astimezone(dt.UTC) + dt.timedelta(hours=hours)


def _live(views: Iterable[PostView]) -> list[PostView]:
    return [v for v in views if v.state != "pulled" and v.facts.slot is not None]


@dataclass(frozen=True)
class GapFlag:
    first: PostView
    second: PostView
    gap: dt.timedelta


def gap_flags(views: Iterable[PostView], min_gap: dt.timedelta) -> list[GapFlag]:
    """Each pair of consecutive posts on one platform of one campaign closer than ``min_gap``."""
    groups: dict[tuple[str | None, str | None], list[PostView]] = defaultdict(list)
    for v in _live(views):
        groups[(v.facts.campaign, v.facts.platform)].append(v)
    out = []
    for posts in groups.values():
        posts.sort(key=lambda v: (v.facts.slot, v.id))
        for first, second in pairwise(posts):
            assert first.facts.slot is not None and second.facts.slot is not None
            gap = second.facts.slot - first.facts.slot
            if gap < min_gap:
                out.append(GapFlag(first, second, gap))
    return out


@dataclass(frozen=True)
class QuietFlag:
    campaign: str
    platform: str
    #: The first and last day (in the audience's zone) of the stretch with no post.
    first: dt.date
    last: dt.date


def quiet_flags(
    views: Iterable[PostView],
    campaigns: Iterable[tuple[str, Sequence[str], str | None, str | None, str]],
    quiet_days: int,
    *,
    until: dt.date | None = None,
) -> list[QuietFlag]:
    """Stretches of ``quiet_days`` or more with no post on a campaign's platform during its run.

    ``campaigns``: ``(id, platforms, start, end, audience zone)``; a campaign
    with no start and end has no run to check.  ``until``: the last day to
    look at (default: the campaign's end).
    """
    days: dict[tuple[str, str], set[dt.date]] = defaultdict(set)
    zones = {c[0]: c[4] for c in campaigns}
    for v in _live(views):
        if v.facts.campaign in zones and v.facts.platform:
            assert v.facts.slot is not None
            days[(v.facts.campaign, v.facts.platform)].add(v.facts.slot.astimezone(zone(zones[v.facts.campaign])).date())
    out = []
    for campaign, platforms, start, end, _tz in campaigns:
        if not start or not end:
            continue
        first_day, last_day = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        if until is not None:
            last_day = min(last_day, until)
        for platform in platforms:
            posted = days[(campaign, platform)]
            run_start = None
            day = first_day
            while day <= last_day + dt.timedelta(days=1):
                quiet = day <= last_day and day not in posted
                if quiet and run_start is None:
                    run_start = day
                elif not quiet and run_start is not None:
                    if (day - run_start).days >= quiet_days:
                        out.append(QuietFlag(campaign, platform, run_start, day - dt.timedelta(days=1)))
                    run_start = None
                day += dt.timedelta(days=1)
    return out


def off_peak(slot: dt.datetime, tz: str, peaks: Sequence[str]) -> dt.datetime | None:
    """The nearest peak time's start when ``slot`` is outside every peak hour of the day in ``tz`` (``None``: it is on peak)."""
    if not peaks:
        return None
    where = zone(tz)
    local_day = slot.astimezone(where).date()
    starts = [
        localize(dt.datetime.combine(day, dt.time.fromisoformat(peak)), where)
        for day in (local_day - dt.timedelta(days=1), local_day, local_day + dt.timedelta(days=1))
        for peak in peaks
    ]
    if any(start <= slot < start + PEAK_LENGTH for start in starts):
        return None
    return min(starts, key=lambda start: (abs(start - slot), start)).astimezone(dt.UTC)


def off_peak_words(slot: dt.datetime, tz: str, platform: str | None, peaks: Sequence[str], viewer_tz: str, *, clock24: bool = True) -> str:
    """``off_peak``'s judgement in a line, in the audience's zone ``tz`` and the viewer's, for a post put on ``slot``
    (``post schedule``, ``post slot``, the app's): "09:00 EST (15:00 CET for you) is outside the audience's peak hours
    for linkedin, 08:00-09:00 and 12:00-13:00 EST: nearest 08:00 EST (14:00 CET for you)", a clock on another day
    than the slot's (in the audience's zone) with its day, "Mon 20:00 EST"; "" on peak, or for a platform with no peak
    hours.  It refuses nothing: a slot off peak may be meant."""
    nearest = off_peak(slot, tz, peaks)
    if nearest is None:
        return ""
    where = zone(tz)
    day = slot.astimezone(where).date()

    def clock(at: dt.datetime, in_tz: str) -> str:
        local = at.astimezone(zone(in_tz))
        return f"{local:%a} " * (local.date() != day) + f"{clock_text(local, clock24)} {zone_label(at, in_tz)}"

    def both(at: dt.datetime) -> str:
        return clock(at, tz) + ("" if same_clock(at, tz, viewer_tz) else f" ({clock(at, viewer_tz)} for you)")

    starts = sorted(localize(dt.datetime.combine(day, dt.time.fromisoformat(peak)), where) for peak in peaks)
    hours = [f"{clock_text(start, clock24)}-{clock_text((start + PEAK_LENGTH).astimezone(where), clock24)}" for start in starts]
    listed = ", ".join(hours[:-1]) + f" and {hours[-1]}" if len(hours) > 1 else hours[0]
    return f"{both(slot)} is outside the audience's peak hours for {platform}, {listed} {zone_label(slot, tz)}: nearest {both(nearest)}"


def peak_hours_for(platform: str | None, workspace: Mapping[str, list[str]], defaults: Mapping[str, list[str]]) -> list[str]:
    """A platform's peak times: the workspace's setting, else the built-in list."""
    if not platform:
        return []
    return list(workspace.get(platform, defaults.get(platform, [])))


def peak_frame(
    platform: str | None, peak_hours: Mapping[str, list[str]], audience_tz: str | None, slot_tz: str | None, viewer_tz: str
) -> tuple[str, list[str]]:
    """The zone a post's slot is judged on peak in and its platform's peak times there, for the calendar's flag, the
    notes of ``post slot``, ``post schedule`` and the app, and quick-add's preview alike (each picked them on its own,
    review re): the audience's zone (its campaign's), whatever zone the slot was typed in, else the slot's, else the
    reader's; the workspace's ``peak_hours`` for the platform, else the built-in ones."""
    return audience_tz or slot_tz or viewer_tz, peak_hours_for(platform, peak_hours, DEFAULT_PEAK_HOURS)
