"""Posts at 10,000: ``crisis start`` pausing 10,000 scheduled posts, and reading every post's state.

Each figure is recorded as wall time and as CPU time (the machine this was
written on is shared: under load, wall time says more about the neighbours).

Goals (issue 15): ``crisis start`` with 10,000 scheduled posts in its
scope committed <= 1 s.  Reading the state of every post (computed when
read: rounds, lead time, crises) is measured at 10,000 posts with no
verdicts, and with a two-step chain whose rounds each hold two approvals
(so every post's round authors are read from the log).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable

from harness import CREWDECK, WORK, Bench, median

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.postround import content_hash
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.reading import read_posts

SIZE = 10_000
NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
GOAL_CRISIS_S = 1.0


def _workspace(name: str, *, chain: bool) -> tuple[str, dict[str, str]]:
    path = WORK / f"posts-{name}.db"
    path.unlink(missing_ok=True)
    ids = {handle: new_id() for handle in ("ana", "raj", "kemi", "lee")}
    campaign = new_id()
    with Store.create(path) as store:
        with store.write(ids["ana"], judged=False) as w:
            w.set("workspace", "workspace", {"name": "Bench", "base_currency": "EUR"})
            for handle, member_id in ids.items():
                groups = ["legal"] if handle == "lee" else ["comms"]
                values = {"handle": handle, "name": handle, "tz": "UTC", "access": "manager" if handle == "ana" else "member"}
                w.create("member", {**values, "groups": groups}, row_id=member_id)
            steps = [{"name": "copy", "member": ids["kemi"], "group": None}, {"name": "legal", "member": None, "group": "legal"}]
            w.create("campaign", {"name": "Launch", "approvals": steps if chain else []}, row_id=campaign)
        with store.write(ids["raj"]) as w:
            for n in range(SIZE):
                copy = f"Post {n} copy #launch"
                digest = content_hash(copy, "", [], "")
                slot = NOW + dt.timedelta(hours=2 + n % 720)
                w.create(
                    "task",
                    {
                        "title": f"Post {n}",
                        "campaign": campaign,
                        "platform": ("instagram", "x", "linkedin")[n % 3],
                        "post_state": "in-review" if chain else "scheduled",
                        "copy": copy,
                        "post_round": {"id": new_id(), "hash": digest, "at": "2026-12-01T09:00:00Z"},
                        "publish": {"utc": slot.strftime("%Y-%m-%dT%H:%M:%SZ"), "tz": "America/New_York"},
                        "created_by": ids["raj"],
                    },
                )
        if chain:
            rounds = store.conn.execute("SELECT id, post_round FROM task WHERE post_state IS NOT NULL").fetchall()
            for member, step in ((ids["kemi"], "copy"), (ids["lee"], "legal")):
                with store.write(member, judged=False) as w:
                    for post_id, round_json in rounds:
                        found = json.loads(round_json)
                        w.append(
                            "post_approval",
                            {
                                "post": post_id,
                                "round": found["id"],
                                "step": step,
                                "hash": found["hash"],
                                "verdict": "approve",
                                "note": "",
                                "approved_by": member,
                                "approved_at": "2026-12-02T09:00:00Z",
                            },
                        )
    return str(path), ids


def _timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn`` (one warm-up call first)."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return median(wall), median(cpu)


def _process(argv: list[str], prep: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of a command, ``prep`` before each run."""
    wall, cpu = [], []
    for i in range(runs + 1):
        prep()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "CREWDECK_NOW": "2026-12-03T09:00:00Z"}
        )
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{' '.join(argv)} failed")
        if i:
            wall.append(time.perf_counter() - t0)
            cpu.append(usage.ru_utime + usage.ru_stime)
    return median(wall), median(cpu)


def run(bench: Bench) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    runs = 3 if bench.quick else 7
    path, ids = _workspace("scheduled", chain=False)

    # crisis start, in process: the write that commits it (the crisis and its checklist's five tasks).
    copy = WORK / "posts-crisis.db"
    wall, cpu = [], []
    for _ in range(runs):
        shutil.copy(path, copy)
        with Store(copy) as store:
            w0, c0 = time.perf_counter(), time.process_time()
            writing.start_crisis(store, ids["ana"], NOW, "Outage")
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
            paused = sum(1 for v in read_posts(store.conn, NOW) if v.state == "paused")
    assert paused == SIZE, paused
    goal = f"<= {GOAL_CRISIS_S * 1000:.0f} ms"
    bench.record(
        "posts", f"crisis start, {SIZE:,} scheduled posts: committed", median(wall) * 1000, "ms", goal, median(wall) <= GOAL_CRISIS_S
    )
    bench.record("posts", "  the same, CPU", median(cpu) * 1000, "ms")

    # The command, a new process each time: start-up, the write, and the count of the posts it paused (every post's state read).
    work = WORK / "posts-crisis-cli.db"
    argv = [CREWDECK, "--workspace", str(work), "--as", "ana", "crisis", "start", "--reason", "Outage"]
    seconds, cpu_s = _process(argv, lambda: shutil.copy(path, work), runs)
    bench.record("posts", f"crewdeck crisis start, {SIZE:,} posts (process)", seconds * 1000, "ms", goal, seconds <= GOAL_CRISIS_S)
    bench.record("posts", "  the same, CPU", cpu_s * 1000, "ms")

    with Store(path) as store:
        seconds, cpu_s = _timed(lambda: read_posts(store.conn, NOW), runs)
    bench.record("posts", f"read every post's state, {SIZE:,} posts", seconds * 1000, "ms")
    bench.record("posts", "  the same, CPU", cpu_s * 1000, "ms")

    chained, _ = _workspace("chained", chain=True)
    with Store(chained) as store:
        states = {v.state for v in read_posts(store.conn, NOW)}
        assert states == {"approved"}, states
        seconds, cpu_s = _timed(lambda: read_posts(store.conn, NOW), runs)
    bench.record("posts", f"read every post's state, {SIZE:,} posts with 2 approvals each", seconds * 1000, "ms")
    bench.record("posts", "  the same, CPU", cpu_s * 1000, "ms")
