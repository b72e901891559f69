"""What a member is told when what they changed offline was changed meanwhile by another member whose edit, stamped
later, wins the merge, or was deleted: the CLI's sync, and the app's notice (what they typed stays in the record)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from textual.widgets._toast import Toast

from crewdeck.sync.client.remote import Client, Offline, Remote, RoundResult, sync_round, unsent
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.time.when import format_local, stamp_time

from .apphelp import make_app, settle, until
from .conftest import NOW
from .syncsupport import PATIENCE, Server, crewdeck, make_team, new_token, wait_until
from .test_sync_copies import CARRIED, copy_replica


def _last_stamp_ms(path: Path) -> int:
    with Store(path) as store:
        return int(store.conn.execute("SELECT max(op_id) FROM ops").fetchone()[0][:13])


def stood(path: Path, row_id: str, field: str) -> str:
    """When the edit of ``field`` of ``row_id`` that stands in ``path`` was made (``LIKE`` ``row_id``: the newest of
    those rows'), as raj reads it, on his clock."""
    with Store(path) as store:
        [op_id] = store.conn.execute("SELECT max(op_id) FROM ops WHERE row_id LIKE ? AND field = ?", (row_id, field)).fetchone()
    return format_local(stamp_time(op_id), "Asia/Kolkata", NOW)


def replaced_line(team: Path, task_id: str) -> str:
    """What raj's round says of his notes of “Shoot” that ana's, made meanwhile, replaced."""
    return (
        f"“Shoot”: your edit of its notes made here was replaced by @ana's, made meanwhile, {stood(team, task_id, 'notes')} "
        f"(the later edit stands); yours is kept in its history: crewdeck log {task_id[:8]} --json"
    )


def deleted_line(team: Path, task_id: str) -> str:
    """What raj's round says of “Cut”, which he changed and ana deleted meanwhile."""
    return (
        f"“Cut”, which you changed here, was deleted by @ana meanwhile, {stood(team, task_id, 'deleted')}; what you wrote is kept in "
        f"it: crewdeck show {task_id[:8]}"
    )


def _later_than(path: Path) -> None:
    """Until this machine's clock is past the newest stamp in ``path``: a write made then is stamped after it."""
    newest = _last_stamp_ms(path)
    wait_until(lambda: time.time_ns() // 1_000_000 > newest, "the clock to pass the newest stamp")


@contextmanager
def served(tmp_path: Path) -> Iterator[tuple[Path, Path, str]]:
    """``(team file, raj's replica, the task “Shoot” of @raj)``, the server running until the block ends."""
    team = make_team(tmp_path)
    task_id = crewdeck("-w", str(team), "--as", "ana", "add", "Shoot @raj").strip()
    server = Server([str(team)]).start()
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        yield team, replica, task_id
    finally:
        assert server.stop() == ""


def test_sync_says_which_offline_edits_a_later_edit_made_meanwhile_replaced(tmp_path: Path) -> None:
    # raj's notes typed on the train went under ana's, made meanwhile: the round said "pushed 2, pulled 2 operations"
    # and nothing else, and the task read ana's notes as if raj had written none; then it said whose stood, not when.
    with served(tmp_path) as (team, replica, task_id):
        crewdeck("-w", str(replica), "set", task_id[:8], "notes=logo top-left, two variants in Drive", "priority=high")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "notes=logo bottom-right per the brand book", "title=Shoot v2")
        out = crewdeck("-w", str(replica), "sync")
        again = crewdeck("-w", str(replica), "sync")
        history = json.loads(crewdeck("-w", str(replica), "log", task_id[:8], "--json"))
    said = (
        f"“Shoot v2”: your edit of its notes made here was replaced by @ana's, made meanwhile, {stood(team, task_id, 'notes')} "
        "(the later edit stands); "
        f"yours is kept in its history: crewdeck log {task_id[:8]} --json"
    )
    assert said in out.splitlines(), out
    assert "priority" not in out, out  # ana left it: raj's stands
    assert "replaced" not in again, again
    assert any(entry["member"] == "raj" and entry["value"] == "logo top-left, two variants in Drive" for entry in history), history


def test_sync_says_nothing_of_an_edit_of_its_own_that_stands_or_one_the_other_made_alike(tmp_path: Path) -> None:
    with served(tmp_path) as (team, replica, task_id):
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "notes=ana first", "status=doing")
        _later_than(team)
        crewdeck("-w", str(replica), "set", task_id[:8], "notes=raj after", "status=review")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "status=review")
        out = crewdeck("-w", str(replica), "sync")
        shown = crewdeck("-w", str(replica), "show", task_id[:8])
    assert "replaced" not in out, out
    assert "raj after" in shown, shown


def replaced_notices(app: CrewdeckApp) -> list[str]:
    return [str(n.message) for n in app._notifications if n.title == "an edit of yours was replaced"]


async def test_the_app_says_an_offline_edit_a_later_edit_made_meanwhile_replaced(tmp_path: Path) -> None:
    # The app's notice of ana's change said she edited the notes; not that what raj had typed there was gone from them.
    with served(tmp_path) as (team, replica, task_id):
        crewdeck("-w", str(replica), "set", task_id[:8], "title=Shoot the hero banner")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "title=Shoot the banner")
        app = make_app(replica, "raj")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: bool(replaced_notices(app)), "the notice of the edit replaced")
            [notice] = replaced_notices(app)
    assert notice == (
        f"“Shoot the banner”: your edit of its title made here was replaced by @ana's, made meanwhile, "
        f"{stood(team, task_id, 'title')} (the later edit stands); "
        f"yours is kept in its history: crewdeck log {task_id[:8]} --json"
    ), notice


def deleted_notices(app: CrewdeckApp) -> list[str]:
    return [str(n.message) for n in app._notifications if n.title == "a task you changed was deleted"]


async def test_the_app_says_a_task_changed_offline_was_deleted_meanwhile_as_sync_says_it(tmp_path: Path) -> None:
    # crewdeck sync said it; the app said "@ana deleted “Shoot”" for three seconds, not that raj's notes went with it,
    # nor where they are kept.
    with served(tmp_path) as (team, replica, task_id):
        crewdeck("-w", str(replica), "set", task_id[:8], "notes=typed on the train")
        crewdeck("-w", str(team), "--as", "ana", "rm", task_id[:8])
        app = make_app(replica, "raj")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: bool(deleted_notices(app)), "the notice of the task deleted")
            [notice] = deleted_notices(app)
    assert notice == (
        f"“Shoot”, which you changed here, was deleted by @ana meanwhile, {stood(team, task_id, 'deleted')}; what you wrote is kept "
        f"in it: crewdeck show {task_id[:8]}"
    ), notice


def test_sync_lists_the_first_twenty_tasks_deleted_meanwhile_and_counts_the_rest(tmp_path: Path) -> None:
    # A teammate's bulk delete of tasks changed offline printed a line for every one, thousands for a big clean-up.
    with served(tmp_path) as (team, replica, task_id):
        more = [crewdeck("-w", str(team), "--as", "ana", "add", f"Cut {n} @raj").strip() for n in range(21)]
        crewdeck("-w", str(replica), "sync")
        every = [task_id, *more]
        crewdeck("-w", str(replica), "set", *(t[:8] for t in every), "priority=high")
        crewdeck("-w", str(team), "--as", "ana", "rm", *(t[:8] for t in every))
        out = crewdeck("-w", str(replica), "sync").splitlines()
    deleted = [line for line in out if "was deleted by @ana meanwhile" in line]
    assert len(deleted) == 20, out
    assert out[-1] == "… and 2 more tasks changed here were deleted meanwhile: crewdeck log lists them", out


class PullCutOff(httpx.BaseTransport):
    """Between a replica and a real server: pushes go through, and the pull is cut off (the network drops) once the
    operation holding ``arrives`` has come in (its page one operation long), or at once when ``arrives`` is None."""

    def __init__(self, arrives: str | None) -> None:
        self.inner = httpx.HTTPTransport()
        self.arrives = arrives
        self.cut = arrives is None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/ops"):
            return self.inner.handle_request(request)
        if self.cut:
            raise httpx.ConnectError("the network dropped", request=request)
        response = self.inner.handle_request(httpx.Request("GET", request.url.copy_set_param("limit", 1), headers=request.headers))
        response.read()
        self.cut = any(op["value"] == self.arrives for op in response.json()["ops"])
        return response

    def close(self) -> None:
        self.inner.close()


def _server_of(replica: Path) -> str:
    with Store(replica) as store:
        remote = Remote.of(store)
        assert remote is not None
        return remote.url


def round_cut_off(replica: Path, arrives: str | None, *, pull_told: bool = False) -> None:
    """A round of ``replica``'s whose pull is cut off after ``arrives`` came in; ``pull_told``: as the app's engine runs
    it, whose watcher tells what the pull stores."""
    with Store(replica) as store:
        remote = Remote.of(store)
        assert remote is not None
        client = Client.for_remote(remote, PullCutOff(arrives))
        try:
            with pytest.raises(Offline):
                sync_round(store, client, pull_told=pull_told)
        finally:
            client.close()
        assert unsent(store) == 0  # the push went through: only the pull was cut off


@pytest.mark.parametrize(
    "arrives", [None, "logo bottom-right per the brand book"], ids=["pull cut off at once", "after ana's edit came in"]
)
def test_a_notice_of_a_round_whose_pull_was_cut_off_after_its_push_is_told_by_the_next_round_once(
    tmp_path: Path, arrives: str | None
) -> None:
    # The push went through, the pull did not: the next round pushed nothing of raj's and said "pushed 0, pulled 3"
    # and never that his notes were under ana's, nor that ana had deleted the task he had changed.
    with served(tmp_path) as (team, replica, task_id):
        gone = crewdeck("-w", str(team), "--as", "ana", "add", "Cut @raj").strip()
        crewdeck("-w", str(replica), "sync")
        crewdeck("-w", str(replica), "set", task_id[:8], "notes=logo top-left, two variants in Drive")
        crewdeck("-w", str(replica), "set", gone[:8], "priority=high")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "notes=logo bottom-right per the brand book")
        crewdeck("-w", str(team), "--as", "ana", "rm", gone[:8])
        round_cut_off(replica, arrives)
        out = crewdeck("-w", str(replica), "sync").splitlines()
        again = crewdeck("-w", str(replica), "sync")
    assert replaced_line(team, task_id) in out, out
    assert deleted_line(team, gone) in out, out
    assert "replaced" not in again and "deleted" not in again, again


class HeldPull(httpx.BaseTransport):
    """A real transport whose first pull, once asked for (``asked``), waits for ``go``: a round held midway."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.asked = threading.Event()
        self.go = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/ops") and not self.asked.is_set():
            self.asked.set()
            if not self.go.wait(PATIENCE):
                raise httpx.ConnectError("the test never let the pull go", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_a_kept_notice_is_told_once_when_the_app_and_crewdeck_sync_sync_one_replica_at_once(tmp_path: Path) -> None:
    # The app's round and crewdeck sync's both began while a round before had kept its notices: each read them, and
    # each told raj that ana's edit stood over his notes and that she had deleted the task he had changed.
    with served(tmp_path) as (team, replica, task_id):
        gone = crewdeck("-w", str(team), "--as", "ana", "add", "Cut @raj").strip()
        crewdeck("-w", str(replica), "sync")
        crewdeck("-w", str(replica), "set", task_id[:8], "notes=logo top-left, two variants in Drive")
        crewdeck("-w", str(replica), "set", gone[:8], "priority=high")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "notes=logo bottom-right per the brand book")
        crewdeck("-w", str(team), "--as", "ana", "rm", gone[:8])
        round_cut_off(replica, "logo bottom-right per the brand book")  # ana's edit came in, then the network dropped
        held = HeldPull()
        told: dict[str, RoundResult | BaseException] = {}

        def app_round() -> None:
            # The app's engine: a connection of its own to the replica file, in a thread of its own.
            with Store(replica) as store:
                remote = Remote.of(store)
                assert remote is not None
                client = Client.for_remote(remote, held)
                try:
                    told["app"] = sync_round(store, client)
                except BaseException as exc:
                    told["app"] = exc
                finally:
                    client.close()

        app = threading.Thread(target=app_round)
        app.start()
        try:
            assert held.asked.wait(PATIENCE), "the app's round never pulled"
            with Store(replica) as store:
                remote = Remote.of(store)
                assert remote is not None
                client = Client.for_remote(remote)
                try:
                    told["cli"] = sync_round(store, client)
                finally:
                    client.close()
        finally:
            held.go.set()
            app.join(PATIENCE)
    cli, app_told = told["cli"], told["app"]
    assert isinstance(cli, RoundResult) and isinstance(app_told, RoundResult), told
    assert [(f.row_id, f.field) for f in cli.overwritten] == [(task_id, "notes")], cli
    assert [d.task for d in cli.deleted] == [gone], cli
    assert (app_told.overwritten, app_told.deleted) == ((), ()), app_told


def test_a_round_that_carried_writes_over_and_whose_pull_was_cut_off_says_it_at_the_next_round_once(tmp_path: Path) -> None:
    # The desktop, a copy of the laptop, took a node of its own in its push and sent its edit under it; the pull then
    # failed, and no round after ever said that it was a copy, nor that what was typed on it went under a new name.
    with served(tmp_path) as (_, laptop, _task_id):
        desktop = tmp_path / "desktop.db"
        copy_replica(laptop, desktop)
        crewdeck("-w", str(laptop), "add", "Typed on the laptop")
        crewdeck("-w", str(laptop), "sync")
        crewdeck("-w", str(desktop), "add", "Typed on the desktop")
        round_cut_off(desktop, None)
        out = crewdeck("-w", str(desktop), "sync")
        again = crewdeck("-w", str(desktop), "sync")
    assert out.startswith(CARRIED), out
    assert "the 1 edit made here that the server did not have was carried over to it and sent" in out, out
    assert "copy" not in again, again


def test_a_copied_replica_tells_what_others_replaced_or_deleted_of_the_edits_it_carried_to_a_node_of_its_own(tmp_path: Path) -> None:
    # The round that found the desktop a copy of the laptop moved its unsent edits to a node of its own and said so, but
    # not that ana's later edit stood over its notes, nor that she had deleted the task whose priority it had changed.
    with served(tmp_path) as (team, laptop, task_id):
        gone = crewdeck("-w", str(team), "--as", "ana", "add", "Cut @raj").strip()
        crewdeck("-w", str(laptop), "sync")
        desktop = tmp_path / "desktop.db"
        copy_replica(laptop, desktop)
        crewdeck("-w", str(laptop), "add", "Typed on the laptop")
        crewdeck("-w", str(laptop), "sync")
        crewdeck("-w", str(desktop), "set", task_id[:8], "notes=logo top-left, two variants in Drive")
        crewdeck("-w", str(desktop), "set", gone[:8], "priority=high")
        _later_than(desktop)
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "notes=logo bottom-right per the brand book")
        crewdeck("-w", str(team), "--as", "ana", "rm", gone[:8])
        out = crewdeck("-w", str(desktop), "sync").splitlines()
        again = crewdeck("-w", str(desktop), "sync")
    assert any("carried over" in line for line in out), out
    assert replaced_line(team, task_id) in out, out
    assert deleted_line(team, gone) in out, out
    assert "replaced" not in again and "deleted" not in again, again


def test_a_deletion_that_arrives_after_the_replica_moved_to_a_node_of_its_own_is_told_of_an_edit_made_before(tmp_path: Path) -> None:
    # ana deleted “Cut” offline; raj changed it after, synced, and his replica then turned out to be a copy and moved to
    # a node of its own. When her deletion came in, his change under the node it had before was not found: nothing said
    # that the task he had changed after her deletion was gone from every list.
    with served(tmp_path) as (team, laptop, _):
        gone = crewdeck("-w", str(team), "--as", "ana", "add", "Cut @raj").strip()
        ana = tmp_path / "ana.db"
        crewdeck("join", _server_of(laptop), "--token", new_token("ana", "--workspace", str(team)), str(ana))
        crewdeck("-w", str(laptop), "sync")
        crewdeck("-w", str(ana), "rm", gone[:8])  # offline: sent later
        _later_than(ana)
        crewdeck("-w", str(laptop), "set", gone[:8], "priority=high")
        crewdeck("-w", str(laptop), "sync")
        desktop = tmp_path / "desktop.db"
        copy_replica(laptop, desktop)
        crewdeck("-w", str(laptop), "add", "Typed on the laptop")
        crewdeck("-w", str(laptop), "sync")
        crewdeck("-w", str(desktop), "add", "Typed on the desktop")
        assert "carried over" in crewdeck("-w", str(desktop), "sync")
        crewdeck("-w", str(ana), "sync")
        out = crewdeck("-w", str(desktop), "sync").splitlines()
    assert deleted_line(team, gone) in out, out


def _told(path: Path, task_id: str) -> list[str]:
    """``crewdeck log TASK``'s sentences, newest first, without their times."""
    return [line.split("  ", 1)[1] for line in crewdeck("-w", str(path), "log", task_id[:8], "--limit", "3").splitlines()]


def test_the_history_says_an_edit_was_made_without_having_seen_the_one_it_replaced(tmp_path: Path) -> None:
    # ana's notes, written while raj's sat unsent on his laptop, read "@ana edited the notes: “raj's” → “ana's”", as if
    # she had read his and rewritten them; she never had them.
    with served(tmp_path) as (team, replica, task_id):
        crewdeck("-w", str(replica), "set", task_id[:8], "notes=logo top-left")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "notes=logo bottom-right")
        crewdeck("-w", str(replica), "sync")
        ana = tmp_path / "ana.db"
        crewdeck("join", _server_of(replica), "--token", new_token("ana", "--workspace", str(team)), str(ana))
        # Then one that had: raj's notes came in before she wrote over them.
        crewdeck("-w", str(ana), "set", task_id[:8], "notes=logo centred")
        crewdeck("-w", str(ana), "sync")
        # Told in the order the server stored the edits: raj's came to it after ana's.
        concurrent = (
            "@ana edited the notes of “Shoot” without having seen @raj's edit, made meanwhile: “logo top-left” → “logo bottom-right”"
        )
        later = "@ana edited the notes of “Shoot”: “logo bottom-right” → “logo centred”"
        assert _told(team, task_id) == [later, "@raj edited the notes of “Shoot”", concurrent]
        # raj's replica stored his notes before ana's came in: it cannot tell whether she had seen them, and says nothing.
        assert _told(replica, task_id)[0] == "@ana edited the notes of “Shoot”: “logo top-left” → “logo bottom-right”"


def test_a_replica_says_an_edit_made_in_it_was_made_without_having_seen_one_that_came_in_after(tmp_path: Path) -> None:
    with served(tmp_path) as (team, replica, task_id):
        ana = tmp_path / "ana.db"
        crewdeck("join", _server_of(replica), "--token", new_token("ana", "--workspace", str(team)), str(ana))
        crewdeck("-w", str(replica), "set", task_id[:8], "title=Shoot the hero banner")
        _later_than(replica)
        crewdeck("-w", str(ana), "set", task_id[:8], "title=Shoot the banner")  # offline: raj's rename is not here yet
        crewdeck("-w", str(replica), "sync")
        crewdeck("-w", str(ana), "sync")
        told = _told(ana, task_id)
    assert told[:2] == [
        "@raj renamed “Shoot” to “Shoot the hero banner”",
        "@ana changed the title of “Shoot the banner” without having seen @raj's edit, made meanwhile: “Shoot the hero banner” → “Shoot the banner”",
    ], told


async def test_the_app_tells_a_notice_of_a_round_whose_pull_was_cut_off_after_its_push(tmp_path: Path) -> None:
    with served(tmp_path) as (team, replica, task_id):
        crewdeck("-w", str(replica), "set", task_id[:8], "title=Shoot the hero banner")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "title=Shoot the banner")
        round_cut_off(replica, None)
        app = make_app(replica, "raj")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: bool(replaced_notices(app)), "the notice of the edit replaced")
            [notice] = replaced_notices(app)
    assert notice.startswith("“Shoot the banner”: your edit of its title made here was replaced by @ana's"), notice


def test_sync_names_overwritten_results_by_what_they_count_their_days_and_who_imported_what_stands(tmp_path: Path) -> None:
    # raj imported Meta's numbers for four days offline; ana imported the same days meanwhile, later: the round said
    # "result:campaign:…: your edits of its impressions and clicks …" once per day, naming neither campaign nor platform.
    with served(tmp_path) as (team, replica, _):
        crewdeck("-w", str(team), "--as", "ana", "campaign", "add", "Spring", "--platforms", "meta")
        crewdeck("-w", str(replica), "sync")
        for day in ("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"):
            crewdeck("-w", str(replica), "kpi", "add", "+spring/meta", day, "impressions=1000", "clicks=10")
        _later_than(replica)
        for day in ("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"):
            crewdeck("-w", str(team), "--as", "ana", "kpi", "add", "+spring/meta", day, "impressions=1200", "clicks=12")
        out = crewdeck("-w", str(replica), "sync")
        # The first day's record, whose history the line names (as ``crewdeck log ID`` takes a result's whole id).
        history = sorted(entry["id"] for entry in json.loads(crewdeck("-w", str(replica), "log", "--json", "--limit", "500")))
    said = [line for line in out.splitlines() if "replaced" in line]
    first = next(line for line in history if line.startswith("result:campaign:"))
    assert said == [
        "the results of +spring/meta on 2026-11-02..05: your clicks and impressions made here were replaced by @ana's, made "
        f"meanwhile, {stood(team, 'result:campaign:%', 'clicks')} (the later values stand); yours are kept in each day's "
        f"history: crewdeck log {first} (2026-11-02's)"
    ], out


async def test_the_apps_notice_of_results_replaced_counts_what_its_lines_name(tmp_path: Path) -> None:
    # raj's four days of two counts each, replaced by ana's import: the notice's title said "8 edits of yours were
    # replaced" above the one line that names them (the campaign's results on 2026-11-02..05).
    with served(tmp_path) as (team, replica, task_id):
        crewdeck("-w", str(team), "--as", "ana", "campaign", "add", "Spring", "--platforms", "meta")
        crewdeck("-w", str(replica), "sync")
        days = ("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05")
        for day in days:
            crewdeck("-w", str(replica), "kpi", "add", "+spring/meta", day, "impressions=1000", "clicks=10")
        crewdeck("-w", str(replica), "set", task_id[:8], "title=Shoot the hero banner")
        _later_than(replica)
        for day in days:
            crewdeck("-w", str(team), "--as", "ana", "kpi", "add", "+spring/meta", day, "impressions=1200", "clicks=12")
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "title=Shoot the banner")
        app = make_app(replica, "raj")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: any("replaced" in str(n.title) for n in app._notifications), "the notice of edits replaced")
            [(title, lines)] = [(n.title, str(n.message).splitlines()) for n in app._notifications if "replaced" in str(n.title)]
    # A line each (they read as lines, where a "^J" stood between them): the task's, and the four days' together.
    assert sorted(line.split(":")[0] for line in lines) == ["the results of +spring/meta on 2026-11-02..05", "“Shoot the banner”"], lines
    assert title == "edits of yours to 2 records were replaced", title


async def test_the_apps_notice_of_one_records_edits_replaced_counts_no_fields(tmp_path: Path) -> None:
    with served(tmp_path) as (team, replica, task_id):
        crewdeck("-w", str(replica), "set", task_id[:8], "title=Shoot the hero banner", "priority=high")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "set", task_id[:8], "title=Shoot the banner", "priority=low")
        app = make_app(replica, "raj")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: any("replaced" in str(n.title) for n in app._notifications), "the notice of edits replaced")
            [(title, lines)] = [(n.title, str(n.message).splitlines()) for n in app._notifications if "replaced" in str(n.title)]
    assert len(lines) == 1 and lines[0].startswith("“Shoot the banner”: your edits of its priority and title made here"), lines
    assert title == "edits of yours were replaced", title


def test_sync_names_a_replaced_budget_rate_setting_or_campaign_target_and_gives_a_log_that_reads_it(tmp_path: Path) -> None:
    # raj's budget, rate and lead time went under ana's: the round said "budget budget:5: … crewdeck log budget:5", "rate
    # rate:202", "workspace workspac", each log refused as "no record with id", and a campaign's targets were its "kpis".
    with served(tmp_path) as (team, replica, _):
        crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "manager")
        spring = crewdeck("-w", str(team), "--as", "ana", "campaign", "add", "Spring", "--platforms", "meta", "-q").strip()
        crewdeck("-w", str(replica), "sync")
        crewdeck("-w", str(replica), "budget", "set", "+spring", "ads", "5000")
        crewdeck("-w", str(replica), "rate", "set", "2026-12-01", "USD/EUR", "0.95")
        crewdeck("-w", str(replica), "workspace", "set", "approval_lead_minutes", "90")
        crewdeck("-w", str(replica), "campaign", "set", "+spring", "--target", "ctr>=1.2%")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "budget", "set", "+spring", "ads", "4500")
        crewdeck("-w", str(team), "--as", "ana", "rate", "set", "2026-12-01", "USD/EUR", "0.92")
        crewdeck("-w", str(team), "--as", "ana", "workspace", "set", "approval_lead_minutes", "30")
        crewdeck("-w", str(team), "--as", "ana", "campaign", "set", "+spring", "--target", "ctr>=1.5%")
        said = [line for line in crewdeck("-w", str(replica), "sync").splitlines() if "replaced" in line]

        def kept(row_id: str, field: str) -> str:
            return (
                f"made here was replaced by @ana's, made meanwhile, {stood(team, row_id, field)} (the later edit stands); yours is "
                f"kept in its history: crewdeck log {row_id if row_id.startswith(('budget:', 'rate:', 'workspace')) else row_id[:8]}"
            )

        budget, rate = f"budget:{spring}:ads:run", "rate:2026-12-01:USDEUR"
        lines = [
            f"the ads budget of Spring for the run: your edit of its amount {kept(budget, 'amount')}",
            f"the USD/EUR rate of 2026-12-01: your edit of its rate {kept(rate, 'rate')}",
            f"the workspace: your edit of its approval lead minutes {kept('workspace', 'approval_lead_minutes')}",
            f"Spring: your edit of its targets {kept(spring, 'kpis')}",
        ]
        assert sorted(said) == sorted(lines), said
        logs = [crewdeck("-w", str(replica), "log", line.rsplit(" ", 1)[1]) for line in lines]
    assert "@raj set the ads budget of Spring for the run to 5,000.00 EUR" in logs[0], logs[0]
    assert "1 USD = 0.95 EUR" in logs[1], logs[1]
    assert "90" in logs[2] and "@raj" in logs[2], logs[2]
    assert "@raj set the targets of campaign Spring to ctr>=1.2%" in logs[3], logs[3]


def test_sync_says_a_removal_made_here_that_a_later_edit_undid(tmp_path: Path) -> None:
    # raj removed the budget offline; ana set it meanwhile, later, which brings it back: the round said "your edit of its
    # deleted made here was replaced".
    with served(tmp_path) as (team, replica, _):
        crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "manager")
        spring = crewdeck("-w", str(team), "--as", "ana", "campaign", "add", "Spring", "--platforms", "meta", "-q").strip()
        crewdeck("-w", str(team), "--as", "ana", "budget", "set", "+spring", "ads", "4000")
        crewdeck("-w", str(replica), "sync")
        crewdeck("-w", str(replica), "budget", "rm", "+spring", "ads")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "budget", "set", "+spring", "ads", "4500")
        said = [line for line in crewdeck("-w", str(replica), "sync").splitlines() if "ads budget" in line]
    budget = f"budget:{spring}:ads:run"
    assert said == [
        f"the ads budget of Spring for the run: your removal of it made here was undone by @ana's edit, made meanwhile, "
        f"{stood(team, budget, 'deleted')} (the later edit stands); yours is kept in its history: crewdeck log {budget}"
    ], said


def _toast(app: CrewdeckApp, title: str) -> Toast | None:
    """The toast titled ``title``, once laid out."""
    return next((t for t in app.screen.query(Toast) if t._notification.title == title and t.content_region.height), None)


def _toast_text(app: CrewdeckApp, title: str) -> str:
    """The words of the toast titled ``title`` as the screen shows them, its wrapped lines joined: what a person reads
    of it (a line the rack's top cut off is not there)."""
    toast = _toast(app, title)
    assert toast is not None
    region = toast.content_region
    shown = ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]
    return " ".join(" ".join(line[region.x : region.right] for line in shown[max(region.y, 0) : region.bottom]).split())


async def test_the_apps_notice_of_edits_to_four_records_replaced_shows_its_title_and_first_record_at_80x24(tmp_path: Path) -> None:
    # Each line grew by the time of the edit that stands: three of them and "… and 1 more" were taller than an 80x24
    # screen, and the rack cut off the notice's top, its title and the first record with it.
    with served(tmp_path) as (team, replica, _):
        every = [crewdeck("-w", str(team), "--as", "ana", "add", f"Shoot take {n} @raj").strip() for n in range(4)]
        crewdeck("-w", str(replica), "sync")
        crewdeck("-w", str(replica), "set", *(t[:8] for t in every), "notes=typed on the train")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "set", *(t[:8] for t in every), "notes=per the brand book")
        title = "edits of yours to 4 records were replaced"
        app = make_app(replica, "raj")
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            await until(pilot, lambda: _toast(app, title) is not None, "the notice")
            [first] = [str(n.message).splitlines()[0] for n in app._notifications if n.title == title]
            shown = _toast_text(app, title)
    assert title in shown and " ".join(first.split()) in shown, (first, shown)


@pytest.mark.parametrize("size", [(80, 10), (60, 12), (80, 24), (200, 12)])
async def test_the_apps_notice_of_records_replaced_keeps_its_title_on_a_short_screen(tmp_path: Path, size: tuple[int, int]) -> None:
    # At least one record was named, fitting or not: on a screen a few rows high the notice ran past the top, its title
    # cut off; and its title was counted as one row where it wraps to two in a toast at 60 or 80 columns.
    title = "edits of yours to 4 records were replaced"
    lines = [f"“Shoot take {n}”: your edit of its notes made here was replaced by @ana's, made meanwhile, " + "x" * 120 for n in range(3)]
    app = make_app(make_team(tmp_path), "raj")
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await asyncio.to_thread(app._warn_of_kept, lines, 4, title)
        await until(pilot, lambda: _toast(app, title) is not None, "the notice")
        toast = _toast(app, title)
        assert toast is not None and toast.region.y >= 0, (size, toast.region if toast else None)
        assert title in _toast_text(app, title)


def test_sync_says_an_edit_and_a_removal_made_here_that_a_later_edit_replaced_in_words_of_each(tmp_path: Path) -> None:
    # raj changed the budget's amount and then removed it offline; ana set it meanwhile, later: the round said "your edits
    # of its amount and removal made here were replaced".
    with served(tmp_path) as (team, replica, _):
        crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "manager")
        crewdeck("-w", str(team), "--as", "ana", "campaign", "add", "Spring", "--platforms", "meta", "-q")
        crewdeck("-w", str(team), "--as", "ana", "budget", "set", "+spring", "ads", "4000")
        crewdeck("-w", str(replica), "sync")
        crewdeck("-w", str(replica), "budget", "set", "+spring", "ads", "5000")
        crewdeck("-w", str(replica), "budget", "rm", "+spring", "ads")
        _later_than(replica)
        crewdeck("-w", str(team), "--as", "ana", "budget", "set", "+spring", "ads", "4500")
        said = [line for line in crewdeck("-w", str(replica), "sync").splitlines() if "ads budget" in line]
    assert len(said) == 1 and said[0].startswith(
        "the ads budget of Spring for the run: your edit of its amount and your removal of it made here were replaced by "
        "@ana's, made meanwhile, "
    ), said


def test_what_crewdeck_sync_leaves_out_of_a_list_is_counted_in_the_singular_for_one(capsys: pytest.CaptureFixture[str]) -> None:
    # "… and 1 more crisis starts and ends", "1 more tasks changed here were deleted meanwhile".
    from crewdeck.tui.cli.cmd_sync import _listed

    _listed(["one", "two"], 3, ("crisis start or end", "crisis starts and ends"))
    _listed(["one"], 3, ("task changed here was deleted meanwhile", "tasks changed here were deleted meanwhile"))
    assert capsys.readouterr().out.splitlines() == [
        "one",
        "two",
        "… and 1 more crisis start or end: crewdeck log lists them",
        "one",
        "… and 2 more tasks changed here were deleted meanwhile: crewdeck log lists them",
    ]
