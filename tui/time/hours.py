"""Working hours as people write them: ``mon-fri 09:00-17:30``.

Several groups are separated by ``;`` and several spans of one group by
``,``: ``mon-thu 09:00-12:30,13:30-18:00; fri 09:00-13:00``.  A span whose
end is before its start crosses midnight (``sat 22:00-02:00``).  ``off``
clears days (``mon-fri 09:00-17:00; wed off``).
"""

from __future__ import annotations

import datetime as dt
import re

from crewdeck.sync.state.records import WEEKDAYS
from crewdeck.tui.time.when import clock_text
from crewdeck.tui.workspace.errors import UserError

_SPAN = re.compile(r"(\d{1,2}):(\d\d)-(\d{1,2}):(\d\d)\Z")
#: A span on the 12-hour clock, as ``format_hours`` writes it with ``clock24`` off: ``9:00am-5:30pm``, ``10pm-2am``.
_SPAN12 = re.compile(r"(\d{1,2})(?::(\d\d))?\s*([ap]m)-(\d{1,2})(?::(\d\d))?\s*([ap]m)\Z", re.IGNORECASE)


def _days(text: str) -> list[str]:
    days: list[str] = []
    for part in text.lower().split(","):
        first, dash, last = part.partition("-")
        if first not in WEEKDAYS or (dash and last not in WEEKDAYS):
            raise UserError(f"hours: {part!r} is not a weekday or a range like mon-fri")
        start = WEEKDAYS.index(first)
        end = WEEKDAYS.index(last) if dash else start
        index = start
        while True:
            days.append(WEEKDAYS[index])
            if index == end:
                break
            index = (index + 1) % 7
    return days


def _span(text: str) -> list[str]:
    twelve = _SPAN12.match(text)
    if twelve:
        return _span12(text, twelve)
    m = _SPAN.match(text)
    if not m:
        raise UserError(f"hours: {text!r} is not a span like 09:00-17:30 or 9:00am-5:30pm")
    h1, m1, h2, m2 = map(int, m.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise UserError(f"hours: {text!r} is not a time of day")
    start, end = f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"
    if start == end:
        raise UserError(f"hours: {text!r} is an empty span")
    return [start, end]


def _span12(text: str, m: re.Match[str]) -> list[str]:
    """A span on the 12-hour clock: what ``member list`` shows with ``time_format = "12h"`` is read back as it reads.
    It was refused ("not a span like 09:00-17:30"), copied from the list into ``--hours``.  An end at ``12:00am`` is
    the day's end, ``24:00``, as the list writes it."""
    clocks = []
    for hour, minute, half in ((m[1], m[2], m[3]), (m[4], m[5], m[6])):
        h, mm = int(hour), int(minute or 0)
        if not 1 <= h <= 12 or mm > 59:
            raise UserError(f"hours: {text!r} is not a time of day (an hour is 1-12 with am/pm)")
        clocks.append(f"{h % 12 + (12 if half.lower() == 'pm' else 0):02d}:{mm:02d}")
    start, end = clocks[0], "24:00" if clocks[1] == "00:00" else clocks[1]
    if start == end:
        raise UserError(f"hours: {text!r} is an empty span")
    return [start, end]


def parse_hours(text: str) -> dict[str, list[list[str]]]:
    hours: dict[str, list[list[str]]] = {}
    for group in filter(None, (g.strip() for g in text.split(";"))):
        days_text, _, spans_text = group.partition(" ")
        spans_text = spans_text.strip()
        if not spans_text:
            raise UserError(f"hours: {group!r} needs days and spans, like 'mon-fri 09:00-17:30'")
        days = _days(days_text)
        if spans_text.lower() == "off":
            for day in days:
                hours.pop(day, None)
            continue
        spans = [_span(s.strip()) for s in spans_text.split(",")]
        for day in days:
            hours[day] = sorted(spans)
    return {day: hours[day] for day in WEEKDAYS if day in hours}


def format_hours(hours: dict[str, list[list[str]]], clock24: bool = True) -> str:
    """The inverse of ``parse_hours``: consecutive days with equal spans grouped; with ``clock24`` off, the
    spans on the 12-hour clock as the rest of the app shows times (``mon-fri 9:00am-5:30pm``), which ``parse_hours`` reads back."""
    groups: list[tuple[list[str], list[list[str]]]] = []
    for day in WEEKDAYS:
        spans = hours.get(day)
        if not spans:
            continue
        if groups and groups[-1][1] == spans and WEEKDAYS.index(groups[-1][0][-1]) == WEEKDAYS.index(day) - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], spans))
    parts = []
    for days, spans in groups:
        label = days[0] if len(days) == 1 else f"{days[0]}-{days[-1]}"
        parts.append(f"{label} {','.join(f'{_clock(a, clock24)}-{_clock(b, clock24)}' for a, b in spans)}")
    return "; ".join(parts) or "no hours set"


def _clock(hh_mm: str, clock24: bool) -> str:
    """A span's end as stored (``17:30``, ``24:00``), or on the 12-hour clock (``5:30pm``; ``24:00`` is midnight, ``12:00am``)."""
    if clock24:
        return hh_mm
    hour, minute = (int(part) for part in hh_mm.split(":"))
    return clock_text(dt.datetime(2000, 1, 1, hour % 24, minute), clock24=False)
