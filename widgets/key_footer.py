"""The footer: Textual's, with its keys in the first paint and no rebuild for nothing."""

from __future__ import annotations

from typing import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


def _shown(screen: Screen[object]) -> tuple[Hashable, ...]:
    """What a footer shows of the screen's bindings."""
    return tuple(
        (binding.key, binding.description, binding.action, enabled)
        for _node, binding, enabled, _tooltip in screen.active_bindings.values()
        if binding.show
    )


class KeyFooter(Footer):
    """Textual's footer stays empty until the bindings first change after it
    mounts, then rebuilds itself on every change, even one that changes nothing
    it shows.  While an app starts (panes mounting, focus settling) that is
    several rebuilds in a row before any key appears.  This one has its keys
    in the first paint and rebuilds only when what it shows changes.
    """

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(Footer._bindings_ready, True)
        self._showing: tuple[Hashable, ...] | None = None

    def compose(self) -> ComposeResult:
        self._showing = _shown(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            shown = _shown(screen)
            if shown == self._showing:
                return
            if screen.app.app_focus and self.is_attached:
                # A rebuild is on its way: the same keys again need no other.
                self._showing = shown
        super().bindings_changed(screen)
