"""A text widget's own editing keys run where they are typed, in order with its characters (Textual's issue #6605)."""

from __future__ import annotations

from textual import events
from textual.widget import Widget


async def run_own_binding(widget: Widget, event: events.Key) -> None:
    """Run ``widget``'s own (non-priority) binding of ``event``'s key now, and stop the key where it ran.

    Textual's text widgets insert a character in their key handler, but run a bound key's action only once the key has
    bubbled up to the app, after the keys queued behind it: backspace x3 and "EUR" typed in one burst over
    "12.50 CHF" left "12.50 CHF" ("EUR" typed, then deleted).  A key the widget does not bind, or whose action it skips
    (ctrl+c with nothing selected), bubbles on to where it is bound, as before.  Its bindings as declared: they have no
    ids, so no keymap moves them.
    """
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            return
