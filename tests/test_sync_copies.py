"""A replica copied to a second machine, or put back from a backup: what was typed in it still reaches everyone.

Real server processes on 127.0.0.1, over a workspace file and over PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.store import Store

from .importfixtures import trello_board, trello_json
from .syncsupport import Server, crewdeck, make_team, new_token

CARRIED = "this replica is a copy of another one (or a backup put back), which sent other edits under its name"


@pytest.fixture(params=["file", "postgres"])
def team_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Server, str, str]]:
    """A served team: ``(server, @ana's token, @raj's token)``."""
    team = make_team(tmp_path)
    if request.param == "file":
        where = ["--workspace", str(team)]
        server = Server([str(team)])
    else:
        url = request.getfixturevalue("postgres").database()
        crewdeck("publish", str(team), "--database", url)
        where = ["--database", url, "--name", "team"]
        server = Server(["--database", url])
    ana, raj = new_token("ana", *where), new_token("raj", *where)
    server.start()
    yield server, ana, raj
    assert server.stop() == ""


def copy_replica(source: Path, target: Path) -> None:
    """What `cp` makes of a closed replica (its -wal, if any, goes along)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def titles(path: Path) -> list[str]:
    with Store(path) as store:
        return sorted(row[0] for row in store.conn.execute("SELECT title FROM task"))


def title_ops(path: Path, title: str) -> int:
    """How many operations in the log set a task's title to ``title`` (one each, if nothing was sent twice)."""
    with Store(path) as store:
        return int(store.conn.execute("SELECT count(*) FROM ops WHERE field = 'title' AND value = ?", (json.dumps(title),)).fetchone()[0])


def add(path: Path, title: str) -> None:
    crewdeck("-w", str(path), "add", title)


def test_a_copied_replica_sends_what_was_typed_in_it_under_a_node_of_its_own(team_server: tuple[Server, str, str], tmp_path: Path) -> None:
    server, ana_token, raj_token = team_server
    laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
    crewdeck("join", server.url, "--token", ana_token, str(laptop))
    add(laptop, "Typed before the copy")  # unsent when copied: both copies hold it
    copy_replica(laptop, desktop)
    add(laptop, "Typed on the laptop")
    assert ", 0 unsent" in crewdeck("-w", str(laptop), "sync")

    add(desktop, "Typed on the desktop")
    said = crewdeck("-w", str(desktop), "sync")
    assert said.startswith(CARRIED), said
    assert "the 1 edit made here that the server did not have was carried over to it and sent" in said
    assert ", 0 unsent" in said
    with Store(laptop) as one, Store(desktop) as other:
        assert one.node != other.node

    # Both go on editing and syncing, and everyone has everything once.
    add(desktop, "Typed on the desktop later")
    add(laptop, "Typed on the laptop later")
    for replica in (desktop, laptop, desktop):
        assert CARRIED not in crewdeck("-w", str(replica), "sync")
    raj = tmp_path / "raj.db"
    crewdeck("join", server.url, "--token", raj_token, str(raj))
    every = [
        "Typed before the copy",
        "Typed on the desktop",
        "Typed on the desktop later",
        "Typed on the laptop",
        "Typed on the laptop later",
    ]
    for replica in (laptop, desktop, raj):
        assert titles(replica) == every, replica
    for title in every:
        assert title_ops(raj, title) == 1, title


def test_a_backup_put_back_sends_only_what_the_server_never_had(team_server: tuple[Server, str, str], tmp_path: Path) -> None:
    server, ana_token, raj_token = team_server
    laptop, backup = tmp_path / "laptop.db", tmp_path / "backup.db"
    crewdeck("join", server.url, "--token", ana_token, str(laptop))
    add(laptop, "Typed before the backup")  # unsent in the backup, sent later from the laptop
    copy_replica(laptop, backup)
    add(laptop, "Sent after the backup")
    crewdeck("-w", str(laptop), "sync")
    copy_replica(backup, laptop)  # the disk failed; the backup is put back

    add(laptop, "Typed after the restore")
    said = crewdeck("-w", str(laptop), "sync")
    assert "the 1 edit made here that the server did not have was carried over" in said, said
    assert ", 0 unsent" in said
    raj = tmp_path / "raj.db"
    crewdeck("join", server.url, "--token", raj_token, str(raj))
    every = ["Sent after the backup", "Typed after the restore", "Typed before the backup"]
    assert titles(raj) == titles(laptop) == every
    for title in every:
        assert title_ops(raj, title) == 1, title


def test_a_backup_put_back_with_nothing_new_goes_on_counting_after_what_it_sent(
    team_server: tuple[Server, str, str], tmp_path: Path
) -> None:
    server, ana_token, raj_token = team_server
    laptop, backup = tmp_path / "laptop.db", tmp_path / "backup.db"
    crewdeck("join", server.url, "--token", ana_token, str(laptop))
    copy_replica(laptop, backup)
    add(laptop, "Sent after the backup")
    crewdeck("-w", str(laptop), "sync")
    copy_replica(backup, laptop)
    # Synced before anything is typed: it pulls what it sent itself after the backup, and counts on from there.
    assert CARRIED not in crewdeck("-w", str(laptop), "sync")
    add(laptop, "Typed after the restore")
    said = crewdeck("-w", str(laptop), "sync")
    assert CARRIED not in said and ", 0 unsent" in said, said
    raj = tmp_path / "raj.db"
    crewdeck("join", server.url, "--token", raj_token, str(raj))
    assert titles(raj) == ["Sent after the backup", "Typed after the restore"]


def test_an_import_made_in_a_copy_is_carried_over_with_its_run(team_server: tuple[Server, str, str], tmp_path: Path) -> None:
    # The run names the import's operations by their stamps: carried to the new node, it names them there, as the
    # rules ask of a run (``own_run``), and the next import anywhere counts them as the import's.
    server, ana_token, raj_token = team_server
    laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
    crewdeck("join", server.url, "--token", ana_token, str(laptop))
    copy_replica(laptop, desktop)
    board = tmp_path / "board.json"
    board.write_text(trello_json(trello_board(cards=3, actions=5)), encoding="utf-8")
    crewdeck("-w", str(desktop), "import", "--from", "trello", str(board))
    add(laptop, "Typed on the laptop")
    crewdeck("-w", str(laptop), "sync")

    said = crewdeck("-w", str(desktop), "sync")

    assert said.startswith(CARRIED) and ", 0 unsent" in said, said
    with Store(desktop) as store:
        assert store.refused(reader=None) == []
        node = store.node
    raj = tmp_path / "raj.db"
    crewdeck("join", server.url, "--token", raj_token, str(raj))
    with Store(raj) as store:
        runs = store.conn.execute("SELECT first_op, last_op FROM import_run").fetchall()
    assert [(Stamp.parse(first).node, Stamp.parse(last).node) for first, last in runs] == [(node, node)]
    assert "nothing new" in crewdeck("-w", str(raj), "import", "--from", "trello", str(board))
