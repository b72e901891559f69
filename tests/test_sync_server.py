"""The sync server over a workspace file, with real server processes on 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import json
import logging
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import httpx
import pytest

from crewdeck.sync.client.engine import Backoff, SyncEngine, SyncStatus
from crewdeck.sync.client.metakeys import META_PULL_OP, META_PULL_SEQ, META_PUSH_SEQ
from crewdeck.sync.client.remote import Client, Remote, SyncError, push_all, unsent
from crewdeck.sync.client.remote import join as remote_join
from crewdeck.sync.server import filestore
from crewdeck.sync.server.app import KEEPALIVE
from crewdeck.sync.server.backend import BackendError
from crewdeck.sync.state import store as store_module
from crewdeck.sync.state.clock import Stamp, wall_ms
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.records import load_json
from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main

from .conftest import ROOT, Cli, isolate
from .syncsupport import (
    PATIENCE,
    SHORT_BUSY_SERVER,
    STILL_CLOCK_SERVER,
    FaultyTransport,
    Server,
    create_token,
    crewdeck,
    crewdeck_fails,
    free_port,
    make_team,
    new_token,
    patient_stop_serve,
    renamed_on_a_fast_clock,
    token_file,
    wait_until,
)
from .test_sync_overwritten import stood

STATUSES = ["inbox", "todo", "doing", "review", "done"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Server]]:
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    yield team, server
    assert server.stop() == ""  # nothing logged: no request failed on the server's side


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Server]]:
    """One server for the tests that talk to it only with tokens and replicas of their own, and read its head
    relative to what they did (starting a server process is a second or more).  Its stderr is checked at the end."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(tmp_path_factory.mktemp("config"), monkeypatch)
        team = make_team(tmp_path_factory.mktemp("shared"))
        server = Server([str(team)]).start()
    yield team, server
    assert server.stop() == ""


def join(server: Server, token: str, path: Path) -> Path:
    out = crewdeck("join", server.url, "--token", token, str(path))
    assert f"joined workspace team at {server.url}" in out
    return path


def export(path: Path) -> str:
    return crewdeck("-w", str(path), "export", "--json")


def random_edit(store: Store, member: str, rng: random.Random) -> None:
    tasks = [row[0] for row in store.conn.execute("SELECT id FROM task")]
    with store.write(member) as w:
        if not tasks or rng.random() < 0.4:
            w.create("task", {"title": f"task {rng.randrange(10**6)}", "status": rng.choice(STATUSES)})
        else:
            task = rng.choice(tasks)
            field = rng.choice(["title", "status", "priority", "tags"])
            value = {
                "title": f"renamed {rng.randrange(10**6)}",
                "status": rng.choice(STATUSES),
                "priority": rng.choice(["low", "med", "high"]),
                "tags": sorted(rng.sample(["ig", "tt", "yt", "li"], rng.randrange(3))),
            }[field]
            w.set("task", task, {field: value})


def test_three_replicas_with_offline_periods_converge(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    paths = [
        join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db"),
        join(server, new_token("raj", "--workspace", str(team)), tmp_path / "raj.db"),
        join(server, new_token("ana", "--workspace", str(team), "--label", "laptop"), tmp_path / "ana2.db"),
    ]
    stores = [Store(p) for p in paths]
    members = [s.get_meta("remote.member") or "" for s in stores]
    rng = random.Random(20261126)
    offline = [False, False, False]
    synced = 0
    for _ in range(90):
        i = rng.randrange(3)
        roll = rng.random()
        if roll < 0.6:
            random_edit(stores[i], members[i], rng)
        elif roll < 0.85 and not offline[i]:
            crewdeck("-w", str(paths[i]), "sync")
            synced += 1
        else:
            offline[i] = not offline[i]  # a plane: edits keep coming, syncs do not
    assert synced > 10
    for _ in range(2):  # the first pass pushes everything, the second pulls what the others pushed
        for p in paths:
            out = crewdeck("-w", str(p), "sync")
            assert out.endswith(", 0 unsent\n")
    exports = [export(p) for p in paths]
    assert exports[0] == exports[1] == exports[2]
    assert export(team) == exports[0]  # the served file holds the same state
    assert len(json.loads(exports[0])["task"]) > 10
    for s in stores:
        s.close()


def test_a_replica_says_nothing_of_unix_accounts_its_laptop_lacks(served: tuple[Path, Server], tmp_path: Path) -> None:
    """Review rd: on a manager's laptop replica, `member add --unix-user raj` and `ssh account team` said this host had
    no such account and to useradd it there, where the settings sync to the server's host."""
    team, server = served
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")

    def noted(*args: str) -> str:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            assert main(list(args)) == 0, err.getvalue()
        return err.getvalue()

    assert noted("-w", str(ana), "member", "add", "noor", "--name", "Noor", "--tz", "UTC", "--unix-user", "crewdeck-no-such-user") == ""
    assert noted("-w", str(ana), "ssh", "account", "crewdeck-no-such-account") == ""
    # On the shared file itself (the host whose accounts they are) it is said.
    assert "this host has no Unix account 'crewdeck-no-such-account2'" in noted(
        "-w", str(team), "--as", "ana", "ssh", "account", "crewdeck-no-such-account2"
    )


def test_two_members_editing_different_fields_of_one_task_both_keep_their_change(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    raj = join(server, new_token("raj", "--workspace", str(team)), tmp_path / "raj.db")
    task = crewdeck("-w", str(ana), "add", "Spring teaser").strip()
    crewdeck("-w", str(ana), "sync")
    crewdeck("-w", str(raj), "sync")
    crewdeck("-w", str(ana), "set", task[:8], "title=Spring teaser v2")  # both offline now
    crewdeck("-w", str(raj), "set", task[:8], "status=doing")
    for p in (ana, raj, ana):
        crewdeck("-w", str(p), "sync")
    for p in (ana, raj, team):
        store = Store(p)
        record = store.record("task", task)
        store.close()
        assert record is not None and (record["title"], record["status"]) == ("Spring teaser v2", "doing")


def test_a_repeating_task_done_undone_and_done_again_by_a_teammate_brings_back_the_same_next_instance_everywhere(
    served: tuple[Path, Server], tmp_path: Path
) -> None:
    """ana's done, undone; raj, on his replica, did it again: the server took his done, but no next instance came (the
    id of the one the undo removed was taken), and the next list made the one after it, a day on."""
    team, server = served
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    raj = join(server, new_token("raj", "--workspace", str(team)), tmp_path / "raj.db")
    first = crewdeck("-w", str(ana), "add", "Standup @raj every:weekday 09:00 Asia/Kolkata").strip()
    crewdeck("-w", str(ana), "done", first[:8])
    [made] = [task["id"] for task in json.loads(crewdeck("-w", str(ana), "tasks", "--json"))]
    for p in (ana, raj):
        crewdeck("-w", str(p), "sync")
    crewdeck("-w", str(ana), "undo")
    crewdeck("-w", str(ana), "sync")
    crewdeck("-w", str(raj), "sync")
    assert crewdeck("-w", str(raj), "done", first[:8]) == "Completed 1 task: “Standup”; next: “Standup” due Mon 11-30 09:00 IST Kolkata\n"
    for p in (raj, ana):
        crewdeck("-w", str(p), "sync")
    for p in (ana, raj, team):
        assert [task["id"] for task in json.loads(crewdeck("-w", str(p), "tasks", "--json"))] == [made]
    assert export(ana) == export(raj) == export(team)


def test_an_edit_pushed_before_a_deletion_made_without_seeing_it_arrives_is_told_where_it_went(
    served: tuple[Path, Server], tmp_path: Path
) -> None:
    # Both offline: ana deletes the task, raj then writes its notes.  Raj pushed first, so his edit was no unsent one
    # when ana's deletion came: his sync said nothing, and his notes were in a task listed nowhere.
    team, server = served
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    raj = join(server, new_token("raj", "--workspace", str(team)), tmp_path / "raj.db")
    task = crewdeck("-w", str(ana), "add", "Spring teaser").strip()
    crewdeck("-w", str(ana), "sync")
    crewdeck("-w", str(raj), "sync")
    crewdeck("-w", str(ana), "rm", task[:8])
    crewdeck("-w", str(raj), "set", task[:8], "notes=Shot list typed on the train")
    assert "deleted" not in crewdeck("-w", str(raj), "sync")
    crewdeck("-w", str(ana), "sync")
    said = crewdeck("-w", str(raj), "sync")
    assert (
        f"“Spring teaser”, which you changed here, was deleted by @ana meanwhile, {stood(team, task, 'deleted')}; what you wrote is "
        f"kept in it: crewdeck show {task[:8]}" in said
    )
    assert "deleted" not in crewdeck("-w", str(raj), "sync")  # told once
    # A deletion made after seeing the edit is no news to its author's teammate: nothing is said.
    second = crewdeck("-w", str(ana), "add", "Summer teaser").strip()
    crewdeck("-w", str(ana), "sync")
    crewdeck("-w", str(raj), "sync")
    crewdeck("-w", str(raj), "set", second[:8], "notes=Seen by ana first")
    crewdeck("-w", str(raj), "sync")
    crewdeck("-w", str(ana), "sync")
    crewdeck("-w", str(ana), "rm", second[:8])
    crewdeck("-w", str(ana), "sync")
    assert "deleted" not in crewdeck("-w", str(raj), "sync")


def test_edits_made_after_pulling_a_fast_clocks_stamps_stay_edits_of_their_own(served: tuple[Path, Server], tmp_path: Path) -> None:
    # Raj's laptop runs four minutes fast (within the server's limit).  Once ana had pulled his stamps, her clock
    # stamped on in his millisecond, and her writes to one task read as one: "1 unsent" for a task typed and then
    # renamed, and the task's history said "added “Final cut”", the rename and the title it replaced gone from it.
    team, server = served
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    raj = join(server, new_token("raj", "--workspace", str(team)), tmp_path / "raj.db")
    renamed_on_a_fast_clock(raj, "Raj M.", 4)
    crewdeck("-w", str(raj), "sync")
    crewdeck("-w", str(ana), "sync")
    task = crewdeck("-w", str(ana), "add", "First cut").strip()
    crewdeck("-w", str(ana), "set", task[:8], "title=Final cut")
    with Store(ana) as store:
        assert unsent(store) == 2
    history = crewdeck("-w", str(ana), "show", task[:8]).split("History")[1]
    assert "renamed “First cut” to “Final cut”" in history and "added “Final cut”" in history, history


def test_long_notes_saved_many_times_offline_go_in_pushes_the_server_takes(served: tuple[Path, Server], tmp_path: Path) -> None:
    # A script of 90,000 characters (3 bytes each in UTF-8) saved 32 times on the train is 8.6 MB of operations: pushed
    # in one request, the server refused it (over its 8 MiB body) every time the replica tried again, and nothing went.
    team, server = served
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    task = crewdeck("-w", str(ana), "add", "Script for the launch film").strip()
    with Store(ana) as store:
        remote = Remote.of(store)
        assert remote is not None
        for draft in range(32):
            with store.write(remote.member) as w:
                w.set("task", task, {"notes": f"draft {draft}\n" + "日本語の台本" * 15_000})
        assert unsent(store) == 33
    said = crewdeck("-w", str(ana), "sync")
    assert said.startswith("pushed 36, pulled 0 operations") and said.rstrip().endswith(", 0 unsent"), said
    with Store(team) as store:
        assert (store.record("task", task) or {})["notes"].startswith("draft 31\n")


def test_a_member_on_the_file_and_a_member_over_http_see_each_other(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    statuses: list[SyncStatus] = []
    engine = SyncEngine(ana, statuses.append)
    engine.start()
    replica, shared = Store(ana), Store(team)
    try:
        # Raj is logged into the server and writes the file directly.
        from_shell = crewdeck("-w", str(team), "--as", "raj", "add", "Cut the teaser @ana").strip()
        wait_until(lambda: replica.record("task", from_shell) is not None, "the shell edit in ana's replica")
        # Ana edits her replica (another process could; the engine notices the commit).
        from_laptop = crewdeck("-w", str(ana), "add", "Approve the teaser @raj").strip()
        wait_until(lambda: shared.record("task", from_laptop) is not None, "ana's edit in the served file")
        wait_until(
            lambda: engine.status is not None and engine.status.state == "live" and engine.status.unsent == 0, "live, nothing unsent"
        )
    finally:
        engine.stop()
        replica.close()
        shared.close()
    assert export(team) == export(ana)
    assert {s.state for s in statuses} <= {"live", "syncing"}
    assert all(s.last_sync is not None for s in statuses if s.state == "live")


def _ops(path: Path, count: int) -> tuple[Store, list]:
    store = Store(path)
    member = store.get_meta("remote.member") or ""
    with store.write(member) as w:
        for i in range(count):
            w.create("task", {"title": f"pushed {i}"})
    return store, [op for _, op in store.own_ops_after(int(store.get_meta(META_PUSH_SEQ) or 0))]


def _head(server: Server, token: str) -> int:
    return int(httpx.get(server.url + "/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["head"])


def test_every_refusal_of_auth_writes_nothing(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    ana_token = new_token("ana", "--workspace", str(team))
    ana = join(server, ana_token, tmp_path / "ana.db")
    store, ops = _ops(ana, 3)
    body = {"ops": [op.to_wire() for op in ops]}
    push = f"{server.url}/v1/w/team/push"
    before = _head(server, ana_token)

    (tmp_path / "elsewhere").mkdir()
    other = make_team(tmp_path / "elsewhere")
    foreign = new_token("ana", "--workspace", str(other))  # a real token, of another workspace
    raj_token = new_token("raj", "--workspace", str(team))
    revoked_id, revoked = create_token("ana", "--workspace", str(team))
    crewdeck("token", "revoke", revoked_id, "--workspace", str(team))

    cases = {
        "no token": ({}, 401, "missing_token"),
        "not bearer": ({"Authorization": f"Basic {ana_token}"}, 401, "bad_authorization"),
        "wrong token": ({"Authorization": "Bearer crewdeck_" + "x" * 43}, 401, "invalid_token"),
        "revoked token": ({"Authorization": f"Bearer {revoked}"}, 401, "invalid_token"),
        "another workspace's token": ({"Authorization": f"Bearer {foreign}"}, 401, "invalid_token"),
        "raj pushing ana's operations": ({"Authorization": f"Bearer {raj_token}"}, 403, "wrong_member"),
    }
    for name, (headers, status, code) in cases.items():
        answer = httpx.post(push, json=body, headers=headers)
        assert (answer.status_code, answer.json()["error"]) == (status, code), name
        assert answer.json()["message"], name
    # A token the server revoked is said to be revoked (its secret, sent, proves the caller held it); one it never
    # made, unknown.  Both read "the token is unknown or has been revoked".
    said = {name: httpx.post(push, json=body, headers=cases[name][0]).json()["message"] for name in ("wrong token", "revoked token")}
    assert said == {"wrong token": "this server knows no such token", "revoked token": "the token has been revoked"}
    # The right token, on another workspace's URL.
    answer = httpx.post(f"{server.url}/v1/w/elsewhere/push", json=body, headers={"Authorization": f"Bearer {ana_token}"})
    assert (answer.status_code, answer.json()["error"]) == (403, "wrong_workspace")
    # A forged member inside ana's own batch.
    forged = [
        dict(w, member=json.loads(httpx.get(server.url + "/v1/me", headers={"Authorization": f"Bearer {raj_token}"}).text)["member"])
        for w in body["ops"]
    ]
    answer = httpx.post(push, json={"ops": forged}, headers={"Authorization": f"Bearer {ana_token}"})
    assert (answer.status_code, answer.json()["error"]) == (403, "wrong_member")
    assert _head(server, ana_token) == before  # nothing written by any of them
    # Reads are refused the same way.
    assert httpx.get(f"{server.url}/v1/w/team/ops", headers={"Authorization": f"Bearer {revoked}"}).status_code == 401
    assert httpx.get(f"{server.url}/v1/w/team/events", headers={"Authorization": f"Bearer {foreign}"}).status_code == 401
    # And the right token works.
    answer = httpx.post(push, json=body, headers={"Authorization": f"Bearer {ana_token}"})
    assert answer.status_code == 200 and answer.json()["stored"] == 3
    assert _head(server, ana_token) == before + 3
    store.close()


def _read_events(client: Client) -> tuple[list[int], list[SyncError]]:
    """The client's event stream read in a thread: the heads it is poked with, and the error that ends it."""
    heads: list[int] = []
    ended: list[SyncError] = []

    def read() -> None:
        try:
            heads.extend(client.events())
        except SyncError as exc:
            ended.append(exc)

    threading.Thread(target=read, daemon=True).start()
    return heads, ended


def test_revocation_takes_effect_on_the_next_request_and_on_open_streams(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    token_id, token = create_token("ana", "--workspace", str(team))
    join(server, token, tmp_path / "ana.db")
    client = Client(server.url, token, "team")
    heads, ended = _read_events(client)
    try:
        wait_until(lambda: heads == [_head(server, token)], "the stream's first poke")
        crewdeck("token", "revoke", token_id, "--workspace", str(team))
        # Nothing changes in the workspace, so no poke wakes the stream: it
        # ends by itself, well before the next keep-alive would be sent.
        wait_until(lambda: bool(ended), "the open stream to end", timeout=KEEPALIVE / 2)
    finally:
        client.close()
    assert ended[0].code == "invalid_token" and str(ended[0]) == "the token has been revoked"
    err = crewdeck_fails("-w", str(tmp_path / "ana.db"), "sync")
    assert "the token has been revoked;" in err


@pytest.mark.parametrize("change", [("set", "raj", "--access", "guest"), ("rm", "raj")])
def test_an_open_stream_ends_when_its_member_is_made_a_guest_or_removed(
    served: tuple[Path, Server], tmp_path: Path, change: tuple[str, ...]
) -> None:
    team, server = served
    token = new_token("raj", "--workspace", str(team))
    join(server, token, tmp_path / "raj.db")
    client = Client(server.url, token, "team")
    heads, ended = _read_events(client)
    try:
        wait_until(lambda: heads == [_head(server, new_token("ana", "--workspace", str(team)))], "the stream's first poke")
        crewdeck("-w", str(team), "--as", "ana", "member", *change)
        crewdeck("-w", str(team), "--as", "ana", "add", "Not for a guest's replica")
        wait_until(lambda: bool(ended), "the open stream to end")
    finally:
        client.close()
    assert len(heads) == 1  # no poke after the change
    # The reason the server gives, not "the server revoked this token" whatever it said.
    assert ended[0].code == {"set": "guest_no_replica", "rm": "member_removed"}[change[0]], ended[0]
    answer = httpx.get(f"{server.url}/v1/w/team/ops", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code in (401, 403)


def test_push_is_idempotent_refuses_gaps_and_bad_input_with_4xx(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    token = new_token("ana", "--workspace", str(team))
    store, ops = _ops(join(server, token, tmp_path / "ana.db"), 5)
    auth = {"Authorization": f"Bearer {token}"}
    push = f"{server.url}/v1/w/team/push"
    wire = [op.to_wire() for op in ops]

    first = httpx.post(push, json={"ops": wire[:3]}, headers=auth).json()
    assert (first["stored"], first["duplicates"], first["acked"]) == (3, 0, {store.node: 3})
    again = httpx.post(push, json={"ops": wire[:3]}, headers=auth).json()  # a retry
    assert (again["stored"], again["duplicates"], again["head"]) == (0, 3, first["head"])
    gap = httpx.post(push, json={"ops": wire[4:]}, headers=auth)
    assert gap.status_code == 409 and gap.json()["error"] == "gap" and gap.json()["expected"] == 4
    overlap = httpx.post(push, json={"ops": wire[2:]}, headers=auth).json()  # part retry, part new
    assert (overlap["stored"], overlap["duplicates"], overlap["acked"]) == (2, 1, {store.node: 5})

    ahead = dict(wire[0], op_id=str(Stamp(Stamp.parse(wire[0]["op_id"]).ms + 3_600_000, 0, store.node)), node_seq=6)
    skew = httpx.post(push, json={"ops": [ahead]}, headers=auth)
    assert skew.status_code == 422 and skew.json()["error"] == "clock_skew"
    # Whose clock: the replica reads the server's message, where "this machine's clock" was its own.
    said = skew.json()["message"]
    assert re.search(r"is stamped [0-9hms]+ ahead of the server's clock \(limit 5m00s\); the server's time is 20[0-9-]+ [0-9:]+ UTC", said)
    assert "this machine" not in said, said
    assert abs(skew.json()["server_ms"] - Stamp.parse(wire[0]["op_id"]).ms) < 3_600_000
    copied = dict(wire[0], op_id=str(Stamp(Stamp.parse(wire[0]["op_id"]).ms + 1, 7, store.node)))  # another op under #1
    assert httpx.post(push, json={"ops": [copied]}, headers=auth).json()["error"] == "node_conflict"
    # The next operation of the count, forged to name a stored task's id as a member's.
    clash = dict(
        wire[0],
        op_id=str(Stamp(Stamp.parse(wire[-1]["op_id"]).ms, 9, store.node)),
        node_seq=6,
        entity="member",
        field="name",
        value="Forged",
    )
    answer = httpx.post(push, json={"ops": [clash]}, headers=auth)
    assert (answer.status_code, answer.json()["error"], answer.json()["row_id"]) == (422, "row_entity", wire[0]["row_id"])
    assert "is a task record, not a member" in answer.json()["message"]

    bad = {
        "not JSON": (b"{", 400, "bad_json"),
        "deeply nested JSON": (b"[" * 100_000 + b"]" * 100_000, 400, "bad_json"),
        "not an object": (b"[1]", 422, "bad_request"),
        "ops not a list": (b'{"ops": 3}', 422, "bad_request"),
        "a bad operation": (json.dumps({"ops": [dict(wire[0], kind="drop")]}).encode(), 422, "bad_op"),
        "a huge counter": (json.dumps({"ops": [dict(wire[0], node_seq=10**30)]}).encode(), 422, "bad_op"),
        "too many operations": (json.dumps({"ops": [{}] * 5_001}).encode(), 413, "batch_too_large"),
        "too large": (b" " * (8 * 1024 * 1024 + 1), 413, "body_too_large"),
    }
    head = _head(server, token)
    # A value the server cannot store is that operation's refusal, under its counter: the replica syncs on.
    surrogate = dict(wire[0], op_id=str(Stamp(Stamp.parse(wire[-1]["op_id"]).ms, 10, store.node)), node_seq=6, value="\ud800")
    answer = httpx.post(push, content=json.dumps({"ops": [surrogate]}).encode(), headers={**auth, "Content-Type": "application/json"})
    assert answer.status_code == 200 and answer.json()["stored"] == 0 and answer.json()["acked"] == {store.node: 6}
    assert [(r["node_seq"], r["rule"]) for r in answer.json()["refused"]] == [(6, "invalid_value")]
    again = httpx.post(push, content=json.dumps({"ops": [surrogate]}).encode(), headers={**auth, "Content-Type": "application/json"})
    assert again.json()["duplicates"] == 1 and again.json()["refused"] == answer.json()["refused"]  # a retry hears the same
    for name, (content, status, code) in bad.items():
        answer = httpx.post(push, content=content, headers={**auth, "Content-Type": "application/json"})
        assert (answer.status_code, answer.json()["error"]) == (status, code), name
    for query in ("after=-1", "after=x", "limit=0", "limit=10001", "wait=61", "wait=nan", "after=１"):
        answer = httpx.get(f"{server.url}/v1/w/team/ops?{query}", headers=auth)
        assert (answer.status_code, answer.json()["error"]) == (400, "bad_parameter"), query
    assert httpx.get(f"{server.url}/v1/nothing").json()["error"] == "not_found"
    long_path = httpx.get(f"{server.url}/v1/{'x' * 20_000}")
    assert long_path.json()["error"] == "not_found" and len(long_path.content) < 1_000  # the path quoted is capped
    assert httpx.delete(push, headers=auth).json()["error"] == "method_not_allowed"
    assert _head(server, token) == head
    store.close()


def test_operations_the_server_cannot_read_are_refused_one_by_one_not_a_500(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    token = new_token("raj", "--workspace", str(team))
    store, ops = _ops(join(server, token, tmp_path / "raj.db"), 1)
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.post(f"{server.url}/v1/w/team/push", json={"ops": [op.to_wire() for op in ops]}, headers=auth).json()["refused"] == []
    task = ops[-1].to_wire()
    stamp = Stamp.parse(task["op_id"])

    def forged(seq: int, **fields: object) -> dict[str, object]:
        return dict(task, op_id=str(Stamp(stamp.ms, stamp.counter + seq, store.node)), node_seq=task["node_seq"] + seq, **fields)

    batches = {
        # A record of no known entity, on its own and beside a good operation.
        "unknown entity": [forged(1, entity="sync_token", row_id="t1", field="member", value="x")],
        "unknown entity and a task": [
            forged(2, entity="bogus", row_id="b1", field="x", value=1),
            forged(3, field="title", value="renamed"),
        ],
        # A ledger entry without the fields every entry has (who entered it, the amount...), or not a record at all.
        "incomplete ledger entry": [forged(4, kind="append", entity="ledger_entry", row_id=new_id(), field="*", value={})],
        "ledger entry not an object": [forged(5, kind="append", entity="ledger_entry", row_id=new_id(), field="*", value=[1])],
        "ledger entry field by field": [forged(6, kind="append", entity="ledger_entry", row_id=new_id(), field="amount", value={})],
    }
    head = _head(server, token)
    for name, batch in batches.items():
        answer = httpx.post(f"{server.url}/v1/w/team/push", json={"ops": batch}, headers=auth)
        assert answer.status_code == 200, (name, answer.text)
        refused = answer.json()["refused"]
        assert [(r["node_seq"], r["rule"]) for r in refused] == [(batch[0]["node_seq"], "invalid_value")], name
        assert answer.json()["stored"] == len(batch) - 1, name
    assert _head(server, token) == head + 1  # the renamed task only
    store.close()


def test_a_push_that_does_not_say_it_is_json_is_a_415(shared: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = shared
    token = new_token("ana", "--workspace", str(team))
    store, ops = _ops(join(server, token, tmp_path / "ana.db"), 1)
    body = json.dumps({"ops": [op.to_wire() for op in ops]}).encode()
    push = f"{server.url}/v1/w/team/push"
    head = _head(server, token)
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonl", None):
        headers = {"Authorization": f"Bearer {token}", **({"Content-Type": content_type} if content_type else {})}
        answer = httpx.post(push, content=body, headers=headers)
        assert (answer.status_code, answer.json()["error"]) == (415, "unsupported_media_type"), content_type
        assert "Content-Type: application/json" in answer.json()["message"]
    assert _head(server, token) == head
    # A compressed body was read as it came: "the request body is not UTF-8 text", a 400 that named no reason.
    for encoding in ("gzip", "br", "deflate, gzip"):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Content-Encoding": encoding}
        answer = httpx.post(push, content=gzip.compress(body), headers=headers)
        assert (answer.status_code, answer.json()["error"]) == (415, "unsupported_media_type"), encoding
        assert answer.json()["message"] == f"the body must be sent uncompressed, without Content-Encoding (got {encoding!r})"
    assert _head(server, token) == head
    for content_type in ("application/json; charset=utf-8", "Application/JSON"):
        answer = httpx.post(push, content=body, headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
        assert answer.status_code == 200, content_type
    assert _head(server, token) == head + len(ops)
    store.close()


def test_non_finite_numbers_are_refused_so_exports_stay_json(shared: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = shared
    token = new_token("ana", "--workspace", str(team))
    store, ops = _ops(join(server, token, tmp_path / "ana.db"), 1)
    campaign = new_id()
    # The next operation of the count, setting a campaign's KPI targets.
    wire = dict(ops[0].to_wire(), entity="campaign", row_id=campaign, field="kpis", value={"reach": "X"})
    for number in ("NaN", "Infinity", "-Infinity", "1e999"):
        content = json.dumps({"ops": [wire]}).replace('"X"', number).encode()
        answer = httpx.post(
            f"{server.url}/v1/w/team/push",
            content=content,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert (answer.status_code, answer.json()["error"]) == (400, "bad_json"), number
        assert f"{number} is " in answer.json()["message"]
    assert [c for c in load_json(export(team))["campaign"] if c["id"] == campaign] == []  # the export is still JSON, without it
    store.close()


def test_a_long_poll_returns_as_soon_as_something_is_pushed(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    token = new_token("ana", "--workspace", str(team))
    store, _ = _ops(join(server, token, tmp_path / "ana.db"), 1)
    head = _head(server, token)
    client = Client(server.url, token, "team")
    got: list = []
    waiter = threading.Thread(target=lambda: got.append(client.pull(head, wait=60)))
    waiter.start()
    crewdeck("-w", str(team), "--as", "raj", "add", "Poke")  # a direct write to the file
    waiter.join(90)
    assert got and [op.field for _, op in got[0][0]][:1] == ["title"]  # the wait ended with the new operations
    client.close()
    store.close()


def test_faults_between_clients_and_server_lose_and_duplicate_nothing(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    clients, ops_each, per_commit = 4, 2_500, 100
    paths = [
        join(server, new_token(h, "--workspace", str(team)), tmp_path / f"c{i}.db") for i, h in enumerate(["ana", "raj", "ana", "raj"])
    ]
    transports = [FaultyTransport(seed=i, rate=0.04) for i in range(clients)]
    engines = [
        SyncEngine(p, transport=t, backoff=Backoff(0.005, 0.05), poll_interval=0.2, seed=i)
        for i, (p, t) in enumerate(zip(paths, transports))
    ]
    for e in engines:
        e.start()

    def work(i: int) -> None:
        store = Store(paths[i])
        rng = random.Random(i)
        member = store.get_meta("remote.member") or ""
        for _ in range(ops_each // per_commit):
            tasks = [row[0] for row in store.conn.execute("SELECT id FROM task")]
            with store.write(member) as w:
                for _ in range(per_commit // 5):
                    values = {
                        "title": f"t{rng.randrange(10**9)}",
                        "status": rng.choice(STATUSES),
                        "priority": "med",
                        "notes": "",
                        "tags": [],
                    }
                    if tasks and rng.random() < 0.3:
                        w.set("task", rng.choice(tasks), values)  # edits others' tasks too
                    else:
                        w.create("task", values)
            # Edits and syncs interleave, as they do for people (and every
            # round crosses the faulty transport).
            wait_until(lambda: unsent(store) == 0, "the engine pushing this commit")
        store.close()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    shared = Store(team)
    nodes = [Store(p).node for p in paths]
    expected = (
        shared.max_seq()
        + clients * ops_each
        - shared.conn.execute(f"SELECT count(*) FROM ops WHERE node IN ({','.join('?' * len(nodes))})", nodes).fetchone()[0]
    )
    replicas = [Store(p) for p in paths]
    wait_until(
        lambda: shared.max_seq() >= expected and all(r.max_seq() >= expected for r in replicas),
        "every replica has every operation",
        timeout=180,
    )
    for e in engines:
        e.stop()
    for t in transports:
        t.flush()  # late, delayed requests still arriving change nothing
        t.close()
    counts = shared.conn.execute(
        f"SELECT count(*), count(DISTINCT op_id) FROM ops WHERE node IN ({','.join('?' * len(nodes))})", nodes
    ).fetchone()
    assert counts == (clients * ops_each, clients * ops_each)
    seqs = [r[0] for r in shared.conn.execute("SELECT seq FROM ops ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) == expected
    for node, _p in zip(nodes, paths):
        assert shared.conn.execute("SELECT count(*), max(node_seq) FROM ops WHERE node = ?", (node,)).fetchone() == (ops_each, ops_each)
    exports = {export(p) for p in [team, *paths]}
    assert len(exports) == 1
    faults = {k: sum(t.counts[k] for t in transports) for k in transports[0].counts}
    assert all(v > 0 for v in faults.values()), faults  # every kind of fault happened
    shared.close()
    for r in replicas:
        r.close()


class FailsUnexpectedly(httpx.BaseTransport):
    """Raises what no sync code expects (a bug's stand-in) on the first ``times`` requests of a round."""

    def __init__(self, times: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.left = times

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.left > 0 and not request.url.path.endswith("/events"):
            self.left -= 1
            raise RuntimeError("a bug in the round")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_an_unexpected_failure_in_a_round_is_an_error_status_and_a_retry(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    task = crewdeck("-w", str(ana), "add", "Made before the failures").strip()
    statuses: list[SyncStatus] = []
    transport = FailsUnexpectedly(times=3)
    engine = SyncEngine(ana, statuses.append, transport=transport, backoff=Backoff(0.005, 0.05), poll_interval=0.2)
    engine.start()
    shared = Store(team)
    try:
        wait_until(lambda: shared.record("task", task) is not None, "the task pushed once the failures stop")
        wait_until(lambda: engine.status is not None and engine.status.state == "live", "live again")
        seen = list(statuses)  # before stop(): closing the shared transport may fail a last round
    finally:
        engine.stop()
        shared.close()
        transport.close()
    errors = [s for s in seen if s.state == "error"]
    assert len(errors) >= 1 and transport.left == 0
    assert "RuntimeError: a bug in the round" in errors[0].message and errors[0].unsent == 1
    assert seen[-1].state == "live" and seen[-1].unsent == 0


def test_server_killed_during_pushes_loses_nothing_acknowledged(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    paths = [join(server, new_token(h, "--workspace", str(team)), tmp_path / f"{h}.db") for h in ("ana", "raj")]
    statuses: list[list[SyncStatus]] = [[], []]
    engines = [SyncEngine(p, statuses[i].append, backoff=Backoff(0.02, 0.2), poll_interval=0.2) for i, p in enumerate(paths)]
    for e in engines:
        e.start()
    stop = threading.Event()

    def keep_writing(path: Path) -> None:
        store = Store(path)
        member = store.get_meta("remote.member") or ""
        while not stop.is_set():
            with store.write(member) as w:
                for _ in range(10):
                    w.create("task", {"title": "written while the server may be down"})
        store.close()

    writers = [threading.Thread(target=keep_writing, args=(p,)) for p in paths]
    for t in writers:
        t.start()
    watch = Store(team)

    def acknowledged(path: Path) -> tuple[str, int]:
        """A client's node and the last of its operations the server acknowledged."""
        replica = Store(path)
        try:
            cursor = int(replica.get_meta(META_PUSH_SEQ) or 0)
            row = replica.conn.execute("SELECT max(node_seq) FROM ops WHERE seq <= ? AND node = ?", (cursor, replica.node)).fetchone()
            return replica.node, int(row[0] or 0)
        finally:
            replica.close()

    # Both clients in the middle of pushing (a slow start may leave one behind).
    wait_until(
        lambda: watch.max_seq() > 2_000 and all(acknowledged(p)[1] > 0 for p in paths), "pushes from both clients reaching the server"
    )
    server.kill()
    # What each client holds as acknowledged, now that the server is gone.
    acked = [acknowledged(p) for p in paths]
    for node, node_seq in acked:
        assert node_seq > 0
        stored = watch.conn.execute("SELECT count(*) FROM ops WHERE node = ? AND node_seq <= ?", (node, node_seq)).fetchone()[0]
        assert stored == node_seq  # every acknowledged operation survived the kill
    wait_until(lambda: all(s and s[-1].state == "offline" for s in statuses), "both clients offline")
    assert all(s[-1].unsent > 0 for s in statuses)
    stop.set()
    for t in writers:
        t.join()
    server.start()  # same file, same port
    wait_until(
        lambda: all(e.status is not None and e.status.state == "live" and e.status.unsent == 0 for e in engines),
        "clients resuming by themselves",
        timeout=120,
    )
    replicas = [Store(p) for p in paths]
    wait_until(lambda: len({r.max_seq() for r in [*replicas, watch]}) == 1, "replicas caught up")
    for e in engines:
        e.stop()
    for r in replicas:
        r.close()
    assert len({export(p) for p in [team, *paths]}) == 1
    seqs = [r[0] for r in watch.conn.execute("SELECT seq FROM ops ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    watch.close()
    assert server.stop() == ""


def test_a_push_while_another_process_holds_the_write_lock_gets_a_503_to_retry(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    token = new_token("ana", "--workspace", str(team))
    server = Server([str(team), "0.2"], entry=["-c", SHORT_BUSY_SERVER]).start()
    try:
        store, ops = _ops(join(server, token, tmp_path / "ana.db"), 2)
        push = f"{server.url}/v1/w/team/push"
        auth = {"Authorization": f"Bearer {token}"}
        holder = sqlite3.connect(team, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # a member's long write on the shared file
        try:
            busy = httpx.post(push, json={"ops": [op.to_wire() for op in ops]}, headers=auth, timeout=30)
            # Reads go on under a writer's lock (WAL).
            assert httpx.get(f"{server.url}/v1/w/team/ops", headers=auth).status_code == 200
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert (busy.status_code, busy.json()["error"], busy.headers["retry-after"]) == (503, "unavailable", "1")
        assert busy.json()["message"] == "the workspace file is busy or unreadable"
        # The API's document says so, for every route that reads or writes the store.
        paths = httpx.get(f"{server.url}/openapi.json").json()["paths"]
        for path, method in (("/v1/me", "get"), ("/v1/w/{workspace}/push", "post"), ("/v1/w/{workspace}/ops", "get")):
            assert "Retry-After" in paths[path][method]["responses"]["503"]["description"], path
        done = httpx.post(push, json={"ops": [op.to_wire() for op in ops]}, headers=auth)
        assert (done.status_code, done.json()["stored"]) == (200, 2)  # the retry goes through
        store.close()
    finally:
        logged = server.stop()
    # A busy file is no crash: one line says why members heard 503s, none a traceback.
    assert "Traceback" not in logged and logged.count("503 on ") == 1, logged
    assert "locked by another writer for 0.2 s" in logged, logged


#: ``crewdeck serve ARGS --port N`` whose workspace file has no room to grow (SQLite's own limit on its pages: the
#: SQLITE_FULL a full disk gives).
FULL_DISK_SERVER = """
import sys
from crewdeck.sync.state import store
connect = store.connect
def no_room(*args, **kwargs):
    conn = connect(*args, **kwargs)
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    return conn
store.connect = no_room
from crewdeck.tui.cli.main import main
sys.exit(main(["serve", *sys.argv[1:]]))
"""


#: ``crewdeck serve ARGS --port N`` in a process that may write no file past ``LIMIT`` bytes (``LIMIT ARGS --port N``): a
#: workspace file the server cannot write, as on a disk that failed or went read-only under it.
LIMITED_FILE_SERVER = """
import resource
import sys
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from crewdeck.tui.cli.main import main
sys.exit(main(["serve", *sys.argv[1:]]))
"""


@pytest.mark.parametrize(
    ("server_args", "told", "logged_why"),
    [
        (
            ["-c", FULL_DISK_SERVER],
            "the server's disk is full, nothing was stored: whoever runs the server must free some space on it",
            "disk full while writing {team}",
        ),
        (
            ["-c", LIMITED_FILE_SERVER, "32769"],  # room for the -shm's 32 KiB alone
            "the server cannot write its workspace file, nothing was stored: whoever runs the server must read its log",
            "cannot write {team} (disk I/O error): this process may write no file past 32,769 bytes",
        ),
    ],
    ids=["full", "unwritable"],
)
def test_a_push_the_servers_disk_refuses_says_whoever_runs_it_must_see_to_it(
    server_args: list[str], told: str, logged_why: str, tmp_path: Path
) -> None:
    # The member was told the workspace file was "busy or unreadable" and to try again in a moment, for as long as
    # nobody freed any space or looked at a disk that failed; only the server's log said why.
    team = make_team(tmp_path)
    token = new_token("ana", "--workspace", str(team))
    server = Server([str(team)], entry=server_args).start()
    try:
        replica = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token-file", token_file(tmp_path, token), str(replica))
        for i in range(40):
            crewdeck("-w", str(replica), "add", f"Post {i} " + "x" * 400)
        # 75, try again later: the push may pass once the disk is seen to, as a mail server's full disk defers mail (SMTP 452).
        said = crewdeck_fails("-w", str(replica), "sync", status=75)
    finally:
        logged = server.stop()
    assert said == (
        f"crewdeck: error: sync with {server.url}: the server is unavailable for now (503: {told}); try again in a moment; "
        f"40 edits made here were not sent yet and stay in {replica}\n"
    )
    assert logged_why.format(team=team) in logged and "Traceback" not in logged, logged
    with Store(team) as store:
        assert not any(v["title"].startswith("Post ") for _, v in store.records("task"))


@pytest.mark.parametrize(
    "code",
    [sqlite3.SQLITE_IOERR_NOMEM, sqlite3.SQLITE_IOERR_LOCK, sqlite3.SQLITE_IOERR_RDLOCK, sqlite3.SQLITE_CANTOPEN],
    ids=["nomem", "lock", "rdlock", "cantopen"],
)
def test_a_write_refused_by_what_passes_is_a_busy_file_to_try_again_not_a_disk_to_see_to(code: int, tmp_path: Path) -> None:
    # Memory short for a moment, a lock call that failed, too many files open: members were told the server "cannot
    # write its workspace file" and whoever runs it must read its log, and a replica that "the disk failed".  SQLite's
    # own error, as it raises it: these cannot be brought about on a real disk on demand.
    team = make_team(tmp_path)
    refused = sqlite3.OperationalError("disk I/O error")
    refused.sqlite_errorcode = code
    error = store_module._write_error(team, refused)
    assert error is not None and not isinstance(error, store_module.WriteFailed)
    # Busy, as a lock is: a cron job's command exits 75 (tried again later), where it exited 2 as for bad input (rh).
    assert isinstance(error, store_module.WorkspaceBusy)
    assert str(error) == f"could not write {team} for now (disk I/O error); nothing was written, try again"

    def write() -> None:
        raise error

    with pytest.raises(BackendError) as raised:
        filestore._available(write)
    assert raised.value.message == "the workspace file is busy or unreadable"  # 503, tried again in a moment


def test_a_server_told_to_stop_with_nothing_open_ends_without_waiting_for_a_timer(tmp_path: Path) -> None:
    # uvicorn looked for the signal at its next tick (0.1 s) and paused 0.1 s more before closing, though no connection
    # was open: some 0.2 s at every stop, for a person restarting a server as for the suite's hundreds of servers.  On a
    # clock that stands still no timer ever fires: the server ends by itself only where ending needs none.
    team = make_team(tmp_path)
    server = Server([str(team)], entry=["-c", STILL_CLOCK_SERVER]).start()
    assert httpx.get(f"{server.url}/v1/health").status_code == 200
    assert server.stop() == ""
    assert server.proc is not None and server.proc.returncode == 0  # its own end: not killed after waiting


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_server_stopped_by_a_signal_ends_as_a_clean_stop(stop: signal.Signals, tmp_path: Path) -> None:
    # uvicorn raised the signal again once shut down: SIGTERM killed the process (exit -15, a crash to a service
    # manager) and Ctrl-C ended in KeyboardInterrupt (exit 130), neither running what follows the serving.
    server = Server([str(make_team(tmp_path))]).start()
    assert server.proc is not None
    server.proc.send_signal(stop)
    _, err = server.proc.communicate(timeout=PATIENCE)
    assert (server.proc.returncode, err.decode()) == (0, "")


@contextmanager
def a_push_waiting_for_its_body(server: Server, token: str) -> Iterator[socket.socket]:
    """A push whose head the app has read (its answer "100 Continue" says it is reading the body), and whose body never
    comes: a request still open when the server is told to stop, as a push waiting on a busy file is."""
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(
            f"POST /v1/w/team/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n".encode()
        )
        assert conn.recv(100).startswith(b"HTTP/1.1 100 ")
        yield conn


def test_a_stop_whose_bound_cut_an_open_request_exits_1_saying_so(tmp_path: Path) -> None:
    # The 2 s bound ran out and cancelled the push (uvicorn's "Cancel 1 running task(s)", a 500 to its client), and
    # crewdeck serve exited 0, as a clean stop does: a service manager, and a script, saw nothing wrong.
    team = make_team(tmp_path)
    server = Server([str(team), "--header-timeout", "60"]).start()
    assert server.proc is not None
    with a_push_waiting_for_its_body(server, new_token("-w", str(team), "--as", "ana", "@raj")):
        server.proc.send_signal(signal.SIGTERM)
        _, err = server.proc.communicate(timeout=PATIENCE)
    assert server.proc.returncode == 1, err.decode()
    # Said in one line: uvicorn's "Cancel 1 running task(s)" before it was an error, and the cancelled push's
    # "Exception in ASGI application" a CancelledError's traceback.
    assert "Traceback" not in err.decode()
    assert err.decode() == (
        "crewdeck: error: serve: stopped, cutting 1 request still open after 2 s: its client got a 500, and a sync's edits "
        "stay in its replica for the next sync\n"
    )


def test_a_stop_forced_by_ctrl_c_after_sigterm_exits_130(tmp_path: Path) -> None:
    # uvicorn raised both signals again once shut down, the last first: Ctrl-C's KeyboardInterrupt was not yet raised
    # when SIGTERM killed the process (exit -15), where the README says a forced stop exits 130.
    team = make_team(tmp_path)
    server = Server([str(team), "--header-timeout", "600", "--log-level", "info"], entry=patient_stop_serve(600)).start()
    assert server.proc is not None and server.proc.stderr is not None
    with a_push_waiting_for_its_body(server, new_token("-w", str(team), "--as", "ana", "@raj")):
        server.proc.send_signal(signal.SIGTERM)
        for line in iter(server.proc.stderr.readline, b""):
            if b"(CTRL+C to force quit)" in line:
                break  # the stop is waiting for the open push: a Ctrl-C now forces it
        server.proc.send_signal(signal.SIGINT)
        _, err = server.proc.communicate(timeout=PATIENCE)
    assert server.proc.returncode == 130
    # The push cancelled as the event loop closed, and the lifespan with it, were three chained tracebacks each, and
    # nothing said what the stop cut.
    assert "Traceback" not in err.decode()
    assert err.decode().splitlines()[-1] == (
        "crewdeck: error: serve: stop forced, cutting 1 request still open: its client got a 500, and a sync's edits stay "
        "in its replica for the next sync"
    )


async def test_a_push_cut_while_waiting_on_a_busy_file_ends_before_the_stop_closes_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stop's cut cancels the push's await, not its worker thread: the store closed the writer under the push
    # still waiting on the busy file, which then failed as "Cannot operate on a closed database" mid-transaction.
    import asyncio

    from crewdeck.sync.server.filestore import FileBackend
    from crewdeck.sync.state.store import WorkspaceBusy

    team = make_team(tmp_path)
    backend = FileBackend(team, "team", busy_timeout=1.0)  # the push gives up on the busy file after 1 s
    await backend.start()
    pushing, pushed = threading.Event(), threading.Event()
    ended: list[BaseException] = []
    accept_push, close = backend._writer.accept_push, backend._writer.close

    def accepting(*args: object, **kwargs: object) -> object:
        pushing.set()
        try:
            return accept_push(*args, **kwargs)  # type: ignore[arg-type]  # passed through as given
        except BaseException as exc:
            ended.append(exc)
            raise
        finally:
            pushed.set()

    closed_while_pushing: list[bool] = []

    def closing() -> None:
        closed_while_pushing.append(not pushed.is_set())
        close()

    monkeypatch.setattr(backend._writer, "accept_push", accepting)
    monkeypatch.setattr(backend._writer, "close", closing)
    holder = sqlite3.connect(team, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the file busy: another process writing it
        push = asyncio.create_task(backend.push("team", "ana", [], {}))
        await asyncio.to_thread(pushing.wait)
        push.cancel()  # as the stop's graceful bound cuts it
        with pytest.raises(asyncio.CancelledError):
            await push
        await backend.stop()
    finally:
        holder.close()
    assert closed_while_pushing == [False]
    assert [type(exc) for exc in ended] == [WorkspaceBusy]  # the busy file, given up as while serving (a 503)


def test_only_cancellations_by_the_stop_are_kept_from_the_log_and_the_debug_level_keeps_them() -> None:
    # What the stop cut is said by its caller in one line: uvicorn's traceback of each cancelled task is not. An error
    # that is no cancellation, or that comes before the stop, still shows whole, and so does every one at debug level.
    import asyncio

    import uvicorn

    from crewdeck.sync.server.prompt import CutByTheStop, logger

    def said(exc: BaseException | None, msg: str = "Exception in ASGI application\n") -> logging.LogRecord:
        return logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, msg, None, (type(exc), exc, None) if exc else None)

    server = uvicorn.Server(uvicorn.Config(lambda: None, log_config=None))
    kept = CutByTheStop(server).filter
    cancelled = said(asyncio.CancelledError("Task cancelled, timeout graceful shutdown exceeded"))
    lifespan = said(None, "Traceback (most recent call last):\n  File ...\nasyncio.exceptions.CancelledError\n")
    crash = said(RuntimeError("a bug"))
    assert [kept(cancelled), kept(lifespan), kept(crash)] == [True, True, True]  # serving: not cut by a stop
    server.should_exit = True
    assert [kept(cancelled), kept(lifespan), kept(crash)] == [False, False, True]
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        assert [kept(cancelled), kept(lifespan)] == [True, True]
    finally:
        logger.setLevel(level)


async def test_a_stop_that_waits_on_open_connections_says_so_once_with_how_to_force_it(caplog: pytest.LogCaptureFixture) -> None:
    # uvicorn's "Waiting for connections to close. (CTRL+C to force quit)" was dropped with its shutdown, where it is
    # the only place an operator learns that a second Ctrl-C ends a stop kept waiting by an open response.
    import asyncio

    import uvicorn

    from crewdeck.sync.server.prompt import PromptServer

    async def app(scope: object, receive: object, send: object) -> None:
        raise AssertionError("no request is served")

    server = PromptServer(uvicorn.Config(app, log_config=None), listen_queue=1)  # its records reach caplog, unhandled
    server.servers = []
    open_connection = object()
    server.server_state.connections.add(open_connection)  # type: ignore[arg-type]  # a stand-in: only its presence counts

    async def closed_after_some_looks() -> None:
        for _ in range(5):
            await asyncio.sleep(0)
        server.server_state.connections.discard(open_connection)  # type: ignore[arg-type]  # as added

    closing = asyncio.create_task(closed_after_some_looks())
    with caplog.at_level("INFO", logger="uvicorn.error"):
        await server._drained()
    await closing
    said = [record.getMessage() for record in caplog.records if record.name == "uvicorn.error"]
    assert said == ["Waiting for connections to close. (CTRL+C to force quit)"]


def test_a_test_server_whose_free_port_was_taken_before_it_bound_it_comes_up_on_another(tmp_path: Path) -> None:
    # free_port finds a port free and lets it go; another process (another test's server) may bind it before the server
    # does, which then exited, "port N on 127.0.0.1 is in use": a test failed in its setup, by timing alone.
    team = make_team(tmp_path)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = int(other.getsockname()[1])
        server = Server([str(team)], port=taken).start()
        try:
            assert server.port != taken and httpx.get(f"{server.url}/v1/health").status_code == 200
            server.stop()
            server.start()  # again: on the port it came up on, the one its replicas' URLs name
            assert httpx.get(f"{server.url}/v1/health").status_code == 200
        finally:
            server.stop()


def test_join_and_sync_explain_what_is_wrong(shared: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = shared
    token = new_token("ana", "--workspace", str(team))
    assert "already exists" in crewdeck_fails("join", server.url, "--token", token, str(team))
    assert "not a crewdeck token" in crewdeck_fails("join", server.url, "--token", "secret", str(tmp_path / "x.db"))
    assert "this server knows no such token" in crewdeck_fails(
        "join", server.url, "--token", "crewdeck_" + "a" * 43, str(tmp_path / "x.db")
    )
    assert not (tmp_path / "x.db").exists()
    assert "has no remote" in crewdeck_fails("-w", str(team), "sync")
    ana = join(server, token, tmp_path / "ana.db")
    assert "acts as @ana" in crewdeck_fails("-w", str(ana), "--as", "raj", "add", "Not me")
    # Another file on the server's port (the served file itself is refused as served already: test_serve_one_per_file).
    assert "is in use" in crewdeck_fails("serve", str(make_team(tmp_path)), "--port", str(server.port))
    replica = Store(ana)
    assert Remote.of(replica) == Remote(server.url, "team", token, replica.get_meta("remote.member") or "")
    replica.close()
    listing = crewdeck("token", "list", "--workspace", str(team))
    assert "@ana" in listing and token not in listing


def test_join_says_how_to_open_the_replica_when_crewdeck_alone_would_open_another(
    shared: tuple[Path, Server], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After the README's join, `crewdeck` made and opened a new, empty local workspace, and `crewdeck tasks` said "no
    # workspace: ... create one with: crewdeck init PATH": the replica just joined was named nowhere.
    team, server = shared
    config = tmp_path / "config.toml"
    monkeypatch.setenv("CREWDECK_CONFIG", str(config))
    config.write_text("")
    replica = tmp_path / "my team.db"
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert (
            main(["join", server.url, "--token-file", token_file(tmp_path, new_token("raj", "--workspace", str(team))), str(replica)]) == 0
        )
    quoted = f"'{replica}'"
    assert f"joined workspace team at {server.url}" in out.getvalue() and "note:" not in out.getvalue()
    assert err.getvalue() == (
        f"note: crewdeck alone makes a new local workspace, not this replica: open it with crewdeck --workspace {quoted}, "
        f"or make it your default with: crewdeck config set workspace {quoted}\n"
    )
    crewdeck("config", "set", "workspace", str(replica))  # as the note says
    assert "@raj" in crewdeck("member", "list")  # the replica, opened by crewdeck alone
    # With the replica the default, a second join into another file names the default it opens instead.
    again, err = tmp_path / "again.db", io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        assert main(["join", server.url, "--token-file", token_file(tmp_path, new_token("raj", "--workspace", str(team))), str(again)]) == 0
    assert err.getvalue().startswith(f"note: crewdeck alone opens {replica}, not this replica: open it with crewdeck --workspace {again}")
    with redirect_stdout(io.StringIO()), redirect_stderr(err := io.StringIO()):
        third = tmp_path / "third.db"
        assert (
            main(
                [
                    "-w",
                    str(third),
                    "join",
                    server.url,
                    "--token-file",
                    token_file(tmp_path, new_token("raj", "--workspace", str(team))),
                    str(third),
                ]
            )
            == 0
        )
    assert err.getvalue() == ""  # the workspace named is the one joined
    # CREWDECK_WORKSPACE goes before the config's workspace: the note named the config, which would change nothing.
    monkeypatch.setenv("CREWDECK_WORKSPACE", str(replica))
    fourth, err = tmp_path / "fourth.db", io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        assert (
            main(["join", server.url, "--token-file", token_file(tmp_path, new_token("raj", "--workspace", str(team))), str(fourth)]) == 0
        )
    assert err.getvalue() == (
        f"note: crewdeck alone opens {replica}, not this replica: open it with crewdeck --workspace {fourth}, or make it "
        f"your default with: set CREWDECK_WORKSPACE={fourth} (it is set, and goes before the config's workspace)\n"
    )


def test_a_join_on_a_laptop_whose_clock_runs_slow_says_the_replica_is_made_and_how_to_finish(
    served: tuple[Path, Server], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first pull stopped at the team's stamps, ten minutes ahead of this clock: join said only that, and once the
    # clock was right, joining again said the file "already exists; join into a new file".
    team, server = served
    crewdeck("-w", str(team), "--as", "raj", "add", "Made a moment ago")
    monkeypatch.setattr(store_module, "wall_ms", lambda: wall_ms() - 10 * 60_000)
    path = tmp_path / "ana.db"
    said = crewdeck_fails("join", server.url, "--token", new_token("ana", "--workspace", str(team)), str(path))
    assert "ahead of this machine's clock (limit 5m00s)" in said, said
    assert said.rstrip().endswith(
        f"; the replica {path} is created, finish its first sync with: crewdeck --workspace {path} sync (join again would refuse it: the file exists)"
    ), said
    monkeypatch.undo()  # the clock set right
    assert crewdeck("-w", str(path), "sync").rstrip().endswith(", 0 unsent")
    with Store(path) as store:
        assert [v["title"] for _, v in store.records("task")] == ["Made a moment ago"]


def test_a_join_whose_disk_fills_during_the_first_pull_says_the_replica_is_made_and_how_to_finish(
    served: tuple[Path, Server], tmp_path: Path
) -> None:
    # The replica was made and its history half pulled when the disk filled: join said "nothing was written", and
    # joining again once there was room said the file "already exists; join into a new file".
    team, server = served
    notes = {f"Brief {i}": f"{i} " + "draft " * 15_000 for i in range(8)}  # 90 KB each, 720 KB in all
    for title, text in notes.items():
        task = crewdeck("-w", str(team), "--as", "raj", "add", title).strip()
        crewdeck("-w", str(team), "--as", "raj", "set", task, f"notes={text}")
    path = tmp_path / "ana.db"
    # A file may grow to 500 KB, as on a disk that has that much room: the new replica fits, not the team's history.
    limit = 500_000
    script = (
        f"import resource, sys\nresource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from crewdeck.tui.cli.main import main\nsys.exit(main(sys.argv[1:]))"
    )
    token = token_file(tmp_path, new_token("ana", "--workspace", str(team)))
    done = subprocess.run(
        [sys.executable, "-c", script, "join", server.url, "--token-file", token, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"crewdeck: error: cannot write {path} (disk I/O error): this process may write no file past {limit:,} bytes (its file "
        f"size limit: ulimit -f); the replica {path} is "
        f"created, finish its first sync with: crewdeck --workspace {path} sync (join again would refuse it: the file exists)\n"
    )
    assert crewdeck("-w", str(path), "sync").rstrip().endswith(", 0 unsent")  # room again
    with Store(path) as store:
        pulled = {v["title"]: v["notes"] for _, v in store.records("task") if v["title"] in notes}
    assert pulled == notes


def test_a_sync_whose_disk_fills_during_its_pull_says_what_it_sent_and_pulled_stays_and_the_next_goes_on(
    served: tuple[Path, Server], tmp_path: Path
) -> None:
    # The push had gone and the first pages were kept when the replica's disk filled: sync said only "nothing was
    # written", no word of the server, and a member took the edit sent for one still to send.
    team, server = served
    path = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    notes = {f"Brief {i}": f"{i} " + "draft " * 15_000 for i in range(8)}  # 90 KB each, 720 KB in all
    for title, text in notes.items():
        task = crewdeck("-w", str(team), "--as", "raj", "add", title).strip()
        crewdeck("-w", str(team), "--as", "raj", "set", task, f"notes={text}")
    sent = crewdeck("-w", str(path), "add", "Shot list").strip()
    limit = 500_000  # a disk with room for the replica, not for the team's notes
    script = (
        f"import resource, sys\nresource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from crewdeck.tui.cli.main import main\nsys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run([sys.executable, "-c", script, "-w", str(path), "sync"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert done.stderr == (
        f"crewdeck: error: sync with {server.url}: cannot write {path} (disk I/O error): this process may write no file "
        f"past {limit:,} bytes (its file size limit: ulimit -f); what this sync sent and pulled before stays, and the "
        "next sync goes on from there\n"
    )
    with Store(team) as store:
        assert store.record("task", sent) is not None
    assert crewdeck("-w", str(path), "sync").rstrip().endswith(", 0 unsent")  # room again
    assert export(path) == export(team)


def test_a_join_whose_replica_cannot_keep_its_server_leaves_no_file_and_joins_again(
    served: tuple[Path, Server], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The disk filled as the new file took its server's address: a file that knows no server was left, and joining
    # again said it "already exists".
    team, server = served
    path = tmp_path / "ana.db"
    token = new_token("ana", "--workspace", str(team))
    save = Remote.save

    def full(self: Remote, store: Store) -> None:
        raise store_module.WorkspaceError(
            f"disk full while writing {store.path}; nothing was written (free some space on its disk and try again)"
        )

    monkeypatch.setattr(Remote, "save", full)
    said = crewdeck_fails("join", server.url, "--token-file", token_file(tmp_path, token), str(path))
    assert said == f"crewdeck: error: disk full while writing {path}; nothing was written (free some space on its disk and try again)\n"
    assert list(tmp_path.glob("ana.db*")) == []
    monkeypatch.setattr(Remote, "save", save)
    assert "joined workspace" in crewdeck("join", server.url, "--token-file", token_file(tmp_path, token), str(path))


def test_a_cursor_past_the_servers_last_operation_is_a_409_not_a_silent_empty_page(shared: tuple[Path, Server], tmp_path: Path) -> None:
    """A server restored from an older backup lacks operations its replicas pulled: the seqs it gives new ones
    would fall below their cursors and never be pulled, unless the cursor is refused."""
    team, server = shared
    token = new_token("ana", "--workspace", str(team))
    replica = join(server, token, tmp_path / "ana.db")
    head = _head(server, token)
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{server.url}/v1/w/team/ops?after={head}", headers=auth).json()["ops"] == []
    for query in (f"after={head + 1}", f"after={head + 1}&wait=30", "after=999999999999999999"):
        answer = httpx.get(f"{server.url}/v1/w/team/ops?{query}", headers=auth)
        assert (answer.status_code, answer.json()["error"], answer.json()["head"]) == (409, "cursor_ahead", head), query
    # A replica from before pulls named the operation at their cursor (``at``) hears the 409 too, and heals: it pulls
    # the server's history again, with nobody joining again (tests/test_sync_restore.py: a real restore).
    with Store(replica) as store:
        store.set_metas({META_PULL_SEQ: str(head + 5), META_PULL_OP: ""})
    said = crewdeck("-w", str(replica), "sync")
    assert said == (
        "the server was put back from an older backup and had lost operations: this replica pulled its history again; "
        f"it had lost none made here\npushed 0, pulled 0 operations; server at #{head:,}, 0 unsent\n"
    )
    with Store(replica) as store:
        assert int(store.get_meta(META_PULL_SEQ) or 0) == head


def test_serving_a_replica_is_refused_so_no_edit_stops_short_of_its_server(shared: tuple[Path, Server], tmp_path: Path) -> None:
    """A replica pushes its own node's operations only: what others pushed into it, served, would never reach its server."""
    team, server = shared
    replica = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    said = (
        f"crewdeck: error: {replica} is a replica of {server.url}: what others pushed to it would never reach that server; "
        f"serve the server's own workspace, and members join {server.url}\n"
    )
    for args in ([str(replica)], ["-w", str(replica)]):
        # A process of its own, as serving never returns: refused, it ends at once.
        serve = [sys.executable, "-m", "crewdeck.tui.cli.main", "serve", *args, "--port", str(free_port())]
        done = subprocess.run(serve, cwd=ROOT, capture_output=True, text=True, timeout=PATIENCE)
        assert (done.returncode, done.stderr) == (2, said)


@pytest.mark.parametrize(
    ("name", "shown", "suggested"),
    [
        ("My Team", "'My Team'", "my-team"),
        ("TEAM", "'TEAM'", "team"),
        ("tëam", "'tëam'", "t-am"),
        ("te\x1bam", "'te\\x1bam'", "te-am"),
        ("", "''", "workspace"),
        ("a/b", "'a/b'", "a-b"),
        ("_team", "'_team'", "team"),
        ("a" * 64, f"'{'a' * 64}'", "a" * 63),
    ],
)
def test_serve_refuses_a_name_it_would_have_to_change_in_one_line(name: str, shown: str, suggested: str, tmp_path: Path) -> None:
    """--name is the workspace's name in URLs, given as typed or refused: it was slugged without a word ('My Team' served as my-team)."""
    team = make_team(tmp_path)
    serve = [sys.executable, "-m", "crewdeck.tui.cli.main", "serve", str(team), "--name", name, "--port", str(free_port())]
    done = subprocess.run(serve, cwd=ROOT, capture_output=True, text=True, timeout=PATIENCE)
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"crewdeck: error: --name {shown}: a workspace's name in URLs is lowercase letters, digits, - and _, "
        f"starting with a letter or digit, at most 63 (e.g. --name {suggested})\n",
    )


def test_serve_refuses_a_name_with_database_which_would_ignore_it(tmp_path: Path) -> None:
    serve = [sys.executable, "-m", "crewdeck.tui.cli.main", "serve", "--database", "postgresql://127.0.0.1:1/crewdeck", "--name", "team"]
    done = subprocess.run([*serve, "--port", str(free_port())], cwd=ROOT, capture_output=True, text=True, timeout=PATIENCE)
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "crewdeck: error: serve: --name names a served file's workspace; --database serves each of its workspaces under its own name\n",
    )


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://[::1", "not a URL"),
        ("http://localhost:99999", "not a URL"),
        ("localhost:8470", "http:// or https://"),
        ("ftp://localhost", "http:// or https://"),
        ("http://", "names no host"),
        ("http://ana:secret@localhost", "no user name or password"),
        ("http://localhost/?workspace=team", "no ?query or #fragment"),
        ("http://localhost/#team", "no ?query or #fragment"),
    ],
)
def test_join_says_in_one_line_what_is_wrong_with_a_url(url: str, said: str, tmp_path: Path) -> None:
    err = crewdeck_fails("join", url, "--token-file", token_file(tmp_path, "crewdeck_" + "a" * 43), str(tmp_path / "x.db"))
    assert err.startswith(f"crewdeck: error: cannot join {url}: ") and said in err and err.count("\n") == 1, err
    assert not (tmp_path / "x.db").exists()


def test_a_long_first_sync_reports_progress_then_live(served: tuple[Path, Server], tmp_path: Path) -> None:
    team, server = served
    with Store(team) as shared:
        member = shared.conn.execute("SELECT id FROM member LIMIT 1").fetchone()[0]
        with shared.write(member) as w:
            for i in range(2_000):
                w.create("task", {"title": f"backlog {i}", "status": "todo", "priority": "low"})
        head = shared.max_seq()
    token = new_token("ana", "--workspace", str(team))
    replica = Store.create(tmp_path / "fresh.db")
    me = httpx.get(server.url + "/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    Remote(server.url, me["workspace"], token, me["member"]).save(replica)  # joined, nothing pulled yet
    statuses: list[SyncStatus] = []
    engine = SyncEngine(replica.path, statuses.append)
    engine.start()
    wait_until(lambda: engine.status is not None and engine.status.state == "live", "the first sync to finish")
    engine.stop()
    progress = [s.progress for s in statuses if s.progress]
    assert progress and progress[-1] == (head, head) and all(done <= total == head for done, total in progress)
    assert len(progress) > 1 and statuses[-1].progress is None
    assert any(s.state == "live" and s.pulled == head for s in statuses)
    assert replica.max_seq() == head
    replica.close()


def test_kick_ends_an_offline_backoff_at_once(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    server.kill()
    task = crewdeck("-w", str(ana), "add", "Made while the server was away").strip()
    # An hour's backoff: only the kick can bring the next round within the test.
    engine = SyncEngine(ana, backoff=Backoff(3600.0, 3600.0), poll_interval=3600.0)
    engine.start()
    shared = Store(team)
    try:
        wait_until(lambda: engine.status is not None and engine.status.state == "offline", "offline, backing off")
        server.start()
        engine.kick()
        wait_until(lambda: engine.status is not None and engine.status.state == "live", "live after the kick")
        assert shared.record("task", task) is not None
    finally:
        engine.stop()
        shared.close()
        server.stop()


@pytest.mark.parametrize("going", ["stopped", "killed"])
def test_a_server_that_goes_away_shows_offline_when_its_event_stream_ends(tmp_path: Path, going: str) -> None:
    # Stopped (Ctrl-C: its streams end cleanly), the header said "live" until the next poll (15 s): the stream was
    # reconnected quietly, and the loop waited out its pause.  An hour's poll here: only the stream's end can bring
    # the round that finds the server gone.
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    engine = SyncEngine(ana, backoff=Backoff(3600.0, 3600.0), poll_interval=3600.0)
    engine.start()
    try:
        wait_until(lambda: engine.listening and engine.status is not None and engine.status.state == "live", "live, listening")
        server.stop() if going == "stopped" else server.kill()
        wait_until(lambda: engine.status is not None and engine.status.state == "offline", "offline once the stream ended")
    finally:
        engine.stop()
        server.stop()


class PushAnswers(httpx.BaseTransport):
    """Between client and server: the server acts on each request to ``path``, and the client hears ``answer`` instead of its reply."""

    def __init__(self, answer: bytes, path: str = "/push") -> None:
        self.inner = httpx.HTTPTransport()
        self.answer = answer
        self.path = path

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.endswith(self.path):
            return response
        response.read()
        response.close()
        return httpx.Response(200, content=self.answer, headers={"Content-Type": "application/json"})

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize(
    "answer",
    [
        b"{}",
        b'{"acked": [], "stored": 1}',
        b'{"acked": {"NODE": null}, "stored": 1}',
        b'{"acked": {"NODE": 4}, "stored": "x"}',
        b'{"acked": {"NODE": 2}, "stored": 2, "refused": 1}',
    ],
)
def test_a_push_answer_that_is_not_the_apis_is_a_sync_error_and_the_cursor_stays(
    shared: tuple[Path, Server], tmp_path: Path, answer: bytes
) -> None:
    team, server = shared
    token = new_token("ana", "--workspace", str(team))
    store, ops = _ops(join(server, token, tmp_path / "ana.db"), 2)
    transport = PushAnswers(answer.replace(b"NODE", store.node.encode()))
    client = Client(server.url, token, "team", transport=transport)
    try:
        with pytest.raises(SyncError) as refused:
            push_all(store, client)
    finally:
        client.close()
        transport.close()
    assert refused.value.code == "bad_answer" and "the server sent a malformed answer" in str(refused.value)
    # Nothing taken as acknowledged: both tasks, a write each, are unsent.
    assert store.get_meta(META_PUSH_SEQ) is None and unsent(store) == len({op.row_id for op in ops}) == 2
    store.close()


@pytest.mark.parametrize(
    "answer",
    [b"{}", b'{"workspace": "team"}', b'{"workspace": ["team"], "member": "MEMBER"}', b'{"workspace": "../team", "member": "MEMBER"}'],
)
def test_joining_a_server_whose_me_is_not_the_apis_is_refused_in_words_and_makes_no_replica(
    shared: tuple[Path, Server], tmp_path: Path, answer: bytes
) -> None:
    team, server = shared
    token = new_token("ana", "--workspace", str(team))
    member = httpx.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["member"]
    transport = PushAnswers(answer.replace(b"MEMBER", member.encode()), "/v1/me")
    try:
        with pytest.raises(SyncError) as refused:
            remote_join(str(tmp_path / "ana.db"), server.url, token, transport=transport)
    finally:
        transport.close()
    assert refused.value.code == "bad_answer" and "the server sent a malformed answer to /v1/me" in str(refused.value)
    assert not (tmp_path / "ana.db").exists()


def test_a_snooze_and_its_zone_travel_together_through_the_file_and_over_http(served: tuple[Path, Server], tmp_path: Path) -> None:
    """The zone a snooze was meant in reaches both kinds of replica; a snooze an older crewdeck wrote (an instant alone) still syncs."""
    team, server = served
    ana = join(server, new_token("ana", "--workspace", str(team)), tmp_path / "ana.db")
    by_file = crewdeck("-w", str(team), "--as", "raj", "add", "Cut the teaser").strip()
    crewdeck("-w", str(team), "--as", "raj", "set", by_file, "snoozed_until=2026-12-20 09:00")
    by_http = crewdeck("-w", str(ana), "add", "Approve the teaser").strip()
    crewdeck("-w", str(ana), "set", by_http, "snoozed_until=2026-12-20 09:00")
    older = crewdeck("-w", str(ana), "add", "Older snooze").strip()
    replica = Store(ana)
    try:
        with replica.write(replica.get_meta("remote.member") or "") as w:
            w.set("task", older, {"snoozed_until": "2026-12-21T08:00:00Z"})
    finally:
        replica.close()
    crewdeck("-w", str(ana), "sync")
    for path in (team, ana):
        snoozes = {t: json.loads(crewdeck("-w", str(path), "show", t, "--json"))["snoozed_until"] for t in (by_file, by_http, older)}
        assert snoozes == {
            by_file: {"utc": "2026-12-20T03:30:00Z", "tz": "Asia/Kolkata"},
            by_http: {"utc": "2026-12-20T08:00:00Z", "tz": "Europe/Berlin"},
            older: "2026-12-21T08:00:00Z",
        }, path
    assert export(team) == export(ana)


def test_token_create_names_the_workspace_as_join_does(cli: Cli) -> None:
    """`token create` on a file said "in workspace /…/team.db" (its path) where `join` and `serve` say "workspace team"."""
    made = cli.ok("token", "create", "raj").splitlines()[0]
    assert made == f"token {made.split()[1]} for @raj in workspace team ({cli.workspace})", made


def test_token_commands_on_a_replica_say_its_tokens_are_the_replicas_alone(served: tuple[Path, Server], tmp_path: Path) -> None:
    """ana, a manager on her laptop's replica, made raj a token there: it was printed as made for a join, the server never
    knew it, and raj's join said "this server knows no such token"; a revoke there left the token live on the server.
    A replica's tokens sign in to `crewdeck web` run on it, so they are made, with a note saying they are its alone."""
    team, server = served
    token_id, token = create_token("ana", "--workspace", str(team))
    ana = join(server, token, tmp_path / "ana.db")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["-w", str(ana), "token", "create", "raj"]) == 0
    assert err.getvalue() == (
        f"note: token create: {ana} is a replica of {server.url}: its tokens sign in to crewdeck web on this replica alone; "
        "the server's, for join and sync, are made, listed and revoked where it runs\n"
    )
    assert out.getvalue().splitlines()[1] == f"shown only this once; give it to the member to sign in to: crewdeck web {ana}"
    with Store(ana) as replica:
        assert replica.conn.execute("SELECT count(*) FROM sync_token").fetchone()[0] == 1
    assert "no live token" in crewdeck_fails("-w", str(ana), "token", "revoke", token_id)  # the server's: not here
    assert "pushed 0, pulled 0 operations" in crewdeck("-w", str(ana), "sync")  # ana's token is still live


def test_token_list_shows_its_times_on_your_clock(cli: Cli) -> None:
    """`token list` showed when a token was made and revoked as the stored UTC stamps (2026-12-05T09:12:05Z), while the
    rest of the command line speaks the reader's zone (today 10:12 CET)."""
    token_id = cli.ok("token", "create", "raj").split()[1]
    cli.ok("token", "revoke", token_id)
    _header, row = cli.ok("token", "list").splitlines()
    when = r"(today|tmrw|\w{3} \d\d-\d\d) \d\d:\d\d CES?T"
    assert re.search(rf"  {when}  +revoked {when}$", row) and "Z" not in row, row
