"""Sign-in attempts, counted per client address: a few a minute, then "try again later"."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class Attempts:
    """At most ``limit`` attempts per ``window`` seconds from one address."""

    def __init__(self, limit: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}

    def allow(self, address: str) -> float | None:
        """Count an attempt from ``address``: ``None`` when allowed, else the seconds until one is."""
        now = self._clock()
        seen = self._seen.setdefault(address, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return seen[0] + self.window - now
        seen.append(now)
        # Forget quiet addresses, so a scan of many cannot grow the table for ever.
        if len(self._seen) > 10_000:
            self._seen = {a: s for a, s in self._seen.items() if s and s[-1] > now - self.window}
        return None
