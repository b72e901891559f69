"""A command that gave up waiting for the workspace's lock, or for the sync server, exits 75 (``EX_TEMPFAIL`` of
sysexits.h): a cron job tries it again later, where status 2 is input that will never do."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crewdeck.sync.client.remote import Remote
from crewdeck.sync.state.store import Store

from .conftest import Cli
from .syncsupport import free_port, standing, token_file
from .test_cli_cron import as_cron

#: crewdeck's main with every wait for the workspace's lock cut to a fifth of a second: its 30 s are more than a test
#: affords, and what follows the wait is the same.
SHORT_WAIT = (
    "-c",
    "import sys; from crewdeck.sync.state.store import Store; Store.__init__.__kwdefaults__['busy_timeout'] = 0.2; "
    "from crewdeck.tui.cli.main import main; sys.exit(main())",
)


@contextmanager
def locked(path: Path, begin: str) -> Iterator[sqlite3.Connection]:
    """Another process's connection holding ``path``'s lock (``begin``: the transaction that takes it)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute(begin)
    try:
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_write_that_waited_for_the_lock_in_vain_exits_75(cli: Cli, tmp_path: Path) -> None:
    """``crewdeck add`` behind another writer's import exited 2, as a mistyped field does."""
    with locked(cli.workspace, "BEGIN IMMEDIATE"):
        ran = as_cron(cli, tmp_path, subprocess.DEVNULL, "add", "Reel", program=SHORT_WAIT)
    assert ran.code == 75, ran.err
    assert ran.err == "crewdeck: error: the workspace stayed locked by another writer for 0.2 s (database is locked); try again\n"
    assert cli.ok("tasks", "all", "--json") == "[]\n"


def test_a_file_another_process_holds_whole_exits_75_and_is_said_locked(cli: Cli, tmp_path: Path) -> None:
    """A workspace in rollback-journal mode (a copy another tool made) while that tool writes to it: crewdeck said it
    was "not a crewdeck workspace (database is locked)", status 2."""
    with sqlite3.connect(cli.workspace, isolation_level=None) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with locked(cli.workspace, "BEGIN EXCLUSIVE"):
        ran = as_cron(cli, tmp_path, subprocess.DEVNULL, "tasks", program=SHORT_WAIT)
    assert ran.code == 75, ran.err
    assert ran.err == (
        f"crewdeck: error: {cli.workspace} stayed locked by another process for 0.2 s (database is locked); nothing was done, try again\n"
    )


#: 503, as ``FileBackend`` answers while the workspace file stays locked past its wait.
BUSY = (503, "application/json", json.dumps({"error": "unavailable", "message": "the workspace file is busy or unreadable"}).encode())
#: A token's shape (``tokens.new_token``): a server that answers checks it.
TOKEN = "crewdeck_" + "a" * 43


@contextmanager
def server(answering: bool) -> Iterator[str]:
    """A sync server's URL: one whose file is busy (``answering``), or one where nothing listens."""
    if not answering:
        yield f"http://127.0.0.1:{free_port()}"
        return
    with standing(BUSY) as url:
        yield url


def replica_of(cli: Cli, url: str) -> None:
    """``cli``'s workspace made a replica of the server at ``url``."""
    store = Store(cli.workspace)
    try:
        Remote(url, "team", TOKEN, "a" * 32).save(store)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("answering", "said"),
    [(False, "cannot reach the server (connection refused)"), (True, "the server is unavailable for now (503: the workspace file is busy")],
    ids=["down", "busy"],
)
def test_a_sync_whose_server_is_down_or_busy_exits_75(cli: Cli, tmp_path: Path, answering: bool, said: str) -> None:
    """``crewdeck sync`` from a cron job while the server is down, or its file locked, exited 2, as a revoked token does."""
    with server(answering) as url:
        replica_of(cli, url)
        ran = as_cron(cli, tmp_path, subprocess.DEVNULL, "sync")
    assert ran.code == 75, ran.err
    assert ran.err.startswith(f"crewdeck: error: sync with {url}: {said}"), ran.err


@pytest.mark.parametrize("answering", [False, True], ids=["down", "busy"])
@pytest.mark.parametrize("given", ["--token-file", "--url"])
def test_a_sync_given_a_new_token_or_address_whose_server_is_down_or_busy_exits_75(
    cli: Cli, tmp_path: Path, answering: bool, given: str
) -> None:
    """``crewdeck sync --token-file new-token`` from a cron job while the server was down exited 2, as a token of
    another workspace does: the new token or address is checked with the server first, and that check was no sync."""
    with server(answering) as url:
        replica_of(cli, url if given == "--token-file" else f"http://127.0.0.1:{free_port()}")
        value = token_file(tmp_path, "crewdeck_" + "b" * 43) if given == "--token-file" else url
        ran = as_cron(cli, tmp_path, subprocess.DEVNULL, "sync", given, value)
    assert ran.code == 75, ran.err
    assert ran.err.startswith(f"crewdeck: error: sync with {url}: "), ran.err
    with Store(cli.workspace) as store:
        remote = Remote.of(store)
    assert remote is not None and remote.token == TOKEN  # nothing kept of what the server did not check


#: 500, as a server answers a request it failed on.
FAILED = (500, "application/json", json.dumps({"error": "internal", "message": "internal server error"}).encode())


@pytest.mark.parametrize(
    ("answer", "said"),
    [(BUSY, "the workspace file is busy or unreadable)"), (FAILED, "(500); if it fails again ask whoever runs it to read its log")],
    ids=["busy", "failed"],
)
def test_a_join_whose_first_sync_stops_on_a_busy_or_failing_server_exits_2_and_says_the_sync_that_finishes_it(
    cli: Cli, tmp_path: Path, answer: tuple[int, str, bytes], said: str
) -> None:
    """The server said who the token is, then its file stayed locked for the first pull: join exited 75, "the same
    command may pass later as it is", though run again it could only say the replica "already exists" (reviewer ro).
    The sync said finishes it.  A server that failed on the pull (or a connection cut off in it) had join say "try
    again" all the same, and not whom to ask if it fails again."""
    me = (200, "application/json", json.dumps({"workspace": "team", "member": "a" * 32}).encode())
    replica = tmp_path / "replica.db"
    with standing(answer, at={"/v1/me": me}) as url:
        ran = as_cron(cli, tmp_path, subprocess.DEVNULL, "join", url, "--token-file", token_file(tmp_path, TOKEN), str(replica))
    assert ran.code == 2, ran.err
    assert "try again" not in ran.err  # the sync goes on, not the join (reviewer rr)
    assert ran.err.endswith(
        f"{said}; the replica {replica} is created, finish its first sync with: crewdeck --workspace {replica} sync "
        "(join again would refuse it: the file exists)\n"
    ), ran.err
