"""What the notes editor and the copy editor share: a text area whose text is written through ``submit``, staying,
with why under it, when it is refused."""

from __future__ import annotations

from typing import ClassVar

from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from crewdeck.tui.app.drafts import DraftFor
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.discard import HoldsText
from crewdeck.tui.app.screens.prompt import Submit
from crewdeck.tui.app.workers import background, submit_or_refuse


class TextEditorScreen(HoldsText, ModalScreen[str | None]):
    """A text edited in a ``TextArea`` with the id ``#{PART}-text``, and a ``Static`` ``#{PART}-refused`` under it
    that says why the text was refused (shown by its class ``-shown``)."""

    #: What starts the ids of its text area and of the line under it ("notes").
    PART: ClassVar[str]

    def __init__(self, submit: Submit | None, draft_for: DraftFor | None = None) -> None:
        super().__init__()
        self.submit = submit
        self.draft_for = draft_for
        #: The text being written (``ctrl+s`` again waits for it).
        self.submitting: str | None = None

    @property
    def text_area(self) -> TextArea:
        return self.query_one(f"#{self.PART}-text", TextArea)

    def on_text_area_changed(self) -> None:
        self.query_one(f"#{self.PART}-refused", Static).remove_class("-shown")  # said of the text as it was

    def _write(self, text: str) -> None:
        """Write ``text`` (``ctrl+s``), once: the dialog closes when it is written, or stays saying why not.  Meanwhile
        the text is read-only, as what is typed into it then would be lost with it, and escape is not offered (the
        notes' text area, which indents, would take escape to move the focus on)."""
        if self.submitting is None:
            self.submitting = text
            self.text_area.read_only = True
            self.writing_began()
            self._submit(text)

    @background(group="text-editor-submit")
    def _submit(self, text: str) -> None:
        assert self.submit is not None
        submit_or_refuse(self.app, self.submit, text, self._refused, self.dismiss)

    def _refused(self, why: str) -> None:
        """The text was refused: it stays, with the reason under it, to fix and save again."""
        self.submitting = None
        self.text_area.read_only = False
        self.refresh_bindings()
        refused = self.query_one(f"#{self.PART}-refused", Static)
        refused.update(plain(why))  # it may quote the text
        refused.add_class("-shown")
        self.text_area.focus()

    def draft_values(self) -> dict[str, str]:
        return {"text": self.text_area.text}

    def restore_draft(self, values: dict[str, str]) -> None:
        text = self.text_area
        text.text = values.get("text", "")
        text.move_cursor(text.document.end)

    @property
    def writing(self) -> bool:
        return self.submitting is not None
