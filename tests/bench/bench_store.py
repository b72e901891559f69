"""The store: applying a pulled batch, one local edit, a commit seen elsewhere.

Goals (issue 2): apply >= 50,000 ops/s (raw sqlite3 inserts: ~200,000
rows/s here); one local edit in a shared file: median <= 2 ms; a commit in
one process seen by a watcher in another: median <= 50 ms.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time

from harness import PEERS, ROOT, WORK, Bench, median, percentile, repeat

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.oplog import from_wire
from crewdeck.sync.state.store import Store

WATCHER = """
import sys, threading, time
from crewdeck.sync.state.stop import Stop
from crewdeck.sync.state.watcher import ChangeWatcher
w = ChangeWatcher(sys.argv[1])
print("ready", flush=True)
stop = Stop()
def seen(batch):
    now = time.monotonic()
    for _, op in batch:
        if op.field == "title":
            print(op.row_id, now, flush=True)
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
w.run(seen, stop)
"""


def _fresh(name: str) -> Store:
    path = WORK / name
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return Store.create(path)


def _source_ops(n_tasks: int) -> list:
    src = _fresh("source.db")
    me = new_id()
    rng = random.Random(1)
    with src.write(me) as w:
        for i in range(n_tasks):
            w.create(
                "task",
                {
                    "title": f"Draft instagram carousel {i}",
                    "status": rng.choice(["todo", "doing", "done"]),
                    "priority": "med",
                    "assignee": me,
                    "tags": ["instagram"],
                    "due": {"utc": "2026-12-01T16:00:00Z", "tz": "Europe/Berlin"},
                    "created_by": me,
                    "created_at": "2026-11-01T10:00:00Z",
                    "estimate": 60,
                    "platform": "instagram",
                },
            )
    ops = [op for _, op in src.ops_after(0, 10**9)]
    src.close()
    return ops


def _raw_floor(rows: int) -> float | None:
    """The kit's raw sqlite3 bulk insert, rows/s, measured now."""
    script = PEERS / "sqlite_floor.py"
    if not script.exists():
        return None
    out = WORK / "sqlite_floor.jsonl"
    out.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, str(script), "--rows", str(rows), "--runs", "3", "--dir", str(WORK / "sqlite_floor"), "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for line in out.read_text().splitlines():
        record = json.loads(line)
        if record.get("name", "").startswith("sqlite3: insert") and "time" not in record["name"]:
            return float(record["stats"]["median"])
    return None


def run(bench: Bench) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    ops = _source_ops(10_000)  # 10 fields each: 100,000 operations
    n = len(ops)
    rates = []
    for _ in range(2 if bench.quick else 3):
        dst = _fresh("replica.db")
        t0 = time.perf_counter()
        dst.apply(ops)
        rates.append(n / (time.perf_counter() - t0))
        dst.close()
    bench.record("store", f"apply a pulled batch of {n:,} ops", median(rates), "ops/s", ">= 50,000", median(rates) >= 50_000)
    wire = [op.to_wire() for op in ops]
    dst = _fresh("replica.db")
    t0 = time.perf_counter()
    dst.apply([from_wire(w) for w in wire])
    with_checks = n / (time.perf_counter() - t0)
    dst.close()
    bench.record("store", f"check ({n:,} from JSON objects) and apply", with_checks, "ops/s")
    floor = _raw_floor(n)
    if floor:
        bench.record("store", "raw sqlite3 insert floor (peer kit, same run)", floor, "rows/s")

    shared = _fresh("shared.db")
    me = new_id()
    with shared.write(me) as w:
        tasks = [w.create("task", {"title": f"t{i}"}) for i in range(1000)]
    other = Store(shared.path)  # a second member's connection to the same file
    counter = iter(range(10**9))

    def one_edit() -> None:
        with shared.write(me) as w:
            w.set("task", random.choice(tasks), {"title": f"edit {next(counter)}"})

    times = [t * 1000 for t in repeat(one_edit, 300 if bench.quick else 1000, warmup=20)]
    bench.record("store", "one local edit committed in a shared file (median)", median(times), "ms", "<= 2 ms", median(times) <= 2)
    bench.record("store", "one local edit committed in a shared file (p99)", percentile(times, 99), "ms")
    other.close()

    watcher = subprocess.Popen(
        [sys.executable, "-c", WATCHER, str(shared.path)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert watcher.stdout is not None and watcher.stdin is not None
    assert watcher.stdout.readline().strip() == "ready"
    committed: dict[str, float] = {}
    for i in range(100 if bench.quick else 300):
        time.sleep(random.uniform(0.005, 0.03))  # spacing between edits, not synchronisation
        with shared.write(me) as w:
            task = random.choice(tasks)
            w.set("task", task, {"title": f"watched {i}"})
        committed[f"{task}:{i}"] = time.monotonic()
    watcher.stdin.close()
    lines = watcher.stdout.read().split("\n")
    watcher.wait()
    seen = [float(line.split()[1]) for line in lines if line.strip()]
    latencies = [(s - c) * 1000 for s, c in zip(seen[-len(committed) :], committed.values())]
    bench.record(
        "store", "commit in one process seen by a watcher in another (median)", median(latencies), "ms", "<= 50 ms", median(latencies) <= 50
    )
    bench.record("store", "commit seen by a watcher (p99)", percentile(latencies, 99), "ms")
    shared.close()
