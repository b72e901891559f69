"""An import's runs found again by the key and places they were remembered under, however the file spells them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from crewdeck.tui.workspace.lastimport import PLACE_LIMIT, Guard, bounded
from crewdeck.tui.workspace.merging import stable_id

from .conftest import Cli
from .importfixtures import card_id, trello_board, trello_json

#: A board id spelled decomposed, "e" and a combining accent, as a Mac may write it; the run record holds it composed.
DECOMPOSED_BOARD = "board-cafe\u0301"


def test_a_newer_export_of_a_board_whose_id_is_spelled_decomposed_changes_what_nobody_changed_since(cli: Cli, tmp_path: Path) -> None:
    board = trello_board(cards=4, actions=4)
    board["id"] = DECOMPOSED_BOARD
    first = tmp_path / "board.json"
    first.write_text(trello_json(board), encoding="utf-8")
    (card,) = [c for c in board["cards"] if c["id"] == card_id(1)]
    card["name"] = "Launch post v2"
    second = tmp_path / "board2.json"
    second.write_text(trello_json(board), encoding="utf-8")
    cli.ok("import", "--from", "trello", str(first))

    out = cli.ok("import", "--from", "trello", str(second))

    assert "keeps what was changed" not in out
    assert out.startswith("updated 1 task")
    (task,) = [t for t in json.loads(cli.ok("export"))["task"] if t["id"] == stable_id("trello-card", card_id(1))]
    assert task["title"] == "Launch post v2"


def test_a_run_records_place_held_at_length_is_read_as_its_files_place_is(tmp_path: Path) -> None:
    # A record's scope read raw, while the file's places are compared bounded: a place kept whole would match no file.
    long_place = "Summer Drop " * 200
    conn = sqlite3.connect(tmp_path / "runs.db")
    conn.execute("CREATE TABLE import_run (source TEXT, first_op TEXT, last_op TEXT, scope TEXT, imported_by TEXT)")
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("CREATE TABLE ops (row_id TEXT, node TEXT, op_id TEXT, entity TEXT, member TEXT, field TEXT)")
    node = "a" * 16
    first, last = f"1700000000000-0000-{node}", f"1700000000000-0009-{node}"
    conn.execute("INSERT INTO import_run VALUES ('asana', ?, ?, ?, 'm1')", (first, last, json.dumps([long_place])))
    conn.execute("INSERT INTO ops VALUES ('t1', ?, ?, 'task', 'm1', 'title')", (node, f"1700000000000-0001-{node}"))
    conn.execute("INSERT INTO meta VALUES ('node', ?)", (node,))

    guard = Guard(conn, "asana")

    assert [run.scope for run in guard.runs] == [frozenset({bounded(long_place, PLACE_LIMIT)})]
    assert guard.written("task", within={long_place}) == {"t1"}
