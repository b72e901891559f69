"""What showing records' text through ``crewdeck.sync.state.visible`` costs where it is hot.

* the task table: making the rows of two screens (what a window holds) with
  ``taskrows.row_text``, which escapes a row's cells; against the same with
  ``visible_cells`` replaced by ``list`` (no escaping);
* ``crewdeck tasks``: ``cli.common.table`` over 10,000 rows, every cell
  escaped, against the same without.

Goals (issue 12): escaping adds at most 10% to making the table's rows, and
at most 0.5 µs per printed row (5 ms per 10,000 rows, against the hundreds
of milliseconds ``crewdeck tasks`` takes to start, query and score them; the
bare ``table`` function is so cheap that a percentage of it says little).
Plain text takes the fast path (``str.isprintable`` of the row); one row in
50 here holds a control character, and takes the slow one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from harness import Bench, median

from crewdeck.sync.state.ids import new_id
from crewdeck.tui.cli import common
from crewdeck.tui.tasks import rows as taskrows
from crewdeck.tui.tasks.listing import TaskRow

NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
SCREENS = 2
ROWS_ON_SCREEN = 45


def _rows(n: int) -> list[TaskRow]:
    out = []
    for i in range(n):
        title = f"Draft the carousel for week {i} \x1b[31m" if i % 50 == 0 else f"Draft the carousel for week {i}"
        out.append(
            TaskRow(
                new_id(),
                title,
                "todo",
                "high",
                f"{i % 8:032x}",
                "c" * 32,
                "instagram",
                "2026-11-27T16:00:00Z",
                "Europe/Berlin",
                None,
                None,
                ("x",),
                None,
                None,
                None,
                None,
                12.5,
            )
        )
    return out


def _timed(action: Callable[[], object], repeats: int) -> float:
    import time

    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return median(samples)


def _without_escaping(module: object, action: Callable[[], object], repeats: int) -> float:
    original = module.visible_cells  # type: ignore[attr-defined]
    module.visible_cells = list  # type: ignore[attr-defined]
    try:
        return _timed(action, repeats)
    finally:
        module.visible_cells = original  # type: ignore[attr-defined]


def run(bench: Bench) -> None:
    repeats = 30 if bench.quick else 100
    rows = _rows(SCREENS * ROWS_ON_SCREEN)
    handles = {f"{i:032x}": f"@m{i}" for i in range(8)}
    campaigns = {"c" * 32: "spring-launch"}

    def make_rows() -> object:
        return [taskrows.row_text(r, handles, campaigns, "Europe/Berlin", NOW) for r in rows]

    bare = _without_escaping(taskrows, make_rows, repeats)
    shown = _timed(make_rows, repeats)
    per_row = shown / len(rows) * 1e6
    overhead = (shown - bare) / bare * 100
    bench.record(
        "escape",
        f"task table: {len(rows)} rows made",
        per_row,
        "µs/row",
        "escaping <= +10%",
        overhead <= 10,
        f"{overhead:+.1f}% ({bare / len(rows) * 1e6:.1f} µs/row without)",
    )

    cells = [[r.short_id, r.status, r.priority, "@m1", "tmrw 17:00 CET (in 30h)", "+spring-launch", r.title] for r in _rows(10_000)]
    headers = ["ID", "STATUS", "PRI", "WHO", "DUE", "CAMPAIGN", "TITLE"]
    table_repeats = 5 if bench.quick else 15
    bare = _without_escaping(common, lambda: common.table(cells, headers), table_repeats)
    shown = _timed(lambda: common.table(cells, headers), table_repeats)
    added = (shown - bare) / len(cells) * 1e6
    bench.record(
        "escape",
        "crewdeck tasks: escaping a printed row",
        added,
        "µs/row",
        "<= 0.5 µs",
        added <= 0.5,
        f"table of {len(cells):,} rows: {shown * 1000:.1f} ms, {bare * 1000:.1f} ms without",
    )
