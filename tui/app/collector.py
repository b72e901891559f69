"""Python's cycle collector, run while nobody types.

A full collection walks every object not frozen at start-up: 5-9 ms with the
app's caches and screens.  Left to itself, the collector starts by
allocation counts, so it runs in the middle of the paint after a key:
closing the view picker set off a full collection every time.  So its own
collections of the whole heap become a rare safety net and the app makes
them once input has rested.  Young objects are still collected as Python
does, often and cheaply: a young generation ten times larger took ~2 ms a
run, as long as a key's paint.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

#: The collector's own thresholds (Python's are 700, 10, 10): the whole heap
#: after 1,000 runs of the middle generation (not 10), which in practice is never.
THRESHOLDS = (700, 10, 1_000)
#: Seconds of no input before the app collects: longer than a pause between
#: two keys of triage, so the collection does not meet the next key.
REST = 1.0
#: Allocations since the last collection below which there is nothing worth collecting.
PENDING = 2_000


def allocated_since_full_collection() -> int:
    """About how many objects were allocated (net) since the last full collection."""
    young, young_runs, middle_runs = gc.get_count()
    # A run of the youngest generation stands for its threshold of
    # allocations; a run of the middle one, for its threshold of those runs.
    per_young_run, per_middle_run, _ = gc.get_threshold()
    return young + young_runs * per_young_run + middle_runs * per_young_run * per_middle_run


class IdleCollector:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        pending: Callable[[], int] = allocated_since_full_collection,
        collect: Callable[[], object] = gc.collect,
    ) -> None:
        self._clock = clock
        self._pending = pending
        self._collect = collect
        self.last_input = clock()

    @staticmethod
    def start() -> None:
        """Hand collecting over to ``tick`` (the collector's own runs become rare)."""
        gc.set_threshold(*THRESHOLDS)
        gc.enable()

    def input_seen(self) -> None:
        self.last_input = self._clock()

    def tick(self) -> bool:
        """Collect everything if input has rested and enough was allocated since the last time."""
        if self._clock() - self.last_input < REST or self._pending() < PENDING:
            return False
        self._collect()
        return True
