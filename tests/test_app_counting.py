"""A list shown before it is counted: its first rows at once, "counting…" until the count, keys that wait for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.workspace.errors import UserError
from crewdeck.widgets.pane_bar import PaneBar

from .apphelp import demo_workspace, make_app, settle, until

SIZE = (160, 48)
#: 98 of the demo's 180 tasks: more than the first rows read (two pages), so the list is shown before it is counted.
FILTER = "-#tiktok"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def count_held(app: CrewdeckApp) -> threading.Event:
    """The list's count waits for the event returned (set it to let the count go on)."""
    go_on = threading.Event()
    count = app.session.ranked.count

    def held(f: Any) -> int:
        assert go_on.wait(timeout=20), "the count was never let go on"
        return count(f)

    app.session.ranked.count = held  # type: ignore[method-assign]
    return go_on


def statuses(path: Path) -> dict[str, str]:
    with Store(path) as store:
        return {task_id: str(task["status"]) for task_id, task in store.records("task")}


def last_task(app: CrewdeckApp) -> str:
    """The id of the filter's last task, as the list ranks it."""
    f = app.session.reads.compile(FILTER, app.services.now())
    return app.session.ranked.window(f, app.session.ranked.count(f) - 1, 1)[0].id


async def seen(pilot: Pilot[object], condition: Callable[[], bool], what: str) -> None:
    """Let the app handle its messages until ``condition`` holds (a worker held up makes ``settle`` wait for it), with a
    deadline, as ``until`` has: a count of rounds ran out on a loaded machine before the first rows were read."""
    deadline = time.monotonic() + 20
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what}")
        await pilot.pause()


async def test_a_filter_applied_at_once_shows_its_first_rows_counting_then_the_count(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane, table = app.tasks_pane, app.tasks_pane.table
        expected = app.session.ranked.count(app.session.reads.compile(FILTER, app.services.now()))
        go_on = count_held(app)
        await pilot.press("slash", *FILTER, "enter")
        await seen(pilot, lambda: pane.list_title == f"/ {FILTER}", "the filter's rows")
        # The rows are on the screen, the count is not: said as counting, no scrollbar, not a wrong number.
        assert pane.count is None and table.counting and pane.query_one(PaneBar).info == ("counting…",)
        assert table.total < expected and table.row_at(0) is not None
        assert table.virtual_size.height <= table.size.height
        go_on.set()
        await until(pilot, lambda: pane.count is not None, "the count")
        assert pane.count == expected and table.total == expected and not table.counting
        assert pane.query_one(PaneBar).info == (f"{expected} tasks",)
        assert table.virtual_size.height == expected + 1


async def test_a_key_that_leaves_the_rows_shown_while_counting_waits_for_the_count(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane, table = app.tasks_pane, app.tasks_pane.table
        expected = app.session.ranked.count(app.session.reads.compile(FILTER, app.services.now()))
        go_on = count_held(app)
        await pilot.press("slash", *FILTER, "enter")
        await seen(pilot, lambda: pane.list_title == f"/ {FILTER}", "the filter's rows")
        await pilot.press("j")
        assert table.cursor == 1  # a row on the screen: moved at once
        await pilot.press("G", "k")
        assert pane.count is None and table.cursor == 1  # the last row is the count's: G waits, and k behind it
        go_on.set()
        # Until k has moved up from G's row: held for that row, it is sent on once the row is read, a few messages later.
        await until(pilot, lambda: table.cursor_row is not None and table.cursor == expected - 2, "G, then k, on the rows at the end")
        assert pane.count == expected


async def test_a_triage_key_after_a_key_waiting_for_the_count_acts_on_the_row_it_lands_on(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane, table = app.tasks_pane, app.tasks_pane.table
        last, before = last_task(app), statuses(workspace)
        go_on = count_held(app)
        await pilot.press("slash", *FILTER, "enter")
        await seen(pilot, lambda: pane.list_title == f"/ {FILTER}", "the filter's rows")
        on_screen = table.cursor_key
        await pilot.press("G", "d")
        # d waits behind G, which waits for the count: nothing is marked done meanwhile, the cursor's task least.
        assert pane.count is None and table.cursor == 0 and table.cursor_key == on_screen
        go_on.set()
        await until(pilot, lambda: statuses(workspace)[last] == "done", "the last task marked done")
        after = statuses(workspace)
        assert {task for task in after if after[task] != before[task]} == {last}


async def test_a_key_opening_a_screen_after_a_key_waiting_for_the_count_opens_the_row_it_lands_on(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        last = last_task(app)
        go_on = count_held(app)
        await pilot.press("slash", *FILTER, "enter")
        await seen(pilot, lambda: pane.list_title == f"/ {FILTER}", "the filter's rows")
        await pilot.press("G", "enter")
        assert not isinstance(app.screen, DetailScreen)
        go_on.set()
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), "the task's detail")
        assert isinstance(app.screen, DetailScreen) and app.screen.task_id == last


async def test_a_count_that_fails_after_the_rows_says_why_and_drops_the_keys_that_waited_for_it(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane, table = app.tasks_pane, app.tasks_pane.table
        before = statuses(workspace)
        go_on = threading.Event()

        def fails(f: Any) -> int:
            assert go_on.wait(timeout=20), "the count was never let go on"
            raise UserError("the workspace file is damaged")

        app.session.ranked.count = fails  # type: ignore[method-assign]
        await pilot.press("slash", *FILTER, "enter")
        await seen(pilot, lambda: pane.list_title == f"/ {FILTER}", "the filter's rows")
        await pilot.press("G", "d")
        go_on.set()
        await until(pilot, lambda: pane.query_one(PaneBar).info != ("counting…",), "the count line changed")
        assert pane.query_one(PaneBar).info == ("not counted: the workspace file is damaged",)
        # The keys that waited are dropped, said: G's row is not known, and d on another row would mark another task.
        said = [n.message for n in app._notifications]
        assert "2 keys (G d) typed while the tasks were counted were dropped: the workspace file is damaged" in said
        assert table.cursor == 0 and not table.counting and statuses(workspace) == before
        # The rows read are the list from now: the keys move among them, and wait for nothing.
        await pilot.press("G")
        assert table.cursor == table.total - 1 and table.cursor_row is not None


async def test_a_triage_key_after_G_waits_for_the_last_row_to_be_read(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane, table = app.tasks_pane, app.tasks_pane.table
        await pilot.press("slash", *FILTER, "enter")
        await until(pilot, lambda: pane.count is not None, "the count")
        last, before = last_task(app), statuses(workspace)
        go_on = threading.Event()
        window = app.session.ranked.window

        def held(*args: Any) -> Any:
            assert go_on.wait(timeout=20), "the window was never let go on"
            return window(*args)

        app.session.ranked.window = held  # type: ignore[method-assign]
        await pilot.press("G", "d")
        # G is on the last row, which is being read: d waits for it, where it found no row and did nothing.
        assert pane.count is not None and table.cursor == pane.count - 1 and table.cursor_row is None
        go_on.set()
        await until(pilot, lambda: statuses(workspace)[last] == "done", "the last task marked done")
        after = statuses(workspace)
        assert {task for task in after if after[task] != before[task]} == {last}


async def test_G_as_the_count_comes_waits_for_the_table_to_scroll_and_lands_on_the_last_row(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane, table = app.tasks_pane, app.tasks_pane.table
        expected = app.session.ranked.count(app.session.reads.compile(FILTER, app.services.now()))
        go_on = count_held(app)
        await pilot.press("slash", *FILTER, "enter")
        await seen(pilot, lambda: pane.list_title == f"/ {FILTER}", "the filter's rows")
        # The count, and G in the same turn, before the table is drawn with its scrollbar (which it scrolls by).
        table.set_total(expected)
        table.action_last()
        assert table.cursor == 0
        # The count held back no longer: the last window is read on the connection that counts.
        go_on.set()
        await until(pilot, lambda: table.cursor_row is not None and table.cursor == expected - 1, "the last row, read")
        assert table.scroll_y > 0


async def test_G_on_an_empty_list_holds_no_key_after_it(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        await pilot.press("slash", *"#nosuchtag", "enter")
        await until(pilot, lambda: pane.count == 0 and not pane.filtering, "the empty list")
        # No last row to land on, so none to wait for: the filter box opens at once, as it did before G.
        await pilot.press("G", "slash")
        await seen(pilot, lambda: pane.filtering, "the filter box open")
        assert app.focused is pane.filter_box.input
        assert not [n.message for n in app._notifications if "dropped" in n.message]


async def test_keys_waiting_for_the_count_act_on_the_list_read_again_after_another_members_change(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        last, before = last_task(app), statuses(workspace)
        go_on = count_held(app)
        await pilot.press("slash", *FILTER, "enter")
        await seen(pilot, lambda: pane.list_title == f"/ {FILTER}", "the filter's rows")
        await pilot.press("G", "d")
        pane.store_changed([], ours=False)  # a teammate's write, read again: the same list, where G and d were typed
        await seen(pilot, lambda: pane.generation > 1 and pane.table.generation > 1 and pane.count is None, "the list read again")
        go_on.set()
        await until(pilot, lambda: statuses(workspace)[last] == "done", "the last task marked done")
        after = statuses(workspace)
        assert {task for task in after if after[task] != before[task]} == {last}
        assert not [n.message for n in app._notifications if "dropped" in n.message]


async def test_a_lone_G_dropped_with_its_list_is_said(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane, table = app.tasks_pane, app.tasks_pane.table
        go_on = threading.Event()

        def fails(f: Any) -> int:
            assert go_on.wait(timeout=20), "the count was never let go on"
            raise UserError("the workspace file is damaged")

        app.session.ranked.count = fails  # type: ignore[method-assign]
        await pilot.press("slash", *FILTER, "enter")
        await seen(pilot, lambda: pane.list_title == f"/ {FILTER}", "the filter's rows")
        await pilot.press("G")
        go_on.set()
        await until(pilot, lambda: not table.counting, "the count failed")
        said = [n.message for n in app._notifications]
        assert "1 key (G) typed while the tasks were counted was dropped: the workspace file is damaged" in said


async def test_keys_after_G_dropped_for_waiting_too_long_say_that_G_still_goes_to_the_last_row(workspace: Path) -> None:
    """The keys typed after a G that waited for the count were dropped once they had waited as long as they may (the
    app's timer), "type again", and G, not named, moved the cursor later, by itself: the notice says it will."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        pane, table = app.tasks_pane, app.tasks_pane.table
        expected = app.session.ranked.count(app.session.reads.compile(FILTER, app.services.now()))
        before = statuses(workspace)
        go_on = count_held(app)
        await pilot.press("slash", *FILTER, "enter")
        await seen(pilot, lambda: pane.list_title == f"/ {FILTER}", "the filter's rows")
        await pilot.press("G", "d")
        said = (
            "1 key (d) typed while the tasks were counted was dropped: it took longer than usual; type again "
            "(G still goes to the last row once counted)"
        )

        async def dropped() -> None:
            for _ in range(1000):  # a hang guard, far above the few rounds the app's timer takes
                if [n.message for n in app._notifications if "dropped" in n.message]:
                    return
                await pilot.pause(0.01)
            raise AssertionError("never saw the keys dropped")

        await dropped()
        assert [n.message for n in app._notifications if "dropped" in n.message] == [said]
        assert pane.count is None and table.cursor == 0
        go_on.set()
        await until(pilot, lambda: table.cursor_row is not None and table.cursor == expected - 1, "G on the last row")
        assert statuses(workspace) == before  # d was dropped, said: it marked nothing
