"""A small harness for benchmarks: repeat, take medians, compare with peers.

Each ``bench_*.py`` module here has ``run(bench: Bench) -> None`` and records
figures with ``bench.record``.  ``run.py`` runs them and prints one table;
results are also appended to ``var/bench/results.jsonl``.  Peers (the
programs our users would pick instead) come from the kit in
``../shared/peers`` (``PEERS_DIR``) and are measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PEERS = Path(os.environ.get("PEERS_DIR", ROOT.parent / "shared" / "peers"))
WORK = Path(os.environ.get("BENCH_TMP", "/tmp/crewdeck-bench"))
RESULTS = ROOT / "var" / "bench" / "results.jsonl"
CREWDECK = str(Path(sys.executable).with_name("crewdeck"))


@dataclass
class Row:
    group: str
    name: str
    value: float
    unit: str
    goal: str = ""
    ok: bool | None = None
    detail: str = ""


@dataclass
class Bench:
    quick: bool = False
    rows: list[Row] = field(default_factory=list)

    def record(self, group: str, name: str, value: float, unit: str, goal: str = "", ok: bool | None = None, detail: str = "") -> None:
        row = Row(group, name, value, unit, goal, ok, detail)
        self.rows.append(row)
        mark = "" if ok is None else (" ok" if ok else " MISSED")
        print(
            f"  {group}: {name}: {fmt(value)} {unit}{f'  (goal {goal}{mark})' if goal else ''}{f'  [{detail}]' if detail else ''}",
            flush=True,
        )
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a") as f:
            f.write(json.dumps({"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **row.__dict__}) + "\n")

    def table(self) -> str:
        lines = ["| group | measurement | value | goal |", "|---|---|---:|---|"]
        for r in self.rows:
            mark = "" if r.ok is None else (" ✓" if r.ok else " ✗")
            lines.append(f"| {r.group} | {r.name} | {fmt(r.value)} {r.unit} | {r.goal}{mark} |")
        return "\n".join(lines)


def fmt(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def repeat(fn: Callable[[], Any], runs: int, warmup: int = 1) -> list[float]:
    """Seconds per call of ``fn`` over ``runs`` timed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


@dataclass
class CommandRun:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str


#: Starts the measured command from a small process and reports its wall time, peak RSS and exit
#: code through a pipe.  Linux counts a process's peak RSS from the memory of the process it was forked from
#: until it execs: measured straight from the benchmark (hundreds of MB once it has made its data),
#: every command would seem to peak at least that high.
_LAUNCHER = """
import os, sys, time
t0 = time.perf_counter()
report = int(sys.argv[1])
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - t0
os.write(report, f"{seconds} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""


def run_command(argv: Sequence[str], env: dict[str, str] | None = None, timeout: float = 600) -> CommandRun:
    """Wall time (monotonic) and peak RSS (wait4's ru_maxrss) of one process, started from a small launcher."""
    environ = {**os.environ, **(env or {})}
    program = argv[0] if os.sep in argv[0] else shutil.which(argv[0], path=environ.get("PATH"))
    if program is None:
        raise FileNotFoundError(f"{argv[0]}: not found on PATH")
    read, write = os.pipe()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(write), program, *argv[1:]],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environ,
            pass_fds=(write,),
        )
        os.close(write)
        proc.wait(timeout)
        report = os.read(read, 200).decode().split()
        os.close(read)
        out.seek(0)
        text = out.read(200_000).decode("utf-8", "replace")
    if len(report) != 3:
        return CommandRun(0.0, 0.0, proc.returncode or 1, text)
    seconds, maxrss, code = float(report[0]), int(report[1]), int(report[2])
    return CommandRun(seconds, maxrss / 1024, code, text)


def time_command(
    argv: Sequence[str], runs: int, warmup: int = 1, env: dict[str, str] | None = None, prep: Callable[[], None] | None = None
) -> list[CommandRun]:
    results = []
    for i in range(warmup + runs):
        if prep:
            prep()
        r = run_command(argv, env)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({r.returncode}): {r.output[-2000:]}")
        if i >= warmup:
            results.append(r)
    return results


def kit_problem() -> str | None:
    """Why the peer kit cannot be used, in one line naming where to put it; ``None`` when it is there."""
    if (PEERS / "gen_data.py").is_file():
        return None
    source = " (PEERS_DIR)" if "PEERS_DIR" in os.environ else ""
    return (
        f"the benchmarks compare with the peer kit, which is not at {PEERS}{source}: "
        f"put the kit at {ROOT.parent / 'shared' / 'peers'} (../shared/peers next to this checkout) or set PEERS_DIR=/path/to/peers"
    )


def peers_data(size: int) -> Path:
    """The kit's canonical data for ``size`` tasks/transactions (generated once)."""
    out = WORK / "data"
    anchor = dt.datetime.now(dt.UTC).date().isoformat()
    meta = out / "meta.json"
    wanted = out / f"tasks_{size}.jsonl"
    if not (wanted.exists() and meta.exists() and json.loads(meta.read_text()).get("anchor") == anchor):
        if not (PEERS / "gen_data.py").exists():
            raise SystemExit(f"benchmarks need the peer kit at {PEERS} (set PEERS_DIR)")
        subprocess.run(
            [sys.executable, str(PEERS / "gen_data.py"), "--out", str(out), "--tasks", str(size), "--txns", str(size), "--anchor", anchor],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def record_floors(bench: Bench, group: str, workspace: Path, seconds: float) -> tuple[float, float]:
    """The two floors of a write that left ``workspace`` as it is, recorded against its ``seconds``: the operations alone,
    then with the rows the UI reads (``oplog_floor``); both returned."""
    ops_only, ops = oplog_floor(workspace)
    bench.record(
        group,
        f"floor: raw sqlite3 writes the import's {ops:,} operations",
        ops_only,
        "s",
        detail=f"nothing checked or materialised; the import is {seconds / ops_only:.2f}x this",
    )
    with_records, _ = oplog_floor(workspace, records_too=True)
    bench.record(
        group,
        "floor: the same and every row the import leaves in the record tables",
        with_records,
        "s",
        detail=f"the rows the app reads, written raw in the same transaction; the import is {seconds / with_records:.2f}x this",
    )
    return ops_only, with_records


def oplog_floor(workspace: Path, *, records_too: bool = False) -> tuple[float, int]:
    """Seconds raw ``sqlite3`` takes to write the operations ``workspace`` holds into an empty log, and how many.

    The same table and index, the same connection settings, one transaction,
    ``executemany`` of tuples made beforehand, the index built after the
    rows (the cheaper order): the least any writer of this log pays for
    them, before a record is checked or materialised.  An import's own
    time is compared with it in the same run.

    ``records_too``: every other table's rows as well (the records the app
    reads, the roll-ups), written the same way with their indexes after
    and no trigger: the least a writer pays that keeps, as DESIGN.md asks,
    the operations and the rows the UI reads in one transaction.
    """
    master = (
        "SELECT tbl_name, type, sql FROM sqlite_master WHERE sql IS NOT NULL AND type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'"
    )
    with sqlite3.connect(workspace) as source:
        schema = [(table, kind, sql) for table, kind, sql in source.execute(master) if records_too or table == "ops"]
        tables = [table for table, kind, _ in schema if kind == "table"]
        contents = {}
        for table in tables:
            columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")') if not (table == "ops" and row[1] == "seq")]
            order = " ORDER BY seq" if table == "ops" else ""
            contents[table] = (columns, source.execute(f'SELECT {", ".join(columns)} FROM "{table}"{order}').fetchall())
    with tempfile.TemporaryDirectory(dir=WORK) as scratch:
        conn = sqlite3.connect(Path(scratch) / "floor.db", isolation_level=None)
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "cache_size = -32768"):
            conn.execute(f"PRAGMA {pragma}")
        for _, kind, sql in schema:
            if kind == "table":
                conn.execute(sql)
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for table, (columns, rows) in contents.items():
            insert = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
            for start in range(0, len(rows), 5_000):
                conn.executemany(insert, rows[start : start + 5_000])
        for _, kind, sql in schema:
            if kind == "index":
                conn.execute(sql)
        conn.execute("COMMIT")
        conn.close()  # the checkpoint at close, as a command's own
        seconds = time.perf_counter() - started
    return seconds, len(contents["ops"][1])
