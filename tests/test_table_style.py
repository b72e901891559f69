"""Every table looks the same: one header, one cursor, over every cell of its row."""

from __future__ import annotations

from rich.color import Color
from textual.app import App, ComposeResult

from crewdeck.widgets.budget_table import BudgetTable
from crewdeck.widgets.entries_table import EntriesTable
from crewdeck.widgets.line_table import Column, LineTable
from crewdeck.widgets.task_table import Row, TaskTable

from .test_ledger_widgets import budget, entry


class Tables(App[None]):
    AUTO_FOCUS = None  # each table is looked at without focus first

    def compose(self) -> ComposeResult:
        yield TaskTable((Column("ID", 4), Column("TASK", 10, grow=1), Column("DUE", 12)), id="tasks")
        yield EntriesTable(id="entries")
        # Over budget, so red; no bar (a drawing keeps its own colours under the cursor).
        yield BudgetTable([budget("c9", "autumn", "", ("100.00", "150.00", "-50.00", "", "150.00"), None, None, over=True)], id="budget")

    def on_mount(self) -> None:
        tasks = self.query_one(TaskTable)
        tasks.reset(2, 0, (0, [Row("t1", ("t1", "Late task", "2d late"), ("", "", "danger")), Row("t2", ("t2", "Later", "in 3d"))]))
        entries = self.query_one(EntriesTable)
        pending = next(i for i in range(10) if entry(i).pending)
        entries.reset(1, 0, (0, [entry(pending)]))


def line_colours(table: LineTable, y: int) -> tuple[set[Color | None], set[Color | None]]:
    """The foreground and background colours of every cell drawn on line ``y`` (0: the header)."""
    segments = [s for s in table.render_line(y) if s.text.strip()]
    assert segments
    return {s.style.color for s in segments if s.style}, {s.style.bgcolor for s in segments if s.style}


async def test_every_table_draws_its_header_and_cursor_in_the_same_colours() -> None:
    app = Tables()
    async with app.run_test(size=(100, 40)) as pilot:
        tables: list[LineTable] = [app.query_one(TaskTable), app.query_one(EntriesTable), app.query_one(BudgetTable)]
        await pilot.pause()
        headers = [line_colours(table, 0) for table in tables]
        assert all(header == headers[0] for header in headers) and len(headers[0][1]) == 1

        # Without focus the cursor tints its row; the cells keep their own colours.
        blurred = [line_colours(table, 1) for table in tables]
        tints = {bg for _, bgs in blurred for bg in bgs}
        assert all(len(bgs) == 1 for _, bgs in blurred)  # every cell under it, the red ones too
        assert len(tints) == 1  # the same tint in every table
        assert len(blurred[0][0]) > 1  # the late task's due date keeps its colour

        # With focus its colours win, over every cell, in every table.
        focused = []
        for table in tables:
            table.focus()
            await pilot.pause()
            focused.append(line_colours(table, 1))
        assert all(colours == focused[0] for colours in focused)
        fg, bg = focused[0]
        assert len(fg) == 1 and len(bg) == 1 and bg != tints  # one colour each, and not the tint
