"""A pane's one-line bar: what it shows (a view, a period), how much, and a hint.

One widget of a fixed size: changing its text repaints one line and never
lays the screen out again, which keeps a key that switches views cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from crewdeck.widgets import cutting


class PaneBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"pane-bar--title", "pane-bar--info", "pane-bar--hint"}

    #: Not scoped: the light theme's rule is the app's (``App:light``); the others name PaneBar already.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    PaneBar { height: 1; width: 1fr; padding: 0 1; background: $boost; }
    PaneBar > .pane-bar--title { text-style: bold; color: $accent; }
    PaneBar > .pane-bar--info { color: $foreground-muted; }
    PaneBar > .pane-bar--hint { color: $foreground-muted; }
    /* A light theme's $accent, $warning and $success are made for backgrounds: as text on its surface they read at a
       contrast of 1.3 to 1.6 (textual-light).  Its $text-* shades of them are made for text. */
    App:light PaneBar > .pane-bar--title { color: $text-accent; }
    """

    title: reactive[str] = reactive("")
    #: How much it shows, in parts in the order they matter (shown joined by " · "; a narrow pane gives up the last).
    #: Parts, never a joined line: a part may hold " · " itself (a post's title).
    info: reactive[tuple[str, ...]] = reactive(())
    hint: reactive[str] = reactive("")
    #: The fewest cells ``info``'s first part may be cut to (with "…") to keep the parts after it; 0: never cut, the last parts go.
    shrink_first = 0
    #: The fewest cells ``info``'s last part may be cut to (with "…") rather than given up whole; 0: never cut.
    shrink_last = 0

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(self.title, self.get_component_rich_style("pane-bar--title"))
        if self.info:
            text.append("  ")
            text.append(
                whole_parts(self.info, self.content_size.width - text.cell_len, self.shrink_first, self.shrink_last),
                self.get_component_rich_style("pane-bar--info"),
            )
        if self.hint:
            room = self.size.width - text.cell_len - len(self.hint)
            if room > 1:
                text.append(" " * room)
                text.append(self.hint, self.get_component_rich_style("pane-bar--hint"))
        return text


def whole_parts(info: Sequence[str], width: int, shrink_first: int = 0, shrink_last: int = 0) -> str:
    """``info``'s parts that fit ``width`` whole, joined by " · ", from the first (the first alone if none fits): a narrow
    pane loses the last, never half of one ("· 6"). The content calendar's title is cut the same way.

    ``shrink_first``: the first part (a name, a title) may be cut to as few as that many cells, with "…", before a
    part after it is given up: the parts are then in the order they matter, the name's end mattering least.

    ``shrink_last``: the last part (a filter typed) may be cut to as few as that many cells, with "…", before it is
    given up whole: its start says what it is.
    """
    parts = list(info)
    if shrink_last and len(parts) > 1 and cell_len(" · ".join(parts)) > width:
        room = width - cell_len(" · ".join([*parts[:-1], ""]))
        if room >= shrink_last:
            return " · ".join([*parts[:-1], cutting.keep(parts[-1], room - 1) + "…"])
    while len(parts) > 1 and cell_len(" · ".join(parts)) > width:
        room = width - cell_len(" · ".join(["", *parts[1:]]))
        if shrink_first and room >= shrink_first:
            return " · ".join([cutting.keep(parts[0], room - 1) + "…", *parts[1:]])
        parts.pop()
    return " · ".join(parts)
