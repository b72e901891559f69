"""One watcher of a workspace file per process, shared by the app, the sync engine and the server."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crewdeck.sync.state.dirwait import DirectoryWait
from crewdeck.sync.state.filewatch import subscribe
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.stop import Stop
from crewdeck.sync.state.store import WINDOW_CACHE_KIB, Store
from crewdeck.sync.state.watcher import ChangeWatcher
from crewdeck.widgets.workspace_header import WorkspaceHeader

from .apphelp import make_app, settle, until
from .syncsupport import crewdeck, served_replica, wait_until

ANA = new_id()


def watcher_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("crewdeck watch ")]


def served_priority(team: Path, title: str) -> str | None:
    with Store(team) as served:
        return next((v.get("priority") for _, v in served.records("task") if v["title"] == title), None)


@pytest.fixture
def version_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, int, int]]]:
    """Every ``PRAGMA data_version`` this process runs from now on: ``(database, connection, thread)``.

    Real connections, traced: whoever polls the file is counted, whatever
    code path opened the connection.
    """
    reads: list[tuple[str, int, int]] = []
    real_connect = sqlite3.connect

    def traced_connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real_connect(database, *args, **kwargs)
        name, key = str(database), id(conn)

        def trace(statement: str) -> None:
            if "data_version" in statement:
                reads.append((name, key, threading.get_ident()))

        conn.set_trace_callback(trace)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced_connect)
    yield reads


async def test_the_app_and_its_sync_engine_on_one_replica_share_one_watcher(
    tmp_path: Path, version_reads: list[tuple[str, int, int]]
) -> None:
    with served_replica(tmp_path) as (team, replica):
        app = make_app(replica, "ana")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: app.query_one(WorkspaceHeader).sync_text.startswith("live · synced"), "the live state")
            # Raj writes the served file: the engine pulls it into the replica,
            # and the app's watcher reports the pull to the tasks pane.
            crewdeck("-w", str(team), "--as", "raj", "add", "Cut the teaser @ana")
            await until(
                pilot,
                lambda: any("Cut the teaser" in row.cells for _, row in app.tasks_pane.table.loaded_rows()),
                "raj's task, pulled by the engine and reported by the watcher",
            )
            # Ana's own edit: the engine hears of it through the same watcher and pushes it.
            await pilot.press("p", "h")
            await until(pilot, lambda: served_priority(team, "Cut the teaser") == "high", "ana's edit pushed to the server")
            on_replica = [read for read in version_reads if str(replica.resolve()) in read[0]]
            assert len(on_replica) >= 3  # it looked (as the pull and the push committed)
            assert len({thread for _, _, thread in on_replica}) == 1
            assert len({conn for _, conn, _ in on_replica}) == 1
            assert len(watcher_threads()) == 1
    wait_until(lambda: not watcher_threads(), "the watcher's thread to end with its last subscriber")


def test_every_subscriber_hears_a_commit_from_one_poller(tmp_path: Path, version_reads: list[tuple[str, int, int]]) -> None:
    path = tmp_path / "team.db"
    store = Store.create(path)
    heads: dict[str, list[int]] = {"engine": [], "server": []}
    engine = subscribe(path, heads["engine"].append, interval=0.01)
    server = subscribe(tmp_path / "." / "team.db", heads["server"].append)  # another spelling of the same file
    try:
        assert len(watcher_threads()) == 1
        with store.write(ANA) as w:
            w.create("task", {"title": "Brief the designer"})
        head = store.max_seq()
        wait_until(lambda: head in heads["engine"] and head in heads["server"], "the head at both subscribers")
        assert len({thread for _, _, thread in version_reads}) == 1
    finally:
        engine.close()
        server.close()
        store.close()
    assert not watcher_threads()  # the last subscription's close returns once the thread has closed the file
    heard = len(heads["engine"])
    with Store(path) as again, again.write(ANA) as w:
        w.create("task", {"title": "After the last one left"})
    assert len(heads["engine"]) == heard  # nothing is called after close()


def test_a_file_replaced_under_its_path_gets_a_watcher_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    Store.create(path).close()
    backup = tmp_path / "backup.db"
    shutil.copyfile(path, backup)
    moves: list[str] = []
    old = subscribe(path, lambda head: None, on_moved=moves.append)
    os.replace(backup, path)
    wait_until(lambda: moves == ["replaced"], "the move, said once")
    heads: list[int] = []
    new = subscribe(path, heads.append)
    try:
        assert new.watcher is not old.watcher
        with Store(path) as store:
            with store.write(ANA) as w:
                w.create("task", {"title": "Into the restored file"})
            head = store.max_seq()
        wait_until(lambda: head in heads, "the commit to the file the path names now")
        assert moves == ["replaced"]
    finally:
        old.close()
        new.close()


def test_a_change_watcher_reports_what_was_stored_before_it_ran_and_what_comes_after(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    store = Store.create(path)
    with store.write(ANA) as w:
        first = w.create("task", {"title": "Before the watcher"})
    watcher = ChangeWatcher(path, after_seq=0)
    seen: list[str] = []
    stop = Stop()
    thread = threading.Thread(target=watcher.run, args=(lambda batch: seen.extend(op.op_id for _, op in batch), stop))
    thread.start()
    try:
        wait_until(lambda: len(seen) == store.op_count(), "the operations stored before it ran")
        with store.write(ANA) as w:
            w.set("task", first, {"title": "After it ran"})
        wait_until(lambda: len(seen) == store.op_count(), "the next commit")
    finally:
        stop.set()
        thread.join()
    assert seen == [op.op_id for _, op in store.ops_after(0)]  # each once, in seq order
    store.close()


async def test_a_replicas_app_reads_with_sqlites_own_page_cache_on_every_connection_it_keeps_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sync engine, the file's watchers and the ranked task list opened with the 64 MB cache meant for big writes:
    # scoring every task each minute filled the ranked list's (an idle app at 100,000 tasks went from 55 to 110 MB).
    with served_replica(tmp_path) as (_, replica):
        caches: dict[sqlite3.Connection, str] = {}
        real_connect = sqlite3.connect

        def traced_connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
            conn = real_connect(database, *args, **kwargs)

            def trace(statement: str) -> None:
                if statement.startswith("PRAGMA cache_size ="):
                    caches[conn] = statement

            if str(replica.resolve()) in str(database):
                conn.set_trace_callback(trace)
            return conn

        monkeypatch.setattr(sqlite3, "connect", traced_connect)
        app = make_app(replica, "ana")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: app.query_one(WorkspaceHeader).sync_text.startswith("live · synced"), "the live state")
            app.session.ranked.rescore(dt.datetime.now(dt.UTC))
            kept = [statement for conn, statement in caches.items() if _is_open(conn)]
            assert len(kept) >= 5  # the session's, the ranked list's, the two watchers', the engine's
            assert set(kept) == {f"PRAGMA cache_size = -{WINDOW_CACHE_KIB}"}


def _is_open(conn: sqlite3.Connection) -> bool:
    try:
        conn.total_changes  # noqa: B018 (raises once the connection is closed)
    except sqlite3.ProgrammingError:
        return False
    return True


def test_a_wait_on_the_files_directory_ends_for_its_commits_and_not_its_neighbours_writes(tmp_path: Path) -> None:
    # The file's watcher looked every 10 ms, idle or not (~1.3% of a core); it sleeps until the directory says the file
    # was written, and a directory busy with other files must not wake it at their every write.
    path = tmp_path / "team.db"
    store = Store.create(path)
    waiting = DirectoryWait.open(path)
    assert waiting is not None
    try:
        assert not waiting.wait(0)
        (tmp_path / "notes.txt").write_text("another file's write")
        (tmp_path / "team.db.bak").write_text("and one named like it")
        assert not waiting.wait(0)
        with store.write(ANA) as w:  # another connection's commit: its -wal written
            w.create("task", {"title": "Heard"})
        assert waiting.wait(0)
        assert not waiting.wait(0)
        waiting.wake()
        assert waiting.wait(0)
        os.replace(tmp_path / "team.db.bak", path)  # another file moved over it
        assert waiting.wait(0)
    finally:
        waiting.close()
        store.close()


class _HeardOnce:
    """A directory wait that hears the file once, then nothing (until woken to stop): what a writer that syncs between
    its ``-wal`` and its ``-shm`` gives, its commit shown after the look the ``-wal`` woke."""

    def __init__(self) -> None:
        self.heard = False
        self.woken = threading.Event()

    def wait(self, timeout: float) -> bool:
        if not self.heard:
            self.heard = True
            return True
        return self.woken.wait(timeout)

    def wake(self) -> None:
        self.woken.set()

    def close(self) -> None:
        pass


def test_a_commit_seen_only_after_the_look_its_wal_woke_is_heard_without_waiting_for_the_idle_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The look after a write to the -wal saw no commit yet (the sqlite3 shell syncs before its -shm shows it), and the
    # watcher slept until the next idle look, 2 s on: a teammate's change showed that late.
    from crewdeck.sync.state import filewatch

    path = tmp_path / "team.db"
    store = Store.create(path)
    heard = _HeardOnce()
    monkeypatch.setattr(filewatch.DirectoryWait, "open", staticmethod(lambda _: heard))
    monkeypatch.setattr(filewatch, "IDLE_LOOK", 3600.0)
    real_look = filewatch.FileWatcher._look
    committed: list[int] = []

    def look(watcher: filewatch.FileWatcher) -> bool:
        changed = real_look(watcher)
        if heard.heard and not committed:  # the first look after the -wal was heard saw nothing: the commit shows now
            with store.write(ANA) as w:
                w.create("task", {"title": "Shown after its -wal"})
            committed.append(store.max_seq())
        return changed

    monkeypatch.setattr(filewatch.FileWatcher, "_look", look)
    heads: list[int] = []
    subscription = subscribe(path, heads.append, interval=0.01)
    try:
        wait_until(lambda: bool(committed) and committed[0] in heads, "the commit, at one of the looks after the wake")
    finally:
        subscription.close()
        store.close()
