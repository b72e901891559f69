"""The deadlines pane in the app: a key that changes the day, and the grid's build at 100,000 tasks.

``[`` and ``]`` build the grid of another day in a worker (the store is
read under the session's lock) and hand it to the widget; the figure is
from the key press to the last visible line of the frame that shows the
new day (``render_line`` is timed where Textual's compositor calls it), in
a headless app at 160x48 on 50 members in 25 zones and 1,000 tasks around
now.  The pane builds the grid again on every change to tasks or members,
so the build itself is measured on the 100,000-task workspace too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time

from bench_cli import SIZE, populated_workspace
from bench_time import NOW, team_workspace
from harness import WORK, Bench, median, percentile, repeat

from crewdeck.tui.session.session import Session
from crewdeck.tui.time.grid import build_grid
from crewdeck.tui.time.when import utc_iso
from crewdeck.tui.workspace.config import Config
from crewdeck.tui.workspace.workspace import Workspace


def bench_day_keys(bench: Bench) -> None:
    from crewdeck.tui.app.app import CrewdeckApp
    from crewdeck.tui.app.grid_pane import GridPane
    from crewdeck.widgets.deadline_grid import DeadlineGrid

    os.environ["CREWDECK_NOW"] = utc_iso(NOW)
    path = team_workspace(WORK / "gridpane_team50.db", 50, 1000)
    presses = 20 if bench.quick else 60
    key_times: list[float] = []

    async def drive() -> None:
        app = CrewdeckApp(Session.open(path, "m06", None), Config(), watch=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("2")
            pane = app.main_screen.query_one(GridPane)
            grid = app.main_screen.query_one(DeadlineGrid)
            while pane.shown is None:
                await pilot.pause()
            #: (when, the day on screen) of every line drawn.
            drawn: list[tuple[float, dt.date]] = []
            render_line = grid.render_line

            def timed_render_line(y: int) -> object:
                strip = render_line(y)
                drawn.append((time.perf_counter(), pane.shown.day))  # type: ignore[union-attr]
                return strip

            grid.render_line = timed_render_line  # type: ignore[method-assign]
            for i in range(presses):
                key, step = ("right_square_bracket", 1) if i % 2 == 0 else ("left_square_bracket", -1)
                want = pane.shown.day + dt.timedelta(days=step)  # type: ignore[union-attr]
                drawn.clear()
                t0 = time.perf_counter()
                await pilot.press(key)
                while pane.shown is None or pane.shown.day != want:
                    await pilot.pause()
                await pilot.pause()  # the frame with the new day, if not drawn yet
                new_day = [at for at, day in drawn if day == want]
                if not new_day:
                    raise RuntimeError(f"{key} never drew {want}")
                key_times.append(new_day[-1] - t0)
            grid.render_line = render_line  # type: ignore[method-assign]
        app.session.close()

    asyncio.run(drive())
    key_ms = median(key_times) * 1000
    bench.record(
        "time",
        "deadlines pane, 50 members: [ ] to the other day drawn (median)",
        key_ms,
        "ms",
        "<= 50 ms",
        key_ms <= 50,
        f"p90 {percentile(key_times, 90) * 1000:.1f} ms over {presses} keys, 1,000 tasks, 160x48",
    )


def bench_build_at_size(bench: Bench) -> None:
    ws = Workspace.open(populated_workspace(SIZE))
    try:
        members = len(ws.members())
        build = median(repeat(lambda: build_grid(ws, NOW.date(), "Europe/Berlin", NOW), runs=5 if bench.quick else 15)) * 1000
    finally:
        ws.close()
    bench.record(
        "time",
        f"deadline grid build at {SIZE:,} tasks ({members} members, a day of markers)",
        build,
        "ms",
        detail="runs in a worker under the session lock on every task or member change and each minute",
    )


def run(bench: Bench) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    bench_day_keys(bench)
    bench_build_at_size(bench)
