"""A dialog that keeps what was typed before its text field had focus."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import events
from textual.screen import ModalScreen
from textual.widgets import Input

ResultType = TypeVar("ResultType")


class TypedAheadScreen(ModalScreen[ResultType]):
    """A modal whose text field (``FIELD``, a selector) takes the keys typed ahead of it.

    The keys typed in one burst with the key that opens the dialog are sent
    to it before its field is mounted and focused (``KeysAhead``): they
    reach the dialog itself, where they were lost.  They are kept, and once
    the field has focus (and has selected a value it was given, as focusing
    it does) they are typed into it in order, ``enter`` answering as it
    would have.
    """

    FIELD: ClassVar[str]

    def __init__(self) -> None:
        super().__init__()
        self._typed_ahead: list[events.Key] = []
        self._field_ready = False

    @property
    def field_ready(self) -> bool:
        """Whether the keys kept are in the field (it has focus): what is typed now may go to it."""
        return self._field_ready

    @property
    def answering(self) -> bool:
        """Whether the dialog is acting on its answer (it closes, or says why not, when done)."""
        return False

    def on_key(self, event: events.Key) -> None:
        if not self._field_ready and (event.is_printable or event.key == "enter"):
            event.stop()
            event.prevent_default()
            self._typed_ahead.append(event)

    async def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self._field_ready:
            return
        self._field_ready = True
        field = self.query_one(self.FIELD, Input)
        for key in self._typed_ahead:
            if key.key == "enter":
                await field.action_submit()
            elif field.selection.is_empty:
                field.insert_text_at_cursor(key.character or "")
            else:
                field.replace(key.character or "", *field.selection)
        self._typed_ahead.clear()
