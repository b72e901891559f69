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
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from crewdeck.tui.app.keys_ahead import HeldRead
from crewdeck.tui.app.screens.help import shown_key

#: How long the line stays up, in seconds: a glance's worth, as a key's own notice (3).
NOTICE_LIFE = 4.0
#: What a verdict's key pressed before the rules said whether it is mine waits for (``KeepsEarlyKeys.read_before``).
VERDICTS_READ = "the post's approvals were read"


@runtime_checkable
class SaysHiddenKeys(Protocol):
    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why ``action`` is not offered now (its ``check_action`` is False), said after the key's description:
        "only on a post in review"; None where there is nothing to say."""


@runtime_checkable
class KeepsEarlyKeys(Protocol):
    """A namespace whose key may be hidden only until a read under way says whether it is offered (a verdict's, until
    the rules have said which verdicts on the post under the cursor are mine).  Pressed meanwhile, the key went nowhere,
    unsaid, and a person who knows the key had to press it again once the app caught up: it waits for the read instead,
    with the keys typed after it, and acts then, as if pressed then, on the record it was pressed on."""

    def read_before(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """What ``action``, hidden, waits for to be offered or refused, as a notice says it ("the post's approvals
        were read"); None when it is hidden whatever a read says."""

    def keep_until_read(self, action: str, parameters: tuple[object, ...], held: HeldRead) -> None:
        """``action``'s key, pressed before its read was in (``read_before``), waits in ``held`` with the keys typed
        after it: to be sent on once the read is in, on the record it was pressed on, or dropped, said, if that
        record is no longer the one under the cursor."""


def _all_hidden(screen: Screen[object], key: str) -> list[tuple[DOMNode, Binding, str, tuple[object, ...]]] | None:
    """The bindings of ``key`` in the focus's chain that are hidden, each with its namespace, action and parameters;
    None when one takes it (or is shown, disabled)."""
    hidden: list[tuple[DOMNode, Binding, str, tuple[object, ...]]] = []
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
            hidden.append((namespace, binding, name, parameters))
    return hidden


def hidden_key_line(screen: Screen[object], key: str) -> str | None:
    """The line a press of ``key`` on ``screen`` says ("Y: Approve post — only on a post in review") when every
    binding of it in the focus's chain is hidden and one of them says why; None when a binding takes it (or is shown,
    disabled) or none says why."""
    for namespace, binding, name, parameters in _all_hidden(screen, key) or ():
        if isinstance(namespace, SaysHiddenKeys):
            why = namespace.hidden_because(name, parameters)
            if why:
                return f"{shown_key(key)}: {binding.description} — {why}"
    return None


def early_key(screen: Screen[object], key: str) -> tuple[KeepsEarlyKeys, str, tuple[object, ...], str] | None:
    """When every binding of ``key`` on ``screen`` is hidden and one is hidden only until a read says whether it is
    offered: its namespace, action and parameters, and what the read is ("the post's approvals were read")."""
    for namespace, _, name, parameters in _all_hidden(screen, key) or ():
        if isinstance(namespace, KeepsEarlyKeys) and (reading := namespace.read_before(name, parameters)) is not None:
            return namespace, name, parameters, reading
    return None
