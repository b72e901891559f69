"""Text typed in a dialog survives a dropped connection, a kill or a power cut: what the app does with drafts
(``crewdeck.tui.workspace.drafts``).

Each dialog holding unsaved text that says what it is for (``draft_for``: the records it acts on) is kept as a draft
of its member while it is typed, a second or so after it last changed (``crewdeck.tui.app.drafts_typed``), and again
when the app closes without the person choosing to drop it (the SSH session or terminal gone, the web page closed, a
quit over a change waiting for the file: ``keep_drafts``, on the app's exit).  Both keep what the app closing would
leave: a dialog's text of its own replaces the draft it offers, a dialog untouched (or its text undone) leaves the
draft offered as it was, and one whose text is being written keeps no new draft.  The same
dialog opened again on the same records offers it in a line inside it (``DraftOffer``), with ctrl keys
(``DRAFT_BINDINGS``): every letter goes into the dialog as always (a letter answering the offer took the first of
what was typed ahead).  ``ctrl+r`` puts the draft in the dialog, ``ctrl+n`` drops it; it leaves the store when the
dialog is saved or its text discarded, and stays when the dialog is closed with nothing typed or the app closes again
(closed again unsaved, what the dialog holds replaces it).  ``y`` to a question to discard (``discarded``) keeps
nothing of the dialog it named.
"""

from __future__ import annotations

import functools
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label

from crewdeck.tui.app import drafts_typed
from crewdeck.tui.app.drafts_typed import TypedDraft
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.workspace.drafts import DialogDraft, DraftStore

if TYPE_CHECKING:
    from crewdeck.tui.app.screens.discard import DiscardScreen, HoldsText

#: The keys of a draft offered in a dialog, each dialog's own (``KeepsDraft``): ctrl keys, as a letter types into it.
DRAFT_BINDINGS: list[BindingType] = [
    Binding("ctrl+r", "draft_restore", "Restore draft", id="draft.restore"),
    Binding("ctrl+n", "draft_discard", "Discard draft", id="draft.discard"),
]


@dataclass(frozen=True)
class DraftFor:
    """What a dialog's text is for: ``key`` names it in the store ("notes:TASK"), ``what`` to a person ("the notes of …")."""

    key: str
    what: str


class KeepsDraft:
    """A dialog (a ``HoldsText``) whose unsaved text is kept as a draft when the app closes under it, and which offers
    the draft kept of it when it opens: its ``BINDINGS`` hold ``DRAFT_BINDINGS``, and its first ``Vertical`` the offer."""

    #: What its text is for; ``None``: nothing is kept (a dialog made where nothing names its record).
    draft_for: DraftFor | None = None
    #: ``y`` answered a question to discard its text: nothing is kept.
    draft_discarded: bool = False
    #: What a person calls the record's text that a draft was begun on ("the notes"), said when it changed since.
    draft_record_text: ClassVar[str] = "the text"
    #: The draft offered in the dialog, until ``ctrl+r`` or ``ctrl+n`` answers it (``None``: none is offered).
    draft_offered: DialogDraft | None = None
    #: Closed with nothing typed (escape on it untouched): the draft it offered stays kept.
    draft_left: bool = False
    #: Closed as the app closes (``keep_drafts``): what it held, or the draft it offered, stays kept.
    draft_closing: bool = False

    _typed_draft: TypedDraft | None = None

    @property
    def typed_draft(self) -> TypedDraft:
        """Where keeping its text while it is typed stands (``drafts_typed``): each dialog's own, made when first asked."""
        if self._typed_draft is None:
            self._typed_draft = TypedDraft()
        return self._typed_draft

    @abstractmethod
    def draft_values(self) -> dict[str, str]:
        """What the dialog holds now, by field ("text" for one text)."""

    @abstractmethod
    def draft_opened_with(self) -> dict[str, str]:
        """What the dialog was opened with, as ``draft_values`` names it."""

    @abstractmethod
    def restore_draft(self, values: dict[str, str]) -> None:
        """Put a draft's values in the dialog."""

    # Named with "_" (Textual calls each class's handler of a message): the dialogs' own ``on_…_changed`` run too.
    def _on_input_changed(self) -> None:
        drafts_typed.typed(self._holds_text())

    def _on_text_area_changed(self) -> None:
        drafts_typed.typed(self._holds_text())

    def _on_checkbox_changed(self) -> None:
        drafts_typed.typed(self._holds_text())

    def _holds_text(self) -> HoldsText:
        from crewdeck.tui.app.screens.discard import HoldsText  # which imports this module

        assert isinstance(self, HoldsText)
        return self

    def on_mount(self) -> None:
        assert isinstance(self, Screen)
        kept = drafts_of(self.app)
        if kept is None or self.draft_for is None:
            return
        draft = kept[0].get(self.draft_for.key)
        if draft is None:
            return
        self.draft_offered = draft
        changed = self.draft_record_text if draft.opened_with != self.draft_opened_with() else ""
        keys = said_key(self.app, DRAFT_BINDINGS, "draft.restore"), said_key(self.app, DRAFT_BINDINGS, "draft.discard")
        dialog = self.query_children(Vertical).first()
        # Under the dialog's title: what the dialog is for, then the draft of it.
        dialog.mount(DraftOffer(draft, changed, *keys), after=0)
        self.refresh_bindings()

    def action_draft_restore(self) -> None:
        """``ctrl+r``: the draft offered goes in the dialog, which holds it from then on (kept until it is saved)."""
        if self.draft_offered is not None:
            self.restore_draft(self.draft_offered.values)
            self._offer_answered()

    def action_draft_discard(self) -> None:
        """``ctrl+n``: the draft offered is dropped."""
        if self.draft_offered is not None:
            self._drop_draft()
            self._offer_answered()
            drafts_typed.typed(self._holds_text())  # what the dialog holds of its own is kept again

    def _offer_answered(self) -> None:
        assert isinstance(self, Screen)
        self.draft_offered = None
        self.query(DraftOffer).remove()
        self.refresh_bindings()

    def on_unmount(self) -> None:
        """The dialog closed: saved, or its text discarded, the draft of it goes; closed with nothing typed (escape),
        the one it offered stays (its text kept while typed, then undone, makes way for it again), and so it does
        when the app closes (``keep_drafts`` keeps what the dialog held).  Done after a write of it under way, never
        waiting for it here (``drafts_typed.closed``)."""
        assert isinstance(self, Screen)
        screen = self._holds_text()
        kept = drafts_of(self.app)
        if self.draft_for is None or self.draft_closing or kept is None:
            drafts_typed.closed(screen)
            return
        app, store, key, offered = self.app, kept[0], self.draft_for.key, self.draft_offered
        then: drafts_typed.Closing | None = None
        if self.draft_left:

            def give_way() -> Callable[[], None] | None:
                if not screen.typed_draft.kept:
                    return None
                try:
                    drafts_typed.give_way(screen, store, offered)
                except OSError as exc:
                    return functools.partial(_stays, app, store, exc)
                return None

            then = give_way
        elif app.return_code is None:
            then = functools.partial(dropped, app, store, key)
        drafts_typed.closed(screen, then)

    def _drop_draft(self) -> None:
        assert isinstance(self, Screen) and self.draft_for is not None
        kept = drafts_of(self.app)
        if kept is not None:
            dropped(self.app, kept[0], self.draft_for.key)()


def dropped(app: App[Any], store: DraftStore, key: str) -> Callable[[], None]:
    """The draft of ``key`` leaves ``store`` (on any thread): what then follows on the UI thread, a notice that it
    stays when the disk refuses, or the start-up notice taken down with the last draft."""
    try:
        store.remove(key)
    except OSError as exc:
        return functools.partial(_stays, app, store, exc)
    from crewdeck.tui.app.kept_drafts import drafts_removed  # which imports this module

    return lambda: drafts_removed(app, store)


def _stays(app: App[Any], store: DraftStore, failure: OSError) -> None:
    app.notify(f"the draft stays in {store.named}: {failure.strerror}", severity="warning", markup=False)


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
        if isinstance(screen, HoldsText) and not screen.writing:
            # Asked to quit by crewdeck web (the page closed, the connection lost, the session ended), Textual's web
            # driver posts ExitApp without ``App.exit``: no return code yet as the dialogs close, which read as each
            # dialog answered, and the draft just kept was dropped.  One whose text is being written is answered (the
            # app waits for the write): its draft goes as it closes, where it was offered again with its text saved.
            screen.draft_closing = True
    for screen in app.screen_stack:
        if not isinstance(screen, HoldsText):
            continue
        drafts_typed.finished(screen)  # a write of it while typed, under way, is done before this one
        write = drafts_typed.keeping(screen, store, zone)
        if write is not None:
            try:
                write()
            except (OSError, ValueError):
                # The app is closing, with no one to tell: the disk refuses, as it would any other rescue, or the text
                # cannot be written as UTF-8 (a lone surrogate): a traceback as the app ends would be all anyone saw.
                return


def discarded(question: DiscardScreen) -> None:
    """``y`` to ``question``: the dialogs whose text it named keep no draft (the app may quit next)."""
    from crewdeck.tui.app.screens.discard import HoldsText

    for screen in question.app.screen_stack:
        if isinstance(screen, HoldsText) and screen.unsaved_name == question.what:
            screen.draft_discarded = True


class DraftOffer(Vertical):
    """The line inside a dialog that offers the draft kept of it, saying the keys that answer it."""

    DEFAULT_CSS = """
    DraftOffer { height: auto; margin-bottom: 1; padding: 0 1; border-left: thick $warning; }
    /* A Label is as wide as its text and cut at the dialog's edge: these lines wrap in a narrow dialog instead. */
    DraftOffer Label { width: 100%; }
    DraftOffer .draft--question { text-style: bold; }
    DraftOffer .draft--changed { color: $warning; }
    DraftOffer .draft--help { color: $foreground-muted; }
    """

    def __init__(self, draft: DialogDraft, changed: str, restore: str, discard: str) -> None:
        """``changed``: the record's text the draft was begun on ("the notes"), when it is not what it was then;
        ``restore``, ``discard``: the keys that answer it, as the keymap has them."""
        super().__init__(id="draft-offer")
        self.draft = draft
        self.changed = changed
        self.keys = restore, discard

    def compose(self) -> ComposeResult:
        yield Label(plain(offer_line(self.draft)), classes="draft--question", id="draft-question")
        if self.changed:
            line = f"{self.changed} changed since it was begun: restoring it replaces what is there now"
            yield Label(plain(line), classes="draft--changed", id="draft-changed")
        restore, discard = self.keys
        yield Label(f"{restore} restores it · {discard} discards it · typing goes into the dialog", classes="draft--help")


def offer_line(draft: DialogDraft) -> str:
    """ "A draft of the notes of 3f2a “Brief” was kept at 14:02 IST": when it was kept, not "when the app stopped", as
    a member's other session (over SSH, in a second web tab), still open, keeps it while typed too."""
    return f"A draft of {draft.what} was kept at {draft.kept_time()}"
