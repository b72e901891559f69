"""Approved posts out to a scheduler: Hootsuite's bulk-composer CSV, or a plain CSV.

Hootsuite's bulk scheduler reads a CSV file with no header row and three
columns per post: the date and time (24-hour clock, in the date order
picked in its upload dialog, day/month/year or month/day/year), the
message, and an optional link.  Its rules, as its upload dialog states
them: a time is at least 10 minutes in the future and its minutes end in
0 or 5; no two messages are the same; at most 350 posts per file; the
file goes to the social profiles picked at upload, so one file holds one
platform's posts.  Times are written in the zone given (``--zone``), which
must be the zone of the Hootsuite account that uploads the file.

Only approved and scheduled posts go out: paused, missed and unapproved
posts never do, and the export says how many it left out and why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from crewdeck.tui.posts.reading import PostView, read_posts
from crewdeck.tui.posts.states import PUBLISHABLE, label
from crewdeck.tui.time.when import in_zone, repeated

#: Hootsuite's rules for a bulk upload.
HOOTSUITE_MINUTES = 5
HOOTSUITE_AHEAD = dt.timedelta(minutes=10)
HOOTSUITE_MAX_ROWS = 350
DATE_ORDERS = {"dmy": "%d/%m/%Y %H:%M", "mdy": "%m/%d/%Y %H:%M"}
PLAIN_COLUMNS = ("id", "title", "platform", "campaign", "state", "slot_utc", "slot_local", "zone", "copy", "link", "media", "first_comment")


@dataclass
class Export:
    text: str
    written: int
    #: Why posts of the period were left out: reason -> how many.
    left_out: Counter[str] = field(default_factory=Counter)
    platforms: set[str] = field(default_factory=set)


def round_up(instant: dt.datetime, minutes: int) -> dt.datetime:
    """The next time on a multiple of ``minutes`` (the same time when it is on one), seconds dropped."""
    base = instant.replace(second=0, microsecond=0)
    if base < instant:
        base += dt.timedelta(minutes=1)
    extra = (-base.minute) % minutes
    return base + dt.timedelta(minutes=extra)


def _in_period(views: Sequence[PostView], start: dt.datetime, end: dt.datetime, platform: str | None) -> list[PostView]:
    return [
        v for v in views if v.facts.slot is not None and start <= v.facts.slot < end and (platform is None or v.facts.platform == platform)
    ]


def _content(conn: sqlite3.Connection, post_id: str) -> tuple[str, str, list[str], str]:
    copy, link, media, first_comment = conn.execute("SELECT copy, link, media, first_comment FROM task WHERE id = ?", (post_id,)).fetchone()
    return copy or "", link or "", json.loads(media or "[]"), first_comment or ""


def _going_out(views: Sequence[PostView], left_out: Counter[str]) -> list[PostView]:
    out = []
    for v in views:
        if v.state in PUBLISHABLE:
            out.append(v)
        elif v.state != "published":  # published posts went out already: not left out
            left_out[label(v.state)] += 1
    return out


def hootsuite(
    conn: sqlite3.Connection,
    now: dt.datetime,
    start: dt.datetime,
    end: dt.datetime,
    zone: str,
    *,
    date_order: str = "mdy",
    platform: str | None = None,
) -> Export:
    """The approved posts with a slot in ``[start, end)`` as Hootsuite's bulk CSV, times in ``zone``."""
    result = Export("", 0)
    rows: list[list[str]] = []
    seen_messages: set[str] = set()
    for v in _going_out(_in_period(read_posts(conn, now), start, end, platform), result.left_out):
        assert v.facts.slot is not None
        # Rounded as an instant: on the wall clock 01:58 went up to 02:00 on a night that has none.  Every zone's offset
        # is a multiple of 5 minutes today (none keeps its 19th-century local mean time), so they end in 0 or 5 on its clock too.
        local = in_zone(round_up(v.facts.slot, HOOTSUITE_MINUTES), zone)
        copy, link, _media, _first = _content(conn, v.id)
        if local - now < HOOTSUITE_AHEAD:
            result.left_out["less than 10 minutes ahead"] += 1
        elif repeated(local):
            # The file has a wall time alone: which of the two its reader takes is not ours to say.
            result.left_out[f"at a time the clocks show twice in {zone} (schedule by hand in Hootsuite)"] += 1
        elif copy in seen_messages:
            result.left_out["the same message as another post"] += 1
        elif len(rows) >= HOOTSUITE_MAX_ROWS:
            result.left_out["over Hootsuite's 350 posts per file"] += 1
        else:
            seen_messages.add(copy)
            rows.append([local.strftime(DATE_ORDERS[date_order]), copy, link])
            result.platforms.add(v.facts.platform or "")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    result.text, result.written = out.getvalue(), len(rows)
    return result


def plain_csv(
    conn: sqlite3.Connection,
    now: dt.datetime,
    start: dt.datetime,
    end: dt.datetime,
    zone: str,
    campaigns: dict[str, str],
    platform: str | None = None,
) -> Export:
    """The approved posts of the period as a CSV with a header and every field (slot in UTC and in ``zone``)."""
    result = Export("", 0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(PLAIN_COLUMNS)
    for v in _going_out(_in_period(read_posts(conn, now), start, end, platform), result.left_out):
        assert v.facts.slot is not None
        copy, link, media, first_comment = _content(conn, v.id)
        writer.writerow(
            [
                v.id,
                v.facts.title,
                v.facts.platform or "",
                campaigns.get(v.facts.campaign or "", "") if v.facts.campaign else "",
                v.state,
                v.facts.slot.strftime("%Y-%m-%dT%H:%M:%SZ"),
                in_zone(v.facts.slot, zone).strftime("%Y-%m-%d %H:%M"),
                zone,
                copy,
                link,
                " ".join(media),
                first_comment,
            ]
        )
        result.written += 1
        result.platforms.add(v.facts.platform or "")
    result.text = out.getvalue()
    return result
