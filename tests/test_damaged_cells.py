"""A record table's cell its column never holds, written by raw SQL (a teammate with write access to the shared file)
or by a damaged disk: every command that reads the table says which table, record and column in one line and exits 2,
or reads on as it did; never a traceback.  ``doctor`` lists such cells, and the app says it in a notice.

The walk makes a copy of one record of each table per column and bad value, each with that value in that column, and
runs the commands that read the table in this process: once on the copies the search finds, once on the others.
A currency no code names is refused as a typed one is, in one line that says the value but not where it is
(``MoneyError``): ``doctor`` lists where.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Collection
from contextlib import closing
from pathlib import Path

import pytest

from crewdeck.sync.state.damaged import READ_TABLES, damaged_cells
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.records import ENTITIES
from crewdeck.sync.state.schema import columns
from crewdeck.tui.app.damaged_notice import DAMAGED_TITLE
from crewdeck.tui.app.workers import refusal

from .apphelp import make_app, settle
from .conftest import Cli, copy_of_workspace, team_file

#: A NULL, a real, a BLOB and a text no column of its kind holds.
BAD_VALUES = ("NULL", "12.5", "x'00ff'", "'bogus'")
#: The commands that read each table's records (the fast listings, the reports, the export and the doctor).
READERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "task": (("tasks",), ("tasks", "all"), ("post", "list"), ("export", "--ics"), ("export",), ("doctor",)),
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


def _damaged_copies(path: Path, table: str) -> dict[str, tuple[str, str]]:
    """Copies of ``path``'s last record of ``table``, each holding one bad value in one column, by id: (column, value).
    A NOT NULL column refuses a NULL itself: no copy holds one."""
    made: dict[str, tuple[str, str]] = {}
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        (original,) = conn.execute(f"SELECT id FROM [{table}] ORDER BY rowid DESC LIMIT 1").fetchone()
        names = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]
        conn.execute("BEGIN IMMEDIATE")
        for column, _ in columns(ENTITIES[table]):
            for value in BAD_VALUES:
                # A result's id is its key: a copy's says it is one by its own suffix.
                copy = f"{original}-{len(made)}" if table == "result" else new_id()
                # A member's copy has a handle of its own: the commands act as one member of each handle.
                taken = [":copy" if name == "id" else f"handle || '-{len(made)}'" if name == "handle" else f"[{name}]" for name in names]
                conn.execute(
                    f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)}) SELECT {', '.join(taken)} FROM [{table}] WHERE id = :original",
                    {"copy": copy, "original": original},
                )
                try:
                    conn.execute(f"UPDATE [{table}] SET [{column}] = {value} WHERE id = ?", (copy,))
                except sqlite3.IntegrityError:
                    conn.execute(f"DELETE FROM [{table}] WHERE id = ?", (copy,))
                    continue
                made[copy] = (column, value)
        conn.execute("COMMIT")
    return made


def _keep_only(path: Path, table: str, kept: Collection[str], made: Collection[str]) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executemany(f"DELETE FROM [{table}] WHERE id = ?", [(row_id,) for row_id in made if row_id not in kept])


@pytest.mark.parametrize("table", READ_TABLES)
def test_every_reader_names_the_damaged_cell_or_reads_on(table: str, records_file: Path, tmp_path: Path) -> None:
    """Each bad value of each column is a record of its own: the search finds each record it finds by that column;
    the commands read every record the search does not find (alone in their file), and on a file of those it finds,
    either read on or name one of them."""
    every = tmp_path / "every.db"
    shutil.copyfile(records_file, every)
    made = _damaged_copies(every, table)
    with closing(sqlite3.connect(every)) as conn:
        cells = list(damaged_cells(conn, list(ENTITIES)))
    found = {(cell.row_id, cell.column) for cell in cells}
    flagged = {row_id for row_id, _ in found}
    # No cell of the file crewdeck wrote is found; each record found is a copy, found by its damaged cell (and an
    # amount's currency too, NULL beside an amount that is a real).
    assert flagged <= set(made) and all((row_id, made[row_id][0]) in found for row_id in flagged), found
    for kept, name in ((set(made) - flagged, "read"), (flagged, "found")):
        path = tmp_path / f"{name}.db"
        shutil.copyfile(every, path)
        _keep_only(path, table, kept, made)
        cli = Cli(path)
        shown = [("show", row_id) for row_id in sorted(kept)] if table == "task" else []
        for args in (*READERS[table], *shown):
            run = cli(*args)
            case = f"{name} {table} cells: crewdeck {' '.join(args)}"
            assert "Traceback" not in run.err, f"{case}\n{run.err}"
            if run.code != 2:
                assert run.code in (0, 1), f"{case}\n{run.err}"
                continue
            # Or a refusal of the value itself, in one line ("unknown currency 'bogus'"): see the module's note.
            assert run.err.startswith("crewdeck: error: ") and run.err.count("\n") == 1, f"{case}\n{run.err}"
            said = re.search(r"cannot be used: .*table (\w+), record (\S+), column (\w+) holds", run.err)
            if said:
                assert said[1] == table and (said[2], said[3]) in found, f"{case}\n{run.err}"
            else:
                assert name == "read" or "cannot be used" not in run.err, f"{case}\n{run.err}"


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


async def test_the_app_draws_the_damaged_row_marked_and_says_where_in_a_notice(cli: Cli) -> None:
    """The app closed on the ValueError of a due date's spelling, drawing the task's row (its assignee's hours read it)."""
    cli.ok("add", "Brief the agency", "@raj", "pri:high")
    with sqlite3.connect(cli.workspace) as conn:
        (task,) = conn.execute("SELECT id FROM task").fetchone()
        conn.execute("UPDATE task SET due_utc = 'soon'")
    app = make_app(cli.workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("v", "a")  # All open
        await settle(pilot)
        assert [row.cells[1:3] for _, row in app.tasks_pane.table.loaded_rows()] == [(task[:8], DAMAGED_TITLE)]
        said = [n.message for n in app._notifications if n.severity == "error"]
        assert said == [
            f"table task, record {task}, column due_utc holds the text 'soon', which crewdeck never writes; crewdeck doctor lists every such cell"
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running


def _spend_of_a_real_amount(cli: Cli) -> str:
    """A ledger entry whose amount is a real, which no task listing reads: its id."""
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "120.50 EUR", "--payee", "Meta")
    with sqlite3.connect(cli.workspace) as conn:
        conn.execute("UPDATE ledger_entry SET amount = 12.5")
        (entry,) = conn.execute("SELECT id FROM ledger_entry").fetchone()
    return str(entry)


def _beside_the_spend(failed: str, entry: str) -> str:
    """The line of a failure said in its own words, with ``_spend_of_a_real_amount``'s cell beside them."""
    return (
        f"crewdeck: error: the workspace file cannot be used: {failed}; it also holds a damaged cell, table "
        f"ledger_entry, record {entry}, column amount holds a real number, 12.5, which crewdeck never writes; "
        "crewdeck doctor lists every such cell\n"
    )


def test_a_database_error_keeps_its_own_words_beside_a_damaged_cell(cli: Cli) -> None:
    """Over index pages that cannot be read, `tasks` said the unrelated ledger cell in the place of SQLite's words."""
    cli.ok("add", "Brief the agency pri:high due:tomorrow")
    entry = _spend_of_a_real_amount(cli)
    with closing(sqlite3.connect(cli.workspace)) as conn:
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        roots = [root for (root,) in conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'task'")]
    with cli.workspace.open("r+b") as file:
        for root in roots:
            file.seek((root - 1) * page_size)
            file.write(b"\xff" * page_size)
    listed = cli("tasks")
    assert (listed.code, listed.err) == (2, _beside_the_spend("database disk image is malformed", entry))


def test_a_well_spelled_day_that_is_none_is_a_damaged_cell(cli: Cli) -> None:
    """A due date of month 13 passed the search's spelling check: `tasks` ended in a traceback, and beside a damaged
    ledger cell it named that cell, which `tasks` never reads."""
    cli.ok("add", "Brief the agency pri:high due:tomorrow")
    entry = _spend_of_a_real_amount(cli)
    with sqlite3.connect(cli.workspace) as conn:
        (task,) = conn.execute("SELECT id FROM task").fetchone()
        conn.execute("UPDATE task SET due_utc = '2026-13-45T00:00:00Z'")
    listed = cli("tasks")
    assert (listed.code, listed.err) == (
        2,
        f"crewdeck: error: the workspace file cannot be used: table task, record {task}, column due_utc holds the text "
        "'2026-13-45T00:00:00Z', which crewdeck never writes\n",
    )
    # SQLite reads a 30 February or a 24:00 as the day after, Python neither; a year 0 neither.
    for day in ("2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z", "0000-01-01T00:00:00Z", "2026-01-01T00:00:00Z"):
        with closing(sqlite3.connect(cli.workspace)) as conn, conn:
            conn.execute("UPDATE task SET due_utc = ?", (day,))
            found = [(cell.row_id, cell.column) for cell in damaged_cells(conn)]
        assert found == [(task, "due_utc")] * (day != "2026-01-01T00:00:00Z") + [(entry, "amount")], day


def test_a_bug_is_said_in_its_own_words_beside_a_cell_it_never_read(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug of `tasks` (a listing that fails as code, not as data) on a file with a damaged ledger cell was said as
    that cell alone; on a file with none it is a traceback, as any bug."""

    def broken(*args: object, **kwargs: object) -> list[str]:
        raise RuntimeError("a bug\non two lines")

    monkeypatch.setattr("crewdeck.tui.cli.cmd_tasks.task_lines", broken)
    cli.ok("add", "Brief the agency", "pri:high")
    with pytest.raises(RuntimeError):
        cli("tasks")
    entry = _spend_of_a_real_amount(cli)
    listed = cli("tasks")
    assert (listed.code, listed.err) == (2, _beside_the_spend("RuntimeError: a bug^Jon two lines", entry))


def test_doctor_lists_a_record_whose_id_and_another_cell_are_damaged(cli: Cli) -> None:
    """`doctor` stopped (exit 2) reading such a record's other fields: it skipped records by a name no id has."""
    cli.ok("add", "Brief the agency due:tomorrow")
    cli.ok("add", "Book the studio")
    with sqlite3.connect(cli.workspace) as conn:
        conn.execute("UPDATE task SET id = NULL, due_utc = 'soon' WHERE title = 'Brief the agency'")
        conn.execute("UPDATE task SET priority = x'00' WHERE title = 'Book the studio'")
        (rowid,) = conn.execute("SELECT rowid FROM task WHERE id IS NULL").fetchone()
        (task,) = conn.execute("SELECT id FROM task WHERE id IS NOT NULL").fetchone()
    doctor = cli("doctor")
    assert doctor.code == 1, doctor.err
    problems = [line.split("  written outside")[0].rstrip() for line in doctor.out.splitlines()[1:]]
    # Its field's name, as the doctor's other problems say it, and one byte.
    assert problems == [
        f"task    at rowid {rowid}  id        holds NULL, which crewdeck never writes",
        f"task    at rowid {rowid}  due       holds the text 'soon', which crewdeck never writes",
        f"task    {task[:8]}    priority  holds a BLOB of 1 byte, which crewdeck never writes",
    ]


async def test_a_row_that_fails_on_a_clean_record_is_a_bug_not_a_damaged_one(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row read as a damaged record, with no notice, where drawing rows failed as code on a file crewdeck wrote."""

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug")

    cli.ok("add", "Brief the agency")
    monkeypatch.setattr("crewdeck.tui.app.tasks_pane.row_text", broken)
    app = make_app(cli.workspace)
    with pytest.raises(RuntimeError, match="a bug"):
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)


def test_a_json_text_that_cannot_be_read_is_no_refusal() -> None:
    """A damaged JSON cell's error was shown as a refusal of what was typed ("Expecting value: line 1 column 1")."""
    assert refusal(json.JSONDecodeError("Expecting value", "soon", 0)) is None
    assert refusal(ValueError("no such day")) == "no such day"


async def test_the_app_searches_a_file_once_until_it_changes(cli: Cli) -> None:
    """Every failed read searched the whole file again, however often it failed on a file no one changed."""
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "120.50 EUR", "--payee", "Meta")
    app = make_app(cli.workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        notice = app.services.damaged
        notice.say()
        assert notice._searching
        await settle(pilot)
        notice.say()
        assert not notice._searching
        with sqlite3.connect(cli.workspace) as conn:
            conn.execute("UPDATE ledger_entry SET amount = 12.5")
            (entry,) = conn.execute("SELECT id FROM ledger_entry").fetchone()
        notice.say()
        await settle(pilot)
        said = [n.message for n in app._notifications if n.severity == "error"]
        assert said == [
            f"table ledger_entry, record {entry}, column amount holds a real number, 12.5, which crewdeck never writes; crewdeck doctor lists every such cell"
        ]


async def test_a_failed_read_has_its_tables_searched_first(cli: Cli) -> None:
    """The app's read of its members and campaigns failed on a campaign's platforms that are not JSON; the notice named
    the first damaged cell of the file, a closed task's that nothing had read."""
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "120.50 EUR", "--payee", "Meta")
    cli.ok("done", cli.ok("add", "Brief the agency").strip())
    with sqlite3.connect(cli.workspace) as conn:
        conn.execute("UPDATE task SET estimate = 'long'")
        conn.execute("UPDATE campaign SET platforms = 'soon'")
        (campaign,) = conn.execute("SELECT id FROM campaign").fetchone()
    app = make_app(cli.workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications if n.severity == "error" and n.title != "unexpected error"]
        assert said == [
            f"table campaign, record {campaign}, column platforms holds the text 'soon', which crewdeck never writes; "
            "crewdeck doctor lists every such cell"
        ]
