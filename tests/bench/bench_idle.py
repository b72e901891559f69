"""An app left open and idle on a replica of a sync server (`run.py idle`): the CPU it uses and what it writes.

Helper qn's finding: an idle replica's app used ~1.9% of a core (its file's watcher looked every 10 ms, its watcher of
changes every 15 ms) and wrote the replica once a minute (the time of its last sync).  Measured here headless, in
this process, over a quiet stretch once the header says "live": the process's CPU (the app's threads and the sync
engine's; the server is another process), and whether the replica was written meanwhile, as another connection's
``data_version`` tells them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from pathlib import Path

from harness import CREWDECK, WORK, Bench

from tests.syncsupport import Server


def _crewdeck(*args: str) -> str:
    return subprocess.run([CREWDECK, *args], capture_output=True, text=True, check=True).stdout


def _served_replica(directory: Path) -> tuple[Server, Path]:
    """A team file served on 127.0.0.1 (the suite's own ``Server``, started once its health answers), and ana's replica
    of it."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    team, replica = directory / "team.db", directory / "ana.db"
    _crewdeck("init", str(team), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin")
    for n in range(20):
        _crewdeck("-w", str(team), "add", f"Caption {n}")
    server = Server([str(team)]).start()
    token = _crewdeck("token", "create", "ana", "--workspace", str(team)).strip().splitlines()[-1]
    subprocess.run(
        [CREWDECK, "join", server.url, str(replica)], env={**os.environ, "CREWDECK_TOKEN": token}, capture_output=True, check=True
    )
    return server, replica


def _idle(replica: Path, seconds: float) -> tuple[float, bool]:
    """The share of a core the app's process used over ``seconds`` once live, and whether the replica was written."""
    import sqlite3

    from crewdeck.tui.app.app import CrewdeckApp
    from crewdeck.tui.session.session import Session
    from crewdeck.tui.workspace.config import Config
    from crewdeck.widgets.workspace_header import WorkspaceHeader

    async def drive() -> tuple[float, bool]:
        app = CrewdeckApp(Session.open(replica, "ana", None), Config())
        async with app.run_test(size=(160, 48)) as pilot:
            header = app.query_one(WorkspaceHeader)
            while not header.sync_text.startswith("live · synced"):
                await pilot.pause(0.1)
            await pilot.pause(2)  # the start's reads and first round over
            looking = sqlite3.connect(replica)
            version = looking.execute("PRAGMA data_version").fetchone()[0]
            cpu, wall = time.process_time(), time.monotonic()
            await asyncio.sleep(seconds)
            share = (time.process_time() - cpu) / (time.monotonic() - wall)
            written = looking.execute("PRAGMA data_version").fetchone()[0] != version
            looking.close()
        app.session.close()
        return share, written

    return asyncio.run(drive())


def run(bench: Bench) -> None:
    server, replica = _served_replica(WORK / "idle")
    try:
        seconds = 30.0 if bench.quick else 90.0
        share, written = _idle(replica, seconds)
    finally:
        server.stop()
    bench.record(
        "idle", f"an idle replica's app: CPU over {seconds:.0f} s once live (headless)", share * 100, "% of a core", "<= 1%", share <= 0.01
    )
    bench.record("idle", f"an idle replica's app: the replica written over {seconds:.0f} s (1: yes)", int(written), "", "0", not written)
