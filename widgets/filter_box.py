"""A one-line filter box that says, as you type, what the filter would show.

The owner answers ``Settled`` (the text stopped changing for a moment) with
``show_count`` ("7,592 tasks", "12 entries": the owner names what it
counts) or ``show_error``, so a mistake is seen before ``enter``, and may
keep the answer to apply at once when ``Applied`` comes.  The box only
edits; it never sees what it filters.  The tasks pane and the ledger pane
each own one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from crewdeck.widgets.one_line_input import OneLineInput

#: Seconds the text must rest before it is ``Settled``: a burst of keys asks once.
SETTLE_DELAY = 0.05


class FilterPreview(Widget):
    """What the typed filter would show: how many, or why it is refused."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"filter-preview--count", "filter-preview--error"}

    DEFAULT_CSS = """
    FilterPreview { width: auto; max-width: 60%; height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    FilterPreview > .filter-preview--count { color: $foreground-muted; }
    FilterPreview > .filter-preview--error { color: $error; }
    """

    message: reactive[str] = reactive("", layout=True)
    refused: reactive[bool] = reactive(False)

    def render(self) -> Text:
        style = self.get_component_rich_style("filter-preview--error" if self.refused else "filter-preview--count")
        return Text(self.message, style=style)


class FilterBox(Widget):
    """The query as typed, and its preview on the same line.

    | key | action |
    |---|---|
    | `enter` | apply the filter (``Applied``) |

    (``escape`` is the owner's: it knows what to go back to.)
    """

    DEFAULT_CSS = """
    FilterBox { layout: horizontal; height: 1; }
    /* One line: the box's own border would take it (as wide a rule as Input's :focus one). */
    FilterBox > Input, FilterBox > Input:focus { width: 1fr; height: 1; border: none; padding: 0 1; }
    """

    @dataclass
    class Settled(Message):
        """The text has rested for ``SETTLE_DELAY``: preview it."""

        box: FilterBox
        text: str

        @property
        def control(self) -> FilterBox:
            """The box, for ``@on(FilterBox.Settled, "#its-id")``."""
            return self.box

    @dataclass
    class Applied(Message):
        box: FilterBox
        text: str

        @property
        def control(self) -> FilterBox:
            """The box, for ``@on(FilterBox.Applied, "#its-id")``."""
            return self.box

    def __init__(self, placeholder: str, *, noun: str, plural: str | None = None, id: str | None = None) -> None:
        """``noun``: what one match is called in the count ("task", "entry"); ``plural`` when not ``noun`` + "s"."""
        super().__init__(id=id)
        self._placeholder = placeholder
        self._noun = noun
        self._plural = plural or f"{noun}s"
        self._settle: Timer | None = None

    def compose(self) -> ComposeResult:
        yield OneLineInput(placeholder=self._placeholder)
        yield FilterPreview()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def text(self) -> str:
        """The filter as typed, without the spaces around it."""
        return self.input.value.strip()

    @property
    def preview(self) -> FilterPreview:
        return self.query_one(FilterPreview)

    @property
    def settling(self) -> bool:
        """Whether a ``Settled`` is due (the text changed and has not rested yet)."""
        return self._settle is not None

    def open(self, text: str) -> None:
        """Start editing ``text`` (its preview follows)."""
        box = self.input
        box.value = text
        box.cursor_position = len(text)
        box.focus()

    def show_count(self, text: str, count: int | None) -> None:
        """How many ``text`` would show, if it is still what is typed (``None``: its matches are being counted)."""
        if text == self.text:
            said = "counting…" if count is None else f"{count:,} {self._noun if count == 1 else self._plural}"
            self.preview.message, self.preview.refused = said, False

    def show_error(self, text: str, message: str) -> None:
        """Why ``text`` is refused, if it is still what is typed."""
        if text == self.text:
            self.preview.message, self.preview.refused = message, True

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.preview.message = ""
        if self._settle is not None:
            self._settle.stop()
        self._settle = self.set_timer(SETTLE_DELAY, self._settled)

    def _settled(self) -> None:
        self._settle = None
        self.post_message(self.Settled(self, self.text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._settle is not None:  # applied at once: no preview of its own
            self._settle.stop()
            self._settle = None
        self.post_message(self.Applied(self, self.text))
