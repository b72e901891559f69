"""Quitting ends at once a worker waiting behind another process's write on a shared file, and nothing is half-written.

SQLite's busy handler sleeps up to the 30 s busy timeout inside the statement, and ``Connection.interrupt`` does not end
that sleep: the app's screen went at once, but its process waited for the worker's thread before the shell prompt came
back.  The other process here is a real one, holding ``BEGIN IMMEDIATE`` on the file.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crewdeck.sync.state.lockwait import Interrupted, was_interrupted
from crewdeck.tui.app.workers import in_background
from crewdeck.tui.session.session import Session

from .apphelp import demo_workspace, make_app, settle, store_of

#: A hang guard far above the expected (the wait ends within one slice of the interrupt); never a timing assertion.
HANG_GUARD = 20.0
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)

_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@contextmanager
def another_process_writing(path: Path) -> Iterator[None]:
    """Another process holding the file's write lock (``BEGIN IMMEDIATE``) for the block."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline() == "holding\n"
        yield
    finally:
        holder.stdin.close()
        holder.wait(HANG_GUARD)


def on_statement(conn: sqlite3.Connection, starts: str, then: Callable[[], object]) -> None:
    """``then()`` as the first statement starting with ``starts`` begins on ``conn`` (SQLite's trace, in its thread)."""
    done = threading.Event()

    def traced(sql: str) -> None:
        if sql.lstrip().upper().startswith(starts) and not done.is_set():
            done.set()
            then()

    conn.set_trace_callback(traced)


def task_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM task").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    opened = Session.open(demo_workspace(tmp_path / "demo.db"), "ana")
    yield opened
    opened.close()


def test_an_interrupt_ends_a_write_waiting_behind_another_process_at_once_with_nothing_written(session: Session) -> None:
    store = store_of(session)
    before = task_count(store.path)
    waiting = threading.Event()
    on_statement(store.conn, "BEGIN IMMEDIATE", waiting.set)
    errors: list[BaseException] = []

    def add() -> None:
        try:
            session.edits.quick_add("Film the teaser", NOW)
        except Exception as exc:
            errors.append(exc)

    with another_process_writing(store.path):
        worker = threading.Thread(target=add)
        worker.start()
        assert waiting.wait(HANG_GUARD)
        session.interrupt()
        worker.join(HANG_GUARD)
        assert not worker.is_alive()  # it waited out the busy timeout (30 s)
        assert [type(e) for e in errors] == [Interrupted]
        assert not store.conn.in_transaction
        # Every later wait ends at once too: the session is closing.
        later = threading.Thread(target=add)
        later.start()
        later.join(HANG_GUARD)
        assert not later.is_alive()
        assert [type(e) for e in errors] == [Interrupted, Interrupted]
    assert task_count(store.path) == before


def test_a_write_interrupted_under_way_is_rolled_back_whole(session: Session) -> None:
    store = store_of(session)
    before = task_count(store.path)
    # The interrupt comes as the write's first row goes in, its transaction begun.
    on_statement(store.conn, "INSERT", session.interrupt)
    with pytest.raises(Exception) as raised:
        session.edits.quick_add("Film the teaser", NOW)
    assert was_interrupted(raised.value), raised.value
    assert not store.conn.in_transaction
    assert task_count(store.path) == before


async def test_quitting_ends_a_worker_waiting_behind_another_process_and_says_nothing_of_it(tmp_path: Path) -> None:
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    store = store_of(app.session)
    waiting, ended = threading.Event(), threading.Event()
    told: list[str] = []

    def add() -> None:
        try:
            app.session.edits.quick_add("Film the teaser", NOW)
        finally:
            ended.set()

    with another_process_writing(store.path):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            on_statement(store.conn, "BEGIN IMMEDIATE", waiting.set)
            in_background(app, add, name="add")
            for _ in range(1000):  # not ``settle``: it waits for the worker, which waits for the lock
                if waiting.is_set():
                    break
                await pilot.pause(0.02)
            assert waiting.is_set()
            told = [str(n.message) for n in app._notifications]
            await pilot.press("ctrl+q")
        # Ended by the quit, not by the other process letting go (a hang guard: the busy timeout is 30 s).
        assert ended.wait(HANG_GUARD)
    assert [str(n.message) for n in app._notifications] == told
