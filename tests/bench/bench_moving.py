"""Moving in and staying light (issue 18): 100,000 tasks in and out, against Taskwarrior in the same run.

Goals: every import, ``export`` and ``tasks all`` of 100,000 tasks peaks at <= 150 MB;
``crewdeck import --from taskwarrior`` <= 1.0x ``task import`` of the same
file; ``crewdeck export`` <= 0.5x ``task export``; ``crewdeck tasks all``
<= 0.3x ``task list`` (both to a pipe); a filtered ``crewdeck tasks`` <=
0.1x Taskwarrior's same filter; a Trello board of 20,000 cards imported in
<= 5 s.  Peers added here (the kit times only filtered lists and counts):
``task import``, ``task export`` and ``task list``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from bench_cli import FILTER, SIZE, empty_team_workspace, populated_workspace, taskwarrior_export
from harness import CREWDECK, WORK, Bench, CommandRun, median, record_floors, time_command

from tests.importfixtures import asana_csv, linear_csv, trello_board, trello_json

CARDS = 20_000
PEAK_MB = 150


def _piped(argv: list[str]) -> list[str]:
    """The command with its output to a pipe that is read and dropped (as `| less` or `| grep` would read it)."""
    return ["sh", "-c", f"{shlex.join(argv)} | cat > /dev/null"]


def _summary(runs: list[CommandRun]) -> tuple[float, float]:
    return median([r.seconds for r in runs]), max(r.peak_rss_mb for r in runs)


def _asana_rows(size: int) -> Iterator[dict[str, str]]:
    """An Asana project of ``size`` tasks: five sections, assignees by name (none of them members here), notes on half."""
    sections = ("Backlog", "Doing", "Done", "Waiting on client", "In review")
    for i in range(size):
        yield {
            "Task ID": str(1_000_000 + i), "Created At": f"2026-0{1 + i % 9}-1{i % 10}", "Name": f"Task {i} for the spring launch",
            "Section/Column": sections[i % 5], "Assignee": ("Raj Mehta", "Ana Souza", "")[i % 3], "Due Date": f"2026-1{i % 3}-0{1 + i % 9}",
            "Tags": "copy, video" if i % 3 else "", "Notes": f"Notes for {i}\nsecond line" if i % 2 else "",
            "Projects": "Summer Drop" if i % 4 else "Autumn", "Priority": ("High", "Medium", "Low", "")[i % 4],
        }  # fmt: skip


def _linear_rows(size: int) -> Iterator[dict[str, str]]:
    """A Linear team's ``size`` issues: five statuses, every priority, labels and descriptions on some."""
    for i in range(size):
        yield {
            "ID": f"MKT-{i + 1}", "Team": "Marketing", "Title": f"Issue {i} about the launch", "Description": f"desc {i}" if i % 2 else "",
            "Status": ("Todo", "In Progress", "Done", "Canceled", "Backlog")[i % 5],
            "Priority": ("Urgent", "High", "Medium", "Low", "No priority")[i % 5], "Project": "Spring Launch" if i % 3 else "Autumn",
            "Assignee": "ana@example.com" if i % 2 else "", "Labels": "Bug, TikTok" if i % 4 else "", "Created": "2026-01-15T10:22:33.000Z",
        }  # fmt: skip


def _foreign_exports() -> dict[str, Path]:
    """A Trello board, an Asana and a Linear export of ``SIZE`` tasks each, made once and kept in ``WORK``."""
    made = {
        "trello": (f"trello_{SIZE}.json", lambda: trello_json(trello_board(cards=SIZE, actions=1_000))),
        "asana": (f"asana_{SIZE}.csv", lambda: asana_csv(list(_asana_rows(SIZE)))),
        "linear": (f"linear_{SIZE}.csv", lambda: linear_csv(list(_linear_rows(SIZE)))),
    }
    files = {}
    for source, (name, text) in made.items():
        files[source] = WORK / name
        if not files[source].exists():
            files[source].write_text(text(), encoding="utf-8")
    return files


def _taskwarrior(export: Path) -> tuple[str, dict[str, str], Path] | None:
    task = shutil.which("task")
    if task is None:
        return None
    home = WORK / "tw_moving"
    shutil.rmtree(home, ignore_errors=True)
    (home / "data").mkdir(parents=True)
    rc = home / "taskrc"
    rc.write_text(
        f"data.location={home / 'data'}\nconfirmation=off\nverbose=nothing\nhooks=off\ncolor=off\ndefaultwidth=160\n"
        "uda.assignee.type=string\nuda.tz.type=string\n"
    )
    return task, {"TASKRC": str(rc), "TZ": "UTC"}, home


def run(bench: Bench) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    runs = 1 if bench.quick else 2
    export = taskwarrior_export(SIZE)
    empty = WORK / "moving_empty.db"
    empty_team_workspace(empty)
    target = WORK / "moving_target.db"

    def fresh_target() -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(empty, target)

    cmd = [CREWDECK, "-w", str(target), "--as", "maria", "import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(export)]
    ours_import, rss = _summary(time_command(cmd, runs=runs, warmup=0, prep=fresh_target))
    bench.record("moving", f"import --from taskwarrior ({SIZE:,} tasks)", ours_import, "s", detail=shlex.join(cmd[1:]))
    bench.record("moving", "import --from taskwarrior: peak RSS", rss, "MB", f"<= {PEAK_MB} MB", rss <= PEAK_MB)
    floor, floor_with_records = record_floors(bench, "moving", target, ours_import)

    board = WORK / f"trello_{CARDS}.json"
    if not board.exists():
        board.write_text(trello_json(trello_board(cards=CARDS, actions=1_000)), encoding="utf-8")
    cmd = [CREWDECK, "-w", str(target), "--as", "maria", "import", "--from", "trello", str(board)]
    trello, rss = _summary(time_command(cmd, runs=runs, warmup=0, prep=fresh_target))
    bench.record("moving", f"import --from trello ({CARDS:,} cards)", trello, "s", "<= 5 s", trello <= 5, detail=f"peak {rss:.0f} MB")
    # Every import of 100,000 tasks within the memory goal, not only Taskwarrior's: each source once (its time is said).
    for source, path in _foreign_exports().items():
        cmd = [CREWDECK, "-w", str(target), "--as", "maria", "import", "--from", source, str(path)]
        seconds, rss = _summary(time_command(cmd, runs=1, warmup=0, prep=fresh_target))
        name = f"import --from {source} ({SIZE:,} tasks): peak RSS"
        bench.record("moving", name, rss, "MB", f"<= {PEAK_MB} MB", rss <= PEAK_MB, detail=f"{seconds:.1f} s")

    peer = _taskwarrior(export)
    theirs_argv: dict[str, list[str]] = {}
    env: dict[str, str] = {}
    if peer is None:
        print("  (Taskwarrior not installed: no peer figures)")
    else:
        task, env, home = peer

        def fresh_tw() -> None:
            shutil.rmtree(home / "data")
            (home / "data").mkdir()

        theirs, rss = _summary(time_command([task, "import", str(export)], runs=1, warmup=0, env=env, prep=fresh_tw))
        bench.record(
            "peer",
            f"task import ({SIZE:,} tasks)",
            theirs,
            "s",
            detail=f"peak {rss:.0f} MB; ours/theirs {ours_import / theirs:.2f} (goal <= 1.0); the floors: the operations alone {floor / theirs:.2f}x, with the records {floor_with_records / theirs:.2f}x",
        )
        subprocess.run([task, "count"], env={**os.environ, **env}, stdout=subprocess.DEVNULL, check=True)  # let gc settle
        theirs_argv = {
            "export": _piped([task, "export"]),
            "all": _piped([task, "list"]),
            "filter": [task, "+instagram", "due.after:today", "due.before:today+14d", "list"],
        }

    ws = populated_workspace(SIZE)
    # Ours and theirs alternate, run by run, and the goal is judged on the median of each pair's ratio: on a
    # machine whose load swings by 2x within a minute, two medians taken a minute apart compare two loads.
    pairs = runs + 2
    compared = (
        ("export", f"export ({SIZE:,} tasks, to a pipe)", _piped([CREWDECK, "-w", str(ws), "export"]), "task export (to a pipe)", 0.5),
        ("all", f"tasks all ({SIZE:,} tasks, to a pipe)", _piped([CREWDECK, "-w", str(ws), "tasks", "all"]), "task list (to a pipe)", 0.3),
        ("filter", f"tasks {' '.join(FILTER)}", [CREWDECK, "-w", str(ws), "tasks", *FILTER], "task +instagram due:[today,+14d) list", 0.1),
    )
    for key, name, ours_argv, peer_name, goal in compared:
        ours_runs: list[CommandRun] = []
        theirs_runs: list[CommandRun] = []
        # One unmeasured run of each first, as ``time_command`` warms up: the files in the page cache.
        theirs_cmd = theirs_argv.get(key)
        for i in range(pairs + 1):
            warm = int(i == 0)
            ours_runs += time_command(ours_argv, runs=1 - warm, warmup=warm)
            if theirs_cmd is not None:
                theirs_runs += time_command(theirs_cmd, runs=1 - warm, warmup=warm, env=env)
        ours, rss = _summary(ours_runs)
        scale, unit = (1000, "ms") if key == "filter" else (1, "s")
        bench.record("moving", name, ours * scale, unit, detail=f"median of {pairs}; peak {rss:.0f} MB")
        if key in ("export", "all"):
            # Both stream: make test checks their output whole at a small size, this their memory at the full one.
            bench.record("moving", f"{name.split(' (')[0]}: peak RSS", rss, "MB", f"<= {PEAK_MB} MB", rss <= PEAK_MB)
        if not theirs_runs:
            continue
        theirs, rss = _summary(theirs_runs)
        ratio = median([o.seconds / t.seconds for o, t in zip(ours_runs, theirs_runs, strict=True)])
        ratios = ", ".join(f"{o.seconds / t.seconds:.2f}" for o, t in zip(ours_runs, theirs_runs, strict=True))
        bench.record("peer", peer_name, theirs * scale, unit, detail=f"median of {pairs}, alternated with ours; peak {rss:.0f} MB")
        bench.record(
            "peer", f"ours/theirs: {name}", ratio, "x", f"<= {goal}", ratio <= goal, detail=f"median of the pairs' ratios ({ratios})"
        )
