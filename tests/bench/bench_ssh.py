"""``ssh -tt team@127.0.0.1`` to the first full screen, against the local app's start in the same run.

Goal (issue 17): at most 1.5x the local start.  Both open the demo
workspace as @ana in a tmux window of 120x36; the time runs from the
window's command starting to the first screen that shows the header, a
task count, the deadline grid's and the ledger's contents and the footer (polled with capture-pane every 10 ms).
The SSH run goes through a real sshd on 127.0.0.1 (``tests/sshsupport``:
a team account made for the run, keys from ``crewdeck ssh install``), so it
includes the key exchange, the forced command and the team account's
Python starting.  Needs root (it creates the account).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import CREWDECK, Bench

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.sshsupport import Sshd, TeamAccount, Tmux, keypair
from tests.syncsupport import crewdeck

#: The header, the task count, the grid's and the ledger's contents, the footer: every pane drawn.
SHOWN = re.compile(r"@ana \(.*[0-9,]+ tasks.*in hours.*CATEGORY.*palette", re.S)


def _full_screen(text: str) -> bool:
    return bool(SHOWN.search(text))


def _first_screen(command: str) -> float:
    started = time.perf_counter()
    tmux = Tmux(command, 120, 36)
    try:
        deadline = started + 60
        while not _full_screen(tmux.screen()):
            if time.perf_counter() > deadline:
                raise AssertionError(f"never saw the first screen of: {command}\n{tmux.screen()}")
            time.sleep(0.01)
        return time.perf_counter() - started
    finally:
        tmux.kill()


def run(bench: Bench) -> None:
    if os.geteuid() != 0:
        print("  (not root: cannot make the team account; skipped)")
        return
    runs = 3 if bench.quick else 7
    account = TeamAccount()
    sshd = None
    try:
        keys = Path(tempfile.mkdtemp(prefix="crewdeck-bench-keys-"))
        private, public = keypair(keys, "ana")
        workspace = account.directory / "demo.db"
        crewdeck("demo", str(workspace))
        w = ["-w", str(workspace)]
        crewdeck(*w, "member", "set", "ana", "--ssh-key", public)
        crewdeck(*w, "ssh", "account", account.name)
        account.give(workspace)
        sshd = Sshd(account, workspace, keys_command=False)
        crewdeck(*w, "ssh", "install", "--file", str(sshd.authorized_keys), "--program", account.program)
        local_command = f"env TERM=xterm-256color {CREWDECK} --workspace {workspace}"
        ssh_command = "env TERM=xterm-256color " + " ".join(sshd.ssh_command(private, tty=True))
        local: list[float] = []
        over_ssh: list[float] = []
        _first_screen(local_command)  # warm the page cache and the bytecode
        _first_screen(ssh_command)
        for _ in range(runs):
            local.append(_first_screen(local_command))
            over_ssh.append(_first_screen(ssh_command))
    finally:
        if sshd is not None:
            sshd.stop()
        account.remove()
    local_ms, ssh_ms = statistics.median(local) * 1000, statistics.median(over_ssh) * 1000
    ratio = ssh_ms / local_ms
    bench.record("ssh", "local app: start -> first full screen (median)", local_ms, "ms", detail=f"{runs} runs, demo workspace")
    bench.record("ssh", "ssh -tt team@127.0.0.1 -> first full screen (median)", ssh_ms, "ms", detail=f"{runs} runs")
    bench.record("ssh", "ssh / local", ratio, "x", goal="<= 1.5x", ok=ratio <= 1.5)
