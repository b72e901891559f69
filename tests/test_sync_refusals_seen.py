"""What a member sees when the sync server refuses what they did offline: the CLI's sync, and the app's notice."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

from pytest import MonkeyPatch

from crewdeck.sync.client.engine import SyncEngine
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.cli.main import main
from crewdeck.tui.posts import writing

from .apphelp import cursor_on, make_app, settle, until
from .conftest import NOW
from .syncsupport import ServedFiles, crewdeck, crewdeck_fails, make_team, new_token
from .test_sync_overwritten import round_cut_off, stood


@contextmanager
def refused_offline(tmp_path: Path, files: ServedFiles) -> Iterator[Path]:
    """raj's replica holding “Rough cut”, made offline for @lee, whom a manager removed meanwhile on the file ``files``
    serves (the module's server, ``served_files``)."""
    team = make_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "member", "add", "lee", "--name", "Lee Park", "--tz", "Asia/Seoul")
    served = files.serve(team)
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", files.server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck("-w", str(replica), "add", "Rough cut @lee")
        crewdeck("-w", str(team), "--as", "ana", "member", "rm", "lee")
        yield replica
    finally:
        assert files.unserve(served) == ""  # no request of this test failed on the server's side


@contextmanager
def raj_offline_while(tmp_path: Path, files: ServedFiles, *change: str) -> Iterator[Path]:
    """raj's replica holding “Rough cut”, made offline, while a manager ran ``change`` (``member …`` on raj) on the served
    file; it is served until the block ends."""
    team = make_team(tmp_path)
    served = files.serve(team)
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", files.server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck("-w", str(replica), "add", "Rough cut")
        crewdeck("-w", str(team), "--as", "ana", *change)
        yield replica
    finally:
        assert files.unserve(served) == ""  # no request of this test failed on the server's side


def sync_notices(app: CrewdeckApp) -> list[str]:
    return [str(n.message) for n in app._notifications if n.title == "sync refused"]


ROUGH_CUT = "@raj added “Rough cut” for ex-@lee: task.assignee: @lee was removed from this workspace (rule removed_assignee)"


def test_sync_tells_a_refused_new_task_in_one_line_as_the_log_tells_it_made(tmp_path: Path, served_files: ServedFiles) -> None:
    # It took five lines, one a field: "@raj set created_at of “Rough cut” to 2026-12-05T09:00:56Z: …", the same for
    # created_by, status, title and assignee, each with the same reason.
    with refused_offline(tmp_path, served_files) as replica:
        out = crewdeck("-w", str(replica), "sync")
    assert [line for line in out.splitlines() if line.startswith("  ")] == [f"  {ROUGH_CUT}"], out


def refusal_notices(app: CrewdeckApp) -> list[str]:
    return [str(n.message) for n in app._notifications if n.title == "the server refused a change of yours"]


async def test_the_apps_notice_says_what_the_server_refused_not_only_why(tmp_path: Path, served_files: ServedFiles) -> None:
    with refused_offline(tmp_path, served_files) as replica:
        app = make_app(replica, "raj")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: bool(refusal_notices(app)), "the refusal notice")
            [notice] = refusal_notices(app)
    assert notice == f"{ROUGH_CUT}; crewdeck log lists what was refused", notice


async def test_the_apps_refusal_notice_is_given_once_as_the_clock_ticks(
    tmp_path: Path, served_files: ServedFiles, monkeypatch: MonkeyPatch
) -> None:
    # Each tick of the header's clock (every 15 s) showed the last round's status again, and with it its
    # refusals: until the next round, every tick put up the same notice once more.
    monkeypatch.setattr(SyncEngine, "POLL_INTERVAL", 3600.0)
    with refused_offline(tmp_path, served_files) as replica:
        app = make_app(replica, "raj")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: bool(refusal_notices(app)), "the refusal notice")
            for _ in range(2):
                app._tick_clock()
                await settle(pilot)
            assert len(refusal_notices(app)) == 1, refusal_notices(app)


def test_a_member_made_a_guest_meanwhile_is_told_their_offline_edits_stay_unsent(tmp_path: Path, served_files: ServedFiles) -> None:
    with raj_offline_while(tmp_path, served_files, "member", "set", "raj", "--access", "guest") as replica:
        said = crewdeck_fails("-w", str(replica), "sync")
    assert "a guest's token holds no replica" in said, said
    assert f"1 edit made here was not sent and stays in {replica}" in said, said
    assert "(not sent yet)" in crewdeck("-w", str(replica), "log")


async def test_the_app_of_a_member_made_a_guest_says_their_offline_edits_stay_unsent(tmp_path: Path, served_files: ServedFiles) -> None:
    with raj_offline_while(tmp_path, served_files, "member", "set", "raj", "--access", "guest") as replica:
        app = make_app(replica, "raj")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: bool(sync_notices(app)), "the refusal's notice")
            [notice] = sync_notices(app)
    assert notice.startswith("a guest's token holds no replica"), notice
    assert f"1 edit made here was not sent and stays in {replica}, sent once a manager makes you a member again" in notice


async def test_the_app_of_a_member_removed_meanwhile_says_their_offline_edits_were_never_sent(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    with raj_offline_while(tmp_path, served_files, "member", "rm", "raj") as replica:
        app = make_app(replica, "raj")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: bool(sync_notices(app)), "the refusal's notice")
            [notice] = sync_notices(app)
        said = crewdeck_fails("-w", str(replica), "sync")
    assert notice.startswith("you were removed from this workspace; "), notice
    assert f"1 edit made here was never sent and stays in {replica}" in notice, notice
    assert f"1 edit made here was never sent and stays in {replica}" in said, said
    assert "(never sent: you were removed)" in crewdeck("-w", str(replica), "log")


def test_sync_counts_what_it_refused_on_its_own_not_as_part_of_what_was_pushed(tmp_path: Path, served_files: ServedFiles) -> None:
    with refused_offline(tmp_path, served_files) as replica:
        out = crewdeck("-w", str(replica), "sync")
    assert out.startswith("pushed 0, "), out
    assert "the server refused 1 edit made here; it is out of this replica (crewdeck log lists it):" in out, out


def test_log_of_a_refused_new_task_by_its_id_lists_what_was_refused(tmp_path: Path, served_files: ServedFiles) -> None:
    with refused_offline(tmp_path, served_files) as replica:
        crewdeck("-w", str(replica), "sync")
    with Store(replica) as store:
        [task_id] = {op.row_id for op, *_ in store.refused(reader=None)}
    log = crewdeck("-w", str(replica), "log", task_id[:8])
    assert log.split("  ", 1)[1] == f"REFUSED: {ROUGH_CUT}\n", log


@contextmanager
def refused_edit(tmp_path: Path, files: ServedFiles) -> Iterator[tuple[Path, str]]:
    """raj's replica after a sync refused his offline assignment of “Shoot” to @lee (removed meanwhile); the task's id."""
    team = make_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "member", "add", "lee", "--name", "Lee Park", "--tz", "Asia/Seoul")
    task_id = crewdeck("-w", str(team), "--as", "ana", "add", "Shoot").strip()
    served = files.serve(team)
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", files.server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck("-w", str(replica), "set", task_id[:8], "assignee=@lee")
        crewdeck("-w", str(team), "--as", "ana", "member", "rm", "lee")
        crewdeck("-w", str(replica), "sync")
        yield replica, task_id
    finally:
        assert files.unserve(served) == ""  # no request of this test failed on the server's side


REFUSED_ASSIGNMENT = (
    "REFUSED: @raj set assignee of “Shoot” to ex-@lee: task.assignee: @lee was removed from this workspace (rule removed_assignee)"
)


def test_show_lists_an_edit_the_server_refused_in_the_tasks_history(tmp_path: Path, served_files: ServedFiles) -> None:
    with refused_edit(tmp_path, served_files) as (replica, task_id):
        shown = crewdeck("-w", str(replica), "show", task_id[:8])
    history = shown.split("History")[1]
    assert REFUSED_ASSIGNMENT in history, shown
    assert "assignee  nobody" in shown


async def test_the_apps_detail_lists_an_edit_the_server_refused_in_the_tasks_history(tmp_path: Path, served_files: ServedFiles) -> None:
    with refused_edit(tmp_path, served_files) as (replica, task_id):
        app = make_app(replica, "raj")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            assert await cursor_on(app, pilot, "Shoot") == task_id
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, DetailScreen)
            body = str(app.screen.query_one("#detail-body").render())
    assert REFUSED_ASSIGNMENT in " ".join(body.split("History")[1].split()), body


def test_sync_says_how_many_refusals_it_did_not_list(tmp_path: Path, served_files: ServedFiles) -> None:
    with refused_offline(tmp_path, served_files) as replica:
        with Store(replica) as store:
            raj, lee = (store.conn.execute("SELECT id FROM member WHERE handle = ?", (h,)).fetchone()[0] for h in ("raj", "lee"))
            with store.write(raj) as w:
                for take in range(2, 25):
                    w.create("task", {"title": f"Rough cut {take}", "assignee": lee, "created_by": raj, "status": "inbox"})
        out = crewdeck("-w", str(replica), "sync")
    assert out.splitlines()[1].startswith("the server refused 24 edits made here;"), out
    assert len([line for line in out.splitlines() if line.startswith("  @raj added “Rough cut")]) == 20, out
    assert out.splitlines()[-1] == "  … and 4 more: crewdeck log lists every one", out


def test_a_task_refused_with_its_refused_campaign_names_that_campaign(tmp_path: Path, served_files: ServedFiles) -> None:
    team = make_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "manager")
    served = served_files.serve(team)
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", served_files.server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck("-w", str(replica), "campaign", "add", "spring")
        crewdeck("-w", str(replica), "add", "Plan spring +spring")
        crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "member")
        out = crewdeck("-w", str(replica), "sync")
    finally:
        assert served_files.unserve(served) == ""  # no request of this test failed on the server's side
    with Store(replica) as store:
        [campaign_id] = {op.row_id for op, *_ in store.refused(reader=None) if op.entity == "campaign"}
    said = f"task.campaign: campaign “spring” ({campaign_id[:8]}) is refused in the same batch (rule unknown_campaign)"
    assert f"  @raj added “Plan spring”: {said}" in out, out


def test_a_refused_budget_is_named_by_what_it_budgets(tmp_path: Path, served_files: ServedFiles) -> None:
    team = make_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "manager")
    crewdeck("-w", str(team), "--as", "ana", "campaign", "add", "launch")
    served = served_files.serve(team)
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", served_files.server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck("-w", str(replica), "budget", "set", "launch", "ads", "500 EUR")
        crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "member")
        out = crewdeck("-w", str(replica), "sync")
    finally:
        assert served_files.unserve(served) == ""  # no request of this test failed on the server's side
    # One line for the budget, its amount as money: field by field it read "set amount of … to 50000", in minor units.
    said = "  @raj set the ads budget of launch for the run to 500.00 EUR: only a manager may change budget records (@raj is a member)"
    assert said in out and "50000" not in out, out
    assert "budget:" not in out, out


def test_log_places_a_refused_write_where_it_was_made_and_counts_it_in_the_limit(tmp_path: Path, served_files: ServedFiles) -> None:
    # Every refusal came first, however old, and on top of --limit: with a hundred refused, log --limit 10 printed 110 lines.
    with refused_offline(tmp_path, served_files) as replica:
        crewdeck("-w", str(replica), "sync")
    lines = crewdeck("-w", str(replica), "log", "--limit", "2").splitlines()
    assert len(lines) == 2, lines
    assert "  @ana removed ex-@lee" in lines[0] and f"  REFUSED: {ROUGH_CUT}" in lines[1], lines


def test_log_json_places_a_refused_operation_where_it_was_made_and_counts_it_in_the_limit(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    # As the text log does: every refused operation came first, however old, and on top of --limit.
    with refused_offline(tmp_path, served_files) as replica:
        crewdeck("-w", str(replica), "sync")
        entries = json.loads(crewdeck("-w", str(replica), "log", "--json", "--limit", "1000"))
        first = next(i for i, entry in enumerate(entries) if "refused" in entry)
        limited = json.loads(crewdeck("-w", str(replica), "log", "--json", "--limit", str(first + 1)))
    assert first > 0 and entries[0]["member"] == "ana" and entries[0]["id"] != entries[first]["id"], entries[:first]
    assert [entry["at"] for entry in entries] == sorted((entry["at"] for entry in entries), reverse=True), entries
    assert limited == entries[: first + 1], limited


def test_sync_says_when_a_task_changed_offline_was_deleted_meanwhile_and_where_the_changes_are(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    # The round said "pushed 2, pulled 1 operation" and the task left every list: what raj typed on the train was
    # in a deleted task nobody told him of.
    team = make_team(tmp_path)
    task_id = crewdeck("-w", str(team), "--as", "ana", "add", "Shoot @raj").strip()
    served = served_files.serve(team)
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", served_files.server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck("-w", str(replica), "set", task_id[:8], "notes=typed on the train")
        crewdeck("-w", str(team), "--as", "ana", "rm", task_id[:8])
        out = crewdeck("-w", str(replica), "sync")
        again = crewdeck("-w", str(replica), "sync")
    finally:
        assert served_files.unserve(served) == ""  # no request of this test failed on the server's side
    said = (
        f"“Shoot”, which you changed here, was deleted by @ana meanwhile, {stood(team, task_id, 'deleted')}; what you wrote is kept "
        f"in it: crewdeck show {task_id[:8]}"
    )
    assert said in out.splitlines(), out
    assert "deleted" not in again, again  # said once, by the round that brought the deletion
    assert "typed on the train" in crewdeck("-w", str(replica), "show", task_id[:8])


def test_a_command_on_a_task_the_server_refused_says_so_and_where_to_read_why(tmp_path: Path, served_files: ServedFiles) -> None:
    # show, set, done and rm of the id crewdeck log had just listed said "no task with id …", as of a typo.
    with refused_offline(tmp_path, served_files) as replica:
        crewdeck("-w", str(replica), "sync")
    with Store(replica) as store:
        [task_id] = {op.row_id for op, *_ in store.refused(reader=None)}
    for command in (["show", task_id[:8]], ["set", task_id[:8], "priority=high"], ["done", task_id[:8]]):
        said = crewdeck_fails("-w", str(replica), *command)
        assert said == (
            f"crewdeck: error: task {task_id[:8]} “Rough cut” was refused by the sync server and is not in this replica "
            f"(crewdeck log {task_id[:8]} says why)\n"
        ), said


def test_a_lone_refused_operation_on_a_campaign_names_the_campaign(tmp_path: Path, served_files: ServedFiles) -> None:
    """raj, a manager, marked “Launch” done offline and was made a member meanwhile: the refusal read
    "set status of campaign 7a9033be to done", the campaign's id, in sync and log (and the app's notice, from the same)."""
    team = make_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "manager")
    crewdeck("-w", str(team), "--as", "ana", "campaign", "add", "Launch")
    served = served_files.serve(team)
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", served_files.server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck("-w", str(replica), "campaign", "set", "Launch", "--status", "done")
        crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "member")
        said = crewdeck("-w", str(replica), "sync")
    finally:
        assert served_files.unserve(served) == ""  # no request of this test failed on the server's side
    assert "\n  @raj set status of campaign Launch to done: " in said, said
    assert "REFUSED: @raj set status of campaign Launch to done: " in crewdeck("-w", str(replica), "log"), said


def test_a_member_the_server_removed_is_refused_new_edits_up_front_with_the_rules_words(tmp_path: Path, served_files: ServedFiles) -> None:
    # Their replica took every edit, and the notice said each would never be sent: a removed member's writes were
    # accepted here only to be refused by the server, as a guest's are refused up front.
    with raj_offline_while(tmp_path, served_files, "member", "rm", "raj") as replica:
        crewdeck_fails("-w", str(replica), "sync")
    said = crewdeck_fails("-w", str(replica), "add", "Written after the removal")
    assert said == "crewdeck: error: @raj was removed from this workspace (rule member_removed)\n", said
    log = crewdeck("-w", str(replica), "log")
    assert "Written after the removal" not in log and "“Rough cut”" in log, log


def test_a_refusal_stays_listed_once_the_replica_turned_out_to_be_a_copy(tmp_path: Path, served_files: ServedFiles) -> None:
    """raj's laptop, refused “Rough cut” before, was copied to his desktop; both typed; the second to sync takes a node
    of its own: what the server refused of it before is still in its log, and it still names the refused task's id."""
    with refused_offline(tmp_path, served_files) as replica:
        crewdeck("-w", str(replica), "sync")
        desktop = tmp_path / "desktop.db"
        shutil.copyfile(replica, desktop)
        crewdeck("-w", str(replica), "add", "Typed on the laptop")
        crewdeck("-w", str(replica), "sync")
        crewdeck("-w", str(desktop), "add", "Typed on the desktop")
        assert "carried over" in crewdeck("-w", str(desktop), "sync")
        with Store(desktop) as store:
            [task_id] = {op.row_id for op, *_ in store.refused(reader=None)}
        log = crewdeck("-w", str(desktop), "log")
        assert f"REFUSED: {ROUGH_CUT}" in log, log
        said = crewdeck_fails("-w", str(desktop), "show", task_id[:8])
        assert "refused" in said, said


def test_a_refusal_a_round_cut_off_after_its_push_was_given_is_told_by_the_next_round_once(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    # The push's answer said the server refused “Rough cut”, the pull then failed: sync said only that the network had
    # dropped, the next said "pushed 0, pulled …", and the task had gone from the replica without a word.
    with refused_offline(tmp_path, served_files) as replica:
        round_cut_off(replica, None)
        out = crewdeck("-w", str(replica), "sync")
        again = crewdeck("-w", str(replica), "sync")
    assert [line for line in out.splitlines() if line.startswith("  ")] == [f"  {ROUGH_CUT}"], out
    assert "refused" not in again, again


def test_undo_passes_by_a_change_the_server_refused_and_takes_back_the_one_before(tmp_path: Path, served_files: ServedFiles) -> None:
    """The refused change's operations leave the replica: its `crewdeck undo` said "nothing to undo" at every try, and
    raj's change before it was out of reach."""
    team = make_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "member", "add", "lee", "--name", "Lee Park", "--tz", "Asia/Seoul")
    served = served_files.serve(team)
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", served_files.server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck("-w", str(replica), "add", "Caption for Monday")
        crewdeck("-w", str(replica), "add", "Rough cut @lee")
        crewdeck("-w", str(team), "--as", "ana", "member", "rm", "lee")
        assert "the server refused 1 edit made here" in crewdeck("-w", str(replica), "sync")
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            assert main(["-w", str(replica), "undo"]) == 0, err.getvalue()
        assert out.getvalue() == "undid: added “Caption for Monday”\n"
        assert err.getvalue() == (
            "note: your last change made with a crewdeck command is no longer in this file (the sync server refused it): "
            "undoing the one before\n"
        )
        said = crewdeck_fails("-w", str(replica), "undo")
    finally:
        assert served_files.unserve(served) == ""  # no request of this test failed on the server's side
    assert said.endswith("nothing to undo: no change of yours made with a crewdeck command on this file (the app's own: u)\n")


@contextmanager
def _replica_of(team: Path, files: ServedFiles, handle: str = "raj") -> Iterator[Path]:
    """``handle``'s replica of ``team``, served by ``files``, joined: its path, for as long as the block."""
    served = files.serve(team)
    try:
        replica = team.parent / f"{handle}.db"
        crewdeck("join", files.server.url, "--token", new_token(handle, "--workspace", str(team)), str(replica))
        yield replica
    finally:
        assert files.unserve(served) == ""  # no request of the test failed on the server's side


def _scheduled_post(ana: tuple[str, ...]) -> str:
    """“Launch reel”, an Instagram post with its copy, submitted and scheduled by ``ana``'s commands: its id."""
    post = crewdeck(*ana, "post", "add", "Launch reel post:instagram publish:2030-01-02 12:00").strip()
    crewdeck(*ana, "post", "copy", post, "Big day")
    crewdeck(*ana, "post", "submit", post)
    crewdeck(*ana, "post", "schedule", post)
    return post


def test_a_crisis_end_refused_as_ended_already_says_nothing_of_the_posts_it_resumed_apart(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """raj, a manager, ended “bad press” offline resuming its posts, while ana ended it on the file resuming none: the
    server took raj's resume of “Launch reel” (a write of its own) and refused the end, which read "REFUSED: @raj ended
    the crisis “bad press” and resumed its posts", as if the post stayed held, where it is scheduled again."""
    team = make_team(tmp_path)
    ana = ("-w", str(team), "--as", "ana")
    crewdeck(*ana, "member", "set", "raj", "--access", "manager")
    post = _scheduled_post(ana)
    crisis = crewdeck(*ana, "crisis", "start", "--reason", "bad press").splitlines()[0]
    served = served_files.serve(team)
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", served_files.server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck("-w", str(replica), "crisis", "end", crisis, "--resume", "all")
        crewdeck(*ana, "crisis", "end", crisis, "--resume", "none")
        said = crewdeck("-w", str(replica), "sync")
    finally:
        assert served_files.unserve(served) == ""  # no request of this test failed on the server's side
    refused = f"@raj ended the crisis “bad press”: crisis {crisis[:8]} has ended already (rule crisis_ended)"
    assert [line for line in said.splitlines() if line.startswith("  ")] == [f"  {refused}"], said
    assert f"REFUSED: {refused}" in crewdeck("-w", str(replica), "log"), said
    assert json.loads(crewdeck("-w", str(replica), "post", "show", post, "--json"))["state"] == "scheduled"


def test_a_publish_refused_for_a_crisis_it_did_not_know_of_leaves_the_post_undone_without_its_live_url(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """raj published “Launch reel” offline while ana's crisis held it: the server refused its state, published, and
    took the rest of the same write, so the held post read done (gone from the open tasks) with a live URL and a time
    it went out, on every replica."""
    team = make_team(tmp_path)
    ana = ("-w", str(team), "--as", "ana")
    post = _scheduled_post(ana)
    served = served_files.serve(team)
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", served_files.server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck(*ana, "crisis", "start", "--reason", "bad press")
        crewdeck("-w", str(replica), "post", "publish", post, "--url", "https://example.com/reel")
        said = crewdeck("-w", str(replica), "sync")
    finally:
        assert served_files.unserve(served) == ""  # no request of this test failed on the server's side
    assert [line for line in said.splitlines() if line.startswith("  ")] == [
        "  @raj marked “Launch reel” published, live at https://example.com/reel: “Launch reel” cannot be "
        "published: the crisis “bad press” "
        f"({said.split('the crisis “bad press” (')[1][:8]}) holds it: resume it first (rule not_publishable)"
    ], said
    for workspace in (ana, ("-w", str(replica))):
        shown = json.loads(crewdeck(*workspace, "show", post, "--json"))
        assert (shown["state"], shown["status"], shown["live_url"], shown["published_at"]) == ("paused", "inbox", "", None), workspace


def test_sync_says_a_crisis_it_pulled_started_or_ended(tmp_path: Path, served_files: ServedFiles) -> None:
    """raj, offline while ana started “bad press” and ended it, synced and read “pulled 12 operations” and nothing of a
    crisis that held the post he had scheduled: the app's banner says it, the command line said nothing."""
    team = make_team(tmp_path)
    ana = ("-w", str(team), "--as", "ana")
    with _replica_of(team, served_files) as replica:
        crewdeck(*ana, "crisis", "start", "--reason", "bad press")
        started = crewdeck("-w", str(replica), "sync")
        crewdeck(*ana, "crisis", "end", "--resume", "none")
        ended = crewdeck("-w", str(replica), "sync")
        again = crewdeck("-w", str(replica), "sync")
    assert started.splitlines()[1:] == ["@ana started a crisis: “bad press”: crewdeck crisis status says what it holds"], started
    assert ended.splitlines()[1:] == ["@ana ended the crisis “bad press” (no post resumed)"], ended
    assert len(again.splitlines()) == 1, again


def test_sync_says_a_crisis_the_member_started_on_another_machine(tmp_path: Path, served_files: ServedFiles) -> None:
    """ana started “bad press” on the team's host and synced her laptop's replica: it said nothing of the crisis, read
    as hers, though that replica had not seen it; one she starts on the laptop is not said back to her."""
    team = make_team(tmp_path)
    with _replica_of(team, served_files, "ana") as replica:
        crewdeck("-w", str(team), "--as", "ana", "crisis", "start", "--reason", "bad press")
        said = crewdeck("-w", str(replica), "sync")
        crewdeck("-w", str(replica), "crisis", "end", "--resume", "none")
        ended = crewdeck("-w", str(replica), "sync")
    assert said.splitlines()[1:] == ["@ana started a crisis: “bad press”: crewdeck crisis status says what it holds"], said
    assert len(ended.splitlines()) == 1, ended


def test_sync_lists_the_crises_it_pulled_as_it_lists_refusals_and_says_no_ended_one_holds_anything(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """raj, offline while ana started “worse press” and ran eleven crises from start to end, read a line for each of the
    23 with no end, and “bad press 0”, ended in the same pull, said “crewdeck crisis status says what it holds”."""
    team = make_team(tmp_path)
    with _replica_of(team, served_files) as replica:
        with Store(team) as store:
            ana = next(row[0] for row in store.conn.execute("SELECT id FROM member WHERE handle = 'ana'"))
            writing.start_crisis(store, ana, NOW, "worse press")
            for n in range(11):
                writing.end_crisis(store, ana, NOW, writing.start_crisis(store, ana, NOW, f"bad press {n}"), "none")
        said = crewdeck("-w", str(replica), "sync").splitlines()
    assert said[1:4] == [
        "@ana started a crisis: “worse press”: crewdeck crisis status says what it holds",
        "@ana started a crisis: “bad press 0”",
        "@ana ended the crisis “bad press 0” (no post resumed)",
    ], said
    assert len(said) == 22 and said[-1] == "… and 3 more crisis starts and ends: crewdeck log lists them", said


@contextmanager
def _crisis_pulled_cut_off(tmp_path: Path, files: ServedFiles) -> Iterator[Path]:
    """raj's replica, whose round pulled ana's crisis “bad press” and was cut off before the rest: its path."""
    team = make_team(tmp_path)
    ana = ("-w", str(team), "--as", "ana")
    with _replica_of(team, files) as replica:
        crewdeck(*ana, "crisis", "start", "--reason", "bad press")
        crewdeck(*ana, "add", "Brief the editor")
        crewdeck(*ana, "add", "Cut the teaser")  # what the pull was cut off before
        round_cut_off(replica, "Brief the editor")
        yield replica


def test_a_crisis_pulled_by_a_round_cut_off_is_said_by_the_next_crewdeck_sync_once(tmp_path: Path, served_files: ServedFiles) -> None:
    """raj's round pulled ana's crisis and the network dropped: the next `crewdeck sync` said only how many operations
    it pulled, and nothing of the crisis holding the posts."""
    with _crisis_pulled_cut_off(tmp_path, served_files) as replica:
        said = crewdeck("-w", str(replica), "sync")
        again = crewdeck("-w", str(replica), "sync")
    assert said.splitlines()[1:] == ["@ana started a crisis: “bad press”: crewdeck crisis status says what it holds"], said
    assert len(again.splitlines()) == 1, again


async def test_a_crisis_pulled_by_crewdeck_sync_cut_off_is_said_by_the_app_opened_after_it(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """raj's `crewdeck sync` pulled ana's crisis and the network dropped; the app he opened then showed the banner but
    never who started it or why: its watcher reads what comes in from its opening on.  Said once: the next `crewdeck
    sync` says nothing of it."""
    with _crisis_pulled_cut_off(tmp_path, served_files) as replica:
        app = make_app(replica, "raj")
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            said = lambda: [(n.title, str(n.message)) for n in app._notifications if "crisis" in str(n.message)]  # noqa: E731
            await until(pilot, lambda: bool(said()), "the notice of ana's crisis")
            assert said() == [
                ("a crisis started or ended", "@ana started a crisis: “bad press”: crewdeck crisis status says what it holds")
            ]
        assert len(crewdeck("-w", str(replica), "sync").splitlines()) == 1


def test_a_member_removed_offline_after_a_refused_publish_of_a_post_they_hold_stays_with_it(
    tmp_path: Path, served_files: ServedFiles
) -> None:
    """ana published mia's “Launch reel” offline while raj's crisis held it, then removed mia: the server refused the
    publish's state and status only after judging the push, so the removal had read the post as done and went through,
    and the post, open again, was held by a removed member on every replica, with crewdeck doctor finding nothing."""
    team = make_team(tmp_path)
    ana = ("-w", str(team), "--as", "ana")
    crewdeck(*ana, "member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    crewdeck(*ana, "member", "set", "raj", "--access", "manager")
    post = _scheduled_post(ana)
    crewdeck(*ana, "set", post, "assignee=mia")
    with _replica_of(team, served_files, "ana") as replica:
        crewdeck("-w", str(team), "--as", "raj", "crisis", "start", "--reason", "bad press")
        crewdeck("-w", str(replica), "post", "publish", post, "--url", "https://example.com/reel")
        crewdeck("-w", str(replica), "member", "rm", "mia")
        said = crewdeck("-w", str(replica), "sync")
    assert f"  @ana removed @mia: member.deleted: @mia holds 1 open task ({post[:8]}): " in said, said
    for workspace in (ana, ("-w", str(replica))):
        shown = json.loads(crewdeck(*workspace, "show", post, "--json"))
        assert (shown["state"], shown["status"]) == ("paused", "inbox"), workspace
        assert "@mia" in crewdeck(*workspace, "member", "list"), workspace
