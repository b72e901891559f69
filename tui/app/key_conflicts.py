"""Keys a config's [keymap] may not take: one another binding already has where both work.

A key works in a *scope*: the bindings Textual looks through together (the
focused widget's, its pane's, the screen's, the app's).  Two bindings of one
scope on one key leave one of them unreachable, so a keymap entry whose new
key is taken there is refused, naming the binding that has it.  Only the keys
a keymap adds are checked: the app's own defaults shadow on purpose (``q``
closes a detail screen instead of quitting).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import _character_to_key  # Textual's own spelling of a one-character key, as its keymap uses


@dataclass(frozen=True)
class KeyScope:
    """Bindings that work together: ``where`` names them in a message ("the tasks pane")."""

    where: str
    bindings: tuple[Binding, ...]

    @classmethod
    def of(cls, where: str, *sources: Iterable[BindingType]) -> KeyScope:
        return cls(where, tuple(b for source in sources for b in source if isinstance(b, Binding)))


def key_names(keys: str) -> list[str]:
    """The keys of a binding's ``keys`` ("s,space", "/"), spelled as Textual matches them."""
    return [name for _, name in _spelled(keys)]


def _spelled(keys: str) -> list[tuple[str, str]]:
    """``(as written, as Textual matches it)`` of each key in ``keys``."""
    written = [key.strip() for key in keys.split(",")]
    return [(key, _character_to_key(key) if len(key) == 1 else key) for key in written if key]


def keymap_conflict(keymap: Mapping[str, str], scopes: Iterable[KeyScope], app_wide: frozenset[str]) -> tuple[str, str] | None:
    """``(binding id, why)`` of the first keymap entry that takes a key another binding of its scope has; ``None`` if none does.

    ``app_wide``: the ids of the bindings that work everywhere (named so in the message).
    """
    scopes = list(scopes)
    defaults = {b.id: set(key_names(b.key)) for scope in scopes for b in scope.bindings if b.id}
    for action, keys in keymap.items():
        added = [(written, key) for written, key in _spelled(keys) if key not in defaults.get(action, set())]
        if not added:
            continue
        for scope in scopes:
            if not any(b.id == action for b in scope.bindings):
                continue
            for other in scope.bindings:
                if other.id == action:
                    continue
                taken = set(key_names(keymap.get(other.id, other.key) if other.id else other.key))
                clash = next((written for written, key in added if key in taken), None)
                if clash is None:
                    continue
                named = f"{other.description or other.action!r}" + (f" ({other.id})" if other.id else "")
                whose = f"the app-wide key of {named}" if other.id in app_wide else f"the key of {named} in {scope.where}"
                return action, f"{clash!r} is already {whose}; pick another key, or give that one another key first"
    return None
