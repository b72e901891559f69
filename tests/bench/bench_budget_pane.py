"""The Budget pane's wider periods on a big workspace (`run.py budget_pane`): `}` pressed -> the new budget drawn.

Helper qc's walk: the 100,000 tasks and 100,000 ledger entries of ``bench_app``, grown to 200 campaigns and 1,776
budgets (192 campaigns more, each with a budget for its run in three categories), where `}` to a year took
~300 ms and to all time ~400 ms from key to screen, a month ~60 ms.  Measured in a headless app at 160x48: the key
pressed -> the first frame the compositor hands out once the pane holds the new period's page (``App._display``).
Also the process's peak RSS after the walk (``ru_maxrss``: what ``bench_app``'s goal of 150 MB is about).
"""

from __future__ import annotations

import asyncio
import resource
import sqlite3
from pathlib import Path

from app_frames import Frames, panes_drawn
from bench_app import with_ledger
from bench_cli import SIZE, populated_workspace
from harness import PEERS, Bench, median

#: Campaigns added to the bench's eight, each with three budgets for its run: qc's 200 campaigns and 1,776 budgets.
MORE_CAMPAIGNS = 192


def grown_workspace() -> Path:
    """A copy of ``bench_app``'s workspace with ``MORE_CAMPAIGNS`` campaigns more (made once, then reused)."""
    from crewdeck.sync.state.store import Store
    from crewdeck.tui.ledger.budgets import Budget

    source = with_ledger(populated_workspace(SIZE))
    grown = source.with_name(f"{source.stem}_campaigns.db")
    if grown.exists() and grown.stat().st_mtime >= source.stat().st_mtime:
        return grown
    for suffix in ("", "-wal", "-shm"):
        Path(f"{grown}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(grown) as copy:
        src.backup(copy)
    with Store(grown) as store:
        manager = store.conn.execute("SELECT id FROM member WHERE handle = 'maria'").fetchone()[0]
        with store.write(manager) as w:
            for i in range(MORE_CAMPAIGNS):
                values = {"name": f"push-{i:03d}", "start": "2026-01-01", "end": "2026-12-31", "status": "active"}
                campaign = w.create("campaign", values)
                for k, category in enumerate(("ads", "content", "tools")):
                    budget = Budget(campaign, category, "run", 10_000_000 + i * 100 + k, "USD")
                    w.set("budget", budget.id, {**budget.values, "deleted": False})
    return grown


def _key_times(runs: int) -> tuple[dict[str, list[float]], int]:
    from crewdeck.tui.app.app import CrewdeckApp
    from crewdeck.tui.app.ledger_pane import LedgerPane
    from crewdeck.tui.ledger.period import Period
    from crewdeck.tui.session.session import Session
    from crewdeck.tui.workspace.config import Config

    workspace = grown_workspace()
    times: dict[str, list[float]] = {"year": [], "all": [], "month": []}

    async def drive() -> None:
        app = CrewdeckApp(Session.open(workspace, "maria", None), Config(default_view="all"), watch=False)
        ledger: LedgerPane | None = None
        frames = Frames(app, lambda _: ledger.page if ledger is not None else None)

        async def drawn_after(key: str, kind: str) -> float:
            assert ledger is not None
            old = ledger.page
            return await frames.after(
                pilot, key, lambda page: page is not None and page is not old and page.period.kind == kind, f"a {kind}"
            )

        async with app.run_test(size=(160, 48)) as pilot:
            await panes_drawn(app, pilot)
            await pilot.press("3")
            ledger = app.main_screen.query_one(LedgerPane)
            for _ in range(runs):
                # From a month: [ and ] to the month before and back, } to a quarter, a year and all time, { back to the month.
                assert ledger.page is not None and ledger.page.period.kind == "month"
                times["month"].append(await drawn_after("left_square_bracket", "month"))
                await drawn_after("right_square_bracket", "month")
                await drawn_after("right_curly_bracket", "quarter")
                times["year"].append(await drawn_after("right_curly_bracket", "year"))
                times["all"].append(await drawn_after("right_curly_bracket", "all"))
                assert ledger.page.period == Period.all()
                await drawn_after("left_curly_bracket", "year")
                await drawn_after("left_curly_bracket", "quarter")
                await drawn_after("left_curly_bracket", "month")
        app.session.close()

    asyncio.run(drive())
    return times, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def run(bench: Bench) -> None:
    if not (PEERS / "gen_data.py").exists():
        print(f"  (no peer kit at {PEERS}: skipped)")
        return
    times, peak = _key_times(3 if bench.quick else 7)
    where = f"{SIZE:,} entries, {MORE_CAMPAIGNS + 8} campaigns, 160x48, median"
    bench.record("keys", f"[ -> a month's budget drawn ({where})", median(times["month"]) * 1000, "ms")
    bench.record("keys", f"}} -> a year's budget drawn ({where})", median(times["year"]) * 1000, "ms")
    bench.record("keys", f"}} -> all time's budget drawn ({where})", median(times["all"]) * 1000, "ms")
    bench.record("keys", "the process's peak RSS after the walk", peak, "MB")
