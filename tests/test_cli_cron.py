"""crewdeck run as a cron job runs it: its own process, a bare environment, standard output a pipe or a file.

Such a process's standard output is buffered (no ``PYTHONUNBUFFERED``), so a short listing is written only as the
process ends: a reader gone by then, or a full disk, is met there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import NOW_TEXT, ROOT, Cli, Result

#: What prints to standard output without reading or writing the workspace (argparse's own output) and what reads it.
PRINTING = [("--version",), ("--help",), ("tasks", "--help"), ("member", "list"), ("log",)]


def as_cron(cli: Cli, tmp_path: Path, stdout: int, *args: str) -> Result:
    """``crewdeck ARGS`` in a process of its own, with no more environment than cron gives it, its output to ``stdout``."""
    config = tmp_path / "config.toml"
    config.touch()
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CREWDECK_CONFIG": str(config), "CREWDECK_NOW": NOW_TEXT}
    argv = [sys.executable, "-m", "crewdeck.tui.cli.main", "-w", str(cli.workspace), "--as", "ana", *args]
    done = subprocess.run(
        argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT, env=environment, timeout=120, check=False
    )
    return Result(done.returncode, "", done.stderr.decode())


@pytest.mark.parametrize("args", PRINTING, ids=" ".join)
def test_output_whose_reader_went_away_ends_quietly_with_status_0(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    """``crewdeck log | head -1`` from a cron job: the interpreter's exit said "Exception ignored ... BrokenPipeError"
    with status 120, and ``--version`` ended in a traceback."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        ran = as_cron(cli, tmp_path, writer, *args)
    finally:
        os.close(writer)
    assert (ran.code, ran.err) == (0, "")


@pytest.mark.parametrize("args", PRINTING, ids=" ".join)
def test_output_to_a_full_disk_is_one_error_line_and_status_2(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    """``crewdeck member list > report.txt`` on a full disk: status 120 and "Exception ignored", and ``--help`` lost
    with status 0 (argparse drops a failed write), where a script is to learn that nothing was written."""
    with open("/dev/full", "wb") as full:
        ran = as_cron(cli, tmp_path, full.fileno(), *args)
    assert (ran.code, ran.err) == (2, "crewdeck: error: standard output: No space left on device\n")
