"""A file that is not a crewdeck workspace is refused before anything is written to it."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from crewdeck.sync.state import schema
from crewdeck.sync.state.store import Store, WorkspaceError
from crewdeck.tui.cli.main import main

from .conftest import Cli


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def another_programs_database(path: Path, *, wal: bool = False, user_version: int = 0) -> Path:
    conn = sqlite3.connect(path, isolation_level=None)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("CREATE TABLE tags (note INTEGER, tag TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.close()
    return path


def left_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name) and p != path)


@pytest.mark.parametrize(
    ("options", "expected_mode"),
    [({}, "delete"), ({"user_version": 3}, "delete"), ({"wal": True, "user_version": 12}, "wal")],
)
def test_another_programs_database_is_refused_and_left_byte_for_byte(tmp_path: Path, options: dict[str, int], expected_mode: str) -> None:
    path = another_programs_database(tmp_path / "other.db", **options)
    before = digest(path)
    result = Cli(path)("tasks")
    assert result.code == 2 and result.out == ""
    assert result.err == (
        f"crewdeck: error: {path} is another program's SQLite database (tables: notes, tags), "
        "not a crewdeck workspace; it was left as it was\n"
    )
    assert digest(path) == before
    assert left_beside(path) == []  # no -wal, -shm or -journal
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == expected_mode
    assert conn.execute("PRAGMA user_version").fetchone()[0] == options.get("user_version", 0)
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 2
    conn.close()


def test_an_empty_file_is_refused_and_stays_empty(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.touch()
    result = Cli(path)("tasks")
    assert result.code == 2
    assert result.err == f"crewdeck: error: {path} is an empty file, not a crewdeck workspace (remove it, then: crewdeck init {path})\n"
    assert path.stat().st_size == 0
    assert left_beside(path) == []


def test_an_empty_sqlite_database_is_refused_as_such(tmp_path: Path) -> None:
    path = tmp_path / "blank.db"
    sqlite3.connect(path).execute("VACUUM")  # a database with no tables, as `sqlite3 blank.db VACUUM` leaves
    before = digest(path)
    with pytest.raises(WorkspaceError, match=r"blank\.db is an empty SQLite database, not a crewdeck workspace"):
        Store(path)
    assert digest(path) == before
    assert left_beside(path) == []


def test_a_file_that_is_not_sqlite_is_said_to_be_so(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list\n" * 500)
    before = digest(path)
    result = Cli(path)("tasks")
    assert result.err == f"crewdeck: error: {path} is not a crewdeck workspace (not an SQLite database)\n"
    assert digest(path) == before
    assert left_beside(path) == []


def test_a_directory_is_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="is a directory, not a crewdeck workspace"):
        Store(tmp_path)


def test_an_older_workspace_is_still_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    assert main(["init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC"]) == 0
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE refused_ops")  # as the migration that made it found it
    made_it = next(i for i, (about, _) in enumerate(schema.MIGRATIONS) if about.startswith("refused operations"))
    conn.execute(f"PRAGMA user_version = {made_it}")
    conn.close()
    with Store(path) as store:
        assert schema.user_version(store.conn) == schema.SCHEMA_VERSION
        assert store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'refused_ops'").fetchone()
        assert store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'result_by_day'").fetchone()
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
