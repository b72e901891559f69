"""A change waiting for the workspace file while another process writes it is said on the screen, and goes once it no
longer waits: the header's sync state and a notice, where the screen showed nothing for up to 30 s.

The other process is a real one, holding ``BEGIN IMMEDIATE`` on the file (``another_process_writing``).
"""

from __future__ import annotations

from pathlib import Path

from crewdeck.sync.state.writes import Writer
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.screens.help import HelpScreen
from crewdeck.tui.app.workers import in_background
from crewdeck.tui.app.write_wait import HEADER_LINE, TITLE, waiting_line
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.workspace_header import WorkspaceHeader

from .apphelp import demo_workspace, make_app, settle
from .conftest import ROOT
from .test_session_interrupt import WaitingAdd, another_process_writing, notices, until

WAITING = waiting_line(1)


def write_nothing(workspace: Workspace, writer: Writer) -> None:
    """A write that changes nothing: asked for, it waits for the file as any does."""


def header_of(app: CrewdeckApp) -> WorkspaceHeader:
    return app.main_screen.query_one(WorkspaceHeader)


def waiting_said(app: CrewdeckApp) -> bool:
    """The notice is up and the header says it, as drawn."""
    return WAITING in notices(app) and f"● {HEADER_LINE}" in str(header_of(app).render())


def nothing_said(app: CrewdeckApp) -> bool:
    return WAITING not in notices(app) and HEADER_LINE not in str(header_of(app).render())


async def test_a_key_s_change_waiting_for_the_file_is_said_and_goes_once_it_is_written(tmp_path: Path) -> None:
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    add = WaitingAdd(app)
    with another_process_writing(add.store.path) as let_go:
        async with app.run_test(size=(120, 30)) as pilot:
            synced = str(header_of(app).render())
            assert "● live · shared file" in synced
            await add.start(pilot)
            await until(pilot, lambda: waiting_said(app))
            assert [n.title for n in app._notifications if str(n.message) == WAITING] == [TITLE]
            assert not add.ended.is_set()  # said while it waits
            let_go()
            await until(pilot, add.ended.is_set)
            await until(pilot, lambda: nothing_said(app))
            await settle(pilot)
            assert str(header_of(app).render()) == synced  # the sync state again
            assert add.added() == 1


async def test_the_header_under_a_dialog_says_the_wait_too(tmp_path: Path) -> None:
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    add = WaitingAdd(app)
    with another_process_writing(add.store.path) as let_go:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await add.start(pilot)
            await until(pilot, lambda: waiting_said(app))
            let_go()
            await until(pilot, add.ended.is_set)
            await until(pilot, lambda: nothing_said(app))
            await settle(pilot)


async def test_a_wait_that_ends_refused_goes_and_the_refusal_says_why(tmp_path: Path) -> None:
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    add = WaitingAdd(app)
    # Short enough for a test to wait out, long enough for the wait to be said first (it is looked for twice a second).
    add.store.busy_timeout = 3.0
    with another_process_writing(add.store.path):
        async with app.run_test(size=(120, 30)) as pilot:
            await add.start(pilot)
            await until(pilot, lambda: waiting_said(app))
            await until(pilot, add.ended.is_set)
            await until(pilot, lambda: nothing_said(app))
            await settle(pilot)
            assert any("the workspace stayed locked by another writer for 3 s" in n for n in notices(app)), notices(app)
            assert add.added() == 0


def test_the_readme_says_the_words_the_app_says() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"`● {HEADER_LINE}`" in readme
    assert f"`{TITLE}`" in readme
    assert f"`{WAITING}`" in readme


async def test_a_second_change_waiting_behind_the_first_is_counted_in_the_notice(tmp_path: Path) -> None:
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    add = WaitingAdd(app)
    with another_process_writing(add.store.path) as let_go:
        async with app.run_test(size=(120, 30)) as pilot:
            await add.start(pilot)
            await until(pilot, lambda: waiting_said(app))
            # A second write asked for, waiting for the first to be written (a change's read before it waits for the
            # first too, uncounted: the write itself is counted once asked for).
            in_background(app, lambda: app.session.access.write(write_nothing), name="second", group="write")
            await until(pilot, lambda: waiting_line(2) in notices(app))
            assert WAITING not in notices(app)  # the one notice, counting both
            let_go()
            await until(pilot, add.ended.is_set)
            await settle(pilot)
            await until(pilot, lambda: waiting_line(2) not in notices(app) and nothing_said(app))
            assert add.added() == 1


def test_the_wait_names_the_writer_another_writer_as_it_may_be_this_app_s_own_sync() -> None:
    assert HEADER_LINE == "waiting for the file (another writer)"
    for line in (waiting_line(1), waiting_line(3)):
        assert line.startswith("another writer has the file (an import, a backup, a sync): ") and "process" not in line


async def test_marks_made_while_a_key_s_change_waits_for_the_file_stay_once_it_is_written(tmp_path: Path) -> None:
    """`d`, then `j` and `x` while its change waited for the file: the change, once written, cleared every mark, the
    one made after it too, and the next `A` assigned the task under the cursor alone."""
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    store = WaitingAdd(app).store
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        done, marked = (row.key for _, row in pane.table.loaded_rows()[:2])
        with another_process_writing(store.path) as let_go:
            await pilot.press("d")
            await until(pilot, lambda: app.session.waiting_write() is not None)
            await pilot.press("j", "x")
            assert pane.marked == {marked}
            let_go()
            await until(pilot, lambda: app.session.waiting_write() is None)
            await settle(pilot)
        assert (store.record("task", done) or {}).get("status") == "done"
        assert pane.marked == {marked}
        assert "1 marked" in pane.query_one(PaneBar).info


async def test_a_mark_made_while_a_key_s_change_waits_on_the_task_it_acts_on_stays_once_it_is_written(tmp_path: Path) -> None:
    """`d`, then `x` on the same task while its change waited for the file: the change, once written, dropped the mark
    made after it, as it drops those it acted on."""
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    store = WaitingAdd(app).store
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        done = pane.table.cursor_key
        with another_process_writing(store.path) as let_go:
            await pilot.press("d")
            await until(pilot, lambda: app.session.waiting_write() is not None)
            await pilot.press("x")
            assert pane.marked == {done}
            let_go()
            await until(pilot, lambda: app.session.waiting_write() is None)
            await settle(pilot)
        assert (store.record("task", done) or {}).get("status") == "done"
        assert pane.marked == {done}
