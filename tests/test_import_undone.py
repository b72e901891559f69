"""An import undone is as if never made: importing the file again brings back what the undo took away, and a newer
export changes what the undo set back, on every replica and for every member; an edit made after the undo still wins.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crewdeck.tui.workspace.merging import stable_id
from crewdeck.tui.workspace.workspace import Workspace

from .conftest import Cli
from .importfixtures import (
    NEWER_DUE,
    NEWER_TITLE,
    asana_csv,
    asana_rows,
    board_and_newer_export,
    card_id,
    linear_csv,
    linear_rows,
    trello_board,
    trello_json,
)
from .syncsupport import ServedFiles, crewdeck, new_token

CARD_1 = stable_id("trello-card", card_id(1))
#: A plain card of the board's list "Doing" (card 1 is a post here: its campaign's platform is on its labels).
DOING = stable_id("trello-card", card_id(11))
FIRST_TITLE = "Launch post 🚀 für Zoë"


def _tasks(export: str) -> dict[str, dict[str, Any]]:
    return {task["id"]: task for task in json.loads(export)["task"]}


def test_an_import_undone_and_imported_again_brings_its_tasks_back(cli: Cli, tmp_path: Path) -> None:
    """The undo removed the 13 tasks, and the same file imported again said "13 records removed here stay removed"."""
    first, _ = board_and_newer_export(tmp_path)
    imported = _tasks(cli.ok("export"))
    cli.ok("import", "--from", "trello", str(first))
    assert cli.ok("undo").startswith(f"undid: added “{FIRST_TITLE}”")

    out = cli.ok("import", "--from", "trello", str(first))

    assert "removed here stay removed" not in out
    # Said as what it is: "updated 13 tasks" read as changes made to tasks that were there.
    assert out.startswith("brought back 13 tasks an earlier import of the file, or its undo, removed;")
    assert "updated" not in out
    tasks = _tasks(cli.ok("export"))
    assert len(tasks) - len(imported) == 13 and tasks[CARD_1]["title"] == FIRST_TITLE


def _export_of(source: str, renamed: str | None) -> str:
    """An export of ``source`` of three tasks; ``renamed``: its newer export, where the first task is called that."""
    if source == "taskwarrior":
        records = [{"uuid": f"{n:08x}-2222-3333-4444-555555555555", "description": f"Task {n}", "status": "pending"} for n in (1, 2, 3)]
        records[0]["description"] = renamed or records[0]["description"]
        return json.dumps(records)
    rows, title, csv = (asana_rows(), "Name", asana_csv) if source == "asana" else (linear_rows(), "Title", linear_csv)
    rows[0][title] = renamed or rows[0][title]
    return csv(rows)


@pytest.mark.parametrize("source", ["asana", "linear", "taskwarrior"])
def test_an_export_of_any_source_undone_twice_and_imported_again_comes_back_as_the_file_says(cli: Cli, tmp_path: Path, source: str) -> None:
    """An import and a newer export of it, both undone: the newer export imported again brings the tasks back, renamed as
    it says (the second undo removed them, the first set the name back)."""
    first, newer = tmp_path / "first", tmp_path / "newer"
    first.write_text(_export_of(source, None), encoding="utf-8")
    newer.write_text(_export_of(source, "Renamed in the source"), encoding="utf-8")
    before = len(_tasks(cli.ok("export")))
    cli.ok("import", "--from", source, str(first))
    cli.ok("import", "--from", source, str(newer))
    cli.ok("undo")
    cli.ok("undo")
    assert len(_tasks(cli.ok("export"))) == before

    out = cli.ok("import", "--from", source, str(newer))

    assert "removed here stay removed" not in out and "changed in crewdeck since the last import" not in out
    titles = [task["title"] for task in _tasks(cli.ok("export")).values()]
    assert len(titles) == before + 3 and "Renamed in the source" in titles


def test_an_import_undone_is_imported_again_with_another_status_map(cli: Cli, tmp_path: Path) -> None:
    first, _ = board_and_newer_export(tmp_path)
    cli.ok("import", "--from", "trello", str(first))
    assert _tasks(cli.ok("export"))[DOING]["status"] == "doing"
    cli.ok("undo")

    out = cli.ok("import", "--from", "trello", str(first), "--map-status", "Doing=review")

    assert "changed in crewdeck since the last import" not in out
    assert _tasks(cli.ok("export"))[DOING]["status"] == "review"


def test_a_newer_export_undone_and_imported_again_changes_what_the_undo_set_back(cli: Cli, tmp_path: Path) -> None:
    """The undo's title and due read as a member's edits: the newer export imported again kept them all."""
    first, second = board_and_newer_export(tmp_path)
    cli.ok("import", "--from", "trello", str(first))
    cli.ok("import", "--from", "trello", str(second))
    cli.ok("undo")
    assert _tasks(cli.ok("export"))[CARD_1]["title"] == FIRST_TITLE

    out = cli.ok("import", "--from", "trello", str(second))

    assert "changed in crewdeck since the last import" not in out
    card = _tasks(cli.ok("export"))[CARD_1]
    assert (card["title"], card["due"]["utc"]) == (NEWER_TITLE, NEWER_DUE)


def test_an_edit_made_after_the_undo_wins_over_the_import_made_again(cli: Cli, tmp_path: Path) -> None:
    first, second = board_and_newer_export(tmp_path)
    cli.ok("import", "--from", "trello", str(first))
    cli.ok("import", "--from", "trello", str(second))
    cli.ok("undo")
    cli("set", CARD_1[:8], "title=Launch post (ours)", as_member="raj")

    out = cli.ok("import", "--from", "trello", str(second))

    assert f"1 record keeps what was changed in crewdeck since the last import: {second}: card 1 (“{NEWER_TITLE}”): title" in out
    card = _tasks(cli.ok("export"))[CARD_1]
    assert (card["title"], card["due"]["utc"]) == ("Launch post (ours)", NEWER_DUE)


def test_a_redo_of_an_undone_import_is_the_sources_write_too(cli: Cli, tmp_path: Path) -> None:
    """The app's undo and redo (``Edits``), handed the import as ``crewdeck undo`` hands it: after the redo, a newer
    export still changes the title the redo wrote again."""
    from crewdeck.tui.cli import history
    from crewdeck.tui.session.access import WorkspaceAccess
    from crewdeck.tui.session.writing import Edits, History, Written

    first, second = board_and_newer_export(tmp_path)
    cli.ok("import", "--from", "trello", str(first))
    cli.ok("import", "--from", "trello", str(second))
    ws = Workspace.open(cli.workspace)
    try:
        me = ws.identify("ana")
        change = history._last(ws.store, me.id)
        assert change is not None
        imported = history._ops(ws, history._runs(ws.store, change), me.id)
        edits = Edits(WorkspaceAccess(ws, me), history=History(done=[Written("", tuple(imported))]))
        assert edits.undo() is not None and edits.redo() is not None
    finally:
        ws.close()
    assert _tasks(cli.ok("export"))[CARD_1]["title"] == NEWER_TITLE
    newest = trello_board(cards=8, actions=30)
    (card,) = [c for c in newest["cards"] if c["id"] == card_id(1)]
    card["name"] = "Launch post v3"
    (tmp_path / "board3.json").write_text(trello_json(newest), encoding="utf-8")

    out = cli.ok("import", "--from", "trello", str(tmp_path / "board3.json"))

    assert "changed in crewdeck since the last import" not in out
    assert _tasks(cli.ok("export"))[CARD_1]["title"] == "Launch post v3"


def test_an_import_undone_on_a_replica_is_brought_back_by_an_import_on_the_served_file(
    cli: Cli, tmp_path: Path, served_files: ServedFiles
) -> None:
    """The replica's undo and the run that makes it the board's own are pushed together (the server's rules take the
    run as it is); another member imports the board on the served file, and its tasks are back, there and on the replica."""
    first, _ = board_and_newer_export(tmp_path)
    name = served_files.serve(cli.workspace)
    try:
        replica = tmp_path / "raj.db"
        crewdeck(
            "join", served_files.server.url, "--token", new_token("raj", "--workspace", str(cli.workspace), "--as", "ana"), str(replica)
        )
        crewdeck("-w", str(replica), "import", "--from", "trello", str(first))
        crewdeck("-w", str(replica), "undo")
        crewdeck("-w", str(replica), "sync")
        assert CARD_1 not in _tasks(cli.ok("export"))

        out = cli.ok("import", "--from", "trello", str(first))

        assert "removed here stay removed" not in out
        assert _tasks(cli.ok("export"))[CARD_1]["title"] == FIRST_TITLE
        crewdeck("-w", str(replica), "sync")
        assert _tasks(crewdeck("-w", str(replica), "export"))[CARD_1]["title"] == FIRST_TITLE
    finally:
        assert served_files.unserve(name) == ""  # no request of this test failed on the server's side


def test_an_import_undone_on_the_served_file_is_brought_back_by_a_replica_that_pulled_the_undo(
    cli: Cli, tmp_path: Path, served_files: ServedFiles
) -> None:
    first, second = board_and_newer_export(tmp_path)
    name = served_files.serve(cli.workspace)
    try:
        cli.ok("import", "--from", "trello", str(first))
        cli.ok("import", "--from", "trello", str(second))
        cli.ok("undo")
        cli.ok("undo")
        replica = tmp_path / "raj.db"
        crewdeck(
            "join", served_files.server.url, "--token", new_token("raj", "--workspace", str(cli.workspace), "--as", "ana"), str(replica)
        )
        assert CARD_1 not in _tasks(crewdeck("-w", str(replica), "export"))

        out = crewdeck("-w", str(replica), "import", "--from", "trello", str(second))

        assert "removed here stay removed" not in out and "changed in crewdeck since the last import" not in out
        card = _tasks(crewdeck("-w", str(replica), "export"))[CARD_1]
        assert (card["title"], card["due"]["utc"]) == (NEWER_TITLE, NEWER_DUE)
        crewdeck("-w", str(replica), "sync")
        assert _tasks(cli.ok("export"))[CARD_1]["title"] == NEWER_TITLE
    finally:
        assert served_files.unserve(name) == ""  # no request of this test failed on the server's side


def _empty_workspace(tmp_path: Path) -> Cli:
    from crewdeck.tui.cli.main import main

    tmp_path.mkdir(exist_ok=True)
    cli = Cli(tmp_path / "w.db")
    assert main(["init", str(cli.workspace), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR"]) == 0
    return cli


def _assignees(cli: Cli) -> dict[str, str | None]:
    export = json.loads(cli.ok("export"))
    handles = {member["id"]: member["handle"] for member in export["member"] if not member.get("deleted")}
    return {task["title"]: handles.get(task.get("assignee") or "") for task in export["task"]}


def test_members_an_undone_import_added_are_brought_back_with_their_cards(tmp_path: Path) -> None:
    """The tasks came back, the members the import had added stayed removed: their cards came back unassigned, said as
    "not members here" (reviewer ra)."""
    first, _ = board_and_newer_export(tmp_path)
    fresh, cli = _empty_workspace(tmp_path / "fresh"), _empty_workspace(tmp_path)
    fresh.ok("import", "--from", "trello", str(first), "--default-tz", "Asia/Kolkata")
    cli.ok("import", "--from", "trello", str(first), "--default-tz", "Asia/Kolkata")
    cli.ok("undo")

    planned = cli.ok("import", "--from", "trello", str(first), "--default-tz", "Asia/Kolkata", "--dry-run")
    out = cli.ok("import", "--from", "trello", str(first), "--default-tz", "Asia/Kolkata")

    assert "would bring back 2 members the undo of an import removed (@raj, @zoe)" in planned
    assert "; brought back 2 members the undo of an import removed (@raj, @zoe);" in out
    assert "not members here" not in out
    assert _assignees(cli) == _assignees(fresh) and _assignees(cli)[FIRST_TITLE] == "raj"


def test_a_member_removed_by_hand_stays_removed_and_is_said_so(tmp_path: Path) -> None:
    """A member a person removed is not brought back by an import: their card is left unassigned, said with why, where
    it read "not members here" as if they never were."""
    first, _ = board_and_newer_export(tmp_path)
    cli = _empty_workspace(tmp_path)
    cli.ok("import", "--from", "trello", str(first), "--default-tz", "Asia/Kolkata")
    cli.ok("set", CARD_1, "assignee=")
    cli.ok("member", "rm", "raj")
    cli.ok("rm", CARD_1)

    out = cli.ok("import", "--from", "trello", str(first), "--default-tz", "Asia/Kolkata")

    assert "brought back" not in out
    assert "left unassigned (removed from this workspace: crewdeck member add brings them back): raj" in out
    assert "not members here" not in out


def test_a_campaign_an_undone_import_had_added_comes_back_with_its_tasks(cli: Cli, tmp_path: Path) -> None:
    """An Asana project the import had made a campaign stayed removed after the undo: the tasks came back into it,
    "brought back", while `tasks +summer-fest` said "unknown campaign" (reviewer rh)."""
    rows = [
        {"Task ID": "111", "Name": "Plan booth", "Projects": "Summer Fest", "Created At": "2026-11-01"},
        {"Task ID": "112", "Name": "Print flyers", "Projects": "Summer Fest", "Created At": "2026-11-01"},
    ]
    source = tmp_path / "asana.csv"
    source.write_text(asana_csv(rows), encoding="utf-8")
    cli.ok("import", "--from", "asana", str(source))
    cli.ok("undo")

    out = cli.ok("import", "--from", "asana", str(source))

    assert out.startswith("brought back 2 tasks and 1 campaign an earlier import of the file, or its undo, removed"), out
    assert "removed here stay" not in out
    assert sorted(task["title"] for task in json.loads(cli.ok("tasks", "+summer-fest", "--json"))) == ["Plan booth", "Print flyers"]
