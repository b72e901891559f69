"""The one-line input every text box shares: the keys of one burst act in the order typed."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from crewdeck.widgets.one_line_input import OneLineInput

from .apphelp import until


class FieldApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.submitted: list[str] = []
        self.came_back: list[str] = []

    def compose(self) -> ComposeResult:
        yield OneLineInput(self.text)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        self.submitted.append(message.value)

    def on_key(self, event: events.Key) -> None:
        self.came_back.append(event.key)


def burst(app: App[None], *keys: tuple[str, str | None]) -> None:
    """Post ``keys`` at once, as the driver posts the keys of one read from a fast typist's terminal."""
    for key, character in keys:
        app.post_message(events.Key(key, character))


def typed(text: str) -> list[tuple[str, str | None]]:
    return [(character, character) for character in text]


@pytest.mark.parametrize(
    ("text", "keys", "edited"),
    [
        # The Budget pane's new entry: the currency typed over.
        ("12.50 CHF", [("backspace", None)] * 3 + typed("EUR"), "12.50 EUR"),
        ("12.50 CHF", [("backspace", None), *typed("X")], "12.50 CHX"),
        ("12.50", [("home", None), *typed("-")], "-12.50"),
        ("12.50", [("left", None), ("left", None), ("delete", None), *typed("7")], "12.70"),
        ("Canva", [("ctrl+u", None), *typed("Figma")], "Figma"),
    ],
)
async def test_editing_keys_typed_in_one_burst_with_characters_act_in_the_order_typed(
    text: str, keys: list[tuple[str, str | None]], edited: str
) -> None:
    app = FieldApp(text)
    async with app.run_test() as pilot:
        field = app.query_one(OneLineInput)
        field.focus()
        await pilot.pause()
        field.cursor_position = len(text)
        burst(app, *keys)
        await pilot.pause()
        assert field.value == edited


async def test_enter_in_a_burst_still_submits_through_the_app_after_the_keys_before_it() -> None:
    app = FieldApp("12.50 CHF")
    async with app.run_test() as pilot:
        field = app.query_one(OneLineInput)
        field.focus()
        await pilot.pause()
        field.cursor_position = len(field.value)
        burst(app, *[("backspace", None)] * 3, *typed("EUR"), ("enter", "\r"))
        # The field's Submitted is posted from its handling of enter: one pause may end before the app reads it.
        await until(pilot, lambda: bool(app.submitted), "the field submitted")
        assert app.submitted == ["12.50 EUR"]


async def test_a_key_the_field_skips_or_leaves_to_the_app_comes_back_to_it() -> None:
    """ctrl+c (copy) with nothing selected copies nothing: the field skips it, and it goes on to the app's bindings, as
    enter, escape and tab do, and a key the field does not bind; the editing keys and the characters stop there."""
    app = FieldApp("Canva")
    async with app.run_test() as pilot:
        field = app.query_one(OneLineInput)
        field.focus()
        await pilot.pause()
        field.cursor_position = len(field.value)  # the focus selected it all
        burst(app, ("ctrl+c", None), ("backspace", None), *typed("!"), ("escape", "\x1b"), ("down", None), ("enter", "\r"))
        await until(pilot, lambda: len(app.came_back) == 4, "the four keys back at the app")
        assert app.came_back == ["ctrl+c", "escape", "down", "enter"]
        assert field.value == "Canv!"


class WidthApp(App[None]):
    CSS = """
    #fixed { width: 20; height: 1; border: none; padding: 0 1; }
    #auto { width: auto; height: 1; border: none; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield OneLineInput(id="fixed")
        yield OneLineInput(id="auto")


@pytest.mark.parametrize(("field_id", "layouts"), [("fixed", False), ("auto", True)])
async def test_a_field_of_fixed_width_asks_for_no_layout_as_it_is_typed_in_and_shows_the_end_typed(field_id: str, layouts: bool) -> None:
    """Textual's asked for a layout of the screen at each character, for a field whose size does not follow its text
    too (the filter box's): the whole pane around it was laid out and drawn again at every key."""
    app = WidthApp()
    async with app.run_test(size=(60, 5)) as pilot:
        field = app.query_one(f"#{field_id}", OneLineInput)
        field.focus()
        await pilot.pause()
        asked: list[bool] = []
        refresh = field.refresh

        def counted(*regions: object, repaint: bool = True, layout: bool = False, recompose: bool = False) -> OneLineInput:
            asked.append(layout)
            return refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)  # type: ignore[arg-type]

        field.refresh = counted  # type: ignore[method-assign]
        text = "#tiktok +launch due:fri overdue"  # longer than the fixed field
        burst(app, *typed(text))
        await pilot.pause()
        assert field.value == text
        assert any(asked) is layouts, asked
        line = "".join(segment.text for segment in field.render_line(0)).rstrip()
        assert text.endswith(line.strip()) and len(line.strip()) > 5, line  # scrolled on to its end, the cursor's


async def test_a_field_of_fixed_width_whose_text_gets_shorter_scrolls_back_to_show_it() -> None:
    """Its size set without a layout, nothing brought its scroll back within the shorter text: a long filter cut short
    with ctrl+k showed its tail and blank columns after it, its start hidden though the whole text fitted (reviewer
    rd)."""
    app = WidthApp()
    async with app.run_test(size=(60, 5)) as pilot:
        field = app.query_one("#fixed", OneLineInput)
        field.focus()
        await pilot.pause()
        burst(app, *typed("#tiktok +launch due:fri overdue"), *[("left", None)] * 22, ("ctrl+k", None))
        await pilot.pause()
        assert field.value == "#tiktok +"
        assert field.scroll_x <= field.max_scroll_x
        assert "".join(segment.text for segment in field.render_line(0)).strip() == "#tiktok +"
