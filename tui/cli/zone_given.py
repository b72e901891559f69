"""A zone typed on the command line: checked, refused naming the flag it came with, and taken with a note where it is
likely not the zone meant (``EST``, ``Etc/GMT+5``)."""

from __future__ import annotations

import datetime as dt
import sys

from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.zones import UnknownZoneError, check_zone, surprise
from crewdeck.tui.workspace.errors import UserError


def given_zone(name: str, flag: str, now: dt.datetime, *, noted: bool = True) -> str:
    """``name`` if it is a zone, else ``UserError`` naming ``flag``; a valid name that likely misleads (a fixed offset
    where clocks change, an inverted sign) is never refused, and said on standard error (``noted`` off: a trial read
    of the options, whose note the command's own read gives)."""
    try:
        checked = check_zone(name)
    except UnknownZoneError as exc:
        raise UserError(f"{flag}: {exc}") from None
    said = surprise(checked, now)
    if said is not None and noted:
        print(visible(f"note: {flag}: {said}"), file=sys.stderr)
    return checked
