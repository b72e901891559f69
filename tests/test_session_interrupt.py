"""Quitting ends at once a worker waiting behind another process's write on a shared file, and nothing is half-written.

SQLite's busy handler sleeps up to the 30 s busy timeout inside the statement, and ``Connection.interrupt`` does not end
that sleep: the app's screen went at once, but its process waited for the worker's thread before the shell prompt came
back.  The other process here is a real one, holding ``BEGIN IMMEDIATE`` on the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.widgets import Label
from websockets.sync.client import connect

from crewdeck.sync.state.lockwait import Interrupted, was_interrupted
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.screens.discard import DiscardScreen
from crewdeck.tui.app.workers import in_background
from crewdeck.tui.app.write_wait import TITLE
from crewdeck.tui.session.session import Session
from crewdeck.tui.tasks.index import Filter
from crewdeck.tui.web.bridge import QUIT_GRACE
from crewdeck.tui.web.server import COOKIE
from crewdeck.widgets.key_footer import footer_keys

from .apphelp import demo_workspace, make_app, settle, store_of
from .conftest import ROOT
from .sshsupport import TMUX, Tmux
from .syncsupport import create_token, crewdeck, wait_until
from .websupport import WebProcess, make_guest_team

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
def another_process_writing(path: Path) -> Iterator[Callable[[], None]]:
    """Another process holding the file's write lock (``BEGIN IMMEDIATE``) for the block, or until the function the
    block is given is called (it lets go of the lock)."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdin is not None and holder.stdout is not None
    stdin = holder.stdin

    def let_go() -> None:
        if not stdin.closed:
            stdin.close()
            holder.wait(HANG_GUARD)

    try:
        assert holder.stdout.readline() == "holding\n"
        yield let_go
    finally:
        let_go()


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


class WaitingAdd:
    """A task added in the background of ``app`` (as a key's write is) while another process holds the file."""

    def __init__(self, app: CrewdeckApp) -> None:
        self.app = app
        self.store = store_of(app.session)
        self.before = task_count(self.store.path)
        self.waiting, self.ended = threading.Event(), threading.Event()

    async def start(self, pilot: Pilot[object]) -> None:
        """Started, and waiting behind the other process's lock."""
        await settle(pilot)
        self.store.conn.set_trace_callback(self._traced)
        in_background(self.app, self._add, name="add", group="write")
        await until(pilot, self.waiting.is_set)

    def _traced(self, sql: str) -> None:
        # A try at the lock past the first: the wait behind the other process is under way.
        if sql.lstrip().upper().startswith("BEGIN IMMEDIATE") and self.app.session.waiting_write() is not None:
            self.waiting.set()

    def _add(self) -> None:
        try:
            self.app.session.edits.quick_add("Film the teaser", NOW)
        finally:
            self.ended.set()

    def added(self) -> int:
        return task_count(self.store.path) - self.before


async def until(pilot: Pilot[object], done: Callable[[], bool]) -> None:
    """Until ``done()``, the app running meanwhile (not ``settle``: it waits for the worker, which waits for the lock)."""
    for _ in range(1000):
        if done():
            return
        await pilot.pause(0.02)
    raise AssertionError("never came")


def notices(app: CrewdeckApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def notices_but_the_wait(app: CrewdeckApp) -> list[str]:
    """The notices but the one saying the change waits, which comes and goes with the wait (``write_wait``)."""
    return [str(n.message) for n in app._notifications if n.title != TITLE]


WAITS = "not quitting: your change waits for the shared file (another writer has it)"


async def test_quitting_while_a_key_s_change_waits_behind_another_process_says_so_and_quits_once_it_is_written(tmp_path: Path) -> None:
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    add = WaitingAdd(app)
    with another_process_writing(add.store.path) as let_go:
        async with app.run_test(size=(100, 30)) as pilot:
            await add.start(pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert WAITS in notices(app)
            assert app.return_code is None  # still running, the change still waiting
            assert not add.ended.is_set()
            let_go()
            await until(pilot, add.ended.is_set)
            await settle(pilot)
            assert add.added() == 1
            await pilot.press("q")
            await until(pilot, lambda: app.return_code is not None)  # as usual, asked nothing
            assert not any(isinstance(s, DiscardScreen) for s in app.screen_stack)


async def test_a_second_quit_while_the_change_still_waits_asks_and_y_quits_losing_it(tmp_path: Path) -> None:
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    add = WaitingAdd(app)
    with another_process_writing(add.store.path):
        async with app.run_test(size=(100, 30)) as pilot:
            await add.start(pilot)
            await pilot.press("ctrl+q", "ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, DiscardScreen)
            assert app.screen.what == "your change waiting for the shared file"
            # Nothing is being edited: n stays, and the change is written once the file is free.
            said = [str(label.render()) for label in app.screen.query(Label)]
            assert said[1] == "y discards it · n or esc stays: it is written once the file is free", said
            assert [key.description for key in footer_keys(app.screen)[0]] == ["Discard", "Stay"]
            await pilot.press("n")  # stays, the change still waiting
            await pilot.pause()
            assert not isinstance(app.screen, DiscardScreen) and app.return_code is None
            told = notices_but_the_wait(app)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, DiscardScreen)  # the same wait: asked again, not told again
            await pilot.press("y")
            await until(pilot, lambda: app.return_code is not None)
        # Ended by the quit, not by the other process letting go (a hang guard: the busy timeout is 30 s).
        assert add.ended.wait(HANG_GUARD)
    assert notices_but_the_wait(app) == told  # nothing said of the change lost: the person chose to lose it
    assert add.added() == 0


async def test_the_question_before_losing_a_waiting_change_is_said_whole_at_80_columns(tmp_path: Path) -> None:
    """Its box is at most 80% of the screen: at 80x24 “… waiting for the shared file and qu” and “… it is written once the
    fil” were cut at its edge, the question never reaching its question mark."""
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    add = WaitingAdd(app)
    with another_process_writing(add.store.path) as let_go:
        async with app.run_test(size=(80, 24)) as pilot:
            await add.start(pilot)
            await pilot.press("ctrl+q", "ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, DiscardScreen)
            region = app.screen.query_one("DiscardScreen > Vertical", Vertical).content_region
            lines = ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]
            shown = " ".join(" ".join(line[region.x : region.right] for line in lines[region.y : region.bottom]).split())
            assert "Discard your change waiting for the shared file and quit? It is not saved." in shown
            assert "y discards it · n or esc stays: it is written once the file is free" in shown
            await pilot.press("n")
            let_go()
            await until(pilot, add.ended.is_set)
            await settle(pilot)


async def test_hung_up_while_a_change_waits_the_app_closes_and_the_change_is_written_once_the_file_is_free(tmp_path: Path) -> None:
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    add = WaitingAdd(app)
    with another_process_writing(add.store.path) as let_go:
        async with app.run_test(size=(100, 30)) as pilot:
            await add.start(pilot)
            # Without a handler the signal ends the process (the test's too), the change with it.
            assert signal.getsignal(signal.SIGHUP) is not signal.SIG_DFL
            os.kill(os.getpid(), signal.SIGHUP)
            await until(pilot, lambda: app.return_code is not None)
        # Closed, the change left to wait (no one was there to ask): its wait was not ended, as a read's is.
        assert not add.store._lock_wait.interrupted.is_set()
        let_go()
        assert add.ended.wait(HANG_GUARD)
    assert add.added() == 1


async def test_quitting_ends_a_long_scoring_of_the_ranked_list(tmp_path: Path) -> None:
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    ranked = app.session.ranked._index.conn
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # The app quits as every task is being scored (its worker's statement under way).
        on_statement(ranked, "INSERT INTO TEMP.TASK_RANK", app.session.interrupt)
        with pytest.raises(sqlite3.Error) as raised:
            app.session.ranked.rescore(NOW)
        assert was_interrupted(raised.value), raised.value
        assert app.session.ranked.count(Filter("1", ())) > 0  # the list as it was, whole


def files_beside(path: Path) -> list[str]:
    """The workspace's files left in its folder: the file alone once its last connection closed, its ``-wal`` folded
    back into it (a ``cp`` of it then holds every change)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


def test_a_closed_session_leaves_the_file_alone_with_every_change_in_it(tmp_path: Path) -> None:
    path = demo_workspace(tmp_path / "demo.db")
    before = task_count(path)
    session = Session.open(path, "ana")
    session.edits.quick_add("Film the teaser", NOW)
    session.close()
    assert files_beside(path) == ["demo.db"]  # the close's own interrupt cut its checkpoint short: -wal, -shm left
    assert task_count(path) == before + 1


def test_a_session_closed_after_interrupts_leaves_the_file_alone(tmp_path: Path) -> None:
    path = demo_workspace(tmp_path / "demo.db")
    session = Session.open(path, "ana")
    session.edits.quick_add("Film the teaser", NOW)
    # A read ended by the interrupt, and one asked for as nothing ran (the app's quit, its workers idle).
    on_statement(store_of(session).conn, "SELECT", lambda: session.interrupt(writes=False))
    with pytest.raises(sqlite3.Error) as raised:
        session.access.read(lambda ws: ws.store.conn.execute("SELECT count(*) FROM task").fetchall())
    assert was_interrupted(raised.value), raised.value
    store_of(session).conn.set_trace_callback(None)
    session.interrupt(writes=False)
    # And an interrupt that came to each connection as its statement ended, left pending there.
    store_of(session).conn.interrupt()
    session.ranked._index.conn.interrupt()
    session.close()
    assert files_beside(path) == ["demo.db"]


async def test_an_app_quit_leaves_the_file_alone(tmp_path: Path) -> None:
    path = demo_workspace(tmp_path / "demo.db")
    app = make_app(path)
    app.session.edits.quick_add("Film the teaser", NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code is not None)
    app.session.close()  # as the launch closes it once the app has run
    assert files_beside(path) == ["demo.db"]


def test_a_web_page_closed_while_a_change_waits_lets_the_app_write_it_once_the_file_is_free(tmp_path: Path) -> None:
    team = make_guest_team(tmp_path)
    crewdeck("-w", str(team), "--as", "raj", "add", "Cut the teaser")
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    web = WebProcess(team).start()
    try:
        cookie = httpx.post(f"{web.url}/signin", data={"token": token}, headers={"accept": "application/json"}).cookies[COOKIE]
        drawn = b""
        with connect(f"ws://127.0.0.1:{web.port}/ws?width=100&height=30", additional_headers={"Cookie": f"{COOKIE}={cookie}"}) as page:

            def draws(text: bytes) -> bool:
                nonlocal drawn
                with contextlib.suppress(TimeoutError):
                    frame = page.recv(timeout=0.1)
                    drawn += frame if isinstance(frame, bytes) else frame.encode()
                return text in re.sub(rb"\x1b\[[0-9;?]*[ -/]*[@-~]", b"", drawn)  # its style codes taken out

            wait_until(lambda: draws(b"Cut the teaser"), "the task listed")
            with another_process_writing(team) as let_go:
                # ``d``, then ``?``: the keys' list drawn says ``d`` was handled, its write started (and waiting).
                page.send(json.dumps(["stdin", "d?"]))
                wait_until(lambda: draws(b"lists every command"), "the keys' list drawn")
                page.close()
                # The other process holds the file past the quit's grace (no synchronisation: what the scenario is).
                time.sleep(QUIT_GRACE + 1)
                assert web.apps, "the app was killed with its change waiting"
                let_go()
                wait_until(lambda: not web.apps, "the app gone once its change was written")
    finally:
        err = web.stop()
    assert "Traceback" not in err, err
    conn = sqlite3.connect(team)
    try:
        assert conn.execute("SELECT status FROM task").fetchall() == [("done",)]
    finally:
        conn.close()


_HUNG_UP_TWICE = """
import asyncio, os, signal, sys
from pathlib import Path
from tests.apphelp import demo_workspace, make_app
from tests.test_session_interrupt import HANG_GUARD, WaitingAdd, another_process_writing, until

async def main() -> None:
    app = make_app(demo_workspace(Path(sys.argv[1]) / "demo.db"))
    add = WaitingAdd(app)
    with another_process_writing(add.store.path) as let_go:
        async with app.run_test(size=(100, 30)) as pilot:
            await add.start(pilot)
            os.kill(os.getpid(), signal.SIGHUP)
            await until(pilot, lambda: app.return_code is not None)
        os.kill(os.getpid(), signal.SIGHUP)  # again, the app closed and its change still waiting
        let_go()
        assert add.ended.wait(HANG_GUARD)
    print("added", add.added())

asyncio.run(main())
"""


def test_a_second_hang_up_while_the_change_waits_does_not_end_the_process(tmp_path: Path) -> None:
    # In a process of its own: the default a second hang-up met ends the process it reaches.
    ran = subprocess.run(
        [sys.executable, "-c", _HUNG_UP_TWICE, str(tmp_path)], capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent
    )
    assert ran.returncode == 0, (ran.returncode, ran.stderr[-2000:])
    assert ran.stdout.splitlines()[-1] == "added 1"


def test_an_app_on_a_live_terminal_sent_a_hang_up_leaves_the_terminal_as_it_found_it(tmp_path: Path) -> None:
    """`kill -HUP` of an app whose terminal is still there (reviewer rf): the app's output sent to /dev/null left the
    terminal in the app's screen, mouse reporting on, echo off.  Only a terminal that hung up loses the app's output."""
    workspace = demo_workspace(tmp_path / "demo.db")
    app = shlex.join([sys.executable, "-m", "crewdeck.tui.cli.main", "-w", str(workspace), "--as", "ana"])
    after = "echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo; exec sleep 600"
    tmux = Tmux(f"sh -c {shlex.quote(f'cd {shlex.quote(str(ROOT))} && {app}; {after}')}", 120, 40)
    try:
        tmux.wait_for(lambda screen: "Tasks" in screen, "the app")
        [pid] = [
            int(p) for p in subprocess.run(["pgrep", "-f", "--", f"^{re.escape(app)}$"], capture_output=True, text=True).stdout.split()
        ]
        os.kill(pid, signal.SIGHUP)
        shown = tmux.wait_for(lambda screen: "EXIT=" in screen and "echo" in screen, "the shell after the app")
        assert "EXIT=0" in shown and "icanon echo" in shown and "-icanon" not in shown and "-echo" not in shown, shown
        flags = [TMUX, *tmux.socket, "display", "-p", "-t", tmux.name, "#{alternate_on} #{mouse_any_flag}"]
        assert subprocess.run(flags, check=True, capture_output=True, text=True).stdout.split() == ["0", "0"]
    finally:
        tmux.kill()
