"""An import on a joined replica whose pull first fails: refused, said in one line, unless ``--offline`` asks for it.

Counting only the imports made on the replica is no guard where its own import was the last: a teammate's edit synced
since its last pull is not in its log, and the import's later stamp would replace it, said nowhere (reviewer re).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from crewdeck.tui.cli import cmd_exchange
from crewdeck.tui.workspace.merging import stable_id

from .conftest import Cli
from .importfixtures import board_and_newer_export, card_id
from .syncsupport import Server, crewdeck, crewdeck_fails, new_token

CARD_1 = stable_id("trello-card", card_id(1))
MIAS_TITLE = "Mia's careful rewrite"
SAID_TO_WAIT = (
    "run crewdeck sync when it answers, or add --offline to import as this copy stands "
    "(edits teammates synced since your last pull may be replaced)"
)


def _title(replica: Path) -> str:
    (task,) = [t for t in json.loads(crewdeck("-w", str(replica), "export"))["task"] if t["id"] == CARD_1]
    return str(task["title"])


@pytest.fixture
def mias_edit_unpulled(cli: Cli, tmp_path: Path) -> Iterator[tuple[Server, Path, Path]]:
    """raj imported the board on his replica and synced; mia renamed card 1 and synced; the server is down since."""
    first, _ = board_and_newer_export(tmp_path)
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "Europe/Berlin")
    server = Server([str(cli.workspace)]).start()
    mia, raj = tmp_path / "mia.db", tmp_path / "raj.db"
    try:
        crewdeck("join", server.url, "--token", new_token("mia", "--workspace", str(cli.workspace), "--as", "ana"), str(mia))
        crewdeck("join", server.url, "--token", new_token("raj", "--workspace", str(cli.workspace), "--as", "ana"), str(raj))
        crewdeck("-w", str(raj), "import", "--from", "trello", str(first))
        crewdeck("-w", str(raj), "sync")
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(mia), "set", CARD_1[:8], f"title={MIAS_TITLE}")
        crewdeck("-w", str(mia), "sync")
    finally:
        assert server.stop() == ""
    yield server, mia, raj


def test_a_reimport_whose_pull_fails_is_refused_and_a_teammates_unpulled_edit_survives(
    mias_edit_unpulled: tuple[Server, Path, Path], tmp_path: Path
) -> None:
    server, mia, raj = mias_edit_unpulled
    _, second = board_and_newer_export(tmp_path)

    err = crewdeck_fails("-w", str(raj), "import", "--from", "trello", str(second), status=75)  # try again later

    assert err.startswith(f"crewdeck: error: import: could not pull from {server.url} first (cannot reach the server (")
    assert err.endswith(f"): {SAID_TO_WAIT}\n")
    assert err.count("\n") == 1
    server.start()
    try:
        crewdeck("-w", str(raj), "sync")
        crewdeck("-w", str(mia), "sync")
        assert _title(mia) == MIAS_TITLE
    finally:
        assert server.stop() == ""


def test_a_dry_run_whose_pull_fails_goes_on_and_says_it_read_the_copy_as_last_pulled(
    mias_edit_unpulled: tuple[Server, Path, Path], tmp_path: Path
) -> None:
    server, _, raj = mias_edit_unpulled
    _, second = board_and_newer_export(tmp_path)

    out = crewdeck("-w", str(raj), "import", "--from", "trello", str(second), "--dry-run")

    first_line = out.splitlines()[0]
    assert first_line.startswith(f"could not pull from {server.url} first (cannot reach the server (")
    assert first_line.endswith("): what would change is read from this copy as last pulled, counting the imports made here")
    assert "would update 1 task" in out


def _joined_then_server_gone(cli: Cli, tmp_path: Path) -> tuple[Server, Path]:
    """raj's replica of the workspace, joined through a server that has stopped since: the server, and the replica."""
    server = Server([str(cli.workspace)]).start()
    raj = tmp_path / "raj.db"
    try:
        crewdeck("join", server.url, "--token", new_token("raj", "--workspace", str(cli.workspace), "--as", "ana"), str(raj))
    finally:
        assert server.stop() == ""
    return server, raj


def test_a_pull_from_a_server_that_never_answers_is_given_up_in_the_imports_own_time(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reviewer re's server that takes the connection and never answers: the import waited the sync's 30 s, silent.
    first, _ = board_and_newer_export(tmp_path)
    server, raj = _joined_then_server_gone(cli, tmp_path)
    monkeypatch.setattr(cmd_exchange, "PULL_FIRST_TIMEOUT", 0.5)
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", server.port))
        listener.listen()
        held: list[socket.socket] = []

        def accept() -> None:
            while True:
                try:
                    held.append(listener.accept()[0])
                except OSError:
                    return

        accepting = threading.Thread(target=accept, daemon=True)
        accepting.start()
        err = crewdeck_fails("-w", str(raj), "import", "--from", "trello", str(first), status=75)
        listener.shutdown(socket.SHUT_RDWR)
    accepting.join()
    for conn in held:
        conn.close()
    assert err == (
        f"crewdeck: error: import: could not pull from {server.url} first (the server did not answer within 0.5 s): {SAID_TO_WAIT}\n"
    )


def test_a_crewdeck_export_merged_on_a_replica_whose_server_is_down_is_refused_unless_offline(cli: Cli, tmp_path: Path) -> None:
    """A crewdeck export merged on a joined replica pulled nothing first: a teammate's publish not pulled yet read as no
    publish, and the file's copy went over what went out.  It pulls first now, as every import does; where it cannot,
    it is refused, and ``--offline`` (which it did not take) imports as the copy stands, saying the risk."""
    cli.ok("add", "Brief the agency")
    export = tmp_path / "export.json"
    export.write_text(cli.ok("export"), encoding="utf-8")
    cli.ok("add", "Book the studio")  # the replica holds data: the export is merged, not restored
    server, raj = _joined_then_server_gone(cli, tmp_path)

    err = crewdeck_fails("-w", str(raj), "import", str(export), status=75)

    assert err.startswith(f"crewdeck: error: import: could not pull from {server.url} first (cannot reach the server (")
    assert err.endswith(f"): {SAID_TO_WAIT}\n")
    out = crewdeck("-w", str(raj), "import", str(export), "--offline")
    assert out.splitlines() == [
        f"not pulled from {server.url} first (--offline): edits teammates synced since your last pull may be replaced",
        "nothing new: 4 records already here",
    ]


def test_import_help_says_a_field_changed_in_crewdeck_wins_and_what_offline_risks(cli: Cli) -> None:
    said = " ".join(cli.ok("import", "--help").split())

    assert "only the fields nobody changed in crewdeck since the last import" in said
    assert "changed here" not in said
    assert "--offline on a joined replica: import without pulling from the server first" in said
