"""What the Deadlines and Budget panes open on, read while Textual starts.

The grid opens on today in the viewer's zone, the budget on the current
month: both are known before Textual is imported.  ``Opening`` reads them in
a thread of its own from launch on, next to the warm-up's first page of
tasks, so all three panes have their content in the app's first paint.
Loaded after it instead, they cost a second layout and paint, their queries
shared the GIL with that paint and with the scoring of every task, and all
three panes were drawn ~100-150 ms after the task list (tests/bench/bench_app.py,
docs/design-notes.md "Start-up").

This module imports no Textual: the launcher uses it before Textual is
imported.  The panes ask for their first answer with the key they would
query with themselves; any other key (a terminal resized meanwhile, say) gets
nothing, and the pane reads its own.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from crewdeck.tui.ledger import pane_data
from crewdeck.tui.ledger.pane_data import LedgerPage
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.session.session import Session
from crewdeck.tui.time.grid import Grid, build_grid
from crewdeck.tui.workspace.workspace import Member

T = TypeVar("T")

#: Below this many columns the panes become tabs, one drawn at a time without a border.
NARROW = 100
#: The grid's widest gutter of names, with weekdays and a 12-hour clock (``crewdeck.widgets.deadline_grid.WIDEST_GUTTER``;
#: a test checks they agree).
GRID_GUTTER = 20
#: The most slices a day has (a fall-back day in half hours): the width half hours need.
LONGEST_DAY = 50
#: The entries the budget pane fetches around its cursor (``crewdeck.widgets.windowed_table.BLOCK``; a test checks).
LEDGER_ROWS = 100


def grid_resolution(content_width: int) -> int:
    """Minutes per column of a grid ``content_width`` cells wide: hours where half hours do not fit."""
    return 30 if content_width >= GRID_GUTTER + LONGEST_DAY else 60


def grid_width(terminal_width: int) -> int:
    """The width inside the Deadlines pane in a terminal this wide, as the main screen lays it out.

    Side by side it is the right column (``grid-columns: 11fr 9fr``) inside
    its border; below ``NARROW`` columns it is the whole width.
    """
    if terminal_width < NARROW:
        return terminal_width
    return terminal_width - terminal_width * 11 // 20 - 2  # the left column's share is rounded down


@dataclass(frozen=True)
class GridQuery:
    """The grid of ``day`` in ``zone`` by ``resolution`` minutes."""

    day: dt.date
    zone: str
    resolution: int
    clock24: bool

    def read(self, session: Session, now: dt.datetime) -> Grid:
        return session.access.read(
            lambda ws: build_grid(ws, self.day, self.zone, now, resolution=self.resolution, clock24=self.clock24, reader_tz=session.me.tz)
        )


def first_grid(me: Member, now: dt.datetime, clock24: bool, terminal_width: int) -> GridQuery:
    """The grid the Deadlines pane opens on: today in the viewer's own zone."""
    return GridQuery(pane_data.today(me, now), me.tz, grid_resolution(grid_width(terminal_width)), clock24)


def first_period(me: Member, now: dt.datetime) -> Period:
    """The period the Budget pane opens on: the current month in the viewer's zone."""
    return Period.containing("month", pane_data.today(me, now))


def _or_none(read: Callable[[], T]) -> T | None:
    """``read()``, or nothing if it fails: the failure is the pane's to report, as it reads the same again itself."""
    try:
        return read()
    except Exception:
        return None


class Opening:
    """The first grid and the first budget page, read in a thread from the moment this is made."""

    def __init__(self, session: Session, clock24: bool, now: dt.datetime, terminal_width: int) -> None:
        self.grid_query = first_grid(session.me, now, clock24, terminal_width)
        self.period = first_period(session.me, now)
        self._grid: Grid | None = None
        self._page: LedgerPage | None = None
        self._done = threading.Event()
        self._taken = threading.Lock()

        def read() -> None:
            try:
                self._grid = _or_none(lambda: self.grid_query.read(session, now))
                self._page = _or_none(lambda: pane_data.read_page(session.access, self.period, "", now, (), 0, LEDGER_ROWS))
            finally:
                self._done.set()

        threading.Thread(target=read, name="opening", daemon=True).start()

    def grid(self, query: GridQuery, *, wait: bool) -> Grid | None:
        """The first grid, once, if it is of ``query``; ``wait``: for it to be read, else ``None`` until it is."""
        if query != self.grid_query or not self._ready(wait):
            return None
        with self._taken:
            grid, self._grid = self._grid, None
        return grid

    def page(self, period: Period, limit: int, *, wait: bool) -> LedgerPage | None:
        """The first budget page, once, if it is of ``period`` (no filter, cursor on top) with ``limit`` rows."""
        if period != self.period or limit != LEDGER_ROWS or not self._ready(wait):
            return None
        with self._taken:
            page, self._page = self._page, None
        return page

    def page_warns(self) -> bool:
        """Whether the first budget page, read by now and not yet taken, warns of anything (``False`` until it is read)."""
        if not self._done.is_set():
            return False
        with self._taken:
            return self._page is not None and bool(self._page.warnings)

    def _ready(self, wait: bool) -> bool:
        if wait:
            self._done.wait()
        return self._done.is_set()
