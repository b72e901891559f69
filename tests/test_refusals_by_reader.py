"""Refused writes are read by their reader: one node may hold many members' (crewdeck web's copy of a workspace in
PostgreSQL), and what the database refused of one member's is theirs to read, its title included."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import pytest

from crewdeck.sync.state.push import RefusedOp
from crewdeck.sync.state.store import Store
from crewdeck.tui.web.copy_keys import META_WORKSPACE
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Workspace

from .postsupport import ids, team_workspace
from .syncsupport import crewdeck_fails


def _refused_task(tmp_path: Path) -> tuple[Path, str]:
    """A file whose one node holds every member's writes, as the copy holds its sessions', and in it @raj's new task
    “Raj's secret launch”, refused by the database and taken out of it: the task's id."""
    path = tmp_path / "copy.db"
    store = team_workspace(path, dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    members = ids(store, "member", "handle")
    with store.write(members["raj"]) as w:
        task = w.create("task", {"title": "Raj's secret launch", "status": "todo", "created_by": members["raj"]})
    made = store.conn.execute("SELECT node, node_seq, op_id, row_id, field FROM ops WHERE row_id = ?", (task,)).fetchall()
    store.drop_refused([RefusedOp(*row, "wrong_member", "raj may not add tasks here") for row in made])
    store.close()
    return path, task


def test_an_id_of_another_members_refused_task_is_answered_as_no_task_without_its_title(tmp_path: Path) -> None:
    path, task = _refused_task(tmp_path)
    theirs = crewdeck_fails("-w", str(path), "--as", "leo", "show", task[:8])
    assert theirs == f"crewdeck: error: no task with id {task[:8]}\n", theirs
    own = crewdeck_fails("-w", str(path), "--as", "raj", "show", task[:8])
    assert "“Raj's secret launch” was refused by the sync server" in own, own


def test_on_crewdeck_webs_copy_an_id_of_ones_refused_task_says_the_database_refused_it_and_why(tmp_path: Path) -> None:
    """On crewdeck web's copy of a workspace in PostgreSQL, a session's id of its own refused task said "refused by the
    sync server and is not in this replica (crewdeck log … says why)": the copy syncs with the database, a browser's
    user has no crewdeck log to run, and the copy is where they are."""
    path, task = _refused_task(tmp_path)
    with Store(path) as store:
        store.set_metas({META_WORKSPACE: "team"})
    workspace = Workspace.open(path)
    try:
        workspace.identify("raj", authenticated=True)
        with pytest.raises(UserError) as said:
            workspace.resolve("task", task[:8])
    finally:
        workspace.close()
    assert str(said.value) == (
        f"task {task[:8]} “Raj's secret launch” was refused by the database and is not in the workspace: "
        "raj may not add tasks here (rule wrong_member)"
    )


def test_whose_refusals_are_read_is_named_at_every_call() -> None:
    """A read that left the reader out listed every member's refusals: the reader is a keyword with no default."""
    reader = inspect.signature(Store.refused).parameters["reader"]
    assert reader.kind is inspect.Parameter.KEYWORD_ONLY and reader.default is inspect.Parameter.empty
