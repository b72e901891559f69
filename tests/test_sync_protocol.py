"""A server announces the protocol level it speaks, and a replica pushes nothing to a server older than its pushes need.

A replica of this build creates a result with its numbers alone (its id gives its key); a server of the build before
(748e93bc, run here from ``git archive``) refuses that creation as incomplete, and the replica used to drop the result
it had said was written.  Now the sync stops before the push with one line, and the result stays.
"""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crewdeck.sync import protocol

from .conftest import ROOT
from .syncsupport import Server, crewdeck, crewdeck_fails, token_file

#: The build before results were created by their numbers alone: it announces no protocol level.
OLD_BUILD = "748e93bc"


@pytest.fixture(scope="module")
def old_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory whose ``crewdeck`` package is the old build's (first on ``sys.path``, it is the one imported)."""
    root = tmp_path_factory.mktemp("old-build")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", OLD_BUILD, "sync", "tui", "widgets"], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(root / "crewdeck", filter="data")
    return root


def _old_main(old_build: Path) -> list[str]:
    """``python -c`` arguments running the old build's command line (the arguments follow)."""
    code = f"import sys; sys.path.insert(0, {str(old_build)!r}); from crewdeck.tui.cli.main import main; sys.exit(main(sys.argv[1:]))"
    return ["-c", code]


def _old(old_build: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, *_old_main(old_build), *args], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _results(path: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, impressions FROM result ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def old_server(old_build: Path, tmp_path: Path) -> Iterator[tuple[Server, str, Path]]:
    """The old build serving its own team.db (this build's files are too new for it): the server, ana's token, the file."""
    team = tmp_path / "team.db"
    _old(old_build, "init", str(team), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    _old(old_build, "-w", str(team), "--as", "ana", "campaign", "add", "Autumn", "--platforms", "meta")
    token = _old(old_build, "token", "create", "ana", "--workspace", str(team), "--as", "ana").strip().splitlines()[-1]
    server = Server([str(team)], entry=[*_old_main(old_build), "serve"]).start()
    try:
        yield server, token, team
    finally:
        server.stop()


def test_a_replica_pushes_nothing_to_an_older_server_keeps_its_results_and_says_why(
    old_server: tuple[Server, str, Path], old_build: Path, tmp_path: Path
) -> None:
    server, token, team = old_server
    replica = tmp_path / "ana.db"
    crewdeck("join", server.url, str(replica), "--token-file", token_file(tmp_path, token))
    crewdeck("-w", str(replica), "kpi", "add", "+autumn/meta", "2026-11-20", "impressions=100")
    _old(old_build, "-w", str(team), "--as", "ana", "add", "Brief the agency")  # a teammate's edit on the server
    error = crewdeck_fails("-w", str(replica), "sync")
    assert error == (
        f"crewdeck: error: sync with {server.url}: the server at {server.url} runs an older crewdeck (protocol 1; this replica needs "
        f"{protocol.PROTOCOL}): upgrade it; nothing was sent, your changes are kept here\n"
    )
    [(row_id, impressions)] = _results(replica)
    assert impressions == 100 and row_id.endswith(":meta:2026-11-20")
    assert _results(team) == []
    assert "Brief the agency" in crewdeck("-w", str(replica), "tasks")  # pulls go on
    conn = sqlite3.connect(replica)
    try:
        assert conn.execute("SELECT count(*) FROM refused_ops").fetchone() == (0,)
    finally:
        conn.close()


def test_a_server_announces_its_protocol_and_takes_a_replica_s_results(old_build: Path, tmp_path: Path) -> None:
    """This build's server names its level on every answer; a replica of this build pushes to it, and one of the build
    before (which writes a result's key as operations, and reads no level) still does."""
    team = tmp_path / "team.db"
    crewdeck("init", str(team), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    crewdeck("-w", str(team), "--as", "ana", "campaign", "add", "Autumn", "--platforms", "meta")
    token = crewdeck("token", "create", "ana", "--workspace", str(team), "--as", "ana").strip().splitlines()[-1]
    server = Server([str(team)]).start()
    try:
        health = httpx.get(server.url + "/v1/health")
        assert health.headers[protocol.HEADER] == str(protocol.PROTOCOL) and health.json()["protocol"] == protocol.PROTOCOL
        assert httpx.get(server.url + "/v1/me").headers[protocol.HEADER] == str(protocol.PROTOCOL)  # a 401 too
        new, old = tmp_path / "new.db", tmp_path / "old.db"
        crewdeck("join", server.url, str(new), "--token-file", token_file(tmp_path, token))
        crewdeck("-w", str(new), "kpi", "add", "+autumn/meta", "2026-11-20", "impressions=100")
        assert crewdeck("-w", str(new), "sync").startswith("pushed 2,")  # impressions and source
        _old(old_build, "join", server.url, str(old), "--token-file", token_file(tmp_path, token))
        _old(old_build, "-w", str(old), "kpi", "add", "+autumn/meta", "2026-11-21", "impressions=200")
        _old(old_build, "-w", str(old), "sync")
    finally:
        server.stop()
    assert [impressions for _, impressions in _results(team)] == [100, 200]
