"""Oracles for wall-clock oddities, for tests that check how times are decided."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.UTC


def is_gap(local: dt.datetime, tz: ZoneInfo) -> bool:
    """A wall time the clocks skip (02:30 on a spring-forward night)."""
    aware = local.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None)


def is_fold(local: dt.datetime, tz: ZoneInfo) -> bool:
    """A wall time that happens twice (01:30 on a fall-back night)."""
    first = local.replace(tzinfo=tz, fold=0)
    second = local.replace(tzinfo=tz, fold=1)
    return first.utcoffset() != second.utcoffset() and not is_gap(local, tz)
