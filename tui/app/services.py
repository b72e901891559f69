"""What the panes and screens use of the app, handed to each when it is made.

A pane or a screen reads and writes through the session's parts, asks the
time, reads the config and the people the app keeps loaded, and tells the
app what it did; it reaches nothing else of the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from crewdeck.tui.app.damaged_notice import DamagedNotice
from crewdeck.tui.app.opening import Opening
from crewdeck.tui.session.session import Session
from crewdeck.tui.session.writing import Written
from crewdeck.tui.time.when import current_time
from crewdeck.tui.workspace.config import Config
from crewdeck.tui.workspace.workspace import Campaign, Member


class Services:
    def __init__(
        self,
        session: Session,
        config: Config,
        *,
        written: Callable[[str, Written | None], None],
        first_screen_ready: Callable[[], None],
        pane_drawn: Callable[[str], None],
        pane_focused: Callable[[str], None],
        damaged: DamagedNotice,
        opening: Opening | None = None,
    ) -> None:
        self.session = session
        #: The config as last saved (a theme picked in the app is saved).
        self.config = config
        #: The members and campaigns as of their last change (the app loads them again then).
        self.members: list[Member] = []
        self.campaigns: list[Campaign] = []
        #: After one of our writes: the app says what was done and refreshes what it touched.
        self.written = written
        #: The tasks pane's first page is on the screen (or failed to load): ``pane_drawn("tasks")``.
        self.first_screen_ready = first_screen_ready
        #: Pane ``name`` has its first content on the screen (or failed to load it): once all have, the app starts the rest.
        self.pane_drawn = pane_drawn
        #: The Deadlines and Budget panes' first answers, read while Textual started (launch makes it; else the app).
        self.opening = opening
        #: The focus moved into the pane of this name (by a key or a click): it is the active one.
        self.pane_focused = pane_focused
        #: Says where a cell crewdeck never writes is, after a read or a row failed on one.
        self.damaged = damaged

    def now(self) -> dt.datetime:
        return current_time()

    @property
    def viewer_tz(self) -> str:
        return self.session.me.tz
