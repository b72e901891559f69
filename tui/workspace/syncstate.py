"""The header's sync text: how the workspace is shared and whether it is in step."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from crewdeck.tui.time.when import format_local

if TYPE_CHECKING:
    from crewdeck.sync.client.engine import SyncStatus

#: What a shared file says: every write is already everyone's.
SHARED_FILE = ("live", "live · shared file")


def header_state(status: SyncStatus | None, now: dt.datetime, tz: str, clock24: bool) -> tuple[str, str]:
    """``(tone, text)``: tone is "live", "busy" or "offline" (the header's colours)."""
    if status is None:
        return "busy", "connecting…"
    # The unsent count before the time of the last sync: a narrow header cuts the line's end.
    unsent = f" · {status.unsent:,} unsent" if status.unsent else ""
    # The header's own clock beside it says whose time this is: `synced 10:31 CET` said the zone twice on one line.
    last = (
        f"synced {format_local(status.last_sync, tz, now, clock24=clock24, whose=False).removeprefix('today ')}"
        if status.last_sync
        else "never synced"
    )
    if status.state == "live":
        return "live", f"live{unsent} · {last}"
    if status.state == "syncing":
        if status.progress:
            done, total = status.progress
            return "busy", f"syncing {done:,}/{total:,}"
        return "busy", f"syncing{unsent}"
    if status.state == "offline":
        return "offline", f"offline{unsent} · {last}"
    # The count before the reason, which is long (what to do about it): after it, the header cut the count off.
    return "offline", f"{error_title(status)}{unsent}: {status.message}"


def error_title(status: SyncStatus) -> str:
    """What an ``error`` status is: the server's refusal, or this replica's own file failing (its disk full), which
    nobody refused."""
    return "sync stopped" if status.local else "sync refused"
