"""Real processes sharing one workspace file."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.store import Store

from .conftest import ROOT

WRITERS = 8
WRITES = 2_000


def _spawn(*args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=stdin, text=True
    )


def test_eight_writers_lose_nothing_and_a_watcher_sees_every_commit(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    Store.create(path).close()
    watcher = _spawn("tests/procs/watcher.py", str(path), stdin=subprocess.PIPE)
    assert watcher.stdout is not None and watcher.stdout.readline() == "ready\n"
    writers = [_spawn("tests/procs/writer.py", str(path), str(WRITES), new_id()) for _ in range(WRITERS)]
    acknowledged: set[str] = set()
    for w in writers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
        assert err == ""  # no "database is locked", no warnings
        lines = out.split()
        assert len(lines) == WRITES
        acknowledged.update(lines)
    out, err = watcher.communicate(input="", timeout=60)
    assert watcher.returncode == 0, err
    seen = json.loads(out)

    store = Store(path)
    assert store.op_count() == WRITERS * WRITES
    rows = {r[0] for r in store.conn.execute("SELECT id FROM task")}
    assert rows == acknowledged and len(rows) == WRITERS * WRITES
    seqs = [r[0] for r in store.conn.execute("SELECT seq FROM ops ORDER BY seq")]
    assert seqs == list(range(1, WRITERS * WRITES + 1))  # gap-free
    stamps = [r[0] for r in store.conn.execute("SELECT op_id FROM ops ORDER BY seq")]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)  # no process reused or undercut a stamp
    store.close()

    assert len(seen["ops"]) == len(set(seen["ops"])) == WRITERS * WRITES
    assert seen["seqs"] == seqs
    assert seen["batches"] > 1  # it watched them arrive, not only at the end


def test_the_cli_from_several_processes_at_once(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    from crewdeck.tui.cli.main import main

    assert main(["init", str(path), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"]) == 0
    writers = [_spawn("tests/procs/writer.py", str(path), "25", "-", "cli") for _ in range(4)]
    for w in writers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0 and err == "", err
        assert len(out.split()) == 25
    store = Store(path)
    assert store.conn.execute("SELECT count(*) FROM task").fetchone()[0] == 100
    store.close()


def test_writers_killed_mid_transaction_lose_nothing_they_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    Store.create(path).close()
    rng = random.Random(1234)
    member = new_id()
    acknowledged: set[str] = set()
    for _round in range(30):
        procs = [_spawn("tests/procs/crash_writer.py", str(path), member) for _ in range(2)]
        target = rng.randint(1, 40)
        for p in procs:
            assert p.stdout is not None
            for _ in range(target):
                line = p.stdout.readline()
                assert line, p.stderr.read() if p.stderr else ""
                acknowledged.add(line.strip())
        for p in procs:
            p.send_signal(signal.SIGKILL)
        for p in procs:
            assert p.stdout is not None
            rest = p.stdout.read()  # through the same buffer readline used
            p.wait()
            # A line cut short by the kill was never fully acknowledged.
            acknowledged.update(line.strip() for line in rest.splitlines(keepends=True) if line.endswith("\n"))
            assert p.returncode == -signal.SIGKILL
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    present = {r[0] for r in conn.execute("SELECT id FROM task")}
    assert acknowledged <= present
    # Every task is whole: all six fields or nothing (one transaction each).
    partial = conn.execute("SELECT row_id, count(*) FROM ops GROUP BY row_id HAVING count(*) != 6").fetchall()
    assert partial == []
    conn.close()
