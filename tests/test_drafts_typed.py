"""Text typed in a dialog is kept as a draft while it is typed, not only as the app closes: a ``kill -9``, an OOM kill
or a power cut loses the last second of it at most.  The timer waits an hour under test (conftest): each test runs
the keeping step itself (``keep_typed``), as the timer would, and waits for its worker."""

from __future__ import annotations

import errno
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from crewdeck.tui.app import drafts_typed
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.drafts import DraftOffer
from crewdeck.tui.app.screens.discard import HoldsText
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.workspace.drafts import DialogDraft, DraftStore

from .apphelp import demo_workspace, make_app, settle, until
from .test_drafts import SIZE, _quick_add_typed_and_quit, drafts, notes_of, open_notes


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


async def test_notes_typed_are_kept_while_the_app_runs_and_go_once_saved(workspace: Path) -> None:
    app = make_app(workspace)
    app.session.restricted = True  # the app's own editor, as over SSH
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task = app.tasks_pane.table.cursor_key
        assert task is not None
        editor = await open_notes(app, pilot)
        await pilot.press(*"Call the venue")
        timer = editor.typed_draft.timer
        await pilot.press(*" first")
        assert timer is not None and editor.typed_draft.timer is timer  # one timer for the dialog, not one a key
        assert drafts(app).get(f"notes:{task}") is None  # not before the text rests
        drafts_typed.keep_typed(editor)
        await settle(pilot)
        draft = drafts(app).get(f"notes:{task}")
        assert draft is not None and draft.values == {"text": editor.query_one(TextArea).text}
        assert "Call the venue first" in draft.values["text"] and draft.opened_with == {"text": notes_of(workspace, task)}
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not editor, "the notes saved")
        assert "Call the venue first" in notes_of(workspace, task)
        assert drafts(app).all() == []


async def test_a_draft_offered_is_not_replaced_by_its_untouched_dialog_and_is_by_text_of_its_own(workspace: Path) -> None:
    await _quick_add_typed_and_quit(workspace)
    offered = drafts(make_app(workspace)).get("prompt:Quick add")
    assert offered is not None and offered.values == {"text": "Book the venue"}
    again = make_app(workspace)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        prompt = again.screen
        assert isinstance(prompt, PromptScreen) and prompt.query(DraftOffer)
        drafts_typed.keep_typed(prompt)  # opened, nothing typed
        await settle(pilot)
        assert drafts(again).get("prompt:Quick add") == offered
        await pilot.press(*"Print")
        drafts_typed.keep_typed(prompt)
        await settle(pilot)
        kept = drafts(again).get("prompt:Quick add")
        assert kept is not None and kept.values == {"text": "Print"}  # what the dialog holds of its own replaces it
        await pilot.press(*["backspace"] * 5)
        drafts_typed.keep_typed(prompt)
        await settle(pilot)
        assert drafts(again).get("prompt:Quick add") == offered  # undone: the draft offered, as it was
        await pilot.press(*"Print", "escape", "y")  # typed, then discarded: the draft offered goes with it
        await settle(pilot)
        assert drafts(again).all() == []


async def _quick_add_typed(app: CrewdeckApp, pilot: Pilot[None], text: str) -> PromptScreen:
    """Quick add opened with ``a`` and ``text`` typed in it."""
    await settle(pilot)
    await pilot.press("a", *text)
    prompt = app.screen
    assert isinstance(prompt, PromptScreen)
    return prompt


async def test_text_kept_while_typed_then_undone_goes_when_the_dialog_closes(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        prompt = await _quick_add_typed(app, pilot, "Book")
        drafts_typed.keep_typed(prompt)
        await settle(pilot)
        assert drafts(app).get("prompt:Quick add") is not None
        await pilot.press(*["backspace"] * 4, "escape")  # before the text rested: nothing typed is lost
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert drafts(app).all() == []


async def test_a_dialog_whose_text_is_being_written_keeps_no_new_draft(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        prompt = await _quick_add_typed(app, pilot, "Book")
        prompt.submitting = "Book"  # as ``enter`` leaves it while the task is added
        assert prompt.writing
        drafts_typed.keep_typed(prompt)
        await settle(pilot)
        assert drafts(app).all() == []


async def test_a_write_that_fails_is_said_once_and_typing_goes_on(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object) -> DialogDraft:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(DraftStore, "keep", full)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        prompt = await _quick_add_typed(app, pilot, "Book")
        for more in ("ing", " the", " venue"):
            drafts_typed.keep_typed(prompt)
            await settle(pilot)
            await pilot.press(*more)
        said = [n.message for n in app._notifications if "while you type" in n.message]
        assert said == [f"your quick add is not kept as a draft in {drafts(app).path} while you type: No space left on device"]
        assert app.screen is prompt and prompt.query_one("#prompt-input", Input).value == "Booking the venue"


async def test_a_change_made_while_the_draft_is_written_is_written_after_it_never_beside_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_keep = DraftStore.keep
    release = threading.Event()
    writing: list[str] = []
    at_once: list[int] = []

    def slow_keep(store: DraftStore, key: str, what: str, values: dict[str, str], opened: dict[str, str], zone: str) -> DialogDraft:
        writing.append(values["text"])
        at_once.append(len(writing))
        release.wait(30)  # the first write held until the test has typed on
        try:
            return real_keep(store, key, what, values, opened, zone)
        finally:
            writing.remove(values["text"])

    monkeypatch.setattr(DraftStore, "keep", slow_keep)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Book")
        prompt = app.screen
        assert isinstance(prompt, HoldsText)
        drafts_typed.keep_typed(prompt)
        await pilot.press(*" the venue")
        drafts_typed.keep_typed(prompt)  # the first write is under way: this one waits for it
        assert prompt.typed_draft.again
        release.set()
        await settle(pilot)
        await until(pilot, lambda: not prompt.typed_draft.under_way, "both writes done")
        kept = drafts(app).get("prompt:Quick add")
        assert kept is not None and kept.values == {"text": "Book the venue"}
        assert at_once == [1, 1]  # two writes, one after the other


@pytest.mark.parametrize("close", [("enter",), ("escape", "y")], ids=["saved", "discarded"])
async def test_a_dialog_closes_at_once_behind_a_write_under_way_which_leaves_no_draft_of_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, close: tuple[str, ...]
) -> None:
    real_keep = DraftStore.keep
    started, release = threading.Event(), threading.Event()
    held_out: list[bool] = []

    def slow_keep(store: DraftStore, key: str, what: str, values: dict[str, str], opened: dict[str, str], zone: str) -> DialogDraft:
        started.set()
        held_out.append(not release.wait(10))  # a drafts directory on a stalled disk, until the test lets it go
        return real_keep(store, key, what, values, opened, zone)

    monkeypatch.setattr(DraftStore, "keep", slow_keep)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        prompt = await _quick_add_typed(app, pilot, "Book")
        drafts_typed.keep_typed(prompt)
        while not started.is_set():
            await pilot.pause()
        await pilot.press(*close)
        while app.screen is prompt:  # the close waits for nothing on the UI thread: keys go on being read
            await pilot.pause(0.01)
        assert held_out == [] and drafts(app).all() == []  # the write is still under way
        release.set()
        await settle(pilot)
        assert held_out == [False] and not prompt.typed_draft.in_worker
        assert drafts(app).all() == []  # what the close did is done after the write, not under it


async def test_a_steady_typist_s_text_is_kept_every_few_seconds_though_it_never_rests(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [0.0]
    monkeypatch.setattr(drafts_typed, "KEEP_AT_MOST", 5.0)
    monkeypatch.setattr(drafts_typed, "monotonic", lambda: clock[0])
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        prompt = await _quick_add_typed(app, pilot, "Book")  # the timer waits an hour: the text never rests
        clock[0] = 4.9
        await pilot.press("i")
        await settle(pilot)
        assert drafts(app).all() == []
        clock[0] = 5.0  # five seconds of changes, none kept: this one is kept at once
        await pilot.press("n")
        await settle(pilot)
        kept = drafts(app).get("prompt:Quick add")
        assert kept is not None and kept.values == {"text": "Bookin"}
        clock[0] = 5.5
        await pilot.press("g")  # the next few seconds start again from here
        await settle(pilot)
        assert drafts(app).get("prompt:Quick add") == kept and prompt.typed_draft.unkept_since == 5.5


async def test_a_write_that_fails_otherwise_still_lets_the_dialog_close_and_the_app_exit(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error other than the disk's (a bug, a text no encoding takes) skipped the worker's end: it stayed "in the
    worker" for good, a save queued behind it was never done, and the app's exit waited for it for ever (reviewer rg)."""

    def broken(*args: object) -> DialogDraft:
        raise ValueError("not a disk's error")

    monkeypatch.setattr(DraftStore, "keep", broken)
    app = make_app(workspace)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        prompt = await _quick_add_typed(app, pilot, "Book")
        drafts_typed.keep_typed(prompt)
        await until(pilot, lambda: not prompt.typed_draft.under_way, "the write's end")
        assert not prompt.typed_draft.in_worker
        assert any("not a disk's error" in str(n.message) for n in app._notifications)  # reported, as a worker's error is
        app.exit()
    assert app.return_code in (None, 0)


async def test_a_dialog_saved_with_no_draft_kept_says_nothing_of_a_state_folder_it_cannot_make(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Removing a draft made the drafts folder and its lock file first: where the folder cannot be made (a file in its
    way, a read-only home), every save said "the draft stays in …" of a draft never kept (reviewer rg)."""
    blocker = workspace.parent / "state"
    blocker.write_text("")
    monkeypatch.setattr("crewdeck.tui.workspace.drafts.default_drafts_dir", lambda: blocker / "drafts")
    app = make_app(workspace)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _quick_add_typed(app, pilot, "Book")
        await pilot.press("enter")
        await settle(pilot)
        assert not [n.message for n in app._notifications if "the draft stays" in str(n.message)]
