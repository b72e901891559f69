"""The ledger pane's entries: a windowed table over any number of entries
(see ``windowed_table``: rows arrive in windows on ``WindowNeeded``).

Rows are anything with the attributes of ``EntryLine``.  The cursor posts
``EntrySelected``, ``enter`` posts ``EntryActivated``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.style import Style
from rich.text import Text
from textual.message import Message

from crewdeck.widgets.line_table import Column
from crewdeck.widgets.task_table import MARK
from crewdeck.widgets.windowed_table import WindowedTable


class EntryLine(Protocol):
    """An entry the table shows, read-only: ``crewdeck.tui.ledger.entries.EntryRow`` is one (tests/test_mirrors.py)."""

    @property
    def id(self) -> str: ...
    @property
    def date(self) -> str: ...
    @property
    def campaign(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def payee(self) -> str: ...
    @property
    def memo(self) -> str: ...

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
    @property
    def frozen(self) -> bool: ...


class EntriesTable(WindowedTable[EntryLine]):
    #: Not scoped: the light theme's rules are the app's (``App:light``); the others name EntriesTable already.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    EntriesTable { height: 1fr; }
    EntriesTable > .entries-table--pending { color: $warning; }
    EntriesTable > .entries-table--reversal { color: $foreground-muted; text-style: italic; }
    EntriesTable > .entries-table--reversed { color: $foreground-muted; text-style: strike; }
    EntriesTable > .entries-table--marked { color: $accent; text-style: bold; }
    /* A light theme's $accent, $warning and $success are made for backgrounds: as text on its surface they read at a
       contrast of 1.4 to 1.6 (textual-light).  Its $text-* shades of them are made for text. */
    App:light EntriesTable {
        & > .entries-table--pending { color: $text-warning; }
        & > .entries-table--marked { color: $text-accent; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entries-table--pending",
        "entries-table--reversal",
        "entries-table--reversed",
        "entries-table--marked",
    }
    COLUMNS = (
        Column("ID", 8, drop=5),
        Column("DATE", 10),
        Column("CAMPAIGN", 9, grow=2, drop=4),
        Column("CATEGORY", 8, grow=2, drop=3),
        # Left out only when the amount would not fit beside it (cut, an amount reads as another).
        Column("PAYEE", 9, grow=3, drop=1),
        # Never left out (an entry without its amount says nothing): narrower, the table drops the others.
        Column("AMOUNT", 17, "right", whole=True, keep=True),
        # Without it a pending, reversing or reversed row still has its colours.
        Column("STATUS", 8, drop=2),
        Column("MEMO", 0, grow=4),
    )

    #: Shown first while entries are marked (``set_marked``): a marked row's ``MARK``, never left out.
    MARK_COLUMN = Column("", 1, keep=True)

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.marked: frozenset[str] = frozenset()

    def set_marked(self, ids: frozenset[str]) -> None:
        """Mark the entries ``ids`` (none: the mark column goes, and the table is as before)."""
        self.marked = ids
        self.columns = (self.MARK_COLUMN, *self.COLUMNS) if ids else self.COLUMNS
        self.refresh()

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

    @property
    def cursor_entry(self) -> EntryLine | None:
        return self.cursor_row

    def row_cells(self, index: int) -> list[Text] | None:
        row = self._rows.get(index)
        if row is None:
            return None
        marks = [Text(MARK if row.id in self.marked else "")] if self.marked else []
        return [
            *marks,
            Text(row.short_id),
            Text(row.date),
            Text(f"+{row.campaign}"),
            Text(row.category),
            Text(row.payee),
            Text(row.amount_text),
            Text(row.status),
            Text(row.memo),
        ]

    def row_style(self, index: int) -> Style:
        row = self._rows.get(index)
        if row is None:
            return Style()
        if row.id in self.marked:
            return self.get_component_rich_style("entries-table--marked")
        if row.pending:
            return self.get_component_rich_style("entries-table--pending")
        if row.is_reversal:
            return self.get_component_rich_style("entries-table--reversal")
        if row.reversed:
            return self.get_component_rich_style("entries-table--reversed")
        if row.frozen:
            # It counts no more than pending spend until a manager approves it: so it reads, STATUS on screen or not.
            return self.get_component_rich_style("entries-table--pending")
        return Style()

    def cursor_moved(self, index: int) -> None:
        row = self._rows.get(index)
        self.post_message(self.EntrySelected(self, index, row.id if row else None))

    def activated(self, index: int) -> None:
        row = self._rows.get(index)
        if row is not None:
            self.post_message(self.EntryActivated(self, index, row.id))
