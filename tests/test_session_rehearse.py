"""A write judged without writing (``WorkspaceAccess.rehearse``, ``Edits.judge_assignments``): the app's `:` judges a
change that voids a post's round before it asks, and the file is left exactly as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crewdeck.sync.state.rules import Refused
from crewdeck.tui.posts import writing
from crewdeck.tui.session.access import WorkspaceAccess
from crewdeck.tui.session.writing import Edits
from crewdeck.tui.workspace.workspace import Workspace

from .conftest import NOW
from .postsupport import add_posts, ids, team_workspace


def test_a_judged_change_leaves_the_log_the_record_and_the_history_as_they_were(tmp_path: Path) -> None:
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    (post,) = add_posts(store, 1, NOW + dt.timedelta(days=2), state="draft")
    members = ids(store, "member", "handle")
    writing.submit(store, members["raj"], post, NOW)
    store.close()
    ws = Workspace.open(path)
    try:
        edits = Edits(WorkspaceAccess(ws, ws.identify("raj")))
        log = ws.conn.execute("SELECT count(*), max(seq) FROM ops").fetchone()
        edits.judge_assignments(post, ["platform=linkedin"], NOW)
        assert ws.conn.execute("SELECT count(*), max(seq) FROM ops").fetchone() == log
        assert ws.task(post)["platform"] == "instagram" and not ws.conn.in_transaction
        assert edits.undo() is None  # judged, not done: nothing to undo
        with ws.store.write(members["ana"]) as w:
            w.set("member", members["raj"], {"deleted": True})
        log = ws.conn.execute("SELECT count(*), max(seq) FROM ops").fetchone()
        with pytest.raises(Refused, match="@raj was removed from this workspace"):
            edits.judge_assignments(post, ["platform=linkedin"], NOW)
        assert ws.conn.execute("SELECT count(*), max(seq) FROM ops").fetchone() == log and not ws.conn.in_transaction
    finally:
        ws.close()
