"""The footer: the keys that act now, on one line, and the command palette's key on the right."""

from __future__ import annotations

import sys
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import events
from textual.actions import parse as parse_action
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import REPLACED_KEYS, key_to_character
from textual.screen import Screen
from textual.widget import Widget


class FooterKey(NamedTuple):
    """One key the footer shows."""

    key: str  # what a click on it presses
    display: str  # the key as the footer shows it
    description: str
    enabled: bool


def footer_keys(screen: Screen[object]) -> tuple[tuple[FooterKey, ...], FooterKey | None]:
    """The screen's keys to show (one per action, as Textual's footer), and the command palette's."""
    app = screen.app
    active = screen.active_bindings
    keys: dict[str, FooterKey] = {}
    places: dict[str, tuple[int, int]] = {}
    chain = {id(node): index for index, (node, _) in enumerate(screen._modal_binding_chain)}
    for node, binding, enabled, _tooltip in active.values():
        # A priority key acts before the focused widget; any other the focused text box may type instead.
        if binding.show and binding.action not in keys and (binding.priority or not _typed(screen, binding.key)):
            keys[binding.action] = FooterKey(binding.key, app.get_key_display(binding), binding.description, enabled)
            places[binding.action] = (chain.get(id(node), len(chain)), _declared(node, binding))
    # In the order each widget declares its keys: a keymap's key is bound after the others (Textual's apply_keymap),
    # and "triage.done = o" moved Done to the end of the line, where a narrow footer drops descriptions first.
    keys = dict(sorted(keys.items(), key=lambda item: places[item[0]]))
    palette = None
    if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
        _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
        palette = FooterKey(binding.key, app.get_key_display(binding), binding.description, enabled)
    elif app.ENABLE_COMMAND_PALETTE and screen.is_modal:
        palette = _palette_over(screen)
    return tuple(keys.values()), palette


def _declared(node: DOMNode, binding: Binding) -> int:
    """Where ``binding`` stands among the keys ``node``'s class declares (before any keymap moved them)."""
    declared = type(node)._merged_bindings
    if declared is not None:
        for index, (_key, first) in enumerate(declared):
            if first.action == binding.action and first.id == binding.id:
                return index
    return sys.maxsize


def _typed(screen: Screen[object], key: str) -> bool:
    """Whether the focused widget (a text box) takes ``key`` as text, before any binding of it: Textual leaves active
    the bindings of keys it names by other words than Unicode's ("slash" for SOLIDUS), so a filter box's footer
    said "/ Filter" while / typed a slash into it."""
    focused = screen.focused
    if focused is None:
        return False
    character = key_to_character(REPLACED_KEYS.get(key, key))
    return character is not None and focused.check_consume_key(key, character)


def _palette_over(screen: Screen[object]) -> FooterKey | None:
    """The palette's key over a dialog: its active keys stop at the dialog, but the app's priority keys act over it as
    everywhere (Textual checks them along the whole chain), so ctrl+p opens the palette there too and is said."""
    app = screen.app
    for binding in app._bindings.key_to_bindings.get(app.COMMAND_PALETTE_BINDING, []):
        _namespace, name, parameters = parse_action(binding.action)
        state = app.check_action(name, parameters)
        if binding.priority and state is not False:
            return FooterKey(binding.key, app.get_key_display(binding), binding.description, bool(state))
    return None


#: The fewest characters a shortened description keeps before its ellipsis: fewer say nothing.
SHORTEST_DESCRIPTION = 3


def label_width(key: FooterKey, description: str) -> int:
    """The cells of " key description " (of " key " when there is no description)."""
    return cell_len(key.display) + 2 + (cell_len(description) + 1 if description else 0)


def shortened(description: str, cells: int) -> str:
    """The description cut to fit `cells` with its ellipsis, or "" when too little of it would be left."""
    kept = set_cell_size(description, max(cells - 1, 0)).rstrip()
    return f"{kept}…" if cell_len(kept) >= SHORTEST_DESCRIPTION else ""


def fitted(keys: tuple[FooterKey, ...], room: int) -> list[tuple[FooterKey, str]]:
    """The keys to draw in `room` cells, each with the description to draw beside it.

    Every key with its whole description when they fit; otherwise descriptions
    go from the right, keeping the key (the last to go cut to what room is left),
    so that the keys that act stay on the line; only when even the bare keys do
    not fit are keys left out, from the right.
    """
    descriptions = [key.description for key in keys]
    width = sum(label_width(key, key.description) for key in keys)
    for index in reversed(range(len(keys))):
        if width <= room:
            break
        key = keys[index]
        width -= label_width(key, key.description) - label_width(key, "")
        descriptions[index] = shortened(key.description, room - width - 1) if width <= room else ""
        width += label_width(key, descriptions[index]) - label_width(key, "")
    drawn: list[tuple[FooterKey, str]] = []
    used = 0
    for key, description in zip(keys, descriptions, strict=True):
        used += label_width(key, description)
        if used > room:
            break
        drawn.append((key, description))
    return drawn


class KeyFooter(Widget, can_focus=False):
    """The keys of the focused widget, its containers, the screen and the app.

    Drawn as one line of text: when focus moves, the line is drawn again.
    Textual's footer composes a widget per key instead, and composes them all
    again on every change of focus: tens of milliseconds each time, shared
    with whatever the key that moved focus asked for.  When the keys do not
    fit the width their descriptions are shortened from the right, and only
    keys that do not fit even bare are left out; the palette's key always shows.
    A click on a key presses it.

    As Textual's footer, it shows the keys of its own screen: a dialog (a
    modal screen) composes one too, docked over the line of the screen under
    it, whose keys do not reach past the dialog.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, palette: bool = True) -> None:
        """``palette=False`` for the palette itself, where its key opens nothing."""
        super().__init__()
        self._with_palette = palette
        self.shown: tuple[FooterKey, ...] = ()
        self.palette_key: FooterKey | None = None
        #: Where each key was drawn: (first column, past the last column, key).
        self._drawn: list[tuple[int, int, FooterKey]] = []

    def _keys(self) -> tuple[tuple[FooterKey, ...], FooterKey | None]:
        shown, palette = footer_keys(self.screen)
        return shown, palette if self._with_palette else None

    def on_mount(self) -> None:
        self.shown, self.palette_key = self._keys()
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        # A terminal that loses focus takes the app's focus too: keep the keys
        # of the widget that will have it back.
        if screen is not self.screen or not screen.app.app_focus:
            return
        shown = self._keys()
        if shown != (self.shown, self.palette_key):
            self.shown, self.palette_key = shown
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key", partial=True)
        description_style = self.get_component_rich_style("key-footer--description", partial=True)
        width = self.size.width
        palette = self._label(self.palette_key, self.palette_key.description, key_style, description_style) if self.palette_key else None
        room = width - (palette.cell_len + 1 if palette else 0)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._drawn = []
        for key, description in fitted(self.shown, room):
            label = self._label(key, description, key_style, description_style)
            self._drawn.append((line.cell_len, line.cell_len + label.cell_len, key))
            line.append_text(label)
        if palette is not None and self.palette_key is not None:
            start = max(line.cell_len, width - palette.cell_len - 1)
            line.pad_right(start - line.cell_len)
            line.append("▏", Style(dim=True))
            self._drawn.append((start + 1, start + 1 + palette.cell_len, self.palette_key))
            line.append_text(palette)
        return line

    @staticmethod
    def _label(key: FooterKey, description: str, key_style: Style, description_style: Style) -> Text:
        label = Text.assemble((f" {key.display} ", key_style), (f"{description} " if description else "", description_style))
        if not key.enabled:
            label.stylize(Style(dim=True))
        return label

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._drawn:
            if start <= event.x < end:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
