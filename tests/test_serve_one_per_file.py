"""One ``crewdeck serve`` per workspace file: a second is refused in one line naming the process that serves it and
where, and a server killed without a word leaves no claim on the file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store

from .conftest import the_owner
from .syncsupport import PATIENCE, Server, crewdeck, crewdeck_fails, free_port, make_team, said_since

#: Another member's user and group id, and the team's group (the suite runs as root, which may give files any).
OTHER = 65534


def serve_refused(path: Path) -> str:
    """What ``crewdeck serve PATH`` says on stderr, refused (exit 2): in a process of its own, so that one that serves
    instead fails the test once its patience runs out, rather than holding the test's own process for ever."""
    done = subprocess.run(
        [sys.executable, "-m", "crewdeck.tui.cli.main", "serve", str(path), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert done.returncode == 2, done
    return done.stderr


def test_a_second_server_on_a_served_file_is_refused_naming_the_first_and_a_killed_one_leaves_no_claim(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    first = Server([str(team)]).start()
    try:
        assert first.proc is not None
        said = (
            f"crewdeck: error: serve: {team} is served already, by process {first.proc.pid} on {first.url}: one crewdeck "
            "serve per workspace file, so that members reach it at one address; stop that one first, or give members its address\n"
        )
        other_port = free_port()
        # The same command run twice is told so before its port is found taken, and another port is never bound.
        for port in (first.port, other_port):
            assert crewdeck_fails("serve", str(team), "--port", str(port)) == said, port
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", other_port))
        first.kill()
        again = Server([str(team)], port=first.port).start()
        again.stop()
    finally:
        first.stop()


def test_a_file_at_the_lock_path_that_is_no_lock_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    other = tmp_path / "team.db-serve"
    crewdeck("init", str(other), "--member", "mia", "--name", "Mia Chen", "--tz", "Europe/Lisbon")
    before = other.read_bytes()
    assert serve_refused(team) == (
        f"crewdeck: error: serve: {other} is not the lock file that keeps one crewdeck serve on {team}, so it was left as "
        "it is: move it away, then serve again\n"
    )
    assert other.read_bytes() == before


def test_a_server_on_a_link_and_one_on_the_file_it_names_take_one_lock(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    link = tmp_path / "link.db"
    link.symlink_to(team)
    first = Server([str(team)]).start()
    try:
        assert first.proc is not None
        assert serve_refused(link).startswith(
            f"crewdeck: error: serve: {link} is served already, by process {first.proc.pid} on {first.url}:"
        )
    finally:
        first.stop()


def test_the_lock_file_takes_the_workspace_s_group_so_the_team_s_next_server_opens_it(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    os.chown(team, -1, OTHER)
    Server([str(team)]).start().stop()
    assert (tmp_path / "team.db-serve").stat().st_gid == OTHER


@pytest.mark.parametrize("left", ["another member's lock file", "a directory that takes no new files"])
def test_a_lock_file_that_cannot_be_opened_or_made_serves_anyway_saying_so(tmp_path: Path, left: str) -> None:
    team = make_team(tmp_path)
    lock = tmp_path / "team.db-serve"
    if left == "another member's lock file":
        # Served once by a member whose own group the lock file was left in: the directory is the team's, without g+s.
        lock.write_text('{"pid": 4242, "url": "http://127.0.0.1:8470"}')
        lock.chmod(0o660)
        os.chown(lock, OTHER, OTHER)
        said = (
            f"cannot open {lock} (Permission denied), so a second crewdeck serve on {team} could not be ruled out (serving "
            f"anyway); to have that check again, remove it, and have new files in {tmp_path} take its group: chmod g+s {tmp_path}"
        )
    else:
        said = (
            f"cannot make {lock} (Permission denied), so a second crewdeck serve on {team} could not be ruled out (serving "
            f"anyway); to have that check again, let the team make files in {tmp_path}: chmod g+ws {tmp_path}"
        )
    with Store(team):  # another process keeps the -wal and -shm, which a read-only directory could not take
        tmp_path.chmod(0o555 if left != "another member's lock file" else 0o775)
        try:
            server = Server([str(team)], prefix=the_owner()).start()
            try:
                assert said_since(server) == f"crewdeck: warning: serve: {said}\n"
            finally:
                server.stop()
        finally:
            tmp_path.chmod(0o755)
