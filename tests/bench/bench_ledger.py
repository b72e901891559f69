"""The ledger at 100,000 entries, against hledger on the same data in the same run.

Goals (issue 4): ``crewdeck ledger report`` over 100,000 entries <= 0.1x the
time of ``hledger balance --budget`` on the same data (hledger ~8.5 s and
~680 MB here), peak memory <= 100 MB.

The data is the peer kit's (``gen_data.py``: 24 months of campaign spend in
USD, EUR and GBP, monthly USD budgets per campaign and category); hledger
reads it through the kit's ``to_hledger.py``, crewdeck through
``crewdeck ledger import`` of a CSV converted from the same rows (a USD
workspace, the kit's monthly EUR and GBP prices as rates, its budgets as
monthly budgets).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

from harness import (
    CREWDECK,
    PEERS,
    WORK,
    Bench,
    median,
    peers_data,
    repeat,
    time_command,
)

SIZE = 100_000
GOAL_RATIO = 0.1
GOAL_MB = 100


def _crewdeck(workspace: Path, *args: str) -> None:
    subprocess.run([CREWDECK, "--workspace", str(workspace), "--as", "maria", *args], check=True, stdout=subprocess.DEVNULL)


def _first_and_last(rows_path: Path) -> tuple[str, str]:
    """The first and last date of the kit's ledger (its rows are in date order)."""
    with rows_path.open() as f:
        first = f.readline()
        last = (deque(f, maxlen=1) or deque([first]))[0]
    return json.loads(first)["date"], json.loads(last)["date"]


def _kit_rates(rows_path: Path) -> list[tuple[str, str, str]]:
    """The kit's monthly prices (to_hledger.py): ``(day, pair, rate)``, EUR and GBP in USD."""
    first, last = (dt.date.fromisoformat(day) for day in _first_and_last(rows_path))
    out = []
    year, month, k = first.year, first.month, 0
    while (year, month) <= (last.year, last.month):
        # The kit writes 1.05 + 0.01 * (k % 7) and 1.24 + 0.01 * (k % 5): the same numbers as text.
        out.append((f"{year:04d}-{month:02d}-01", "EUR/USD", f"1.{5 + k % 7:02d}"))
        out.append((f"{year:04d}-{month:02d}-01", "GBP/USD", f"1.{24 + k % 5:02d}"))
        month, k = (1, k + 1) if month == 12 else (month + 1, k + 1)
        if month == 1:
            year += 1
    return out


def populated_workspace(size: int) -> tuple[Path, Path, list[float]]:
    """A USD workspace holding the kit's ledger (imported once, then reused).

    Returns the workspace, hledger's journal, and the import's seconds and peak MB.
    """
    data = peers_data(size)
    rows_path, budget_path = data / f"ledger_{size}.jsonl", data / f"budget_{size}.json"
    journal = WORK / f"ledger_{size}.journal"
    subprocess.run([sys.executable, str(PEERS / "to_hledger.py"), str(rows_path), str(budget_path), str(journal)], check=True)
    path = WORK / f"ledger_{size}.db"
    stamp = WORK / f"ledger_{size}.imported"
    if path.exists() and stamp.exists() and stamp.stat().st_mtime >= rows_path.stat().st_mtime:
        return path, journal, [float(x) for x in stamp.read_text().split()]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    subprocess.run(
        [CREWDECK, "init", str(path), "--member", "maria", "--name", "Maria", "--tz", "Europe/Berlin", "--currency", "USD"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # Streamed, never a list: the runner's own memory would show in the
    # peak RSS of the commands it forks.
    months = sorted({json.loads(line)["date"][:7] for line in rows_path.open()})
    first, last = _first_and_last(rows_path)
    budget = json.loads(budget_path.read_text())
    for campaign in budget:
        _crewdeck(path, "campaign", "add", campaign, "--start", first, "--end", last)
    rates_csv = WORK / "rates.csv"
    with rates_csv.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "pair", "rate"])
        writer.writerows(_kit_rates(rows_path))
    _crewdeck(path, "rate", "import", str(rates_csv))
    _set_budgets(path, budget, months)
    entries_csv = WORK / f"ledger_{size}.csv"
    with entries_csv.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "campaign", "category", "payee", "amount", "currency", "memo"])
        for r in map(json.loads, rows_path.open()):
            writer.writerow(
                [
                    r["date"],
                    r["campaign"],
                    r["category"],
                    r["payee"],
                    r["amount"],
                    r["currency"],
                    f"{r['channel'] or ''} {r['funding']}".strip(),
                ]
            )
    [run] = time_command([CREWDECK, "--workspace", str(path), "--as", "maria", "ledger", "import", str(entries_csv)], runs=1, warmup=0)
    stamp.write_text(f"{run.seconds:.3f} {run.peak_rss_mb:.1f}")
    return path, journal, [run.seconds, run.peak_rss_mb]


def _set_budgets(path: Path, budget: dict[str, dict[str, float]], months: list[str]) -> None:
    """The kit's monthly budgets, every month, in one write (a command per budget would take minutes)."""
    code = (
        "import json, sys\n"
        "from crewdeck.sync.state.store import Store\n"
        "from crewdeck.sync.state.money import parse_decimal\n"
        "from crewdeck.sync.state.records import budget_id\n"
        "store = Store(sys.argv[1])\n"
        "me = store.conn.execute(\"SELECT id FROM member WHERE handle = 'maria'\").fetchone()[0]\n"
        "campaigns = dict(store.conn.execute('SELECT name, id FROM campaign'))\n"
        "budget, months = json.loads(sys.argv[2]), json.loads(sys.argv[3])\n"
        "with store.write(me) as w:\n"
        "    for name, categories in budget.items():\n"
        "        for category, amount in categories.items():\n"
        "            for month in months:\n"
        "                w.set('budget', budget_id(campaigns[name], category, month), {'campaign': campaigns[name],\n"
        "                      'category': category, 'period': month, 'amount': parse_decimal(amount, 'USD'), 'currency': 'USD'})\n"
    )
    texts = {c: {k: f"{v:.2f}" for k, v in cats.items()} for c, cats in budget.items()}
    subprocess.run(
        [sys.executable, "-c", code, str(path), json.dumps(texts), json.dumps(months)], check=True, cwd=Path(__file__).resolve().parents[2]
    )


def run(bench: Bench) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    workspace, journal, (import_seconds, import_mb) = populated_workspace(SIZE)
    bench.record(
        "ledger",
        f"crewdeck ledger import ({SIZE:,} CSV rows, all checked, one transaction)",
        import_seconds,
        "s",
        detail=f"peak {import_mb:.0f} MB",
    )
    base = [CREWDECK, "--workspace", str(workspace), "--as", "maria"]
    runs = 3 if bench.quick else 7
    report = time_command([*base, "ledger", "report"], runs=runs)
    ours = median([r.seconds for r in report])
    rss = max(r.peak_rss_mb for r in report)
    lines = report[0].output.count("\n")
    as_json = time_command([*base, "ledger", "report", "--json"], runs=runs)
    by_month = time_command([*base, "ledger", "report", "--by", "month"], runs=runs)
    window = time_command([*base, "ledger", "list", "#ads", "--limit", "50"], runs=runs)
    _pane(bench, workspace)
    hledger = shutil.which("hledger")
    if hledger is None:
        bench.record("ledger", f"crewdeck ledger report ({SIZE:,} entries)", ours * 1000, "ms", detail="hledger missing: no ratio")
        return
    theirs_runs = time_command([hledger, "-f", str(journal), "balance", "--budget"], runs=1 if bench.quick else 3)
    theirs = median([r.seconds for r in theirs_runs])
    ratio = ours / theirs
    bench.record(
        "ledger",
        f"crewdeck ledger report ({SIZE:,} entries)",
        ours * 1000,
        "ms",
        f"<= {GOAL_RATIO}x hledger",
        ratio <= GOAL_RATIO,
        f"ours/theirs {ratio:.3f}; {lines} lines",
    )
    bench.record("ledger", "crewdeck ledger report: peak RSS", rss, "MB", f"<= {GOAL_MB} MB", rss <= GOAL_MB)
    bench.record(
        "ledger",
        "crewdeck ledger report --json",
        median([r.seconds for r in as_json]) * 1000,
        "ms",
        detail=f"peak {max(r.peak_rss_mb for r in as_json):.0f} MB",
    )
    bench.record(
        "ledger",
        "crewdeck ledger report --by month",
        median([r.seconds for r in by_month]) * 1000,
        "ms",
        detail=f"peak {max(r.peak_rss_mb for r in by_month):.0f} MB",
    )
    bench.record("ledger", "crewdeck ledger list #ads --limit 50 (a window)", median([r.seconds for r in window]) * 1000, "ms")
    _lock_held(bench, workspace, runs)
    bench.record(
        "peer",
        f"hledger balance --budget ({SIZE:,} transactions)",
        theirs * 1000,
        "ms",
        detail=f"peak {max(r.peak_rss_mb for r in theirs_runs):.0f} MB",
    )


def _lock_held(bench: Bench, workspace: Path, runs: int) -> None:
    """How long ``crewdeck ledger add`` holds the shared file's write lock (every other member's write waits that long):
    its entry's write and the over-budget note's read after it (``overbudget.around``), on a copy of the workspace."""
    from crewdeck.tui.ledger import actions, overbudget
    from crewdeck.tui.ledger.form import FormContext, parse_entry
    from crewdeck.tui.workspace.workspace import Workspace

    copy = WORK / "ledger_add.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(workspace, copy)
    ws = Workspace.open(copy)
    try:
        store, me = ws.store, ws.member_by_handle("maria")
        campaign = store.conn.execute("SELECT id FROM campaign ORDER BY name LIMIT 1").fetchone()[0]
        day = store.conn.execute("SELECT max(date) FROM ledger_entry").fetchone()[0]
        today = dt.date.fromisoformat(day)
        held, lock = store.held, []

        class Timed:
            """``store.held``, timed from its lock taken to its commit."""

            def __enter__(self) -> None:
                self.inner = held()
                self.inner.__enter__()
                self.start = time.perf_counter()

            def __exit__(self, *exc: Any) -> None:
                try:
                    self.inner.__exit__(*exc)
                finally:
                    lock.append(time.perf_counter() - self.start)

        setattr(store, "held", Timed)  # noqa: B010 (the instance's, for this run only)
        now = dt.datetime.now(dt.UTC)
        fields = {"date": day, "campaign": campaign, "category": "ads", "payee": "Meta", "amount": "12.50 USD"}
        for _ in range(runs + 1):
            draft = parse_entry(fields, FormContext.load(ws, today))
            overbudget.around(
                store, "USD", [(draft.campaign, draft.date)], today, lambda draft=draft: actions.add_entry(ws, me, draft, now)
            )
    finally:
        ws.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    bench.record(
        "ledger",
        f"crewdeck ledger add: the write lock held (write and over-budget read, {SIZE:,} entries, in process)",
        median(lock[1:]) * 1000,
        "ms",
    )


def _pane(bench: Bench, workspace: Path) -> None:
    """What the ledger pane asks of the store on a key: a window of entries, the budget rows of a period."""
    from crewdeck.sync.state.store import Store
    from crewdeck.tui.ledger import entries, pane_data
    from crewdeck.tui.ledger.period import Period
    from crewdeck.tui.ledger.view import budget_view
    from crewdeck.tui.session.session import Session

    store = Store(workspace)
    try:
        for offset in (0, SIZE // 2, SIZE - 100):
            times = repeat(lambda offset=offset: entries.window(store.conn, "1", [], offset, 100), runs=20)
            bench.record("ledger", f"entries window of 100 at offset {offset:,} (in process)", median(times) * 1000, "ms")
        times = repeat(lambda: entries.count(store.conn, "e.category = ?", ["ads"]), runs=20)
        bench.record("ledger", "count of a filter (#ads, in process)", median(times) * 1000, "ms")
        last_month = Period.parse(store.conn.execute("SELECT max(date) FROM ledger_entry").fetchone()[0][:7])
        times = repeat(lambda: budget_view(store.conn, "USD", last_month, dt.date.today()), runs=10)
        bench.record("ledger", "budget table rows for a month (in process)", median(times) * 1000, "ms")
        oldest = entries.window(store.conn, "1", [], SIZE - 1, 1)[0].id
        times = repeat(lambda: entries.position(store.conn, "1", [], oldest), runs=20)
        bench.record(
            "ledger",
            f"position of the entry at row {SIZE - 1:,} (the cursor kept across a refresh, in process)",
            median(times) * 1000,
            "ms",
        )
    finally:
        store.close()
    session = Session.open(workspace, "maria", None)
    try:
        now = dt.datetime.now(dt.UTC)
        access = session.access
        month = pane_data.read_page(access, last_month, "", now, [], 0, 100)
        last = pane_data.window(access, month.where, month.params, month.total - 1, 1)[0].id
        times = repeat(lambda: pane_data.read_page(access, last_month, "", now, [last], 0, 100), runs=10)
        bench.record(
            "ledger", "a refresh of the ledger pane: budget, count, cursor, window (a month, in process)", median(times) * 1000, "ms"
        )
    finally:
        session.close()
