"""A post's copy written in the app: a caption runs over several lines, which a one-line box could not hold."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static, TextArea

from crewdeck.sync.state import copylimits as limits
from crewdeck.tui.app.drafts import DRAFT_BINDINGS, DraftFor
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.prompt import Submit
from crewdeck.tui.app.screens.text_editor import TextEditorScreen
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.multi_line_input import MultiLineInput


class CopyEditorScreen(TextEditorScreen):
    """The copy in a text area, opening with what the post holds, the cursor at its end; ``enter`` starts a new line,
    ``ctrl+s`` saves, ``escape`` cancels (asking first when the copy was changed).  Under the text, its length as the
    post's platform counts it against the platform's limit, redrawn as it is typed and marked when over (``counter``).
    A refused copy (over the platform's limits) stays, with why under it.

    | key | action |
    |---|---|
    | `ctrl+s` | save the copy |
    | `escape` | cancel; a changed copy is discarded only when ``y`` answers the question |
    | `ctrl+r` | put the draft kept when the app stopped in it (while one is offered) |
    | `ctrl+n` | discard that draft |
    """

    # Escape before the text area has it, which would take it to move the focus out of itself, leaving the dialog open.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="copy.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="copy.cancel"),
        *DRAFT_BINDINGS,
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
    CopyEditorScreen .copy--count { color: $foreground-muted; width: 100%; text-align: right; }
    CopyEditorScreen .copy--count.-over { color: $error; text-style: bold; }
    CopyEditorScreen .copy--refused { color: $error; height: auto; display: none; }
    CopyEditorScreen .copy--refused.-shown { display: block; }
    """

    PART = "copy"

    def __init__(
        self, title: str, help_text: str, copy: str, submit: Submit, platform: str | None = None, draft_for: DraftFor | None = None
    ) -> None:
        """``platform``: the post's, whose count and limits the counter under the text says."""
        super().__init__(submit, draft_for)
        self.title_text = title
        self.help_text = help_text
        self.copy = copy
        self.platform = platform

    def compose(self) -> ComposeResult:
        with Vertical():
            # The title quotes the post's: plain text, shown.
            yield Label(plain(self.title_text), classes="copy--title")
            yield Label(plain(self.help_text), classes="copy--help")
            yield MultiLineInput(self.copy, id="copy-text", soft_wrap=True, tab_behavior="focus")
            yield Static("", classes="copy--count", id="copy-count")
            yield Static("", classes="copy--refused", id="copy-refused")
        yield KeyFooter()

    def on_mount(self) -> None:
        text = self.text_area
        text.focus()
        text.move_cursor(text.document.end)  # a word added, not the whole copy typed again
        self._count()

    @on(TextArea.Changed)
    def _count(self) -> None:
        """The counter under the text, as it is now: counted here, on each key, from the text alone (no read of the
        workspace), so a writer sees the copy go over before a save is refused."""
        said, over = counter(self.platform, self.text_area.text)
        count = self.query_one("#copy-count", Static)
        count.update(said)
        count.set_class(over, "-over")

    def action_save(self) -> None:
        self._write(self.text_area.text)

    unsaved_name = "the changes to the copy"
    written_name = "the copy"
    draft_record_text = "the copy"

    @property
    def unsaved(self) -> bool:
        return self.text_area.text != self.copy

    def draft_opened_with(self) -> dict[str, str]:
        return {"text": self.copy}


def counter(platform: str | None, text: str) -> tuple[str, bool]:
    """The counter's line, ``copylimits.counted``'s as ``post show`` says it, after the platform's name (the box shows it
    nowhere else), and whether it is over: "x: 241/280 weighted characters"."""
    said, over = limits.counted(platform, text)
    return (f"{platform}: {said}" if platform else said), over
