"""IANA time-zone names: checking them and suggesting the one meant."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

#: Longer than any name in the zone database (the longest has 32 characters):
#: a longer one is refused before it reaches the file system.
MAX_ZONE_NAME = 64
#: ``UTC+5``, ``GMT-03:30``, ``+13:00``, ``-0800``: offsets people write where a zone is meant (a bare one with its
#: minutes, as ISO 8601 writes it: ``+3`` alone is no offset anyone writes after a time).
_OFFSET_NAME = re.compile(r"(?:(?:UTC|GMT)\s*([+-])\s*([0-9]{1,2})(?::?([0-9]{2}))?|([+-])([0-9]{2}):?([0-9]{2}))\Z", re.IGNORECASE)
#: How a zone's abbreviation is written: ``PST``, ``CEST``, ``NZDT``, ``ChST``.
_ABBREVIATION = re.compile(r"[A-Za-z]{2,5}\Z")


def looks_like_offset(name: str) -> bool:
    """``UTC+5``, ``GMT-03:30``, ``+13:00``: an offset written where a zone is meant (never an IANA name)."""
    return bool(_OFFSET_NAME.match(name.strip()))


def _offset_parts(name: str) -> tuple[str, int, int] | None:
    """The sign, hours and minutes of an offset ``looks_like_offset`` takes."""
    m = _OFFSET_NAME.match(name.strip())
    if m is None:
        return None
    sign, hours, minutes = m.group(1, 2, 3) if m[1] else m.group(4, 5, 6)
    return sign, int(hours), int(minutes or 0)


class UnknownZoneError(ValueError):
    def __init__(self, name: object) -> None:
        self.name = name
        if not isinstance(name, str):
            self.suggestions: list[str] = []
            super().__init__(f"expected an IANA time zone name as text, got {type(name).__name__}")
            return
        shown = name if len(name) <= MAX_ZONE_NAME else f"{name[:MAX_ZONE_NAME]}..."
        offset = _offset_parts(name)
        if offset:
            self.suggestions = offset_zones(*offset)
            hint = f": use {' or '.join(self.suggestions)}" if self.suggestions else ", and no zone is at that offset"
            fixed = " (an Etc/GMT zone's sign is the inverse of the offset)" if any(z.startswith("Etc/") for z in self.suggestions) else ""
            super().__init__(f"{shown!r} is an offset, not an IANA time zone{hint}{fixed}")
            return
        # Before the names' spelling: "PST" is three letters from "MST", "HST" and "EST", and clocks hours away from all three.
        self.suggestions = abbreviation_zones(name)
        if self.suggestions:
            super().__init__(f"{shown!r} is an abbreviation, not an IANA time zone: use {' or '.join(self.suggestions)}")
            return
        self.suggestions = suggest_zones(name) if len(name) <= MAX_ZONE_NAME else []
        hint = f" (did you mean {', '.join(self.suggestions)}?)" if self.suggestions else ""
        super().__init__(f"unknown time zone {shown!r}{hint}")


# Files in the zone database that are not zones a person means.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory", "leapseconds", "tzdata.zi"})
#: Copies of the zones some systems' zone files carry, tzdata does not: unknown on another host, and
#: the leap-second ``right/`` ones are misread (right/Europe/Berlin: noon UTC in December at 14:00 +02:00).
_NOT_ZONE_FOLDERS = ("right/", "posix/")


@lru_cache(maxsize=1)
def _all_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_ZONES


@lru_cache(maxsize=1)
def _zones_by_lower_case() -> dict[str, str]:
    return {z.lower(): z for z in _all_zones()}


def is_zone_in_other_case(name: str) -> bool:
    """``europe/berlin``: a zone's name, in letters of another case (zone names are case-sensitive)."""
    return name.lower() in _zones_by_lower_case() and name not in _all_zones()


def suggest_zones(name: str, limit: int = 3) -> list[str]:
    zones = _all_zones()
    folded = name.strip().lower().replace(" ", "_")
    by_city = sorted(z for z in zones if z.lower().rsplit("/", 1)[-1] == folded.rsplit("/", 1)[-1])
    if by_city:
        return by_city[:limit]
    lowered = _zones_by_lower_case()
    if folded in lowered:
        return [lowered[folded]]
    import difflib  # only to suggest a zone for a name that is none: every command checks zones, few suggest

    return [lowered[m] for m in difflib.get_close_matches(folded, list(lowered), n=limit, cutoff=0.6)]


def offset_zones(sign: str, hours: int, minutes: int, cities: int = 2) -> list[str]:
    """Zones for a UTC offset: the fixed one (``Etc/GMT-5`` is UTC+5: POSIX signs) and cities on that offset today."""
    offset = dt.timedelta(hours=hours, minutes=minutes) * (-1 if sign == "-" else 1)
    found = []
    if not offset:
        found.append("UTC")
    elif not minutes and -12 <= offset.total_seconds() / 3600 <= 14:
        found.append(f"Etc/GMT{'-' if sign == '+' else '+'}{hours}")
    now = dt.datetime.now(dt.UTC)
    found += [z for z in _current_zones() if now.astimezone(zone(z)).utcoffset() == offset][:cities]
    return found


#: The names of North America's clocks summer and winter alike, as people write them after a time ("5pm ET"): no zone
#: shows them, so the zone database cannot say whose they are.
_SEASONLESS = {
    "ET": ("America/New_York",),
    "CT": ("America/Chicago",),
    "MT": ("America/Denver", "America/Phoenix"),
    "PT": ("America/Los_Angeles",),
}


def abbreviation_zones(name: str) -> list[str]:
    """The zones whose clocks are called ``name`` this year (``PST``: America/Los_Angeles, America/Vancouver,
    Asia/Manila), one a way of setting clocks (see ``_current_zones``), west to east, or by a name of both seasons
    (``PT``); none for a word that is no zone's abbreviation."""
    name = name.strip()
    if not _ABBREVIATION.match(name):
        return []
    return list(_zones_by_abbreviation().get(name.upper()) or _SEASONLESS.get(name.upper(), ()))


@lru_cache(maxsize=1)
def _zones_by_abbreviation() -> dict[str, tuple[str, ...]]:
    """Each abbreviation the zones' clocks show in January or July of this year (summer's too: ``CEST``, ``NZDT``), upper-cased."""
    year = dt.datetime.now(dt.UTC).year
    found: dict[str, list[str]] = {}
    for name in _current_zones():
        for month in (1, 7):
            abbrev = dt.datetime(year, month, 15, 12, tzinfo=dt.UTC).astimezone(zone(name)).tzname() or ""
            zones = found.setdefault(abbrev.upper(), []) if abbrev[:1].isalpha() else None
            if zones is not None and name not in zones:
                zones.append(name)
    return {abbrev: tuple(zones) for abbrev, zones in found.items()}


@lru_cache(maxsize=1)
def _current_zones() -> list[str]:
    """One zone per way clocks are set today (the zone database's ``zonenow.tab``), for suggestions."""
    from importlib.resources import files

    try:
        table = files("tzdata").joinpath("zoneinfo", "zonenow.tab").read_text("utf-8")
    except (ModuleNotFoundError, OSError):
        return []
    return [line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#") and line.count("\t") >= 2]


#: Zones named by a North American clock's winter abbreviation that the zone database keeps at that offset all year,
#: and the zone of the clocks whoever types one most likely means, which change in summer.
_FIXED_ABBREVIATIONS = {
    "EST": "New York's clocks use America/New_York",
    "MST": "Denver's clocks use America/Denver, for Phoenix's America/Phoenix",
    "HST": "Hawaii's clocks use Pacific/Honolulu",
}
#: ``Etc/GMT+5``: a fixed offset whose sign, POSIX's, is the inverse of the one it is.
_ETC_GMT = re.compile(r"Etc/GMT([+-])([0-9]{1,2})\Z")


def surprise(name: str, now: dt.datetime) -> str | None:
    """What a valid zone ``name`` does that whoever typed it likely did not mean, with the zone they meant where one is
    clear, else ``None``: ``EST`` keeps UTC-05:00 through New York's summer, ``Etc/GMT+5`` is UTC-05:00.  Never a
    refusal: each is a zone someone somewhere means."""
    if name in _FIXED_ABBREVIATIONS:
        return f"{name} is {_utc_offset(name, now)} all year, with no daylight saving: for {_FIXED_ABBREVIATIONS[name]}"
    m = _ETC_GMT.match(name)
    if m is None or not int(m[2]):
        return None
    inverse = f"Etc/GMT{'-' if m[1] == '+' else '+'}{int(m[2])}"
    meant = f": for {_utc_offset(inverse, now)} use {inverse}" if inverse in _all_zones() else ""
    return f"{name} is {_utc_offset(name, now)} (an Etc/GMT zone's sign is the inverse of the offset){meant}"


def _utc_offset(name: str, now: dt.datetime) -> str:
    """``UTC-05:00``: the offset of the zone ``name`` at ``now``."""
    return f"UTC{offset_text(now.astimezone(zone(name)).utcoffset())}"


def offset_text(offset: dt.timedelta | None) -> str:
    """``-05:00``, ``+05:45``: an offset from UTC as clocks write it."""
    minutes = int((offset or dt.timedelta(0)).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name; ``UnknownZoneError`` otherwise."""
    if not name or len(name) > MAX_ZONE_NAME or name in _NOT_ZONES or name.startswith(("/", ".", *_NOT_ZONE_FOLDERS)) or ".." in name:
        raise UnknownZoneError(name)
    try:
        return ZoneInfo(name)
    # OSError: what the file system says of a name that is no file (a
    # directory such as "America", a component too long for it).
    except (ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
        raise UnknownZoneError(name) from None


def check_zone(name: object) -> str:
    """``name`` if it is an IANA zone; ``UnknownZoneError`` for anything else (also a value that is not text)."""
    if not isinstance(name, str):
        raise UnknownZoneError(name)
    zone(name)
    return name
