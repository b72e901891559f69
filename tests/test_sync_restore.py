"""A sync server put back from an older backup while its replicas kept working: every replica heals on its next sync,
nobody joins again, and nothing any of them sent after the backup is lost.

Real server processes on 127.0.0.1, over a served workspace file and over PostgreSQL; the backup is a real copy of
the server's store (SQLite's online backup; a PostgreSQL database made from the served one as its template).
"""

from __future__ import annotations

import shlex
import shutil
import sqlite3
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from crewdeck.sync.client.engine import Backoff, SyncEngine, SyncStatus
from crewdeck.sync.client.metakeys import META_PULL_OP, META_PULL_SEQ, META_UNTOLD
from crewdeck.sync.client.remote import Client, Offline, Remote, sync_round
from crewdeck.sync.state.restored import restored_bounds
from crewdeck.sync.state.store import Store

from .conftest import ROOT
from .syncsupport import Server, crewdeck, make_team, new_token, wait_until
from .test_sync_copies import title_ops, titles
from .test_sync_overwritten import round_cut_off

RESTORED = "the server was put back from an older backup and had lost operations: this replica pulled its history again"


class Served:
    """A served team whose store can be copied aside and put back (the server stopped for it, as a restore would)."""

    def __init__(self, server: Server, snapshot: Callable[[], None], restore: Callable[[], None]) -> None:
        self.server = server
        self._snapshot = snapshot
        self._restore = restore

    def back_up(self) -> None:
        self._snapshot()

    def put_back(self) -> None:
        assert self.server.stop() == ""
        self._restore()
        self.server.start()


@pytest.fixture(params=["file", "postgres"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Served, str, str]]:
    """``(served team, @ana's token, @raj's token)``."""
    team = make_team(tmp_path)
    if request.param == "file":
        where = ["--workspace", str(team)]
        server = Server([str(team)])
        backup = tmp_path / "backup.db"

        def snapshot() -> None:
            with closing(sqlite3.connect(team)) as source, closing(sqlite3.connect(backup)) as target:
                source.backup(target)

        def restore() -> None:
            for suffix in ("-wal", "-shm"):
                Path(f"{team}{suffix}").unlink(missing_ok=True)
            with closing(sqlite3.connect(backup)) as source, closing(sqlite3.connect(team)) as target:
                source.backup(target)

    else:
        import psycopg

        cluster = request.getfixturevalue("postgres")
        url = cluster.database()
        crewdeck("publish", str(team), "--database", url)
        where = ["--database", url, "--name", "team"]
        server = Server(["--database", url])
        name = url.rsplit("/", 1)[1]
        admin = cluster.url("postgres")

        def snapshot() -> None:
            # A database copied from another may have no connections to it: the server stops for the copy.
            assert server.stop() == ""
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name}_backup TEMPLATE {name}")
            server.start()

        def restore() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {name}")
                conn.execute(f"CREATE DATABASE {name} TEMPLATE {name}_backup")

    ana, raj = new_token("ana", *where), new_token("raj", *where)
    server.start()
    yield Served(server, snapshot, restore), ana, raj
    assert server.stop() == ""


def add(path: Path, title: str) -> None:
    crewdeck("-w", str(path), "add", title)


def sync(path: Path) -> str:
    said = crewdeck("-w", str(path), "sync")
    assert said.rstrip().endswith(", 0 unsent"), said
    return said


def head(served: Served, token: str) -> int:
    return int(httpx.get(served.server.url + "/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["head"])


def pulled_to(path: Path) -> int:
    with Store(path) as store:
        return int(store.get_meta(META_PULL_SEQ) or 0)


def joined(served: tuple[Served, str, str], tmp_path: Path) -> tuple[Path, Path, Path]:
    """Replicas of ana, raj and ana's second machine (her desk), joined: ``(ana, raj, desk)``."""
    team, ana_token, raj_token = served
    ana, raj, desk = tmp_path / "ana.db", tmp_path / "raj.db", tmp_path / "desk.db"
    for replica, token in ((ana, ana_token), (raj, raj_token), (desk, ana_token)):
        crewdeck("join", team.server.url, "--token", token, str(replica))
    return ana, raj, desk


def backed_up_then_worked_on(team: Served, desk: Path, raj: Path) -> None:
    """The server backed up, then six tasks from the desk and one from raj synced: the desk's more than raj's, so that
    the server put back (``team.put_back``) stands at a head below raj's cursor."""
    team.back_up()
    for n in range(6):
        add(desk, f"Desk {n}")  # lost with the restore, and never sent again: that laptop is gone
    sync(desk)
    add(raj, "Raj after the backup")
    sync(raj)


def test_replicas_heal_from_a_server_put_back_and_send_again_what_it_lost(served: tuple[Served, str, str], tmp_path: Path) -> None:
    team, ana_token, raj_token = served
    ana, raj = tmp_path / "ana.db", tmp_path / "raj.db"
    crewdeck("join", team.server.url, "--token", ana_token, str(ana))
    crewdeck("join", team.server.url, "--token", raj_token, str(raj))
    add(ana, "Before the backup")
    sync(ana)
    sync(raj)
    team.back_up()
    add(ana, "Ana after the backup")
    sync(ana)
    add(raj, "Raj after the backup")
    sync(raj)
    sync(ana)  # both replicas' cursors are now past what the backup holds
    backed_up = head(team, ana_token)
    team.put_back()
    assert head(team, ana_token) < backed_up

    # Raj's replica heals on its next sync: it pulls the server's history again and sends again the task it had sent.
    said = sync(raj)
    assert f"{RESTORED}, and sent again the " in said and " operations made here that it no longer had" in said, said
    # Ana typed a task while the server was away: it goes with the two she had sent before.
    add(ana, "Ana after the restore")
    said = sync(ana)
    assert f"{RESTORED}, and sent again the " in said, said
    # Once healed, a sync says nothing of it again.
    for replica in (raj, ana, raj):
        assert "backup" not in sync(replica)

    every = ["Ana after the backup", "Ana after the restore", "Before the backup", "Raj after the backup"]
    newcomer = tmp_path / "newcomer.db"
    crewdeck("join", team.server.url, "--token", raj_token, str(newcomer))
    for replica in (ana, raj, newcomer):
        assert titles(replica) == every, replica
    for title in every:
        assert title_ops(newcomer, title) == 1, title


def test_a_replica_whose_cursor_the_new_head_has_passed_still_pulls_what_lies_below_it(
    served: tuple[Served, str, str], tmp_path: Path
) -> None:
    # Without the check of the operation at the cursor, the server answers a cursor below its head with what follows it,
    # and this replica never pulled what the others sent again or newly made below its cursor.
    team, ana_token, raj_token = served
    ana, raj = tmp_path / "ana.db", tmp_path / "raj.db"
    crewdeck("join", team.server.url, "--token", ana_token, str(ana))
    crewdeck("join", team.server.url, "--token", raj_token, str(raj))
    team.back_up()
    add(raj, "Raj after the backup")
    sync(raj)
    add(ana, "Ana after the backup")
    sync(ana)
    team.put_back()

    assert RESTORED in sync(raj)
    made = []
    while head(team, raj_token) <= pulled_to(ana):
        made.append(f"Raj after the restore {len(made) + 1}")
        add(raj, made[-1])
        sync(raj)
    with Store(ana) as store:
        assert store.get_meta(META_PULL_OP)  # the check is asked for: the replica names what it holds at its cursor

    said = sync(ana)
    assert f"{RESTORED}, and sent again the " in said, said
    sync(raj)
    every = sorted(["Ana after the backup", "Raj after the backup", *made])
    assert titles(ana) == titles(raj) == every
    for title in every:
        assert title_ops(raj, title) == 1, title


def test_a_pull_naming_another_operation_at_its_cursor_is_a_409_cursor_lost(served: tuple[Served, str, str], tmp_path: Path) -> None:
    team, ana_token, _ = served
    ana = tmp_path / "ana.db"
    crewdeck("join", team.server.url, "--token", ana_token, str(ana))
    add(ana, "A task")
    sync(ana)
    with Store(ana) as store:
        at, after = store.get_meta(META_PULL_OP), int(store.get_meta(META_PULL_SEQ) or 0)
    auth = {"Authorization": f"Bearer {ana_token}"}
    ops = f"{team.server.url}/v1/w/team/ops"
    assert httpx.get(ops, params={"after": after, "at": at}, headers=auth).json()["ops"] == []
    other = f"{int(at[:13]) + 1:013d}{at[13:]}"
    for query in ({"after": after, "at": other}, {"after": after + 1, "at": at}, {"after": after - 1, "at": at}):
        answer = httpx.get(ops, params=query, headers=auth)
        assert (answer.status_code, answer.json()["error"], answer.json()["head"]) == (409, "cursor_lost", after), query
    answer = httpx.get(ops, params={"after": after, "at": "not-a-stamp"}, headers=auth)
    assert (answer.status_code, answer.json()["parameter"]) == (400, "at")


def test_a_replica_with_unsent_work_at_a_restore_pulls_again_what_was_made_since(served: tuple[Served, str, str], tmp_path: Path) -> None:
    # Raj's push, first in his round, sent again what the server lost and put his last pulled task at the very number
    # his cursor named: the cursor's check passed, and what another replica made after the restore, numbered below it,
    # was never pulled (review of 63a77f7).  A push that finds acknowledged operations lost starts the pull over.
    team = served[0]
    ana, raj, desk = joined(served, tmp_path)
    team.back_up()
    add(ana, "Ana before the restore")
    sync(ana)
    add(raj, "Raj before the restore")
    sync(raj)
    add(raj, "Raj typed offline")  # not sent yet when the server is put back
    team.put_back()
    add(desk, "Desk after the restore")  # as many operations as ana's lost task
    sync(desk)
    assert RESTORED in crewdeck("-w", str(raj), "sync")
    for replica in (ana, desk, raj, ana, desk):
        sync(replica)
    every = sorted(["Ana before the restore", "Raj before the restore", "Raj typed offline", "Desk after the restore"])
    assert {r.name: titles(r) for r in (ana, raj, desk)} == {r.name: every for r in (ana, raj, desk)}


@pytest.mark.parametrize("served", ["file"], indirect=True)
def test_a_round_that_found_the_server_put_back_and_whose_pull_was_cut_off_says_it_at_the_next_round_once(
    served: tuple[Served, str, str], tmp_path: Path
) -> None:
    # Raj's push found the server had lost his task, sent it again, and his pull started over from the server's first
    # operation and was cut off: the next round pulled on from there, found nothing lost, and nobody was ever told.
    team, _, raj_token = served
    raj = tmp_path / "raj.db"
    crewdeck("join", team.server.url, "--token", raj_token, str(raj))
    team.back_up()
    add(raj, "Raj after the backup")
    sync(raj)
    team.put_back()
    add(raj, "Raj typed offline")
    round_cut_off(raj, None)
    said = sync(raj)
    assert f"{RESTORED}, and sent again the " in said and " operations made here that it no longer had" in said, said
    assert "backup" not in sync(raj)


class PullsCutOff(httpx.BaseTransport):
    """A real transport but for the pulls ``cut`` picks by their count (1, 2, ...), which the network drops."""

    def __init__(self, cut: Callable[[int], bool]) -> None:
        self.inner = httpx.HTTPTransport()
        self.cut = cut
        self.pulls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/ops"):
            self.pulls += 1
            if self.cut(self.pulls):
                raise httpx.ConnectError("the network dropped", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("served", ["file"], indirect=True)
def test_what_a_replica_sent_is_sent_again_when_the_round_that_found_the_restore_was_cut_off_pulling_again(
    served: tuple[Served, str, str], tmp_path: Path
) -> None:
    # Raj's pull found the server put back and started over; the network dropped during that pull, before his task
    # (lost with the restore) was sent again.  The next round found nothing lost, sent nothing, and said the server
    # "had lost none made here": ana never got the task.
    team, ana_token, raj_token = served
    ana, raj = tmp_path / "ana.db", tmp_path / "raj.db"
    for replica, token in ((ana, ana_token), (raj, raj_token)):
        crewdeck("join", team.server.url, "--token", token, str(replica))
    team.back_up()
    add(raj, "Raj after the backup")
    sync(raj)
    team.put_back()
    with Store(raj) as store:
        remote = Remote.of(store)
        assert remote is not None
        with closing(Client.for_remote(remote, PullsCutOff(lambda n: n > 1))) as client, pytest.raises(Offline):
            sync_round(store, client)
        # What an earlier crewdeck syncing this replica reads of the round cut off: three numbers, no more.
        untold = store.get_meta(META_UNTOLD)
        assert untold is not None and len(untold.split()) == 3, untold
    said = sync(raj)
    assert f"{RESTORED}, and sent again the 4 operations made here that it no longer had" in said, said
    sync(ana)
    assert titles(ana) == ["Raj after the backup"]


@pytest.mark.parametrize("served", ["file"], indirect=True)
def test_the_apps_sync_wakes_on_a_teammates_edit_after_a_restore_found_by_a_round_cut_off(
    served: tuple[Served, str, str], tmp_path: Path
) -> None:
    # The round that found the server put back was cut off; the next, pulling on from the start, never learnt of it,
    # and the engine kept its old cursor, past the restored server's head: a teammate's edit poked it and it did not
    # pull, until its poll (15 s by default, never here).
    team = served[0]
    ana, raj, desk = joined(served, tmp_path)
    backed_up_then_worked_on(team, desk, raj)
    team.put_back()
    add(raj, "Raj typed offline")
    statuses: list[SyncStatus] = []
    engine = SyncEngine(raj, statuses.append, poll_interval=600, backoff=Backoff(0.005, 0.05), transport=PullsCutOff(lambda n: n == 1))
    engine.start()
    try:
        wait_until(lambda: any(s.restored for s in statuses), "the next round to say the server was put back")
        wait_until(lambda: engine.listening, "the engine to listen to the server's pokes")
        add(ana, "Ana after the restore")
        sync(ana)
        wait_until(lambda: "Ana after the restore" in titles(raj), "ana's task in raj's replica")
    finally:
        engine.stop()


class Heard(httpx.SyncByteStream):
    """An event stream's body, and what its reader has finished with: it asks for more only once it has weighed every
    line given before."""

    def __init__(self, inner: httpx.SyncByteStream, done: Callable[[bytes], None]) -> None:
        self.inner = inner
        self.done = done

    def __iter__(self) -> Iterator[bytes]:
        given = b""
        for chunk in self.inner:
            given += chunk
            yield chunk
            self.done(given)

    def close(self) -> None:
        self.inner.close()


class Steered(httpx.BaseTransport):
    """A real transport, but for while ``down`` (the network is gone), pulls while ``pulls_down``, the answer to the first
    pull once ``hold`` is set, kept from the engine until ``release`` (``held`` says it came), and what the engine's
    event stream has finished reading (``heard``)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.down = self.pulls_down = self.hold = False
        self.pulls_refused = 0
        self.held, self.release = threading.Event(), threading.Event()
        self.heard = b""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        pull = request.method == "GET" and request.url.path.endswith("/ops")
        if self.down or (pull and self.pulls_down):
            self.pulls_refused += pull
            raise httpx.ConnectError("the network is gone", request=request)
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/events"):
            self.heard = b""

            def done(given: bytes) -> None:
                self.heard = given

            assert isinstance(response.stream, httpx.SyncByteStream)
            response.stream = Heard(response.stream, done)
        elif pull and self.hold:
            self.hold = False
            body = response.read()
            self.held.set()
            self.release.wait()
            kept = {k: v for k, v in response.headers.items() if k not in ("content-encoding", "content-length", "transfer-encoding")}
            return httpx.Response(response.status_code, headers=kept, content=body)
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("served", ["file"], indirect=True)
def test_the_apps_sync_wakes_on_a_teammates_edit_after_crewdeck_sync_found_the_restore(
    served: tuple[Served, str, str], tmp_path: Path
) -> None:
    # The app was open while the server was put back, and crewdeck sync, run in a terminal, found it first: the app's
    # engine kept its cursor from before, past the restored server's head, and took no poke of a teammate's edit for
    # one (it pulled at its poll, 15 s by default, never here).  Nor did it for one announced during its first round
    # after, which weighed it against that cursor still.
    team, ana_token, _ = served
    ana, raj, desk = joined(served, tmp_path)
    backed_up_then_worked_on(team, desk, raj)
    network = Steered()
    # Waits long enough that a failed round's pause takes a poke made before it (one ended at once may leave it).
    engine = SyncEngine(raj, poll_interval=600, backoff=Backoff(0.5, 0.5), transport=network)
    engine.start()
    try:
        wait_until(lambda: engine.listening, "the app's engine to listen to the server's pokes")
        network.down = True
        team.put_back()
        wait_until(lambda: not engine.listening, "the app's engine to lose the stopped server's stream")
        assert RESTORED in sync(raj)  # crewdeck sync finds it, the app's engine offline meanwhile
        # The stream back first: its poke on connecting is taken by the pause after a round that fails after it (its
        # pull refused), so that the round the test holds began with no poke waiting.
        network.pulls_down, network.down = True, False
        wait_until(lambda: b'"head":' in network.heard, "the app's engine to hear the restored server's head")
        refused = network.pulls_refused
        wait_until(lambda: network.pulls_refused > refused, "a round of the app's engine after that")
        network.hold, network.pulls_down = True, False
        try:
            wait_until(network.held.is_set, "the app's engine's first round after the restore to pull")
            add(ana, "Ana after the restore")
            sync(ana)
            announced = f'"head":{head(team, ana_token)}}}\n'.encode()
            wait_until(lambda: announced in network.heard, "the app's engine to hear of ana's task mid-round")
        finally:
            network.release.set()
        wait_until(lambda: "Ana after the restore" in titles(raj), "ana's task in raj's replica")
        add(ana, "Ana again")
        sync(ana)
        wait_until(lambda: "Ana again" in titles(raj), "ana's second task in raj's replica")
    finally:
        engine.stop()


@pytest.mark.parametrize("served", ["file"], indirect=True)
def test_history_pulled_again_after_a_restore_does_not_say_an_edit_was_written_without_having_seen_one_it_had(
    served: tuple[Served, str, str], tmp_path: Path
) -> None:
    # Raj rewrote ana's notes having pulled them; the server lost both and was sent them again in the order the two
    # synced, his first.  The server's file, and lee's laptop (past the backup, it pulled the history again between the
    # two), held raj's edit first, and their logs said he had written over ana's notes "without having seen" them.
    team, ana_token, raj_token = served
    ana, raj, lee = tmp_path / "ana.db", tmp_path / "raj.db", tmp_path / "lee.db"
    for replica, token in ((ana, ana_token), (raj, raj_token), (lee, ana_token)):
        crewdeck("join", team.server.url, "--token", token, str(replica))
    task_id = crewdeck("-w", str(ana), "add", "Shoot @raj").strip()
    sync(ana)
    sync(raj)
    team.back_up()
    add(ana, "After the backup")
    sync(ana)
    sync(lee)  # past what the backup holds: it finds the server put back
    crewdeck("-w", str(ana), "set", task_id[:8], "notes=logo top-left")
    sync(ana)
    sync(raj)
    crewdeck("-w", str(raj), "set", task_id[:8], "notes=logo bottom-right, as ana's notes said")
    sync(raj)
    team.put_back()
    sync(raj)
    assert RESTORED in sync(lee)
    sync(ana)
    sync(lee)
    served_file = tmp_path / "team.db"
    for log in (served_file, lee):
        with Store(log) as store:
            (raj_first,) = store.conn.execute(
                "SELECT count(*) FROM ops AS w, ops AS e WHERE w.row_id = ? AND e.row_id = w.row_id AND w.field = 'notes' "
                "AND e.field = 'notes' AND w.op_id > e.op_id AND w.seq < e.seq",
                (task_id,),
            ).fetchone()
        assert raj_first == 1, f"{log.name}: the order this test is about"
        said = crewdeck("-w", str(log), "log", task_id[:8])
        assert "without having seen" not in said, said
        assert "“logo top-left” → “logo bottom-right, as ana's notes said”" in said, said


@pytest.mark.parametrize("served", ["file"], indirect=True)
def test_a_push_that_starts_a_new_node_past_its_first_number_does_not_mark_the_served_file_restored(
    served: tuple[Served, str, str], tmp_path: Path
) -> None:
    # Any member could push a node of their own starting at #2: the served file took the gap for a restore, and its log
    # said nothing more of edits written "without having seen" others, the window moved on by each such push.
    team, _, raj_token = served
    raj = tmp_path / "raj.db"
    crewdeck("join", team.server.url, "--token", raj_token, str(raj))
    add(raj, "Typed offline")
    with Store(raj) as store:
        wire = [op.to_wire() for _, op in store.own_ops_after(0)]
    auth = {"Authorization": f"Bearer {raj_token}"}
    answer = httpx.post(f"{team.server.url}/v1/w/team/push", json={"ops": wire[1:]}, headers=auth)
    assert (answer.status_code, answer.json()["error"]) == (409, "gap"), answer.text
    with Store(tmp_path / "team.db") as served_file:
        assert restored_bounds(served_file.conn) == []
    sync(raj)


def test_a_replica_whose_refusal_the_server_lost_sends_what_follows_it_under_a_node_of_its_own(
    served: tuple[Served, str, str], tmp_path: Path
) -> None:
    # Its refused operations are out of its log, so what it sent again began past a number the server expected: every
    # sync failed ("expected operation #.., got #.."), for good.  The refusals stay refused (the server never stored
    # them, and no replica holds them); what follows them goes again under a node of its own.
    team, _, raj_token = served
    ana, raj, desk = joined(served, tmp_path)
    crewdeck("-w", str(ana), "member", "add", "lee", "--name", "Lee Park", "--tz", "Asia/Seoul")
    sync(ana)
    sync(raj)
    team.back_up()
    add(raj, "Raj before the refusal")  # lost too: the refused numbers sit inside what raj sends again
    add(raj, "Rough cut @lee")  # offline, while a manager removes @lee: refused
    crewdeck("-w", str(ana), "member", "rm", "lee")
    sync(ana)
    assert "rule removed_assignee" in crewdeck("-w", str(raj), "sync")
    add(raj, "Raj after the refusal")
    sync(raj)
    sync(desk)  # ana's second machine holds @lee's removal, as raj's replica does
    with Store(raj) as store:
        node = store.node
    team.put_back()
    for replica in (raj, ana, desk, raj, ana, desk):
        said = crewdeck("-w", str(replica), "sync")
        assert said.rstrip().endswith(", 0 unsent"), said
    newcomer = tmp_path / "new.db"
    crewdeck("join", team.server.url, "--token", raj_token, str(newcomer))
    replicas = (ana, raj, desk, newcomer)
    assert {r.name: titles(r) for r in replicas} == {r.name: ["Raj after the refusal", "Raj before the refusal"] for r in replicas}
    # Every replica, and one made after, holds the same members: @lee's removal everywhere or nowhere.
    assert len({"@lee" in crewdeck("-w", str(r), "member", "list") for r in replicas}) == 1
    with Store(raj) as store:
        assert store.node != node
        assert [op.value for op, *_ in store.refused(reader=None) if op.field == "title"] == ['"Rough cut"']


def test_an_edit_stored_before_and_refused_when_sent_again_is_said_to_whom_made_it(served: tuple[Served, str, str], tmp_path: Path) -> None:
    # Raj's task for @lee was stored; ana removed @lee (unassigning it) after; the server lost both.  Ana syncs first:
    # @lee's removal is stored again, and raj's task, sent again, is now refused (removed_assignee).  Replicas that
    # pulled it before keep it: raj was told only of a refusal, as if the task had never been stored.
    team, ana_token, raj_token = served
    ana, raj = tmp_path / "ana.db", tmp_path / "raj.db"
    for replica, token in ((ana, ana_token), (raj, raj_token)):
        crewdeck("join", team.server.url, "--token", token, str(replica))
    crewdeck("-w", str(ana), "member", "add", "lee", "--name", "Lee Park", "--tz", "Asia/Seoul")
    sync(ana)
    sync(raj)
    team.back_up()
    add(raj, "Rough cut @lee")
    sync(raj)
    sync(ana)
    crewdeck("-w", str(ana), "member", "rm", "lee", "--unassign")
    sync(ana)
    team.put_back()
    crewdeck("-w", str(ana), "sync")
    said = crewdeck("-w", str(raj), "sync")
    assert "were refused now (judged again against what the server holds now): teammates who pulled them" in said, said
    assert "rule removed_assignee" in said, said


SQLITE3 = shutil.which("sqlite3")


def readme_backup_lines() -> list[str]:
    """The README's backup and restore commands (*Backups*), as written."""
    text = (ROOT / "README.md").read_text()
    block = text.split("**Backups.**", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


@pytest.mark.skipif(SQLITE3 is None, reason="LOUD SKIP: sqlite3 is not installed (apt-get install sqlite3; .ci/run installs it)")
def test_the_readmes_backup_and_restore_run_as_written_under_a_live_server(tmp_path: Path) -> None:
    """The README named no way to back up a served file: a `cp` of a file in use misses its -wal, and a copy moved
    over it left `crewdeck serve` answering 503 until restarted.  Its two lines run as written (paths aside) while the
    server serves the file; the file keeps its mode, the server its process, and the replica heals on its next sync."""
    team = make_team(tmp_path)
    team.chmod(0o660)
    backup = tmp_path / "backups" / "team.db"
    backup.parent.mkdir()
    lines = readme_backup_lines()
    assert [line.split()[2] for line in lines] == ['".backup', '".restore'], lines
    server = Server([str(team)])
    token = new_token("ana", "--workspace", str(team))
    server.start()
    try:
        ana = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", token, str(ana))
        add(ana, "Before the backup")
        sync(ana)

        def run(line: str) -> None:
            argv = shlex.split(line.replace("/srv/team/team.db", str(team)).replace("/var/backups/team.db", str(backup)))
            done = subprocess.run(argv, capture_output=True, text=True, check=False)
            assert (done.returncode, done.stderr) == (0, ""), line

        run(lines[0])
        add(ana, "After the backup")
        sync(ana)
        run(lines[1])
        assert stat.S_IMODE(team.stat().st_mode) == 0o660 and server.proc is not None and server.proc.poll() is None
        said = sync(ana)
        assert f"{RESTORED}, and sent again the " in said, said
        assert titles(team) == ["After the backup", "Before the backup"]
    finally:
        assert server.stop() == ""
