"""`?` in the app on a big workspace (`run.py help`): the key pressed -> the list of keys drawn, against a pane's focus.

A walk through the app at 100,000 tasks and 100,000 ledger entries found `?`
the slowest key of a day's use (~300 ms in a terminal, where a cursor move
takes ~30 ms): the list of keys, ~250 lines, was laid out in full, several
times over, before its first screen could be drawn.  Measured in a headless
app at 160x48: the key pressed -> the first frame the compositor hands out
with the list of keys open (``App._display``), and the same for ``1`` and ``2``
(the focus moved between panes), in the same run, as the figure to compare with.
"""

from __future__ import annotations

import asyncio
import time

from app_frames import GIVE_UP, Frames, panes_drawn
from bench_app import with_ledger
from bench_cli import SIZE, populated_workspace
from harness import PEERS, Bench, median


def _key_times(runs: int) -> tuple[list[float], list[float]]:
    from crewdeck.tui.app.app import CrewdeckApp
    from crewdeck.tui.app.screens.help import HelpScreen
    from crewdeck.tui.session.session import Session
    from crewdeck.tui.workspace.config import Config

    workspace = with_ledger(populated_workspace(SIZE))
    helps: list[float] = []
    moves: list[float] = []

    async def drive() -> None:
        app = CrewdeckApp(Session.open(workspace, "maria", None), Config(default_view="all"), watch=False)
        frames = Frames(app, lambda screen: screen)
        async with app.run_test(size=(160, 48)) as pilot:
            await panes_drawn(app, pilot)
            for _ in range(runs):
                moves.append(await frames.after(pilot, "2" if len(moves) % 2 else "1", lambda _: True, "a frame"))
                helps.append(await frames.after(pilot, "question_mark", lambda screen: isinstance(screen, HelpScreen), "the list of keys"))
                await pilot.press("escape")
                until = time.monotonic() + GIVE_UP
                while isinstance(app.screen, HelpScreen):
                    assert time.monotonic() < until, "the list of keys never closed"
                    await pilot.pause(0.01)
        app.session.close()

    asyncio.run(drive())
    return helps, moves


def run(bench: Bench) -> None:
    if not (PEERS / "gen_data.py").exists():
        print(f"  (no peer kit at {PEERS}: skipped)")
        return
    helps, moves = _key_times(5 if bench.quick else 9)
    bench.record("keys", f"? -> the list of keys drawn ({SIZE:,} tasks, 160x48, median)", median(helps) * 1000, "ms")
    bench.record("keys", "1, 2 -> the focus moved to a pane, the same run (median)", median(moves) * 1000, "ms")
