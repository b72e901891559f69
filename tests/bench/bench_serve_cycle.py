"""``crewdeck serve`` and ``crewdeck web`` over a new workspace file: started, then stopped, as the tests and a person
restarting a server do.

Each run starts the process as the tests' harness does (``Server.start``, ``WebProcess.start``: until it holds its port
and ``/v1/health``, or ``/``, answers 200) and stops it with SIGTERM (``.stop()``: until it has exited).  Recorded: the
median start and stop in wall time, and the median CPU the process used in all, which a shared machine stretches
less than wall time.  No goal: a figure to compare before and after a change.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import Bench

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.syncsupport import Server, crewdeck
from tests.websupport import WebProcess


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(bench: Bench) -> None:
    runs = 5 if bench.quick else 20
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "team.db"
        crewdeck("init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin")
        for name, started in (("serve", lambda: Server([str(path)])), ("web", lambda: WebProcess(path))):
            starts, stops, cpus = [], [], []
            for _ in range(runs):
                server = started()
                cpu = _children_cpu()
                begun = time.perf_counter()
                server.start()
                up = time.perf_counter()
                server.stop()
                stops.append(time.perf_counter() - up)
                starts.append(up - begun)
                cpus.append(_children_cpu() - cpu)  # counted once the process has been waited for
            detail = f"{runs} runs"
            bench.record("serve", f"crewdeck {name}: start -> answering", statistics.median(starts), "s", detail=detail)
            bench.record("serve", f"crewdeck {name}: SIGTERM -> exited", statistics.median(stops), "s", detail=detail)
            bench.record("serve", f"crewdeck {name}: CPU of a start and stop", statistics.median(cpus), "s", detail=detail)
