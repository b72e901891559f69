"""A text area that applies the keys typed in one burst in their order."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from crewdeck.widgets.own_keys import run_own_binding


class MultiLineInput(TextArea):
    """Textual's ``TextArea``, but its editing keys (backspace, delete, the arrows, home, end, ctrl+u ...) act in the
    order typed with the characters, as ``OneLineInput``'s do.

    Textual's inserts a character (and ``enter``'s new line, ``tab``'s indent) in its own key handler, but runs a
    bound key's action only once the key has bubbled up to the app, after the keys queued behind it: in the copy's
    editor, backspace x3 and "EUR" typed in one burst over "12.50 CHF" left "12.50 CHF" ("EUR" typed, then deleted),
    and a left arrow and "X" after "spring" left "springX" (Textual's issue #6605).
    """

    async def _on_key(self, event: events.Key) -> None:
        # Textual's handler, run after this one, inserts a printable character, a new line for enter and an indent for
        # tab; a key the area does not bind (or whose action it skips: ctrl+c with nothing selected) bubbles on to where
        # it is bound, as before.
        if not event.is_printable:
            await run_own_binding(self, event)
