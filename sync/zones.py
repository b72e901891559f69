"""IANA time-zone names: checking them and suggesting the one meant."""

from __future__ import annotations

import difflib
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class UnknownZoneError(ValueError):
    def __init__(self, name: str) -> None:
        self.name = name
        self.suggestions = suggest_zones(name)
        hint = f" (did you mean {', '.join(self.suggestions)}?)" if self.suggestions else ""
        super().__init__(f"unknown time zone {name!r}{hint}")


# Files in the zone database that are not zones a person means.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory", "leapseconds", "tzdata.zi"})


@lru_cache(maxsize=1)
def _all_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_ZONES


def suggest_zones(name: str, limit: int = 3) -> list[str]:
    zones = _all_zones()
    folded = name.strip().lower().replace(" ", "_")
    by_city = sorted(z for z in zones if z.lower().rsplit("/", 1)[-1] == folded.rsplit("/", 1)[-1])
    if by_city:
        return by_city[:limit]
    lowered = {z.lower(): z for z in zones}
    if folded in lowered:
        return [lowered[folded]]
    return [lowered[m] for m in difflib.get_close_matches(folded, list(lowered), n=limit, cutoff=0.6)]


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name; ``UnknownZoneError`` otherwise."""
    if not isinstance(name, str) or not name or name in _NOT_ZONES or name.startswith(("/", ".")) or ".." in name:
        raise UnknownZoneError(str(name))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError, UnicodeError):
        raise UnknownZoneError(name) from None


def check_zone(name: object) -> str:
    zone(name)  # type: ignore[arg-type]
    return name  # type: ignore[return-value]
