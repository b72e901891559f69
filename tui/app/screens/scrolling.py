"""The keys of a screen that is one scrolled column of text (the list of keys, a task's detail): the moves of every
list of the app (``LineTable``), where j and k did nothing and only the arrows scrolled, unsaid."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import ScrollableContainer


def scroll_bindings(screen: str, page_down: str = "pagedown") -> list[Binding]:
    """The six moves, their ids under ``screen`` (``help.down``) for the keymap; ``page_down``: the keys of a page on."""
    return [
        Binding("down,j", "scroll('down')", "Down", show=False, id=f"{screen}.down"),
        Binding("up,k", "scroll('up')", "Up", show=False, id=f"{screen}.up"),
        Binding(page_down, "scroll('page_down')", "Page down", show=False, id=f"{screen}.page_down"),
        Binding("pageup", "scroll('page_up')", "Page up", show=False, id=f"{screen}.page_up"),
        Binding("home,g", "scroll('home')", "Top", show=False, id=f"{screen}.top"),
        Binding("end,G", "scroll('end')", "Bottom", show=False, id=f"{screen}.bottom"),
    ]


def scroll_column(column: ScrollableContainer, how: str) -> None:
    """One of the moves ``scroll_bindings`` names, at once (no animation: a held key is not behind)."""
    {
        "down": column.scroll_down,
        "up": column.scroll_up,
        "page_down": column.scroll_page_down,
        "page_up": column.scroll_page_up,
        "home": column.scroll_home,
        "end": column.scroll_end,
    }[how](animate=False)
