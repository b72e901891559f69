"""A keyboard table drawn line by line: a fixed header, a cursor, columns.

The base of the task list and the ledger's budget and entries tables.  It
renders only the lines on screen (Textual's line API, ``render_line``), so
a table of 100,000 rows costs what a table of 30 does; where the rows come
from is the subclass's business (``row_count`` and ``row_cells``).

Every table looks the same: one surface, one header, one cursor (the
theme's block cursor, dimmed while the table has no focus), all in this
class's ``DEFAULT_CSS``; subclasses add only the colours of their own
content.  (The deadline grid is no table of rows: its cursor marks one
cell among full-block glyphs, which a block cursor would hide.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.strip import Strip

from crewdeck.widgets import cutting
from crewdeck.widgets.steady_scroll_view import SteadyScrollView


@dataclass(frozen=True)
class Column:
    title: str
    #: Cells of the column at its narrowest.
    width: int
    align: str = "left"
    #: Share of the spare width this column takes (0: stays at ``width``).
    grow: int = 0
    #: When the columns do not fit, those with the highest ``drop`` go first (0: never).
    drop: int = 0
    #: Never cut (an amount: a cut one reads as another number): at least as wide as its widest cell on screen.
    whole: bool = False
    #: Never left out, ``drop`` or ``whole`` (the column the rows are sorted by): the others go first.
    keep: bool = False


class LineTable(SteadyScrollView, can_focus=True):
    """Rows under a header; ``up``/``down``/``j``/``k``, pages, ``home``/``end``, ``enter``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="table.cursor_down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.cursor_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("home,g", "first", "First", show=False, id="table.first"),
        Binding("end,G", "last", "Last", show=False, id="table.last"),
        Binding("enter", "activate", "Open", id="table.activate"),
    ]

    #: The columns of every table of the class; one table may have its own (``columns``).
    COLUMNS: ClassVar[tuple[Column, ...]] = ()

    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-table--header", "line-table--cursor", "line-table--loading"}

    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        overflow-x: hidden;
    }
    LineTable > .line-table--header { color: $foreground-muted; text-style: bold; background: $panel; }
    LineTable > .line-table--cursor { background: $block-cursor-blurred-background; }
    LineTable:focus > .line-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    LineTable > .line-table--loading { color: $foreground-muted; text-style: italic; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: tuple[Column, ...] = self.COLUMNS
        #: Whether the footer was last told there are no rows (``check_action``): until rows come, there are none.
        self._shown_empty = True
        self.cursor = 0
        #: What every line of one paint shares, set by ``render_lines``: the
        #: widget's style (``rich_style`` walks every ancestor) and the widths.
        self._paint: tuple[Style, int, list[int]] | None = None
        #: ``class_style`` answers during one paint (a few classes, asked for by every row).
        self._paint_styles: dict[str, Style] | None = None

    # ------------------------------------------------------------ for subclasses

    def row_count(self) -> int:
        raise NotImplementedError

    def row_cells(self, index: int) -> Sequence[Cell] | None:
        """The cells of a row, or ``None`` while it is not loaded (drawn as ``line-table--loading``)."""
        raise NotImplementedError

    def row_style(self, index: int) -> Style:
        """The style of a loaded row as a whole."""
        return Style()

    def cursor_moved(self, index: int) -> None:
        """Called after the cursor moved (post a message here)."""

    def activated(self, index: int) -> None:
        """Called on ``enter`` on a row."""

    # ------------------------------------------------------------ size and cursor

    def virtual_height(self) -> int:
        """Lines to scroll through: the header and every row."""
        return self.row_count() + 1

    def rows_changed(self) -> None:
        """Call after the rows changed: new height, cursor kept in range, redraw."""
        self.virtual_size = Size(self.size.width, self.virtual_height())
        self.cursor = max(0, min(self.cursor, self.row_count() - 1))
        self.refresh()
        if (self.row_count() == 0) != self._shown_empty:
            self._shown_empty = not self._shown_empty
            self.refresh_bindings()  # from no rows to some, or back: the footer says whether enter opens one

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # No rows (an empty workspace, a filter that matches nothing): nothing to open either; "⏎ Open" did nothing.
        return action != "activate" or self.row_count() > 0

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.virtual_height())
        self.scroll_to_cursor()  # a shorter table (a line under it wrapped, say) would leave it below the last line

    @property
    def page(self) -> int:
        return max(1, self.size.height - 1)

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped), scrolled into view; ``cursor_moved`` if it moved."""
        count = self.row_count()
        if count == 0:
            self.cursor = 0
            return
        index = max(0, min(index, count - 1))
        moved = index != self.cursor
        self.cursor = index
        self.scroll_to_cursor()
        self.refresh()
        if moved:
            self.cursor_moved(index)

    def scroll_to_cursor(self) -> None:
        """Scroll the cursor's row into view (call after ``rows_changed`` put the cursor on a row that moved)."""
        if not self.size.height:
            return  # not laid out yet (hidden): its page is no size, and ``on_resize`` scrolls once it has one
        top = round(self.scroll_y)
        # Forced: Textual scrolls only a widget showing its scrollbar, which new rows get once the screen lays the table
        # out again, and a move run before that (G typed while a list was counted) put the cursor on a row off the
        # screen, never read.  The scroll is kept within the rows all the same (``max_scroll_y``, of the rows set).
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor > top + self.page - 1:
            self.scroll_to(y=self.cursor - self.page + 1, animate=False, immediate=True, force=True)

    def key_move(self, to: Callable[[], int], *, to_end: bool = False) -> None:
        """A key's move of the cursor to row ``to()`` (``to_end``: the last row, which the row count says)."""
        self.move_cursor(to())

    def action_cursor_down(self) -> None:
        self.key_move(lambda: self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.key_move(lambda: self.cursor - 1)

    def action_page_down(self) -> None:
        self.key_move(lambda: self.cursor + self.page)

    def action_page_up(self) -> None:
        self.key_move(lambda: self.cursor - self.page)

    def action_first(self) -> None:
        self.key_move(lambda: 0)

    def action_last(self) -> None:
        self.key_move(lambda: self.row_count() - 1, to_end=True)

    def action_activate(self) -> None:
        if self.row_count():
            self.activated(self.cursor)

    # ------------------------------------------------------------ drawing

    def class_style(self, name: str) -> Style:
        """Only what component class ``name`` sets, to lay over a row or a cell.

        A whole component style brings the table's background with it, which
        would hide the cursor's; a partial one has translucent colours
        (``$foreground-muted``) unmixed.  This takes what the class sets,
        with its colours as the whole style mixed them.
        """
        known = self._paint_styles
        if known is not None and name in known:
            return known[name]
        style = _set_by(self.get_component_rich_style(name), self.get_component_rich_style(name, partial=True))
        if known is not None:
            known[name] = style
        return style

    def cursor_style(self) -> Style:
        """What the cursor lays over its row, cells' own colours included.

        Without focus it only tints the row and the cells keep their
        colours; with focus its colours win: the row reads the same in every
        table.
        """
        return self.class_style("line-table--cursor")

    def widths(self, total: int, widest: Sequence[int] = ()) -> list[int]:
        """Each column's width at ``total`` cells, one space between columns.

        ``widest``: each column's widest cell (``widest_on_screen``); a
        ``whole`` column takes that width, and when the columns then do not
        fit, the rightmost ``whole`` ones go after the ``drop`` ones, rather
        than be cut.
        """
        columns = self.columns
        least = [max(c.width, widest[i]) if c.whole and i < len(widest) else c.width for i, c in enumerate(columns)]
        shown = [True] * len(columns)

        def needed() -> int:
            return sum(w for w, on in zip(least, shown) if on) + sum(shown) - 1

        for i in sorted((i for i, c in enumerate(columns) if c.drop and not c.keep), key=lambda i: -columns[i].drop):
            if needed() <= total:
                break
            shown[i] = False
        for i in reversed([i for i, c in enumerate(columns) if c.whole and shown[i] and not c.keep]):
            if needed() <= total:
                break
            shown[i] = False
        widths = [w if on else 0 for w, on in zip(least, shown)]
        spare = total - needed()
        grow = sum(c.grow for c, on in zip(columns, shown) if on)
        if spare > 0 and grow:
            extra = [spare * c.grow // grow if on else 0 for c, on in zip(columns, shown)]
            extra[max(range(len(extra)), key=lambda i: columns[i].grow if shown[i] else -1)] += spare - sum(extra)
            widths = [w + e for w, e in zip(widths, extra)]
        # A column that may vanish (no minimum width) does, rather than show a sliver.
        return [0 if c.width == 0 and w < 4 else w for c, w in zip(columns, widths)]

    def widest_on_screen(self) -> list[int]:
        """Each ``whole`` column's widest cell among the rows on screen (empty when no column is ``whole``)."""
        if not any(c.whole for c in self.columns):
            return []
        widest = [0] * len(self.columns)
        top = round(self.scroll_y)
        for index in range(top, min(top + self.page, self.row_count())):
            for i, (cell, column) in enumerate(zip(self.row_cells(index) or (), self.columns)):
                if column.whole:
                    widest[i] = max(widest[i], cell_len(_tabs_shown(cell if isinstance(cell, str) else cell.plain)))
        return widest

    def render_lines(self, crop: Region) -> list[Strip]:
        width = self.scrollable_content_region.width
        self._paint = (self.rich_style, width, self.widths(width, self.widest_on_screen()))
        self._paint_styles = {}
        try:
            return super().render_lines(crop)
        finally:
            self._paint = self._paint_styles = None

    def render_line(self, y: int) -> Strip:
        base, width, widths = self._paint or (self.rich_style, self.scrollable_content_region.width, [])
        widths = widths or self.widths(width, self.widest_on_screen())
        cells: Sequence[Cell]
        over: Style | None = None
        if y == 0:
            cells = [c.title for c in self.columns]
            style = base + self.get_component_rich_style("line-table--header")
        else:
            index = y + round(self.scroll_y) - 1
            if index >= self.row_count():
                return Strip.blank(width, base)
            loaded = self.row_cells(index)
            if loaded is None:
                cells, style = ["…"], base + self.get_component_rich_style("line-table--loading")
            else:
                cells, style = loaded, base + self.row_style(index)
            if index == self.cursor:
                over = self.cursor_style()
                style += over
        console = self.app.console
        line = _Line(style)
        for cell, column, cell_width in zip(cells, self.columns, widths):
            if not cell_width:
                continue
            if line.length:
                line.add(" ", style, 1)
            _add_cell(line, cell, cell_width, column.align == "right", style, over, console)
        return line.strip(width)


@lru_cache(maxsize=256)
def _set_by(whole: Style, own: Style) -> Style:
    """The attributes ``own`` sets, colours taken from ``whole`` (a table draws a few styles many times)."""
    colours = Style(color=whole.color if own.color else None, bgcolor=whole.bgcolor if own.bgcolor else None)
    return colours + Style(bold=own.bold, dim=own.dim, italic=own.italic, underline=own.underline, reverse=own.reverse, strike=own.strike)


@dataclass(frozen=True)
class Marked:
    """A cell of ``text`` then a ``mark`` that says something of the row (the budget's ``*``, rates missing).

    Too wide for its column, the text is cut (with an ellipsis) before the
    mark, never the mark: cut from the end, the cell would lose what it says.
    """

    text: str
    mark: str

    @property
    def plain(self) -> str:
        return self.text + self.mark


#: A cell: a string in the row's style, a ``Text`` with styles of its own, or a ``Marked`` string.
Cell = str | Text | Marked


class _Line:
    """A line's segments; a run of cells in one style (most of a row) becomes one segment."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.length = 0
        self._segments: list[Segment] = []
        self._run: list[str] = []
        self._run_style: Style | None = None

    def add(self, text: str, style: Style, cells: int) -> None:
        if style is not self._run_style and style != self._run_style:
            self._flush()
            self._run_style = style
        self._run.append(text)
        self.length += cells

    def _flush(self) -> None:
        if self._run:
            self._segments.append(Segment("".join(self._run), self._run_style))
            self._run = []

    def strip(self, width: int) -> Strip:
        self._flush()
        strip = Strip(self._segments, self.length)
        return strip if self.length == width else strip.crop_extend(0, width, self.style)


def _add_cell(line: _Line, cell: Cell, width: int, right: bool, style: Style, over: Style | None, console: Console) -> None:
    """A cell cut (with an ellipsis) or padded to ``width``, over the row's ``style``, under the cursor's ``over``."""
    if isinstance(cell, Text):
        if cell.spans:  # styled in parts: rich lays it out
            cell = cell.copy()
            cell.truncate(width, overflow="ellipsis")
            cell.align("right" if right else "left", width)
            # A drawing in parts (the budget's bar) keeps its colours under the cursor.
            for segment in Segment.apply_style(cell.render(console), post_style=None, style=style):
                line.add(segment.text, segment.style or style, segment.cell_length)
            return
        own = cell.style
        text = _tabs_shown(cell.plain)
        if own:
            style = style + (console.get_style(own) if isinstance(own, str) else own)
            if over is not None:
                style += over
    elif isinstance(cell, Marked):
        # Measured as the tab's two columns, not its none: a cell that just fit would be cut from its end, mark and all.
        text = _cut_before_mark(Marked(_tabs_shown(cell.text), _tabs_shown(cell.mark)), width)
    else:
        text = _tabs_shown(cell)
    # One style for the whole cell, the common case: a row's worth of rich
    # layout per line cost ~170 us; strings and one style cost a few.
    if cell_len(text) > width:
        text = cutting.keep(text, width - 1) + "…"
    length = cell_len(text)  # short of the width by the glyph a cut left out whole
    if length < width:
        text = " " * (width - length) + text if right else text + " " * (width - length)
    line.add(text, style, width)


def _tabs_shown(text: str) -> str:
    """``text`` with each tab as ``^I``, as the command line's tables show one: a column has no tab stops, and a tab
    sent as it is moved the rest of the row to the terminal's next one."""
    return text.replace("\t", "^I")


def _cut_before_mark(cell: Marked, width: int) -> str:
    """``cell``'s text and mark, its text cut to leave room for the mark (and an ellipsis) when it is wider than ``width``."""
    if cell_len(cell.plain) <= width:
        return cell.plain
    room = width - cell_len(cell.mark) - 1
    # A column too narrow for any of the text and the mark: cut as any cell is.
    return cell.plain if room < 1 else cutting.keep(cell.text, room) + "…" + cell.mark
