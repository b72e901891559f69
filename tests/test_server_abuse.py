"""The sync server under abuse: slow clients, revoked long polls, spoofed notifications, what it reveals.

Real server processes on 127.0.0.1 (over a workspace file, or a real
PostgreSQL), and raw sockets where a misbehaving client is the point.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import selectors
import socket
import threading
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import httpx
import psycopg
import pytest

from crewdeck.sync.client.remote import Client, SyncError, push_all
from crewdeck.sync.server.app import MAX_WAIT, create_app
from crewdeck.sync.server.filestore import FileBackend
from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main

from .syncsupport import PATIENCE, Postgres, Server, create_token, crewdeck, free_port, make_team, new_token, token_file, wait_until
from .websupport import WebProcess, web_with_header_deadline

HALF_SENT = b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


def half_sent(server: Server | WebProcess, count: int, head: bytes = HALF_SENT) -> list[socket.socket]:
    """``count`` connections that each send part of a request head, and then nothing.

    They connect all at once (non-blocking): connections beyond the
    server's listen queue are retried by the kernel side by side, not one
    after another.
    """
    sockets = [socket.socket() for _ in range(count)]
    with selectors.DefaultSelector() as sel:
        for s in sockets:
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", server.port))
            sel.register(s, selectors.EVENT_WRITE)
        errors: list[int] = []

        def all_connected() -> bool:
            for key, _ in sel.select(timeout=0.05):
                s = key.fileobj
                assert isinstance(s, socket.socket)
                sel.unregister(s)
                errors.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
                if head:
                    with contextlib.suppress(OSError):  # already closed by the server: what the test waits for anyway
                        s.send(head)
            return len(errors) == count

        wait_until(all_connected, "every connection made")
    assert set(errors) == {0}
    return sockets


def wait_closed(sockets: list[socket.socket]) -> dict[socket.socket, bytes]:
    """Read every socket until the server closes it; what each received."""
    received = dict.fromkeys(sockets, b"")
    with selectors.DefaultSelector() as sel:
        for s in sockets:
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
        left = len(sockets)

        def all_closed() -> bool:
            nonlocal left
            for key, _ in sel.select(timeout=0.05):
                s = key.fileobj
                assert isinstance(s, socket.socket)
                try:
                    data = s.recv(65536)
                except ConnectionResetError:
                    data = b""
                if data:
                    received[s] += data
                else:
                    sel.unregister(s)
                    left -= 1
            return left == 0

        wait_until(all_closed, "the server closing every half-sent connection")
    for s in sockets:
        s.close()
    return received


def closed_by_server(sockets: list[socket.socket]) -> bool:
    """Whether the server closed them all, with at most a 408 (the idle ones are closed unanswered)."""
    return all(data == b"" or data.startswith(b"HTTP/1.1 408 ") for data in wait_closed(sockets).values())


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return make_team(tmp_path)


def test_half_sent_requests_are_closed_and_never_lock_others_out(team: Path) -> None:
    # 600 slow clients against a server that may open 512 files: unguarded,
    # it would hold them all, hit EMFILE and answer no one.
    server = Server([str(team), "--header-timeout", "1"], open_files=512).start()
    try:
        slow = half_sent(server, 600)
        idle = [socket.create_connection(("127.0.0.1", server.port), timeout=PATIENCE) for _ in range(20)]
        # A member's request is answered meanwhile.
        answer = httpx.get(server.url + "/v1/health", timeout=PATIENCE)
        assert answer.status_code == 200 and answer.json()["ok"] is True
        # Every slow connection is closed by the server; those that had sent
        # part of a request are told why first, the idle ones just closed.
        received = wait_closed(slow)
        told = [data for data in received.values() if data]
        assert told and all(data.startswith(b"HTTP/1.1 408 ") and b'"error": "request_timeout"' in data for data in told)
        assert set(wait_closed(idle).values()) == {b""}
    finally:
        assert server.stop() == ""  # no EMFILE, nothing logged


def test_half_sent_requests_never_lock_browsers_out_of_crewdeck_web(team: Path) -> None:
    # The same siege against the browsers' server: it answers a sign-in page meanwhile, and closes the slow ones.
    # A deadline of 3 s, not 10: the sign-in page is still asked for while the slow ones are held.
    web = WebProcess(team, open_files=512, entry=web_with_header_deadline(3.0)).start()
    try:
        slow = half_sent(web, 600, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        answer = httpx.get(web.url + "/", timeout=PATIENCE)
        assert answer.status_code == 200 and 'action="/signin"' in answer.text
        assert closed_by_server(slow)
    finally:
        err = web.stop()
    assert "Traceback" not in err and "Too many open files" not in err


def test_a_body_that_stalls_is_cut_off_and_a_complete_request_on_the_same_server_goes_through(team: Path) -> None:
    server = Server([str(team), "--header-timeout", "1"]).start()
    token = new_token("ana", "--workspace", str(team))
    try:
        head = (
            f"POST /v1/w/team/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        )
        stalled = half_sent(server, 1, head.encode() + b'{"ops": [')
        received = wait_closed(stalled)
        assert next(iter(received.values())).startswith(b"HTTP/1.1 408 ")
        me = httpx.get(server.url + "/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["workspace"] == "team"
    finally:
        assert server.stop() == ""  # the app heard the disconnect as a refused request, not a crash


def test_over_the_connection_cap_the_longest_waiting_goes_first_and_busy_connections_stay(team: Path) -> None:
    server = Server([str(team), "--max-connections", "3"]).start()
    token = new_token("ana", "--workspace", str(team))
    streams: dict[socket.socket, bytes] = {}

    def pokes(s: socket.socket, count: int) -> None:
        """Read the event stream until it has carried ``count`` pokes."""
        while streams[s].count(b"event: changed") < count:
            data = s.recv(65536)
            assert data, "the server closed an event stream"
            streams[s] += data

    def open_stream() -> None:
        s = socket.create_connection(("127.0.0.1", server.port), timeout=PATIENCE)
        s.sendall(f"GET /v1/w/team/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n".encode())
        streams[s] = b""
        pokes(s, 1)  # its first poke: the request is in progress

    try:
        open_stream()
        open_stream()
        first = half_sent(server, 1)
        second = half_sent(server, 1)  # over the cap: the connection waiting longest for its head goes
        assert closed_by_server(first)
        open_stream()  # and again
        assert closed_by_server(second)
        # Every connection is busy with a request now: a newcomer is told to retry.
        refused = httpx.get(server.url + "/v1/health", timeout=PATIENCE)
        assert (refused.status_code, refused.json()["error"], refused.headers["retry-after"]) == (503, "too_many_connections", "1")
        # The busy connections were never closed to make room.
        crewdeck("-w", str(team), "--as", "raj", "add", "Pokes every stream")
        for s in streams:
            pokes(s, 2)
        gone = next(iter(streams))
        gone.close()
        del streams[gone]
        wait_until(lambda: httpx.get(server.url + "/v1/health", timeout=PATIENCE).status_code == 200, "room for a newcomer")
    finally:
        for s in streams:
            s.close()
        assert server.stop() == ""


def test_a_request_that_is_not_http_is_answered_400_in_json(team: Path) -> None:
    server = Server([str(team)]).start()
    try:
        for request in (b"GARBAGE\r\n\r\n", b"POST /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: +5\r\n\r\naaaaa"):
            [s] = half_sent(server, 1, request)
            answer = wait_closed([s])[s]
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 400 ") and b"content-type: application/json" in head.lower(), answer
            assert json.loads(body) == {
                "error": "bad_request",
                "message": "the request is not valid HTTP/1.1: see its request line and headers",
            }
        assert httpx.get(server.url + "/v1/health").status_code == 200
    finally:
        err = server.stop()
    assert "Traceback" not in err
    # One line each, naming the peer (uvicorn's "Invalid HTTP request received." named neither).
    told = [line.partition(" 400 to 127.0.0.1:")[2].partition(": ")[2] for line in err.splitlines()]
    assert told == ["the request is not valid HTTP/1.1: see its request line and headers"] * 2, err


def test_a_websocket_upgrade_to_the_sync_server_is_answered_as_the_plain_request_it_carries_and_logs_nothing(team: Path) -> None:
    # The sync server has no websocket: it does not load the library (a tenth of its start-up), and a client asking to
    # upgrade gets the answer to its request, where it got a 403 from a websocket handshake nothing would take.
    server = Server([str(team)]).start()
    try:
        upgrade = {
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "13",
        }
        answer = httpx.get(server.url + "/v1/health", headers=upgrade)
        assert (answer.status_code, answer.json()["ok"]) == (200, True)
    finally:
        assert server.stop() == ""  # not uvicorn's "No supported WebSocket library detected", at each such request


def test_a_malformed_chunked_body_is_a_400_that_says_so_and_one_log_line_naming_the_peer(team: Path) -> None:
    """A body whose chunked encoding broke was answered "see its request line and headers" (they were fine), the log
    said only "Invalid HTTP request received.", and the app, still reading the body, then answered too: h11 refused
    its answer after the 400, a traceback in the log each time."""
    server = Server([str(team)]).start()
    token = new_token("ana", "--workspace", str(team))
    push = (
        f"POST /v1/w/team/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    requests = {
        "a chunk size that is no number": push + b"zz\r\n{}\r\n0\r\n\r\n",
        "a chunk longer than its size": push + b'5\r\n{"ops"XXXX\r\n0\r\n\r\n',
        "to an endpoint that answers at once": b"POST /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    }
    peers = []
    try:
        for what, request in requests.items():
            [s] = half_sent(server, 1, request)
            peers.append(f"127.0.0.1:{s.getsockname()[1]}")
            answer = wait_closed([s])[s]
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 400 ") and b"content-type: application/json" in head.lower(), (what, answer)
            assert json.loads(body) == {
                "error": "bad_request",
                "message": "the request's body is not valid HTTP/1.1: its chunked encoding is broken",
            }, what
        me = httpx.get(server.url + "/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
    finally:
        err = server.stop()
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == len(requests), err
    for line, peer in zip(lines, peers):
        assert line.endswith(f"400 to {peer}: the request's body is not valid HTTP/1.1: its chunked encoding is broken"), line


def test_serve_refuses_a_connection_cap_it_cannot_hold(team: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["serve", str(team), "--max-connections", "0", "--port", str(free_port())])
    assert code == 2 and err.getvalue() == "crewdeck: error: serve: --max-connections must be at least 1, got 0\n"
    # More connections than the process may ever open files for.
    server = Server([str(team), "--max-connections", "1000"], open_files=256)
    with pytest.raises(AssertionError, match="server exited") as failed:
        server.start()
    assert "crewdeck: error: serve: --max-connections 1000 needs 1128 open files and this process may open at most 256" in str(failed.value)
    assert "Traceback" not in str(failed.value)


# ---------------------------------------------------------------- long polls and revocation


def test_a_long_poll_whose_token_is_revoked_ends_with_401_and_never_delivers_what_came_after(team: Path, tmp_path: Path) -> None:
    server = Server([str(team)]).start()
    try:
        token_id, token = create_token("ana", "--workspace", str(team))
        client = Client(server.url, token, "team")
        head = client.pull(0, limit=1)[1]
        answers: list[object] = []

        def poll() -> None:
            try:
                answers.append(client.pull(head, wait=MAX_WAIT))
            except SyncError as exc:
                answers.append(exc)

        waiter = threading.Thread(target=poll)
        waiter.start()
        # The poll is waiting (it has nothing yet) when the token is revoked...
        crewdeck("token", "revoke", token_id, "--workspace", str(team))
        # ...and it ends well before its wait is over, nothing having changed.
        wait_until(lambda: bool(answers), "the revoked poll to end", timeout=MAX_WAIT / 2)
        crewdeck("-w", str(team), "--as", "raj", "add", "Not for a revoked token")
        waiter.join(PATIENCE)
        client.close()
        assert isinstance(answers[0], SyncError) and answers[0].code == "invalid_token"
    finally:
        assert server.stop() == ""


def test_data_arriving_as_a_token_is_revoked_reaches_only_live_tokens(team: Path) -> None:
    server = Server([str(team)]).start()
    try:
        revoked_id, revoked = create_token("ana", "--workspace", str(team))
        live = new_token("raj", "--workspace", str(team))
        clients = {name: Client(server.url, token, "team") for name, token in (("revoked", revoked), ("live", live))}
        head = clients["live"].pull(0, limit=1)[1]
        answers: dict[str, object] = {}

        def poll(name: str) -> None:
            try:
                answers[name] = clients[name].pull(head, wait=MAX_WAIT)
            except SyncError as exc:
                answers[name] = exc

        waiters = [threading.Thread(target=poll, args=(name,)) for name in clients]
        for t in waiters:
            t.start()
        # Revoked and written in one breath: the revoked poll may wake for the
        # new operation before its next check of the token, and must refuse it then.
        crewdeck("token", "revoke", revoked_id, "--workspace", str(team))
        task = crewdeck("-w", str(team), "--as", "raj", "add", "Only for live tokens").strip()
        for t in waiters:
            t.join(PATIENCE)
        for c in clients.values():
            c.close()
        got = answers["live"]
        assert isinstance(got, tuple) and [op.row_id for _, op in got[0]][:1] == [task]
        refused = answers["revoked"]
        assert isinstance(refused, SyncError) and refused.code == "invalid_token"
    finally:
        assert server.stop() == ""


def test_a_page_read_as_its_token_is_revoked_is_not_sent(team: Path) -> None:
    # A pull checks the token, then reads the page: a revocation between the two got the page (the race the test above
    # caught once). Here the revocation lands as the read begins, every time.
    from starlette.testclient import TestClient

    from crewdeck.sync.server.app import create_app
    from crewdeck.sync.server.backend import Pulled
    from crewdeck.sync.server.filestore import FileBackend

    token_id, token = create_token("ana", "--workspace", str(team))

    class RevokedAsThePageIsRead(FileBackend):
        async def pull(self, workspace: str, after: int, limit: int, max_bytes: int, *, cursor_op: bool = False) -> Pulled:
            crewdeck("token", "revoke", token_id, "--workspace", str(team))
            return await super().pull(workspace, after, limit, max_bytes, cursor_op=cursor_op)

    with TestClient(create_app(RevokedAsThePageIsRead(team, "team"))) as client:
        answer = client.get("/v1/w/team/ops?after=0", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401, answer.text[:200]  # it was a 200 with the page
    assert answer.json()["error"] == "invalid_token"


# ---------------------------------------------------------------- what the server reveals, and warnings


def test_the_health_endpoint_says_nothing_about_the_workspace(team: Path) -> None:
    server = Server([str(team)]).start()
    try:
        answer = httpx.get(server.url + "/v1/health")
        assert answer.status_code == 200
        body = answer.json()
        # The protocol level it speaks is the server's own, not a workspace's (a replica reads it before a push).
        assert set(body) == {"ok", "server_ms", "server_time", "protocol"} and body["ok"] is True
        assert "team" not in answer.text
    finally:
        assert server.stop() == ""


def test_serving_plain_http_off_the_loopback_warns_in_one_line(team: Path) -> None:
    server = Server([str(team), "--host", "0.0.0.0"]).start()
    err = server.stop()
    assert (
        err
        == "crewdeck: warning: serving plain HTTP on '0.0.0.0': tokens cross the network readable; use --tls-cert/--tls-key or a TLS reverse proxy\n"
    )


def test_joining_over_plain_http_off_the_loopback_warns(team: Path, tmp_path: Path) -> None:
    token = new_token("ana", "--workspace", str(team))

    def join(url: str, path: Path) -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["join", url, "--token-file", token_file(tmp_path, token), str(path)])
        return code, err.getvalue()

    code, err = join("http://crewdeck.invalid:8470", tmp_path / "far.db")
    warning, error = err.splitlines()
    assert warning == "crewdeck: warning: joining over plain HTTP off this machine: your token crosses the network readable; use https://"
    # A name that does not resolve may be a network down: try again later (75), as a server out of reach is.
    assert code == 75 and error.startswith("crewdeck: error: cannot join http://crewdeck.invalid:8470")
    server = Server([str(team)]).start()
    try:
        for i, url in enumerate((server.url, f"http://localhost:{server.port}")):
            code, err = join(url, tmp_path / f"near{i}.db")
            assert code == 0 and "warning" not in err, err  # the loopback: no warning (join's note on opening it may follow)
    finally:
        assert server.stop() == ""


# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture
def published(postgres: Postgres, tmp_path: Path) -> tuple[str, Path]:
    team = make_team(tmp_path)
    url = postgres.database()
    crewdeck("publish", str(team), "--database", url)
    return url, team


def test_a_spoofed_notification_wakes_no_long_poll(published: tuple[str, Path], tmp_path: Path) -> None:
    url, _team = published
    (tmp_path / "other").mkdir()
    crewdeck("publish", str(make_team(tmp_path / "other")), "--database", url, "--name", "other")
    server = Server(["--database", url]).start()
    try:
        _, token = create_token("ana", "--database", url, "--name", "team")
        _, other_token = create_token("ana", "--database", url, "--name", "other")
        crewdeck("join", server.url, "--token", token, str(tmp_path / "ana.db"))
        crewdeck("join", server.url, "--token", other_token, str(tmp_path / "other.db"))
        polls = {name: Client(server.url, t, name) for name, t in (("team", token), ("other", other_token))}
        heads = {name: c.pull(0, limit=1)[1] for name, c in polls.items()}
        answers: dict[str, tuple] = {}
        waiters = [threading.Thread(target=lambda n=n: answers.__setitem__(n, polls[n].pull(heads[n], wait=MAX_WAIT))) for n in polls]
        for t in waiters:
            t.start()
        with psycopg.connect(url, autocommit=True) as conn:
            # Anyone on the database can notify, with any head.
            conn.execute("NOTIFY crewdeck_changed, 'team 999999999999'")
            conn.execute("NOTIFY crewdeck_changed, 'team not-a-number'")
        # A real change in another workspace, notified after the spoof: once
        # its poll has its answer, the server has read the spoof too.
        with Store(tmp_path / "other.db") as other:
            with other.write(other.get_meta("remote.member") or "") as w:
                w.create("task", {"title": "After the spoof"})
            push_all(other, polls["other"])
        waiters[1].join(PATIENCE)
        assert "title" in [op.field for _, op in answers["other"][0]]
        assert "team" not in answers  # still waiting: the spoof woke no one
        # A real push ends the wait, with the operation.
        with Store(tmp_path / "ana.db") as ana:
            with ana.write(ana.get_meta("remote.member") or "") as w:
                task = w.create("task", {"title": "Real"})
            push_all(ana, polls["team"])
        waiters[0].join(PATIENCE)
        ops, head, _, more, _ = answers["team"]
        assert {op.row_id for _, op in ops} == {task} and not more
        assert head == ops[-1][0]  # the head is the database's, not the spoof's
        for c in polls.values():
            c.close()
    finally:
        assert server.stop() == ""


def test_the_health_endpoint_of_a_database_server_says_nothing_about_its_workspaces(published: tuple[str, Path]) -> None:
    url, _ = published
    server = Server(["--database", url]).start()
    try:
        body = httpx.get(server.url + "/v1/health").json()
        assert set(body) == {"ok", "server_ms", "server_time", "protocol"}
    finally:
        assert server.stop() == ""


# ---------------------------------------------------------------- one stamp, two operations


def _pushed_twice_under_one_stamp(server: Server, token: str, tmp_path: Path) -> None:
    """A batch whose second operation carries the first one's op_id is refused whole: nothing of it is stored.

    Every replica keys what it applies by op_id: had both been stored, one
    would be kept here and the other there, or (on a served file) the
    creation judged as a whole would be stored half.
    """
    replica = tmp_path / "ana.db"
    crewdeck("join", server.url, "--token", token, str(replica))
    task = crewdeck("-w", str(replica), "add", "Two fields, one stamp").strip()
    auth = {"Authorization": f"Bearer {token}"}
    before = httpx.get(f"{server.url}/v1/me", headers=auth).json()["head"]
    with Store(replica) as store:
        wire = [op.to_wire() for _, op in store.own_ops_after(0) if op.row_id == task]
    assert len(wire) >= 2
    forged = [wire[0], dict(wire[1], op_id=wire[0]["op_id"])]
    answer = httpx.post(f"{server.url}/v1/w/team/push", json={"ops": forged}, headers=auth)
    assert (answer.status_code, answer.json()["error"], answer.json()["index"]) == (422, "duplicate_op", 1)
    assert wire[0]["op_id"] in answer.json()["message"]
    assert httpx.get(f"{server.url}/v1/me", headers=auth).json()["head"] == before
    # The replica's own push of the same operations, each under its own stamp, goes through.
    assert crewdeck("-w", str(replica), "sync").startswith(f"pushed {len(wire)}, ")


def test_a_batch_with_two_operations_under_one_stamp_is_refused_on_a_file(team: Path, tmp_path: Path) -> None:
    token = new_token("ana", "--workspace", str(team))
    server = Server([str(team)]).start()
    try:
        _pushed_twice_under_one_stamp(server, token, tmp_path)
    finally:
        assert server.stop() == ""


def test_a_batch_with_two_operations_under_one_stamp_is_refused_in_postgres(published: tuple[str, Path], tmp_path: Path) -> None:
    url, _team = published
    server = Server(["--database", url]).start()
    try:
        _pushed_twice_under_one_stamp(server, create_token("ana", "--database", url, "--name", "team")[1], tmp_path)
    finally:
        assert server.stop() == ""


@pytest.mark.parametrize(("path", "body"), [("/signin", b"token=crewdeck_" + b"x" * 43), ("/link/cdl_guess", b"pin=123456")])
def test_sign_in_attempts_sent_side_by_side_are_limited_as_one_after_another(team: Path, path: str, body: bytes) -> None:
    # Twenty wrong guesses, every request under way before any body is complete: the limit (10 a minute) still holds.
    web = WebProcess(team).start()
    try:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        waiting = half_sent(web, 20, head + body[:5])
        assert httpx.get(web.url + "/").status_code == 200  # the server has taken every request in by now
        for s in waiting:
            s.setblocking(True)
            s.sendall(body[5:])
        statuses = sorted(int(answer.split(b" ", 2)[1]) for answer in wait_closed(waiting).values())
    finally:
        err = web.stop()
    assert statuses == [401 if path == "/signin" else 404] * 10 + [429] * 10
    assert "Traceback" not in err


# ---------------------------------------------------------------- a stamp used again in a later push


def _stamp_used_again(server: Server, token: str, tmp_path: Path) -> list[str]:
    """Ana's replica pushes a task; then, under its next counters, an operation carrying that task's title stamp.

    A stamp names one operation: on the same field of the same task, and on
    another task or field alike, the push is refused whole (422
    duplicate_op, naming the stamp) and nothing of it is stored; the same
    operations under stamps of their own go through.  Returns the titles of
    the tasks of a replica that joins afterwards.
    """
    replica = tmp_path / "ana.db"
    crewdeck("join", server.url, "--token", token, str(replica))
    first = crewdeck("-w", str(replica), "add", "One").strip()
    crewdeck("-w", str(replica), "sync")
    with Store(replica) as store:
        mine = [op.to_wire() for _, op in store.own_ops_after(0)]
    title = next(w for w in mine if w["row_id"] == first and w["field"] == "title")
    last = mine[-1]
    auth = {"Authorization": f"Bearer {token}"}
    push = f"{server.url}/v1/w/team/push"
    before = httpx.get(f"{server.url}/v1/me", headers=auth).json()["head"]

    same = dict(title, node_seq=last["node_seq"] + 1, value="Forged")
    other = "f" * 32
    stamp = Stamp.parse(last["op_id"])
    fresh_stamp = str(Stamp(stamp.ms, stamp.counter + 1, stamp.node))
    elsewhere = [
        dict(title, node_seq=last["node_seq"] + 1, row_id=other, value="Two"),  # the title's stamp, on another task
        dict(title, node_seq=last["node_seq"] + 2, row_id=other, field="status", value="todo", op_id=fresh_stamp),
    ]
    other_field = [dict(title, node_seq=last["node_seq"] + 1, field="notes", value="Forged")]  # on another field of the task
    for forged in ([same], elsewhere, other_field):
        answer = httpx.post(push, json={"ops": forged}, headers=auth)
        assert (answer.status_code, answer.json()["error"]) == (422, "duplicate_op"), answer.text
        assert title["op_id"] in answer.json()["message"] and answer.json()["op_id"] == title["op_id"]
        assert httpx.get(f"{server.url}/v1/me", headers=auth).json()["head"] == before  # nothing of it stored

    # The same operations, each under a stamp of its own, go through.
    own = [dict(elsewhere[0], op_id=fresh_stamp), dict(elsewhere[1], op_id=str(Stamp(stamp.ms, stamp.counter + 2, stamp.node)))]
    answer = httpx.post(push, json={"ops": own}, headers=auth)
    assert (answer.status_code, answer.json()["stored"]) == (200, 2), answer.text
    fresh = tmp_path / "fresh.db"
    crewdeck("join", server.url, "--token", token, str(fresh))
    return sorted(t["title"] for t in json.loads(crewdeck("-w", str(fresh), "tasks", "all", "--json")))


def test_a_stamp_used_again_on_any_record_or_field_is_refused_on_a_file(team: Path, tmp_path: Path) -> None:
    token = new_token("ana", "--workspace", str(team))
    server = Server([str(team)]).start()
    try:
        assert _stamp_used_again(server, token, tmp_path) == ["One", "Two"]
    finally:
        assert server.stop() == ""
    # The fresh replica holds what the served file holds.
    assert crewdeck("-w", str(tmp_path / "fresh.db"), "export", "--json") == crewdeck("-w", str(team), "export", "--json")


def test_a_stamp_used_again_on_any_record_or_field_is_refused_in_postgres(published: tuple[str, Path], tmp_path: Path) -> None:
    url, _team = published
    server = Server(["--database", url]).start()
    try:
        assert _stamp_used_again(server, create_token("ana", "--database", url, "--name", "team")[1], tmp_path) == ["One", "Two"]
    finally:
        assert server.stop() == ""


async def test_a_long_poll_whose_client_has_gone_ends_instead_of_checking_its_token_for_a_minute(team: Path) -> None:
    token = new_token("ana", "--workspace", str(team))
    with Store(team) as store:
        head = store.max_seq()
    backend = FileBackend(team, "team")
    app = create_app(backend)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/w/team/ops",
        "raw_path": b"/v1/w/team/ops",
        "root_path": "",
        "query_string": f"after={head}&wait={MAX_WAIT:g}".encode(),
        "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8470),
    }
    sent: list[dict[str, object]] = []

    async def gone() -> dict[str, object]:
        return {"type": "http.disconnect"}  # the client closed the connection as soon as it asked

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await backend.start()
    try:
        # Nothing arrives: without a look at the connection, the handler waits out the whole minute.
        await asyncio.wait_for(app(scope, gone, send), timeout=MAX_WAIT / 2)
    finally:
        await backend.stop()
    assert sent and sent[0].get("status") == 200


#: Names a replica never sends, in the texts an operation names its record and field by: each a 422, never a 500.
UNWRITABLE = ["\ud800", "a\x00b", "due\x1b[31m"]


def _pushed_with_names_no_store_can_hold(server: Server, token: str, tmp_path: Path) -> None:
    replica = tmp_path / "ana.db"
    crewdeck("join", server.url, "--token", token, str(replica))
    task = crewdeck("-w", str(replica), "add", "Named oddly").strip()
    crewdeck("-w", str(replica), "sync")
    crewdeck("-w", str(replica), "set", task, "title=Again")
    with Store(replica) as store:
        last = store.own_ops_after(0)[-1][1].to_wire()
    auth = {"Authorization": f"Bearer {token}"}
    before = httpx.get(f"{server.url}/v1/me", headers=auth).json()["head"]
    stamp = Stamp.parse(last["op_id"])
    odd = [
        *({"field": name} for name in UNWRITABLE),
        *({"entity": name, "row_id": "0" * 32} for name in UNWRITABLE),
        *({"entity": "gadget", "row_id": name} for name in UNWRITABLE),
    ]
    for counter, change in enumerate(odd, start=1):
        op = dict(last, op_id=str(Stamp(stamp.ms, stamp.counter + counter, stamp.node)), **change)
        answer = httpx.post(
            f"{server.url}/v1/w/team/push", content=json.dumps({"ops": [op]}), headers={**auth, "Content-Type": "application/json"}
        )
        assert (answer.status_code, answer.json()["error"]) == (422, "bad_op"), (change, answer.text)
        assert "without control characters" in answer.json()["message"], answer.text
    assert httpx.get(f"{server.url}/v1/me", headers=auth).json()["head"] == before
    # The replica's own operation goes through after them.
    assert crewdeck("-w", str(replica), "sync").startswith("pushed 1, ")


def test_a_record_or_field_named_with_a_control_character_or_a_lone_surrogate_is_a_422_on_a_file(team: Path, tmp_path: Path) -> None:
    token = new_token("ana", "--workspace", str(team))
    server = Server([str(team)]).start()
    try:
        _pushed_with_names_no_store_can_hold(server, token, tmp_path)
    finally:
        assert server.stop() == ""


def test_a_record_or_field_named_with_a_control_character_or_a_lone_surrogate_is_a_422_in_postgres(
    published: tuple[str, Path], tmp_path: Path
) -> None:
    url, _team = published
    server = Server(["--database", url]).start()
    try:
        _pushed_with_names_no_store_can_hold(server, create_token("ana", "--database", url, "--name", "team")[1], tmp_path)
    finally:
        assert server.stop() == ""


def test_a_database_that_is_away_is_a_503_that_names_nothing_of_it_to_the_client(published: tuple[str, Path]) -> None:
    # The 503 quoted the driver's error to whoever asked, /v1/health's callers included, with no token: the
    # database's host, port and name ('connection to server at "127.0.0.1", port 5432 failed', 'database "t3" does not
    # exist'). The server's log has it; the client hears that the store is away and to retry.
    import psycopg

    url, _ = published
    name = url.rsplit("/", 1)[1]
    server = Server(["--database", url]).start()
    try:
        assert httpx.get(server.url + "/v1/health").status_code == 200
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
        for _ in range(3):  # the pool's open connections are cut first, then none can be made
            answer = httpx.get(server.url + "/v1/health")
        assert (answer.status_code, answer.json()["error"], answer.headers["retry-after"]) == (503, "unavailable", "1")
        port = url.split(":")[-1].split("/")[0]
        assert name not in answer.text and port not in answer.text and "127.0.0.1" not in answer.text, answer.text
    finally:
        logged = server.stop()
    assert f'database "{name}" does not exist' in logged, logged
