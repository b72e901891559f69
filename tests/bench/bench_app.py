"""The app in a real terminal at 100,000 tasks, against an empty Textual app.

Goals (issues 3 and 13), measured with the peer kit's tmux harness in the
same run: start -> all three panes drawn with their content (task rows, the
grid's rows, budget rows) <= 1.3x the empty Textual app's time, and so the
first full screen too; a key that moves the cursor or applies a filter:
median <= 50 ms from key to changed screen; peak RSS <= 150 MB.

The workspace holds the kit's 100,000 tasks and its ledger (100,000 entries,
monthly budgets, rates), so the Budget pane opens on budget rows and entries
of the current month.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from decimal import Decimal
from pathlib import Path

from bench_cli import SIZE, populated_workspace
from bench_ledger import _crewdeck, _kit_rates, _set_budgets
from harness import CREWDECK, PEERS, WORK, Bench, peers_data

RESULTS = WORK / "tui.jsonl"


def _tui_bench(name: str, command: str, expects: list[str], steps: list[str], runs: int) -> dict[str, dict[str, float]]:
    RESULTS.unlink(missing_ok=True)
    args = [
        sys.executable,
        str(PEERS / "tui_bench.py"),
        "--group",
        "bench",
        "--size",
        str(SIZE),
        "--name",
        name,
        "--cmd",
        command,
        "--runs",
        str(runs),
        "--warmup",
        "1",
        "--out",
        str(RESULTS),
    ]
    for expect in expects:
        args += ["--expect", expect]
    for step in steps:
        args += ["--step", step]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    out: dict[str, dict[str, float]] = {}
    for line in RESULTS.read_text().splitlines():
        record = json.loads(line)
        out[record["name"]] = {**record.get("stats", {}), "peak": (record.get("rss_mb") or {}).get("max", 0)}
    return out


def with_ledger(tasks: Path) -> Path:
    """A copy of the tasks workspace with the kit's ledger added (once): its rates, monthly budgets and entries.

    A copy: ``bench_moving`` exports the tasks workspace against ``task export`` of the same tasks, and
    read 100,000 ledger entries more in it whenever this bench had run first.
    """
    ws = tasks.with_name(f"{tasks.stem}_ledger.db")
    if ws.exists() and ws.stat().st_mtime >= tasks.stat().st_mtime:
        with closing(sqlite3.connect(ws)) as conn:  # closed before a rebuild unlinks its -wal beside it
            if conn.execute(
                "SELECT EXISTS (SELECT 1 FROM ledger_entry) AND EXISTS (SELECT 1 FROM rate WHERE base = 'GBP' AND quote = 'EUR')"
            ).fetchone()[0]:
                return ws
    for suffix in ("-wal", "-shm"):
        Path(f"{ws}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(tasks) as source, sqlite3.connect(ws) as copy:
        source.backup(copy)
    data = peers_data(SIZE)
    rows_path, budget_path = data / f"ledger_{SIZE}.jsonl", data / f"budget_{SIZE}.json"
    rates_csv = WORK / "app-rates.csv"
    with rates_csv.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "pair", "rate"])
        writer.writerows(_in_euros(_kit_rates(rows_path)))
    _crewdeck(ws, "rate", "import", str(rates_csv))
    months = sorted({json.loads(line)["date"][:7] for line in rows_path.open()})
    _set_budgets(ws, json.loads(budget_path.read_text()), months)
    entries_csv = WORK / "app-ledger.csv"
    with entries_csv.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "campaign", "category", "payee", "amount", "currency"])
        for r in map(json.loads, rows_path.open()):
            writer.writerow([r["date"], r["campaign"], r["category"], r["payee"], r["amount"], r["currency"]])
    _crewdeck(ws, "ledger", "import", str(entries_csv))
    return ws


def _in_euros(rates: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The kit's prices in USD, and GBP's in EUR (GBP/USD over EUR/USD) each month: the tasks workspace keeps its
    books in EUR, and a report converts a pair it is given (or its inverse), not one through a third currency; without
    it the GBP tenth of the entries was left out of every total."""
    by_day: dict[str, dict[str, Decimal]] = {}
    for day, pair, rate in rates:
        by_day.setdefault(day, {})[pair] = Decimal(rate)
    crossed = [
        (day, "GBP/EUR", str((prices["GBP/USD"] / prices["EUR/USD"]).quantize(Decimal("0.000001")))) for day, prices in by_day.items()
    ]
    return rates + crossed


def run(bench: Bench) -> None:
    if not (PEERS / "tui_bench.py").exists():
        print(f"  (no peer kit at {PEERS}: skipped)")
        return
    runs = 3 if bench.quick else 5
    ws = with_ledger(populated_workspace(SIZE))
    config = WORK / "bench-config.toml"
    config.write_text('default_view = "all"\n')
    floor = _tui_bench(
        "empty Textual app",
        f"env TZ=UTC {sys.executable} {PEERS / 'textual_floor.py'} --rows 0",
        ["textual-floor", " 0 rows", "palette"],
        [],
        runs,
    )
    ours = _tui_bench(
        f"crewdeck ({SIZE:,} tasks)",
        f"env TZ=UTC CREWDECK_CONFIG={config} {CREWDECK} --workspace {ws}",
        ["All open", r"[0-9,]+ tasks", r"[0-9a-f]{8} \w", "palette"],
        [
            "j::j (cursor down)",
            "k::k (cursor up)",
            "G::G (last row)",
            "/::/ (filter box)",
            "#instagram::type a filter",
            "Enter::Enter (apply the filter, previewed as typed)::/ #instagram",
            "v::v (view picker)",
            "o::o (Overdue view, previewed in the picker)::Overdue",
            # The same without the previews the filter box and the view picker
            # make while they are up: a view by key, a filter typed and applied at once.
            "]::] (apply the next view, not previewed)::Mine",
            "/::/ (filter box again)",
            "'#tiktok' Enter::type a filter and apply it at once (not previewed)::/ #tiktok",
        ],
        runs,
    )
    # All three panes with their content: task rows, the grid's rows (its
    # status line counts them), a campaign's budget row (its budget, or "no rate" when the rate of its
    # period's first day is missing; its spend) and the entries' count.
    whole = _tui_bench(
        f"crewdeck ({SIZE:,} tasks), all panes",
        f"env TZ=UTC CREWDECK_CONFIG={config} {CREWDECK} --workspace {ws}",
        [
            "All open",
            r"[0-9,]+ tasks",
            r"[0-9a-f]{8} \w",
            "palette",
            r"in hours \d+/\d+",
            r"\+[a-z-]+…?(?: \*)? +(—|no rate|[\d,.]+) +[\d,.]+\.\d\d",
            r"[0-9,]+ entries ·",
        ],
        [],
        runs,
    )
    for name, stats in sorted(floor.items()):
        if "startup" in name:
            floor_start = stats["median"]
            bench.record("peer", f"{name}", floor_start, "ms")
    start = next(v for k, v in ours.items() if "startup" in k)
    ratio = start["median"] / floor_start
    bench.record(
        "app",
        f"start -> first full screen ({SIZE:,} tasks)",
        start["median"],
        "ms",
        "<= 1.3x empty app",
        ratio <= 1.3,
        f"{ratio:.2f}x the empty Textual app",
    )
    all_panes = next(v for k, v in whole.items() if "startup" in k)
    ratio = all_panes["median"] / floor_start
    bench.record(
        "app",
        f"start -> all three panes drawn ({SIZE:,} tasks)",
        all_panes["median"],
        "ms",
        "<= 1.3x empty app",
        ratio <= 1.3,
        f"{ratio:.2f}x the empty Textual app",
    )
    for name, stats in ours.items():
        if "startup" in name:
            continue
        if "median" not in stats:
            bench.record("app", f"{name.split(': ', 1)[-1]} (never changed the screen)", 0, "ms", "works", False)
            continue
        label = name.split(": ", 1)[-1]
        goal = "<= 50 ms" if any(k in label for k in ("cursor", "apply", "Overdue")) else ""
        bench.record("app", f"key {label}", stats["median"], "ms", goal, stats["median"] <= 50 if goal else None)
    peak = max((v.get("peak") or 0) for v in ours.values())
    if peak:
        bench.record("app", "peak RSS", peak, "MB", "<= 150 MB", peak <= 150)
