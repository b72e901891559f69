"""A dialog whose answer is being written closes itself once it is: its escape waits, and says why in one line.

A picker's choice, a prompt's text, the notes, a post's copy and a new ledger entry are written from the dialog, which
closes once the write is done, or stays saying why it was refused.  A write that takes long is waiting for another one
that holds the file.  Escape then would close the dialog, and the write's own close would take the screen under it
(a dialog's close takes the screen on top); so escape waits.  It rang a bell, which tmux does not show: now, while the
answer is written, the dialog's escape is not offered (the footer shows no Cancel) and, pressed, says why in the one
line a hidden key says (``hidden_keys``).  Every other key typed into it meanwhile is said the same way and goes
nowhere: held for the dialog's close, as keys typed after a field's ``enter`` are, it acted on the screen under it once
written (``d`` typed while a task's priority waited marked the task done).
"""

from __future__ import annotations

import math
from abc import abstractmethod
from typing import ClassVar

from textual import events
from textual._time import get_time  # the clock Textual stamps each key's ``time`` with
from textual.screen import Screen

from crewdeck.sync.state.store import BUSY_TIMEOUT


def being_written(what: str) -> str:
    """Why a dialog does not close now: "your choice is being written (…): this closes once it is"."""
    return f"{what} is being written (another write may hold the file, up to {BUSY_TIMEOUT:g} s): this closes once it is"


class ClosesOnceWritten:
    """A dialog (a ``ModalScreen``) whose ``cancel`` action waits while its answer is written.  Each change of
    ``writing`` is followed by ``refresh_bindings()``, so that the footer offers Cancel, or not, as it is now."""

    #: What the line says is being written.
    written_name: ClassVar[str] = "your answer"
    #: When the answer last began to be written, on the clock of keys' ``time``.
    _writing_since: float = math.inf

    @property
    @abstractmethod
    def writing(self) -> bool:
        """Whether the answer is being written (each dialog knows its own write)."""

    def writing_began(self) -> None:
        """The answer has begun to be written (``writing`` is true now): escape is not offered from now on, and the keys
        typed from now on go nowhere (``typed_while_written``)."""
        self._writing_since = get_time()
        assert isinstance(self, Screen)
        self.refresh_bindings()

    def typed_while_written(self, time: float) -> bool:
        """Whether a key typed at ``time`` was typed while the answer was being written, the dialog up waiting, as
        opposed to one typed ahead with the key that answered (``enter`` and ``jj`` in one burst): those go where the
        focus goes once the dialog closes (``KeysAhead``)."""
        return self.writing and time >= self._writing_since

    #: The last answer was refused, the dialog left open saying why: the keys typed with it go to it now.
    answer_refused: bool = False

    def answered_by(self, key: events.Key) -> bool:
        """Whether ``key``, sent to the dialog's focus, answers it with no text field to take it (a picker's ``enter``
        or a choice's key): the keys typed with it wait for the dialog to close (``KeysAhead.escape_in_field``), or
        for its answer to be refused (``answer_refused``)."""
        return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "cancel" and self.writing)

    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why escape does nothing now, said when it is pressed (``hidden_keys``)."""
        return being_written(self.written_name) if action == "cancel" else None
