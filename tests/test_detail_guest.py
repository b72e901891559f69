"""A guest's detail of a post: what the team wrote beside it is left out, and the rest of its history kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crewdeck.tui.session.detail import task_detail
from crewdeck.tui.workspace.workspace import Workspace

from .conftest import NOW, Cli
from .postsupport import add_posts, team_workspace


def test_a_guest_reads_a_write_that_changed_the_notes_too_without_the_notes(tmp_path: Path) -> None:
    # A change of the title and the notes in one write left a guest's history whole: it was dropped for its notes.
    path = tmp_path / "guest.db"
    store = team_workspace(path, NOW)
    (post_id,) = add_posts(store, 1, NOW + dt.timedelta(days=2), submitted=NOW)
    store.close()
    cli = Cli(path)
    cli.ok("set", post_id, "title=Spring teaser, final", "notes=INTERNAL: client is difficult", as_member="raj")
    ws = Workspace.open(path, readonly=True)
    try:
        guest = [change.sentence for change in task_detail(ws, post_id, NOW, guest=True).history]
        member = [change.sentence for change in task_detail(ws, post_id, NOW).history]
    finally:
        ws.close()
    assert any("Spring teaser, final" in said for said in guest), guest
    assert not any("INTERNAL" in said or "notes" in said for said in guest), guest
    assert len(guest) == len(member), (guest, member)  # every write is told, only without what the guest does not read
