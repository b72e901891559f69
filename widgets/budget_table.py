"""The ledger pane's budget table: budget, spent, remaining, a bar, burn per day and forecast per campaign and category.

Fed plain rows (anything with the attributes of ``BudgetRow``, amounts
and the use already formatted); over-budget rows and bars take the theme's ``$error``,
rows heading over it ``$warning``.  ``enter`` posts ``RowSelected`` and the
cursor posts ``RowHighlighted``, both naming the campaign and category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.style import Style
from rich.text import Text
from textual.message import Message

from crewdeck.widgets.line_table import Cell, Column, LineTable, Marked

BAR_WIDTH = 8
_PARTS = " ▏▎▍▌▋▊▉"


class BudgetRow(Protocol):
    """A row the table shows, read-only: ``crewdeck.tui.ledger.view.BudgetLine`` is one (tests/test_mirrors.py)."""

    @property
    def campaign_id(self) -> str: ...
    @property
    def campaign(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def budget(self) -> str: ...
    @property
    def spent(self) -> str: ...
    @property
    def remaining(self) -> str: ...
    @property
    def pending(self) -> str: ...
    @property
    def forecast(self) -> str: ...
    @property
    def burn_per_day(self) -> str: ...
    @property
    def used_permille(self) -> int | None: ...
    @property
    def used(self) -> str: ...
    @property
    def over(self) -> bool: ...
    @property
    def heading_over(self) -> bool: ...
    @property
    def complete(self) -> bool: ...

    @property
    def is_total(self) -> bool: ...


def bar_cells(permille: int, width: int = BAR_WIDTH) -> tuple[str, str]:
    """``(filled, empty)`` text of a bar ``permille``/1000 full, in eighths of a cell (integers only)."""
    eighths = max(0, min(permille, 1000)) * width * 8 // 1000
    full, part = divmod(eighths, 8)
    filled = "█" * full + (_PARTS[part] if part else "")
    return filled, " " * (width - len(filled))


#: Last, and shown only while a row has spend pending, as ``ledger report`` leaves it out of a campaign with none.
PENDING = Column("PENDING", 9, "right", grow=1, drop=2, whole=True)


class BudgetTable(LineTable):
    #: Not scoped: the light theme's rules are the app's (``App:light``); the others name BudgetTable already.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    BudgetTable {
        height: auto;
        max-height: 50%;
    }
    BudgetTable > .budget-table--total { text-style: bold; }
    BudgetTable > .budget-table--over { color: $error; }
    BudgetTable > .budget-table--heading-over { color: $warning; }
    BudgetTable > .budget-table--bar { color: $success; background: $boost; }
    BudgetTable > .budget-table--bar-warning { color: $warning; background: $boost; }
    BudgetTable > .budget-table--bar-over { color: $error; background: $boost; }
    BudgetTable > .budget-table--muted { color: $foreground-muted; }
    /* A light theme's $accent, $warning and $success are made for backgrounds: as text on its surface they read at a
       contrast of 1.4 to 1.6 (textual-light).  Its $text-* shades of them are made for text. */
    App:light BudgetTable {
        & > .budget-table--heading-over { color: $text-warning; }
        & > .budget-table--bar { color: $text-success; }
        & > .budget-table--bar-warning { color: $text-warning; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "budget-table--total",
        "budget-table--over",
        "budget-table--heading-over",
        "budget-table--bar",
        "budget-table--bar-warning",
        "budget-table--bar-over",
        "budget-table--muted",
    }
    COLUMNS = (
        Column("CAMPAIGN", 11, grow=1),
        Column("BUDGET", 10, "right", grow=1, whole=True),
        Column("SPENT", 10, "right", grow=1, whole=True),
        Column("LEFT", 10, "right", grow=1, whole=True),
        Column("USED", BAR_WIDTH + 5, whole=True),
        # ``ledger report``'s order; the first a narrow pane gives up (the forecast says where the pace leads).
        Column("BURN/DAY", 10, "right", grow=1, drop=3, whole=True),
        Column("FORECAST", 10, "right", grow=1, drop=1, whole=True),
        PENDING,
    )

    @dataclass
    class RowHighlighted(Message):
        """The cursor is on this campaign's row (``category`` empty: its total)."""

        table: BudgetTable
        campaign_id: str
        category: str

    @dataclass
    class RowSelected(Message):
        """``enter`` on a row: show this campaign / category's entries."""

        table: BudgetTable
        campaign_id: str
        category: str

    def __init__(
        self, rows: Sequence[BudgetRow] = (), *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[BudgetRow] = list(rows)
        self.columns = self._columns_of(self.rows)

    def set_rows(self, rows: Sequence[BudgetRow]) -> None:
        """Show new rows; the cursor stays on the same campaign and category if it is still there."""
        old = self.rows[self.cursor] if self.rows and self.cursor < len(self.rows) else None
        self.rows = list(rows)
        self.columns = self._columns_of(self.rows)
        if old is not None:
            for i, row in enumerate(self.rows):
                if (row.campaign_id, row.category) == (old.campaign_id, old.category):
                    self.cursor = i
                    break
        self.rows_changed()

    def _columns_of(self, rows: Sequence[BudgetRow]) -> tuple[Column, ...]:
        """PENDING while a row has spend pending (its last entry approved, a teammate's approval too, it goes: it
        stayed, empty); the other columns take its width."""
        return self.COLUMNS if any(row.pending for row in rows) else tuple(c for c in self.COLUMNS if c is not PENDING)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self.rows) + 1

    def row_count(self) -> int:
        return len(self.rows)

    def row_style(self, index: int) -> Style:
        row = self.rows[index]
        style = self.get_component_rich_style("budget-table--total") if row.is_total else Style()
        if row.over:
            style += self.get_component_rich_style("budget-table--over")
        elif row.heading_over:
            style += self.get_component_rich_style("budget-table--heading-over")
        return style

    def row_cells(self, index: int) -> list[Cell]:
        row = self.rows[index]
        name = f"+{row.campaign}" if row.is_total else f"  {row.category}"
        return [
            name if row.complete else Marked(name, " *"),
            Text(row.budget or "—"),
            Text(row.spent),
            Text(row.remaining),
            self._bar(row),
            Text(row.burn_per_day),
            Text(row.forecast),
            # Only what it sets: the cell keeps the row's background (the cursor's too).
            Text(row.pending, style=self.class_style("budget-table--muted")),
        ][: len(self.columns)]  # PENDING's cell (the last) goes with its column

    def _bar(self, row: BudgetRow) -> Text:
        if row.used_permille is None or not row.used:
            return Text("")
        filled, empty = bar_cells(row.used_permille)
        kind = "budget-table--bar-over" if row.over else "budget-table--bar-warning" if row.heading_over else "budget-table--bar"
        style = self.get_component_rich_style(kind)
        # Five cells for the use: "  82%", " 100%", ">999%" (the longest, ``used``'s cap) end in one column.
        return Text.assemble((filled + empty, style), f"{row.used:>5}")

    def cursor_moved(self, index: int) -> None:
        row = self.rows[index]
        self.post_message(self.RowHighlighted(self, row.campaign_id, row.category))

    def activated(self, index: int) -> None:
        row = self.rows[index]
        self.post_message(self.RowSelected(self, row.campaign_id, row.category))
