"""``?``: every key of the app, by where it works, as the keymap has it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.keys import key_to_character
from textual.screen import ModalScreen
from textual.widgets import Static

from crewdeck.widgets.key_footer import KeyFooter

#: Key names Textual gives no character for that are shown as one.
_SIGNS = {"plus": "+", "minus": "-", "slash": "/"}


def shown_key(key: str) -> str:
    """``question_mark`` as ``?``, ``ctrl+left_square_bracket`` as ``ctrl+[``: a key name shown as the character it types."""
    return "+".join(_typed(part) for part in key.split("+"))


def _typed(name: str) -> str:
    # Letters, digits and keys that type white space or nothing keep their names ("space", "tab", "enter").
    character = _SIGNS.get(name) or key_to_character(name) if len(name) > 1 else None
    if character and character.isprintable() and not character.isspace() and not character.isalnum():
        return character
    return name


def _literal(text: str) -> str:
    """``text`` as Textual markup shows it (a lone ``[`` would otherwise open a tag)."""
    return text.replace("[", "\\[")


def shown_keys(binding: Binding, keymap: dict[str, str]) -> str:
    """A binding's keys as the keymap has them, each as the character it types: ``[``, ``ctrl+r, U``."""
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    # A keymap may space its list ("o, p"), as Textual reads it.
    return ", ".join(shown_key(k.strip()) for k in keys.split(","))


def binding_rows(bindings: Iterable[BindingType], keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """``(keys, description, id)`` of each binding, with the keymap applied."""
    return [(shown_keys(b, keymap), b.description, b.id or "") for b in bindings if isinstance(b, Binding)]


class HelpScreen(ModalScreen[None]):
    """The keys, grouped by where they work.

    | key | action |
    |---|---|
    | `escape` `?` `q` | close |
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%;
        max-width: 110;
        height: 90%;
        padding: 1 1;
        background: $panel;
        border: round $accent;
    }
    HelpScreen Static { height: auto; }
    """

    def __init__(self, sections: list[tuple[str, Iterable[BindingType]]], keymap: dict[str, str], *, palette: bool = True) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap
        #: Whether the reader has the command palette (a guest has not).
        self.palette = palette

    def compose(self) -> ComposeResult:
        palette = "; ctrl+p lists every command" if self.palette else ""
        lines = [f"[b]Keys[/b]  [dim](rebind any of them in the config's \\[keymap] by its id{palette})[/dim]"]
        sections = [(title, binding_rows(bindings, self.keymap)) for title, bindings in self.sections]
        rows = [row for _, section in sections for row in section]
        # Columns as wide as their widest entry, so that a line keeps its id at 80 columns rather than wrap it
        # onto a line of its own.
        keys_width = max((len(keys) for keys, _, _ in rows), default=0)
        description_width = max((len(description) for _, description, _ in rows), default=0)
        for title, section in sections:
            lines += ["", f"[b]{_literal(title)}[/b]"]
            for keys, description, binding_id in section:
                lines.append(
                    f"  [b]{_literal(keys.ljust(keys_width))}[/b] {_literal(description.ljust(description_width))} [dim]{binding_id}[/dim]"
                )
        with VerticalScroll():
            yield Static("\n".join(lines))
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)
