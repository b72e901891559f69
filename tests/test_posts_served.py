"""Posts between members' replicas of a sync server (a served file, and PostgreSQL): what the server refuses, what converges."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

from crewdeck.tui.workspace import describe
from crewdeck.tui.workspace.workspace import Workspace

from .apphelp import make_app, settle, until
from .conftest import NOW
from .forged import HOSTILE, Forger, raw_characters
from .syncsupport import ServedDatabase, ServedFiles, crewdeck, crewdeck_fails, make_team, new_token


@dataclass
class Served:
    #: Each member's replica, by handle.
    replicas: dict[str, Path]

    def run(self, handle: str, *args: str) -> str:
        return crewdeck("-w", str(self.replicas[handle]), *args)

    def state(self, handle: str, post_id: str) -> str:
        return str(json.loads(self.run(handle, "post", "show", post_id, "--json"))["state"])

    def submitted_and_seen(self) -> str:
        """raj's post "Launch reel" in +launch, submitted for its round, on the server and mia's replica: its id."""
        post_id = self.run("raj", "post", "add", "Launch reel +launch post:instagram publish:2030-01-10 18:00").strip()
        self.run("raj", "post", "copy", post_id, "Big day")
        self.run("raj", "post", "submit", post_id)
        self.run("raj", "sync")
        self.run("mia", "sync")
        return post_id


@pytest.fixture(params=["file", "postgres"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    with serving(request, tmp_path, request.param) as team:
        yield team


@contextmanager
def serving(request: pytest.FixtureRequest, tmp_path: Path, kind: str) -> Iterator[Served]:
    """ana (manager), raj (writer) and mia (the copy step of +launch's and +autumn's chains) on replicas of a served
    file (``kind`` "file", ``tmp_path / "team.db"`` served by the module's server over such files, ``served_files``) or
    of it published to PostgreSQL under a name of its own ("postgres", the module's server over that database,
    ``served_database``)."""
    path = make_team(tmp_path)
    crewdeck("-w", str(path), "--as", "ana", "member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "launch", "--platforms", "instagram", "--audience-tz", "America/New_York")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "autumn")
    for campaign in ("launch", "autumn"):
        crewdeck("-w", str(path), "--as", "ana", "campaign", "set", campaign, "--approvals", "copy:@mia")
    if kind == "file":
        files: ServedFiles = request.getfixturevalue("served_files")
        server, served = files.server, files.serve(path)
        where = ["--workspace", str(path), "--as", "ana"]
        said: Callable[[], str] = partial(files.unserve, served)
    else:
        database: ServedDatabase = request.getfixturevalue("served_database")
        name = database.new_name()
        crewdeck("publish", str(path), "--database", database.url, "--name", name)
        server, said = database.server, database.said
        where = ["--database", database.url, "--name", name]
    replicas = {}
    for handle in ("raj", "mia"):
        replicas[handle] = tmp_path / f"{handle}.db"
        crewdeck("join", server.url, "--token", new_token(handle, *where), str(replicas[handle]))
    yield Served(replicas)
    assert said() == ""  # no request of this test failed on the server's side


@pytest.mark.parametrize("move", ["campaign=autumn", "platform=linkedin"])
def test_a_verdict_on_a_round_whose_post_moved_is_refused_and_the_replicas_agree(served: Served, move: str) -> None:
    """mia approves, on a replica that has not heard of it, a post raj has moved to another campaign or platform: its round is over."""
    post_id = served.submitted_and_seen()
    served.run("raj", "set", post_id, move)
    assert served.state("raj", post_id) == "draft"
    served.run("raj", "sync")
    assert served.run("mia", "post", "approve", post_id).strip() == f"{post_id[:8]} approved"  # her replica: still +launch
    out = served.run("mia", "sync")
    assert "the server refused 1 edit made here" in out and "(rule stale_round)" in out, out
    assert served.state("mia", post_id) == served.state("raj", post_id) == "draft"
    served.run("raj", "sync")
    shown = json.loads(served.run("raj", "post", "show", post_id, "--json"))
    assert not [row for row in shown["history"] if row["what"].startswith("approved")]


def test_a_refused_push_names_the_post_by_its_title_shown_safe_on_the_replica(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """The refusal came back naming the post "post 1a2b3c4d"; by its title it is text a terminal could act on (a title
    stored before control characters were refused, here forged on the served file): the replica shows it, never raw."""
    with serving(request, tmp_path, "file") as served:
        post_id = served.submitted_and_seen()
        served.run("raj", "set", post_id, "campaign=autumn")
        served.run("raj", "sync")
        served.run("mia", "post", "approve", post_id)  # her replica: still +launch
        out = served.run("mia", "sync")
        assert "moved to another campaign or platform since it was submitted: it needs a new round; voided by @raj's change" in out, out
        assert "“Launch reel” moved to another campaign" in out, out
        Forger(tmp_path / "team.db").set("task", post_id, {"title": HOSTILE})
        served.run("raj", "set", post_id, "campaign=launch")  # back where its round was submitted: in review again
        served.run("raj", "sync")
        served.run("mia", "sync")
        served.run("raj", "set", post_id, "platform=linkedin")
        served.run("raj", "sync")
        served.run("mia", "post", "approve", post_id)
        told = [served.run("mia", "sync"), served.run("mia", "log")]
    shown = "“A^[]52;c;cHduZWQ=^GBM-^[31m<U+202E>EVIL<U+2066> FORGED ROW [bold red]R[/] [$ac…” moved to another campaign"
    for text in told:
        assert shown in text, text
        assert raw_characters(text) == []


#: What the line of an approval refused as stale adds: the change that voided its round, whose, and when (mia's clock, UTC).
VOIDED_BY = r"; voided by @raj's change of its {what}, [^;()]+ UTC \(rule stale_round\)"


@pytest.mark.parametrize(
    ("change", "what"), [(("post", "copy", "{post}", "Bigger day"), "copy"), (("set", "{post}", "campaign=autumn"), "campaign")]
)
def test_an_approval_refused_as_stale_says_which_change_voided_its_round_and_whose(
    request: pytest.FixtureRequest, tmp_path: Path, change: tuple[str, ...], what: str
) -> None:
    """mia approved, offline, a post raj had changed meanwhile: the server's refusal said "the content … changed since it
    was submitted" and nothing of which change, or whose, and mia searched the history for it.  The line names it, in
    `crewdeck sync` and `crewdeck log` (the app's notice reads the same words: test below)."""
    with serving(request, tmp_path, "file") as served:
        post_id = served.submitted_and_seen()
        served.run("raj", *(word.format(post=post_id) for word in change))
        served.run("raj", "sync")
        served.run("mia", "post", "approve", post_id)  # her replica: the version submitted
        out = served.run("mia", "sync")
        log = served.run("mia", "log")
    assert re.search(r"  @mia approved “Launch reel” \(copy\): [^\n]*: it needs a new round" + VOIDED_BY.format(what=what), out), out
    assert re.search(r"REFUSED: @mia approved “Launch reel” \(copy\): [^\n]*" + VOIDED_BY.format(what=what), log), log


def test_a_refused_approval_is_in_the_posts_history_its_log_and_post_show(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """mia approved offline a round raj's change had voided meanwhile: `crewdeck log` said it REFUSED, but `show ID`'s
    history and `log ID` of the post held nothing of it (an approval is a record of its own, not an operation on the
    post), though they list an edit of the task the server refused in its place; nor did `post show ID`'s own history
    table: it listed raj's change and her approval's void alone, and she took the approval for given."""
    with serving(request, tmp_path, "file") as served:
        post_id = served.submitted_and_seen()
        served.run("raj", "post", "copy", post_id, "Bigger day")
        served.run("raj", "sync")
        served.run("mia", "post", "approve", post_id)
        served.run("mia", "sync")
        shown = served.run("mia", "show", post_id)
        log = served.run("mia", "log", post_id)
        post_shown = served.run("mia", "post", "show", post_id)
        as_json = json.loads(served.run("mia", "post", "show", post_id, "--json"))
    refused = r"REFUSED: @mia approved “Launch reel” \(copy\): [^\n]*\(rule stale_round\)"
    assert re.search(refused, shown.split("History")[1]), shown
    assert re.search(refused, log), log
    history = post_shown.split("history (")[1]
    row = next((line for line in history.splitlines() if "REFUSED" in line), "")
    assert re.search(r"  @mia +" + refused, row), post_shown
    # Last: stamped after raj's change it came after.
    assert history.rstrip().endswith(row), post_shown
    assert not [event for event in as_json["history"] if "REFUSED" in event["what"]], as_json


async def test_the_apps_notice_of_an_approval_refused_as_stale_names_the_change_that_voided_its_round(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The app's notice of the refusal, on mia's replica syncing live, names raj's change as `crewdeck sync` does."""
    with serving(request, tmp_path, "file") as served:
        post_id = served.submitted_and_seen()
        served.run("raj", "post", "copy", post_id, "Bigger day")
        served.run("raj", "sync")
        served.run("mia", "post", "approve", post_id)  # unsent: the app's first round pushes it
        app = make_app(served.replicas["mia"], "mia")
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            await until(
                pilot, lambda: any(n.title == "the server refused a change of yours" for n in app._notifications), "the refusal notice"
            )
            notice = next(n for n in app._notifications if n.title == "the server refused a change of yours")
    assert re.search(VOIDED_BY.format(what="copy") + "; crewdeck log lists what was refused", notice.message), notice.message


def test_a_stale_refusal_names_the_change_that_voided_its_round_then_not_a_later_one(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """rd: after the refusal, raj changed the copy back (the round stood again) and then moved the post to autumn (void
    again).  mia's log named the move, newer than the refusal and not what the server refused her for: it names the copy's
    change, the void the round had when her approval was refused."""
    with serving(request, tmp_path, "file") as served:
        post_id = served.submitted_and_seen()
        served.run("raj", "post", "copy", post_id, "Bigger day")
        served.run("raj", "sync")
        served.run("mia", "post", "approve", post_id)  # her replica: the version submitted
        out = served.run("mia", "sync")
        assert re.search(r"\(copy\): [^\n]*: it needs a new round" + VOIDED_BY.format(what="copy"), out), out
        served.run("raj", "post", "copy", post_id, "Big day")  # back to the version submitted: the round stands again
        served.run("raj", "set", post_id, "campaign=autumn")  # void again, after the refusal
        served.run("raj", "sync")
        served.run("mia", "sync")
        log = served.run("mia", "log")
    assert re.search(r"REFUSED: @mia approved “Launch reel” \(copy\): [^\n]*" + VOIDED_BY.format(what="copy"), log), log


def test_the_log_of_many_stale_refusals_of_one_post_reads_its_rounds_once(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """rd: every stale refusal read the post's whole history of rounds again: 3,000 of a post changed 2,000 times took
    `crewdeck log` two minutes.  Read once for the post, whatever the refusals of it."""
    with serving(request, tmp_path, "file") as served:
        post_id = served.submitted_and_seen()
        served.run("raj", "post", "copy", post_id, "Bigger day")
        served.run("raj", "sync")
        served.run("mia", "post", "approve", post_id)
        served.run("mia", "sync")
    with sqlite3.connect(served.replicas["mia"]) as conn:  # the refusal kept five times, as five approvals' would be
        columns = [row[1] for row in conn.execute("PRAGMA table_info(refused_ops)") if row[1] != "node_seq"]
        for n in range(1, 5):
            conn.execute(
                f"INSERT INTO refused_ops (node_seq, {', '.join(columns)}) SELECT node_seq + ?, {', '.join(columns)} FROM refused_ops "
                "WHERE node_seq = (SELECT min(node_seq) FROM refused_ops)",
                (1000 * n,),
            )
    reads: list[str] = []
    ws = Workspace.open(served.replicas["mia"])
    try:
        refused = ws.store.refused(reader=None)
        names = describe.naming_refused(describe.Naming.of(ws, "UTC", NOW), (op for op, *_ in refused))
        ws.conn.set_trace_callback(lambda sql: reads.append(sql) if "'post_round'" in sql else None)
        writes = describe.refused_writes(refused, names)
    finally:
        ws.close()
    assert len(writes) == 5 and all("; voided by @raj's change of its copy" in w.message for w in writes), writes
    assert len(reads) == 1, reads


def test_a_stale_refusal_names_a_manager_who_made_the_change_as_another_member(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """rd: ana changed the copy acting as raj (`--as`): mia's line said "voided by @raj's change", where `crewdeck log`
    and the history say "@ana as @raj"."""
    with serving(request, tmp_path, "file") as served:
        post_id = served.submitted_and_seen()
        crewdeck("-w", str(tmp_path / "team.db"), "--as", "raj", "post", "copy", post_id, "Bigger day")  # the tests' account: ana's
        served.run("mia", "post", "approve", post_id)
        out = served.run("mia", "sync")
        log = served.run("mia", "log")
    assert "  @ana as @raj changed the copy of “Launch reel”" in log, log
    voided = r"; voided by @ana as @raj's change of its copy, [^;()]+ UTC \(rule stale_round\)"
    assert re.search(r"  @mia approved “Launch reel” \(copy\): [^\n]*: it needs a new round" + voided, out), out


def _round_of(served: Served, handle: str, post_id: str) -> object:
    """The post's stored round, as ``handle``'s replica exports it."""
    (task,) = [t for t in json.loads(served.run(handle, "export"))["task"] if t["id"] == post_id]
    return task.get("post_round")


def test_an_undo_of_a_submission_once_its_post_went_out_is_refused_on_a_replica(served: Served) -> None:
    """raj undid his submission on his replica after mia's publish reached it: the round was put back (ended), stored on
    the server, and the post read published for everyone with no round that approved it."""
    post_id = served.submitted_and_seen()
    served.run("mia", "post", "approve", post_id)
    served.run("mia", "post", "publish", post_id, "--url", "https://instagram.com/p/1")
    served.run("mia", "sync")
    served.run("raj", "sync")
    submitted = _round_of(served, "raj", post_id)
    assert submitted is not None
    said = crewdeck_fails("-w", str(served.replicas["raj"]), "undo")
    assert said == (
        "crewdeck: error: cannot undo: task.post_round: “Launch reel” is published: what went out changes no more (take its "
        "publish back first) (rule published_content)\n"
    )
    assert "pushed 0" in served.run("raj", "sync")
    served.run("mia", "sync")
    assert (served.state("mia", post_id), _round_of(served, "mia", post_id)) == ("published", submitted)


def test_a_stale_refusal_says_a_pull_undone_after_a_move_as_the_move_back_that_voided_the_round(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """raj pulled a post in review, ana moved it to autumn (a pulled post keeps its round), and raj undid his pull: that
    voided the round.  mia's refused approval said "voided by @raj's change of its state"; it says the move back."""
    with serving(request, tmp_path, "file") as served:
        post_id = served.submitted_and_seen()
        served.run("raj", "post", "pull", post_id)
        served.run("raj", "sync")
        crewdeck("-w", str(tmp_path / "team.db"), "--as", "ana", "set", post_id, "campaign=autumn")
        served.run("raj", "sync")
        served.run("raj", "undo")
        served.run("raj", "sync")
        served.run("mia", "post", "approve", post_id)
        out = served.run("mia", "sync")
    voided = r"; voided by @raj's move of it back to in review, [^;()]+ UTC \(rule stale_round\)"
    assert re.search(r"  @mia approved “Launch reel” \(copy\): [^\n]*: it needs a new round" + voided, out), out
