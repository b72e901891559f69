"""Text typed in a dialog survives a dropped connection: what the app does with drafts (``crewdeck.tui.workspace.drafts``).

When the app closes without the person choosing to drop what a dialog holds (the SSH session or terminal gone, the
web page closed, a quit over a change waiting for the file), each dialog holding unsaved text that says what it is for
(``draft_for``) is kept as a draft of its member (``keep_drafts``, on the app's exit).  The same dialog opened again on
the same record offers it (``DraftOfferScreen``): ``r`` puts it in the dialog, ``d`` drops it; either way it leaves the
store, and the dialog holds it from then on (closed again unsaved, it is kept again).  ``y`` to a question to discard
(``discarded``) keeps nothing of the dialog it named.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Label

from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.workspace.drafts import Draft, DraftStore
from crewdeck.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from crewdeck.tui.app.screens.discard import DiscardScreen


@dataclass(frozen=True)
class DraftFor:
    """What a dialog's text is for: ``key`` names it in the store ("notes:TASK"), ``what`` to a person ("the notes of …")."""

    key: str
    what: str


class KeepsDraft:
    """A dialog (a ``HoldsText``) whose unsaved text is kept as a draft when the app closes under it."""

    #: What its text is for; ``None``: nothing is kept (a dialog made where nothing names its record).
    draft_for: DraftFor | None = None
    #: ``y`` answered a question to discard its text: nothing is kept.
    draft_discarded: bool = False
    #: What a person calls the record's text that a draft was begun on ("the notes"), said when it changed since.
    draft_record_text: ClassVar[str] = "the text"

    @abstractmethod
    def draft_values(self) -> dict[str, str]:
        """What the dialog holds now, by field ("text" for one text)."""

    @abstractmethod
    def draft_opened_with(self) -> dict[str, str]:
        """What the dialog was opened with, as ``draft_values`` names it."""

    @abstractmethod
    def restore_draft(self, values: dict[str, str]) -> None:
        """Put a draft's values in the dialog."""

    def on_mount(self) -> None:
        assert isinstance(self, Screen)
        kept = drafts_of(self.app)
        if kept is None or self.draft_for is None:
            return
        store, _ = kept
        key = self.draft_for.key
        draft = store.get(key)
        if draft is None:
            return
        changed = draft.opened_with != self.draft_opened_with()

        def answered(restore: bool | None) -> None:
            if restore:
                self.restore_draft(draft.values)
            try:
                store.remove(key)  # the dialog holds it now, or it was dropped
            except OSError as exc:
                assert isinstance(self, Screen)
                self.app.notify(f"the draft stays in {store.path}: {exc.strerror}", severity="warning", markup=False)

        self.app.push_screen(DraftOfferScreen(draft, self.draft_record_text if changed else ""), answered)


def drafts_of(app: App[Any]) -> tuple[DraftStore, str] | None:
    """The drafts of the app's member and the zone they are said in; ``None`` for an app with no member."""
    from crewdeck.tui.app.app import CrewdeckApp

    if not isinstance(app, CrewdeckApp):
        return None
    session = app.session
    return DraftStore.for_member(session.path, session.me.id), session.me.tz


def keep_drafts(app: App[Any]) -> None:
    """The app closes: keep the unsaved text of every dialog open, but those whose text was being written (written
    before the app ends) or that ``y`` discarded."""
    from crewdeck.tui.app.screens.discard import HoldsText

    kept = drafts_of(app)
    if kept is None:
        return
    store, zone = kept
    for screen in app.screen_stack:
        if not isinstance(screen, HoldsText) or screen.draft_for is None or screen.draft_discarded or screen.writing:
            continue
        if screen.unsaved:
            try:
                store.keep(screen.draft_for.key, screen.draft_for.what, screen.draft_values(), screen.draft_opened_with(), zone)
            except OSError:
                return  # the app is closing, with no one to tell: the disk refuses, as it would any other rescue


def discarded(question: DiscardScreen) -> None:
    """``y`` to ``question``: the dialogs whose text it named keep no draft (the app may quit next)."""
    from crewdeck.tui.app.screens.discard import HoldsText

    for screen in question.app.screen_stack:
        if isinstance(screen, HoldsText) and screen.unsaved_name == question.what:
            screen.draft_discarded = True


class DraftOfferScreen(ModalScreen[bool]):
    """A draft kept when the app closed, offered in the dialog it was typed in: ``r`` restores it, ``d`` discards it.

    | key | action |
    |---|---|
    | `r` | put the draft in the dialog |
    | `d` | discard the draft |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "restore", "Restore", id="draft.restore"),
        Binding("d", "discard", "Discard", id="draft.discard"),
    ]

    DEFAULT_CSS = """
    DraftOfferScreen { align: center middle; }
    DraftOfferScreen > Vertical {
        width: auto;
        max-width: 80%;
        height: auto;
        padding: 1 2;
        background: $panel;
        border: round $warning;
    }
    DraftOfferScreen .draft--question { text-style: bold; }
    DraftOfferScreen .draft--changed { color: $warning; }
    DraftOfferScreen .draft--help { color: $foreground-muted; }
    """

    def __init__(self, draft: Draft, changed: str = "") -> None:
        """``changed``: the record's text the draft was begun on ("the notes"), when it is not what it was then."""
        super().__init__()
        self.draft = draft
        self.changed = changed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(offer_line(self.draft)), classes="draft--question", id="draft-question")
            if self.changed:
                line = f"{self.changed} changed since it was begun: restoring it replaces what is there now"
                yield Label(plain(line), classes="draft--changed", id="draft-changed")
            restore, discard = said_key(self.app, self.BINDINGS, "draft.restore"), said_key(self.app, self.BINDINGS, "draft.discard")
            yield Label(f"{restore} restores it · {discard} discards it", classes="draft--help")
        yield KeyFooter()

    def action_restore(self) -> None:
        self.dismiss(True)

    def action_discard(self) -> None:
        self.dismiss(False)


def offer_line(draft: Draft) -> str:
    """ "A draft of the notes of 3f2a “Brief” from 14:02 IST was kept when the app closed"."""
    return f"A draft of {draft.what} from {draft.kept_time()} was kept when the app closed"
