"""The task table makes a row of a fetched record only when it is drawn or asked for, once."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.widgets import Static

from crewdeck.widgets.line_table import Column
from crewdeck.widgets.task_table import Row, TaskTable

COLUMNS = (Column("ID", 4), Column("TASK", 10, grow=1))


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.made: list[str] = []

    def present(self, record: dict[str, str]) -> Row:
        self.made.append(record["id"])
        return Row(record["id"], (record["id"], record["title"]))

    def compose(self) -> ComposeResult:
        yield TaskTable(COLUMNS, self.present)


async def test_rows_are_made_as_they_are_drawn_and_made_again_only_for_new_records() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:  # a screen of 7 rows under the header
        table = app.query_one(TaskTable)
        records = [{"id": f"t{i:02}", "title": f"Task {i}"} for i in range(60)]
        table.reset(len(records), 0, (0, records))
        await pilot.pause()
        drawn = list(app.made)
        assert drawn and len(drawn) < 20  # the screen's rows, not the 60 fetched
        assert table.cursor_key == "t00" and len(app.made) == len(drawn)  # made once
        table.set_window(0, [{"id": "t00", "title": "Renamed"}], table.generation)
        assert table.row_at(0) == Row("t00", ("t00", "Renamed"))  # a new record: a new row
        assert [row.key for _, row in table.loaded_rows()] == [r["id"] for r in records]


class TableAndLineApp(TableApp):
    def compose(self) -> ComposeResult:
        yield Static("a line above", id="line")
        yield TaskTable(COLUMNS, self.present)


async def test_a_layout_elsewhere_leaves_the_scrollbars_alone_and_new_rows_update_them() -> None:
    app = TableAndLineApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(TaskTable)
        records = [{"id": f"t{i:02}", "title": f"Task {i}"} for i in range(60)]
        table.reset(len(records), 0, (0, records))
        await pilot.pause()
        assert table.show_vertical_scrollbar
        updates: list[Size] = []
        update = table._scroll_update

        def counted(virtual_size: Size) -> None:
            updates.append(virtual_size)
            update(virtual_size)

        table._scroll_update = counted  # type: ignore[method-assign]
        line = app.query_one("#line", Static)
        line.update("a line above\nnow two")  # the line's height changes: a layout of the screen, the table's size too
        await pilot.pause()
        line.update("a line above, one again")
        await pilot.pause()
        sized = len(updates)
        assert sized <= 2  # for its new sizes, at most
        line.styles.color = "red"  # a layout that changes nothing of the table's
        line.refresh(layout=True)
        await pilot.pause()
        assert len(updates) == sized, "the scrollbars were updated by a layout that moved nothing of the table's"
        table.reset(3, 0, (0, records[:3]))  # three rows fit: the scrollbar goes
        await pilot.pause()
        assert len(updates) == sized + 1 and not table.show_vertical_scrollbar
        assert table.scrollbar_size_vertical  # its gutter stays (stable), the rows do not move


class CountedLaterApp(TableApp):
    """A table whose windows come from ``records`` as the pane's do, its first rows shown before the count."""

    def __init__(self, records: list[dict[str, str]]) -> None:
        super().__init__()
        self.records = records

    def on_windowed_table_window_needed(self, message: TaskTable.WindowNeeded) -> None:
        rows = self.records[message.offset : message.offset + message.limit]
        message.table.set_window(message.offset, rows, message.generation)


async def test_a_last_row_key_that_waited_for_the_count_scrolls_to_that_row_if_it_runs_before_the_table_is_laid_out_again() -> None:
    """``G`` typed while the list was counted runs after a refresh once counted: a refresh that came before the screen
    laid the table out again (the table's layout, a message of its own, reaching the screen after its refresh) left it
    without its scrollbar, which Textual scrolls by: the cursor went to the last row, the top of the list stayed on the
    screen, the last row was never read, and the keys after G waited for it (the app test's "never saw the list")."""
    records = [{"id": f"t{i:02}", "title": f"Task {i}"} for i in range(60)]
    app = CountedLaterApp(records)
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(TaskTable)
        table.focus()
        table.reset(None, 0, (0, records[:20]))  # its first rows, not yet counted
        await pilot.pause()
        await pilot.press("G")
        assert table.cursor == 0  # waits for the count
        # The screen's refresh before the table's layout: what waits for a refresh runs at once.
        table.call_after_refresh = lambda callback, *args: callback(*args)  # type: ignore[method-assign,assignment]
        table.set_total(len(records))
        await pilot.pause()
        assert table.cursor == 59
        assert round(table.scroll_y) <= 59 < round(table.scroll_y) + table.page, "the cursor's row is off the screen"
        assert table.cursor_key == "t59"


class HiddenTableApp(TableApp):
    """A table in a container not shown yet, as a pane is in the one-pane layout until its key: never laid out."""

    def compose(self) -> ComposeResult:
        with Vertical(id="hidden"):
            yield TaskTable(COLUMNS, self.present)

    def on_mount(self) -> None:
        self.query_one("#hidden").display = False


async def test_a_table_loaded_before_it_is_first_shown_shows_its_rows_from_the_top_down_to_the_cursor() -> None:
    """A table never laid out (no height) was scrolled to the cursor's own row, the forced scroll reading its page as one
    row: shown, it hid the rows above the cursor (5 of them here) though all fitted on the screen."""
    records = [{"id": f"t{i:03}", "title": f"Task {i}"} for i in range(300)]
    app = HiddenTableApp()
    async with app.run_test(size=(40, 14)) as pilot:
        table = app.query_one(TaskTable)
        table.reset(len(records), 5, (0, records[:100]))
        await pilot.pause()
        app.query_one("#hidden").display = True
        await pilot.pause()
        await pilot.pause()
        assert table.size.height > 7 and table.cursor == 5
        assert round(table.scroll_y) == 0, "the rows above the cursor are shown"
