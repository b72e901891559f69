"""An app run leaves nothing open in its process once its session is closed: no workspace connection, no thread.

``launch`` closes the app's session once it exits (a terminal's, a web or SSH session's process); the tests close
every session they open (conftest's ``sessions_closed``), where each left about 7 descriptors open in its worker.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.session.session import Session
from crewdeck.tui.workspace.config import Config

from .apphelp import demo_workspace, make_app, settle, until
from .conftest import close_sessions
from .syncsupport import Server, crewdeck, make_team, new_token


def open_files() -> list[str]:
    """What this process has open (/proc/self/fd), by what each descriptor names."""
    named = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            named.append(os.readlink(f"/proc/self/fd/{fd}"))
        except FileNotFoundError:  # the directory's own descriptor, gone once listed
            continue
    return sorted(named)


def app_threads() -> set[str]:
    """The threads running, but the event loop's pool of workers (``asyncio_0``…), which the loop shuts down with it."""
    return {t.name for t in threading.enumerate() if not t.name.startswith("asyncio_")}


async def test_an_app_run_as_launch_runs_it_leaves_no_file_or_thread_open_once_its_session_is_closed(tmp_path: Path) -> None:
    workspace = demo_workspace(tmp_path / "demo.db")
    before, threads = open_files(), app_threads()
    session = Session.open(workspace, "ana")
    app = CrewdeckApp(session, Config())  # watching the file, as launch's app does
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2", "c", "3")  # the grid, the calendar and the budget read too
        await settle(pilot)
        assert any(name.endswith("demo.db") for name in open_files())
    session.close()  # waits for the app's watcher, told to stop as the app exited, to close the file
    assert open_files() == before
    assert app_threads() == threads


async def test_the_sessions_a_test_opens_are_closed_after_it(tmp_path: Path, sessions_closed: list[Session]) -> None:
    # make_app's sessions were never closed: each test left its workspace's connections open in the pytest worker.
    workspace = demo_workspace(tmp_path / "demo.db")
    before = open_files()
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert sessions_closed == [app.session]
    close_sessions(sessions_closed)  # what the fixture does once the test is over
    assert sessions_closed == [] and open_files() == before


async def test_an_app_on_a_replica_leaves_no_file_or_thread_of_its_sync_open_once_its_session_is_closed(tmp_path: Path) -> None:
    # The sync engine's loop ran on in its thread after the app exited, the replica's store and its watcher still open.
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        replica = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", new_token("ana", "--workspace", str(team)), str(replica))
        before, threads = open_files(), app_threads()
        session = Session.open(replica, "ana")
        app = CrewdeckApp(session, Config())
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: app.sync_status is not None and app.sync_status.state == "live", "the live state")
            assert any(name.endswith("ana.db") for name in open_files())
        session.close()
        assert open_files() == before
        assert app_threads() == threads
    finally:
        server.stop()
