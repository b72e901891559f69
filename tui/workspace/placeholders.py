"""What a reader shows in place of a required field a record lacks.

A record may reach a replica incomplete (a campaign set only its KPIs, a
task only its priority) or with a value today's checks refuse, from an
older version or a forged push.  Readers never fail on one: they show it
with these placeholders, and ``crewdeck doctor`` writes the same
placeholders when it repairs the record, so a repaired record reads exactly
as it did before.  Each names the record's short id, so two of them never
look alike.
"""

from __future__ import annotations

from typing import Any

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.naming import unnamed_campaign as unnamed_campaign
from crewdeck.sync.state.zones import UnknownZoneError, zone

#: The zone of a member whose zone is missing or unknown.
PLACEHOLDER_TZ = "UTC"


def untitled_task(task_id: str) -> str:
    return f"(untitled task {short(task_id)})"


def unnamed_member(member_id: str) -> str:
    return f"(unnamed member {short(member_id)})"


def member_handle(member_id: str) -> str:
    """A valid handle that names the member by its id."""
    return f"member-{short(member_id)}"


def text_or(value: Any, placeholder: str) -> str:
    """``value`` if it is text with something in it, else ``placeholder``."""
    return value if isinstance(value, str) and value.strip() else placeholder


def known_zone(value: Any) -> bool:
    try:
        zone(value)
    except UnknownZoneError:
        return False
    return True
