"""What the app expects of a pane (tasks, deadlines, budget).

A pane is a container the app lays out, focuses with ``1`` ``2`` ``3`` and
``tab``, zooms with ``z``, and tells about every change to the workspace.
All three start loading with the screen, and each tells the app once its
first content is on the screen (``drawn``).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.containers import Vertical

from crewdeck.sync.state.oplog import Op
from crewdeck.tui.app.services import Services


class Pane(Vertical):
    """Base class of the app's panes."""

    #: The pane's id and the name ``focus_pane`` takes: "tasks", "grid", "ledger".
    pane_name: ClassVar[str]
    #: The border title and the tab label, after the pane's number.
    pane_title: ClassVar[str]
    #: The record tables the pane reads, those it reads most first: searched first for a damaged cell where a read failed.
    record_tables: ClassVar[tuple[str, ...]] = ()
    #: The sections of ``help_extra`` that are screens of their own (the pane's keys do not work there).
    SCREEN_SECTIONS: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def help_extra(cls) -> list[tuple[str, list[BindingType]]]:
        """Other widgets and screens whose keys ``?`` lists with this pane's: (section, bindings).

        A method, not a list: the screens a pane opens are imported when first
        opened (or listed), not for the app's first paint.
        """
        return []

    def __init__(self, services: Services, *, active: bool = False) -> None:
        # Its classes made with it: set once it was made, each restyled the pane (and the task list's all of it) before
        # it was mounted and styled anyway.
        super().__init__(id=self.pane_name, classes="pane -active" if active else "pane")
        self.services = services
        self.started = False

    def ensure_started(self) -> None:
        """Start the pane, once (the app starts every pane as the main screen mounts)."""
        if not self.started:
            self.started = True
            self.start()

    def focus_main(self) -> None:
        """Focus the widget that takes this pane's keys."""
        self.focus()

    def start(self) -> None:
        """The session is open: load what the pane shows."""

    def drawn(self) -> None:
        """The pane's first content is on the screen (or failed to load): the app starts the rest once all are."""
        self.services.pane_drawn(self.pane_name)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # However the focus came here (a click, say), this is the active pane now: unless it has moved on since (two
        # pane keys at once), where this late word made the pane left behind the active one.
        if self.has_focus_within:
            self.services.pane_focused(self.pane_name)

    def store_changed(self, ops: list[Op], ours: bool) -> None:
        """Operations were committed (``ours``: by this app); refresh what they touch (once started)."""
