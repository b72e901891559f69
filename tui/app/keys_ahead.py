"""Keys typed ahead of what an action changes: handled by whatever has focus once it has run."""

from __future__ import annotations

from textual import events

#: Keys remembered as sent on at most: those in flight are a burst's few (a key a widget takes is never seen again).
REMEMBERED = 64


class KeysAhead:
    """The keys the app has sent on to a widget, and how many actions had run when it did.

    A terminal delivers a fast typist's keys in one read, and the app sends
    each on to the widget focused as it takes it from its queue: the keys
    after one whose action opens a dialog or moves the focus (``a``, ``/``)
    have gone to the widget under the dialog before that action runs.  They
    come back to the app unhandled, where they matched the bindings of
    wherever the focus had gone, or nothing: ``/`` and ``done`` typed fast
    marked the task under the cursor done, ``a`` and a title lost the title.
    A key that comes back after an action has run is sent again, as if typed
    then: the focus the action gave (a dialog's field) takes it.
    """

    def __init__(self) -> None:
        self.actions = 0
        #: Each key sent on: the key, the actions run by then, and whether it is a key sent again.
        self._sent: dict[int, tuple[events.Key, int, bool]] = {}
        self._again: dict[int, events.Key] = {}

    def sent(self, key: events.Key) -> None:
        """``key`` is being sent on to the focused widget."""
        again = self._again.pop(id(key), None) is key
        self._sent[id(key)] = (key, self.actions, again)
        if len(self._sent) > REMEMBERED:
            del self._sent[next(iter(self._sent))]

    def typed_ahead(self, key: events.Key) -> events.Key | None:
        """The key to send again for ``key``, back unhandled, when it was sent on before an action that has run since.

        A key is sent again once at most: where it goes then, it is handled
        (a burst of ``j`` sends each again once, not again after each other's
        action).
        """
        sent = self._sent.pop(id(key), None)
        if sent is None or sent[0] is not key or sent[2] or sent[1] == self.actions:
            return None
        again = events.Key(key.key, key.character)
        self._again[id(again)] = again
        return again
