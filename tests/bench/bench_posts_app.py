"""The posts in the app (`run.py posts_app`): the Approvals view opening on 10,000 posts waiting, and the crisis banner on another member's screen.

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
#: Seconds a wait may take before the benchmark gives up (something is broken, not slow).
GIVE_UP = 60


class Deadline:
    """A wait that raises instead of hanging when what it waits for never comes."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.until = time.monotonic() + GIVE_UP

    def __bool__(self) -> bool:
        if time.monotonic() > self.until:
            raise RuntimeError(f"never saw {self.what}")
        return True


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
                while Deadline("the rows drawn") and not drawn:
                    await pilot.pause(0)
                times.append(drawn[0] - t0)
                screen = app.screen
                assert isinstance(screen, ApprovalsScreen)
                while Deadline("every post read") and not screen.done:
                    await pilot.pause(0.01)
                await pilot.press("escape")
                while Deadline("the view closed") and isinstance(app.screen, ApprovalsScreen):
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
    from crewdeck.tui.app.crisis_banner import CrisisBanner

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
                while Deadline("the banner") and not banner.display:
                    await pilot.pause(0.001)
                times.append(time.perf_counter() - t0)
                writing.end_crisis(other, ana, NOW, resume="none")
                while Deadline("the banner gone") and banner.display:
                    await pilot.pause(0.001)
        other.close()
        app.session.close()

    asyncio.run(drive())
    ms = median(times) * 1000
    bench.record(
        "posts", "crisis start on the shared file → banner on another member's screen (median)", ms, "ms", "<= 1000 ms", ms <= 1000
    )


def calendar_workspace() -> Path:
    """10,000 posts in December 2026, on four platforms, about every 4 minutes each."""
    path = WORK / f"posts_calendar_{POSTS}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        store = team_workspace(partial, NOW)
        for n, platform in enumerate(("instagram", "tiktok", "linkedin", "x")):
            first = dt.datetime(2026, 12, 1, 5, n, tzinfo=dt.UTC)
            add_posts(store, POSTS // 4, first, every=dt.timedelta(minutes=16), state="draft", platform=platform)
        store.close()
        partial.rename(path)
    return path


def bench_calendar(bench: Bench, path: Path) -> None:
    """Month view of December with 10,000 posts: each key to the frame that shows its effect (the calendar's last line drawn)."""
    from crewdeck.tui.app.app import CrewdeckApp
    from crewdeck.tui.app.calendar_panel import CalendarPanel
    from crewdeck.widgets.content_calendar import HEADER, ContentCalendar

    presses = 20 if bench.quick else 60
    cursor_times: list[float] = []
    rows_times: list[float] = []
    drawn: list[float] = []
    render_line = ContentCalendar.render_line

    def timed_render_line(calendar: ContentCalendar, y: int) -> object:
        strip = render_line(calendar, y)
        if calendar.data is not None and y == HEADER + len(calendar.data.rows) - 1:
            drawn.append(time.perf_counter())
        return strip

    ContentCalendar.render_line = timed_render_line  # type: ignore[method-assign,assignment]  # timed where the compositor calls it

    async def drive() -> None:
        app = CrewdeckApp(Session.open(path, "ana", None), Config(), watch=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("C", "z")
            panel = app.main_screen.query_one(CalendarPanel)
            while Deadline("the calendar") and panel.laid is None:
                await pilot.pause(0.01)
            await pilot.press("w", "right_square_bracket")  # the month view of December
            while Deadline("December") and (panel.laid is None or len(panel.laid.days) != 31 or panel.laid.days[0] != dt.date(2026, 12, 1)):
                await pilot.pause(0.01)
            posts = sum(len(cell) for cell in panel.laid.cells.values())
            if posts != POSTS:
                raise RuntimeError(f"the month shows {posts} posts, not {POSTS}")
            calendar = panel.calendar
            for i in range(presses):
                key = ("l", "j", "h", "k")[i % 4]
                before = (calendar.row, calendar.day)
                drawn.clear()
                t0 = time.perf_counter()
                await pilot.press(key)
                while Deadline("the cursor moved") and ((calendar.row, calendar.day) == before or not drawn):
                    await pilot.pause(0)
                cursor_times.append(drawn[-1] - t0)
            for _ in range(4 if bench.quick else 10):
                laid = panel.laid
                drawn.clear()
                t0 = time.perf_counter()
                await pilot.press("r")
                while Deadline("the rows laid out again") and (panel.laid is laid or not drawn):
                    await pilot.pause(0)
                rows_times.append(drawn[-1] - t0)
        app.session.close()

    asyncio.run(drive())
    ContentCalendar.render_line = render_line  # type: ignore[method-assign]  # as it was
    ms = median(cursor_times) * 1000
    bench.record("posts", f"calendar month view, {POSTS:,} posts: h j k l → redrawn (median)", ms, "ms", "<= 50 ms", ms <= 50)
    bench.record(
        "posts",
        f"calendar month view, {POSTS:,} posts: r (rows by platform/campaign, laid out again) → redrawn (median)",
        median(rows_times) * 1000,
        "ms",
    )


def run(bench: Bench) -> None:
    os.environ["CREWDECK_NOW"] = utc_iso(NOW)
    path = waiting_workspace()
    bench_approvals_open(bench, path)
    bench_banner(bench, path)
    bench_calendar(bench, calendar_workspace())
