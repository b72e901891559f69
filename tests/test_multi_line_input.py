"""The text area both editors share: the keys of one burst act in the order typed, the others go on to the app."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult

from crewdeck.widgets.multi_line_input import MultiLineInput


class AreaApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.came_back: list[str] = []

    def compose(self) -> ComposeResult:
        yield MultiLineInput(self.text, tab_behavior="focus")

    def on_key(self, event: events.Key) -> None:
        self.came_back.append(event.key)


async def test_a_key_the_area_skips_or_does_not_bind_comes_back_to_the_app() -> None:
    """ctrl+c (copy) with nothing selected copies nothing: the area skips it, and it goes on to the app's bindings, as
    escape, tab (with the area's tab moving the focus) and ctrl+s do; the editing keys, enter and the characters stop
    there, acting in the order typed."""
    app = AreaApp("Canva")
    async with app.run_test() as pilot:
        area = app.query_one(MultiLineInput)
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.pause()
        for key, character in [
            ("ctrl+c", None),
            ("backspace", None),
            ("exclamation_mark", "!"),
            ("escape", "\x1b"),
            ("left", None),
            ("enter", "\r"),
            ("tab", "\t"),
            ("ctrl+s", None),
        ]:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        assert app.came_back == ["ctrl+c", "escape", "tab", "ctrl+s"]
        assert area.text == "Canv\n!"
