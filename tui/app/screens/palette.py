"""``ctrl+p``: Textual's command palette, with the app's key footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.command import CommandPalette

from crewdeck.widgets.key_footer import KeyFooter


class Palette(CommandPalette):
    """The command palette, its footer showing its own keys as every dialog's does: Textual's draws none, so the line
    under it kept the keys of the panes under it, which typed into its search box instead."""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield KeyFooter(palette=False)
