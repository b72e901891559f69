"""A tiny app around the deadline grid, as the real app will use it (tests and benchmarks)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.app import App, ComposeResult

from crewdeck.sync.state.store import Store
from crewdeck.sync.state.zones import zone as zone_info
from crewdeck.tui.time.grid import build_grid
from crewdeck.tui.workspace.demo import build_demo
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.deadline_grid import DeadlineGrid

NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


def demo_workspace(path: Path, now: dt.datetime = NOW) -> Workspace:
    store = Store.create(path)
    build_demo(store, now=now)
    return Workspace(store)


class GridApp(App[None]):
    """Shows one day; answers the grid's requests the way the app does."""

    def __init__(self, ws: Workspace, day: dt.date, zone: str, now: dt.datetime = NOW) -> None:
        super().__init__()
        self.ws, self.day, self.zone, self.now = ws, day, zone, now
        self.messages: list[object] = []
        #: What the zone picker answers in these tests.
        self.picked_zone = "Asia/Kolkata"

    def compose(self) -> ComposeResult:
        yield DeadlineGrid(build_grid(self.ws, self.day, self.zone, self.now))

    def _redraw(self) -> None:
        self.query_one(DeadlineGrid).data = build_grid(self.ws, self.day, self.zone, self.now)

    def on_deadline_grid_day_requested(self, message: DeadlineGrid.DayRequested) -> None:
        self.messages.append(message)
        self.day += dt.timedelta(days=message.offset)
        self._redraw()

    def on_deadline_grid_now_requested(self, message: DeadlineGrid.NowRequested) -> None:
        self.messages.append(message)
        self.day = self.now.astimezone(zone_info(self.zone)).date()
        self._redraw()

    def on_deadline_grid_zone_pick_requested(self, message: DeadlineGrid.ZonePickRequested) -> None:
        self.messages.append(message)
        self.zone = self.picked_zone
        self._redraw()

    def on_deadline_grid_cell_selected(self, message: DeadlineGrid.CellSelected) -> None:
        self.messages.append(message)
