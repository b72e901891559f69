"""The posts in the app: the Approvals view opening on 10,000 posts waiting, and the crisis banner on another member's screen.

* Approvals: ``R`` pressed → the first screen of rows drawn (what needs me
  first), on a workspace of 10,000 posts in review, in a headless app at
  160x48.  The view reads the posts a window at a time: the rest are
  counted after the first screen is up.
* Banner: another connection (another member's process) commits
  ``crisis start`` on the shared file; the figure is from that commit to the
  banner shown in the running app of raj, through the app's change watcher,
  with no key pressed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from pathlib import Path

from harness import WORK, Bench, median

from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing
from crewdeck.tui.session.session import Session
from crewdeck.tui.time.when import utc_iso
from crewdeck.tui.workspace.config import Config
from tests.postsupport import add_posts, ids, team_workspace

NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
POSTS = 10_000


def waiting_workspace() -> Path:
    path = WORK / f"posts_waiting_{POSTS}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        store = team_workspace(partial, NOW)
        add_posts(store, POSTS, NOW + dt.timedelta(days=2), every=dt.timedelta(minutes=30), submitted=NOW)
        store.close()
        partial.rename(path)
    return path


def bench_approvals_open(bench: Bench, path: Path) -> None:
    from crewdeck.tui.app.app import CrewdeckApp
    from crewdeck.tui.app.screens.approvals import ApprovalsScreen
    from crewdeck.widgets.post_table import PostTable

    runs = 5 if bench.quick else 15
    times: list[float] = []
    #: When the table's last line was drawn with rows in it: the first screen is on the terminal.
    drawn: list[float] = []
    render_line = PostTable.render_line

    def timed_render_line(table: PostTable, y: int) -> object:
        strip = render_line(table, y)
        if table.total and y == table.size.height - 1:
            drawn.append(time.perf_counter())
        return strip

    PostTable.render_line = timed_render_line  # type: ignore[method-assign,assignment]  # timed where the compositor calls it

    async def drive() -> None:
        app = CrewdeckApp(Session.open(path, "mia", None), Config(), watch=False)
        async with app.run_test(size=(160, 48)) as pilot:
            for _ in range(runs):
                drawn.clear()
                t0 = time.perf_counter()
                await pilot.press("R")
                while not drawn:
                    await pilot.pause(0)
                times.append(drawn[0] - t0)
                screen = app.screen
                assert isinstance(screen, ApprovalsScreen)
                while not screen.done:
                    await pilot.pause(0.01)
                await pilot.press("escape")
                while isinstance(app.screen, ApprovalsScreen):
                    await pilot.pause(0)
        app.session.close()

    asyncio.run(drive())
    PostTable.render_line = render_line  # type: ignore[method-assign]  # as it was
    ms = median(times) * 1000
    bench.record(
        "posts", f"Approvals view, {POSTS:,} posts waiting: R to the first screen drawn (median)", ms, "ms", "<= 100 ms", ms <= 100
    )


def bench_banner(bench: Bench, path: Path) -> None:
    from crewdeck.tui.app.app import CrewdeckApp
    from crewdeck.tui.app.crisis import CrisisBanner

    runs = 3 if bench.quick else 10
    times: list[float] = []

    async def drive() -> None:
        app = CrewdeckApp(Session.open(path, "raj", None), Config(), watch=True)
        other = Store(path)
        ana = ids(other, "member", "handle")["ana"]
        async with app.run_test(size=(160, 48)) as pilot:
            banner = app.main_screen.query_one(CrisisBanner)
            for n in range(runs):
                writing.start_crisis(other, ana, NOW, f"drill {n}")
                t0 = time.perf_counter()
                while not banner.display:
                    await pilot.pause(0.001)
                times.append(time.perf_counter() - t0)
                writing.end_crisis(other, ana, NOW, resume="none")
                while banner.display:
                    await pilot.pause(0.001)
        other.close()
        app.session.close()

    asyncio.run(drive())
    ms = median(times) * 1000
    bench.record(
        "posts", "crisis start on the shared file → banner on another member's screen (median)", ms, "ms", "<= 1000 ms", ms <= 1000
    )


def run(bench: Bench) -> None:
    os.environ["CREWDECK_NOW"] = utc_iso(NOW)
    path = waiting_workspace()
    bench_approvals_open(bench, path)
    bench_banner(bench, path)
