"""Failed sign-in attempts, counted per client address: a few a minute, then "try again later".

Only failures count (a wrong token or PIN, a link that is not known, used or
expired): guessing is what the limit stops, and a team signing in from
behind one address is not.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class Attempts:
    """At most ``limit`` failed attempts per ``window`` seconds from one address."""

    def __init__(self, limit: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}

    def wait(self, address: str) -> float | None:
        """``None`` when ``address`` may try now, else the seconds until it may."""
        now = self._clock()
        seen = self._seen.get(address)
        if seen is None:
            return None
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen[0] + self.window - now if len(seen) >= self.limit else None

    def failed(self, address: str) -> None:
        """Count a failed attempt from ``address``."""
        now = self._clock()
        self._seen.setdefault(address, deque()).append(now)
        # Forget quiet addresses, so a scan from many cannot grow the table for ever.
        if len(self._seen) > 10_000:
            self._seen = {a: s for a, s in self._seen.items() if s and s[-1] > now - self.window}
