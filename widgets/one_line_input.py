"""A one-line input that keeps a pasted text whole."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size
from textual import events
from textual.strip import Strip
from textual.widgets import Input


class OneLineInput(Input):
    """Textual's ``Input``, but a paste of several lines is taken whole, its lines joined by ``joiner`` (a space;
    ", " where the field takes a list separated by commas), and a placeholder wider than the field is cut with an
    ellipsis.

    Textual's keeps the first line of a paste and drops the rest unsaid: feedback pasted from an email into a
    note ("Please change:" and a list under it) was kept as "Please change:".  The lines are trimmed and the
    empty ones left out, as the line breaks they stood between are; a paste of one line is taken as it is.
    """

    def __init__(self, *args: Any, joiner: str = " ", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.joiner = joiner

    def _on_paste(self, event: events.Paste) -> None:
        lines = event.text.splitlines()
        if len(lines) < 2:
            return  # Textual's own handler takes it
        event.prevent_default()
        event.stop()
        text = self.joiner.join(line for line in (part.strip() for part in lines) if line)
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
