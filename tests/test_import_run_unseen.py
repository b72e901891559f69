"""An import's ``import_run`` record says which operations it wrote: bookkeeping, not a change of its own.

The activity log, another member's notice of the import and the workspace's export leave it out, as they leave out the
``acting`` record of a manager's ``--as`` (``records.BOOKKEEPING``).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from crewdeck.sync.state.oplog import OP_COLUMNS, Op
from crewdeck.tui.session.session import Session

from .conftest import Cli
from .importfixtures import trello_board, trello_json


def _board(tmp_path: Path) -> Path:
    board = tmp_path / "board.json"
    board.write_text(trello_json(trello_board(cards=2, actions=0)), encoding="utf-8")
    return board


def _imported(cli: Cli, tmp_path: Path, as_member: str = "ana") -> list[Op]:
    """The import's operations, its ``import_run`` record's among them."""
    cli.ok("import", "--from", "trello", str(_board(tmp_path)), as_member=as_member)
    with sqlite3.connect(cli.workspace) as conn:
        (run,) = conn.execute("SELECT first_op, last_op FROM import_run").fetchall()
        rows = conn.execute(f"SELECT {OP_COLUMNS} FROM ops WHERE op_id BETWEEN ? AND ? OR entity = 'import_run' ORDER BY op_id", run)
        return [Op(*row) for row in rows]


def test_the_log_tells_an_import_by_what_it_wrote_and_not_its_run(cli: Cli, tmp_path: Path) -> None:
    ops = _imported(cli, tmp_path)
    assert "import_run" in {op.entity for op in ops}
    assert "import" not in cli.ok("log")
    assert {entry["entity"] for entry in json.loads(cli.ok("log", "--json"))} == {"member", "campaign", "task"}


def test_another_members_import_is_told_by_the_tasks_it_added(cli: Cli, tmp_path: Path) -> None:
    session = Session.open(cli.workspace, "ana")
    try:
        ops = _imported(cli, tmp_path, as_member="raj")
        told = session.notices.describe(session.notices.theirs(ops))
        assert told == session.notices.describe(session.notices.theirs([op for op in ops if op.entity != "import_run"]))
        assert told == "@ana as @raj added 1 post and 6 tasks"
    finally:
        session.close()


def test_a_batch_of_an_import_run_alone_is_told_nothing(cli: Cli, tmp_path: Path) -> None:
    # A sync's page may end after the import's last task: its next page holds the run alone, no change to tell.
    session = Session.open(cli.workspace, "ana")
    try:
        ops = _imported(cli, tmp_path, as_member="raj")
        assert session.notices.describe(session.notices.theirs([op for op in ops if op.entity == "import_run"])) is None
    finally:
        session.close()


def test_an_export_holds_no_import_run(cli: Cli, tmp_path: Path) -> None:
    _imported(cli, tmp_path)
    assert "import_run" not in json.loads(cli.ok("export"))
