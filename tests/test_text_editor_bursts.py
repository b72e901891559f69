"""The copy and notes editors: the keys of one burst act in the order typed, as in the one-line fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import TextArea

from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.screens.copy_editor import CopyEditorScreen
from crewdeck.tui.app.screens.notes_editor import NotesEditorScreen
from crewdeck.tui.app.screens.text_editor import TextEditorScreen

from .apphelp import demo_workspace, make_app, settle

SIZE = (80, 24)

Keys = list[tuple[str, "str | None"]]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def typed(text: str) -> Keys:
    return [(character, character) for character in text]


def burst(app: CrewdeckApp, keys: Keys) -> None:
    """Post ``keys`` at once, as the driver posts the keys of one read from a fast typist's terminal."""
    for key, character in keys:
        app.post_message(events.Key(key, character))


def editor(kind: str, text: str) -> TextEditorScreen:
    if kind == "notes":
        return NotesEditorScreen("Notes of t1", text)
    return CopyEditorScreen("Copy of Spring post 1", "ctrl+s saves", text, submit=lambda _text: None, platform="x")


@pytest.mark.parametrize("kind", ["notes", "copy"])
@pytest.mark.parametrize(
    ("text", "keys", "edited"),
    [
        ("12.50 CHF", [("backspace", None)] * 3 + typed("EUR"), "12.50 EUR"),
        ("12.50 CHF", [("backspace", None), *typed("X")], "12.50 CHX"),
        ("spring", [("left", None), *typed("X")], "sprinXg"),
        ("spring", [("home", None), *typed("A ")], "A spring"),
        ("spring", [("left", None)] * 3 + [("delete", None), *typed("a")], "sprang"),
        ("spring", [("ctrl+u", None), *typed("summer")], "summer"),
        ("line one", [("enter", "\r"), *typed("two"), ("up", None), ("end", None), ("backspace", None), *typed("E")], "line onE\ntwo"),
    ],
)
async def test_editing_keys_typed_in_one_burst_with_characters_act_in_the_order_typed(
    workspace: Path, kind: str, text: str, keys: Keys, edited: str
) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(editor(kind, text))
        await settle(pilot)
        burst(app, keys)
        await settle(pilot)
        assert app.screen.query_one(TextArea).text == edited


@pytest.mark.parametrize("kind", ["notes", "copy"])
async def test_ctrl_s_typed_in_the_burst_saves_the_text_as_the_keys_before_it_left_it(workspace: Path, kind: str) -> None:
    written: list[str] = []
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if kind == "notes":
            app.push_screen(NotesEditorScreen("Notes of t1", "12.50 CHF"), written.append)
        else:
            app.push_screen(CopyEditorScreen("Copy of Spring post 1", "ctrl+s saves", "12.50 CHF", submit=written.append, platform="x"))
        await settle(pilot)
        burst(app, [("backspace", None)] * 3 + typed("EUR") + [("ctrl+s", None)])
        await settle(pilot)
        assert written == ["12.50 EUR"]
        assert app.screen is app.main_screen


@pytest.mark.parametrize(("kind", "tab"), [("notes", "    "), ("copy", "")])
async def test_enter_and_tab_in_a_burst_keep_each_editor_s_own_behaviour(workspace: Path, kind: str, tab: str) -> None:
    """Enter starts a new line in both; tab indents the notes, and adds nothing to the copy (it moves the focus on, and
    nothing else in the dialog takes it)."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(editor(kind, "one"))
        await settle(pilot)
        burst(app, [("backspace", None), ("enter", "\r"), ("tab", "\t"), *typed("two")])
        await settle(pilot)
        assert app.screen.query_one(TextArea).text == f"on\n{tab}two"
