"""A task's notes edited inside the app: for SSH sessions, where no key may start another program."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from crewdeck.tui.app.lines import plain
from crewdeck.widgets.key_footer import KeyFooter


class NotesEditorScreen(ModalScreen[str | None]):
    """The notes in a text area; ``ctrl+s`` saves, ``escape`` cancels.

    | key | action |
    |---|---|
    | `ctrl+s` | save the notes |
    | `escape` | cancel |
    """

    # Kept out of the footer: the dialog says its keys in its own line.  Escape before the text area has it, which
    # would take it to move the focus out of itself (it keeps tab to indent), leaving the dialog open.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", show=False, id="notes.save"),
        Binding("escape", "cancel", "Cancel", show=False, priority=True, id="notes.cancel"),
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
    NotesEditorScreen .notes--title { text-style: bold; }
    NotesEditorScreen .notes--help { color: $foreground-muted; }
    NotesEditorScreen TextArea { height: 1fr; }
    """

    def __init__(self, title: str, notes: str) -> None:
        super().__init__()
        self.title_text = title
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.title_text), classes="notes--title")
            yield Label("ctrl+s saves · esc cancels", classes="notes--help")
            yield TextArea(self.notes, id="notes-text", soft_wrap=True, tab_behavior="indent")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#notes-text", TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one("#notes-text", TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
