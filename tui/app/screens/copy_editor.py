"""A post's copy written in the app: a caption runs over several lines, which a one-line box could not hold."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static, TextArea

from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.prompt import Submit
from crewdeck.tui.app.screens.text_editor import TextEditorScreen
from crewdeck.widgets.key_footer import KeyFooter


class CopyEditorScreen(TextEditorScreen):
    """The copy in a text area, opening with what the post holds, the cursor at its end; ``enter`` starts a new line,
    ``ctrl+s`` saves, ``escape`` cancels (asking first when the copy was changed).  A refused copy (over the platform's
    limits) stays, with why under it.

    | key | action |
    |---|---|
    | `ctrl+s` | save the copy |
    | `escape` | cancel; a changed copy is discarded only when ``y`` answers the question |
    """

    # Escape before the text area has it, which would take it to move the focus out of itself, leaving the dialog open.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="copy.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="copy.cancel"),
    ]

    DEFAULT_CSS = """
    CopyEditorScreen { align: center middle; }
    CopyEditorScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: 80%;
        padding: 0 1;
        background: $panel;
        border: round $accent;
    }
    CopyEditorScreen .copy--title { text-style: bold; width: 100%; }
    CopyEditorScreen .copy--help { color: $foreground-muted; width: 100%; }
    CopyEditorScreen TextArea { height: 1fr; }
    CopyEditorScreen .copy--refused { color: $error; height: auto; display: none; }
    CopyEditorScreen .copy--refused.-shown { display: block; }
    """

    PART = "copy"

    def __init__(self, title: str, help_text: str, copy: str, submit: Submit) -> None:
        super().__init__(submit)
        self.title_text = title
        self.help_text = help_text
        self.copy = copy

    def compose(self) -> ComposeResult:
        with Vertical():
            # The title quotes the post's: plain text, shown.
            yield Label(plain(self.title_text), classes="copy--title")
            yield Label(plain(self.help_text), classes="copy--help")
            yield TextArea(self.copy, id="copy-text", soft_wrap=True, tab_behavior="focus")
            yield Static("", classes="copy--refused", id="copy-refused")
        yield KeyFooter()

    def on_mount(self) -> None:
        text = self.text_area
        text.focus()
        text.move_cursor(text.document.end)  # a word added, not the whole copy typed again

    def action_save(self) -> None:
        if self.submitting is None:
            self.submitting = self.text_area.text
            self._submit(self.submitting)

    unsaved_name = "the changes to the copy"

    @property
    def unsaved(self) -> bool:
        return self.text_area.text != self.copy
