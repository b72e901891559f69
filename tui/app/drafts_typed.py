"""A dialog's text kept while it is typed, not only as the app closes: a ``kill -9``, an OOM kill or a power cut loses
the last second or so of it, where it lost all (``crewdeck.tui.app.drafts`` says what is kept and how it is offered).

Each dialog has one timer: a change of its text starts it again, and once the text has rested ``KEEP_AFTER`` the
keeping step (``keep_typed``) reads on the UI thread what the app closing now would leave of the dialog in the store
(``keeping``) and writes it in a thread worker, never holding a key up.  One write of a dialog at a time: a change
made while one is under way is written after it.  A write that fails (the disk full) is said once, until one succeeds
again, and typing goes on.  A dialog closing takes its lock (``closed``): a write under way ends first, and none
starts after it, so a draft saved or discarded is not written again behind the person's back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.timer import Timer

from crewdeck.tui.app.workers import in_background
from crewdeck.tui.workspace.drafts import DialogDraft, DraftStore

if TYPE_CHECKING:
    from crewdeck.tui.app.screens.discard import HoldsText

#: Seconds a dialog's text rests before it is kept (the timer, started again by each change, ticks 1-2 of them after
#: the last: it wakes once the time from its start is up, and waits the whole time again if a change came meanwhile).
KEEP_AFTER = 1.0


@dataclass
class TypedDraft:
    """Where keeping one dialog's text while it is typed stands."""

    #: Held by a write of the dialog's draft, and by its close: once it closed, nothing of it is written.
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: The dialog's one timer, made at its first change.
    timer: Timer | None = None
    #: A write of it is under way in a worker; ``again``: its text changed since that write read it.
    under_way: bool = False
    again: bool = False
    #: The store holds what the dialog held (kept while typed), in place of any draft it offered.
    kept: bool = False
    #: The dialog closed: nothing of it is written from now on.
    closed: bool = False
    #: A failed write was said: the next failure is not, until a write succeeds.
    failed: bool = False


def keeping(screen: HoldsText, store: DraftStore, zone: str) -> Callable[[], bool] | None:
    """The write that makes ``store`` hold what the app closing now would leave of ``screen`` (it returns whether the
    store then holds the dialog's own text); ``None`` when there is nothing to write.

    Unsaved text of its own (not discarded) is kept, replacing a draft it offered; text kept before and no longer
    unsaved (typed, then undone, or ``y`` discarded) makes way again for the draft offered and not answered, or goes;
    a dialog whose text is being written keeps no new draft."""
    typed = screen.typed_draft
    if screen.draft_for is None or screen.writing:
        return None
    key = screen.draft_for.key
    if screen.unsaved and not screen.draft_discarded:
        what, values, opened_with = screen.draft_for.what, screen.draft_values(), screen.draft_opened_with()

        def keep() -> bool:
            store.keep(key, what, values, opened_with, zone)
            return True

        return keep
    if not typed.kept:
        return None
    offered = screen.draft_offered
    return lambda: give_way(screen, store, offered)


def give_way(screen: HoldsText, store: DraftStore, offered: DialogDraft | None = None) -> bool:
    """The text of ``screen`` kept while typed leaves ``store`` (it returns ``False``: the store holds none of it):
    the draft ``offered`` in it and not answered is kept again, as it was."""
    assert screen.draft_for is not None
    if offered is None:
        store.remove(screen.draft_for.key)
    else:
        store.put(offered)
    return False


def typed(screen: HoldsText) -> None:
    """``screen``'s text changed: it is kept once it rests ``KEEP_AFTER`` (its one timer started again)."""
    assert isinstance(screen, Screen)
    state = screen.typed_draft
    if state.closed or screen.draft_for is None:
        return
    if state.timer is None:
        state.timer = screen.set_interval(KEEP_AFTER, lambda: keep_typed(screen), name="keep typed draft")
    else:
        state.timer.reset()
        state.timer.resume()


def keep_typed(screen: HoldsText) -> None:
    """The keeping step: what the dialog holds now is written in a worker (after the one under way, if one is)."""
    from crewdeck.tui.app.drafts import drafts_of  # whose dialogs call this module

    assert isinstance(screen, Screen)
    state = screen.typed_draft
    if state.timer is not None:
        state.timer.pause()
    kept = drafts_of(screen.app)
    if kept is None or state.closed:
        return
    if state.under_way:
        state.again = True
        return
    store, zone = kept
    write = keeping(screen, store, zone)
    if write is None:
        return
    state.under_way = True
    app = screen.app

    def job() -> None:
        failure: OSError | None = None
        with state.lock:
            if not state.closed:
                try:
                    state.kept = write()
                except OSError as exc:
                    failure = exc
        app.call_from_thread(_written, screen, store, failure)

    in_background(app, job, name="keep_typed_draft", group="drafts")


def _written(screen: HoldsText, store: DraftStore, failure: OSError | None) -> None:
    assert isinstance(screen, Screen)
    state = screen.typed_draft
    state.under_way = False
    if failure is not None and not state.failed and screen.draft_for is not None:
        why = failure.strerror or str(failure)
        line = f"{screen.draft_for.what} is not kept as a draft in {store.path} while you type: {why}"
        screen.app.notify(line, severity="warning", timeout=8, markup=False)
    state.failed = failure is not None
    if state.again:
        state.again = False
        keep_typed(screen)


def closed(screen: HoldsText) -> None:
    """``screen`` closes: its timer stops, a write of it under way ends first, and none is made after."""
    state = screen.typed_draft
    if state.timer is not None:
        state.timer.stop()
    with state.lock:
        state.closed = True
