"""A key pressed where its binding is not offered now says why in one line, where it did nothing, unsaid.

A binding is hidden (``check_action`` False: not in the footer, the palette
or ``?``'s offers) where the focused row's state leaves it nothing to do:
``Y`` on a task that is not a post, ``x`` on an empty list.  Pressed
there, the key went nowhere, and someone who knows the key from another
row could not tell a slow app from a key that does not apply.  Each
namespace that hides a key may say why (``SaysHiddenKeys``); one that does
not (``escape``'s clear-filter, which hides to let escape go on) says
nothing, as before.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from textual.actions import parse
from textual.screen import Screen

from crewdeck.tui.app.screens.help import shown_key

#: How long the line stays up, in seconds: a glance's worth, as a key's own notice (3).
NOTICE_LIFE = 4.0


@runtime_checkable
class SaysHiddenKeys(Protocol):
    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why ``action`` is not offered now (its ``check_action`` is False), said after the key's description:
        "only on a post in review"; None where there is nothing to say."""


def hidden_key_line(screen: Screen[object], key: str) -> str | None:
    """The line a press of ``key`` on ``screen`` says ("Y: Approve post — only on a post in review") when every
    binding of it in the focus's chain is hidden and one of them says why; None when a binding takes it (or is shown,
    disabled) or none says why."""
    line: str | None = None
    # The bindings Textual looks through for a key the focus's widgets did not take: the focused widget's, then up.
    for namespace, bindings in screen._modal_binding_chain:
        for binding in bindings.key_to_bindings.get(key, ()):
            destination, name, parameters = parse(binding.action)
            if destination:
                continue  # "app.x" is the app's to offer
            offered = namespace.check_action(name, parameters) is not False
            if binding.priority and offered:
                continue  # it came before the focus had the key, and let it go on
            if offered:
                return None  # it runs, or is shown as not usable now: nothing is left unsaid
            if line is None and isinstance(namespace, SaysHiddenKeys):
                why = namespace.hidden_because(name, parameters)
                if why:
                    line = f"{shown_key(key)}: {binding.description} — {why}"
    return line
