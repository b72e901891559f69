"""Attempts counted per key within a window, then "try again later": the web server's limits (the config's
``web_failed_sign_ins_per_minute``, ``web_sign_ins_per_minute``, ``web_app_starts_per_minute``, whose defaults
``server`` names), and the apps a member starts over SSH (``ssh.session.count_app_start``, whose sessions are processes of their own).

Failed sign-ins are counted per client address (a wrong token or PIN, a link
that is not known, used or expired): guessing is what the limit stops, and a
team signing in from behind one address is not.  Successful sign-ins and app
starts are counted per member: each starts an app process, which a member's
token in a loop would start without end.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

#: Addresses remembered at most: a scan from many cannot grow the table for ever.
CAPACITY = 10_000


class Attempts:
    """At most ``limit`` attempts per ``window`` seconds by one key: a client's address, or a member."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic, capacity: int = CAPACITY) -> None:
        self.limit = limit
        self.window = window
        self.capacity = capacity
        self._clock = clock
        # The address whose last failure is oldest first: forgetting starts there, one address at a time.
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def wait(self, address: str) -> float | None:
        """``None`` when ``address`` (a key) may try now, else the seconds until it may."""
        now = self._clock()
        seen = self._seen.get(address)
        if seen is None:
            return None
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen[0] + self.window - now if len(seen) >= self.limit else None

    def failed(self, address: str) -> None:
        """Count a failed attempt from ``address``."""
        self.count(address)

    def count(self, address: str) -> None:
        """Count an attempt by ``address`` (a client's address, or a member who signed in)."""
        now = self._clock()
        seen = self._seen.get(address)
        if seen is None:
            # Only the last ``limit`` attempts decide whether the next must wait.
            seen = self._seen[address] = deque(maxlen=self.limit)
        else:
            self._seen.move_to_end(address)
        seen.append(now)
        # Each attempt forgets what has gone quiet (and, past the capacity, the least recent address),
        # so that it costs the same with ten thousand addresses as with ten.
        while self._seen:
            oldest, times = next(iter(self._seen.items()))
            if len(self._seen) <= self.capacity and times[-1] > now - self.window:
                break
            del self._seen[oldest]

    def times(self, key: str) -> list[float]:
        """When ``key``'s attempts that still count were made (``restore`` takes them back, in another process)."""
        return list(self._seen.get(key, ()))

    def restore(self, key: str, times: list[float]) -> None:
        """Take back ``key``'s attempts (``times``): counted by processes of their own, as SSH sessions are."""
        self._seen[key] = deque(times[-self.limit :], maxlen=self.limit)

    @property
    def remembered(self) -> int:
        """How many addresses are remembered."""
        return len(self._seen)
