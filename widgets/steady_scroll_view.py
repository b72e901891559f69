"""A ScrollView whose scrollbars are updated only when what they measure changed."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class SteadyScrollView(ScrollView):
    """The base of the tables and the deadline grid: a layout elsewhere on the screen leaves their scrollbars alone.

    Textual's ScrollView updates its scrollbars when the virtual size the
    compositor hands it (the widget's region) differs from its own (a
    table's rows, the grid's lines and columns), which for these widgets is
    always: every layout anywhere on the screen (a filter box shown, a line
    typed) redrew every one's scrollbars, ~8 ms of a filter's apply at
    100,000 tasks.  So they are updated when the virtual size, the size or
    the container changed.
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        #: The virtual size the scrollbars were last updated for (``_size_updated``).
        self._scrollbars_of: Size | None = None

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        changed = self.virtual_size != self._scrollbars_of
        self._scrollbars_of = self.virtual_size
        return super()._size_updated(size, virtual_size if changed else self.virtual_size, container_size, layout)
