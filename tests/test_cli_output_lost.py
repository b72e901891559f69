"""Commands whose change is no record of the log, run by a script whose output is lost (a full disk, a reader gone):
a secret shown once is revoked, and a file made or a setting saved is said made (exit 3)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import ROOT, Cli
from .syncsupport import Server, make_team, new_token, token_file
from .test_cli_cron import as_cron


@contextmanager
def lost_output(how: str) -> Iterator[int]:
    """A standard output that takes nothing: /dev/full, or a pipe whose reader has gone."""
    if how == "full disk":
        with open("/dev/full", "wb") as full:
            yield full.fileno()
        return
    reader, writer = os.pipe()
    os.close(reader)
    try:
        yield writer
    finally:
        os.close(writer)


LOST = ["full disk", "reader gone"]
PROBLEM = {
    "full disk": "standard output: No space left on device",
    "reader gone": "standard output: Broken pipe",
    "closed": "standard output is closed",
}


@pytest.mark.parametrize("how", LOST)
def test_a_token_whose_output_is_lost_is_revoked_and_the_command_refused(cli: Cli, tmp_path: Path, how: str) -> None:
    """``token create raj > /dev/full`` made a live token nobody saw and exited 2, said as nothing done; to a reader
    gone, it exited 0 with the token live."""
    with lost_output(how) as out:
        ran = as_cron(cli, tmp_path, out, "token", "create", "raj")
    (token,) = [line.split() for line in cli.ok("token", "list").splitlines()[1:]]
    assert token[-1] != "live", token
    assert ran.code == 2
    assert ran.err == f"crewdeck: error: {PROBLEM[how]}; token {token[0]} was revoked, as nobody saw it: run the command again\n"


@pytest.mark.parametrize("how", LOST)
def test_a_sign_in_link_whose_output_is_lost_is_revoked_and_the_command_refused(cli: Cli, tmp_path: Path, how: str) -> None:
    with lost_output(how) as out:
        ran = as_cron(cli, tmp_path, out, "web", "link", "@raj")
    (link,) = [line.split() for line in cli.ok("web", "links").splitlines()[1:]]
    assert link[-4] == "revoked", link
    assert ran.code == 2
    assert ran.err == f"crewdeck: error: {PROBLEM[how]}; link {link[0]} was revoked, as nobody saw it: run the command again\n"


def test_a_secret_whose_revoke_fails_too_is_said_live_with_how_to_revoke_it(cli: Cli, tmp_path: Path) -> None:
    """A revoke the file refuses (here a trigger of its own) leaves the token live: said, with the command that revokes it."""
    with sqlite3.connect(cli.workspace) as conn:
        conn.execute("CREATE TRIGGER kept BEFORE UPDATE ON sync_token BEGIN SELECT RAISE(ABORT, 'tokens are kept'); END")
    with lost_output("full disk") as out:
        ran = as_cron(cli, tmp_path, out, "token", "create", "raj")
    (token,) = [line.split() for line in cli.ok("token", "list").splitlines()[1:]]
    assert token[-1] == "live", token
    assert ran.code == 2
    assert ran.err == (
        f"crewdeck: error: standard output: No space left on device; token {token[0]} was made, nobody saw it, and revoking it "
        f"failed (tokens are kept): revoke it: crewdeck --workspace {cli.workspace} token revoke {token[0]}\n"
    )


def test_init_whose_output_is_lost_says_the_workspace_made_with_status_3(cli: Cli, tmp_path: Path) -> None:
    """``crewdeck init team.db > /dev/full`` made the file and exited 2: a script that ran it again was told it exists."""
    made = tmp_path / "new.db"
    with lost_output("full disk") as out:
        ran = as_cron(cli, tmp_path, out, "init", str(made), "--member", "ana", "--name", "Ana", "--tz", "UTC")
    assert made.exists()
    assert ran.code == 3, ran.err
    assert ran.err.endswith(
        f"crewdeck: error: standard output: No space left on device; the change was made all the same: workspace {made} created; "
        "do not run the command again\n"
    )


@pytest.mark.parametrize(("args", "made"), [(("set", "theme", "nord"), "theme set in"), (("unset", "member"), "member removed from")])
def test_a_setting_whose_output_is_lost_is_said_saved_with_status_3(cli: Cli, tmp_path: Path, args: tuple[str, ...], made: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text('member = "ana"\n', encoding="utf-8")
    with lost_output("full disk") as out:
        ran = as_cron(cli, tmp_path, out, "config", *args, env={"CREWDECK_CONFIG": str(config)})
    assert ran.code == 3, ran.err
    assert ran.err == (
        f"crewdeck: error: standard output: No space left on device; the change was made all the same: {made} {config}; "
        "do not run the command again\n"
    )
    assert config.read_text(encoding="utf-8") == ('member = "ana"\ntheme = "nord"\n' if args[0] == "set" else "")


def test_a_join_whose_output_is_lost_says_the_replica_made_with_status_3(tmp_path: Path) -> None:
    """``crewdeck join URL ana.db > /dev/full`` made the replica and exited 2: joining again said it already exists."""
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        replica = tmp_path / "ana.db"
        token = token_file(tmp_path, new_token("ana", "--workspace", str(team)))
        with lost_output("full disk") as out:
            done = subprocess.run(
                [sys.executable, "-m", "crewdeck.tui.cli.main", "join", server.url, "--token-file", token, str(replica)],
                stdout=out,
                stderr=subprocess.PIPE,
                cwd=ROOT,
                timeout=120,
                check=False,
            )
    finally:
        assert server.stop() == ""
    assert done.returncode == 3, done.stderr.decode()
    assert done.stderr.decode().endswith(
        f"crewdeck: error: standard output: No space left on device; the change was made all the same: replica {replica} joined; "
        "do not run the command again\n"
    )


def test_a_demo_whose_output_is_lost_says_the_workspace_made_with_status_3(cli: Cli, tmp_path: Path) -> None:
    made = tmp_path / "demo.db"
    with lost_output("full disk") as out:
        ran = as_cron(cli, tmp_path, out, "demo", str(made), "--tasks", "5")
    assert made.exists()
    assert (ran.code, ran.err) == (
        3,
        f"crewdeck: error: standard output: No space left on device; the change was made all the same: demo workspace {made} created; "
        "do not run the command again\n",
    )


def test_a_token_made_with_standard_output_closed_is_revoked(cli: Cli, tmp_path: Path) -> None:
    """``crewdeck token create raj >&-``: its lines went to /dev/null put in for the closed stream, status 0, the token live."""
    config = tmp_path / "config.toml"
    config.touch()
    crewdeck = [sys.executable, "-m", "crewdeck.tui.cli.main", "-w", str(cli.workspace), "--as", "ana", "token", "create", "raj"]
    done = subprocess.run(
        ["bash", "-c", 'exec "$@" >&-', "bash", *crewdeck],
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CREWDECK_CONFIG": str(config)},
        timeout=120,
        check=False,
    )
    (token,) = [line.split() for line in cli.ok("token", "list").splitlines()[1:]]
    assert (done.returncode, done.stderr.decode()) == (
        2,
        f"crewdeck: error: {PROBLEM['closed']}; token {token[0]} was revoked, as nobody saw it: run the command again\n",
    )
