"""A revoked token, seen by the app on a replica.

Goal (issue 14, item 6): from the moment a manager's ``crewdeck token
revoke`` has committed to the moment the app's header stops saying "live",
<= 1 s.  The app is the real one, headless, with its real sync engine (the
default poll interval), against a real server on loopback; each run joins a
new replica with a new token.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
import shutil
import time
from pathlib import Path

from harness import WORK, Bench, median

from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.cli.main import main
from crewdeck.tui.session.session import Session
from crewdeck.tui.workspace.config import Config
from crewdeck.widgets.workspace_header import WorkspaceHeader

GOAL = 1.0
#: Seconds a run waits for a state before it counts as never reached.
PATIENCE = 60.0


def _crewdeck(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        if main(list(args)) != 0:
            raise RuntimeError(f"crewdeck {' '.join(args)} failed")
    return out.getvalue()


async def _one_run(team: Path, replica: Path, url: str, rng: random.Random) -> float:
    lines = _crewdeck("token", "create", "ana", "--workspace", str(team)).strip().splitlines()
    token_id, token = lines[0].split()[1], lines[-1]
    _crewdeck("join", url, "--token", token, str(replica))
    config = Config()
    app = CrewdeckApp(Session.open(replica, "ana", config), config)
    async with app.run_test(size=(120, 40)) as pilot:
        header = app.query_one(WorkspaceHeader)
        await _until(pilot, lambda: header.sync_text.startswith("live · synced"))
        engine = app._sync_engine
        assert engine is not None
        await _until(pilot, lambda: engine.listening)
        # At a random moment of the server's once-a-second token check.
        await pilot.pause(rng.uniform(0, 1.5))
        # The token is revoked in the server's file; the clock starts once that has committed.
        _crewdeck("token", "revoke", token_id, "--workspace", str(team))
        revoked = time.perf_counter()
        await _until(pilot, lambda: header.sync_state != "live")
        return time.perf_counter() - revoked


async def _until(pilot: object, condition: object) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot) and callable(condition)
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the app never reached the state this run waits for")
        await pilot.pause(0.002)


def run(bench: Bench) -> None:
    from tests.syncsupport import Server

    directory = WORK / "revocation"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    team = directory / "team.db"
    _crewdeck("init", str(team), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin")
    server = Server([str(team)]).start()
    delays: list[float] = []
    rng = random.Random(14)
    try:
        for n in range(3 if bench.quick else 7):
            delays.append(asyncio.run(_one_run(team, directory / f"ana-{n}.db", server.url, rng)))
    finally:
        server.stop()
    worst = max(delays)
    detail = f"{len(delays)} runs, worst {worst:.2f} s"
    bench.record("sync", "token revoked -> app header", median(delays), "s", f"<= {GOAL:g} s", worst <= GOAL, detail)
