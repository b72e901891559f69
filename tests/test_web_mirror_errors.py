"""crewdeck web's copy of a workspace in PostgreSQL after a round that fails: retried, and never served stale in silence.

The copy's thread caught only the database's errors: a session holding the copy's write lock past its busy timeout, a
full disk or a clock behind the sessions' stamps ended it for good, and the web went on serving a copy never brought up
to date (removals and campaigns given or taken not applied) whose sessions' writes never reached the database (rc).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from crewdeck.sync.server.pgstore import PgStore
from crewdeck.sync.state.store import Store
from crewdeck.tui.web import mirror as mirror_module
from crewdeck.tui.web.mirror import Mirror, open_copy, sync_round

from .syncsupport import Postgres, crewdeck, wait_until
from .websupport import publish_posts_team


@pytest.fixture
def published(postgres: Postgres, tmp_path: Path) -> str:
    """The posts team published as workspace posts, @ana mapped to the tests' Unix user: the database's URL."""
    url = postgres.database()
    publish_posts_team(tmp_path, url)
    return url


class _QuickToGiveUp(Store):
    """A store whose write waits half a second for the lock, not 30: a session holding it as long as the default would."""

    #: How many were opened: the copy is opened again for each round after one that failed.
    opened = 0

    def __init__(self, path: Path, **kw: Any) -> None:
        super().__init__(path, busy_timeout=0.5, **kw)
        type(self).opened += 1


def _copies(url: str, tmp_path: Path) -> tuple[Path, Path]:
    """The web's copy and another, through which a member writes to the database."""
    copy, other = tmp_path / "copy.db", tmp_path / "other.db"
    with closing(PgStore.open(url)) as pg, open_copy(copy, "posts") as store, open_copy(other, "posts") as second:
        sync_round(store, pg, "posts")
        sync_round(second, pg, "posts")
    return copy, other


def _added_elsewhere(url: str, other: Path, title: str) -> None:
    crewdeck("-w", str(other), "add", title)
    with closing(PgStore.open(url)) as pg, Store(other) as second:
        sync_round(second, pg, "posts")


def _titles(path: Path) -> set[str]:
    with Store(path) as store:
        return {str(row[0]) for row in store.conn.execute("SELECT title FROM task")}


def _locked(path: Path) -> sqlite3.Connection:
    """The copy's write lock held, as a session's long write holds it."""
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    return locker


def test_a_copy_locked_past_its_busy_timeout_is_said_once_and_brought_up_to_date_once_free(
    published: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy, other = _copies(published, tmp_path)
    monkeypatch.setattr(mirror_module, "Store", _QuickToGiveUp)
    monkeypatch.setattr(mirror_module, "MOST_BACKOFF", 0.5)
    mirror = Mirror(copy, published, "posts")
    said: list[str] = []

    def heard() -> list[str]:
        said.extend(capsys.readouterr().err.splitlines())
        return said

    locker = _locked(copy)
    mirror.start()
    try:
        _added_elsewhere(published, other, "First while the copy is busy")
        wait_until(lambda: any("stayed locked" in line for line in heard()), "the busy copy said")
        tried = _QuickToGiveUp.opened
        wait_until(lambda: _QuickToGiveUp.opened >= tried + 2, "two more rounds tried while busy")
        locker.execute("ROLLBACK")
        locker.close()
        _added_elsewhere(published, other, "Second once the copy is free")
        wait_until(lambda: {"First while the copy is busy", "Second once the copy is free"} <= _titles(copy), "both tasks in the copy")
        crewdeck("-w", str(copy), "add", "Written in the copy")
        wait_until(lambda: "Written in the copy" in _titles_synced(published, other), "the copy's write in the database")
    finally:
        mirror.stop()
    lines = heard()
    assert len(lines) == 1, lines
    [line] = lines
    assert line.startswith("crewdeck web: the copy cannot sync with PostgreSQL now: the workspace stayed locked"), line
    assert line.endswith("; retrying") and "Traceback" not in line
    assert not mirror.no_longer_served.is_set() and not mirror.failed


def _titles_synced(url: str, other: Path) -> set[str]:
    with closing(PgStore.open(url)) as pg, Store(other) as second:
        sync_round(second, pg, "posts")
    return _titles(other)


def test_a_copy_not_brought_up_to_date_within_the_bound_stops_being_served_with_the_line(
    published: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy, other = _copies(published, tmp_path)
    monkeypatch.setattr(mirror_module, "Store", _QuickToGiveUp)
    monkeypatch.setattr(mirror_module, "MOST_BACKOFF", 0.5)
    monkeypatch.setattr(mirror_module, "STALE_AFTER", 1.0)
    mirror = Mirror(copy, published, "posts")
    locker = _locked(copy)
    try:
        mirror.start()
        _added_elsewhere(published, other, "Never in the copy")
        wait_until(mirror.no_longer_served.is_set, "the copy no longer served")
        wait_until(lambda: not mirror._thread.is_alive(), "the copy's thread to end")
    finally:
        mirror.stop()
        locker.execute("ROLLBACK")
        locker.close()
    assert mirror.failed.startswith("the copy of workspace posts was not brought up to date from PostgreSQL for over 1 second "), (
        mirror.failed
    )
    assert "stayed locked" in mirror.failed and "it is no longer served" in mirror.failed
    assert "\n" not in mirror.failed
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("cannot sync with PostgreSQL now") == 1, err
