"""Ask for one line of text, with a live preview of what it will mean."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.workers import background
from crewdeck.tui.workspace.errors import UserError

#: Turns the text typed so far into a preview line (runs in a worker thread).
Preview = Callable[[str], str]


class PromptScreen(ModalScreen[str | None]):
    """One input; ``enter`` answers, ``escape`` cancels.

    | key | action |
    |---|---|
    | `enter` | accept |
    | `escape` | cancel |
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 80%;
        max-width: 100;
        height: auto;
        padding: 1 2;
        background: $panel;
        border: round $accent;
    }
    PromptScreen .prompt--title { text-style: bold; }
    PromptScreen .prompt--help { color: $foreground-muted; }
    PromptScreen .prompt--preview { color: $foreground-muted; height: auto; margin-top: 1; }
    PromptScreen .prompt--preview.-problem { color: $error; }
    """

    def __init__(self, title: str, help_text: str = "", value: str = "", preview: Preview | None = None, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.help_text = help_text
        self.value = value
        self.preview = preview
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            # Titles quote records (a payee, a title): plain text, shown.
            yield Label(plain(self.title_text), classes="prompt--title")
            if self.help_text:
                yield Label(plain(self.help_text), classes="prompt--help")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", classes="prompt--preview", id="prompt-preview")

    def on_mount(self) -> None:
        if self.value and self.preview:
            self._update_preview(self.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.preview:
            self._update_preview(event.value)

    @background(exclusive=True, group="prompt-preview")
    def _update_preview(self, text: str) -> None:
        assert self.preview is not None
        try:
            line, problem = self.preview(text), False
        except (UserError, ValueError) as exc:  # a problem with what was typed
            line, problem = str(exc), True
        self.app.call_from_thread(self._show_preview, text, line, problem)

    def _show_preview(self, text: str, line: str, problem: bool) -> None:
        # Thread workers cannot be cancelled: an older preview may land last.
        if text != self.query_one("#prompt-input", Input).value:
            return
        preview = self.query_one("#prompt-preview", Static)
        preview.update(plain(line))  # what was typed, shown as typed
        preview.set_class(problem, "-problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
