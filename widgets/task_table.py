"""The task list: a windowed table of task rows, with marks for bulk edits.

Rows arrive in windows (``windowed_table``), so 100,000 tasks cost what 100
do.  A row is plain text cells with a style hint per cell; the table never
sees a task, only what to show of it.  The owner may hand over its own
records with a ``present`` function: each becomes a ``Row`` only when it is
first drawn or asked for (a window holds twice a screen).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.message import Message

from crewdeck.widgets.line_table import Cell, Column
from crewdeck.widgets.windowed_table import WindowedTable

#: What a marked row shows in its ``mark_column``.
MARK = "✓"


@dataclass(frozen=True)
class Row:
    """One row as the table shows it: plain text cells and style hints."""

    key: str
    cells: tuple[str, ...]
    #: Per cell: a style hint ("warning", "danger", "accent") or "".
    hints: tuple[str, ...] = ()
    #: For the whole row: "muted" (closed tasks) or "".
    tone: str = ""


class TaskTable(WindowedTable[Any]):
    """Tasks by urgency, fetched in windows; a cursor; marked rows.

    | key | action |
    |---|---|
    | `j` `down`, `k` `up` | next / previous row |
    | `pagedown` `pageup` | a page down / up |
    | `g` `home`, `G` `end` | first / last row |
    | `enter` | open the task under the cursor |

    (The keys are ``LineTable``'s, under its ids.)
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "task-table--marked",
        "task-table--muted",
        "task-table--warning",
        "task-table--danger",
        "task-table--accent",
    }

    #: Not scoped: the light theme's rules are the app's (``App:light``); the others name TaskTable already.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    TaskTable { scrollbar-gutter: stable; }
    TaskTable > .task-table--marked { color: $accent; text-style: bold; }
    TaskTable > .task-table--muted { color: $foreground-muted; }
    TaskTable > .task-table--warning { color: $warning; }
    TaskTable > .task-table--danger { color: $error; text-style: bold; }
    TaskTable > .task-table--accent { color: $accent; }
    /* A light theme's $accent, $warning and $success are made for backgrounds: as text on its surface they read at a
       contrast of 1.3 to 1.6 (textual-light).  Its $text-* shades of them are made for text. */
    App:light TaskTable {
        & > .task-table--marked { color: $text-accent; }
        & > .task-table--warning { color: $text-warning; }
        & > .task-table--accent { color: $text-accent; }
    }
    """

    @dataclass
    class CursorMoved(Message):
        table: TaskTable
        index: int
        key: str | None

    @dataclass
    class Opened(Message):
        table: TaskTable
        key: str

    def __init__(
        self,
        columns: tuple[Column, ...],
        present: Callable[[Any], Row] | None = None,
        *,
        mark_column: int | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``mark_column``: the cell a marked row shows ``MARK`` in (the row is also drawn bold, which not every terminal shows)."""
        super().__init__(name=name, id=id, classes=classes)
        self.columns = columns
        self.mark_column = mark_column
        self.marked: frozenset[str] = frozenset()
        self._present = present
        #: By index: the record handed over and the row made of it.
        self._presented: dict[int, tuple[Any, Row]] = {}

    def row_at(self, index: int) -> Row | None:
        record = super().row_at(index)
        if record is None or self._present is None:
            return record
        made = self._presented.get(index)
        if made is not None and made[0] is record:
            return made[1]
        if len(self._presented) > 2 * len(self._rows):  # rows forgotten or replaced since
            self._presented = {i: pair for i, pair in self._presented.items() if self._rows.get(i) is pair[0]}
        row = self._present(record)
        self._presented[index] = (record, row)
        return row

    def set_marked(self, keys: frozenset[str]) -> None:
        self.marked = keys
        self.refresh()

    @property
    def cursor_record(self) -> Any:
        """The record the row under the cursor was made of (``None``: no row, or not fetched yet)."""
        return super().row_at(self.cursor)

    @property
    def cursor_key(self) -> str | None:
        row = self.cursor_row
        return row.key if row else None

    def row_cells(self, index: int) -> Sequence[Cell] | None:
        row = self.row_at(index)
        if row is None:
            return None
        cells, hints = row.cells, row.hints
        if self.mark_column is not None and row.key in self.marked:
            # The mark takes its cell (a ⚠ there shows again once the row is unmarked).
            at = self.mark_column
            hints = hints or ("",) * len(cells)
            cells, hints = (*cells[:at], MARK, *cells[at + 1 :]), (*hints[:at], "marked", *hints[at + 1 :])
        if not hints:
            return cells
        # Only what the hint sets: the cell keeps the row's background (the cursor's too).
        return [Text(cell, style=self.class_style(f"task-table--{hint}")) if hint else cell for cell, hint in zip(cells, hints)]

    def row_style(self, index: int) -> Style:
        row = self.row_at(index)
        if row is None:
            return Style()
        style = self.get_component_rich_style(f"task-table--{row.tone}") if row.tone else Style()
        if row.key in self.marked:
            style += self.get_component_rich_style("task-table--marked")
        return style

    def cursor_moved(self, index: int) -> None:
        self.post_message(self.CursorMoved(self, index, self.cursor_key))

    def activated(self, index: int) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Opened(self, key))
