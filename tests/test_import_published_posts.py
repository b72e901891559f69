"""Importing a crewdeck export into a workspace where a post of it is published: what went out stays as it went out
(rule ``published_content``), the summary says so, and the rest of the file goes in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crewdeck.tui.cli.main import main

from .conftest import Cli
from .syncsupport import ServedFiles, crewdeck, new_token
from .test_posts_cli import _approved, team  # noqa: F401  # the fixture, with its members and chain

URL = "https://instagram.com/p/1"


def _restored(team: Cli, tmp_path: Path) -> Cli:  # noqa: F811
    """A second workspace restored from ``team``'s export (``init`` with no member, then ``import``)."""
    first = tmp_path / "first.json"
    first.write_text(team.ok("export"))
    target = Cli(tmp_path / "target.db")
    assert main(["init", str(target.workspace)]) == 0
    target.ok("import", str(first), as_member=None)
    return target


def _exported(team: Cli, tmp_path: Path) -> Path:  # noqa: F811
    team.ok("add", "Book the studio @ana")  # the rest of the file, which goes in
    later = tmp_path / "later.json"
    later.write_text(team.ok("export"))
    return later


def _post(cli: Cli, post_id: str) -> dict[str, object]:
    shown = json.loads(cli.ok("post", "show", post_id, "--json"))
    assert isinstance(shown, dict)
    return shown


def _exported_task(cli: Cli, task_id: str) -> dict[str, object]:
    """The task as ``crewdeck export`` writes it (its status and time published, which ``post show`` leaves out)."""
    (task,) = [t for t in json.loads(cli.ok("export"))["task"] if t["id"] == task_id]
    assert isinstance(task, dict)
    return task


def test_a_post_published_here_whose_copy_the_source_edited_keeps_what_went_out(team: Cli, tmp_path: Path) -> None:  # noqa: F811
    """The source's post never went out, and its copy was edited there: the import took the publish back here and
    rewrote the copy (the post read a draft, its live link still given), though a published post's content changes no more."""
    post_id = _approved(team)
    target = _restored(team, tmp_path)
    target.ok("post", "publish", post_id, "--url", URL, as_member="raj")
    team.ok("post", "copy", post_id, "Edited after it went out", as_member="raj")

    out = target.ok("import", str(_exported(team, tmp_path)))
    assert out.startswith("imported 1 task; ")
    assert "1 published post keeps what went out here, the file's changes to it left out: " in out
    assert "(“Launch reel”, id " in out and out.rstrip().endswith("copy, state")
    post = _post(target, post_id)
    assert (post["state"], post["copy"], post["live_url"]) == ("published", "Big day #launch", URL)
    assert "Book the studio" in target.ok("tasks", "all")


def test_a_post_published_again_with_new_copy_in_the_source_leaves_the_copy_here_and_the_rest_goes_in(
    team: Cli,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Published on both sides, its publish undone in the source, its copy edited, approved and published again: the
    import was refused whole (published_content, then stale_round for the new round's approvals)."""
    post_id = _approved(team)
    team.ok("post", "publish", post_id, "--url", URL, as_member="raj")
    target = _restored(team, tmp_path)
    assert team.ok("undo", as_member="raj").startswith("undid: marked “Launch reel” published")
    team.ok("post", "copy", post_id, "Edited after", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    team.ok("post", "approve", post_id, as_member="lee")
    team.ok("post", "publish", post_id, as_member="raj")

    out = target.ok("import", str(_exported(team, tmp_path)))
    assert out.startswith("imported 1 task; ") and out.rstrip().endswith("copy, round (2 approvals of the file's other round left out)")
    post = _post(target, post_id)
    assert (post["state"], post["copy"]) == ("published", "Big day #launch")
    assert "Book the studio" in target.ok("tasks", "all")


@pytest.mark.parametrize("pulled", [True, False], ids=["published before the join", "published since the last pull"])
def test_on_a_joined_replica_the_post_published_on_the_served_file_keeps_what_went_out(
    team: Cli,  # noqa: F811
    tmp_path: Path,
    served_files: ServedFiles,
    pulled: bool,
) -> None:
    """The same import on a replica of a served file, and synced: the served file's post still reads as it went out.
    Published after the replica's last pull, the merge pulled nothing first, read the post as not published, wrote the
    file's copy over what went out, and the sync had it refused (published_content)."""
    post_id = _approved(team)
    target = _restored(team, tmp_path)
    if pulled:
        target.ok("post", "publish", post_id, "--url", URL, as_member="raj")
    name = served_files.serve(target.workspace)
    try:
        replica = tmp_path / "replica.db"
        token = new_token("ana", "--workspace", str(target.workspace), "--as", "ana")
        crewdeck("join", served_files.server.url, "--token", token, str(replica))
        if not pulled:
            target.ok("post", "publish", post_id, "--url", URL, as_member="raj")
        team.ok("post", "copy", post_id, "Edited after it went out", as_member="raj")
        later = _exported(team, tmp_path)

        out = crewdeck("-w", str(replica), "import", str(later))

        assert "1 published post keeps what went out here, the file's changes to it left out: " in out
        assert "refused" not in crewdeck("-w", str(replica), "sync")
        post = _post(target, post_id)
        assert (post["state"], post["copy"], post["live_url"]) == ("published", "Big day #launch", URL)
        assert "Book the studio" in target.ok("tasks", "all")
    finally:
        assert served_files.unserve(name) == ""  # no request of this test failed on the server's side


def test_a_post_published_here_whose_slot_the_source_moved_keeps_its_slot(team: Cli, tmp_path: Path) -> None:  # noqa: F811
    """The slot is part of what went out: ``set ID publish=...`` refuses to move a published post, and the import moved it."""
    post_id = _approved(team)
    target = _restored(team, tmp_path)
    target.ok("post", "publish", post_id, "--url", URL, as_member="raj")
    slot = _post(target, post_id)["slot"]
    team.ok("post", "slot", post_id, "sat 18:00", as_member="raj")

    out = target.ok("import", str(_exported(team, tmp_path)))
    assert out.rstrip().endswith("state, slot")
    assert _post(target, post_id)["slot"] == slot


def test_a_publish_an_import_wrote_is_taken_back_with_the_source_and_one_made_here_stays(team: Cli, tmp_path: Path) -> None:  # noqa: F811
    """Published in the source and restored from it, then undone there: the import left the publish here (state, link,
    time, status), which nothing here could take back (``undo`` has nothing of this member's, no move unpublishes).  An
    import wrote it, so the file's undo follows; a publish made here by a member stays (the first test)."""
    post_id = _approved(team)
    team.ok("post", "publish", post_id, "--url", URL, as_member="raj")
    target = _restored(team, tmp_path)
    team.ok("undo", as_member="raj")
    later = _exported(team, tmp_path)

    out = target.ok("import", str(later))
    assert "keeps what went out" not in out
    task = _exported_task(target, post_id)
    assert {k: task.get(k) for k in ("post_state", "live_url", "published_at", "status")} == {
        "post_state": _exported_task(team, post_id)["post_state"],
        "live_url": "",
        "published_at": None,
        "status": "inbox",
    }
    assert target.ok("import", str(later)).startswith("nothing new: ")


def test_a_published_posts_status_changed_in_the_source_goes_in(team: Cli, tmp_path: Path) -> None:  # noqa: F811
    """Published on both sides, its task set back to todo in the source: the status was left out with what went out,
    where only a status that follows from a state left out stays."""
    post_id = _approved(team)
    team.ok("post", "publish", post_id, "--url", URL, as_member="raj")
    target = _restored(team, tmp_path)
    team.ok("set", post_id[:8], "status=todo", as_member="raj")

    out = target.ok("import", str(_exported(team, tmp_path)))
    assert "keeps what went out" not in out
    assert _exported_task(target, post_id)["status"] == "todo"


def test_a_publish_an_earlier_import_of_an_export_wrote_is_taken_back_with_the_source(team: Cli, tmp_path: Path) -> None:  # noqa: F811
    """The publish came here by a merge of an export (the import remembers its run, as every importer's), not a restore."""
    post_id = _approved(team)
    target = _restored(team, tmp_path)
    team.ok("post", "publish", post_id, "--url", URL, as_member="raj")
    target.ok("import", str(_exported(team, tmp_path)))
    assert _post(target, post_id)["state"] == "published"
    team.ok("undo", as_member="raj")

    out = target.ok("import", str(_exported(team, tmp_path)))
    assert "keeps what went out" not in out
    assert (_post(target, post_id)["state"], _post(target, post_id)["live_url"]) == ("approved", "")


def test_a_post_published_here_keeps_the_status_its_publish_set(team: Cli, tmp_path: Path) -> None:  # noqa: F811
    """The file's status differs only as its state does (the publish here set the task done): both stay."""
    post_id = _approved(team)
    team.ok("set", post_id[:8], "status=doing", as_member="raj")
    target = _restored(team, tmp_path)
    target.ok("post", "publish", post_id, "--url", URL, as_member="raj")

    out = target.ok("import", str(_exported(team, tmp_path)))
    assert out.rstrip().endswith("state, status")
    assert _exported_task(target, post_id)["status"] == "done"


def test_an_older_export_that_takes_a_restored_publish_back_says_so_and_undo_brings_it_back(team: Cli, tmp_path: Path) -> None:  # noqa: F811
    """An export made before the post went out, merged after a restore from a later one: an export holds no time its
    post changed, so the file reads as one whose source took the publish back.  The summary said only "updated 1 task"
    as the publish, its link and its time went; it names the post and what was emptied, and undo brings them back."""
    post_id = _approved(team)
    older = tmp_path / "older.json"
    older.write_text(team.ok("export"))
    team.ok("post", "publish", post_id, "--url", URL, as_member="raj")
    target = _restored(team, tmp_path)

    out = target.ok("import", str(older), as_member="lee")
    assert out.startswith("updated 1 task; ")
    assert "; " + str(older) + ": task 1 (“Launch reel”, id " in out
    assert out.rstrip().endswith(
        "(live url, published at emptied): its publish taken back, as the file's post is not published "
        "(a file older than the publish reads the same: crewdeck undo brings it back)"
    )
    assert (_post(target, post_id)["state"], _post(target, post_id)["live_url"]) == ("approved", "")
    target.ok("undo", as_member="lee")
    post = _post(target, post_id)
    assert (post["state"], post["live_url"], post["published_at"]) == ("published", URL, _exported_task(team, post_id)["published_at"])


def test_an_older_export_whose_round_is_stored_here_leaves_out_no_approval(team: Cli, tmp_path: Path) -> None:  # noqa: F811
    """An export made before the post's second round, merged into a restore of a later one published here: its round's
    approvals are stored here already.  The summary said "2 approvals of the file's newer round left out" of an older
    round, whose approvals it counted though they were here."""
    post_id = _approved(team)
    older = tmp_path / "older.json"
    older.write_text(team.ok("export"))
    team.ok("post", "copy", post_id, "Bigger day #launch", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    team.ok("post", "approve", post_id, as_member="lee")
    target = _restored(team, tmp_path)
    target.ok("post", "publish", post_id, "--url", URL, as_member="raj")

    out = target.ok("import", str(older))
    assert out.startswith("nothing new: 9 records already here; ")
    assert out.rstrip().endswith("(“Launch reel”, id " + post_id[:12] + "): copy, state, round")
    assert _post(target, post_id)["copy"] == "Bigger day #launch"
