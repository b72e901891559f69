"""The keys typed after a filter's enter while its list is still read go to that list, never back into the box."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from crewdeck.tui.app import app as app_module
from crewdeck.tui.app.app import CrewdeckApp

from .apphelp import demo_workspace, make_app, settle, until
from .test_app_counting import FILTER, SIZE, seen


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


async def previewed_then_read_again(app: CrewdeckApp, pilot: Pilot[object]) -> threading.Event:
    """The filter typed in the box and previewed, then a teammate's write: the box's preview is of the list as it was,
    and is asked again, held back until the event returned is set."""
    pane = app.tasks_pane
    await pilot.press("slash", *FILTER)
    await until(pilot, lambda: pane.filter_box.preview.message != "", "the filter's preview")
    go_on = threading.Event()
    fetch = pane.previews._fetch

    def held(*args: Any) -> Any:
        assert go_on.wait(timeout=20), "the preview was never let go on"
        return fetch(*args)

    pane.previews._fetch = held  # type: ignore[method-assign]
    pane.store_changed([], ours=False)
    return go_on


async def test_keys_after_a_filters_enter_wait_for_the_list_it_applies_while_a_teammates_write_reads_it_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Held for a minute rather than two seconds: on a loaded machine the keys pressed after enter reached the app, or
    # go_on below was set, after the hold had ended, and they went into the box or were dropped.
    monkeypatch.setattr(app_module, "READ_HOLD_AT_MOST", 60)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane, table = app.tasks_pane, app.tasks_pane.table
        go_on = await previewed_then_read_again(app, pilot)
        await pilot.press("enter", "G", "k")
        await seen(pilot, lambda: pane.generation > 1, "the write read")
        # The enter waits for the preview it applies; the keys after it wait for that list, not typed into the box.
        assert pane.filtering and pane.filter_box.input.value == FILTER
        go_on.set()
        # Until k has moved up from G's row: k, held for that row, is sent on once it is read, and the app takes it a few
        # messages later (the row was there, and the cursor on the last row, when this looked, on a loaded machine).
        await until(
            pilot,
            lambda: not pane.filtering and pane.count is not None and table.cursor == pane.count - 2 and table.cursor_row is not None,
            "G, then k, on the filter's list",
        )
        assert pane.list_title == f"/ {FILTER}" and pane.query_text == FILTER
        assert not [n.message for n in app._notifications if "dropped" in n.message]


async def test_an_enter_still_waiting_for_its_list_is_not_applied_once_the_box_is_edited_back_to_its_text(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys typed after an enter still waiting for its list (held up by a teammate's write), once they had waited
    as long as they may, went into the box, and the enter stayed set: an edit back to the text it was pressed on
    applied the filter, with no enter, once its list came."""
    monkeypatch.setattr(app_module, "READ_HOLD_AT_MOST", 0.001)  # the keys after enter are held no longer
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        go_on = await previewed_then_read_again(app, pilot)
        await pilot.press("enter")
        await seen(pilot, lambda: pane.generation > 1 and not app.keys_ahead._reads, "the keys' hold over")
        await pilot.press("x")
        await seen(pilot, lambda: pane.filter_box.input.value == FILTER + "x", "the x in the box")
        await pilot.press("backspace")
        await seen(pilot, lambda: pane.filter_box.input.value == FILTER and not pane.filter_box.settling, "the x taken back")
        go_on.set()
        await until(pilot, lambda: pane.filter_box.preview.message not in ("", "counting…"), "the box's count")
        assert pane.filtering and app.focused is pane.filter_box.input
        assert pane.query_text != FILTER and pane.list_title != f"/ {FILTER}"
