"""A long Rich renderable in a scrolled column, laid out once per width and drawn a line at a time."""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from textual.events import Resize
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class RenderedColumn(ScrollView):
    """``content`` (the list of keys: some 250 lines of tables) scrolled as a ``VerticalScroll`` holding a ``Static``
    scrolls it.

    A ``Static`` of it was laid out in full several times over (its height, then its lines) before the first screen
    could be drawn, and again on each scroll: ~300 ms for ``?`` in a terminal, where a cursor move takes ~30.  Here it
    is laid out once for the width it is shown at, and each frame draws the lines on screen from that.
    """

    # The scrollbar's room kept: a width that changed as the scrollbar came would lay it all out again.
    DEFAULT_CSS = """
    RenderedColumn { overflow-x: hidden; overflow-y: auto; scrollbar-gutter: stable; }
    """

    def __init__(self, content: RenderableType, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.content = content
        #: The lines of ``content`` laid out at ``_width`` (``None``: not yet).
        self._lines: list[list[Segment]] = []
        self._width: int | None = None

    def _laid_out(self, width: int) -> list[list[Segment]]:
        if width != self._width:
            console = self.app.console
            options = console.options.update(width=width, height=None, highlight=False)
            self._lines = console.render_lines(self.content, options, style=self.rich_style, pad=True)
            self._width = width
            self.virtual_size = Size(width, len(self._lines))
        return self._lines

    def on_resize(self, event: Resize) -> None:
        # The scrollbar's length comes from the lines at the new width.
        self._laid_out(self.scrollable_content_region.width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        lines = self._laid_out(width)
        index = y + round(self.scroll_y)
        if index >= len(lines):
            return Strip.blank(width, self.rich_style)
        return Strip(lines[index], width)
