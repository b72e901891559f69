"""A record table's cell its column never holds, written by raw SQL (a teammate with write access to the shared file)
or by a damaged disk: every command that reads the table says which table, record and column in one line and exits 2,
or reads on as it did; never a traceback.  ``doctor`` lists such cells, and the app says it in a notice.

The walk sets each column of one record of each table to each bad value in turn, in a copy of one file, and runs the
commands that read that table in this process.  A currency no code names is refused as a typed one is, in one line
that says the value but not where it is (``MoneyError``): ``doctor`` lists where.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from crewdeck.sync.state.damaged import READ_TABLES
from crewdeck.sync.state.records import ENTITIES
from crewdeck.sync.state.schema import columns
from crewdeck.tui.app.damaged_notice import DAMAGED_TITLE

from .apphelp import make_app, settle
from .conftest import Cli, copy_of_workspace, team_file

#: A NULL, a real, a BLOB and a text no column of its kind holds.
BAD_VALUES = ("NULL", "12.5", "x'00ff'", "'bogus'")
#: The commands that read each table's records (the fast listings, the reports, the export and the doctor).
READERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "task": (("tasks",), ("tasks", "all"), ("show", "{id}"), ("post", "list"), ("export", "--ics"), ("export",), ("doctor",)),
    "ledger_entry": (("ledger", "list"), ("ledger", "report"), ("export",), ("doctor",)),
    "result": (("kpi", "report"), ("export",), ("doctor",)),
    "member": (("member", "list"), ("tasks",), ("zones",), ("export",), ("doctor",)),
    "campaign": (("campaign", "list"), ("tasks",), ("ledger", "report"), ("kpi", "report"), ("export",), ("doctor",)),
}


def _records_file(path: Path) -> None:
    """The team's file with a record in each table the readers read: a post due tomorrow, spend, a day's results."""
    team_file(path)
    cli = Cli(path)
    post = cli.ok("post", "add", "Launch reel +spring-launch post:instagram publish:fri 18:00 due:tomorrow").strip()
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "120.50 EUR", "--payee", "Meta")
    cli.ok("kpi", "add", post, "2026-11-20", "impressions=1200", "reach=900")


@pytest.fixture(scope="module")
def records_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of_workspace("damaged-cells.db", _records_file, tmp_path_factory.mktemp("damaged") / "w.db")


def _damaged(path: Path, table: str, column: str, value: str) -> Iterator[str]:
    """Each case's record id, while ``path``'s last record of ``table`` holds ``value`` in ``column`` (a member not the
    one the commands act as, whose damaged handle would be no member of that handle, said as such)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        (row_id,) = conn.execute(f"SELECT id FROM [{table}] ORDER BY rowid DESC LIMIT 1").fetchone()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(f"UPDATE [{table}] SET [{column}] = {value} WHERE id = ?", (row_id,))
            conn.execute("COMMIT")
        except sqlite3.IntegrityError:  # a NOT NULL column: SQLite itself keeps it from holding one
            conn.execute("ROLLBACK")
            return
        yield row_id
    finally:
        conn.close()


#: Each column of each table the readers read.
CELLS = [(table, column) for table in READ_TABLES for column, _ in columns(ENTITIES[table])]


@pytest.mark.parametrize(("table", "column"), CELLS, ids=[f"{table}.{column}" for table, column in CELLS])
def test_every_reader_names_the_damaged_cell_or_reads_on(table: str, column: str, records_file: Path, tmp_path: Path) -> None:
    for value in BAD_VALUES:
        path = tmp_path / f"{BAD_VALUES.index(value)}.db"
        shutil.copyfile(records_file, path)
        for row_id in _damaged(path, table, column, value):
            cli = Cli(path)
            for args in READERS[table]:
                run = cli(*(arg.format(id=row_id[:8]) for arg in args))
                case = f"{table}.{column} = {value}: crewdeck {' '.join(args)}"
                assert "Traceback" not in run.err, f"{case}\n{run.err}"
                if run.code == 2:
                    # Or a refusal of the value itself, in one line ("unknown currency 'bogus'"): see the module's note.
                    assert run.err.startswith("crewdeck: error: ") and run.err.count("\n") == 1, f"{case}\n{run.err}"
                    if "cannot be used" in run.err:
                        assert f"cannot be used: table {table}, record {row_id}, column {column} holds" in run.err, f"{case}\n{run.err}"
                else:
                    assert run.code in (0, 1), f"{case}\n{run.err}"


def test_the_issues_two_cells_are_said_in_one_line(cli: Cli) -> None:
    """`tasks` ended in an AttributeError in tui/tasks/printed.py, `ledger list` in a ValueError of money.py."""
    cli.ok("add", "Brief the agency", "pri:high")
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "120.50 EUR", "--payee", "Meta")
    with sqlite3.connect(cli.workspace) as conn:
        (task,) = conn.execute("SELECT id FROM task").fetchone()
        (entry,) = conn.execute("SELECT id FROM ledger_entry").fetchone()
        conn.execute("UPDATE task SET priority = NULL")
        conn.execute("UPDATE ledger_entry SET amount = 12.5")
    listed = cli("tasks")
    assert (listed.code, listed.err) == (
        2,
        f"crewdeck: error: the workspace file cannot be used: table task, record {task}, column priority holds NULL, "
        "which crewdeck never writes\n",
    )
    ledger = cli("ledger", "list")
    assert ledger.code == 2 and f"table ledger_entry, record {entry}, column amount holds a real number, 12.5," in ledger.err
    doctor = cli("doctor")
    assert doctor.code == 1
    assert f"task          {task[:8]}  priority  holds NULL, which crewdeck never writes" in doctor.out
    assert f"ledger_entry  {entry[:8]}  amount    holds a real number, 12.5, which crewdeck never writes" in doctor.out


def test_a_clean_file_has_no_damaged_cell(records_file: Path) -> None:
    assert "every record is complete and valid" in Cli(records_file).ok("doctor")


async def test_the_app_draws_the_damaged_row_marked_and_says_where_in_a_notice(cli: Cli) -> None:
    """The app closed on the ValueError of a due date's spelling, drawing the task's row."""
    cli.ok("add", "Brief the agency", "pri:high")
    with sqlite3.connect(cli.workspace) as conn:
        (task,) = conn.execute("SELECT id FROM task").fetchone()
        conn.execute("UPDATE task SET due_utc = 'soon'")
    app = make_app(cli.workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert [row.cells[1:3] for _, row in app.tasks_pane.table.loaded_rows()] == [(task[:8], DAMAGED_TITLE)]
        said = [n.message for n in app._notifications if n.severity == "error"]
        assert said == [
            f"table task, record {task}, column due_utc holds the text 'soon', which crewdeck never writes; crewdeck doctor lists every such cell"
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
