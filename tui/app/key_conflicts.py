"""Keys a config's [keymap] may not take: one another binding already has where both work.

A key works in a *scope*: the bindings Textual looks through together (the
focused widget's, its pane's, the screen's, the app's).  Two bindings of one
scope on one key leave one of them unreachable, so a keymap entry whose new
key is taken there is refused, naming the binding that has it.  Only the keys
a keymap adds are checked: the app's own defaults shadow on purpose (``q``
closes a detail screen instead of quitting).  Textual's own priority keys
(``ctrl+q`` quits, ``ctrl+p`` opens the palette) are in every scope: no
keymap entry can take them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual._keyboard_protocol import FUNCTIONAL_KEYS  # the names of the keys a kitty-protocol terminal sends
from textual.binding import Binding, BindingType
from textual.keys import Keys, _character_to_key, key_to_character  # Textual's own spelling of a one-character key, as its keymap uses

#: What Textual writes before a key's name when a modifier is held ("ctrl+shift+up").
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
#: Names of keys Textual's drivers send: those that type no character, and the ASCII signs' ("comma", "plus").
_NAMED = frozenset(
    {key.value for key in Keys if "+" not in key.value and not key.value.startswith("<")}
    | set(FUNCTIONAL_KEYS.values())
    | {_character_to_key(chr(code)) for code in range(0x21, 0x7F)}
)


#: Keys that reach the app as themselves only where the terminal speaks the kitty keyboard protocol (which Textual
#: turns on): tmux and the terminals without it send one byte for both, which Textual names as the second.  A binding
#: on the first works in kitty, WezTerm, foot, Ghostty, and never fires elsewhere: taken, with a warning.
_SENT_AS = {
    "ctrl+i": "tab",
    "ctrl+m": "enter",
    "ctrl+h": "backspace",
    "ctrl+left_square_bracket": "escape",
    "ctrl+space": "ctrl+@",
}
#: Keys Textual names with a sign after a modifier (the byte ctrl+space sends without the kitty protocol).
_SIGNED = frozenset(key.value for key in Keys if "+" in key.value)


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


def not_a_key(keys: str) -> str | None:
    """Why a keymap value holds something no key press matches ("'o o' is not a key ..."); ``None`` if every key is one.

    Textual matches a key press by name only: a key it never names ("Enter", "ctrl o", "," alone) leaves the action without a key.
    """
    for written in keys.split(","):
        key = written.strip()
        if not key:
            return "an empty key between commas (a comma is 'comma')"
        *modifiers, name = key.split("+")
        if modifiers and len(name) == 1 and name.isupper():
            # With a modifier a letter is named small (ctrl+shift+p for the capital): ctrl+P would never match.
            small = "+".join([*modifiers, name.lower()])
            return f"{key!r} is not a key: with a modifier, write the letter small ({small}; add shift+ for the capital)"
        if not _named(key):
            return f"{key!r} is not a key: name keys as Textual does (o, O, ctrl+o, f5, enter, space, comma), several separated by commas"
        if modifiers and len(name) == 1 and _character_to_key(name) != name and key not in _SIGNED:
            # Textual names a sign pressed with a modifier by its name (ctrl+left_square_bracket): ctrl+[ would never match.
            return (
                f"{key!r} is not a key: with a modifier, name the sign as Textual does ({'+'.join([*modifiers, _character_to_key(name)])})"
            )
        if modifiers == ["shift"] and len(name) == 1 and name.isalpha():
            # shift with a letter alone types the capital, in every terminal: the app is sent "O", never "shift+o".
            return f"{key!r} never reaches the app: terminals (and tmux) send it as {name.upper()!r}; write {name.upper()!r}, or pick another key"
    return None


def terminal_dependent(keys: str) -> str | None:
    """A warning for the first of ``keys`` that fires only in a terminal with the kitty keyboard protocol; ``None`` if none."""
    for _, key in _spelled(keys):
        sent = _SENT_AS.get(key)
        if sent is not None:
            return (
                f"in tmux and terminals without the kitty keyboard protocol, {key} arrives as {sent}, and this binding does not"
                " fire there (it does in kitty, WezTerm, foot, Ghostty)"
            )
    return None


def _named(key: str) -> bool:
    if len(key) == 1:
        return key.isprintable() and not key.isspace()
    *modifiers, name = key.split("+")
    if not all(modifier in _MODIFIERS for modifier in modifiers):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    return name in _NAMED or key_to_character(name) is not None


def typing_key(keys: str) -> str | None:
    """The first of ``keys`` (as written) that types a character (``o``, ``O``, ``space``, ``comma``): a text field
    takes it as typed text before any binding of its dialog has it (or, a priority binding's, could never be typed)."""
    for written, name in _spelled(keys):
        character = written if len(written) == 1 else key_to_character(name) if "+" not in name else None
        if character is not None and character.isprintable():
            return written
    return None


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
                if other.id is None and other.priority:
                    return (
                        action,
                        f"{clash!r} is Textual's own key for {other.description!r}, which comes before every other; pick another key",
                    )
                named = f"{other.description or other.action!r}" + (f" ({other.id})" if other.id else "")
                whose = f"the app-wide key of {named}" if other.id in app_wide else f"the key of {named} in {scope.where}"
                return action, f"{clash!r} is already {whose}; pick another key, or give that one another key first"
    return None
