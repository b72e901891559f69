"""Text typed in a dialog survives a dropped connection: kept as a draft of its member when the app closes without
anyone choosing to drop it, offered when the same dialog opens again."""

from __future__ import annotations

import json
import os
import select
import shlex
import signal
import stat
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.store import Store
from crewdeck.tui.app import app as app_module
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.drafts import DraftOffer, keep_drafts
from crewdeck.tui.app.screens.approvals import ApprovalsScreen
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.discard import DiscardScreen
from crewdeck.tui.app.screens.entry_form import EntryFormScreen
from crewdeck.tui.app.screens.notes_editor import NotesEditorScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.cli.main import main
from crewdeck.tui.workspace.drafts import MOST, DraftStore
from crewdeck.widgets.key_footer import footer_keys

from .apphelp import demo_workspace, make_app, settle, until
from .conftest import NOW_TEXT, ROOT
from .sshsupport import Tmux

SIZE = (160, 48)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def footer(screen: Screen[object]) -> set[str]:
    shown, _ = footer_keys(screen)
    return {key.description for key in shown if key.enabled}


def drafts(app: CrewdeckApp) -> DraftStore:
    return DraftStore.for_member(app.session.path, app.session.me.id)


def notes_of(workspace: Path, task: str) -> str:
    with Store(workspace) as store:
        return str(next(v for k, v in store.records("task") if k == task)["notes"])


async def open_notes(app: CrewdeckApp, pilot: object) -> NotesEditorScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("e")
    await settle(pilot)
    editor = app.screen
    assert isinstance(editor, NotesEditorScreen)
    return editor


def test_a_members_drafts_are_theirs_alone_bounded_and_a_bad_file_holds_none(tmp_path: Path) -> None:
    store = DraftStore.for_member(tmp_path / "ws.db", "m1", tmp_path / "drafts")
    for n in range(MOST + 2):
        store.keep(f"prompt:{n}", f"answer {n}", {"text": "x" * 200_000}, {"text": ""}, "Asia/Kolkata")
    kept = store.all()
    assert [d.key for d in kept] == [f"prompt:{n}" for n in range(2, MOST + 2)]  # the oldest dropped
    assert all(len(d.values["text"]) == 100_000 for d in kept)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert DraftStore.for_member(tmp_path / "ws.db", "m2", tmp_path / "drafts").all() == []  # another member's file
    store.remove("prompt:3")
    assert store.get("prompt:3") is None and store.get("prompt:4") is not None
    store.path.write_text("[{not json", encoding="utf-8")
    assert store.all() == []


GOOD = {
    "key": "prompt:Quick add",
    "what": "your quick add",
    "values": {"text": "Book the venue"},
    "opened_with": {"text": ""},
    "kept_at": "2026-12-01T10:00:00+00:00",
    "zone": "UTC",
}


@pytest.mark.parametrize(
    "damage",
    [
        {"zone": "Not/AZone"},
        {"zone": "America"},  # a directory of zones, no zone
        {"zone": "../etc"},
        {"zone": 5},
        {"kept_at": "yesterday"},
        {"kept_at": "2026-12-01T10:00:00"},  # no offset: no instant
        {"values": ["x"]},
        {"values": {"text": 3}},
        {"opened_with": None},
        {"what": None},
        {"key": ["prompt:Quick add"]},
        {"extra": 1},
    ],
)
def test_an_entry_of_the_drafts_file_that_is_no_draft_is_left_out_and_the_others_kept(tmp_path: Path, damage: dict[str, object]) -> None:
    store = DraftStore.for_member(tmp_path / "ws.db", "m1", tmp_path / "drafts")
    store.path.parent.mkdir(parents=True)
    bad = {**GOOD, "key": "notes:bad", **damage}
    store.path.write_text(json.dumps([bad, GOOD, "a line", 7]), encoding="utf-8")
    kept = store.all()
    assert [d.key for d in kept] == ["prompt:Quick add"]
    assert kept[0].kept_time()  # said as the offer says it
    store.path.write_text(json.dumps({"not": "a list"}), encoding="utf-8")
    assert store.all() == []


@pytest.mark.parametrize("damage", [{"zone": "Not/AZone"}, {"kept_at": "yesterday"}, {"values": ["x"]}])
async def test_a_damaged_drafts_file_does_not_end_the_app_when_the_dialog_opens(workspace: Path, damage: dict[str, object]) -> None:
    """Reviewer re's repro: each ended the app with a traceback as quick add opened."""
    app = make_app(workspace)
    store = drafts(app)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(json.dumps([{**GOOD, **damage}]), encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Call")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and app.screen.query_one("#prompt-input", Input).value == "Call"
    assert app.return_code in (None, 0)


async def test_notes_typed_when_the_app_closes_unasked_are_offered_next_time_restored_and_gone_once_saved(workspace: Path) -> None:
    app = make_app(workspace)
    app.session.restricted = True  # the app's own editor, as over SSH
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task = app.tasks_pane.table.cursor_key
        assert task is not None
        editor = await open_notes(app, pilot)
        editor.text_area.load_text("Half a brief, typed over SSH")
        app.exit()  # the connection dropped: no one chose to discard it
    draft = drafts(app).get(f"notes:{task}")
    assert draft is not None and draft.values == {"text": "Half a brief, typed over SSH"}
    assert draft.opened_with == {"text": notes_of(workspace, task)} and draft.zone == "Europe/Berlin"
    assert draft.what.startswith(f"the notes of {task[:8]} “")

    again = make_app(workspace)
    again.session.restricted = True
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_notes(again, pilot)
        offer = editor.query_one(DraftOffer)
        question = str(offer.query_one("#draft-question", Static).render())
        assert question == f"A draft of {draft.what} was kept at {draft.kept_time()}"
        assert not offer.query("#draft-changed")  # the notes are as they were
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert again.screen is editor and editor.query_one(TextArea).text == "Half a brief, typed over SSH"
        assert not editor.query(DraftOffer)
        assert drafts(again).get(f"notes:{task}") == draft  # kept until the notes are saved
        await pilot.press("ctrl+s")
        await until(pilot, lambda: again.screen is not editor, "the notes saved")
    assert notes_of(workspace, task) == "Half a brief, typed over SSH"
    assert drafts(again).all() == []


async def test_a_draft_of_notes_changed_since_says_so_and_d_drops_it(workspace: Path) -> None:
    app = make_app(workspace)
    app.session.restricted = True
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task = app.tasks_pane.table.cursor_key
        assert task is not None
        editor = await open_notes(app, pilot)
        editor.text_area.load_text("Mine")
        app.exit()
    assert main(["-w", str(workspace), "--as", "raj", "set", task, "notes=Raj's meanwhile"]) == 0
    again = make_app(workspace)
    again.session.restricted = True
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_notes(again, pilot)
        changed = str(editor.query_one("#draft-changed", Static).render())
        assert changed == "the notes changed since it was begun: restoring it replaces what is there now"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert again.screen is editor and editor.query_one(TextArea).text == "Raj's meanwhile"
        assert not editor.query(DraftOffer)
        assert drafts(again).all() == []


async def test_y_to_discard_and_quit_keeps_no_draft(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Call the printer")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("y")
        await until(pilot, lambda: app.return_code is not None, "the app quit")
    assert drafts(app).all() == []


async def test_a_new_ledger_entry_typed_when_the_app_hung_up_is_offered_in_the_next_form(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "n")  # the ledger, a new entry
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        form.query_one("#form-payee", Input).value = "@cafe_mila"
        form.query_one("#form-amount", Input).value = "120.50 EUR"
        os.kill(os.getpid(), signal.SIGHUP)  # the terminal closed
        await until(pilot, lambda: app.return_code is not None, "the app closed")
    draft = drafts(app).get("entry:new")
    assert draft is not None and draft.values["payee"] == "@cafe_mila" and draft.values["amount"] == "120.50 EUR"

    again = make_app(workspace)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "n")
        await settle(pilot)
        form = again.screen
        assert isinstance(form, EntryFormScreen) and form.query(DraftOffer)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert form.values()["payee"] == "@cafe_mila" and form.values()["amount"] == "120.50 EUR"


async def test_keys_typed_as_a_dialog_opens_over_a_draft_go_into_it_and_the_draft_stays_offered(workspace: Path) -> None:
    """Reviewer re's repro: the offer, a screen of its own answered by ``r`` and ``d``, took the first letters typed with
    the key that opened the dialog: "draft the brief" dropped the draft and the prompt got "raft the brief"."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Old idea")
        await settle(pilot)
        app.exit()
    kept = drafts(app).get("prompt:Quick add")
    assert kept is not None and kept.what == "your quick add"

    again = make_app(workspace)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", *"draft the brief")
        await settle(pilot)
        prompt = again.screen
        assert isinstance(prompt, PromptScreen) and prompt.query_one("#prompt-input", Input).value == "draft the brief"
        assert prompt.query(DraftOffer) and drafts(again).get("prompt:Quick add") == kept
        assert {"Restore draft", "Discard draft"} <= footer(prompt)
        await pilot.press("escape", "y")  # what was typed, discarded: the draft offered with it goes too
        await settle(pilot)
        assert drafts(again).get("prompt:Quick add") is None


async def _quick_add_typed_and_quit(workspace: Path) -> None:
    """An app quit with "Book the venue" typed in quick add: its draft kept for the next."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Book the venue")
        await settle(pilot)
        app.exit()


async def test_a_draft_offered_stays_when_its_dialog_closes_untouched_and_goes_once_it_is_saved(workspace: Path) -> None:
    await _quick_add_typed_and_quit(workspace)
    again = make_app(workspace)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: closed at once
        await settle(pilot)
        assert not isinstance(again.screen, PromptScreen) and drafts(again).get("prompt:Quick add") is not None
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        prompt = again.screen
        assert isinstance(prompt, PromptScreen) and prompt.query_one("#prompt-input", Input).value == "Book the venue"
        assert not prompt.query(DraftOffer) and "Restore draft" not in footer(prompt)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(again.screen, PromptScreen), "the task added")
        assert drafts(again).get("prompt:Quick add") is None


async def test_a_draft_restored_and_being_written_when_the_web_page_closes_is_not_offered_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A draft put back in quick add and sent (``enter``), the web page closed as it was written: the dialog was marked
    closing with the app, as one holding unsaved text is, so its draft stayed and was offered again, its task added."""
    from textual import messages

    await _quick_add_typed_and_quit(workspace)
    again = make_app(workspace)
    closing = threading.Event()

    def keep_then_write(app: App[Any]) -> None:
        keep_drafts(app)
        closing.set()  # the write under way goes on once the app has begun to close

    monkeypatch.setattr(app_module, "keep_drafts", keep_then_write)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        prompt = again.screen
        assert isinstance(prompt, PromptScreen) and prompt.submit is not None
        submit = prompt.submit

        def written_as_the_page_closes(text: str) -> None:
            assert closing.wait(60), "the app never closed"
            submit(text)

        prompt.submit = written_as_the_page_closes
        await pilot.press("enter")
        for _ in range(100):  # not settled: that waits for the write, which waits for the app to close
            if prompt.writing:
                break
            await pilot.pause()
        assert prompt.writing
        again.post_message(messages.ExitApp())  # what the web driver does when crewdeck web asks the app to quit
        await until(pilot, lambda: not again.is_running, "the app closed")
    assert drafts(again).get("prompt:Quick add") is None
    with Store(workspace) as store:
        assert "Book the venue" in [v["title"] for _, v in store.records("task")]


async def test_a_change_typed_in_a_tasks_detail_is_kept_for_that_task(workspace: Path) -> None:
    """The detail's "Set a field" names no task: its draft was offered in the next task's detail."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task, title = app.tasks_pane.table.cursor_key, app.tasks_pane.table.cursor_record.title
        assert task is not None
        await app.push_screen(DetailScreen(task, app.services))
        await settle(pilot)
        await pilot.press(":", *"priority=low")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.exit()
    draft = drafts(app).get(f"set:{task}")
    assert draft is not None and draft.values == {"text": "priority=low"}
    assert draft.what == f"your change to {short(task)} “{title}”"


def due_of(workspace: Path, task: str) -> object:
    with Store(workspace) as store:
        return next(v for k, v in store.records("task") if k == task).get("due")


async def test_a_due_date_typed_for_one_task_is_offered_for_it_alone_named_by_it(workspace: Path) -> None:
    """Reviewer re's repro: the prompt's draft was named by its question, which names no task: typed on one task, it
    was offered on the next task `D` asked of, and enter set that task's due date."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first, title = app.tasks_pane.table.cursor_key, app.tasks_pane.table.cursor_record.title
        assert first is not None
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("#prompt-input", Input).value = "2027-01-15 09:00"
        app.exit()  # hang-up
    draft = drafts(app).get(f"due:{first}")
    assert draft is not None and draft.what == f"your due date for {short(first)} “{title}”"

    again = make_app(workspace)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        other = again.tasks_pane.table.cursor_key
        assert other is not None and other != first
        before = due_of(workspace, other)
        await pilot.press("D")
        await settle(pilot)
        prompt = again.screen
        assert isinstance(prompt, PromptScreen) and prompt.query_one("#prompt-input", Input).value == ""
        assert not prompt.query(DraftOffer)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("k", "k", "k", "D")
        await settle(pilot)
        assert again.tasks_pane.table.cursor_key == first
        assert isinstance(again.screen, PromptScreen)
        assert str(again.screen.query_one("#draft-question", Static).render()).startswith(f"A draft of {draft.what} was kept at")
    assert due_of(workspace, other) == before


def test_a_real_app_whose_terminal_goes_keeps_what_its_prompt_held(workspace: Path, tmp_path: Path) -> None:
    """A real process in tmux: the session killed (tmux sends the app SIGHUP, as sshd does when the connection drops).

    The app holds the write end of a FIFO (its fd 3) until its process ends: the read end's end of file says it has
    ended, and the drafts it wrote as it closed are read once then."""
    state = tmp_path / "state"
    config = tmp_path / "config.toml"
    config.touch()
    ended = tmp_path / "ended"
    os.mkfifo(ended)
    # Opened before the app opens the other end (a blocking open would wait for it), then read blocking.
    reader = os.open(ended, os.O_RDONLY | os.O_NONBLOCK)
    os.set_blocking(reader, True)
    command = shlex.join(
        [
            *("env", f"XDG_STATE_HOME={state}", f"CREWDECK_CONFIG={config}", f"CREWDECK_NOW={NOW_TEXT}"),
            *(sys.executable, "-m", "crewdeck.tui.cli.main", "-w", str(workspace), "--as", "ana"),
        ]
    )
    holding = f"cd {shlex.quote(str(ROOT))} && exec {command} 3>{shlex.quote(str(ended))}"
    tmux = Tmux(f"sh -c {shlex.quote(holding)}", 120, 40)
    try:
        tmux.wait_for(lambda screen: "Tasks" in screen, "the app")
        tmux.keys("a")
        tmux.wait_for(lambda screen: "Quick add" in screen, "the prompt")
        tmux.keys("-l", "Book the venue")
        tmux.wait_for(lambda screen: "Book the venue" in screen, "the text typed")
    finally:
        tmux.kill()
    try:
        readable, _, _ = select.select([reader], [], [], 60)
        assert readable and os.read(reader, 1) == b"", "the app's process did not end"
    finally:
        os.close(reader)
    with Store(workspace) as store:
        ana = next(k for k, v in store.records("member") if v["handle"] == "ana")
    draft = DraftStore.for_member(workspace, ana, state / "crewdeck" / "drafts").get("prompt:Quick add")
    assert draft is not None and draft.values == {"text": "Book the venue"}


def offer_shown(app: CrewdeckApp) -> str:
    """The draft offer's lines as the terminal shows them, joined into one run of words."""
    offer = app.screen.query_one(DraftOffer)
    region = offer.content_region
    lines = ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]
    return " ".join(line[region.x : region.right].strip() for line in lines[region.y : region.bottom])


async def test_a_draft_offered_at_80_columns_is_said_whole_in_a_dialog_narrower_than_its_line(workspace: Path) -> None:
    """At 80x24 the offer in the 64-cell "Set a field" box was cut at the box's edge: “… for App Install Push” from
    00:04 PST was kept …” and “typing goes i…” never reached the screen."""
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        task = app.tasks_pane.table.cursor_key
        assert task is not None
        await app.push_screen(DetailScreen(task, app.services))
        await settle(pilot)
        await pilot.press(":", *"priority=low")
        await settle(pilot)
        app.exit()
    draft = drafts(app).get(f"set:{task}")
    assert draft is not None

    again = make_app(workspace)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await again.push_screen(DetailScreen(task, again.services))
        await settle(pilot)
        await pilot.press(":")
        await settle(pilot)
        assert isinstance(again.screen, PromptScreen)
        shown = " ".join(offer_shown(again).split())
        assert f"{draft.what} was kept at {draft.kept_time()}" in shown
        assert "ctrl+r restores it · ctrl+n discards it · typing goes into the dialog" in shown


async def test_a_note_typed_by_a_guest_when_their_web_page_closed_is_offered_in_the_next_dialog(tmp_path: Path) -> None:
    """A client typing what to change closed the tab (or lost the connection): crewdeck web asks the app to quit, and
    Textual's web driver posts ``ExitApp`` for it, without ``App.exit``.  The draft was kept, then dropped as the dialog
    closed under the app's end, which read as the dialog answered (no return code yet): the note was lost."""
    from textual import messages

    from .websupport import make_posts_team

    team = make_posts_team(tmp_path)
    app = make_app(team, "acme", authenticated=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        await until(pilot, lambda: len(screen.mine) == 3, "the posts that need acme")
        await pilot.press("c")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one(Input).value = "Drop the second hashtag"
        app.post_message(messages.ExitApp())  # what the web driver does when crewdeck web asks the app to quit
        await until(pilot, lambda: not app.is_running, "the app closed")
    kept = drafts(app).all()
    assert [draft.values for draft in kept] == [{"text": "Drop the second hashtag"}], kept
