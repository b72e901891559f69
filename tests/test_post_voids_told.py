"""The approver whose approval a copy change took is told so: on their replica, after a real sync, in `crewdeck sync`'s
notices, the app's notice line, the task's history (`crewdeck show`, the app's detail, `crewdeck log`) and `post show`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.widgets.workspace_header import WorkspaceHeader

from .apphelp import cursor_on, make_app, settle, until
from .syncsupport import ServedFiles, crewdeck, make_team, new_token

VOIDED = "@raj changed the copy of “Launch reel”: “Big day” → “Bigger day”: that voids the round"


@contextmanager
def submitted_post(tmp_path: Path, files: ServedFiles) -> Iterator[tuple[Path, Path, str]]:
    """raj's and mia's replicas of a served file, and a post of raj's submitted for mia (the copy step) to approve, both
    synced: ``(raj's replica, mia's, the post's id)``."""
    team = make_team(tmp_path)
    where = ["-w", str(team), "--as", "ana"]
    crewdeck(*where, "member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    crewdeck(*where, "campaign", "add", "launch", "--platforms", "instagram", "--audience-tz", "America/New_York")
    crewdeck(*where, "campaign", "add", "autumn")
    for campaign in ("launch", "autumn"):
        crewdeck(*where, "campaign", "set", campaign, "--approvals", "copy:@mia")
    served = files.serve(team)
    try:
        raj, mia = tmp_path / "raj.db", tmp_path / "mia.db"
        for handle, replica in (("raj", raj), ("mia", mia)):
            crewdeck("join", files.server.url, "--token", new_token(handle, "--workspace", str(team), "--as", "ana"), str(replica))
        post_id = crewdeck("-w", str(raj), "post", "add", "Launch reel +launch post:instagram publish:2030-01-10 18:00").strip()
        crewdeck("-w", str(raj), "post", "copy", post_id, "Big day")
        crewdeck("-w", str(raj), "post", "submit", post_id)
        crewdeck("-w", str(raj), "sync")
        crewdeck("-w", str(mia), "sync")
        yield raj, mia, post_id
    finally:
        assert files.unserve(served) == ""  # no request of this test failed on the server's side


@contextmanager
def approved_post(tmp_path: Path, files: ServedFiles) -> Iterator[tuple[Path, Path, str]]:
    """``submitted_post``, mia's approval given and both replicas synced."""
    with submitted_post(tmp_path, files) as (raj, mia, post_id):
        crewdeck("-w", str(mia), "post", "approve", post_id)
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(raj), "sync")
        yield raj, mia, post_id


def test_the_approvers_sync_and_history_say_the_copy_change_took_their_approval(tmp_path: Path, served_files: ServedFiles) -> None:
    """`post show` said the change "voids the round"; mia's `crewdeck sync` said only what it pulled, and `crewdeck show`
    "changed the copy": nothing told her that her approval no longer counted and that the post waits for raj."""
    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "sync")
        out = crewdeck("-w", str(mia), "sync")
        said = [line for line in out.splitlines() if "voids" in line]
        assert said == [VOIDED + " and your approval: it is a draft until it is submitted again"], out
        assert f"{VOIDED} and the approval of @mia" in crewdeck("-w", str(mia), "show", post_id[:8])
        assert crewdeck("-w", str(mia), "log", post_id[:8], "--limit", "1").strip().endswith(f"{VOIDED} and the approval of @mia")
        shown = json.loads(crewdeck("-w", str(mia), "post", "show", post_id, "--json"))
        assert shown["state"] == "draft"
        assert shown["history"][-1]["what"] == "changed the copy (voids the round and the approval of @mia)", shown["history"]
        # Said once: the next round pulls nothing of it again.
        assert "voids" not in crewdeck("-w", str(mia), "sync")


def test_a_change_put_back_before_the_approver_syncs_voids_nothing_in_her_notices(tmp_path: Path, served_files: ServedFiles) -> None:
    """Changed and put back to the version submitted: the round goes on with her approval, and nothing says it was taken."""
    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "post", "copy", post_id, "Big day")
        crewdeck("-w", str(raj), "sync")
        out = crewdeck("-w", str(mia), "sync")
        assert "voids" not in out and "pulled" in out, out
        shown = json.loads(crewdeck("-w", str(mia), "post", "show", post_id, "--json"))
        assert shown["state"] == "approved"
        assert [row["what"] for row in shown["history"]][-2:] == [
            "changed the copy (voids the round and the approval of @mia)",
            "changed the copy (the version submitted again: the round goes on)",
        ], shown["history"]
        assert (
            crewdeck("-w", str(mia), "log", post_id[:8], "--limit", "1")
            .strip()
            .endswith("@raj changed the copy of “Launch reel”: “Bigger day” → “Big day”: the version submitted again: the round goes on")
        )


async def test_the_approvers_app_notice_and_detail_say_the_copy_change_took_their_approval(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """mia's app said "@raj changed the copy of “Launch reel”: …" alone, and its detail's history the same."""
    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        app = make_app(mia, "mia")
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            await until(pilot, lambda: app.query_one(WorkspaceHeader).sync_text.startswith("live · synced"), "mia's app live")
            crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
            crewdeck("-w", str(raj), "sync")
            said = lambda: [str(n.message) for n in app._notifications if "@raj" in str(n.message)]  # noqa: E731
            await until(pilot, lambda: bool(said()), "the notice of raj's change")
            assert said() == [VOIDED + " and your approval: it is a draft until it is submitted again"]
            await cursor_on(app, pilot, "Launch reel")
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, DetailScreen), "the post's detail")
            body = str(app.screen.query_one("#detail-body").render())
            assert f"{VOIDED} and the approval of @mia" in " ".join(body.split()), body


async def test_an_approval_taken_among_several_records_changed_is_still_said_in_the_apps_notice(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """raj changed the copy and, in the same sync, added a task: mia's notice read "@raj changed 2 records", and the
    approval the copy change took went unsaid."""
    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        app = make_app(mia, "mia")
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            await until(pilot, lambda: app.query_one(WorkspaceHeader).sync_text.startswith("live · synced"), "mia's app live")
            crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
            crewdeck("-w", str(raj), "add", "Cut the teaser")
            crewdeck("-w", str(raj), "sync")
            said = lambda: [str(n.message) for n in app._notifications if "@raj" in str(n.message)]  # noqa: E731
            await until(pilot, lambda: bool(said()), "the notice of raj's changes")
            assert said() == [
                f"@raj added 1 task and changed 1 post; {VOIDED} and your approval: it is a draft until it is submitted again"
            ], said()


def test_a_move_to_another_campaign_that_took_her_approval_is_said_as_a_copy_change_is(tmp_path: Path, served_files: ServedFiles) -> None:
    """A move to another campaign voids the round too (its chain decides who approves): her sync and the history said
    "put “Launch reel” in Autumn" alone.  Moved back, the round goes on with her approval."""
    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "set", post_id[:8], "campaign=autumn")
        crewdeck("-w", str(raj), "sync")
        out = crewdeck("-w", str(mia), "sync")
        moved = "@raj put “Launch reel” in autumn: that voids the round"
        assert [line for line in out.splitlines() if "voids" in line] == [
            moved + " and your approval: it is a draft until it is submitted again"
        ], out
        assert crewdeck("-w", str(mia), "log", post_id[:8], "--limit", "1").strip().endswith(f"{moved} and the approval of @mia")
        crewdeck("-w", str(raj), "set", post_id[:8], "campaign=launch")
        crewdeck("-w", str(raj), "sync")
        assert "voids" not in crewdeck("-w", str(mia), "sync")
        assert (
            crewdeck("-w", str(mia), "log", post_id[:8], "--limit", "1")
            .strip()
            .endswith("@raj put “Launch reel” in launch: the version submitted again: the round goes on")
        )


def test_a_published_or_pulled_post_moved_voids_nothing_it_is_told_nowhere(tmp_path: Path, served_files: ServedFiles) -> None:
    """raj moved a published post to another campaign: raj was told "the change voids the round and the approval of
    @mia: it is a draft until it is submitted again", mia's sync that it took her approval, while the post read published
    with its approvals standing (the rules: "is published: its approvals stand").  A pulled one moved was said so too."""
    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "publish", post_id)
        out = crewdeck("-w", str(raj), "set", post_id[:8], "campaign=autumn")
        assert "voids" not in out and "draft" not in out, out
        crewdeck("-w", str(raj), "sync")
        out = crewdeck("-w", str(mia), "sync")
        assert "voids" not in out and "pulled" in out, out
        assert "voids" not in crewdeck("-w", str(mia), "show", post_id[:8])
        shown = json.loads(crewdeck("-w", str(mia), "post", "show", post_id, "--json"))
        assert shown["state"] == "published"
        assert not [row for row in shown["history"] if "voids" in row["what"]], shown["history"]
    (tmp_path / "pulled").mkdir()
    team = make_team(tmp_path / "pulled")
    where = ["-w", str(team), "--as", "ana"]
    crewdeck(*where, "campaign", "add", "one", "--platforms", "instagram,x")
    pulled = crewdeck(*where, "post", "add", "Pub +one post:instagram").strip()
    crewdeck(*where, "post", "copy", pulled, "Hello")
    crewdeck(*where, "post", "submit", pulled)
    crewdeck(*where, "post", "pull", pulled)
    out = crewdeck(*where, "set", pulled[:8], "platform=x")
    assert "voids" not in out and "draft" not in out, out
    assert json.loads(crewdeck(*where, "post", "show", pulled, "--json"))["state"] == "pulled"


def test_a_pulled_post_moved_then_its_pull_undone_says_the_approval_it_lost(tmp_path: Path, served_files: ServedFiles) -> None:
    """A move while pulled voids nothing a reader sees; undoing the pull brings the post back where the round was not
    submitted for: it read draft, mia's approval counted for nothing, and nothing anywhere said so (final read rf)."""
    from crewdeck.sync.state.store import Store

    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "pull", post_id)
        crewdeck("-w", str(raj), "set", post_id[:8], "campaign=autumn")
        with Store(raj) as store:  # what the app's u writes for the pull
            me = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
            with store.write(me) as w:
                w.set("task", post_id, {"post_state": "in-review", "status": "todo"})
        crewdeck("-w", str(raj), "sync")
        out = crewdeck("-w", str(mia), "sync")
        said = [line for line in out.splitlines() if "voids" in line]
        assert len(said) == 1 and said[0].endswith("voids the round and your approval: it is a draft until it is submitted again"), out
        assert "voids the round and the approval of @mia" in crewdeck("-w", str(mia), "show", post_id[:8])
        assert json.loads(crewdeck("-w", str(mia), "post", "show", post_id, "--json"))["state"] == "draft"


def test_a_pull_with_no_submitted_post_in_it_costs_the_void_check_nothing_that_grows_with_it(tmp_path: Path) -> None:
    """`crewdeck sync` read every pulled operation of the round's fields (a campaign, a platform) into memory and sent
    every row id through json_each before it knew that no post among them had a round: 2.4 s and ~95 MB on a pull of
    883k operations with no post.  Counted in SQLite's steps: 20 more tasks pulled cost it nothing more (the steps are
    compared exactly, so a cost of one step per operation shows at any count)."""
    import datetime as dt

    from crewdeck.tui.session.notices import approvals_voided
    from crewdeck.tui.workspace import describe
    from crewdeck.tui.workspace.workspace import Workspace

    team = make_team(tmp_path)
    where = ["-w", str(team), "--as", "ana"]
    crewdeck(*where, "member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    crewdeck(*where, "campaign", "add", "launch")

    def steps() -> int:
        ws = Workspace.open(team)
        try:
            me = ws.member_by_handle("mia").id
            names = describe.Naming.of(ws, "UTC", dt.datetime.now(dt.UTC))
            counted = [0]

            def step() -> int:
                counted[0] += 1
                return 0

            ws.conn.set_progress_handler(step, 1)
            assert approvals_voided(ws, 0, names, me) == []
            ws.conn.set_progress_handler(None, 1)
            return counted[0]
        finally:
            ws.close()

    crewdeck(*where, "add", "Brief +launch")
    few = steps()
    for n in range(20):
        crewdeck(*where, "add", f"Task {n} +launch")
    assert steps() == few


def test_the_void_notice_reads_each_posts_rounds_once_however_many_changes_one_pull_brings(
    tmp_path: Path, served_files: ServedFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per change, the notice read the post's whole history of rounds twice (the void check, then its words): a pull
    of 2,001 changes took 22 s in `crewdeck sync` and held the app's panes for 29 s.  Counted: one reading a post."""
    import datetime as dt

    from crewdeck.tui.posts import voiding
    from crewdeck.tui.session.notices import approvals_voided
    from crewdeck.tui.workspace import describe
    from crewdeck.tui.workspace.workspace import Workspace

    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        for n in range(11):
            crewdeck("-w", str(raj), "post", "copy", post_id, "Big day" if n % 2 else f"Bigger day {n}")
        crewdeck("-w", str(raj), "sync")
        ws = Workspace.open(mia)
        held = ws.store.max_seq()
        ws.close()
        crewdeck("-w", str(mia), "sync")
        reads: list[str] = []
        real = voiding.round_turns

        def counted(conn: object, post: str) -> object:
            reads.append(post)
            return real(conn, post)  # type: ignore[arg-type]

        monkeypatch.setattr(voiding, "round_turns", counted)
        ws = Workspace.open(mia)
        try:
            me = ws.member_by_handle("mia").id
            lines = approvals_voided(ws, held, describe.Naming.of(ws, "UTC", dt.datetime.now(dt.UTC)), me)
            # Each void but the last was put back (her approval counted again): the last alone is said.
            assert len(lines) == 1 and "“Bigger day 10”: that voids the round and your approval" in lines[0], lines
            assert reads == [post_id]
        finally:
            ws.close()


def test_many_voided_approvals_are_listed_as_refusals_are_and_the_apps_notice_stays_short(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """`crewdeck sync` printed a line for every post whose void took my approval, with no end (the refused edits, the
    overwritten ones stop at 20), and the app put every one into one toast: 3,000 voided posts made one of 458 KB."""
    from crewdeck.sync.state.oplog import OP_COLUMNS, Op
    from crewdeck.tui.session.access import WorkspaceAccess
    from crewdeck.tui.session.notices import VOIDS_LISTED, ChangeNotices
    from crewdeck.tui.workspace.workspace import Workspace

    with approved_post(tmp_path, served_files) as (raj, mia, first):
        posts = [first]
        for n in range(22):
            post_id = crewdeck("-w", str(raj), "post", "add", f"Reel {n} +launch post:instagram publish:2030-01-10 18:00").strip()
            crewdeck("-w", str(raj), "post", "copy", post_id, "Big day")
            crewdeck("-w", str(raj), "post", "submit", post_id)
            posts.append(post_id)
        crewdeck("-w", str(raj), "sync")
        crewdeck("-w", str(mia), "sync")
        for post_id in posts[1:]:
            crewdeck("-w", str(mia), "post", "approve", post_id)
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(raj), "sync")
        for post_id in posts:
            crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "sync")
        ws = Workspace.open(mia)
        held = ws.store.max_seq()
        ws.close()
        out = crewdeck("-w", str(mia), "sync").splitlines()
        assert len([line for line in out if "voids the round and your approval" in line]) == 20, out
        assert out[-1] == "… and 3 more changes that voided your approval: crewdeck log lists them", out
        ws = Workspace.open(mia)
        try:
            ops = [Op(*row) for row in ws.conn.execute(f"SELECT {OP_COLUMNS} FROM ops WHERE seq > ? ORDER BY seq", (held,))]
            notice = ChangeNotices(WorkspaceAccess(ws, ws.member_by_handle("mia"))).describe(ops)
        finally:
            ws.close()
        assert notice is not None and notice.startswith("@raj changed 23 posts; "), notice
        assert notice.count("your approval") == VOIDS_LISTED + 1, notice
        assert notice.endswith("; and 20 more changes that voided your approval"), notice


def test_post_copy_reads_what_its_change_voided_in_the_writes_own_transaction(
    tmp_path: Path, served_files: ServedFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`post copy` read the post's newest operation, wrote, and read what came after it in three transactions: a
    teammate's change committed between was told as this one's (or an approval left unsaid).  The app holds one."""
    from crewdeck.tui.posts import writing

    with approved_post(tmp_path, served_files) as (raj, _mia, post_id):
        seen: list[bool] = []
        for name in ("newest_op", "voided_words"):
            real = getattr(writing, name)

            def reads(store: object, *args: object, real: object = real) -> object:
                seen.append(store.conn.in_transaction)  # type: ignore[attr-defined]
                return real(store, *args)  # type: ignore[operator]

            monkeypatch.setattr(writing, name, reads)
        out = crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        assert "voids the round and the approval of @mia" in out, out
        assert seen == [True, True]


def test_a_posts_voids_read_its_verdicts_chains_and_members_once(
    tmp_path: Path, served_files: ServedFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each void read the post's verdicts, every chain and every member again: a post changed 2,000 times read them
    1,000 times for one notice (and `post copy` once more a write).  Counted: once for all its voids."""
    import sqlite3

    from crewdeck.tui.posts import voiding

    with approved_post(tmp_path, served_files) as (raj, _mia, post_id):
        for n in range(7):
            crewdeck("-w", str(raj), "post", "copy", post_id, "Big day" if n % 2 else f"Bigger day {n}")
        reads: list[str] = []
        for name in ("verdicts", "chains", "reviewers"):
            real = getattr(voiding, name)

            def counted(*args: object, real: object = real, name: str = name) -> object:
                reads.append(name)
                return real(*args)  # type: ignore[operator]

            monkeypatch.setattr(voiding, name, counted)
        conn = sqlite3.connect(raj)
        try:
            turns = voiding.round_turns(conn, post_id)
        finally:
            conn.close()
        assert [turn.approvers for turn in turns.values() if turn.voided] == [(turns[next(iter(turns))].approvers[0],)] * 4
        assert sorted(reads) == ["chains", "reviewers", "verdicts"]


def test_a_void_pulled_by_a_round_cut_off_is_said_by_the_next_crewdeck_sync_once(tmp_path: Path, served_files: ServedFiles) -> None:
    """mia's round pulled raj's copy change and the network dropped: the next `crewdeck sync` said only "pulled 0" and
    never that the change took her approval (re 5)."""
    from .test_sync_overwritten import round_cut_off

    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "add", "Cut the teaser")  # what the pull was cut off before
        crewdeck("-w", str(raj), "sync")
        round_cut_off(mia, "Bigger day")
        assert json.loads(crewdeck("-w", str(mia), "post", "show", post_id, "--json"))["state"] == "draft"
        out = crewdeck("-w", str(mia), "sync")
        said = [line for line in out.splitlines() if "voids" in line]
        assert said == [VOIDED + " and your approval: it is a draft until it is submitted again"], out
        assert "voids" not in crewdeck("-w", str(mia), "sync")


async def test_a_void_pulled_by_crewdeck_sync_cut_off_is_said_by_the_app_opened_after_it(tmp_path: Path, served_files: ServedFiles) -> None:
    """The app opened after the cut-off round: its watcher looks at what comes in from then on, and the void came in
    before, so its notice said nothing of it either (re 5).  Said once: the `crewdeck sync` after it says nothing."""
    from .test_sync_overwritten import round_cut_off

    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "add", "Cut the teaser")  # what the pull was cut off before
        crewdeck("-w", str(raj), "sync")
        round_cut_off(mia, "Bigger day")
        app = make_app(mia, "mia")
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            said = lambda: [str(n.message) for n in app._notifications if "voids" in str(n.message)]  # noqa: E731
            await until(pilot, lambda: bool(said()), "the notice of raj's change")
            assert said() == [VOIDED + " and your approval: it is a draft until it is submitted again"]
            await until(pilot, lambda: app.query_one(WorkspaceHeader).sync_text.startswith("live · synced"), "mia's app live")
        assert "voids" not in crewdeck("-w", str(mia), "sync")


def test_a_void_the_apps_round_pulled_before_it_was_cut_off_is_not_said_again_by_crewdeck_sync(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """The app's round is told by its watcher of the file as the pull stores it, cut off or not: the `crewdeck sync`
    after it does not say it a second time."""
    from .test_sync_overwritten import round_cut_off

    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "add", "Cut the teaser")
        crewdeck("-w", str(raj), "sync")
        round_cut_off(mia, "Bigger day", pull_told=True)  # as the app's engine runs it
        out = crewdeck("-w", str(mia), "sync")
        assert "voids" not in out and "pulled" in out, out


LATE = "that voids the round; your approval, given on the version before this change, counts for nothing"


def _head(replica: Path) -> int:
    """The replica's log head: what a sync stores after it is what it pulled."""
    from crewdeck.tui.workspace.workspace import Workspace

    ws = Workspace.open(replica)
    try:
        return ws.store.max_seq()
    finally:
        ws.close()


def _notice(replica: Path, handle: str, since: int, entity: str | None = None) -> str | None:
    """The app's notice to ``handle`` of what ``replica`` stored past ``since``, as its watcher of the file hands it (of
    ``entity``'s operations alone, if given)."""
    from crewdeck.sync.state.oplog import OP_COLUMNS, Op
    from crewdeck.tui.session.access import WorkspaceAccess
    from crewdeck.tui.session.notices import ChangeNotices
    from crewdeck.tui.workspace.workspace import Workspace

    ws = Workspace.open(replica)
    try:
        ops = [Op(*row) for row in ws.conn.execute(f"SELECT {OP_COLUMNS} FROM ops WHERE seq > ? ORDER BY seq", (since,))]
        ops = [op for op in ops if entity in (None, op.entity)]
        return ChangeNotices(WorkspaceAccess(ws, ws.member_by_handle(handle))).describe(ops)
    finally:
        ws.close()


def test_an_approval_given_offline_after_the_change_that_voided_its_round_is_explained_when_the_change_comes_in(
    tmp_path: Path,
    served_files: ServedFiles,
) -> None:
    """raj changed the copy, mia (not holding the change yet) approved the version she had, and her approval reached
    the server first: her sync pulled the change and said nothing, her approval counted for nothing, and the post read
    draft with nobody saying why (re 6).  Said once, in `crewdeck sync` and in the app's notice of the change."""
    with submitted_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(mia), "post", "approve", post_id)
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(raj), "sync")
        held = _head(mia)
        out = crewdeck("-w", str(mia), "sync")
        said = [line for line in out.splitlines() if "voids" in line]
        assert said == [f"{VOIDED[: -len('that voids the round')]}{LATE}: it is a draft until it is submitted again"], out
        assert json.loads(crewdeck("-w", str(mia), "post", "show", post_id, "--json"))["state"] == "draft"
        assert "voids" not in crewdeck("-w", str(mia), "sync")
        notice = _notice(mia, "mia", held)
        assert notice == f"{VOIDED[: -len('that voids the round')]}{LATE}: it is a draft until it is submitted again", notice


def test_the_writers_notice_of_an_approval_given_after_his_change_voided_the_round_says_it_counts_for_nothing(
    tmp_path: Path,
    served_files: ServedFiles,
) -> None:
    """raj was told his copy change made the post a draft; then mia's approval, given offline on the version before it,
    came in as "@mia approved “Launch reel” (copy)" alone, and so the history read: he took the post for approved, and
    it waited for a submission nobody made.  Once submitted again and approved, an approval is told as it always was."""
    with submitted_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(mia), "post", "approve", post_id)
        crewdeck("-w", str(mia), "sync")
        held = _head(raj)
        crewdeck("-w", str(raj), "sync")
        assert _notice(raj, "raj", held) == (
            "@mia approved “Launch reel” (copy): given on the version before a change voided the round, it counts for "
            "nothing: it is a draft until it is submitted again"
        )
        late = "@mia approved “Launch reel” (copy): given on the version before a change voided the round"
        assert crewdeck("-w", str(raj), "log", "--limit", "1").strip().endswith(late)
        assert "approved copy: given on the version before a change voided the round" in crewdeck("-w", str(raj), "show", post_id[:8])
        shown = json.loads(crewdeck("-w", str(raj), "post", "show", post_id, "--json"))
        assert shown["history"][-1]["what"] == "approved copy (given on the version before a change voided the round)"
        crewdeck("-w", str(raj), "post", "submit", post_id)
        crewdeck("-w", str(raj), "sync")
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(mia), "post", "approve", post_id)
        crewdeck("-w", str(mia), "sync")
        held = _head(raj)
        crewdeck("-w", str(raj), "sync")
        assert _notice(raj, "raj", held) == "@mia approved “Launch reel” (copy)"
        assert crewdeck("-w", str(raj), "log", "--limit", "1").strip().endswith("@mia approved “Launch reel” (copy)")


def test_a_round_an_earlier_crewdeck_kept_with_four_counts_retells_no_void(tmp_path: Path, served_files: ServedFiles) -> None:
    """The crewdeck before this one keeps four counts of a round cut off ("0 0 0 0"), and the fifth, where a pull kept
    untold began, read as 0: the next `crewdeck sync` told every void of mia's approval from the log's start again."""
    import sqlite3

    from crewdeck.sync.client.metakeys import META_PUSH_SEQ, META_UNTOLD, META_UNTOLD_COUNTS

    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "sync")
        assert "voids" in crewdeck("-w", str(mia), "sync")
        conn = sqlite3.connect(mia)
        try:
            with conn:
                pushed = conn.execute("SELECT value FROM meta WHERE key = ?", (META_PUSH_SEQ,)).fetchone()[0]
                head = conn.execute("SELECT max(seq) FROM ops").fetchone()[0]
                # As an earlier crewdeck's round, cut off with nothing pulled, leaves them.
                kept = {META_UNTOLD: f"{pushed} {head} 0", META_UNTOLD_COUNTS: "0 0 0 0"}
                conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", kept.items())
        finally:
            conn.close()
        out = crewdeck("-w", str(mia), "sync")
        assert "voids" not in out and "pulled 0" in out, out


def test_an_approval_stamped_after_the_change_by_a_fast_clock_is_not_said_to_be_given_after_it(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """mia's clock ran two minutes fast (within the drift a server takes): she approved first, and synced, and raj
    changed the copy after, not holding her approval yet.  Her approval, stamped after his change, was told to both as
    "given after this change" (and "after a change that voided the round"): an order in time the stamps cannot prove.
    What is true whatever the clocks: she approved the version before the change."""
    import sqlite3

    from crewdeck.sync.state.clock import Stamp, wall_ms

    with submitted_post(tmp_path, served_files) as (raj, mia, post_id):
        conn = sqlite3.connect(mia)
        try:
            with conn:
                node = conn.execute("SELECT last FROM clock").fetchone()[0].split("-", 2)[2]
                conn.execute("UPDATE clock SET last = ?", (str(Stamp(wall_ms() + 120_000, 0, node)),))
        finally:
            conn.close()
        crewdeck("-w", str(mia), "post", "approve", post_id)
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        held = _head(raj)
        crewdeck("-w", str(raj), "sync")
        assert _notice(raj, "raj", held) == (
            "@mia approved “Launch reel” (copy): given on the version before a change voided the round, it counts for "
            "nothing: it is a draft until it is submitted again"
        )
        shown = json.loads(crewdeck("-w", str(raj), "post", "show", post_id, "--json"))
        assert shown["history"][-1]["what"] == "approved copy (given on the version before a change voided the round)"
        out = crewdeck("-w", str(mia), "sync")
        said = [line for line in out.splitlines() if "voids" in line]
        assert said == [f"{VOIDED[: -len('that voids the round')]}{LATE}: it is a draft until it is submitted again"], out


def test_the_writers_notice_of_an_approval_his_change_voided_before_it_reached_him_says_it_counts_for_nothing(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """mia approved, raj changed the copy, neither had synced; her approval reached the server first.  raj's app told
    it as "@mia approved “Launch reel” (copy)" alone, the post a draft: said only of an approval stamped after the
    change, where whether it counts now is what he needs to know."""
    with submitted_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(mia), "post", "approve", post_id)
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(mia), "sync")
        held = _head(raj)
        crewdeck("-w", str(raj), "sync")
        assert json.loads(crewdeck("-w", str(raj), "post", "show", post_id, "--json"))["state"] == "draft"
        assert _notice(raj, "raj", held) == (
            "@mia approved “Launch reel” (copy): given on the version before a change voided the round, it counts for "
            "nothing: it is a draft until it is submitted again"
        )
        # Changed back, the round goes on with her approval: told as it always was.
        crewdeck("-w", str(raj), "post", "copy", post_id, "Big day")
        assert _notice(raj, "raj", held, "post_approval") == "@mia approved “Launch reel” (copy)"


def test_a_void_changed_back_and_voided_again_is_said_of_the_last_void_alone(tmp_path: Path, served_files: ServedFiles) -> None:
    """raj changed the copy, mia approved offline, raj changed it back (her approval counted again) and changed it once
    more.  Her one `crewdeck sync` said of the first change "your approval … counts for nothing", false from the change
    back on, besides the last change's "voids the round and your approval"."""
    with submitted_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(mia), "post", "approve", post_id)
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(raj), "post", "copy", post_id, "Big day")
        crewdeck("-w", str(raj), "post", "copy", post_id, "Biggest day")
        crewdeck("-w", str(raj), "sync")
        held = _head(mia)
        out = crewdeck("-w", str(mia), "sync")
        said = [line for line in out.splitlines() if "voids" in line]
        last = "@raj changed the copy of “Launch reel”: “Big day” → “Biggest day”: that voids the round and your approval"
        assert said == [f"{last}: it is a draft until it is submitted again"], out
        notice = _notice(mia, "mia", held)
        assert notice is not None and notice.count("voids") == 1 and f"{last}: it is a draft" in notice, notice


def test_an_approval_given_offline_after_the_change_and_the_submission_after_it_is_told_as_counting_for_nothing(
    tmp_path: Path,
    served_files: ServedFiles,
) -> None:
    """raj changed the copy and submitted it again; mia, offline, approved the version she had, after both.  Her
    approval, stamped after the new submission, was looked for only before it: raj's app said "@mia approved “Launch
    reel” (copy)" alone of the post in review for the new version, as if she had approved it, and mia was told nothing."""
    with submitted_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "post", "submit", post_id)
        crewdeck("-w", str(mia), "post", "approve", post_id)
        crewdeck("-w", str(mia), "sync")
        held = _head(raj)
        crewdeck("-w", str(raj), "sync")
        assert json.loads(crewdeck("-w", str(raj), "post", "show", post_id, "--json"))["state"] == "in-review"
        assert _notice(raj, "raj", held) == (
            "@mia approved “Launch reel” (copy): given on the version before a change voided the round, it counts for nothing"
        )
        out = crewdeck("-w", str(mia), "sync")
        said = [line for line in out.splitlines() if "voids" in line]
        assert said == [f"{VOIDED[: -len('that voids the round')]}{LATE}"], out


def test_a_void_the_apps_round_told_after_a_crewdeck_sync_cut_off_is_not_said_again(tmp_path: Path, served_files: ServedFiles) -> None:
    """mia's `crewdeck sync` was cut off before it pulled anything; then her app's round pulled raj's change, told it
    by its watcher, and was cut off too.  The next `crewdeck sync` told the change again: the first round kept where its
    pull began and nothing of where it ended, and so took the app's pull for its own."""

    from .test_sync_overwritten import round_cut_off

    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "add", "Cut the teaser")
        crewdeck("-w", str(raj), "sync")
        round_cut_off(mia, None)
        round_cut_off(mia, "Bigger day", pull_told=True)  # as the app's engine runs it
        assert json.loads(crewdeck("-w", str(mia), "post", "show", post_id, "--json"))["state"] == "draft"
        out = crewdeck("-w", str(mia), "sync")
        assert "voids" not in out and "pulled" in out, out


def test_an_approval_the_rules_would_not_count_is_not_told_as_one_a_change_took(tmp_path: Path, served_files: ServedFiles) -> None:
    """mia approved offline after raj's change; meanwhile the campaign's copy step went to ana.  Judged by the rules her
    approval would not have counted on the version before the change either, as her approval given before the change
    is not told as voided, but her sync said "your approval, given on the version before this change, counts for
    nothing", as if the change had taken it."""
    with submitted_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(mia), "post", "approve", post_id)
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(raj), "sync")
        crewdeck("-w", str(tmp_path / "team.db"), "--as", "ana", "campaign", "set", "launch", "--approvals", "copy:@ana")
        out = crewdeck("-w", str(mia), "sync")
        assert "your approval" not in out and "pulled" in out, out
        shown = json.loads(crewdeck("-w", str(mia), "post", "show", post_id, "--json"))
        assert shown["history"][-1]["what"] == "approved copy", shown["history"]


def test_a_void_the_apps_round_told_between_two_crewdeck_syncs_cut_off_is_not_said_again(tmp_path: Path, served_files: ServedFiles) -> None:
    """mia's `crewdeck sync` was cut off after pulling a task; her app's round pulled raj's copy change, told it by its
    watcher, and was cut off; a second `crewdeck sync` was cut off after pulling another task.  The two kept pulls were
    made one stretch, from the first's start to the last's end, and the next `crewdeck sync` told the app's void again
    (close-stop42: "it needs a list of kept stretches")."""

    from .test_sync_overwritten import round_cut_off

    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "add", "Book the studio")
        crewdeck("-w", str(raj), "add", "Brief the editor")  # what the pull was cut off before
        crewdeck("-w", str(raj), "sync")
        round_cut_off(mia, "Book the studio")
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "add", "Check the cut")
        crewdeck("-w", str(raj), "sync")
        round_cut_off(mia, "Bigger day", pull_told=True)  # as the app's engine runs it
        crewdeck("-w", str(raj), "add", "Cut the teaser")
        crewdeck("-w", str(raj), "add", "Send the cut")
        crewdeck("-w", str(raj), "sync")
        round_cut_off(mia, "Cut the teaser")
        assert json.loads(crewdeck("-w", str(mia), "post", "show", post_id, "--json"))["state"] == "draft"
        out = crewdeck("-w", str(mia), "sync")
        assert "voids" not in out and "pulled" in out, out


def test_voids_in_two_pulls_kept_apart_are_each_said_once_by_the_next_crewdeck_sync(tmp_path: Path, served_files: ServedFiles) -> None:
    """Two `crewdeck sync` rounds cut off, each after pulling a change that voided one of mia's approvals, with the
    app's round told between them: the next `crewdeck sync` says both voids, once each (the pulls kept apart)."""

    from .test_sync_overwritten import round_cut_off

    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        teaser = crewdeck("-w", str(raj), "post", "add", "Teaser +launch post:instagram publish:2030-01-11 18:00").strip()
        crewdeck("-w", str(raj), "post", "copy", teaser, "Soon")
        crewdeck("-w", str(raj), "post", "submit", teaser)
        crewdeck("-w", str(raj), "sync")
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(mia), "post", "approve", teaser)
        crewdeck("-w", str(mia), "sync")
        crewdeck("-w", str(raj), "sync")
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")
        crewdeck("-w", str(raj), "add", "Brief the editor")
        crewdeck("-w", str(raj), "sync")
        round_cut_off(mia, "Bigger day")
        crewdeck("-w", str(raj), "add", "Book the studio")
        crewdeck("-w", str(raj), "add", "Check the cut")
        crewdeck("-w", str(raj), "sync")
        round_cut_off(mia, "Book the studio", pull_told=True)  # as the app's engine runs it
        crewdeck("-w", str(raj), "post", "copy", teaser, "Sooner")
        crewdeck("-w", str(raj), "add", "Send the cut")
        crewdeck("-w", str(raj), "sync")
        round_cut_off(mia, "Sooner")
        said = [line for line in crewdeck("-w", str(mia), "sync").splitlines() if "voids" in line]
        assert len(said) == 2 and "“Big day” → “Bigger day”" in said[0] and "“Soon” → “Sooner”" in said[1], said
        assert "voids" not in crewdeck("-w", str(mia), "sync")


def test_pulls_kept_by_many_crewdeck_syncs_cut_off_in_a_row_are_bounded_and_their_voids_said_once(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """Each `crewdeck sync` cut off after its pull, with an edit of mia's after it, kept its pull apart, without end:
    the next round searched each for voids (rf 6).  Past ``KEPT_PULLS`` the oldest are made one: nothing kept is lost."""
    from crewdeck.sync.client.metakeys import META_UNTOLD_COUNTS
    from crewdeck.sync.client.remote import KEPT_PULLS
    from crewdeck.sync.state.store import Store

    from .test_sync_overwritten import round_cut_off

    with approved_post(tmp_path, served_files) as (raj, mia, post_id):
        crewdeck("-w", str(raj), "post", "copy", post_id, "Bigger day")  # pulled by the first round cut off
        for n in range(KEPT_PULLS + 2):
            crewdeck("-w", str(raj), "add", f"Take {n}")
            crewdeck("-w", str(raj), "add", f"Retake {n}")  # what the pull was cut off before
            crewdeck("-w", str(raj), "sync")
            round_cut_off(mia, f"Take {n}")
            crewdeck("-w", str(mia), "add", f"Note {n}")  # an edit of her own between two rounds: the pulls stay apart
        with Store(mia) as store:
            counts = (store.get_meta(META_UNTOLD_COUNTS) or "").split()
        assert len(counts) == 4 + 2 * KEPT_PULLS, counts
        said = [line for line in crewdeck("-w", str(mia), "sync").splitlines() if "voids" in line]
        assert said == [VOIDED + " and your approval: it is a draft until it is submitted again"], said
        assert "voids" not in crewdeck("-w", str(mia), "sync")
