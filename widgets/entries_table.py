"""The ledger pane's entries: a virtualized table over any number of entries.

The table knows only how many rows there are; rows arrive in windows.
When a line on screen has no row yet it posts ``WindowNeeded`` (once per
block of ``BLOCK`` rows) and draws a placeholder; the app fetches that
window in a worker and hands it over with ``set_window``.  So scrolling
100,000 entries never builds a widget per row, never holds more than the
windows near the screen, and never blocks on the store.

Rows are anything with the attributes of ``EntryLine``.  The cursor posts
``EntrySelected``, ``enter`` posts ``EntryActivated``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol, Sequence

from rich.style import Style
from rich.text import Text
from textual.message import Message

from .line_table import Column, LineTable

#: Rows per window request.
BLOCK = 100
#: Windows kept around the screen; farther ones are dropped.
KEEP_BLOCKS = 12


class EntryLine(Protocol):
    id: str
    date: str
    campaign: str
    category: str
    payee: str
    memo: str

    @property
    def short_id(self) -> str: ...
    @property
    def amount_text(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def pending(self) -> bool: ...
    @property
    def is_reversal(self) -> bool: ...
    @property
    def reversed(self) -> bool: ...


class EntriesTable(LineTable):
    DEFAULT_CSS = """
    EntriesTable {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
    }
    EntriesTable > .entries-table--header { text-style: bold; color: $foreground-muted; background: $panel; }
    EntriesTable > .entries-table--pending { color: $warning; }
    EntriesTable > .entries-table--reversal { color: $foreground-muted; text-style: italic; }
    EntriesTable > .entries-table--reversed { color: $foreground-muted; text-style: strike; }
    EntriesTable > .entries-table--loading { color: $foreground-muted; }
    EntriesTable > .entries-table--cursor { background: $block-cursor-blurred-background; }
    EntriesTable:focus > .entries-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entries-table--header",
        "entries-table--pending",
        "entries-table--reversal",
        "entries-table--reversed",
        "entries-table--loading",
        "entries-table--cursor",
    }
    HEADER = "entries-table--header"
    CURSOR = "entries-table--cursor"
    COLUMNS = (
        Column("ID", 8, drop=2),
        Column("DATE", 10),
        Column("CAMPAIGN", 9, grow=2, drop=1),
        Column("CATEGORY", 8, grow=2),
        Column("PAYEE", 9, grow=3),
        Column("AMOUNT", 17, "right"),
        Column("STATUS", 8),
        Column("MEMO", 0, grow=4),
    )

    @dataclass
    class WindowNeeded(Message):
        """Rows ``offset .. offset + limit`` are on screen but not loaded: call ``set_window``."""

        table: EntriesTable
        offset: int
        limit: int
        #: Hand this back to ``set_window``: answers for an older ``reset`` are dropped.
        generation: int

    @dataclass
    class EntrySelected(Message):
        """The cursor moved to this entry."""

        table: EntriesTable
        index: int
        entry_id: str | None

    @dataclass
    class EntryActivated(Message):
        """``enter`` on this entry: show it with its task and its reversal."""

        table: EntriesTable
        index: int
        entry_id: str

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.total = 0
        self._rows: dict[int, EntryLine] = {}
        self._requested: set[int] = set()
        #: Bumped by ``reset`` so a window fetched for an old filter is ignored.
        self.generation = 0

    # ------------------------------------------------------------ data in

    def reset(self, total: int, cursor: int = 0) -> None:
        """A new filter or period: ``total`` rows, none loaded; the cursor at ``cursor``."""
        self.generation += 1
        self.total = total
        self._rows.clear()
        self._requested.clear()
        self.cursor = max(0, min(cursor, total - 1))
        self.rows_changed()
        self._request_visible()

    def set_window(self, offset: int, rows: Sequence[EntryLine], generation: int | None = None) -> None:
        """Rows fetched for ``WindowNeeded`` (pass its ``generation`` to drop stale answers)."""
        if generation is not None and generation != self.generation:
            return
        for i, row in enumerate(rows):
            if offset + i < self.total:
                self._rows[offset + i] = row
        self._requested.discard(offset - offset % BLOCK)
        self._forget_far_blocks()
        self.refresh()
        if offset <= self.cursor < offset + len(rows):
            self.cursor_moved(self.cursor)

    def row_at(self, index: int) -> EntryLine | None:
        return self._rows.get(index)

    @property
    def cursor_entry(self) -> EntryLine | None:
        return self._rows.get(self.cursor)

    def _forget_far_blocks(self) -> None:
        top = round(self.scroll_y)
        keep = range(top - KEEP_BLOCKS // 2 * BLOCK, top + self.page + KEEP_BLOCKS // 2 * BLOCK)
        if len(self._rows) > KEEP_BLOCKS * BLOCK:
            for index in [i for i in self._rows if i not in keep and i != self.cursor]:
                del self._rows[index]

    # ------------------------------------------------------------ LineTable

    def row_count(self) -> int:
        return self.total

    def _request_visible(self) -> None:
        """Ask for the windows of the rows on screen that are not loaded (each once)."""
        top = round(self.scroll_y)
        for block in range(top - top % BLOCK, min(top + self.page, self.total), BLOCK):
            if block not in self._requested and any(i not in self._rows for i in range(max(block, top), min(block + BLOCK, top + self.page, self.total))):
                self._requested.add(block)
                self.post_message(self.WindowNeeded(self, block, BLOCK, self.generation))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request_visible()

    def on_resize(self) -> None:
        super().on_resize()
        self._request_visible()

    def row_cells(self, index: int) -> list[Text] | None:
        row = self._rows.get(index)
        if row is None:
            return None
        return [
            Text(row.short_id), Text(row.date), Text(f"+{row.campaign}"), Text(row.category), Text(row.payee),
            Text(row.amount_text), Text(row.status), Text(row.memo),
        ]

    def row_style(self, index: int) -> Style:
        row = self._rows.get(index)
        if row is None:
            return self.get_component_rich_style("entries-table--loading")
        if row.pending:
            return self.get_component_rich_style("entries-table--pending")
        if row.is_reversal:
            return self.get_component_rich_style("entries-table--reversal")
        if row.reversed:
            return self.get_component_rich_style("entries-table--reversed")
        return Style()

    def cursor_moved(self, index: int) -> None:
        row = self._rows.get(index)
        self.post_message(self.EntrySelected(self, index, row.id if row else None))

    def activated(self, index: int) -> None:
        row = self._rows.get(index)
        if row is not None:
            self.post_message(self.EntryActivated(self, index, row.id))
