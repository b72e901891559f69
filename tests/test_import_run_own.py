"""An import's run (``import_run``) claims only its importer's own writes: a newer export changes nothing another member
changed since, whatever runs a member's replica (or a record stored before the rules said so) claims.

The rules refuse a run naming operations another node made, or its own node made after it (``own_run``, the roles
matrix in test_rules); ``lastimport.Guard`` counts an operation as a run's only when its member imported it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from crewdeck.sync.client.remote import Client, push_all
from crewdeck.sync.state.store import Store
from crewdeck.tui.workspace.merging import stable_id

from .conftest import Cli
from .importfixtures import BOARD, card_id, trello_board, trello_json
from .syncsupport import Server, crewdeck, new_token

CARD_1 = stable_id("trello-card", card_id(1))
MIAS_TITLE = "Mia's careful rewrite"


def _board(tmp_path: Path) -> Path:
    board = tmp_path / "board.json"
    board.write_text(trello_json(trello_board(cards=8, actions=30)), encoding="utf-8")
    return board


def _title(export: str) -> str:
    (task,) = [t for t in json.loads(export)["task"] if t["id"] == CARD_1]
    return str(task["title"])


def _forged_run(store: Store, member: str, node: str) -> None:
    """A run ``member`` writes claiming every operation ``node`` ever makes, unjudged: a modified client's, or a record
    stored before the rules refused such a run."""
    with store.write(member, judged=False) as w:
        w.append(
            "import_run",
            {
                "source": f"trello:{BOARD}",
                "first_op": f"0000000000000-0000-{node}",
                "last_op": f"9999999999999-ffff-{node}",
                "scope": None,
                "imported_by": member,
            },
        )


def test_a_run_stored_claiming_another_members_edits_on_a_shared_file_leaves_them_kept(cli: Cli, tmp_path: Path) -> None:
    board = _board(tmp_path)
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "Europe/Berlin")
    cli.ok("import", "--from", "trello", str(board))
    cli("set", CARD_1[:8], f"title={MIAS_TITLE}", as_member="mia")
    with Store(cli.workspace) as store:  # one node for everyone: raj's run claims mia's edit by its stamp
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        _forged_run(store, raj, store.node)

    out = cli.ok("import", "--from", "trello", str(board))

    assert f"1 record keeps what was changed in crewdeck since the last import: {board}: card 1 (“Launch post 🚀 für Zoë”): title" in out
    assert _title(cli.ok("export")) == MIAS_TITLE


def test_a_members_run_claiming_another_replicas_edits_is_refused_by_the_server(cli: Cli, tmp_path: Path) -> None:
    board = _board(tmp_path)
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "Europe/Berlin")
    server = Server([str(cli.workspace)]).start()
    try:
        cli.ok("import", "--from", "trello", str(board))
        mia, raj = tmp_path / "mia.db", tmp_path / "raj.db"
        crewdeck("join", server.url, "--token", new_token("mia", "--workspace", str(cli.workspace), "--as", "ana"), str(mia))
        raj_token = new_token("raj", "--workspace", str(cli.workspace), "--as", "ana")
        crewdeck("join", server.url, "--token", raj_token, str(raj))
        crewdeck("-w", str(mia), "set", CARD_1[:8], f"title={MIAS_TITLE}")
        crewdeck("-w", str(mia), "sync")
        with sqlite3.connect(mia) as conn:
            mia_node = conn.execute("SELECT value FROM meta WHERE key = 'node'").fetchone()[0]
        client = Client(server.url, raj_token, "team")
        with Store(raj) as store:
            _forged_run(store, store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0], mia_node)
            pushed = push_all(store, client)
            client.close()
            assert (pushed.stored, [rule for _, rule, *_ in store.refused(reader=None)]) == (0, ["own_run"])

        out = cli.ok("import", "--from", "trello", str(board))

        assert (
            f"1 record keeps what was changed in crewdeck since the last import: {board}: card 1 (“Launch post 🚀 für Zoë”): title" in out
        )
        assert _title(cli.ok("export")) == MIAS_TITLE
    finally:
        assert server.stop() == ""
