"""Hybrid logical clock.

A stamp is ``<wall ms, 13 digits>-<counter, 4 hex>-<node>`` so that the text
form sorts exactly like the stamp: wall time first, then the counter, then
the node that made it.  The clock never goes backwards, also when the wall
clock does, and it refuses stamps from too far in the future.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 0xFFFF
_STAMP = re.compile(r"([0-9]{13})-([0-9a-f]{4})-(.+)\Z", re.DOTALL)
#: Operations stamped more than this far ahead of our wall clock are refused.
MAX_DRIFT_MS = 5 * 60 * 1000


class ClockSkewError(ValueError):
    """A stamp is too far ahead of this machine's clock."""

    def __init__(self, ahead_ms: int, node: str) -> None:
        self.ahead_ms = ahead_ms
        self.node = node
        super().__init__(
            f"an operation from node {node} is stamped {format_duration(ahead_ms)} "
            f"ahead of this machine's clock (limit {format_duration(MAX_DRIFT_MS)}); "
            "one of the two clocks is off, check the date and time settings"
        )


def format_duration(ms: int) -> str:
    # To the nearest second: a stamp an hour ahead, measured a moment after it was made, is "1h00m", not "59m59s".
    seconds = round(abs(ms) / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{seconds:02d}s"
    return f"{abs(ms) / 1000:.1f}s"


@dataclass(frozen=True, order=True, slots=True)
class Stamp:
    ms: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.ms:013d}-{self.counter:04x}-{self.node}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        """Parse the text form; ``ValueError`` says what is wrong."""
        # A regex, not int(): int() also reads other scripts' digits, signs,
        # spaces and underscores, and a stamp must have one spelling.
        found = _STAMP.match(text)
        if found is None:
            raise ValueError(f"not a clock stamp: {text!r}")
        return cls(int(found[1]), int(found[2], 16), found[3])


ZERO = Stamp(0, 0, "")

#: The counter's text forms, ``"0000"`` on, made as far as a write has needed them.
_COUNTER_TEXTS: tuple[str, ...] = ()


def _counters(n: int) -> tuple[str, ...]:
    """The counters' text forms from ``"0000"``: at least the first ``n``, all of them when ``n`` is more."""
    global _COUNTER_TEXTS
    texts = _COUNTER_TEXTS
    wanted = min(n, MAX_COUNTER + 1)
    if len(texts) < wanted:
        # A new tuple bound in one step: a thread reading the old one meanwhile sees it whole.
        texts = tuple(f"{counter:04x}" for counter in range(min(max(wanted, 2 * len(texts)), MAX_COUNTER + 1)))
        _COUNTER_TEXTS = texts
    return texts


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """Makes stamps for one node; ``observe`` merges stamps seen elsewhere."""

    def __init__(self, node: str, last: Stamp = ZERO, wall: Callable[[], int] = wall_ms) -> None:
        self.node = node
        self.last = last
        self._wall = wall

    def now(self) -> Stamp:
        wall = self._wall()
        last = self.last
        if wall > last.ms:
            stamp = Stamp(wall, 0, self.node)
        elif last.counter < MAX_COUNTER:
            stamp = Stamp(last.ms, last.counter + 1, self.node)
        else:
            # The counter is spent for this millisecond: borrow the next one.
            stamp = Stamp(last.ms + 1, 0, self.node)
        self.last = stamp
        return stamp

    def stamps(self, n: int) -> list[str]:
        """The ``n`` stamps of one write, as text: consecutive, from a millisecond no earlier stamp has.

        A write is told apart from the next by its millisecond (``oplog.same_write``: the log's lines, the unsent
        count).  While the last stamp is ahead of the wall clock (one observed from a machine whose clock is fast, or
        a second write within a millisecond) ``now()`` runs the counter on in that millisecond, and every write made
        meanwhile to one record read as a single one: so a write takes the next millisecond instead.
        """
        node = self.node
        ms = max(self._wall(), self.last.ms + 1)
        counters = _counters(n)
        suffix = f"-{node}"
        out: list[str] = []
        left = n
        # A millisecond's stamps at a time, each one concatenation (an import stamps 880,000).
        while left > MAX_COUNTER + 1:
            prefix = f"{ms:013d}-"
            out += [prefix + counter + suffix for counter in counters]
            ms, left = ms + 1, left - MAX_COUNTER - 1
        if left:
            prefix = f"{ms:013d}-"
            out += [prefix + counter + suffix for counter in counters[:left]]
            self.last = Stamp(ms, left - 1, node)
        return out

    def check(self, stamp: Stamp) -> None:
        """Refuse a stamp more than ``MAX_DRIFT_MS`` ahead of our wall clock."""
        ahead = stamp.ms - self._wall()
        if ahead > MAX_DRIFT_MS:
            raise ClockSkewError(ahead, stamp.node)

    def observe(self, stamp: Stamp) -> None:
        """Merge a stamp made elsewhere so ours never sort below it."""
        if (stamp.ms, stamp.counter) > (self.last.ms, self.last.counter):
            self.last = Stamp(stamp.ms, stamp.counter, self.node)
