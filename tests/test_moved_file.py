"""A workspace file deleted or replaced while it is open: noticed, said, and never written into."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.sharedfile import OpenedFile
from crewdeck.sync.state.store import Store, WorkspaceError
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.widgets.workspace_header import WorkspaceHeader

from .apphelp import demo_workspace, make_app, settle, until

SIZE = (160, 48)
ANA = new_id()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wal(path: Path) -> Path:
    return Path(f"{path}-wal")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


@pytest.fixture
def backup(workspace: Path, tmp_path: Path) -> Path:
    """A copy of the workspace taken while nothing had it open, as a backup is."""
    copy = tmp_path / "demo-backup.db"
    shutil.copyfile(workspace, copy)
    return copy


def header(app: CrewdeckApp) -> WorkspaceHeader:
    return app.query_one(WorkspaceHeader)


def shown(app: CrewdeckApp) -> str:
    return str(header(app).render())


async def test_the_app_says_its_deleted_file_is_gone_and_writes_nothing_into_it(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "live · shared file" in shown(app)
        ops_before = app.session.access.read(lambda ws: ws.store.op_count())
        os.remove(workspace)  # rm demo.db, the app still open
        await until(pilot, lambda: "workspace file was deleted" in shown(app), "the banner")
        assert "live · shared file" not in shown(app) and "reopen" in shown(app)
        assert header(app).has_class("-problem")
        assert header(app).render().cell_len <= 78  # all of it on an 80-column terminal
        log_before = digest(wal(workspace))  # SQLite's log beside the path is still the old file's
        await pilot.press("v", "a")
        await settle(pilot)
        await pilot.press("d")  # done: a write
        await settle(pilot)
        assert any("was deleted while it was open" in str(n.message) and n.severity == "error" for n in app._notifications)
        assert not any(n.title == "unexpected error" for n in app._notifications)
        assert app.session.access.read(lambda ws: ws.store.op_count()) == ops_before
        assert digest(wal(workspace)) == log_before
        assert "workspace file was deleted" in shown(app)


async def test_the_app_says_its_file_was_replaced_and_leaves_the_new_one_alone(workspace: Path, backup: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ops_before = app.session.access.read(lambda ws: ws.store.op_count())
        expected = digest(backup)
        os.replace(backup, workspace)  # mv demo-backup.db demo.db
        await until(pilot, lambda: "workspace file was replaced" in shown(app), "the banner")
        assert header(app).render().cell_len <= 78
        log_before = digest(wal(workspace))
        await pilot.press("v", "a")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("a", *"Film teaser", "enter")  # quick add: another write
        await settle(pilot)
        refusals = [n for n in app._notifications if "was replaced while it was open" in str(n.message)]
        assert len(refusals) == 1  # the quick-add's is said under what was typed, which stays
        assert "was replaced while it was open" in str(app.screen.query_one("#prompt-refused").render())
        assert app.session.access.read(lambda ws: ws.store.op_count()) == ops_before
        assert digest(wal(workspace)) == log_before
    assert digest(workspace) == expected  # the backup put in place is as it was


async def test_a_file_replaced_while_the_app_starts_is_noticed_at_once(workspace: Path, backup: Path) -> None:
    app = make_app(workspace)  # the session has the file open; the watcher is not started yet
    os.replace(backup, workspace)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "workspace file was replaced" in shown(app), "the banner")


def test_a_store_refuses_every_write_once_its_file_is_deleted(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    store = Store.create(path)
    with store.write(ANA) as w:
        w.create("task", {"title": "Before"})
    os.remove(path)
    for _ in range(2):
        with pytest.raises(WorkspaceError, match=r"team\.db was deleted while it was open: nothing more is written"), store.write(ANA) as w:
            w.create("task", {"title": "Lost"})
    assert store.op_count() == 1
    assert not store.conn.in_transaction
    store.close()


def test_a_long_write_does_not_commit_into_a_file_replaced_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    Store.create(path).close()
    backup = tmp_path / "backup.db"
    shutil.copyfile(path, backup)
    expected = digest(backup)
    store = Store(path)

    def replace_midway(done: int, total: int) -> None:
        if not backup.exists():
            return
        os.replace(backup, path)  # a backup restored while the import runs

    with pytest.raises(WorkspaceError, match="was replaced while it was open"), store.write(ANA, replace_midway) as w:
        for i in range(3):
            w.create("task", {"title": f"Imported {i}"})
    assert store.op_count() == 0  # nothing committed into the old file either
    store.close()
    assert digest(path) == expected
    with Store(path) as restored:
        assert restored.op_count() == 0


def test_opened_file_tells_deleted_from_replaced(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    path.write_bytes(b"x")
    opened = OpenedFile.at(path)
    assert opened.change() is None and opened.problem() is None
    other = tmp_path / "other"
    other.write_bytes(b"x")
    os.replace(other, path)
    assert opened.change() == "replaced"
    path.unlink()
    assert opened.change() == "deleted"
    problem = opened.problem()
    assert problem is not None and str(path) in problem and "reopen" in problem
