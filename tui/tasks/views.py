"""Saved views of the task list: a name, a key and a query in the filter language."""

from __future__ import annotations

from dataclasses import dataclass, replace

from crewdeck.sync.state.records import WEEKDAYS
from crewdeck.sync.state.visible import visible
from crewdeck.tui.time.when import week_start
from crewdeck.tui.workspace.workspace import Campaign, Member, campaign_slugs


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
    # Monday to Friday's; each viewer's own is ``week_end``'s (``views``).
    View("week", "This week", "w", "due:<fri"),
    View("all", "All open", "a", ""),
)


def week_end(viewer: Member | None) -> str:
    """The weekday (``thu``) the viewer's working week ends on: the last they work of the seven from ``week_start``
    (Friday for someone with no hours).  ``due:<thu`` is today to then, the overdue ones with today's: on a day off after
    it, the week ahead.  ``due:<sun`` was every viewer's: on a Sunday only today's, nothing of the week to come."""
    worked = {WEEKDAYS.index(day) for day, spans in viewer.hours.items() if spans} if viewer else set()
    if not worked:
        return "fri"
    first = week_start(worked)
    return WEEKDAYS[next(day for day in ((first + n) % 7 for n in range(6, -1, -1)) if day in worked)]


def views(campaigns: list[Campaign], viewer: Member | None) -> list[View]:
    """The built-in views (This week: ``viewer``'s), then one per campaign (keys 1-9)."""
    out = [replace(v, query=f"due:<{week_end(viewer)}") if v.id == "week" else v for v in VIEWS]
    # Two campaigns of one name (added on two replicas) each its own view: +launch would name neither.
    slugs = campaign_slugs(campaigns)
    for n, campaign in enumerate(campaigns[:9], start=1):
        named = slugs[campaign.id]
        out.append(View(f"campaign:{named}", visible(campaign.name), str(n), f"+{named}"))
    return out


def find(view_id: str, campaigns: list[Campaign], viewer: Member | None) -> View | None:
    return next((v for v in views(campaigns, viewer) if v.id == view_id), None)
