"""A task's notes edited inside the app: for SSH sessions, where no key may start another program, and for notes an
editor wrote that the task could not take (kept here, with why, to fix and save again)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static

from crewdeck.tui.app.drafts import DRAFT_BINDINGS, DraftFor
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.screens.prompt import Submit
from crewdeck.tui.app.screens.text_editor import TextEditorScreen
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.multi_line_input import MultiLineInput


class NotesEditorScreen(TextEditorScreen):
    """The notes in a text area; ``ctrl+s`` saves, ``escape`` cancels (asking first when they hold unsaved text).

    With ``submit``, ``ctrl+s`` writes the notes first: the dialog closes once
    they are written, and stays open with the text and the reason under it
    when they are refused (what was typed is never dropped by a refusal).
    ``refused``: the reason to show from the start (notes an editor wrote).

    | key | action |
    |---|---|
    | `ctrl+s` | save the notes |
    | `escape` | cancel; unsaved notes are discarded only when ``y`` answers the question |
    | `ctrl+r` | put the draft kept when the app stopped in it (while one is offered) |
    | `ctrl+n` | discard that draft |
    """

    # Kept out of the footer: the dialog says its keys in its own line.  Escape before the text area has it, which
    # would take it to move the focus out of itself (it keeps tab to indent), leaving the dialog open.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", show=False, id="notes.save"),
        Binding("escape", "cancel", "Cancel", show=False, priority=True, id="notes.cancel"),
        *DRAFT_BINDINGS,
    ]

    DEFAULT_CSS = """
    NotesEditorScreen { align: center middle; }
    NotesEditorScreen > Vertical {
        width: 90%;
        max-width: 120;
        height: 80%;
        padding: 0 1;
        background: $panel;
        border: round $accent;
    }
    /* A task's title may run past the box: cut with an ellipsis, the help line kept under it. */
    NotesEditorScreen .notes--title { text-style: bold; width: 100%; text-wrap: nowrap; text-overflow: ellipsis; }
    NotesEditorScreen .notes--help { color: $foreground-muted; }
    NotesEditorScreen TextArea { height: 1fr; }
    NotesEditorScreen .notes--refused { color: $error; height: auto; display: none; }
    NotesEditorScreen .notes--refused.-shown { display: block; }
    """

    PART = "notes"

    def __init__(self, title: str, notes: str, submit: Submit | None = None, refused: str = "", draft_for: DraftFor | None = None) -> None:
        super().__init__(submit, draft_for)
        self.title_text = title
        self.notes = notes
        self.refused = refused

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.title_text), classes="notes--title")
            save, cancel = said_key(self.app, self.BINDINGS, "notes.save"), said_key(self.app, self.BINDINGS, "notes.cancel")
            yield Label(f"{save} saves · {cancel} cancels", classes="notes--help")
            yield MultiLineInput(self.notes, id="notes-text", soft_wrap=True, tab_behavior="indent")
            yield Static("", classes="notes--refused", id="notes-refused")
        yield KeyFooter()

    def on_mount(self) -> None:
        text = self.text_area
        text.focus()
        text.move_cursor(text.document.end)  # a line added under them, as the copy's editor opens: not typed before them
        if self.refused:
            self._refused(self.refused)

    def action_save(self) -> None:
        text = self.text_area.text
        if self.submit is None:
            self.dismiss(text)
        else:
            self._write(text)

    unsaved_name = "the unsaved notes"
    draft_record_text = "the notes"
    written_name = "your edit of the notes"

    @property
    def unsaved(self) -> bool:
        # Notes opened refused (an editor's) were never saved, changed or not.
        return self.text_area.text != self.notes or bool(self.refused)

    def draft_opened_with(self) -> dict[str, str]:
        return {"text": self.notes}
