"""The filter box: a burst of keys asks for one preview, enter applies, stale answers are not shown."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from crewdeck.widgets import filter_box
from crewdeck.widgets.filter_box import FilterBox


class BoxApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.settled: list[str] = []
        self.applied: list[str] = []

    def compose(self) -> ComposeResult:
        yield FilterBox("type a filter", noun="task")

    def on_filter_box_settled(self, message: FilterBox.Settled) -> None:
        self.settled.append(message.text)

    def on_filter_box_applied(self, message: FilterBox.Applied) -> None:
        self.applied.append(message.text)


async def opened(app: BoxApp, pilot: Pilot[None]) -> FilterBox:
    """The box, open and empty, with the preview its opening asked for forgotten."""
    box = app.query_one(FilterBox)
    box.open("")
    await pilot.pause()
    app.settled.clear()
    return box


async def test_a_burst_of_keys_settles_once_on_the_whole_text() -> None:
    app = BoxApp()
    async with app.run_test() as pilot:
        box = await opened(app, pilot)
        box.input.insert_text_at_cursor("#tik")
        box.input.insert_text_at_cursor("tok ")
        for _ in range(500):
            if app.settled:
                break
            await pilot.pause(0.01)
        assert app.settled == ["#tiktok"] and not box.settling  # the words, not the spaces around them


async def test_enter_applies_at_once_and_asks_for_no_preview_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filter_box, "SETTLE_DELAY", 30.0)  # enter comes first however slow the machine
    app = BoxApp()
    async with app.run_test() as pilot:
        box = await opened(app, pilot)
        box.input.insert_text_at_cursor("@me")
        await pilot.press("enter")
        await pilot.pause()
        assert app.applied == ["@me"]
        assert not box.settling and app.settled == []  # none is due


async def test_a_preview_shows_only_for_the_text_still_typed() -> None:
    app = BoxApp()
    async with app.run_test() as pilot:
        box = app.query_one(FilterBox)
        box.open("#tiktok")
        await pilot.pause()
        box.show_count("#tik", 9)  # asked for an earlier text
        assert box.preview.message == ""
        box.show_count("#tiktok", 7592)
        assert box.preview.message == "7,592 tasks" and not box.preview.refused
        box.show_error("#tiktok", "no such tag")
        assert box.preview.message == "no such tag" and box.preview.refused
        await pilot.press("x")
        await pilot.pause()
        assert box.preview.message == ""  # typing on clears what was said of the old text


class LedgerBoxApp(App[None]):
    def compose(self) -> ComposeResult:
        yield FilterBox("+campaign #category payee:canva", noun="entry", plural="entries")


async def test_the_count_names_what_its_owner_counts() -> None:
    app = LedgerBoxApp()
    async with app.run_test() as pilot:
        box = app.query_one(FilterBox)
        box.open("#tools")
        await pilot.pause()
        box.show_count("#tools", 1)
        assert box.preview.message == "1 entry"
        box.show_count("#tools", 0)
        assert box.preview.message == "0 entries"
        box.show_count("#tools", 1200)
        assert box.preview.message == "1,200 entries"
        assert box.input.placeholder == "+campaign #category payee:canva"
