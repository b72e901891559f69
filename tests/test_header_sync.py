"""The header's sync text: how the workspace is shared and when it last was in step."""

from __future__ import annotations

import datetime as dt

import pytest

from crewdeck.sync.client.engine import SyncStatus
from crewdeck.tui.workspace.syncstate import header_state

from .conftest import NOW


@pytest.mark.parametrize(
    ("tz", "clock24", "ago", "synced"),
    [
        ("Europe/Berlin", True, dt.timedelta(minutes=14), "synced 10:16"),
        ("Asia/Manila", False, dt.timedelta(minutes=14), "synced 5:16pm"),
        ("Asia/Kolkata", True, dt.timedelta(days=3), "synced Mon 11-23 15:00"),
    ],
)
def test_the_last_sync_is_said_on_the_clock_the_header_shows_without_its_zone_again(
    tz: str, clock24: bool, ago: dt.timedelta, synced: str
) -> None:
    # The header reads "@ana (Europe/Berlin) · 10:30 CET ● live · synced 10:16 CET": the zone twice on one line, and
    # three times for a Manila reader's "synced 5:16pm PST Manila", whose header cut the line's end for it.
    for state, tone, shown in (("live", "live", f"live · {synced}"), ("offline", "offline", f"offline · 2 unsent · {synced}")):
        status = SyncStatus(state=state, unsent=2 if state == "offline" else 0, last_sync=NOW - ago)
        assert header_state(status, NOW, tz, clock24) == (tone, shown)
