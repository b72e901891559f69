"""The task list: a windowed table of task rows, with marks for bulk edits.

Rows arrive in windows (``windowed_table``), so 100,000 tasks cost what 100
do.  A row is plain text cells with a style hint per cell; the table never
sees a task, only what to show of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Sequence

from rich.style import Style
from rich.text import Text
from textual.message import Message

from .line_table import Cell, Column
from .windowed_table import WindowedTable


@dataclass(frozen=True)
class Row:
    """One row as the table shows it: plain text cells and style hints."""

    key: str
    cells: tuple[str, ...]
    #: Per cell: a style hint ("warning", "danger", "accent") or "".
    hints: tuple[str, ...] = ()
    #: For the whole row: "muted" (closed tasks) or "".
    tone: str = ""


class TaskTable(WindowedTable[Row]):
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
        "task-table--header",
        "task-table--cursor",
        "task-table--marked",
        "task-table--muted",
        "task-table--warning",
        "task-table--danger",
        "task-table--accent",
        "task-table--loading",
    }
    HEADER = "task-table--header"
    CURSOR = "task-table--cursor"

    DEFAULT_CSS = """
    TaskTable {
        background: $surface;
        overflow-x: hidden;
        scrollbar-gutter: stable;
    }
    TaskTable > .task-table--header { color: $foreground-muted; text-style: bold; }
    TaskTable > .task-table--cursor { background: $panel-lighten-1; }
    TaskTable:focus > .task-table--cursor { background: $accent 40%; }
    TaskTable > .task-table--marked { color: $accent; text-style: bold; }
    TaskTable > .task-table--muted { color: $foreground-muted; }
    TaskTable > .task-table--warning { color: $warning; }
    TaskTable > .task-table--danger { color: $error; text-style: bold; }
    TaskTable > .task-table--accent { color: $accent; }
    TaskTable > .task-table--loading { color: $foreground-muted; text-style: italic; }
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

    def __init__(self, columns: tuple[Column, ...], *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.COLUMNS = columns
        self.marked: frozenset[str] = frozenset()

    def set_marked(self, keys: frozenset[str]) -> None:
        self.marked = keys
        self.refresh()

    @property
    def cursor_key(self) -> str | None:
        row = self.cursor_row
        return row.key if row else None

    def row_cells(self, index: int) -> Sequence[Cell] | None:
        row = self.row_at(index)
        if row is None:
            return None
        if not row.hints:
            return row.cells
        return [
            Text(cell, style=self.get_component_rich_style(f"task-table--{hint}")) if hint else cell
            for cell, hint in zip(row.cells, row.hints)
        ]

    def row_style(self, index: int) -> Style:
        row = self.row_at(index)
        if row is None:
            return self.get_component_rich_style("task-table--loading")
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
