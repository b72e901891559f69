"""A dialog's text kept while it is typed, not only as the app closes: a ``kill -9``, an OOM kill or a power cut loses
the last second or so of it, where it lost all (``crewdeck.tui.app.drafts`` says what is kept and how it is offered).

Each dialog has one timer: a change of its text starts it again, and once the text has rested ``KEEP_AFTER`` the
keeping step (``keep_typed``) reads on the UI thread what the app closing now would leave of the dialog in the store
(``keeping``) and writes it in a thread worker, never holding a key up.  One write of a dialog at a time: a change
made while one is under way is written after it.  Text that never rests (a steady typist) is kept at least every
``KEEP_AT_MOST``: the change that finds it unkept that long runs the keeping step itself.  A write that fails (the disk full) is said once, until one succeeds
again, and typing goes on.  A dialog's close never waits for a write of it under way (a slow disk
would hold its keys): what it does to the store (``closed``: its draft removed, saved or discarded; or the one it
offered put back) is done at once, on the UI thread as before, or, while a write of it is under way, by that write's
worker after it, so a draft
saved or discarded is not written again behind the person's back, whichever ends first.  The draft a dialog offered is
put back only where the store still holds the dialog's own text as it wrote it: a second session of the member (its
own process) that wrote or removed the draft since has the last word.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from time import monotonic
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
#: Seconds a dialog's text goes on changing, never resting ``KEEP_AFTER``, before it is kept all the same.
KEEP_AT_MOST = 5.0


#: What a dialog's close does to the store (its draft removed, or the one it offered put back), run after a write of it
#: under way: it returns what follows on the UI thread (a notice of a failure, the start-up notice taken down), if any.
Closing = Callable[[], Callable[[], None] | None]


@dataclass
class TypedDraft:
    """Where keeping one dialog's text while it is typed stands."""

    #: Guards ``in_worker``, ``closed`` and ``after_close``, read by a worker and the UI thread: held for a moment,
    #: never while the disk is written.
    guard: threading.Condition = field(default_factory=threading.Condition)
    #: The dialog's one timer, made at its first change.
    timer: Timer | None = None
    #: A write of it is under way (the UI thread's account); ``again``: its text changed since that write read it.
    under_way: bool = False
    again: bool = False
    #: A write of it is in a worker, until the worker ends (the worker's account, under ``guard``).
    in_worker: bool = False
    #: The store holds what the dialog held (kept while typed), in place of any draft it offered: ``written``.
    kept: bool = False
    written: DialogDraft | None = None
    #: The draft it offered was gone from the store when it first kept its own text (another session of the member
    #: saved or dropped it since): never put back.
    offer_gone: bool = False
    #: The dialog closed: nothing of it is written from now on but what its close does (``after_close``, left to the
    #: worker of a write under way).
    closed: bool = False
    after_close: Closing | None = None
    #: When (``monotonic``) its text first changed since the keeping step last ran; ``None``: not since.
    unkept_since: float | None = None
    #: A failed write was said: the next failure is not, until a write succeeds.
    failed: bool = False


def keeping(screen: HoldsText, store: DraftStore, zone: str) -> Callable[[], None] | None:
    """The write that makes ``store`` hold what the app closing now would leave of ``screen``; ``None`` when there is
    nothing to write.

    Unsaved text of its own (not discarded) is kept, replacing a draft it offered; text kept before and no longer
    unsaved (typed, then undone, or ``y`` discarded) makes way again for the draft offered and not answered, or goes;
    a dialog whose text is being written keeps no new draft."""
    typed = screen.typed_draft
    if screen.draft_for is None or screen.writing:
        return None
    key = screen.draft_for.key
    if screen.unsaved and not screen.draft_discarded:
        what, values, opened_with = screen.draft_for.what, screen.draft_values(), screen.draft_opened_with()
        offer = screen.draft_offered

        def keep() -> None:
            if offer is not None and typed.written is None and store.get(key) != offer:
                typed.offer_gone = True
            typed.written = store.keep(key, what, values, opened_with, zone)
            typed.kept = True

        return keep
    if not typed.kept:
        return None
    offered = screen.draft_offered
    return lambda: give_way(screen, store, offered)


def give_way(screen: HoldsText, store: DraftStore, offered: DialogDraft | None = None) -> None:
    """The text of ``screen`` kept while typed leaves ``store``: the draft ``offered`` in it and not answered is kept
    again, as it was; neither where the store no longer holds the text as the dialog wrote it (another session of the
    member saved, or kept its own text, since)."""
    assert screen.draft_for is not None
    typed = screen.typed_draft
    store.replace_if(screen.draft_for.key, typed.written, None if typed.offer_gone else offered)
    typed.kept = False


def typed(screen: HoldsText) -> None:
    """``screen``'s text changed: it is kept once it rests ``KEEP_AFTER`` (its one timer started again), or now when
    it has gone on changing ``KEEP_AT_MOST`` unkept."""
    assert isinstance(screen, Screen)
    state = screen.typed_draft
    if state.closed or screen.draft_for is None:
        return
    now = monotonic()
    if state.unkept_since is None:
        state.unkept_since = now
    elif now - state.unkept_since >= KEEP_AT_MOST:
        keep_typed(screen)  # a steady typist's text, unkept this long: kept now, the timer waiting for the next change
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
    state.unkept_since = None
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
    with state.guard:
        state.in_worker = True
    app = screen.app

    def job() -> None:
        failure: OSError | None = None
        try:
            with state.guard:
                closed = state.closed
            if not closed:
                try:
                    write()
                except OSError as exc:
                    failure = exc
        finally:
            # However the write ended (another error is reported as every worker's is): what the close left to this
            # worker is done, and the worker is out of it, which the app's exit waits for (it waited for ever).
            follow = [after for after in _after_close(state) if after is not None]
            app.call_from_thread(_written, screen, store, failure, follow)

    in_background(app, job, name="keep_typed_draft", group="drafts")


def _after_close(state: TypedDraft) -> Iterator[Callable[[], None] | None]:
    """In the worker, its write done: what the dialog's close left to it, done; then the worker is no longer in it."""
    while True:
        with state.guard:
            then, state.after_close = state.after_close, None
            if then is None:
                state.in_worker = False
                state.guard.notify_all()
                return
        yield then()


def _written(screen: HoldsText, store: DraftStore, failure: OSError | None, follow: list[Callable[[], None]]) -> None:
    assert isinstance(screen, Screen)
    state = screen.typed_draft
    state.under_way = False
    for after in follow:
        after()
    if failure is not None and not state.failed and screen.draft_for is not None and not state.closed:
        why = failure.strerror or str(failure)
        line = f"{screen.draft_for.what} is not kept as a draft in {store.named} while you type: {why}"
        screen.app.notify(line, severity="warning", timeout=8, markup=False)
    state.failed = failure is not None
    if state.again:
        state.again = False
        keep_typed(screen)


def closed(screen: HoldsText, then: Closing | None = None) -> None:
    """``screen`` closes: its timer stops, nothing of it is written from now on, and ``then`` (what its close does to
    the store) is done now, or by the worker of a write of it under way, after that write: never waited for here."""
    state = screen.typed_draft
    if state.timer is not None:
        state.timer.stop()
    with state.guard:
        state.closed = True
        if state.in_worker:
            state.after_close = then or state.after_close
            return
    after = then() if then is not None else None
    if after is not None:
        after()


def finished(screen: HoldsText) -> None:
    """``screen`` closes as the app closes: ``closed``, and a write of it under way done before this returns (what
    the app keeps of the dialog next is written after it, never under it)."""
    closed(screen)
    state = screen.typed_draft
    with state.guard:
        state.guard.wait_for(lambda: not state.in_worker)
