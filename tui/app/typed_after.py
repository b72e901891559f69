"""Keys typed after a dialog's field has focus wait for those typed before it, still on their way there."""

from __future__ import annotations

from textual import events

#: A key or a paste, as the app takes it from its queue.
Typed = events.Key | events.Paste


class TypedAfter:
    """The keys (and pastes) the app holds back for a dialog's field until the keys typed before them are in it.

    A terminal delivers ``:title=Card 10`` typed fast in more than one
    read.  The keys of the first read after ``:`` go to the screen under
    the dialog, come back once ``:`` has opened it, and are sent again to
    its field; those of the next read went to the field straight away,
    ahead of them: "ard 10title=C".  Held here, they are sent on again in
    order once none typed before them is still on its way (``release``).
    """

    def __init__(self) -> None:
        self._held: list[Typed] = []
        #: Those sent on again, not yet back at the app: what is typed meanwhile waits behind them.
        self._passing: dict[int, Typed] = {}
        self._holds = 0

    @property
    def holding(self) -> bool:
        """Whether keys are held, or on their way again: a key typed now waits behind them."""
        return bool(self._held or self._passing)

    def passes(self, typed: Typed) -> bool:
        """Whether ``typed`` is one sent on again (``release``), back at the app to go on now."""
        if self._passing.get(id(typed)) is not typed:
            return False
        del self._passing[id(typed)]
        return True

    @property
    def hold_number(self) -> int:
        """Which hold this is (or was last): a hold's time limit ends that hold, never a later one's."""
        return self._holds

    def hold(self, typed: Typed) -> int:
        """Hold ``typed`` behind the keys before it; the number of the hold it joins."""
        if not self.holding:
            self._holds += 1
        self._held.append(typed)
        return self._holds

    def release(self) -> list[Typed]:
        """The keys held, to send on again in order (none while others sent on are not yet back)."""
        if self._passing:
            return []
        held, self._held = self._held, []
        self._passing = {id(typed): typed for typed in held}
        return held
