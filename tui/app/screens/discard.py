"""Escape on an editor holding unsaved text asks before dropping it: a vim user over SSH presses escape by reflex."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from crewdeck.tui.app.drafts import KeepsDraft, discarded
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.screens.written import ClosesOnceWritten
from crewdeck.widgets.key_footer import KeyFooter


class HoldsText(KeepsDraft, ClosesOnceWritten):
    """A dialog text is typed in (a prompt, the notes, a post's copy, a new entry): escape on it, and quitting the app
    over it, ask first while it holds text not saved; while it is written, escape waits (``ClosesOnceWritten``)."""

    #: The text the question names ("the unsaved notes").
    unsaved_name: ClassVar[str]

    @property
    @abstractmethod
    def unsaved(self) -> bool:
        """Whether it holds text not saved (typed, or opened with text never saved): each dialog knows what it opened with."""

    def action_cancel(self) -> None:
        """``escape``: closed at once when nothing typed would be lost, else only once ``y`` answers the question."""
        assert isinstance(self, ModalScreen)
        dialog = self
        if not self.unsaved:
            self.draft_left = True  # nothing typed is lost, and no draft: the one offered stays
            dialog.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                dialog.dismiss(None)

        self.app.push_screen(DiscardScreen(self.unsaved_name), answered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A draft's keys while one is offered and nothing is being written (they would change the text written)."""
        if action in ("draft_restore", "draft_discard"):
            return self.draft_offered is not None and not self.writing
        return super().check_action(action, parameters)


class DiscardScreen(ModalScreen[bool]):
    """Asks "Discard …?": ``y`` drops the text (the dialog under closes), ``n`` or ``escape`` goes back to it.

    Only ``y`` drops the text: escape pressed again by reflex, or a ``:wq`` typed after it, keeps it.

    | key | action |
    |---|---|
    | `y` | discard the text |
    | `n` `escape` | keep editing |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "discard", "Discard", id="discard.yes"),
        Binding("n,escape", "keep", "Keep editing", id="discard.no"),
    ]

    DEFAULT_CSS = """
    DiscardScreen { align: center middle; }
    DiscardScreen > Vertical {
        width: auto;
        max-width: 80%;
        height: auto;
        padding: 1 2;
        background: $panel;
        border: round $warning;
    }
    /* The box as wide as its lines up to 80%: a longer line wraps there (a Label is as wide as its text, and was cut). */
    DiscardScreen Label { max-width: 100%; }
    DiscardScreen .discard--question { text-style: bold; }
    DiscardScreen .discard--help { color: $foreground-muted; }
    """

    #: What ``n`` and ``escape`` do, as the help line under the question says it.
    kept: ClassVar[str] = "goes back to it"

    def __init__(self, what: str, then: str = "") -> None:
        """``what``: the text that would be lost ("the copy", "the notes", "what you typed"); ``then``: what else
        ``y`` does (" and quit")."""
        super().__init__()
        self.what = what
        self.then = then

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(f"Discard {self.what}{self.then}? It is not saved."), classes="discard--question")
            yes, no = said_key(self.app, self.BINDINGS, "discard.yes"), said_key(self.app, self.BINDINGS, "discard.no", every=True)
            yield Label(f"{yes} discards it · {no} {self.kept}", classes="discard--help")
        yield KeyFooter()

    def action_discard(self) -> None:
        discarded(self)  # the app may quit next: no draft is kept of the text dropped
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)


class DiscardWaitingScreen(DiscardScreen):
    """Asks whether to quit and lose a change a key made that still waits for the shared file: nothing is being
    edited, so ``n`` stays and the change is written once the file is free.

    | key | action |
    |---|---|
    | `y` | discard the change and quit |
    | `n` `escape` | stay; the change is written once the file is free |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "discard", "Discard", id="discard.yes"),
        Binding("n,escape", "keep", "Stay", id="discard.no"),
    ]

    kept = "stays: it is written once the file is free"
