"""A table of any number of rows that renders only what is on screen.

The table knows how many rows there are and holds the rows it was handed
for a window around the view; when it needs rows it does not have, it asks
for them with a ``WindowNeeded`` message and draws a dim placeholder line
until they come.  There is no widget per row and no list of every row, so
100,000 rows cost the same as 100 (Textual's line API: ``render_line``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: How many rows to ask for around the view at a time.
WINDOW = 200


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    #: Width in cells; the ``flex`` column takes what is left (at least this).
    width: int
    flex: bool = False
    #: Columns with the lowest priority are hidden first when space is short.
    priority: int = 0
    align_right: bool = False


@dataclass(frozen=True)
class Row:
    """One row as the table shows it: plain text cells and style hints."""

    key: str
    cells: tuple[str, ...]
    #: Per cell: a style hint ("warning", "danger", "accent", "muted") or "".
    hints: tuple[str, ...] = ()
    #: For the whole row: "muted" (closed tasks) or "".
    tone: str = ""


class TaskTable(ScrollView, can_focus=True):
    """Rows by index, fetched in windows; a cursor; marked rows.

    | key | action |
    |---|---|
    | `j` `down` | next row |
    | `k` `up` | previous row |
    | `pagedown` `pageup` | a page down / up |
    | `g` `home` | first row |
    | `G` `end` | last row |
    | `enter` | open the row under the cursor |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="table.up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("g,home", "first", "First", show=False, id="table.first"),
        Binding("G,end", "last", "Last", show=False, id="table.last"),
        Binding("enter", "open", "Open", id="table.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "task-table--header",
        "task-table--cursor",
        "task-table--marked",
        "task-table--muted",
        "task-table--warning",
        "task-table--danger",
        "task-table--accent",
        "task-table--loading",
    }

    DEFAULT_CSS = """
    TaskTable {
        background: $surface;
        scrollbar-gutter: stable;
    }
    TaskTable > .task-table--header {
        color: $foreground-muted;
        text-style: bold;
    }
    TaskTable > .task-table--cursor {
        background: $panel-lighten-1;
    }
    TaskTable:focus > .task-table--cursor {
        background: $accent 40%;
    }
    TaskTable > .task-table--marked {
        color: $accent;
        text-style: bold;
    }
    TaskTable > .task-table--muted {
        color: $foreground-muted;
    }
    TaskTable > .task-table--warning {
        color: $warning;
    }
    TaskTable > .task-table--danger {
        color: $error;
        text-style: bold;
    }
    TaskTable > .task-table--accent {
        color: $accent;
    }
    TaskTable > .task-table--loading {
        color: $foreground-muted;
        text-style: italic;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class WindowNeeded(Message):
        """Rows ``offset`` .. ``offset + limit`` are needed on screen."""

        def __init__(self, table: TaskTable, offset: int, limit: int) -> None:
            super().__init__()
            self.table = table
            self.offset = offset
            self.limit = limit

    class CursorMoved(Message):
        def __init__(self, table: TaskTable, index: int, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.key = key

    class Opened(Message):
        def __init__(self, table: TaskTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    def __init__(self, columns: Iterable[Column], *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.row_count = 0
        self.marked: frozenset[str] = frozenset()
        self._rows: dict[int, Row] = {}
        self._asked: tuple[int, int] | None = None
        self._layout: tuple[int, list[tuple[Column, int]]] | None = None

    # ------------------------------------------------------------ data in

    def reset(self, row_count: int, cursor: int = 0) -> None:
        """A new list: forget every row; the cursor goes to ``cursor``."""
        self._rows.clear()
        self._asked = None
        self.row_count = row_count
        self.virtual_size = Size(self.scrollable_content_region.width, row_count + 1)
        self.cursor = max(0, min(cursor, row_count - 1))
        self._ensure_visible()
        self.refresh()

    def set_rows(self, offset: int, rows: list[Row]) -> None:
        """Rows for ``offset`` onwards (from a ``WindowNeeded`` answer)."""
        self._asked = None
        # Keep only a few windows around the view: memory stays flat.
        if len(self._rows) > 4 * WINDOW:
            keep = range(self.cursor - 2 * WINDOW, self.cursor + 2 * WINDOW)
            self._rows = {i: r for i, r in self._rows.items() if i in keep}
        for i, row in enumerate(rows, start=offset):
            self._rows[i] = row
        self.refresh()
        self._post_cursor()

    def set_marked(self, keys: frozenset[str]) -> None:
        self.marked = keys
        self.refresh()

    def row_at(self, index: int) -> Row | None:
        return self._rows.get(index)

    @property
    def cursor_key(self) -> str | None:
        row = self._rows.get(self.cursor)
        return row.key if row else None

    def loaded_rows(self) -> list[tuple[int, Row]]:
        return sorted(self._rows.items())

    # ------------------------------------------------------------ cursor

    def watch_cursor(self, old: int, new: int) -> None:
        clamped = max(0, min(new, self.row_count - 1)) if self.row_count else 0
        if clamped != new:
            self.cursor = clamped
            return
        self._ensure_visible()
        self.refresh()
        self._post_cursor()

    def _post_cursor(self) -> None:
        self.post_message(self.CursorMoved(self, self.cursor, self.cursor_key))

    def _ensure_visible(self) -> None:
        page = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + page:
            self.scroll_to(y=self.cursor - page + 1, animate=False)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.size.height - 2)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.size.height - 2)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.row_count - 1

    def action_open(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Opened(self, key))

    # ------------------------------------------------------------ layout

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count + 1)
        self._layout = None
        self._ensure_visible()

    def _columns(self, width: int) -> list[tuple[Column, int]]:
        if self._layout and self._layout[0] == width:
            return self._layout[1]
        shown = list(self.columns)
        while True:
            fixed = sum(c.width for c in shown if not c.flex) + len(shown) - 1
            flex = [c for c in shown if c.flex]
            room = width - fixed
            if not flex or room >= sum(c.width for c in flex) or len(shown) <= 2:
                break
            shown.remove(min((c for c in shown if not c.flex), key=lambda c: c.priority))
        layout = [(c, c.width if not c.flex else max(c.width, room // max(1, len(flex)))) for c in shown]
        self._layout = (width, layout)
        return layout

    # ------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        # The region left of the scrollbar: text must not run under it.
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        index = int(self.scroll_y) + y - 1
        if index >= self.row_count:
            return Strip.blank(width, self.rich_style)
        row = self._rows.get(index)
        if row is None:
            self._ask(index)
            return Strip([Segment(set_cell_size(" …", width), self.get_component_rich_style("task-table--loading"))], width)
        return self._row_strip(index, row, width)

    def _ask(self, index: int) -> None:
        if self._asked and self._asked[0] <= index < self._asked[1]:
            return
        start = max(0, index - WINDOW // 4)
        self._asked = (start, start + WINDOW)
        self.post_message(self.WindowNeeded(self, start, WINDOW))

    def _header(self, width: int) -> Strip:
        style = self.get_component_rich_style("task-table--header")
        cells = [(self._fit(c.title, w, c.align_right), style) for c, w in self._columns(width)]
        return self._strip(cells, width, style)

    def _row_strip(self, index: int, row: Row, width: int) -> Strip:
        base = self.rich_style
        if row.tone:
            base = base + self.get_component_rich_style(f"task-table--{row.tone}")
        if row.key in self.marked:
            base = base + self.get_component_rich_style("task-table--marked")
        if index == self.cursor:
            base = base + self.get_component_rich_style("task-table--cursor")
        cells = []
        hints = row.hints or ("",) * len(row.cells)
        by_key = {c.key: i for i, c in enumerate(self.columns)}
        for column, w in self._columns(width):
            i = by_key[column.key]
            text = row.cells[i] if i < len(row.cells) else ""
            hint = hints[i] if i < len(hints) else ""
            style = base + self.get_component_rich_style(f"task-table--{hint}") if hint else base
            if index == self.cursor and hint:
                style = style + self.get_component_rich_style("task-table--cursor")
            cells.append((self._fit(text, w, column.align_right), style))
        return self._strip(cells, width, base)

    @staticmethod
    def _fit(text: str, width: int, right: bool) -> str:
        if cell_len(text) > width:
            return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
        pad = " " * (width - cell_len(text))
        return pad + text if right else text + pad

    @staticmethod
    def _strip(cells: list[tuple[str, Style]], width: int, fill: Style) -> Strip:
        segments: list[Segment] = []
        for i, (text, style) in enumerate(cells):
            if i:
                segments.append(Segment(" ", fill))
            segments.append(Segment(text, style))
        return Strip(segments).adjust_cell_length(width, fill)
