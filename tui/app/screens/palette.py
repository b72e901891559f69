"""``ctrl+p``: Textual's command palette, with the app's key footer and its keys rebindable."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import ModalScreen

from crewdeck.widgets.key_footer import KeyFooter

#: Textual's palette keys (by their action) and the ids a config's [keymap] knows them by.
_IDS = {
    "command_list('last')": "palette.last",
    "command_list('first')": "palette.first",
    "cursor_down": "palette.next",
    "escape": "palette.close",
    "command_list('page_down')": "palette.next_page",
    "command_list('page_up')": "palette.previous_page",
    "command_list('cursor_up')": "palette.previous",
}


class Palette(CommandPalette, inherit_bindings=False):
    """The command palette, its footer showing its own keys as every dialog's does: Textual's draws none, so the line
    under it kept the keys of the panes under it, which typed into its search box instead.

    Its keys are Textual's, each given an id: without one, escape closed it whatever key a keymap gave every other
    dialog's cancel.  (Not inherited as well: an id-less escape would still close it.)
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(binding for bindings in ModalScreen._merge_bindings().key_to_bindings.values() for binding in bindings),
        *(replace(b, id=_IDS.get(b.action)) for b in CommandPalette.BINDINGS if isinstance(b, Binding)),
    ]

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield KeyFooter(palette=False)
