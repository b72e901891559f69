"""A guest's detail of a post: what the team wrote beside it is left out, and the rest of its history kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crewdeck.sync.client.remote import Client, push_all
from crewdeck.sync.state.store import Store
from crewdeck.tui.session.detail import task_detail
from crewdeck.tui.workspace.workspace import Workspace

from .conftest import NOW, Cli
from .postsupport import add_posts, team_workspace
from .syncsupport import Server, crewdeck, new_token
from .test_rules import Team, build_team, copy_of_team
from .test_rules import add_posts as add_team_posts


def _team_with_posts(directory: Path) -> Team:
    team = build_team(directory)
    add_team_posts(team)
    return team


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


def test_a_guest_reads_no_refused_write_of_what_they_do_not_read(tmp_path: Path) -> None:
    """A write the sync server refused, in a post's history, was told whole to a guest: the tasks a refused change of
    what the post waits for named, though a guest reads neither those tasks nor what a post waits for."""
    team = copy_of_team("detail-guest-team", _team_with_posts, tmp_path)
    post, raj = team.posts["by tmp"]["raj"], team.ids["raj"]
    server = Server([str(team.path)]).start()
    try:
        token = new_token("raj", "--workspace", str(team.path), "--as", "ana")
        replica = tmp_path / "raj.db"
        crewdeck("join", server.url, "--token", token, str(replica))
        client = Client(server.url, token, "team")
        with Store(replica) as store:
            # A modified client's (no rules of its own): the post waits for a task and for itself, which the server refuses.
            with store.write(raj, judged=False) as w:
                w.set("task", post, {"depends_on": [team.task, post]})
            assert push_all(store, client).refused == 1
            assert [rule for _, rule, _, _ in store.refused(reader=None)] == ["invalid_value"]
        client.close()
    finally:
        assert server.stop() == ""
    ws = Workspace.open(replica, readonly=True)
    try:
        member = [line for _, line in task_detail(ws, post, NOW).refused]
        guest = [line for _, line in task_detail(ws, post, NOW, guest=True).refused]
    finally:
        ws.close()
    # The team reads it, with why it was refused, the tasks by their titles (the line read two 32-digit ids).
    assert member == [
        f"REFUSED: @raj set depends_on of “by tmp for raj” to “Draft reel”, “by tmp for raj”: task.depends_on: task {post[:8]} "
        "cannot wait for itself (rule invalid_value)"
    ]
    assert guest == [], guest
