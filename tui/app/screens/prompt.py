"""Ask for one line of text, with a live preview of what it will mean."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from crewdeck.tui.app.drafts import DRAFT_BINDINGS, DraftFor
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.discard import HoldsText
from crewdeck.tui.app.screens.typed_ahead import TypedAheadScreen
from crewdeck.tui.app.workers import background, submit_or_refuse
from crewdeck.tui.workspace.errors import UserError
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.one_line_input import OneLineInput

#: Turns the text typed so far into a preview line (runs in a worker thread).
Preview = Callable[[str], str]
#: Acts on the answer (runs in a worker thread); raising a refusal keeps the dialog open, saying why.
Submit = Callable[[str], object]


class PromptScreen(HoldsText, TypedAheadScreen[str | None]):
    """One input; ``enter`` answers, ``escape`` cancels (asking first when what was typed would be lost).

    With ``submit``, ``enter`` acts on the answer first: the dialog closes
    once that is done, and stays open with the text and the reason under it
    when it is refused.

    | key | action |
    |---|---|
    | `enter` | accept |
    | `escape` | cancel; changed text is discarded only when ``y`` answers the question |
    | `ctrl+r` | put the draft kept when the app stopped in it (while one is offered) |
    | `ctrl+n` | discard that draft |

    What is typed in one burst with the key that opens it goes into it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="prompt.cancel"), *DRAFT_BINDINGS]
    FIELD = "#prompt-input"

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
    /* A question longer than the dialog wraps (a Label is as wide as its text, and was cut at 80 columns). */
    PromptScreen .prompt--title { text-style: bold; width: 100%; }
    PromptScreen .prompt--help { color: $foreground-muted; width: 100%; }
    PromptScreen .prompt--preview { color: $foreground-muted; height: auto; margin-top: 1; }
    PromptScreen .prompt--preview.-problem { color: $error; }
    PromptScreen .prompt--refused { color: $error; height: auto; display: none; }
    PromptScreen .prompt--refused.-shown { display: block; }
    """

    def __init__(
        self,
        title: str,
        help_text: str = "",
        value: str = "",
        preview: Preview | None = None,
        placeholder: str = "",
        submit: Submit | None = None,
        *,
        editing: bool = False,
        joiner: str = " ",
        saved: str | None = None,
        draft_for: DraftFor | None = None,
    ) -> None:
        """``editing``: ``value`` is text to change (a post's copy), not a suggestion to take or type over: it opens
        with the cursor at its end and nothing selected, so that the first key typed adds to it.  ``joiner``: what a
        paste of several lines is joined by (", " where the answer is a list separated by commas).  ``saved``: the
        text that escape drops without asking, ``value`` unless said (a change typed before a question and given back
        after its escape is the person's, not saved: "" then).  ``draft_for``: what the answer is for, naming the
        records it acts on ("due:TASK"), kept if the app closes under it; ``None``: nothing is kept."""
        super().__init__()
        self.saved = value if saved is None else saved
        # Named by the records it acts on, not by its question: "Due — in your zone" asked of another task took
        # the due date typed for the first.
        self.draft_for = draft_for
        self.editing = editing
        self.joiner = joiner
        self.title_text = title
        self.help_text = help_text
        self.value = value
        self.preview = preview
        self.placeholder = placeholder
        self.submit = submit
        #: The answer being acted on (``enter`` again waits for it).
        self.submitting: str | None = None
        #: What the preview and the refusal say of a problem with the text, while they say it (``None``: nothing).
        self._problem: str | None = None
        self._refusal: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            # Titles quote records (a payee, a title): plain text, shown.
            yield Label(plain(self.title_text), classes="prompt--title")
            if self.help_text:
                yield Label(plain(self.help_text), classes="prompt--help")
            yield OneLineInput(
                value=self.value, placeholder=self.placeholder, id="prompt-input", select_on_focus=not self.editing, joiner=self.joiner
            )
            yield Static("", classes="prompt--refused", id="prompt-refused")
            yield Static("", classes="prompt--preview", id="prompt-preview")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.value and self.preview:
            self._update_preview(self.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#prompt-refused", Static).remove_class("-shown")  # said of the text as it was
        self._refusal = None
        self._say_once()
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
        self._problem = line if problem else None
        self._say_once()

    def _say_once(self) -> None:
        """A refusal that says what the preview's problem says already is said once: the preview's line steps aside
        (the two said it one under the other)."""
        same = self._refusal is not None and self._refusal == self._problem
        self.query_one("#prompt-preview", Static).display = not same

    @property
    def answering(self) -> bool:
        return self.submitting is not None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.submit is None:
            self.dismiss(event.value)
        elif self.submitting is None:
            self.submitting = event.value
            self.writing_began()
            self._submit(event.value)

    @background(group="prompt-submit")
    def _submit(self, text: str) -> None:
        assert self.submit is not None
        submit_or_refuse(self.app, self.submit, text, self._refused, self.dismiss)

    def _refused(self, why: str) -> None:
        """The answer was refused: the text stays, with the reason under it, to fix and send again."""
        self.submitting = None
        self.refresh_bindings()
        refused = self.query_one("#prompt-refused", Static)
        refused.update(plain(why))  # it may quote what was typed
        refused.add_class("-shown")
        self._refusal = why
        self._say_once()
        self.query_one("#prompt-input", Input).focus()

    unsaved_name = "what you typed"

    @property
    def unsaved(self) -> bool:
        return self.query_one("#prompt-input", Input).value != self.saved

    draft_record_text = "the text it opens with"

    def draft_values(self) -> dict[str, str]:
        return {"text": self.query_one("#prompt-input", Input).value}

    def draft_opened_with(self) -> dict[str, str]:
        return {"text": self.value}

    def restore_draft(self, values: dict[str, str]) -> None:
        field = self.query_one("#prompt-input", Input)
        field.value = values.get("text", "")
        field.cursor_position = len(field.value)

    @property
    def writing(self) -> bool:
        return self.submitting is not None
