"""The key footer while a dialog is open: the dialog's own keys, which act there, never the keys of the screen under it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, TextArea

from crewdeck.sync.state.store import connect
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.crisis import HeldPostsScreen
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.discard import DiscardScreen, HoldsText
from crewdeck.tui.app.screens.entry_form import EntryFormScreen
from crewdeck.tui.app.screens.help import HelpScreen
from crewdeck.tui.app.screens.notes_editor import NotesEditorScreen
from crewdeck.tui.app.screens.picker import PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.screens.task_picker import TaskPickerScreen
from crewdeck.tui.app.screens.written import being_written
from crewdeck.tui.app.write_wait import TITLE
from crewdeck.widgets.key_footer import footer_keys

from .apphelp import demo_workspace, help_text, keymapped_app, make_app, settle, until

SIZE = (80, 24)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def bottom_line(app: CrewdeckApp) -> str:
    """The last line the terminal shows."""
    return "".join(segment.text for segment in app.screen._compositor.render_strips()[-1])


@pytest.mark.parametrize(
    ("keys", "dialog", "footer"),
    [
        (("a",), PromptScreen, "esc Cancel"),  # quick add
        (("exclamation_mark",), PromptScreen, "esc Cancel"),  # a crisis's reason
        (("v", "a", "A"), PickerScreen, "esc Cancel"),  # assign
        (("v", "a", "m"), TaskPickerScreen, "esc Cancel"),  # duplicate of
        (("question_mark",), HelpScreen, "esc Close"),
        (("3", "n"), EntryFormScreen, ""),  # its help line says enter, tab and escape
    ],
)
async def test_an_open_dialog_footer_shows_its_own_keys_and_the_key_shown_closes_it(
    workspace: Path, keys: tuple[str, ...], dialog: type[ModalScreen[object]], footer: str
) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Filter" in bottom_line(app)
        await pilot.press(*keys)
        await settle(pilot)
        assert isinstance(app.screen, dialog)
        # The palette's key on the right, as under the panes: it opens the palette over the dialog too (it said nothing).
        assert " ".join(bottom_line(app).split()) == f"{footer} ▏ ^p palette".lstrip()
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, dialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main_screen
        assert "Filter" in bottom_line(app)


@pytest.mark.parametrize("dialog", ["held posts", "notes"])
async def test_a_dialog_that_says_its_keys_itself_shows_only_the_palettes_in_the_footer(workspace: Path, dialog: str) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(HeldPostsScreen(app.services, []) if dialog == "held posts" else NotesEditorScreen("Notes of t1", "a note"))
        await settle(pilot)
        assert " ".join(bottom_line(app).split()) == "▏ ^p palette"


async def test_escape_in_the_notes_editor_cancels_as_its_line_says(workspace: Path) -> None:
    # Its text area took the first escape to move the focus out of it: "esc cancels" took two.
    app = make_app(workspace)
    answers: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NotesEditorScreen("Notes of t1", "a note"), answers.append)
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: nothing to lose, closed at once
        await settle(pilot)
        assert app.screen is app.main_screen
    assert answers == [None]


async def test_escape_in_an_editor_with_unsaved_text_asks_and_only_y_discards_it(workspace: Path) -> None:
    # A vim user over SSH pressed escape by reflex: the paragraph typed was dropped, unasked.
    app = make_app(workspace)
    answers: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NotesEditorScreen("Notes of t1", "a note"), answers.append)
        await settle(pilot)
        await pilot.press(*" more", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DiscardScreen)
        assert "y Discard" in bottom_line(app) and "n Keep editing" in bottom_line(app)
        await pilot.press("escape", *":wq")  # escape again by reflex, and what a vim hand types next: the text stays
        await settle(pilot)
        assert isinstance(app.screen, NotesEditorScreen)
        assert app.screen.query_one("#notes-text", TextArea).text == "a note more:wq"
        await pilot.press("escape", "n")
        await settle(pilot)
        assert isinstance(app.screen, NotesEditorScreen) and answers == []
        await pilot.press("escape", "y")
        await settle(pilot)
        assert app.screen is app.main_screen
    assert answers == [None]


async def test_notes_opened_refused_are_unsaved_so_escape_asks_though_nothing_was_typed(workspace: Path) -> None:
    # What an external editor wrote and the task refused is shown here, not saved: escape dropped it without a word.
    app = make_app(workspace)
    answers: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NotesEditorScreen("Notes of t1", "a long note", refused="not saved: too long"), answers.append)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is app.main_screen
    assert answers == [None]


async def test_escape_in_a_prompt_with_typed_text_asks_before_dropping_it(workspace: Path) -> None:
    app = make_app(workspace)
    answers: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PromptScreen("Rename", value="Launch plan", editing=True), answers.append)
        await settle(pilot)
        await pilot.press("backspace", "backspace", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and app.screen.query_one("#prompt-input", Input).value == "Launch pl"
        await pilot.press(*"an", "escape")  # typed back to what it was: nothing to lose
        await settle(pilot)
        assert app.screen is app.main_screen
    assert answers == [None]


async def test_the_command_palette_footer_shows_its_own_keys_not_the_panes_under_it(workspace: Path) -> None:
    # Over the palette the footer read "⏎ Open  / Filter  v Views  a Add …": keys that typed into its search box.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        shown = " ".join(bottom_line(app).split())
        assert "esc" in shown and "Filter" not in shown and "Add" not in shown, shown
        assert "palette" not in shown.replace("command palette", "")  # its own key opens nothing over it
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main_screen and "Filter" in bottom_line(app)
        await pilot.press("ctrl+p", *"theme", "enter")  # its list of themes is a palette too
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette) and "Filter" not in bottom_line(app), bottom_line(app)


async def test_escape_in_a_new_ledger_entry_typed_in_asks_before_dropping_it(workspace: Path) -> None:
    # Five fields typed (a payee, an amount, a memo), and escape by reflex dropped them all.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "n")
        await settle(pilot)
        assert isinstance(app.screen, EntryFormScreen)
        await pilot.press("escape")  # nothing typed: closed at once
        await settle(pilot)
        assert app.screen is app.main_screen
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        await pilot.press(*"120", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and "120" in form.values().values()  # in the field that had focus
        await pilot.press("escape", "y")
        await settle(pilot)
        assert app.screen is app.main_screen


async def test_the_notes_editor_opens_with_the_cursor_after_the_notes_as_the_copys_does(workspace: Path) -> None:
    # It opened at their start: a line added to the notes went in before them ("Call backa note").
    app = make_app(workspace)
    answers: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NotesEditorScreen("Notes of t1", "a note\nsecond line"), answers.append)
        await settle(pilot)
        await pilot.press("enter", *"Call back", "ctrl+s")
        await settle(pilot)
        assert app.screen is app.main_screen
    assert answers == ["a note\nsecond line\nCall back"]


async def test_quitting_over_a_dialog_with_unsaved_text_asks_first(workspace: Path) -> None:
    # ctrl+q over the notes being written closed the app, the text with it, unasked.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NotesEditorScreen("Notes of t1", "a note"))
        await settle(pilot)
        await pilot.press(*" more", "ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, DiscardScreen)
        assert "Discard the unsaved notes and quit?" in str(app.screen.query_one(".discard--question", Label).render())
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NotesEditorScreen) and app.return_code is None  # not quitting
        await pilot.press("ctrl+q", "y")
        await settle(pilot)
        assert app.return_code == 0  # quitting


async def test_quitting_over_a_dialog_left_as_it_opened_quits_at_once(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NotesEditorScreen("Notes of t1", "a note"))
        await settle(pilot)
        assert app.return_code is None
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.return_code == 0  # quitting, unasked


async def test_escape_or_quitting_while_the_notes_are_being_written_waits_for_them(workspace: Path) -> None:
    # ctrl+s, then escape by reflex: the question opened over the editor, and the write, once done, closed the question
    # instead of the editor (a dialog's close takes the screen on top), leaving the saved notes open as if unsaved.
    app = make_app(workspace)
    answers: list[str | None] = []
    written = threading.Event()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NotesEditorScreen("Notes of t1", "a note", submit=lambda text: written.wait(20)), answers.append)
        await settle(pilot)
        await pilot.press(*" more", "ctrl+s", "escape", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, NotesEditorScreen) and app.screen.writing
        assert app.return_code is None  # not quitting halfway through the write either
        written.set()
        await settle(pilot)
        assert app.screen is app.main_screen
    assert answers == ["a note more"]


@pytest.mark.parametrize(
    ("keymap", "dialog", "new", "old"),
    [
        # The question before unsaved notes are dropped: `d` discards, `y` no longer does.
        ({"discard.yes": "d"}, DiscardScreen, "d", "y"),
        # `?`'s list closes on z (the app's zoom, which does nothing over a dialog), no longer on escape.
        ({"help.close": "z"}, HelpScreen, "z", "escape"),
        # A prompt (quick add) cancels on f2, no longer on escape.
        ({"prompt.cancel": "f2"}, PromptScreen, "f2", "escape"),
        ({"notes.cancel": "ctrl+g"}, NotesEditorScreen, "ctrl+g", "escape"),
    ],
)
async def test_a_dialogs_key_rebound_in_the_keymap_acts_there_and_the_old_one_no_longer(
    workspace: Path, keymap: dict[str, str], dialog: type[ModalScreen[object]], new: str, old: str
) -> None:
    # The config refused these ids ("no key binding has this id") though `?` says any key can be rebound by its id.
    app = keymapped_app(workspace, keymap)
    async with app.run_test(size=SIZE) as pilot:

        async def open_dialog() -> None:
            if dialog is HelpScreen:
                await pilot.press("question_mark")
            elif dialog is PromptScreen:
                await pilot.press("a")
            else:  # notes an editor wrote and the task refused are unsaved: escape asks first
                refused = "not saved: too long" if dialog is DiscardScreen else ""
                app.push_screen(NotesEditorScreen("Notes of t1", "a note", refused=refused))
                if refused:
                    await settle(pilot)
                    await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, dialog)

        await settle(pilot)
        await open_dialog()
        await pilot.press(new)
        await settle(pilot)
        assert app.screen is app.main_screen
        await open_dialog()
        await pilot.press(old)
        await settle(pilot)
        assert isinstance(app.screen, dialog)


@pytest.mark.parametrize(
    ("keymap", "open_keys", "line", "said"),
    [
        ({"notes.save": "f3", "notes.cancel": "ctrl+g"}, (), ".notes--help", "f3 saves · ctrl+g cancels"),
        ({"discard.yes": "d", "discard.no": "k,escape"}, ("escape",), ".discard--help", "d discards it · k or esc goes back to it"),
        ({"entry_form.cancel": "f4"}, ("3", "n"), ".form--help", "enter saves · tab next field · f4 cancels"),
        ({"prompt.cancel": "f2"}, ("exclamation_mark",), ".prompt--help", "enter asks what it stops, f2 cancels"),
    ],
)
async def test_a_dialogs_own_line_names_its_keys_as_the_keymap_has_them(
    workspace: Path, keymap: dict[str, str], open_keys: tuple[str, ...], line: str, said: str
) -> None:
    # The lines said "ctrl+s saves · esc cancels", "y discards it", whatever keys the keymap gave: keys that did nothing.
    app = keymapped_app(workspace, keymap)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        if line in (".notes--help", ".discard--help"):
            app.push_screen(NotesEditorScreen("Notes of t1", "a note", refused="not saved: too long"))
            await settle(pilot)
        await pilot.press(*open_keys)
        await settle(pilot)
        assert said in str(app.screen.query_one(line, Label).render())


async def test_the_palettes_keys_can_be_rebound_as_every_other(workspace: Path) -> None:
    # Textual's palette keys had no id: escape closed it whatever key the keymap gave every other dialog's cancel.
    app = keymapped_app(workspace, {"palette.close": "f4", "palette.next": "ctrl+n"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "f4 Exit the command palette palette.close" in await help_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        assert "f4 Exit the command palette" in " ".join(bottom_line(app).split())
        await pilot.press("f4")
        await settle(pilot)
        assert app.screen is app.main_screen
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)


def notices_but_the_wait(app: CrewdeckApp) -> list[str]:
    """The notices but the one saying the answer waits for the file, which comes and goes with the wait (``write_wait``)."""
    return [str(n.message) for n in app._notifications if n.title != TITLE]


async def _escape_said_while_written(app: CrewdeckApp, pilot: Pilot[None], dialog: type[Screen[Any]], name: str) -> None:
    """The footer of ``dialog``, whose answer (``name``) is being written, offers no Cancel, and escape says why in a line
    (a bell alone said nothing in tmux), the dialog staying until its answer is written."""
    assert "Cancel" not in [k.description for k in footer_keys(app.screen)[0]]
    await pilot.press("escape")
    for _ in range(20):  # the write waits on the teammate's: not settled until it is let go
        if notices_but_the_wait(app):
            break
        await pilot.pause()
    assert isinstance(app.screen, dialog), "the dialog stays until its answer is written"
    assert notices_but_the_wait(app) == [f"escape: Cancel — {being_written(name)}"]


@pytest.mark.parametrize(("key", "picker", "answer"), [("A", PickerScreen, "0"), ("m", TaskPickerScreen, "click")])
async def test_escape_while_a_pickers_choice_is_written_waits_for_it_and_leaves_the_screen_under(
    workspace: Path, key: str, picker: type[ModalScreen[object]], answer: str
) -> None:
    # A choice made, then escape while a teammate's write held the file: the picker closed at once, and its write, once
    # done, closed the screen on top then, the task's detail the picker had opened over (the list came back, unasked).
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, picker)
        teammate = connect(workspace)
        try:
            teammate.execute("BEGIN IMMEDIATE")  # a teammate's write, under way: the choice's write waits for it
            if answer == "click":  # enter typed in the search box holds the keys after it until it is done (keys_ahead)
                await pilot.click("#task-picker-options", offset=(4, 0))
            else:
                await pilot.press(answer)
            assert isinstance(app.screen, PickerScreen | TaskPickerScreen) and app.screen.submitting
            await _escape_said_while_written(app, pilot, picker, "your choice")
            # ctrl+q quit, the choice lost unsaid: it waits, saying why, as over a prompt's answer.
            await pilot.press("ctrl+q")
            quitting = [f"not quitting: {being_written('your choice')}"]  # in the line escape's was, which it replaces
            for _ in range(20):
                if notices_but_the_wait(app) == quitting:
                    break
                await pilot.pause()
            assert notices_but_the_wait(app) == quitting
            assert app.return_code is None and isinstance(app.screen, picker)
            teammate.execute("COMMIT")
        finally:
            teammate.close()
        await until(pilot, lambda: not isinstance(app.screen, picker), "the choice written")
        assert app.screen is detail and app.focused is not None and app.focused.screen is detail


async def test_keys_typed_into_a_prompt_while_its_answer_is_written_are_said_and_never_reach_the_screen_under(workspace: Path) -> None:
    # d typed while the task's priority waited on a teammate's write (the box up, visibly waiting) was held for the
    # prompt's close, then marked the task under it done.  Keys typed ahead with enter, before the write began, still
    # go where the focus goes (keys_ahead's tests).
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task_id = app.tasks_pane.table.cursor_record.id
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await pilot.press("colon", *"priority=low")
        await settle(pilot)
        teammate = connect(workspace)
        try:
            teammate.execute("BEGIN IMMEDIATE")  # a teammate's write, under way: the answer's write waits for it
            await pilot.press("enter")
            for _ in range(20):  # the write waits on the teammate's: not settled until it is let go
                if isinstance(app.screen, PromptScreen) and app.screen.writing:
                    break
                await pilot.pause()
            assert isinstance(app.screen, PromptScreen) and app.screen.writing
            await pilot.press("d")
            said = [f"d: not taken — {being_written('your answer')}"]
            for _ in range(20):
                if notices_but_the_wait(app) == said:
                    break
                await pilot.pause()
            assert notices_but_the_wait(app) == said
            teammate.execute("COMMIT")
        finally:
            teammate.close()
        await until(pilot, lambda: not isinstance(app.screen, PromptScreen), "the answer written")
        await settle(pilot)
        assert app.screen is detail
    with connect(workspace) as conn:
        priority, status = conn.execute("SELECT priority, status FROM task WHERE id = ?", (task_id,)).fetchone()
    assert priority == "low" and status != "done"


@pytest.mark.parametrize("dialog", [PromptScreen, NotesEditorScreen, EntryFormScreen])
async def test_escape_while_a_dialogs_answer_is_written_says_why_and_it_closes_once_written(
    workspace: Path, dialog: type[ModalScreen[object]]
) -> None:
    # A prompt's answer, the notes or a new ledger entry saved while a teammate's write held the file: escape rang a
    # bell (unseen in tmux), or in a prompt was held and closed the detail under once written; the footer offered a
    # Cancel that did nothing, and the notes could be typed into, lost when the editor closed.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task_id = app.tasks_pane.table.cursor_record.id
        if dialog is PromptScreen:
            await pilot.press("enter")
            await settle(pilot)
            under = app.screen
            await pilot.press("colon", *"title=Call the printer")
            name, field, value = "your answer", "title", "Call the printer"
        elif dialog is NotesEditorScreen:
            under = app.screen
            app.tasks_pane.triage._edit_in_app(task_id, "the task", "", "")
            await settle(pilot)
            await pilot.press(*"call the printer")
            name, field, value = "your edit of the notes", "notes", "call the printer"
        else:
            await pilot.press("3")
            await settle(pilot)
            under = app.screen
            await pilot.press("n")
            await settle(pilot)
            await pilot.press(*"spring-launch", "tab", *"content-tools", "tab", *"Canva at the printer", "tab", *"12.50 EUR")
            name, field, value = "the new entry", "payee", "Canva at the printer"
        await settle(pilot)
        assert isinstance(app.screen, dialog)
        teammate = connect(workspace)
        try:
            teammate.execute("BEGIN IMMEDIATE")  # a teammate's write, under way: the answer's write waits for it
            await pilot.press("ctrl+s" if dialog is NotesEditorScreen else "enter")
            for _ in range(20):  # the write waits on the teammate's: not settled until it is let go
                if isinstance(app.screen, HoldsText) and app.screen.writing:
                    break
                await pilot.pause()
            assert isinstance(app.screen, dialog) and app.screen.writing
            await _escape_said_while_written(app, pilot, dialog, name)
            if isinstance(app.screen, NotesEditorScreen):
                # What is typed meanwhile would be lost with the editor: the read-only text takes none, and says so (it
                # said nothing); quitting waits, saying why.
                await pilot.press(*"xyz")
                typed = [f"z: not taken — {being_written(name)}"]
                for _ in range(20):
                    if notices_but_the_wait(app) == typed:
                        break
                    await pilot.pause()
                assert notices_but_the_wait(app) == typed
                await pilot.press("ctrl+q")
                quitting = [f"not quitting: {being_written(name)}"]  # in the line escape's was, which it replaces
                for _ in range(20):
                    if notices_but_the_wait(app) == quitting:
                        break
                    await pilot.pause()
                assert notices_but_the_wait(app) == quitting
                assert app.screen.text_area.text == value and app.return_code is None
            if isinstance(app.screen, EntryFormScreen):
                # Typed into the form meanwhile, an amount and a memo showed in it but were not written: its fields
                # take no edit while it is written, as the notes' text.
                shown = app.screen.values()
                await pilot.press("7", "tab", *"memo", "space")
                await pilot.pause()
                assert app.screen.values() == shown and not app.screen.needs_approval
            teammate.execute("COMMIT")
        finally:
            teammate.close()
        await until(pilot, lambda: not isinstance(app.screen, dialog), "the answer written")
        assert app.screen is under
        with connect(workspace) as conn:
            if dialog is EntryFormScreen:
                assert conn.execute("SELECT count(*) FROM ledger_entry WHERE payee = ?", (value,)).fetchone() == (1,)
            else:
                assert conn.execute(f"SELECT {field} FROM task WHERE id = ?", (task_id,)).fetchone() == (value,)
