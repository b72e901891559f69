"""Saved views of the task list: a name, a key and a query in the filter language."""

from __future__ import annotations

from dataclasses import dataclass

from crewdeck.sync.state.visible import visible
from crewdeck.tui.workspace.workspace import Campaign


@dataclass(frozen=True)
class View:
    id: str
    name: str
    #: The key that picks it in the view picker.
    key: str
    query: str


VIEWS = (
    View("inbox", "Inbox", "i", "inbox"),
    View("today", "Today", "t", "due:today"),
    View("overdue", "Overdue", "o", "overdue"),
    View("mine", "Mine", "m", "@me"),
    View("unassigned", "Unassigned", "u", "@none"),
    View("week", "This week", "w", "due:<sun"),
    View("all", "All open", "a", ""),
)


def views(campaigns: list[Campaign]) -> list[View]:
    """The built-in views, then one per campaign (keys 1-9)."""
    out = list(VIEWS)
    for n, campaign in enumerate(campaigns[:9], start=1):
        out.append(View(f"campaign:{campaign.slug}", visible(campaign.name), str(n), f"+{campaign.slug}"))
    return out


def find(view_id: str, campaigns: list[Campaign]) -> View | None:
    return next((v for v in views(campaigns) if v.id == view_id), None)
