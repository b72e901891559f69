"""The one-line input every text box shares: the keys of one burst act in the order typed."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from crewdeck.widgets.one_line_input import OneLineInput


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
        await pilot.pause()
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
        await pilot.pause()
        assert app.came_back == ["ctrl+c", "escape", "down", "enter"]
        assert field.value == "Canv!"
