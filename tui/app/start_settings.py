"""The interpreter's and Textual's settings for the app, made in one place before Textual is imported.

``launch`` calls ``apply`` first thing; ``tests/test_habits.py`` checks, in
the process the real command starts, that they are in force when Textual is
first imported.  Each is here because it paid for itself when measured
(docs/design-notes.md, "Start-up"):

* The collector is off while the app starts: what starting allocates lives
  as long as the app, so collecting it would only cost time.  Once all three
  panes are drawn the app freezes it and hands collecting to the
  ``IdleCollector`` (``collector.py``), which collects while nobody types.
* The switch interval: while a thread waits for SQLite to hand it the next
  row, the UI thread keeps the GIL for up to the interval, 5 ms a row by
  default, which turned a 1 ms window of 100 rows into 100 ms while Textual
  worked; and the start-up's reads (the first page of tasks, the grid, the
  budget) run in threads next to Textual's start.
* The frame rate: Textual draws a change at its next frame; at its default
  of 60 frames a second a key waited up to 17 ms for one.  Textual reads it
  when it is imported.
"""

from __future__ import annotations

import gc
import os
import sys

#: Seconds a thread holds the GIL before another may take it (Python's default: 0.005).
SWITCH_INTERVAL = 0.0005
#: Frames a second Textual draws at most (its default: 60); a value set outside wins.
FPS = "120"


def apply() -> None:
    """Make the settings: before Textual is imported (the frame rate is read then)."""
    gc.disable()
    sys.setswitchinterval(SWITCH_INTERVAL)
    os.environ.setdefault("TEXTUAL_FPS", FPS)
