"""The Results screen's table: a row per campaign (or post, or day), with KPIs, targets and a sparkline.

Fed plain rows (anything with the attributes of ``ResultRow``, values
already text); rows that miss a target take the theme's ``$error``, rows
that meet all of theirs ``$success`` in the targets column.  The sparkline
is drawn as text in its cell (eighth blocks), so the table stays one
widget drawn line by line however many campaigns there are.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Protocol

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.message import Message

from crewdeck.widgets.line_table import Column, LineTable, Marked

_BLOCKS = "▁▂▃▄▅▆▇█"
#: The KPI columns, in the order the rows give them.
KPI_TITLES = ("CTR", "CPC", "CPA", "ROAS", "ER REACH")


class ResultRow(Protocol):
    """A row the table shows, read-only: ``crewdeck.tui.results.pane_data.ResultLine`` is one (tests/test_mirrors.py)."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def spend(self) -> str: ...
    @property
    def results(self) -> str: ...
    @property
    def kpis(self) -> tuple[str, ...]: ...
    @property
    def missed(self) -> tuple[str, ...]: ...
    @property
    def on_target(self) -> bool: ...
    @property
    def change(self) -> str: ...
    @property
    def series(self) -> tuple[int | None, ...]: ...
    @property
    def mark(self) -> str: ...


def sparkline(values: Sequence[int | None]) -> str:
    """One block per value, scaled to the largest (integers only); a blank for ``None``, a day not reported.

    A count of 0 is at the foot: a blank there would read as a day nothing was reported on.  The foot is 0's alone:
    any count above it, however small beside the largest, is rounded up to the next block.
    """
    top = max((value for value in values if value is not None), default=0)
    steps = len(_BLOCKS) - 1
    return "".join(" " if value is None else _BLOCKS[min(steps, -(-value * steps // top))] if value > 0 else _BLOCKS[0] for value in values)


def _sorted_stays(columns: Sequence[Column], best_first: str) -> tuple[Column, ...]:
    """``columns`` with the one titled ``best_first`` kept (``Column.keep``), the KPI left of it that never gives way in its place.

    Rows sorted by a column a narrow table leaves out would be in an order no cell on screen explains; the KPI
    next to it gives up its room instead, so the targets stay (a title "↓" makes wider than the KPI's room takes
    the next column to give way too: Δ, at 80 columns by ER REACH).
    """
    titles = [c.title for c in columns]
    if best_first not in titles:
        return tuple(columns)
    sorted_at = titles.index(best_first)
    drop = columns[sorted_at].drop
    instead = max(i for i, c in enumerate(columns[:sorted_at]) if c.title in KPI_TITLES and not c.drop) if drop else None
    return tuple(replace(c, keep=True) if i == sorted_at else replace(c, drop=drop) if i == instead else c for i, c in enumerate(columns))


def _marked_sorted(column: Column) -> Column:
    """The column the rows are sorted by, its title marked "↓" and never cut to an ellipsis that hides the mark."""
    title = f"{column.title} ↓"
    return replace(column, title=title, width=max(column.width, cell_len(title)))


class ResultsTable(LineTable):
    DEFAULT_CSS = """
    ResultsTable { height: 1fr; }
    ResultsTable > .results-table--off { color: $error; }
    ResultsTable > .results-table--met { color: $success; }
    ResultsTable > .results-table--spark { color: $accent; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"results-table--off", "results-table--met", "results-table--spark"}
    COLUMNS = (
        # The numbers are whole or not shown: "12,345,67…" reads as another amount.
        Column("CAMPAIGN", 14, grow=1),
        Column("SPEND", 10, "right", grow=1, whole=True),
        Column("RESULTS", 7, "right", whole=True),
        Column("Δ", 6, "right", drop=2, whole=True),
        *(Column(title, 8, "right", drop=3 if title in ("ROAS", "ER REACH") else 0, whole=True) for title in KPI_TITLES),
        # "✓ on target", "✗ 2 missed": which are missed is said under the table (``ResultsScreen``), whole.
        Column("TARGETS", len("✓ on target"), drop=1),
        Column("LAST 30 DAYS", 30, drop=4),  # last: ``set_rows(days=True)`` leaves it out
    )

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[ResultRow] = []
        #: The keys of the rows ``enter`` opens nothing under: a day's row is the finest there is.
        self.closed: frozenset[str] = frozenset()

    def set_rows(
        self,
        rows: Sequence[ResultRow],
        first_column: str = "CAMPAIGN",
        *,
        on: str | None = None,
        best_first: str = "",
        days: bool = False,
        closed: Collection[str] = (),
    ) -> None:
        """Show new rows; the cursor goes to the row keyed ``on``, else stays on its row if it is still there, else the first.

        ``best_first``: the title of the column the rows are sorted by, best first; its title says so with "↓", and
        when columns give way to a narrow table it stays (``_sorted_stays``).
        ``days``: the rows are days: no sparkline (they are the series themselves) and a date's column no wider than
        it, the others sharing the width, and ``enter`` is not offered (there is nothing finer to open).
        ``closed``: the keys of other rows with nothing finer to open: ``enter`` is not offered while the cursor is on one.
        """
        old = on if on is not None else self.rows[self.cursor].key if self.rows and self.cursor < len(self.rows) else None
        self.rows = list(rows)
        shown = _sorted_stays(self.COLUMNS[1:-1] if days else self.COLUMNS[1:], best_first)
        rest = (_marked_sorted(c) if c.title == best_first else c for c in shown)
        first = replace(self.COLUMNS[0], title=first_column)
        if days:
            # A date, no wider: the room goes to the targets, the last column here (a blank at the right, no gap in the row).
            first = replace(first, width=len("2026-11-26"), grow=0)
            rest = (replace(c, grow=2) if c.title == "TARGETS" else c for c in rest)
        self.columns = (first, *rest)
        self.cursor = 0
        self.closed = frozenset(row.key for row in self.rows) if days else frozenset(closed)
        for i, row in enumerate(self.rows):
            if row.key == old:
                self.cursor = i
                break
        self.rows_changed()
        self.scroll_to_cursor()  # its row may have moved far down the list (sorted by another KPI)
        self.refresh_bindings()

    @dataclass
    class RowSelected(Message):
        """``enter`` on a row: show what it is made of."""

        table: ResultsTable
        key: str

    @dataclass
    class CursorMoved(Message):
        """The cursor went to another row (``cursor``): what is said of it elsewhere follows."""

        table: ResultsTable

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # No rows (a post's days in a week it has none of): nothing to open either.
        return action != "activate" or (bool(self.rows) and self.rows[self.cursor].key not in self.closed)

    def cursor_moved(self, index: int) -> None:
        if self.closed:
            self.refresh_bindings()  # from a row that opens to one that does not, or back: the footer says so
        self.post_message(self.CursorMoved(self))

    def row_count(self) -> int:
        return len(self.rows)

    def activated(self, index: int) -> None:
        self.post_message(self.RowSelected(self, self.rows[index].key))

    def row_style(self, index: int) -> Style:
        return self.get_component_rich_style("results-table--off") if self.rows[index].missed else Style()

    def row_cells(self, index: int) -> list[str | Text | Marked]:
        row = self.rows[index]
        if row.missed:
            targets = Text(f"✗ {len(row.missed)} missed")  # which: named whole under the table, for the cursor's row
        elif row.on_target:
            targets = Text("✓ on target", style=self.class_style("results-table--met"))
        else:
            targets = Text("")
        # What tells two rows of one title apart (" (tiktok)") is kept whole when the label is cut.
        label: str | Marked = Marked(row.label, row.mark) if row.mark else row.label
        cells: list[str | Text | Marked] = [label, row.spend, row.results, row.change, *row.kpis, targets]
        if len(self.columns) == len(self.COLUMNS):
            cells.append(Text(sparkline(row.series), style=self.class_style("results-table--spark")))
        return cells
