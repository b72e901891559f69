"""A newer export imported where the last import was not run: on a joined replica, by another member of a shared file,
or by this build where an older one ran it.

"A local edit wins" means a change made by anyone, on any replica, since an import of the source last wrote the
field: what the export changed in fields nobody touched lands, wherever the newer export is imported.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from crewdeck.tui.workspace.merging import stable_id

from .conftest import Cli
from .importfixtures import BOARD, NEWER_DUE, NEWER_TITLE, asana_csv, board_and_newer_export, card_id, trello_json
from .syncsupport import ServedDatabase, ServedFiles, Server, crewdeck, new_token

CARD_1 = stable_id("trello-card", card_id(1))


def _imported_by_an_older_build(workspace: Path) -> None:
    """The file's ``import_run`` records made into what a build before them kept: each run in the file's settings
    (``import.runs.SOURCE``, ``[node, first stamp, last stamp]``), and no record of it in the log."""
    with sqlite3.connect(workspace) as conn:
        runs = conn.execute("SELECT source, first_op, last_op FROM import_run ORDER BY first_op").fetchall()
        node = conn.execute("SELECT value FROM meta WHERE key = 'node'").fetchone()[0]
        remembered: dict[str, list[list[str]]] = {}
        for source, first, last in runs:
            remembered.setdefault(f"import.runs.{source}", []).append([node, first, last])
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [(key, json.dumps(value)) for key, value in remembered.items()])
        conn.execute("DELETE FROM import_run")
        conn.execute("DELETE FROM ops WHERE entity = 'import_run'")


def _card_1(export: str) -> dict[str, Any]:
    (task,) = [t for t in json.loads(export)["task"] if t["id"] == CARD_1]
    return dict(task)


def test_a_members_reimport_on_a_joined_replica_takes_the_exports_changes_and_keeps_the_local_status(
    cli: Cli, tmp_path: Path, served_files: ServedFiles
) -> None:
    first, second = board_and_newer_export(tmp_path)
    name = served_files.serve(cli.workspace)
    try:
        cli.ok("import", "--from", "trello", str(first))  # the manager, on the served file
        replica = tmp_path / "raj.db"
        crewdeck(
            "join", served_files.server.url, "--token", new_token("raj", "--workspace", str(cli.workspace), "--as", "ana"), str(replica)
        )
        crewdeck("-w", str(replica), "set", CARD_1[:8], "status=review")
        crewdeck("-w", str(replica), "sync")

        out = crewdeck("-w", str(replica), "import", "--from", "trello", str(second))

        assert f"1 record keeps what was changed in crewdeck since the last import: {second}: card 1 (“{NEWER_TITLE}”): status" in out
        card = _card_1(crewdeck("-w", str(replica), "export"))
        assert (card["title"], card["due"]["utc"], card["status"]) == (NEWER_TITLE, NEWER_DUE, "review")
        crewdeck("-w", str(replica), "sync")
        served = _card_1(cli.ok("export"))
        assert (served["title"], served["due"]["utc"], served["status"]) == (NEWER_TITLE, NEWER_DUE, "review")
        with sqlite3.connect(cli.workspace) as conn:  # both runs, the manager's and raj's, for the next import anywhere
            assert conn.execute("SELECT count(*) FROM import_run WHERE source = ?", (f"trello:{BOARD}",)).fetchone() == (2,)
    finally:
        assert served_files.unserve(name) == ""  # no request of this test failed on the server's side


def test_a_members_reimport_on_a_replica_of_a_workspace_in_postgresql_takes_the_exports_changes(
    cli: Cli, tmp_path: Path, served_database: ServedDatabase
) -> None:
    first, second = board_and_newer_export(tmp_path)
    cli.ok("import", "--from", "trello", str(first))  # the manager, before the workspace moved to PostgreSQL
    name = served_database.new_name()
    where = ["--database", served_database.url, "--name", name]
    crewdeck("publish", str(cli.workspace), *where)
    replica = tmp_path / "raj.db"
    crewdeck("join", served_database.server.url, "--token", new_token("raj", *where), str(replica))
    crewdeck("-w", str(replica), "set", CARD_1[:8], "status=review")

    out = crewdeck("-w", str(replica), "import", "--from", "trello", str(second))

    assert f"1 record keeps what was changed in crewdeck since the last import: {second}: card 1 (“{NEWER_TITLE}”): status" in out
    crewdeck("-w", str(replica), "sync")
    teammate = tmp_path / "ana.db"
    crewdeck("join", served_database.server.url, "--token", new_token("ana", *where), str(teammate))
    card = _card_1(crewdeck("-w", str(teammate), "export"))
    assert (card["title"], card["due"]["utc"], card["status"]) == (NEWER_TITLE, NEWER_DUE, "review")
    with sqlite3.connect(teammate) as conn:  # both runs, stored by the server and pulled
        assert conn.execute("SELECT count(*) FROM import_run WHERE source = ?", (f"trello:{BOARD}",)).fetchone() == (2,)
    assert served_database.said() == ""


def test_a_second_members_reimport_of_a_shared_file_takes_the_exports_changes_and_keeps_the_local_status(cli: Cli, tmp_path: Path) -> None:
    first, second = board_and_newer_export(tmp_path)
    cli.ok("import", "--from", "trello", str(first))
    cli("set", CARD_1[:8], "status=review", as_member="raj")

    out = cli("import", "--from", "trello", str(second), as_member="raj").out

    assert f"1 record keeps what was changed in crewdeck since the last import: {second}: card 1 (“{NEWER_TITLE}”): status" in out
    card = _card_1(cli.ok("export"))
    assert (card["title"], card["due"]["utc"], card["status"]) == (NEWER_TITLE, NEWER_DUE, "review")


def test_a_newer_export_changes_what_nobody_changed_since_an_import_an_older_build_remembered(cli: Cli, tmp_path: Path) -> None:
    first, second = board_and_newer_export(tmp_path)
    cli.ok("import", "--from", "trello", str(first))
    _imported_by_an_older_build(cli.workspace)

    out = cli.ok("import", "--from", "trello", str(second))

    assert "keeps what was changed here" not in out
    card = _card_1(cli.ok("export"))
    assert (card["title"], card["due"]["utc"]) == (NEWER_TITLE, NEWER_DUE)


def test_a_file_of_the_build_before_import_runs_opens_and_imports_newer_exports(cli: Cli, tmp_path: Path) -> None:
    first, second = board_and_newer_export(tmp_path)
    cli.ok("import", "--from", "trello", str(first))
    _imported_by_an_older_build(cli.workspace)
    with sqlite3.connect(cli.workspace) as conn:  # no import_run table: what the build before made
        conn.execute("DROP TABLE import_run")
        conn.execute("PRAGMA user_version = 22")  # the build before migration 23
    cli.ok("set", CARD_1[:8], "status=review")

    out = cli.ok("import", "--from", "trello", str(second))

    assert f"1 record keeps what was changed in crewdeck since the last import: {second}: card 1 (“{NEWER_TITLE}”): status" in out
    newest = json.loads(second.read_text(encoding="utf-8"))
    (card,) = [c for c in newest["cards"] if c["id"] == card_id(1)]
    card["name"] = "Launch post v3"
    third = tmp_path / "board3.json"
    third.write_text(trello_json(newest), encoding="utf-8")
    cli.ok("import", "--from", "trello", str(third))  # over the run this build remembered as a record
    imported = _card_1(cli.ok("export"))
    assert (imported["title"], imported["due"]["utc"], imported["status"]) == ("Launch post v3", NEWER_DUE, "review")
    with sqlite3.connect(cli.workspace) as conn:
        assert conn.execute("SELECT count(*) FROM import_run WHERE source = ?", (f"trello:{BOARD}",)).fetchone() == (2,)
    assert cli.ok("doctor") == "every record is complete and valid\n"


def test_a_project_named_at_length_is_remembered_by_the_server_and_its_newer_export_lists_what_it_lacks(
    cli: Cli, tmp_path: Path, served_files: ServedFiles
) -> None:
    # The run keeps a place longer than its record holds as its hash: the server took the record, where it refused it
    # ("import_run.scope: longer than 2000 characters") and the run was lost for everyone.
    project = "Spring launch " * 150
    rows = [{"Task ID": f"{n}", "Name": f"task {n}", "Projects": project} for n in (1, 2, 3)]
    first = tmp_path / "first.csv"
    first.write_text(asana_csv(rows), encoding="utf-8")
    newer = tmp_path / "newer.csv"
    newer.write_text(asana_csv(rows[::2]), encoding="utf-8")
    name = served_files.serve(cli.workspace)
    try:
        replica = tmp_path / "laptop.db"  # a manager's: the project is a campaign
        crewdeck(
            "join", served_files.server.url, "--token", new_token("ana", "--workspace", str(cli.workspace), "--as", "ana"), str(replica)
        )
        crewdeck("-w", str(replica), "import", "--from", "asana", str(first))
        assert "refused" not in crewdeck("-w", str(replica), "sync")

        out = cli.ok("import", "--from", "asana", str(newer))

        gone = stable_id("asana-task", "2")
        assert out.splitlines()[-1] == f"left alone, not in this file any more: {gone[:8]} task 2"
    finally:
        assert served_files.unserve(name) == ""  # no request of this test failed on the server's side


def test_a_reimport_on_a_replica_behind_the_server_keeps_and_lists_an_edit_made_elsewhere_and_not_pulled(
    cli: Cli, tmp_path: Path, served_files: ServedFiles
) -> None:
    # Reviewer ra's case: the import pulls first, so mia's edit is the field's last write where raj imports; it read the
    # replica as last pulled, and its later stamp won over mia's title, said nowhere.
    first, second = board_and_newer_export(tmp_path)
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "Europe/Berlin")
    name = served_files.serve(cli.workspace)
    try:
        cli.ok("import", "--from", "trello", str(first))  # the manager, on the served file
        mia, raj = tmp_path / "mia.db", tmp_path / "raj.db"
        crewdeck("join", served_files.server.url, "--token", new_token("mia", "--workspace", str(cli.workspace), "--as", "ana"), str(mia))
        crewdeck("join", served_files.server.url, "--token", new_token("raj", "--workspace", str(cli.workspace), "--as", "ana"), str(raj))
        crewdeck("-w", str(mia), "set", CARD_1[:8], "title=Mia's careful rewrite")
        crewdeck("-w", str(mia), "sync")

        out = crewdeck("-w", str(raj), "import", "--from", "trello", str(second))  # raj has not synced since

        assert f"1 record keeps what was changed in crewdeck since the last import: {second}: card 1 (“{NEWER_TITLE}”): title;" in out
        crewdeck("-w", str(raj), "sync")
        served = _card_1(cli.ok("export"))
        assert (served["title"], served["due"]["utc"]) == ("Mia's careful rewrite", NEWER_DUE)
    finally:
        assert served_files.unserve(name) == ""  # no request of this test failed on the server's side


def test_an_offline_reimport_on_a_joined_replica_counts_only_the_imports_made_there(cli: Cli, tmp_path: Path) -> None:
    first, second = board_and_newer_export(tmp_path)
    server = Server([str(cli.workspace)]).start()
    try:
        cli.ok("import", "--from", "trello", str(first))  # the manager's, on the served file: not made on raj's replica
        raj = tmp_path / "raj.db"
        crewdeck("join", server.url, "--token", new_token("raj", "--workspace", str(cli.workspace), "--as", "ana"), str(raj))
    finally:
        assert server.stop() == ""

    out = crewdeck("-w", str(raj), "import", "--from", "trello", str(second), "--offline")

    lines = out.splitlines()
    assert lines[0] == (
        f"not pulled from {server.url} first (--offline): fields changed since the last import made here are kept; "
        "edits teammates synced since your last pull may be replaced"
    )
    assert (
        f"1 record keeps what was changed in crewdeck since the last import: {second}: card 1 (“{NEWER_TITLE}”): title, due, notes;"
        in lines[1]
    )
    card = _card_1(crewdeck("-w", str(raj), "export"))
    assert (card["title"], card["due"]["utc"]) == ("Launch post 🚀 für Zoë", "2026-03-02T16:00:00Z")


def test_what_an_imports_pull_brings_is_told_by_the_next_sync(cli: Cli, tmp_path: Path, served_files: ServedFiles) -> None:
    # The import pulls and pushes nothing: an edit of raj's that mia's, pulled by it, replaced is said by raj's next
    # sync, as the pull of a round that failed is, not lost between the two.
    first, second = board_and_newer_export(tmp_path)
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "Europe/Berlin")
    name = served_files.serve(cli.workspace)
    try:
        cli.ok("import", "--from", "trello", str(first))
        mia, raj = tmp_path / "mia.db", tmp_path / "raj.db"
        crewdeck("join", served_files.server.url, "--token", new_token("mia", "--workspace", str(cli.workspace), "--as", "ana"), str(mia))
        crewdeck("join", served_files.server.url, "--token", new_token("raj", "--workspace", str(cli.workspace), "--as", "ana"), str(raj))
        crewdeck("-w", str(raj), "set", CARD_1[:8], "priority=H")
        crewdeck("-w", str(mia), "set", CARD_1[:8], "priority=L")
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(raj), "import", "--from", "trello", str(second))

        out = crewdeck("-w", str(raj), "sync")

        assert f"“{NEWER_TITLE}”: your edit of its priority made here was replaced by @mia's, made meanwhile" in out
    finally:
        assert served_files.unserve(name) == ""  # no request of this test failed on the server's side
