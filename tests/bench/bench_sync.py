"""HTTP sync: edit-to-screen latency, first sync, push throughput.

Goals (issue 6), on loopback against the plain Starlette+uvicorn POST round
trip measured in the same run (the peer kit's http_floor.py):
* an edit on one client visible in another client's replica, nobody
  syncing by hand, 20 clients connected: p50 <= 100 ms, p99 <= 500 ms;
* first sync of a 100,000-operation workspace into an empty replica <= 4 s,
  with progress shown;
* sustained push throughput of one workspace, SQLite and PostgreSQL:
  >= 5,000 ops/s in batches.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench_store import _source_ops
from harness import PEERS, ROOT, WORK, Bench, median, percentile

from crewdeck.sync.client.remote import Client, join, push_all
from crewdeck.sync.state.stop import Stop
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.watcher import ChangeWatcher

FLEET = """
import sys, threading
from crewdeck.sync.client.engine import SyncEngine
engines = [SyncEngine(p) for p in sys.argv[1:]]
for e in engines:
    e.start()
print("ready", flush=True)
sys.stdin.read()
for e in engines:
    e.stop()
"""


def _crewdeck(*args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "crewdeck.tui.cli.main", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout


def _token(*args: str) -> str:
    return _crewdeck("token", "create", *args).strip().splitlines()[-1]


class _Server:
    def __init__(self, *args: str) -> None:
        from tests.syncsupport import Server

        self.server = Server(list(args)).start()
        self.url = self.server.url

    def stop(self) -> None:
        self.server.stop()


def _team(directory: Path) -> Path:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    team = directory / "team.db"
    _crewdeck("init", str(team), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin")
    return team


def _http_floor(bench: Bench) -> None:
    script = PEERS / "http_floor.py"
    if not script.exists():
        return
    out = WORK / "http_floor.jsonl"
    out.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, str(script), "--rounds", "2", "--seq", "1000", "--conc-seconds", "1", "--wrk-seconds", "0", "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=PEERS,
    )
    for line in out.read_text().splitlines():
        record = json.loads(line)
        if record["name"].startswith("sequential POST p50"):
            bench.record("sync", "plain Starlette+uvicorn POST round trip p50 (floor, same run)", record["stats"]["median"], "ms")


def _latency(bench: Bench, clients: int = 20) -> None:
    directory = WORK / "sync-latency"
    team = _team(directory)
    server = _Server(str(team))
    fleets: list[subprocess.Popen[str]] = []
    try:
        paths = []
        for i in range(clients):
            path = directory / f"c{i}.db"
            join(str(path), server.url, _token("ana", "--workspace", str(team)))[0].close()
            paths.append(path)
        # The writer's and the reader's engines run in processes of their
        # own (each member has a machine); the other 18 share one process.
        fleets = [
            subprocess.Popen(
                [sys.executable, "-c", FLEET, *map(str, group)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            for group in (paths[:1], paths[1:2], paths[2:])
        ]
        for fleet in fleets:
            assert fleet.stdout is not None and fleet.stdout.readline().strip() == "ready"
        writer = Store(paths[0])
        member = writer.get_meta("remote.member") or ""
        watcher = ChangeWatcher(paths[1])
        seen: dict[str, float] = {}
        stop = Stop()

        def record(batch: list) -> None:
            now = time.monotonic()
            for _, op in batch:
                if op.field == "title":
                    seen.setdefault(op.value, now)

        thread = threading.Thread(target=watcher.run, args=(record, stop, 0.002))
        thread.start()
        committed: dict[str, float] = {}
        warmup = 10  # the first edits meet cold caches and freshly started processes
        for i in range(warmup + (60 if bench.quick else 200)):
            time.sleep(random.uniform(0.05, 0.15))  # spacing between edits, not synchronisation
            title = f"edit {i}"
            with writer.write(member) as w:
                w.create("task", {"title": title})
            if i >= warmup:
                committed[json.dumps(title)] = time.monotonic()
        deadline = time.monotonic() + 30
        while not set(committed) <= set(seen) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        thread.join()
        latencies = [(seen[k] - t) * 1000 for k, t in committed.items() if k in seen]
        missing = len(committed) - len(latencies)
        detail = f"{len(latencies)} edits, {clients} clients connected" + (f", {missing} NOT SEEN" if missing else "")
        bench.record(
            "sync",
            "edit on one client -> in another's replica (p50)",
            median(latencies),
            "ms",
            "<= 100 ms",
            median(latencies) <= 100 and not missing,
            detail,
        )
        bench.record(
            "sync",
            "edit on one client -> in another's replica (p99)",
            percentile(latencies, 99),
            "ms",
            "<= 500 ms",
            percentile(latencies, 99) <= 500 and not missing,
            detail,
        )
        writer.close()
    finally:
        for fleet in fleets:
            fleet.communicate("", timeout=60)
        server.stop()


def _first_sync(bench: Bench) -> None:
    directory = WORK / "sync-first"
    team = _team(directory)
    with Store(team) as store:
        store.apply(_source_ops(10_000))  # 10 fields each: 100,000 operations
    total = Store(team).max_seq()
    token = _token("ana", "--workspace", str(team))
    server = _Server(str(team))
    try:
        times, reports = [], []
        for run in range(2 if bench.quick else 3):
            target = directory / f"replica{run}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            progress: list[tuple[int, int]] = []
            t0 = time.perf_counter()
            store, _, _result = join(str(target), server.url, token, on_progress=lambda d, t, progress=progress: progress.append((d, t)))
            times.append(time.perf_counter() - t0)
            assert store.max_seq() == total, (store.max_seq(), total)
            store.close()
            reports.append(len(progress))
        bench.record(
            "sync",
            f"first sync of {total:,} operations into an empty replica",
            median(times),
            "s",
            "<= 4 s",
            median(times) <= 4,
            f"{min(reports)} progress reports",
        )
    finally:
        server.stop()


def _push_rate(bench: Bench, label: str, url: str, tokens: list[str], directory: Path, ops_each: int) -> None:
    replicas = []
    for i, token in enumerate(tokens):
        path = directory / f"pusher{i}.db"
        store, _, _ = join(str(path), url, token)
        member = store.get_meta("remote.member") or ""
        with store.write(member) as w:
            for j in range(ops_each // 5):
                w.create("task", {"title": f"pushed {j}", "status": "todo", "priority": "med", "notes": "", "tags": []})
        replicas.append(store)
    clients = [Client(url, token, "team") for token in tokens]
    t0 = time.perf_counter()
    threads = [threading.Thread(target=push_all, args=(s, c)) for s, c in zip(replicas, clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rate = len(tokens) * ops_each / (time.perf_counter() - t0)
    refused = sum(len(s.refused(reader=None)) for s in replicas)
    assert refused == 0, f"the server refused {refused} pushed operations: the rate would not be of stored ones"
    bench.record("sync", f"push throughput, {label}, {len(tokens)} client(s), batches of 2,000", rate, "ops/s", ">= 5,000", rate >= 5_000)
    for s, c in zip(replicas, clients):
        s.close()
        c.close()


def _throughput(bench: Bench) -> None:
    ops_each = 20_000 if bench.quick else 50_000
    directory = WORK / "sync-push"
    team = _team(directory)
    server = _Server(str(team))
    try:
        _push_rate(bench, "SQLite file", server.url, [_token("ana", "--workspace", str(team))], directory, ops_each)
        (directory / "four").mkdir()
        _push_rate(
            bench, "SQLite file", server.url, [_token("ana", "--workspace", str(team)) for _ in range(4)], directory / "four", ops_each // 4
        )
    finally:
        server.stop()

    from tests.syncsupport import Postgres, postgres_bin

    bin_dir = postgres_bin()
    if bin_dir is None:
        print("  LOUD SKIP: no PostgreSQL binaries; push throughput on PostgreSQL not measured")
        return
    cluster = Postgres(bin_dir, durable=True).start()
    try:
        url = cluster.database()
        directory = WORK / "sync-pg"
        team = _team(directory)
        _crewdeck("publish", str(team), "--database", url)
        server = _Server("--database", url)
        try:
            tokens = [_token("ana", "--database", url, "--name", "team") for _ in range(5)]
            _push_rate(bench, "PostgreSQL", server.url, tokens[:1], directory, ops_each)
            (directory / "four").mkdir()
            _push_rate(bench, "PostgreSQL", server.url, tokens[1:], directory / "four", ops_each // 4)
        finally:
            server.stop()
    finally:
        cluster.stop()


def run(bench: Bench) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    _http_floor(bench)
    _latency(bench)
    _first_sync(bench)
    _throughput(bench)
