"""The approval chain as people write it: ``"copy:@mia; brand:group=brand; client:@acme-client"``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crewdeck.sync.state.records import MAX_APPROVAL_STEPS, tag
from crewdeck.tui.workspace.errors import UserError


def parse_chain(text: str, member_id: Callable[[str], str]) -> list[dict[str, Any]]:
    """Steps in order; ``member_id(handle)`` raises ``UserError`` for an unknown member.  ``""`` or ``none``: no steps."""
    if text.strip().lower() in ("", "none"):
        return []
    steps: list[dict[str, Any]] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        name, sep, who = part.partition(":")
        name, who = name.strip().lower(), who.strip()
        if not sep or not name or not who:
            raise UserError(f"approvals: {part!r} is not a step like copy:@mia or brand:group=brand")
        try:
            tag(name)
        except ValueError:
            raise UserError(f"approvals: {name!r} is not a step name (one word)") from None
        if any(s["name"] == name for s in steps):
            raise UserError(f"approvals: step {name!r} is named twice")
        if who.startswith("@"):
            steps.append({"name": name, "member": member_id(who[1:].lower()), "group": None})
        elif who.lower().startswith("group="):
            group = who[6:].strip().lower()
            if not group or " " in group:
                raise UserError(f"approvals: {who!r} is not a group like group=brand")
            steps.append({"name": name, "member": None, "group": group})
        else:
            raise UserError(f"approvals: {who!r} names neither a member (@mia) nor a group (group=brand)")
    if len(steps) > MAX_APPROVAL_STEPS:
        raise UserError(f"approvals: at most {MAX_APPROVAL_STEPS} steps, got {len(steps)}")
    return steps
