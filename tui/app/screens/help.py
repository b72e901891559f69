"""``?``: every key of the app, by where it works, as the keymap has it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len
from rich.console import RenderableType
from rich.constrain import Constrain
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.keys import key_to_character
from textual.screen import ModalScreen

from crewdeck.tui.app.screens.scrolling import scroll_bindings, scroll_column
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.rendered_column import RenderedColumn

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


def shown_keys(binding: Binding, keymap: dict[str, str]) -> str:
    """A binding's keys as the keymap has them, each as the character it types: ``[``, ``ctrl+r, U``."""
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    # A keymap may space its list ("o, p"), as Textual reads it.
    return ", ".join(shown_key(k.strip()) for k in keys.split(","))


def said_key(app: App[object], bindings: Iterable[BindingType], binding_id: str, *, every: bool = False) -> str:
    """How a screen's own line of help names the key of ``binding_id``, one of ``bindings``, as the keymap has it:
    ``ctrl+s``, ``esc`` (its first key); ``every``: each of its keys ("n or esc").  A line that said the default
    ("ctrl+s saves") told of a key that no longer did it once the keymap gave the action another."""
    binding = next(b for b in bindings if isinstance(b, Binding) and b.id == binding_id)
    # The keymap the app gave Textual (``set_keymap``), which applies it to every screen's bindings.
    keys = app._keymap.get(binding_id, binding.key)
    names = ["esc" if key == "escape" else shown_key(key) for key in (part.strip() for part in keys.split(","))]
    return " or ".join(names) if every else names[0]


def binding_rows(bindings: Iterable[BindingType], keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """``(keys, description, id)`` of each binding, with the keymap applied; the description is the binding's tooltip
    where it has one: the longer words the footer has no room for (the calendar's "Rows: platform/campaign")."""
    return [(shown_keys(b, keymap), b.tooltip or b.description, b.id or "") for b in bindings if isinstance(b, Binding)]


def _key_table(rows: list[tuple[str, str, str]], widths: tuple[int, int, int]) -> RenderableType:
    """One section's keys, descriptions and ids in columns as wide as the widest of every section, so that they line up
    down the screen.  Where the dialog is narrower than that, the descriptions wrap under themselves: an id stays whole
    (it is what the config takes) and never wraps under the keys."""
    keys, descriptions, ids = widths
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=keys, style="bold")
    table.add_column(ratio=1, overflow="fold")
    table.add_column(width=ids, style="dim", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return Padding(Constrain(table, keys + descriptions + ids + 2), (0, 0, 0, 2))


class HelpScreen(ModalScreen[None]):
    """The keys, grouped by where they work.

    | key | action |
    |---|---|
    | `escape` `?` `q` | close |
    | `j` `k` `down` `up` | scroll a line |
    | `space` `pagedown` `pageup` | scroll a page |
    | `g` `G` `home` `end` | to the top, the bottom |
    """

    # The moves of every list of the app (``LineTable``): j and k did nothing here, only the arrows scrolled.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
        *scroll_bindings("help", page_down="pagedown,space"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > RenderedColumn {
        width: 90%;
        max-width: 110;
        height: 90%;
        padding: 1 1;
        background: $panel;
        border: round $accent;
    }
    """

    def __init__(
        self, sections: list[tuple[str, Iterable[BindingType]]], keymap: dict[str, str], *, palette: bool = True, rebinds: bool = True
    ) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap
        #: Whether the reader has the command palette (a guest has not).
        self.palette = palette
        #: Whether the reader may rebind keys: not in an SSH or browser session, whose config is the team account's.
        self.rebinds = rebinds

    def compose(self) -> ComposeResult:
        said = ["rebind any of them in the config's [keymap] by its id"] if self.rebinds else []
        said += ["ctrl+p lists every command"] if self.palette else []
        heading = Text.assemble(("Keys", "bold"), "  ", (f"({'; '.join(said)})" if said else "", "dim"))
        sections = [(title, binding_rows(bindings, self.keymap)) for title, bindings in self.sections]
        if not self.rebinds:
            # The ids are what a keymap takes: with no config of one's own they only crowd the keys out.
            sections = [(title, [(keys, text, "") for keys, text, _ in rows]) for title, rows in sections]
        rows = [row for _, section in sections for row in section]
        widths = (
            # As wide as the widest key: a row of several wraps between them ("pagedown," over "space"), or the
            # palette's "ctrl+home, shift+home" took 12 cells from every description.
            max((cell_len(key) for keys, _, _ in rows for key in keys.split(" ")), default=0),
            max((cell_len(text) for _, text, _ in rows), default=0),
            max((cell_len(binding_id) for _, _, binding_id in rows), default=0),
        )
        parts: list[RenderableType] = [heading]
        for title, section in sections:
            parts += [Text(""), Text(title, style="bold"), _key_table(section, widths)]
        yield RenderedColumn(parts)
        yield KeyFooter()

    def on_key(self, event: events.Key) -> None:
        # The key that opened the list closes it, as ? does: with app.help = f1 in the keymap, f1 did nothing here.
        closing = said_key(self.app, self.BINDINGS, "help.close", every=True).split(" or ")
        opening = said_key(self.app, self.app.BINDINGS, "app.help", every=True).split(" or ")
        if shown_key(event.key) in opening and shown_key(event.key) not in closing:
            event.stop()
            self.dismiss(None)

    def action_scroll(self, how: str) -> None:
        column = self.query_one(RenderedColumn)
        column.lay_out()
        scroll_column(column, how)

    def action_close(self) -> None:
        self.dismiss(None)
