"""The command line at 100,000 tasks, against Taskwarrior on the same data.

Goals (issue 2): ``crewdeck tasks`` with a filter over 100,000 tasks
<= 300 ms for the whole process and <= 100 MB peak (Taskwarrior ~3.6 s);
importing 100,000 tasks from a Taskwarrior export <= 10 s (Taskwarrior's
own import ~11 s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness import CREWDECK, PEERS, WORK, Bench, median, peers_data, time_command

SIZE = 100_000
TEAM = [
    ("maria", "Europe/Berlin"),
    ("kenji", "Asia/Tokyo"),
    ("priya", "Asia/Kolkata"),
    ("lucas", "America/Sao_Paulo"),
    ("amara", "Africa/Lagos"),
    ("sam", "America/Los_Angeles"),
    ("olivia", "America/New_York"),
    ("noah", "Australia/Sydney"),
    ("zoe", "Europe/London"),
    ("omar", "Asia/Dubai"),
]
FILTER = ["#instagram", "due:>today", "due:<+13d"]


def _crewdeck(*args: str) -> None:
    subprocess.run([CREWDECK, *args], check=True, stdout=subprocess.DEVNULL)


def empty_team_workspace(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    _crewdeck("init", str(path), "--member", "maria", "--name", "Maria", "--tz", "Europe/Berlin")
    for handle, tz in TEAM[1:]:
        _crewdeck("--workspace", str(path), "--as", "maria", "member", "add", handle, "--name", handle.title(), "--tz", tz)


def taskwarrior_export(size: int) -> Path:
    data = peers_data(size)
    out = WORK / f"tw_{size}.json"
    if not out.exists() or out.stat().st_mtime < (data / f"tasks_{size}.jsonl").stat().st_mtime:
        subprocess.run([sys.executable, str(PEERS / "to_taskwarrior.py"), str(data / f"tasks_{size}.jsonl"), str(out)], check=True)
    return out


def populated_workspace(size: int) -> Path:
    """A workspace holding the kit's ``size`` tasks (imported once, then reused)."""
    export = taskwarrior_export(size)
    path = WORK / f"tasks_{size}.db"
    if not path.exists() or path.stat().st_mtime < export.stat().st_mtime:
        empty_team_workspace(path)
        _crewdeck("--workspace", str(path), "import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(export))
    return path


def run(bench: Bench) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    export = taskwarrior_export(SIZE)
    empty = WORK / "empty_team.db"
    empty_team_workspace(empty)
    target = WORK / "import_target.db"

    def fresh_target() -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(empty, target)

    runs = time_command(
        [CREWDECK, "--workspace", str(target), "import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(export)],
        runs=1 if bench.quick else 3,
        warmup=0,
        prep=fresh_target,
    )
    ours_import = median([r.seconds for r in runs])
    bench.record(
        "cli",
        f"import {SIZE:,} tasks from a Taskwarrior export",
        ours_import,
        "s",
        "<= 10 s",
        ours_import <= 10,
        f"peak {max(r.peak_rss_mb for r in runs):.0f} MB",
    )

    ws = populated_workspace(SIZE)
    runs = time_command([CREWDECK, "--workspace", str(ws), "tasks", *FILTER], runs=3 if bench.quick else 7)
    wall = median([r.seconds for r in runs]) * 1000
    rss = max(r.peak_rss_mb for r in runs)
    bench.record(
        "cli",
        f"crewdeck tasks {' '.join(FILTER)} ({SIZE:,} tasks)",
        wall,
        "ms",
        "<= 300 ms",
        wall <= 300,
        f"{runs[0].output.count(chr(10)) - 1} rows",
    )
    bench.record("cli", "crewdeck tasks: peak RSS", rss, "MB", "<= 100 MB", rss <= 100)

    task = shutil.which("task")
    if task is None:
        print("  (Taskwarrior not installed: no peer figures)")
        return
    home = WORK / "tw"
    shutil.rmtree(home, ignore_errors=True)
    (home / "data").mkdir(parents=True)
    rc = home / "taskrc"
    rc.write_text(
        f"data.location={home / 'data'}\nconfirmation=off\nverbose=nothing\nhooks=off\ncolor=off\ndefaultwidth=160\n"
        "uda.assignee.type=string\nuda.tz.type=string\n"
    )
    env = {"TASKRC": str(rc), "TZ": "UTC"}

    def fresh_tw() -> None:
        shutil.rmtree(home / "data")
        (home / "data").mkdir()

    tw_import = time_command([task, "import", str(export)], runs=1, warmup=0, env=env, prep=fresh_tw)
    bench.record(
        "peer", f"task import ({SIZE:,} tasks)", tw_import[0].seconds, "s", detail=f"ours/theirs {ours_import / tw_import[0].seconds:.2f}"
    )
    subprocess.run([task, "count"], env={**os.environ, **env}, stdout=subprocess.DEVNULL, check=True)  # let gc settle
    tw_list = time_command([task, "+instagram", "due.after:today", "due.before:today+14d", "list"], runs=1 if bench.quick else 3, env=env)
    theirs = median([r.seconds for r in tw_list]) * 1000
    bench.record("peer", "task +instagram due:[today,+14d) list", theirs, "ms", detail=f"ours/theirs {wall / theirs:.3f}")
