"""Dialogs and keys a new team trips over (issue 14): typed dates and their previews, refused input, the tasks pane's keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Input, Static

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.screens.entry_form import EntryFormScreen
from crewdeck.tui.app.screens.picker import PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.cli.main import main

from .apphelp import demo_workspace, make_app, settle

SIZE = (160, 48)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def titled(path: Path, title: str) -> list[dict[str, object]]:
    with Store(path) as store:
        return [v for _, v in store.records("task") if v["title"] == title]


async def test_quick_add_says_when_what_it_creates_is_already_overdue(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        # 09:30 UTC is 10:30 in ana's Berlin: 08:00 today has passed.
        await pilot.press(*"Post recap due:today 08:00")
        await settle(pilot)
        preview = str(app.screen.query_one("#prompt-preview").render())
        assert "today 08:00 CET" in preview and "already overdue by 2h" in preview
        await pilot.press("ctrl+u")
        await pilot.press(*"Post recap due:tmrw")
        await settle(pilot)
        preview = str(app.screen.query_one("#prompt-preview").render())
        assert "tmrw 17:30 CET" in preview and "overdue" not in preview  # the end of ana's working day
        await pilot.press("enter")
        await settle(pilot)
        assert [t["due"] for t in titled(workspace, "Post recap")] == [{"utc": "2026-11-27T16:30:00Z", "tz": "Europe/Berlin"}]


def refused_under(screen: Screen[object], widget_id: str) -> str:
    """The reason a dialog shows under its input ("" when none is shown)."""
    refused = screen.query_one(widget_id, Static)
    return str(refused.render()) if refused.has_class("-shown") else ""


async def test_a_refused_answer_keeps_its_text_and_says_why_under_it(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Quick-add.
        await pilot.press("a", *"Film teaser @nobody", "enter")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value == "Film teaser @nobody"
        assert "unknown member @nobody" in refused_under(prompt, "#prompt-refused")
        assert titled(workspace, "Film teaser") == []
        await pilot.press(*["backspace"] * 6, *"raj")  # fixed where it stands
        await settle(pilot)
        assert refused_under(prompt, "#prompt-refused") == ""  # said of the text as it was
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        [added] = titled(workspace, "Film teaser")
        assert added["assignee"] is not None
        # Due and snooze, on the task under the cursor.
        task = app.tasks_pane.table.cursor_key
        assert task is not None
        before = record(workspace, task)
        await pilot.press("D", *"someday", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and app.screen.query_one(Input).value == "someday"
        assert "'someday' is not a date" in refused_under(app.screen, "#prompt-refused")
        await pilot.press("escape")
        await pilot.press("h", "ctrl+u", *"whenever", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and app.screen.query_one(Input).value == "whenever"
        assert "'whenever' is not a date" in refused_under(app.screen, "#prompt-refused")
        await pilot.press("escape")
        await settle(pilot)
        after = record(workspace, task)
        assert (after["due"], after["snoozed_until"]) == (before["due"], before["snoozed_until"])


def record(path: Path, task_id: str) -> dict[str, object]:
    with Store(path) as store:
        row = store.record("task", task_id)
    assert row is not None
    return row


async def test_a_guests_refused_choice_and_entry_say_why_in_the_dialog(workspace: Path) -> None:
    assert main(["-w", str(workspace), "--as", "ana", "member", "add", "gia", "--name", "Gia", "--tz", "UTC", "--access", "guest"]) == 0
    app = make_app(workspace, "gia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v", "a")  # all open tasks
        await settle(pilot)
        task = app.tasks_pane.table.cursor_key
        assert task is not None
        before = record(workspace, task)
        await pilot.press("A", "1")  # assign to the first member
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        assert "gia is a guest" in refused_under(picker, "#picker-refused")
        await pilot.press("escape")
        await settle(pilot)
        assert record(workspace, task)["assignee"] == before["assignee"]
        # A new ledger entry: every field good, and still refused.
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        await pilot.press(*"spring-launch", "tab", *"content-tools", "tab", *"Canva", "tab", *"12.50 EUR", "enter")
        await settle(pilot)
        assert app.screen is form and form.query_one("#form-payee", Input).value == "Canva"
        preview = form.query_one("#form-preview", Static)
        assert "gia is a guest" in str(preview.render()) and preview.has_class("-problem")
