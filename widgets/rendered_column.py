"""A long column of Rich renderables, scrolled, laid out once per width and drawn a line at a time."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.segment import Segment
from textual.events import Resize
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class RenderedColumn(ScrollView):
    """``parts`` one under the other (the list of keys: a heading and some 25 tables, ~250 lines), scrolled as a
    ``VerticalScroll`` holding a ``Static`` of them scrolls it.

    A ``Static`` of them was laid out in full four times over (its height, then its lines, again once its scrollbar
    took room) before the first screen could be drawn, and again as it scrolled: ~300 ms for ``?`` in a terminal,
    where a cursor move takes ~30.  Here each part is laid out once for the width it is shown at, the first screen's
    before it is drawn and the rest once it is, and each frame draws the lines on screen from those.
    """

    # The scrollbar's room kept: a width that changed as the scrollbar came would lay it all out again.
    DEFAULT_CSS = """
    RenderedColumn { overflow-x: hidden; overflow-y: auto; scrollbar-gutter: stable; }
    """

    def __init__(
        self, parts: Sequence[RenderableType], *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.parts = list(parts)
        #: The lines of the first ``_done`` parts laid out at ``_width`` (``None``: not laid out yet).
        self._lines: list[list[Segment]] = []
        self._done = 0
        self._width: int | None = None

    def _laid_out(self, width: int, lines: int | None = None) -> list[list[Segment]]:
        """The lines at ``width``: at least ``lines`` of them where there are as many (``None``: all)."""
        if width != self._width:
            self._lines, self._done, self._width = [], 0, width
        if self._done < len(self.parts) and (lines is None or len(self._lines) < lines):
            console = self.app.console
            options = console.options.update(width=width, height=None, highlight=False)
            while self._done < len(self.parts) and (lines is None or len(self._lines) < lines):
                self._lines += console.render_lines(self.parts[self._done], options, style=self.rich_style, pad=True)
                self._done += 1
            self.virtual_size = Size(width, len(self._lines))
            if self._done < len(self.parts):
                self.call_after_refresh(self._lay_out_rest, width)
        return self._lines

    def _lay_out_rest(self, width: int) -> None:
        if width == self._width:
            self._laid_out(width)

    def lay_out(self) -> None:
        """Every part, now: before a move that needs the whole length (to the end, a page on)."""
        self._laid_out(self.scrollable_content_region.width)

    # The moves that go past what is laid out wait for the whole length: the screen's own keys do (``lay_out``), and
    # these, the column's inherited ones, come first while it has the focus.
    def action_scroll_end(self) -> None:
        self.lay_out()
        super().action_scroll_end()

    def action_page_down(self) -> None:
        self.lay_out()
        super().action_page_down()

    def action_scroll_down(self) -> None:
        self.lay_out()
        super().action_scroll_down()

    def on_resize(self, event: Resize) -> None:
        # The scrollbar's length comes from the lines at the new width.
        self._laid_out(self.scrollable_content_region.width, self.size.height)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + round(self.scroll_y)
        lines = self._laid_out(width, index + 1)
        if index >= len(lines):
            return Strip.blank(width, self.rich_style)
        return Strip(lines[index], width)
