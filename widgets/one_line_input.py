"""A one-line input that keeps a pasted text whole."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input


class OneLineInput(Input):
    """Textual's ``Input``, but a paste of several lines is taken whole, its lines joined by ``joiner`` (a space;
    ", " where the field takes a list separated by commas).

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
