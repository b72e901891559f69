"""The drafts kept when the app last closed are said as it starts, and ``K`` (or the palette's "Drafts kept") opens them
in the dialogs they were typed in, each on its record, which offers them as ever."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.kept_drafts import KeptTextScreen
from crewdeck.tui.app.screens.entry_form import EntryFormScreen
from crewdeck.tui.app.screens.notes_editor import NotesEditorScreen
from crewdeck.tui.app.screens.picker import PickerScreen
from crewdeck.tui.cli.main import main
from crewdeck.tui.workspace.drafts import Draft, DraftStore

from .apphelp import demo_workspace, make_app, settle, until

SIZE = (160, 48)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def ana_drafts(workspace: Path) -> DraftStore:
    with Store(workspace) as store:
        ana = next(k for k, v in store.records("member") if v["handle"] == "ana")
    return DraftStore.for_member(workspace, ana)


def a_task(workspace: Path) -> tuple[str, str, str]:
    """A task open in the demo: its id, title and notes."""
    with Store(workspace) as store:
        task, record = next((k, v) for k, v in store.records("task") if not v["deleted"] and v["status"] == "todo")
    return task, str(record["title"]), str(record["notes"])


def keep_notes(workspace: Path, text: str) -> tuple[str, Draft]:
    task, title, notes = a_task(workspace)
    draft = ana_drafts(workspace).keep(
        f"notes:{task}", f"the notes of {task[:8]} “{title}”", {"text": text}, {"text": notes}, "Europe/Berlin"
    )
    return task, draft


def notices(app: CrewdeckApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def commands(app: CrewdeckApp) -> list[str]:
    return [str(c.title) for c in app.get_system_commands(app.screen)]


async def test_a_kept_draft_is_said_at_start_and_k_opens_its_dialog_which_offers_it(workspace: Path) -> None:
    _, draft = keep_notes(workspace, "Half a brief, typed over SSH")
    app = make_app(workspace)  # not over SSH: `e` would open $EDITOR, but the draft opens in the app's own editor
    async with app.run_test(size=SIZE) as pilot:
        said = f"a draft of {draft.what} from {draft.kept_time()} was kept when the app closed: K opens it"
        await until(pilot, lambda: said in notices(app), "the notice of the draft")
        app.first_screen_ready()  # as a list that failed to load says it again
        await settle(pilot)
        assert notices(app).count(said) == 1
        assert "Drafts kept" in commands(app)
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, NotesEditorScreen) and app.screen.draft_offered is not None, "the offer")
        editor = app.screen
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen is editor and editor.query_one(TextArea).text == "Half a brief, typed over SSH"
        await pilot.press("ctrl+s")  # saved, the draft goes
        await until(pilot, lambda: app.screen is not editor, "the notes saved")
        assert ana_drafts(workspace).all() == []
        assert "Drafts kept" not in commands(app)


async def test_several_kept_drafts_are_counted_and_k_lists_them_each_opening_its_own_dialog(workspace: Path) -> None:
    _, notes = keep_notes(workspace, "Notes half done")
    store = ana_drafts(workspace)
    store.keep("prompt:Quick add", "your answer to “Quick add”", {"text": "Book the venue"}, {"text": ""}, "Europe/Berlin")
    entry = {"payee": "@cafe_mila", "amount": "120.50 EUR"}
    store.keep("entry:new", "a new ledger entry", entry, {}, "Europe/Berlin")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "3 drafts were kept when the app closed: K lists them" in notices(app), "the notice")
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), "the list of drafts")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        assert [c.value for c in picker.choices] == ["entry:new", "prompt:Quick add", store.all()[0].key]  # the newest first
        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, EntryFormScreen) and app.screen.draft_offered is not None, "the offer")
        await pilot.press("ctrl+r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        assert form.values()["payee"] == "@cafe_mila" and form.values()["amount"] == "120.50 EUR"
        # Kept until the entry is saved; the other two untouched.
        assert {d.key for d in store.all()} == {"entry:new", "prompt:Quick add", notes.key}


async def test_a_draft_whose_task_was_deleted_says_so_shows_its_text_and_can_only_be_discarded(workspace: Path) -> None:
    task, draft = keep_notes(workspace, "Call the printer\x1b[2J at 10")
    assert main(["-w", str(workspace), "--as", "raj", "rm", task]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any(n.startswith("a draft of the notes of") for n in notices(app)), "the notice")
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, KeptTextScreen), "the draft shown")
        shown = app.screen
        why = str(shown.query_one("#kept-why", Static).render())
        assert why == "its task was deleted: it can only be copied or discarded"
        assert "\x1b" not in str(shown.query_one("#kept-text", Static).render())
        assert "Call the printer" in str(shown.query_one("#kept-text", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert ana_drafts(workspace).get(draft.key) is not None  # escape keeps it
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, KeptTextScreen), "the draft shown again")
        await pilot.press("d")
        await settle(pilot)
        assert ana_drafts(workspace).all() == []
        assert not isinstance(app.screen, KeptTextScreen)
