"""The line every import says of the people it names who are not members here: their tasks went in unassigned."""

from __future__ import annotations

from collections.abc import Iterable

from crewdeck.tui.workspace.words import names

#: How a manager's import given no zone would add them: said only where that import adds people (a Trello board, a
#: crewdeck file), never of an Asana, Linear or Taskwarrior assignee, whom no import adds.
ZONE_ADDS_THEM = "--default-tz ZONE adds them"
#: How a member's import would have added them: only a manager's adds members.
A_MANAGER_ADDS_THEM = "only a manager's import adds them"


def not_members_here(people: Iterable[str], how_added: str = "") -> str:
    """``people`` left off their tasks as no member here, and ``how_added``: what would add them, where an import can."""
    why = f"not members here: {how_added}" if how_added else "not members here"
    return f"left unassigned ({why}): {names(people)}"
