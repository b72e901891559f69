"""A one-line input that keeps a pasted text whole and applies the keys typed in one burst in their order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.cells import cell_len, set_cell_size
from textual import events
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

from crewdeck.widgets.own_keys import run_own_binding

#: The field's own keys left to bubble to the app: ``enter`` (submit) is waited for there (the keys typed after it are
#: held until it has run), as ``escape`` and ``tab`` are, which the field does not bind.
LEAVE_THE_FIELD = frozenset({"enter", "escape", "tab", "shift+tab"})


def _unfolded(text: str, joiner: str) -> str | None:
    """No rule given: every paste is Textual's own (its first line)."""
    return None


#: How a paste of several lines (or holding a tab) becomes one line, joined by ``joiner``; ``None``: nothing to fold.
#: The rule is the workspace's (``crewdeck.tui.workspace.one_line.folded``), by which an import folds a title from
#: another tool's file too; the app sets it here as it starts, as it sets ``cutting.keep``: the widgets import no logic.
fold: Callable[[str, str], str | None] = _unfolded


class OneLineInput(Input):
    """Textual's ``Input``, but a paste of several lines is taken whole, its lines joined by ``joiner`` (a space;
    ", " where the field takes a list separated by commas), and a placeholder wider than the field is cut with an
    ellipsis.

    Textual's keeps the first line of a paste and drops the rest unsaid: feedback pasted from an email into a
    note ("Please change:" and a list under it) was kept as "Please change:".  The lines are folded by ``fold``
    (the app's rule: trimmed, the empty ones left out, a tab a space); a paste of one line and no tab is taken as
    it is.

    Its editing keys (backspace, delete, the arrows, home, end, ctrl+u ...) act in the order typed with the
    characters: Textual's inserts a character in its own key handler, but runs a bound key's action only once the key
    has bubbled up to the app, after the keys queued behind it.  In the Budget pane's new entry, backspace x3 and
    "EUR" typed in one burst left "12.50 CHF" ("EUR" typed, then deleted); backspace and "X" left the text as it was
    (Textual's issue #6605).
    """

    def __init__(self, *args: Any, joiner: str = " ", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.joiner = joiner

    async def _on_key(self, event: events.Key) -> None:
        # Textual's handler, run after this one, inserts a printable character; a key the field does not bind (or whose
        # action it skips: ctrl+c with nothing selected) bubbles on to where it is bound, as before.
        if not event.is_printable and event.key not in LEAVE_THE_FIELD:
            await run_own_binding(self, event)

    def _watch_value(self, value: str) -> None:
        # Textual's sets the virtual size (the text's width) on every change, and a new virtual size asks for a layout
        # of the screen: ~1.5 ms a typed character in the filter box, drawn again with the pane around it.  A field
        # whose size does not follow its text (no auto width or height) needs none: its scrolling reads the virtual
        # size as set here, so it is set without asking, and Textual's finds it unchanged.
        if not self.styles.auto_dimensions:
            self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
            # The layout it no longer asks for is what brought the scroll back within a shorter text (cut by ctrl+k).
            self.scroll_x = self.validate_scroll_x(self.scroll_x)
        super()._watch_value(value)

    def _on_paste(self, event: events.Paste) -> None:
        text = fold(event.text, self.joiner)
        if text is None:
            return  # Textual's own handler takes it
        event.prevent_default()
        event.stop()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    def render_line(self, y: int) -> Strip:
        # Textual crops a placeholder wider than the field where it ends: at 80 columns a new ledger entry's category
        # read "influencers · sponsored-posts · content-tools ·", the others it stood for cut without a sign.
        room = self.scrollable_content_region.width
        hint = self.placeholder
        if y != 0 or self.value or cell_len(hint) <= room or room < 2:
            return super().render_line(y)
        self.set_reactive(Input.placeholder, set_cell_size(hint, room - 1).rstrip() + "…")
        try:
            return super().render_line(y)
        finally:
            self.set_reactive(Input.placeholder, hint)
