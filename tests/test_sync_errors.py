"""What `crewdeck join` and `crewdeck sync` say when the server refuses, fails, is not there or is not a sync server.

Each is one line naming the server and what to do, from a real crewdeck server
or, for what a crewdeck server never answers (a proxy's 502, a web page), a
real HTTP server standing in for what sits at a wrong URL.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from crewdeck.sync.client.engine import SyncEngine
from crewdeck.sync.client.metakeys import META_MEMBER, META_URL
from crewdeck.sync.client.remote import PUSH_BATCH, Client, Offline, Remote, replica_stopped, unsent
from crewdeck.sync.state.clock import MAX_DRIFT_MS, Stamp
from crewdeck.sync.state.store import Store, WorkspaceBusy

from .conftest import ROOT
from .syncsupport import (
    PATIENCE,
    Server,
    create_token,
    crewdeck,
    crewdeck_fails,
    free_port,
    make_team,
    renamed_on_a_fast_clock,
    standing,
    token_file,
    wait_until,
)

TOKEN = "crewdeck_" + "a" * 43


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[tuple[Path, Path, str, Server]]:
    """``(team, ana's replica, the token's id, server)``."""
    team = make_team(tmp_path)
    token_id, token = create_token("ana", "--workspace", str(team))
    server = Server([str(team)]).start()
    path = tmp_path / "ana.db"
    crewdeck("join", server.url, "--token", token, str(path))
    yield team, path, token_id, server
    assert server.stop() == ""


def test_a_server_that_is_not_running_is_named_with_what_to_check(replica: tuple[Path, Path, str, Server], tmp_path: Path) -> None:
    _, path, _, server = replica
    server.stop()
    advice = "cannot reach the server (connection refused); check that it is running and that the URL is right\n"
    # Exit status 75, try again later: a cron job's sync while the server is down is no mistake of its own.
    assert crewdeck_fails("-w", str(path), "sync", status=75) == f"crewdeck: error: sync with {server.url}: {advice}"
    err = crewdeck_fails("join", server.url, "--token-file", token_file(tmp_path, TOKEN), str(tmp_path / "new.db"), status=75)
    assert err == f"crewdeck: error: cannot join {server.url}: {advice}"
    # Edits made on the train: the line says they wait here (it said nothing of them, and joining again loses them).
    crewdeck("-w", str(path), "add", "Written on the train")
    crewdeck("-w", str(path), "add", "And another")
    assert crewdeck_fails("-w", str(path), "sync", status=75) == (
        f"crewdeck: error: sync with {server.url}: {advice.rstrip()}; 2 edits made here were not sent yet and stay in {path}\n"
    )


def test_a_revoked_token_says_to_ask_for_a_new_one(replica: tuple[Path, Path, str, Server]) -> None:
    team, path, token_id, server = replica
    crewdeck("token", "revoke", token_id, "--workspace", str(team))
    assert crewdeck_fails("-w", str(path), "sync") == (
        f"crewdeck: error: sync with {server.url}: the token has been revoked; "
        f"ask a manager for a new token (crewdeck token create), and give it to this replica: crewdeck --workspace {path} sync --token-file FILE (a file holding it)\n"
    )


def test_a_replica_given_a_new_token_pushes_what_was_made_while_its_old_one_was_revoked(replica: tuple[Path, Path, str, Server]) -> None:
    team, path, token_id, _ = replica
    crewdeck("token", "revoke", token_id, "--workspace", str(team))
    made = crewdeck("-w", str(path), "add", "Made while the token was revoked").strip()
    crewdeck_fails("-w", str(path), "sync")
    # Another member's token is refused: the replica's edits are ana's; it keeps its token.
    _, rajs = create_token("raj", "--workspace", str(team))
    assert "the token acts as another member than this replica's" in crewdeck_fails("-w", str(path), "sync", "--token", rajs)
    assert "the token has been revoked" in crewdeck_fails("-w", str(path), "sync")
    _, new = create_token("ana", "--workspace", str(team))
    said = crewdeck("-w", str(path), "sync", "--token", new)
    # The task's four fields, made while the old token was revoked, go with the new one.
    assert said.startswith("this replica syncs with the new token from now on (1 unsent edit to push)\npushed 4,"), said
    assert "Made while the token was revoked" in crewdeck("-w", str(team), "show", made[:8])
    crewdeck("-w", str(path), "sync")  # the new token is kept


class OnFirstPushAnswer(httpx.HTTPTransport):
    """To the real server, doing ``then`` once the first push has its answer, before the replica hears it: revoking the
    token (the push after it is the first request the revoked token makes), locking the replica."""

    def __init__(self, then: Callable[[], object]) -> None:
        super().__init__()
        self.then: Callable[[], object] | None = then

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path.endswith("/push") and self.then is not None:
            self.then()
            self.then = None
        return response


def test_a_token_revoked_while_a_push_is_under_way_says_what_stays_unsent_and_a_new_token_sends_it(
    replica: tuple[Path, Path, str, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Refused half way through a long push, sync said only to get a new token: not that the edits after the batches
    # sent wait in this replica, which a member joining again to be safe would leave behind.
    team, path, token_id, _ = replica
    with Store(path) as store:
        member = store.get_meta(META_MEMBER) or ""
        with store.write(member) as w:
            for i in range(2 * PUSH_BATCH):
                w.create("task", {"title": f"Caption {i}"})
        typed = {row[0] for row in store.conn.execute("SELECT op_id FROM ops WHERE node = ?", (store.node,))}
    for_remote = Client.for_remote
    revoking = OnFirstPushAnswer(lambda: crewdeck("token", "revoke", token_id, "--workspace", str(team)))
    monkeypatch.setattr(Client, "for_remote", lambda remote: for_remote(remote, revoking))
    said = crewdeck_fails("-w", str(path), "sync")
    assert said.startswith(f"crewdeck: error: sync with {replica[3].url}: the token has been revoked;"), said
    assert said.endswith(f"; {PUSH_BATCH:,} edits made here were not sent yet and stay in {path}\n"), said
    monkeypatch.undo()
    _, new = create_token("ana", "--workspace", str(team))
    assert crewdeck("-w", str(path), "sync", "--token", new).rstrip().endswith(", 0 unsent")
    with Store(team) as served:
        assert typed <= {row[0] for row in served.conn.execute("SELECT op_id FROM ops")}


def test_a_lock_says_the_edits_that_wait_in_the_replica_and_ends_in_try_again(tmp_path: Path) -> None:
    """Review rh: a replica locked part way through a push of several batches said only "the server has what this sync
    sent", where 2,000 of its edits were never sent: they merely wait, and are said, as a refusal's are."""
    replica = tmp_path / "ana.db"
    lock = WorkspaceBusy("the workspace stayed locked by another writer for 30 s (database is locked); try again")
    waiting = f"2,000 edits made here were not sent yet and stay in {replica}"
    assert replica_stopped(lock, replica, 2_000) == (
        f"the workspace stayed locked by another writer for 30 s (database is locked); {waiting}; try again"
    )
    assert replica_stopped(lock, replica, 2_000, answered=True) == (
        "the workspace stayed locked by another writer for 30 s (database is locked); the server has what this sync "
        f"sent, and this replica notes that at its next sync; {waiting}; try again"
    )
    assert replica_stopped(lock, replica, 0) == str(lock)


def test_a_replica_locked_as_its_push_is_answered_says_the_server_has_the_edits_and_to_try_again(
    replica: tuple[Path, Path, str, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process held the replica's lock as the server's answer was to be recorded: sync said "1 edit made here was
    # not sent yet" of an edit the server held, before a "sync with URL:" that made the lock read as the server's.
    team, path, _, _ = replica
    crewdeck("-w", str(path), "add", "Mine")
    other = sqlite3.connect(path, isolation_level=None)
    for_remote = Client.for_remote
    locking = OnFirstPushAnswer(lambda: other.execute("BEGIN IMMEDIATE"))
    monkeypatch.setattr(Client, "for_remote", lambda remote: for_remote(remote, locking))
    monkeypatch.setitem(Store.__init__.__kwdefaults__, "busy_timeout", 0.2)  # its 30 s wait, shorter
    try:
        said = crewdeck_fails("-w", str(path), "sync", status=75)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert said == (
        "crewdeck: error: the workspace stayed locked by another writer for 0.2 s (database is locked); the server has what "
        "this sync sent, and this replica notes that at its next sync; try again\n"
    )
    assert "Mine" in crewdeck("-w", str(team), "tasks")
    monkeypatch.undo()
    assert crewdeck("-w", str(path), "sync").rstrip().endswith(", 0 unsent")


def test_the_apps_sync_locked_out_as_its_push_is_answered_counts_the_edits_the_server_has_as_sent(
    replica: tuple[Path, Path, str, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app's status said of the edit the server held that it "was not sent yet and stays" in the replica.
    _, path, _, _ = replica
    crewdeck("-w", str(path), "add", "Mine")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)  # it locks in the engine's thread
    monkeypatch.setitem(Store.__init__.__kwdefaults__, "busy_timeout", 0.2)
    engine = SyncEngine(path, transport=OnFirstPushAnswer(lambda: other.execute("BEGIN IMMEDIATE")), poll_interval=3600.0)
    runner = threading.Thread(target=engine.run, daemon=True)
    runner.start()
    try:
        wait_until(lambda: engine.status is not None and engine.status.state == "error", "the round locked out")
    finally:
        engine.stop()
        runner.join(PATIENCE)
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
    assert engine.status is not None, engine.status
    assert engine.status.unsent == 0, engine.status.message
    assert engine.status.message == (
        "the workspace stayed locked by another writer for 0.2 s (database is locked); the server has what this sync sent, "
        "and this replica notes that at its next sync; try again"
    )


def test_a_replica_whose_clock_runs_fast_still_takes_in_what_its_team_sent(replica: tuple[Path, Path, str, Server]) -> None:
    # The server refused the push (stamped ten minutes ahead of its clock) and the round ended there: for as long as the
    # laptop's clock stayed fast, its member saw none of the team's work.
    team, path, _, _ = replica
    member = renamed_on_a_fast_clock(path, "Ana S.", 10)
    crewdeck("-w", str(team), "--as", "raj", "add", "Brief for the shoot @ana")
    said = crewdeck_fails("-w", str(path), "sync")
    assert "ahead of the server's clock (limit 5m00s)" in said, said
    assert said.rstrip().endswith(f"; 1 edit made here was not sent yet and stays in {path}"), said
    with Store(path) as store:
        assert [v["title"] for _, v in store.records("task")] == ["Brief for the shoot"]
        assert unsent(store) == 1  # the edit made here waits for the clocks to agree
        assert (store.record("member", member) or {})["name"] == "Ana S."


def test_a_replica_whose_clock_ran_an_hour_fast_and_was_set_right_says_when_writes_go_again(
    replica: tuple[Path, Path, str, Server],
) -> None:
    # Set right, the laptop's clock was an hour behind the stamps made while it ran fast, and every write said "check the
    # date and time settings" of a clock now right, with no word of when writing would go again.
    _, path, _, _ = replica
    renamed_on_a_fast_clock(path, "Ana S.", 60)
    with Store(path) as store:
        ahead = max(Stamp.parse(row[0]).ms for row in store.conn.execute("SELECT op_id FROM ops"))
    said = crewdeck_fails("-w", str(path), "add", "Typed once the clock was set right")
    again = dt.datetime.fromtimestamp(-(-(ahead - MAX_DRIFT_MS) // 60_000) * 60, dt.UTC)  # to the next whole minute
    assert said.rstrip().endswith(
        f"nothing was written; if this machine's clock is right now, writing goes again from {again:%Y-%m-%d %H:%M} UTC"
    ), said
    with Store(path) as store:
        assert unsent(store) == 1  # the edit made while the clock ran fast waits to be sent


def test_a_url_with_a_path_the_server_does_not_have_says_to_check_it(replica: tuple[Path, Path, str, Server], tmp_path: Path) -> None:
    _, _, _, server = replica
    err = crewdeck_fails("join", f"{server.url}/crewdeck", "--token-file", token_file(tmp_path, TOKEN), str(tmp_path / "new.db"))
    assert err == (
        f"crewdeck: error: cannot join {server.url}/crewdeck: no such endpoint: /crewdeck/v1/me (see /openapi.json); "
        f"check the URL (crewdeck serve prints the one to use: perhaps {server.url}, without /crewdeck)\n"
    )


NOT_A_SYNC_SERVER = "check the URL (crewdeck serve prints the one to use)"


@pytest.mark.parametrize(
    ("answer", "said", "status"),
    [
        ((404, "text/html", b"<h1>Not Found</h1>"), f"the answer (404 Not Found) is not a crewdeck sync server's; {NOT_A_SYNC_SERVER}", 2),
        ((200, "text/html", b"<h1>Welcome</h1>"), f"the answer (200 OK) is not a crewdeck sync server's; {NOT_A_SYNC_SERVER}", 2),
        ((400, "application/json", b'{"error":"odd"}'), "the server refused the request (400 odd)", 2),
        (
            (500, "text/plain", b"Internal Server Error"),
            "the server failed on this request (500); try again, and if it fails again ask whoever runs it to read its log",
            75,
        ),
        ((502, "text/html", b"<h1>Bad Gateway</h1>"), "the server is unavailable for now (502 Bad Gateway); try again in a moment", 75),
        (
            (503, "application/json", b'{"error":"unavailable","message":"the database is unavailable: it is restarting"}'),
            "the server is unavailable for now (503: the database is unavailable: it is restarting); try again in a moment",
            75,
        ),
    ],
)
def test_what_is_not_a_sync_servers_answer_is_one_line_with_what_to_do(
    replica: tuple[Path, Path, str, Server], tmp_path: Path, answer: tuple[int, str, bytes], said: str, status: int
) -> None:
    _, path, _, _ = replica
    with standing(answer) as url:
        assert (
            crewdeck_fails("join", url, "--token-file", token_file(tmp_path, TOKEN), str(tmp_path / "new.db"), status=status)
            == f"crewdeck: error: cannot join {url}: {said}\n"
        )
        with Store(path) as store:
            store.set_meta(META_URL, url)
        assert crewdeck_fails("-w", str(path), "sync", status=status) == f"crewdeck: error: sync with {url}: {said}\n"


def test_a_server_that_never_answers_is_a_timeout_saying_how_long_was_waited() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections wait in the queue, never answered
        client = Client(f"http://127.0.0.1:{silent.getsockname()[1]}", TOKEN, timeout=0.2)
        try:
            with pytest.raises(Offline) as raised:
                client.me()
        finally:
            client.close()
    assert str(raised.value) == "the server did not answer within 0.2 s; try again later, and check that it is running"


OPENSSL = shutil.which("openssl")


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``(its https URL, its self-signed certificate)``: a server over TLS on 127.0.0.1."""
    assert OPENSSL is not None
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", *made], check=True, capture_output=True)
    team = make_team(tmp_path)
    port = free_port()
    argv = [sys.executable, "-m", "crewdeck.tui.cli.main", "serve", str(team), "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)]
    server = subprocess.Popen([*argv, "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    trusted = ssl.create_default_context(cafile=str(cert))

    def answers() -> bool:
        assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
        try:
            return httpx.get(f"https://127.0.0.1:{port}/v1/health", verify=trusted, timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(answers, "the server over TLS")
        yield f"https://127.0.0.1:{port}", cert
    finally:
        server.terminate()
        server.communicate(timeout=20)


@pytest.mark.skipif(OPENSSL is None, reason="LOUD SKIP: openssl is not installed (apt-get install openssl; .ci/run installs it)")
def test_a_certificate_not_trusted_here_and_the_wrong_scheme_say_what_to_do(
    tls_server: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = tls_server
    err = crewdeck_fails("join", url, "--token-file", token_file(tmp_path, TOKEN), str(tmp_path / "new.db"))
    assert err == (
        f"crewdeck: error: cannot join {url}: the server's TLS certificate is not trusted here (self-signed certificate); "
        "if it is the right server, point SSL_CERT_FILE at its certificate or at the CA that signed it\n"
    )
    plain = url.replace("https://", "http://")
    err = crewdeck_fails("join", plain, "--token-file", token_file(tmp_path, TOKEN), str(tmp_path / "new.db"))
    assert err == (
        f"crewdeck: error: cannot join {plain}: the server closed the connection without an answer; "
        "if it serves HTTPS, its URL starts with https://\n"
    )
    # What the first said to do is enough: the certificate trusted, the server is reached (and refuses the made-up token).
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    err = crewdeck_fails("join", url, "--token-file", token_file(tmp_path, TOKEN), str(tmp_path / "new.db"))
    assert err.startswith(f"crewdeck: error: cannot join {url}: this server knows no such token")


def test_a_token_label_with_a_control_character_is_refused_in_one_line_and_makes_no_token(tmp_path: Path) -> None:
    # It was stored as typed, ESC and all: the one text crewdeck kept with a control character in it.
    team = make_team(tmp_path)
    said = crewdeck_fails("token", "create", "ana", "--workspace", str(team), "--label", "lap\x1b[31mtop")
    assert said == "crewdeck: error: --label: text may not hold control characters (U+001B); no token was made\n", said
    assert "@ana" not in crewdeck("token", "list", "--workspace", str(team))


def test_a_plain_server_closing_a_connection_unanswered_is_a_broken_connection_not_a_wrong_scheme() -> None:
    """A plain `crewdeck serve` stopped or restarted in the middle of a request closes it unanswered, as a server on TLS
    does with plain HTTP: it was said "sync refused", to run sync --url https://..., and the app stopped reading
    "offline".  Only a server there that takes a TLS handshake makes it the wrong scheme."""
    with socket.socket() as closing:
        closing.bind(("127.0.0.1", 0))
        closing.listen()
        closing.settimeout(PATIENCE)

        def close_unanswered() -> None:
            conn, _ = closing.accept()
            with conn:
                conn.settimeout(PATIENCE)
                conn.recv(65536)

        closer = threading.Thread(target=close_unanswered, daemon=True)
        closer.start()
        client = Client(f"http://127.0.0.1:{closing.getsockname()[1]}", TOKEN)
        try:
            with pytest.raises(Offline) as raised:
                client.me()
        finally:
            client.close()
            closer.join(PATIENCE)
    assert raised.value.code == "broken", raised.value
    assert str(raised.value).startswith("the server closed the connection without an answer")


def test_a_sync_engine_stopped_while_a_silent_server_holds_its_request_returns_at_once(replica: tuple[Path, Path, str, Server]) -> None:
    # The app runs the engine in a worker; quit on a train's wifi that took the connection and never answered, it kept
    # its process until the request timed out (30 s): the worker waited in a read that closing a client does not end.
    _, path, _, _ = replica
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        silent.settimeout(PATIENCE)
        with Store(path) as store:
            store.set_meta(META_URL, f"http://127.0.0.1:{silent.getsockname()[1]}")
        engine = SyncEngine(path, poll_interval=3600.0)
        runner = threading.Thread(target=engine.run, daemon=True)
        runner.start()
        held: list[socket.socket] = []
        try:
            while True:  # the event stream's connection comes too: the round's pull is the one waited for
                conn, _ = silent.accept()
                held.append(conn)
                conn.settimeout(PATIENCE)
                if b"/ops?" in conn.recv(65536).split(b"\r\n", 1)[0]:
                    break
            engine.stop()
            runner.join(PATIENCE)
            assert not runner.is_alive()
            # The engine's hearing of the replica's commits ends with it, the request still held: the file's watcher
            # thread outlived the engine while its loop waited.
            watching = f"crewdeck watch {path.name}"
            wait_until(lambda: all(t.name != watching for t in threading.enumerate()), "the replica's watcher thread to end")
            # The stop hung up the pull (no timeout ended it: it is 30 s), and the loop ended with it, the replica closed.
            assert conn.recv(1) == b""
            assert engine.join(PATIENCE)
        finally:
            for conn in held:
                conn.close()


def test_a_replica_is_given_its_servers_new_address_and_sends_what_waited_there(
    replica: tuple[Path, Path, str, Server], tmp_path: Path
) -> None:
    # The server moved (or got HTTPS in front of it): sync said to check the URL, and nothing changed a replica's but
    # joining again, which left the edits made here behind.
    team, path, _, server = replica
    task = crewdeck("-w", str(path), "add", "Typed before the move").strip()
    server.stop()
    moved = Server([str(team)]).start()
    try:
        nowhere = f"http://127.0.0.1:{free_port()}"
        err = crewdeck_fails("-w", str(path), "sync", "--url", nowhere, status=75)  # out of reach, as a server down is
        assert err.startswith(f"crewdeck: error: sync with {nowhere}: cannot reach the server") and err.count("\n") == 1, err
        assert err.endswith("; the replica keeps its server's address\n"), err
        (tmp_path / "other").mkdir()
        other = make_team(tmp_path / "other")  # another workspace, whose server knows no token of this one
        elsewhere = Server([str(other)]).start()
        try:
            err = crewdeck_fails("-w", str(path), "sync", "--url", elsewhere.url)
        finally:
            elsewhere.stop()
        assert "this server knows no such token" in err and err.endswith("; the replica keeps its server's address\n"), err
        with Store(path) as store:
            assert store.get_meta(META_URL) == server.url
        out = crewdeck("-w", str(path), "sync", "--url", moved.url + "/")
        assert out.splitlines()[0] == f"this replica syncs with the server at {moved.url}/ from now on (1 unsent edit to push)", out
        assert "0 unsent" in out, out
        with Store(team) as served:
            assert served.record("task", task) is not None
        assert "pushed 0, pulled 0 operations" in crewdeck("-w", str(path), "sync")
    finally:
        assert moved.stop() == ""


@pytest.mark.skipif(OPENSSL is None, reason="LOUD SKIP: openssl is not installed (apt-get install openssl; .ci/run installs it)")
def test_a_replica_whose_server_took_tls_on_is_told_the_command_that_gives_it_the_https_url(
    tls_server: tuple[str, Path], tmp_path: Path
) -> None:
    # The team put HTTPS in front of the server (as the README advises): sync said the URL starts with https://, with
    # nothing that changes a replica's, and the app's header read "offline" for good, the server up, with no reason.
    url, _ = tls_server
    plain = url.replace("https://", "http://")
    store = Store.create(tmp_path / "raj.db")
    Remote(plain, "team", TOKEN, "a" * 32).save(store)
    store.close()
    advice = f"if it serves HTTPS, its URL starts with https:// (crewdeck --workspace {tmp_path / 'raj.db'} sync --url {url})"
    assert advice in crewdeck_fails("-w", str(tmp_path / "raj.db"), "sync")
    engine = SyncEngine(tmp_path / "raj.db", poll_interval=3600.0)
    engine.start()
    try:
        wait_until(lambda: engine.status is not None and engine.status.state != "syncing", "the first round's end")
        assert engine.status is not None and engine.status.state == "error" and advice in engine.status.message, engine.status
    finally:
        engine.stop()
