"""A headless app's frames, timed where they leave it (``App._display``): a key pressed -> the screen it changed.

What the key benchmarks of a big workspace share (``bench_help``, ``bench_budget_pane``): each frame's time and what
the benchmark reads of the app as it was drawn, the first frame after a key that shows what it waits for, and the
wait for the three panes' first content before anything is timed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

#: Seconds a wait may take before the benchmark gives up (something is broken, not slow).
GIVE_UP = 60

Seen = TypeVar("Seen")


class Frames(Generic[Seen]):
    """The frames ``app`` hands out, each with its time and ``seen(screen)``: what the benchmark reads of it then."""

    def __init__(self, app: Any, seen: Callable[[Any], Seen]) -> None:
        self.drawn: list[tuple[float, Seen]] = []
        display = app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.drawn.append((time.perf_counter(), seen(screen)))

        app._display = timed_display

    async def after(self, pilot: Any, key: str, shows: Callable[[Seen], bool], what: str) -> float:
        """Seconds from ``key`` pressed to the first frame that ``shows`` what it waits for (``what``, if it never does)."""
        await pilot.pause(0.1)
        self.drawn.clear()  # before the press: the frame may be drawn while it is pressed
        t0 = time.perf_counter()
        await pilot.press(key)
        until = time.monotonic() + GIVE_UP
        while True:
            times = [t for t, seen in self.drawn if shows(seen)]
            if times:
                return times[0] - t0
            assert time.monotonic() < until, f"{key} never drew {what}"
            await pilot.pause(0.001)


async def panes_drawn(app: Any, pilot: Any) -> None:
    """Until the three panes' first content is on the screen."""
    until = time.monotonic() + GIVE_UP
    while not {"tasks", "grid", "ledger"} <= app._drawn:
        assert time.monotonic() < until, "the panes were never drawn"
        await pilot.pause(0.05)
