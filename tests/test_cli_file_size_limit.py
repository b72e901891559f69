"""A command run under a file size limit (``ulimit -f``: a cron job's, a container's), which SQLite meets as a "disk I/O
error" of the workspace's ``-shm`` or ``-wal``, the way it meets a disk that is full as the workspace opens."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from crewdeck.sync.state import iotrouble

from .conftest import NOW_TEXT, ROOT, Cli, Result

#: The ``-shm`` file SQLite makes as a workspace opens in WAL mode; a limit above it lets it open, and stops the WAL.
SHM_BYTES = 32_768


def limited(cli: Cli, tmp_path: Path, most: int, *args: str, env: dict[str, str] | None = None, stdout: int = subprocess.PIPE) -> Result:
    """``crewdeck ARGS`` in a process that may write no file past ``most`` bytes (and ``env``), its errors to a pipe, its
    output to ``stdout``."""
    config = tmp_path / "config.toml"
    config.touch()
    # No bytecode written: Python's import writes a .pyc in one write(2), which the limit cuts short with no error, and
    # the next process to import that module read the cut file ("marshal data too short").
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CREWDECK_CONFIG": str(config), "CREWDECK_NOW": NOW_TEXT}
    environment = {**base, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "crewdeck.tui.cli.main", "-w", str(cli.workspace), "--as", "ana", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=environment,
        timeout=120,
        check=False,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (most, resource.RLIM_INFINITY)),
    )
    return Result(done.returncode, done.stdout.decode() if done.stdout is not None else "", done.stderr.decode())


def closed(workspace: Path) -> None:
    """The workspace as a team leaves it once everyone closed it: no ``-wal`` nor ``-shm`` beside it."""
    for suffix in ("-wal", "-shm"):
        Path(f"{workspace}{suffix}").unlink(missing_ok=True)


def test_a_workspace_whose_shm_file_cannot_be_made_is_said_so_not_called_another_file(cli: Cli, tmp_path: Path) -> None:
    """``ulimit -f 0; crewdeck tasks`` said "team.db is not a crewdeck workspace (disk I/O error)" of the team's file."""
    closed(cli.workspace)
    ran = limited(cli, tmp_path, 0, "tasks")
    assert (ran.code, ran.err) == (
        2,
        f"crewdeck: error: cannot open workspace {cli.workspace} (disk I/O error): this process may write no file past 0 bytes "
        "(its file size limit: ulimit -f)\n",
    )


def test_a_write_the_file_size_limit_stops_names_the_limit_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    """Said "the disk failed while writing team.db", of a disk that works."""
    closed(cli.workspace)
    ran = limited(cli, tmp_path, SHM_BYTES + 1, "add", "Brief the agency")
    assert (ran.code, ran.err) == (
        2,
        f"crewdeck: error: cannot write {cli.workspace} (disk I/O error): this process may write no file past 32,769 bytes "
        "(its file size limit: ulimit -f); nothing was written\n",
    )
    assert json.loads(cli.ok("tasks", "--json")) == []


@pytest.mark.parametrize("unbuffered", ["0", "1"])
def test_output_the_file_size_limit_cuts_short_is_an_error_buffered_or_not(cli: Cli, tmp_path: Path, unbuffered: str) -> None:
    """``crewdeck tasks --help > help.txt`` under PYTHONUNBUFFERED=1 (as container images set it) and a limit of 1,000
    bytes: the file held the first 1,000 bytes, the rest was lost, and the status was 0."""
    out = tmp_path / "help.txt"
    with open(out, "wb") as written:
        ran = limited(cli, tmp_path, 1_000, "tasks", "--help", env={"PYTHONUNBUFFERED": unbuffered}, stdout=written.fileno())
    assert (ran.code, ran.err) == (2, "crewdeck: error: standard output: File too large\n")
    assert out.stat().st_size == 1_000


def test_a_disk_error_is_blamed_on_the_file_size_limit_only_where_a_file_came_near_it(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any finite ``ulimit -f`` was named as the cause of a real disk error (an EIO on a disk with room), a limit of
    100 GB of a workspace of a few kilobytes: the limit is the cause only where the file, its -wal or -shm reached it."""
    monkeypatch.setattr(iotrouble, "file_size_limit", lambda: 100 * 2**30)
    assert iotrouble.io_trouble(cli.workspace) is None
    size = cli.workspace.stat().st_size
    monkeypatch.setattr(iotrouble, "file_size_limit", lambda: size + 4096)
    assert iotrouble.io_trouble(cli.workspace) == (
        f"this process may write no file past {size + 4096:,} bytes (its file size limit: ulimit -f)"
    )
