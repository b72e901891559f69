"""Start-up in CPU, not wall time: the app against the empty Textual app, interleaved.

The ``app`` group's start-up figure is wall time, which a shared machine at
load 10 stretches two- to ten-fold and unevenly.  Here each process writes
the CPU it used until its start-up content was painted (``first_paint.py``):
the empty Textual app after its first refresh, crewdeck at 100,000 tasks
(the ``app`` group's workspace, with the ledger) once all three panes report
their first content drawn.  Runs alternate between the two in tmux at
160x50.  The goal is the ``app`` group's (<= 1.3x the empty app); what
counts against it here is the UI thread's CPU, as the start-up reads run in
threads of their own next to Textual's start (the process's CPU is
recorded too).
"""

from __future__ import annotations

import json
import shlex
import statistics
import subprocess
import sys
from pathlib import Path

from bench_app import with_ledger
from bench_cli import SIZE, populated_workspace
from harness import PEERS, WORK, Bench

HERE = Path(__file__).resolve().parent
#: A tmux server of this benchmark's own: the peer kit's harness uses its own too.
TMUX = ["tmux", "-L", "crewdeck-startup-cpu", "-f", "/dev/null"]


def _run_in_tmux(command: str) -> None:
    # The session signals a channel when the command ends; tmux keeps the signal for a wait that starts later.
    signalled = f"{command}; {shlex.join([*TMUX, 'wait-for', '-S', 'painted'])}"
    subprocess.run([*TMUX, "new-session", "-d", "-s", "run", "-x", "160", "-y", "50", signalled], check=True)
    try:
        subprocess.run([*TMUX, "wait-for", "painted"], check=True, timeout=300)
    except subprocess.TimeoutExpired:
        subprocess.run([*TMUX, "kill-session", "-t", "run"], capture_output=True)
        raise RuntimeError(f"not painted within 300 s: {command}") from None


def run(bench: Bench) -> None:
    if not (PEERS / "textual_floor.py").exists():
        print(f"  (no peer kit at {PEERS}: skipped)")
        return
    runs = 5 if bench.quick else 11
    ws = with_ledger(populated_workspace(SIZE))
    config = WORK / "bench-config.toml"
    config.write_text('default_view = "all"\n')
    script = HERE / "first_paint.py"
    reports = {"floor": WORK / "first_paint_floor.jsonl", "crewdeck": WORK / "first_paint_crewdeck.jsonl"}
    for report in reports.values():
        report.unlink(missing_ok=True)
    commands = {
        "floor": f"env TZ=UTC {sys.executable} {script} {reports['floor']} floor {PEERS}",
        "crewdeck": f"env TZ=UTC CREWDECK_CONFIG={config} {sys.executable} {script} {reports['crewdeck']} crewdeck --workspace {ws}",
    }
    subprocess.run([*TMUX, "new-session", "-d", "-s", "idle", "-x", "160", "-y", "50", "sleep 86400"], capture_output=True)
    try:
        for _ in range(runs + 1):  # the first round warms the file cache
            for command in commands.values():
                _run_in_tmux(command)
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)
    medians = {}
    for name, report in reports.items():
        lines = [json.loads(line) for line in report.read_text().splitlines()][1:]
        if len(lines) != runs:
            raise RuntimeError(f"{name}: {len(lines)} of {runs} runs reported a first paint")
        medians[name] = {key: statistics.median(line[key] for line in lines) for key in ("ui_cpu_ms", "cpu_ms", "wall_ms")}
    floor, ours = medians["floor"], medians["crewdeck"]
    bench.record("peer", "empty Textual app: CPU to its first paint (UI thread)", floor["ui_cpu_ms"], "ms")
    ratio = ours["ui_cpu_ms"] / floor["ui_cpu_ms"]
    bench.record(
        "startup_cpu",
        f"start -> all three panes drawn, UI thread's CPU ({SIZE:,} tasks)",
        ours["ui_cpu_ms"],
        "ms",
        "<= 1.3x empty app",
        ratio <= 1.3,
        f"{ratio:.2f}x the empty Textual app; process CPU {ours['cpu_ms']:,.0f} ms against {floor['cpu_ms']:,.0f}; "
        f"wall {ours['wall_ms']:,.0f} against {floor['wall_ms']:,.0f} ms",
    )
