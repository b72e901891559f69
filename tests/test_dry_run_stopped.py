"""A dry run stopped from outside (``timeout``, a service manager, an SSH connection dropped, Ctrl-C) leaves no private
copy of the workspace behind: its 0700 temporary directory held the team's whole workspace, one more for each run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import NOW_TEXT, ROOT, Cli


def _stops_by_default() -> None:
    for stop in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(stop, signal.SIG_DFL)


@pytest.mark.parametrize(
    "stops",
    [(signal.SIGTERM,), (signal.SIGHUP,), (signal.SIGINT,), (signal.SIGTERM, signal.SIGHUP)],
    ids=lambda stops: "+".join(s.name for s in stops),
)
@pytest.mark.parametrize("source", [(), ("--from", "asana")], ids=["crewdeck export", "asana"])
def test_a_dry_run_stopped_by_a_signal_removes_its_copy_and_dies_by_it(
    cli: Cli, tmp_path: Path, stops: tuple[signal.Signals, ...], source: tuple[str, ...]
) -> None:
    """A second stop (systemd's SIGHUP after its SIGTERM) raised inside the clean-up and left the copy there."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    fifo = tmp_path / "export.json"
    os.mkfifo(fifo)
    config = tmp_path / "config.toml"
    config.touch()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CREWDECK_CONFIG": str(config),
        "CREWDECK_NOW": NOW_TEXT,
        "TMPDIR": str(temporary),
    }
    argv = [
        sys.executable,
        "-m",
        "crewdeck.tui.cli.main",
        "-w",
        str(cli.workspace),
        "--as",
        "ana",
        "import",
        *source,
        "--dry-run",
        str(fifo),
    ]
    # The stops as a terminal, a service manager or a dropped connection sends them: a process started in the
    # background (a CI job, nohup) may have SIGINT or SIGHUP ignored, and keeps them ignored, as it should.
    dry_run = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        preexec_fn=_stops_by_default,
    )
    try:
        # Opened once the dry run opens it to read, with its copy made: it waits there for the export.
        with open(fifo, "w", encoding="utf-8"):
            assert [path.name[:19] for path in temporary.iterdir()] == ["crewdeck-rehearsal-"]
            for stop in stops:
                dry_run.send_signal(stop)
            _, err = dry_run.communicate(timeout=60)
    finally:
        if dry_run.poll() is None:
            dry_run.kill()
            dry_run.wait()
    assert list(temporary.iterdir()) == []
    if stops[0] == signal.SIGINT:
        assert (dry_run.returncode, err.decode()) == (130, "\n")
    else:
        # Two stops pending at once are run in the order of their numbers: it dies by one of them.
        assert (-dry_run.returncode in stops, err.decode()) == (True, "")
