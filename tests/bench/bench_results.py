"""Results at scale: kpi report over 1,000,000 daily rows, a 100,000-row Meta import, the Results screen's period switch.

Goals (issue 16): ``crewdeck kpi report`` over 1,000,000 daily result rows
and 100,000 ledger entries <= 1 s and <= 150 MB, with DuckDB's time for the
same report on the same data, in the same run, as the peer figure (the
ratio is reported); ``crewdeck kpi import`` of a 100,000-row Meta export
<= 5 s and <= 150 MB; the Results screen's period switch <= 50 ms median
at that size.

The report's data: 2,000 posts in 20 campaigns, 500 days each (1,000,000
records), and 100,000 ledger entries in EUR, USD and JPY with weekly rates.
The rows go straight into the tables the report reads (writing a million
records through the operations log would take this benchmark minutes; the
import measures that path); DuckDB gets the same rows from CSV files and
runs the same sums and conversions in SQL (timed without the CSV load).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import subprocess
import time
from pathlib import Path

from harness import CREWDECK, WORK, Bench, median, record_floors, repeat, time_command

from crewdeck.sync.state.records import RESULT_COUNTS
from crewdeck.sync.state.store import Store

POSTS, DAYS, CAMPAIGNS, ENTRIES = 2_000, 500, 20, 100_000
IMPORT_ROWS = 100_000
FIRST = dt.date(2025, 1, 1)


def _crewdeck(workspace: Path, *args: str) -> str:
    return subprocess.run(
        [CREWDECK, "--workspace", str(workspace), "--as", "ana", *args], check=True, capture_output=True, text=True
    ).stdout


def _report_workspace() -> tuple[Path, Path]:
    """The 1,000,000-row workspace and the same rows as CSV for DuckDB (made once per day)."""
    where = WORK / "results"
    path, csvs = where / "kpi.db", where / "csv"
    stamp = where / "done"
    if stamp.exists():
        return path, csvs
    where.mkdir(parents=True, exist_ok=True)
    csvs.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    subprocess.run(
        [CREWDECK, "init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR"],
        check=True,
        capture_output=True,
    )
    rng = random.Random(16)
    campaigns = [f"{i:032x}" for i in range(1, CAMPAIGNS + 1)]
    posts = [(f"{0x100000 + i:032x}", campaigns[i % CAMPAIGNS], ("instagram", "tiktok", "linkedin")[i % 3]) for i in range(POSTS)]
    with Store(path) as store:
        ana = store.conn.execute("SELECT id FROM member").fetchone()[0]
        with store.write(ana) as w:
            for campaign in campaigns:
                w.create("campaign", {"name": f"Campaign {campaign[-2:]}"}, row_id=campaign)
            for post, campaign, platform in posts:
                w.create("task", {"title": f"Post {post[-5:]}", "campaign": campaign, "platform": platform, "created_by": ana}, row_id=post)
            for week in range(0, DAYS + 7, 7):
                day = (FIRST + dt.timedelta(days=week)).isoformat()
                for currency, rate in (("USD", f"0.{rng.randint(850_000, 950_000)}"), ("JPY", f"0.00{rng.randint(5_500, 7_500)}")):
                    w.set("rate", f"rate:{day}:{currency}EUR", {"date": day, "base": currency, "quote": "EUR", "rate": rate})
        conn = store.conn
        names = ", ".join(RESULT_COUNTS)
        results = []
        for post, _, _ in posts:
            for d in range(DAYS):
                day = (FIRST + dt.timedelta(days=d)).isoformat()
                impressions = rng.randint(100, 20_000)
                counts = [
                    impressions,
                    impressions * 3 // 4,
                    rng.randint(0, 900),
                    rng.randint(0, 500),
                    rng.randint(0, 50),
                    rng.randint(0, 30),
                    rng.randint(0, 30),
                    rng.randint(0, 400),
                    rng.randint(0, 3_000),
                    rng.randint(0, 800),
                    rng.randint(0, 20),
                ]
                results.append((f"result:post:{post}:{day}", "post", post, day, *counts))
        conn.execute("BEGIN")
        conn.executemany(
            f"INSERT INTO result (id, kind, post, day, {names}, source) VALUES (?, ?, ?, ?, {', '.join('?' * len(RESULT_COUNTS))}, 'bench')",
            results,
        )
        entries = []
        for i in range(ENTRIES):
            currency = ("EUR", "USD", "JPY")[i % 3]
            post, campaign, _ = posts[rng.randrange(POSTS)]
            day = (FIRST + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
            amount = rng.randint(100, 200_000)
            entries.append(
                (
                    f"{0xE00000 + i:032x}",
                    day,
                    campaign,
                    "ads",
                    "Meta",
                    amount,
                    currency,
                    post if i % 2 else None,
                    ana,
                    "2026-11-20T10:00:00Z",
                    0,
                )
            )
        conn.executemany(
            "INSERT INTO ledger_entry (id, date, campaign, category, payee, amount, currency, task, entered_by, entered_at, needs_approval) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entries,
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        with (csvs / "results.csv").open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["post", "day", *RESULT_COUNTS])
            out.writerows((r[2], r[3], *r[4:]) for r in results)
        with (csvs / "entries.csv").open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["date", "campaign", "amount", "currency"])
            out.writerows((e[1], e[2], e[5], e[6]) for e in entries)
        with (csvs / "tasks.csv").open("w", newline="") as f:
            csv.writer(f).writerows([("id", "campaign"), *((p, c) for p, c, _ in posts)])
        with (csvs / "rates.csv").open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["currency", "date", "rate"])
            out.writerows(conn.execute("SELECT base, date, rate FROM rate"))
    stamp.write_text("ok")
    return path, csvs


def _duckdb_report(csvs: Path) -> float:
    """Seconds DuckDB takes for the same per-campaign sums, spend converted with the rate in force (tables loaded first)."""
    import duckdb

    con = duckdb.connect()
    for name in ("results", "entries", "tasks", "rates"):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{csvs / (name + '.csv')}', header = true)")
    con.execute(
        "CREATE TABLE rate AS SELECT currency, CAST(date AS VARCHAR) AS date, CAST(rate AS DECIMAL(18, 12)) AS rate FROM rates "
        "UNION ALL SELECT 'EUR', '1900-01-01', 1"
    )
    sums = ", ".join(f"sum({n}) AS {n}" for n in RESULT_COUNTS)
    query = f"""
        WITH r AS (SELECT t.campaign, {sums}, max(reach) AS reach_max FROM results JOIN tasks t ON t.id = results.post GROUP BY 1),
             s AS (SELECT e.campaign, sum(CAST(e.amount AS DECIMAL(38, 12)) * rt.rate) AS spend FROM entries e
                   ASOF JOIN rate rt ON rt.currency = e.currency AND CAST(e.date AS VARCHAR) >= rt.date GROUP BY 1)
        SELECT r.*, s.spend FROM r LEFT JOIN s USING (campaign)
    """
    times = repeat(lambda: con.execute(query).fetchall(), runs=5)
    return median(times)


def _meta_export(rows: int) -> Path:
    # Results of purchases, read as conversions (a file of another name than before: one made when they were link
    # clicks, whose Results are now not read, would measure less work).
    path = WORK / "results" / f"meta_{rows}_purchases.csv"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as f:
        f.write("\ufeff")
        out = csv.writer(f)
        out.writerow(
            [
                "Campaign name",
                "Day",
                "Reporting starts",
                "Reporting ends",
                "Reach",
                "Impressions",
                "Link clicks",
                "Results",
                "Result indicator",
                "Amount spent (EUR)",
            ]
        )
        for i in range(rows):
            day = (FIRST + dt.timedelta(days=i // 200)).isoformat()
            out.writerow(
                [
                    f"Meta campaign {i % 200:03d}",
                    day,
                    day,
                    day,
                    rng.randint(0, 9_000),
                    rng.randint(0, 20_000),
                    rng.randint(0, 300),
                    rng.randint(0, 9),
                    "actions:offsite_conversion.fb_pixel_purchase",
                    f"{rng.randint(0, 90_000) / 100:.2f}",
                ]
            )
    return path


def _import_workspace() -> Path:
    path = WORK / "results" / "import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    subprocess.run(
        [CREWDECK, "init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR"],
        check=True,
        capture_output=True,
    )
    with Store(path) as store:
        ana = store.conn.execute("SELECT id FROM member").fetchone()[0]
        with store.write(ana) as w:
            for i in range(200):
                w.create("campaign", {"name": f"Meta campaign {i:03d}"})
    return path


def _period_switch(workspace: Path, kinds: tuple[str, ...] = ("week", "month"), runs: int = 12) -> list[float]:
    """Seconds per read of the Results screen's period (week -> month and back), the pane's own worker read."""
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    ws = Workspace.open(workspace, readonly=True)
    anchor = FIRST + dt.timedelta(days=DAYS - 10)
    times = []
    try:
        for i in range(runs):
            t0 = time.perf_counter()
            pane_data.load(ws, kinds[i % len(kinds)], anchor, today=anchor)
            times.append(time.perf_counter() - t0)
    finally:
        ws.close()
    return times


#: Seconds a wait in the app may take before the benchmark gives up (something is broken, not slow).
GIVE_UP = 60


def _screen_switches(workspace: Path, quick: bool, *, run: bool = True) -> tuple[list[float], float]:
    """Key pressed -> the Results screen's table drawn with the new period's figures, in a headless app at 160x48.

    ``[`` (the period before) in weeks, ``p`` to months, ``[`` in months:
    every period read for the first time.  Then ``p`` to the campaigns'
    runs (all time, here), timed on its own (with ``run``).  The figure ends when the
    table's last line is drawn with the rows of the new page.
    """
    import asyncio

    from crewdeck.tui.app.app import CrewdeckApp
    from crewdeck.tui.app.screens.results import ResultsScreen
    from crewdeck.tui.session.session import Session
    from crewdeck.tui.workspace.config import Config
    from crewdeck.widgets.results_table import ResultsTable

    drawn: list[tuple[float, object]] = []
    render_line = ResultsTable.render_line

    def timed_render_line(table: ResultsTable, y: int) -> object:
        strip = render_line(table, y)
        if y == table.size.height - 1:
            drawn.append((time.perf_counter(), table.rows))
        return strip

    ResultsTable.render_line = timed_render_line  # type: ignore[method-assign,assignment]  # timed where the compositor calls it
    times: list[float] = []
    run_time = 0.0
    moves = 3 if quick else 6

    async def drive() -> None:
        nonlocal run_time
        app = CrewdeckApp(Session.open(workspace, "ana", None), Config(), watch=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("4")
            until = time.monotonic() + GIVE_UP
            while not isinstance(app.screen, ResultsScreen) or app.screen.page is None:
                assert time.monotonic() < until, "the Results screen never opened"
                await pilot.pause(0.01)
            screen = app.screen
            opened = screen.page
            screen.day = FIRST + dt.timedelta(days=DAYS - 10)
            screen.reload()

            async def timed(key: str) -> float:
                before = screen.page
                await pilot.pause(0.05)
                drawn.clear()
                t0 = time.perf_counter()
                await pilot.press(key)
                until = time.monotonic() + GIVE_UP
                while True:
                    page = screen.page
                    if page is not before and page is not None and any(rows == list(page.lines) for _, rows in drawn):
                        return next(t for t, rows in drawn if rows == list(page.lines)) - t0
                    assert time.monotonic() < until, f"{key} never redrew the screen"
                    await pilot.pause(0.001)  # idle between looks, as the app is while its worker reads

            until = time.monotonic() + GIVE_UP
            while screen.page is opened:
                assert time.monotonic() < until, "the anchored week never loaded"
                await pilot.pause(0.01)
            for key in ["left_square_bracket"] * moves + ["p"] + ["left_square_bracket"] * moves:
                times.append(await timed(key))
            run_time = await timed("p") if run else 0.0
        app.session.close()

    try:
        asyncio.run(drive())
    finally:
        ResultsTable.render_line = render_line  # type: ignore[method-assign]  # as it was
    return times, run_time


def run(bench: Bench) -> None:
    # The import first: a child's peak RSS, as wait4 reports it, starts at its parent's size when it was
    # spawned, and this process grows by hundreds of megabytes below (the data made, the screen's reads).
    source = _meta_export(IMPORT_ROWS)
    imports = []
    for _ in range(1 if bench.quick else 2):
        target = _import_workspace()
        imports.extend(
            time_command(
                [CREWDECK, "--workspace", str(target), "--as", "ana", "kpi", "import", str(source), "--format", "meta", "--spend"],
                runs=1,
                warmup=0,
            )
        )
    seconds = median([r.seconds for r in imports])
    peak = max(r.peak_rss_mb for r in imports)
    bench.record("results", f"crewdeck kpi import --format meta --spend ({IMPORT_ROWS:,} rows)", seconds, "s", "<= 5 s", seconds <= 5)
    bench.record("results", "crewdeck kpi import: peak RSS", peak, "MB", "<= 150 MB", peak <= 150)
    record_floors(bench, "results", target, seconds)

    workspace, csvs = _report_workspace()
    runs = 3 if bench.quick else 5
    report = time_command([CREWDECK, "--workspace", str(workspace), "--as", "ana", "kpi", "report", "--json"], runs=runs)
    ours = median([r.seconds for r in report])
    rss = max(r.peak_rss_mb for r in report)
    theirs = _duckdb_report(csvs)
    bench.record(
        "results",
        f"crewdeck kpi report ({POSTS * DAYS:,} daily rows, {ENTRIES:,} entries)",
        ours * 1000,
        "ms",
        "<= 1,000 ms",
        ours <= 1.0,
        f"DuckDB {theirs * 1000:.0f} ms, ours/DuckDB {ours / theirs:.1f}",
    )
    bench.record("results", "crewdeck kpi report: peak RSS", rss, "MB", "<= 150 MB", rss <= 150)
    by_day = time_command(
        [CREWDECK, "--workspace", str(workspace), "--as", "ana", "kpi", "report", "--by", "post", "--period", "2025-06"], runs=runs
    )
    bench.record("results", "crewdeck kpi report --by post --period (a month)", median([r.seconds for r in by_day]) * 1000, "ms")
    switch = _period_switch(workspace)
    bench.record("results", "Results screen: period switch (read, median)", median(switch) * 1000, "ms", "<= 50 ms", median(switch) <= 0.05)
    run_read = median(_period_switch(workspace, ("run",), 3))
    bench.record("results", "Results screen: each campaign's run, all time (read, median)", run_read * 1000, "ms")
    shown, run_shown = _screen_switches(workspace, bench.quick)
    ms = median(shown) * 1000
    bench.record("results", "Results screen: key -> new period drawn (week/month, median)", ms, "ms", "<= 50 ms", ms <= 50)
    bench.record("results", "Results screen: p -> each campaign's run drawn", run_shown * 1000, "ms")
