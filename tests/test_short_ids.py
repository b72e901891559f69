"""Short ids that tell tasks apart where their first eight digits are shared (Taskwarrior uuids that begin alike)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crewdeck.sync.state.ids import all_apart, apart_in, shown_id
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.widgets.line_table import Column, LineTable

from .apphelp import make_app, settle
from .conftest import Cli

#: Two tasks whose ids share their first eight digits (and ten), one that shares nine with neither, one alone.
TWINS = ("abcdef0123" + "0" * 21 + "1", "abcdef0123" + "0" * 21 + "2")
NEIGHBOUR = "abcdef01ff" + "0" * 22
ALONE = "12345678" + "0" * 24


def with_twins(path: Path) -> None:
    with Store(path) as store:
        ana = next(r for r, v in store.records("member") if v["handle"] == "ana")
        with store.write(ana) as w:
            for n, task_id in enumerate((*TWINS, NEIGHBOUR, ALONE)):
                w.create("task", {"title": f"task {n}", "status": "todo"}, row_id=task_id)


def test_ids_are_cut_as_long_as_names_them_alone_in_the_table(cli: Cli) -> None:
    with_twins(cli.workspace)
    with Store(cli.workspace) as store:
        apart = apart_in(store.conn, "task", [TWINS[0], ALONE])
        assert apart == {TWINS[0]: TWINS[0], TWINS[1]: TWINS[1], NEIGHBOUR: "abcdef01f"}
        assert all_apart(store.conn, "task") == apart
        assert [shown_id(task_id, apart) for task_id in (NEIGHBOUR, ALONE)] == ["abcdef01f", "12345678"]


def test_crewdeck_tasks_lists_them_apart_in_one_column(cli: Cli) -> None:
    """Every task read ``abcdef01``, and ``set abcdef01`` said the id was ambiguous with no way to tell them apart."""
    with_twins(cli.workspace)
    lines = cli.ok("tasks", "all").splitlines()
    by_title = {line.split()[-1]: line for line in lines[1:]}
    assert by_title["0"].startswith(TWINS[0] + "  ") and by_title["1"].startswith(TWINS[1] + "  ")
    assert by_title["2"].startswith("abcdef01f" + " " * 25) and by_title["3"].startswith("12345678" + " " * 26)
    assert lines[0].startswith("ID" + " " * 32)  # the column as wide as its longest id
    # What is shown is typed back.
    cli.ok("done", by_title["2"].split()[0])
    assert json.loads(cli.ok("show", NEIGHBOUR, "--json"))["status"] == "done"
    assert [row["short_id"] for row in json.loads(cli.ok("tasks", "all", "--json")) if row["id"] in TWINS] == list(TWINS)


def test_crewdeck_tasks_keeps_eight_digits_where_the_twins_are_not_listed(cli: Cli) -> None:
    with_twins(cli.workspace)
    assert cli.ok("tasks", "all", "task 3").splitlines()[1].startswith("12345678  ")


def test_show_names_a_task_and_what_it_waits_for_apart(cli: Cli) -> None:
    with_twins(cli.workspace)
    cli.ok("set", TWINS[0], f"depends_on+={TWINS[1]}")
    shown = cli.ok("show", TWINS[0])
    assert shown.splitlines()[0] == f"task 0  [{TWINS[0]}]"
    assert f"waits for {TWINS[1]} task 1" in shown
    assert json.loads(cli.ok("show", TWINS[0], "--json"))["short_id"] == TWINS[0]


def table_lines(app: CrewdeckApp) -> list[str]:
    table = app.tasks_pane.table
    return ["".join(segment.text for segment in table.render_line(y)).rstrip() for y in range(table.size.height)]


@pytest.mark.parametrize("columns", [152, 160])
async def test_the_tasks_pane_shows_them_apart(cli: Cli, columns: int) -> None:
    with_twins(cli.workspace)
    # A neighbour alone on screen: nine digits, where eight just fit the title gives a cell (152 columns: the three
    # panes' tasks 81 wide; narrower, the pane leaves its ID column out as it did); the twins: as long as they must be.
    app = make_app(cli.workspace)
    async with app.run_test(size=(columns, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"task 2", "enter")
        await settle(pilot)
        lines = table_lines(app)
        assert lines[0].split()[0] == "ID" and any(line.split()[0] == "abcdef01f" for line in lines[1:] if line.split()), lines
        await pilot.press("slash", "ctrl+u", *"all", "enter")
        await settle(pilot)
        cells = [app.tasks_pane.table.row_cells(i) for i in range(app.tasks_pane.table.row_count())]
        assert {str(c[1]) for c in cells if c} == {*TWINS, "abcdef01f", "12345678"}


def test_an_id_wider_than_its_column_takes_cells_of_the_title_before_a_column_goes() -> None:
    class Table(LineTable):
        COLUMNS = (Column("ID", 8, drop=2, whole=True, borrow=8), Column("TASK", 18, grow=1), Column("DUE", 10, drop=1))

    table = Table()
    assert table.widths(38) == [8, 18, 10]
    assert table.widths(38, [9, 0, 0]) == [9, 17, 10]
    assert table.widths(38, [16, 0, 0]) == [16, 10, 10]
    # Beyond what the title lends, the columns go as they would.
    assert table.widths(38, [17, 0, 0]) == [0, 27, 10]
    assert table.widths(60, [12, 0, 0]) == [12, 36, 10]
