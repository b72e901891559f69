"""Closing a sync client ends the requests other threads have in flight, at once; closing a session on a replica ends
its sync engine's threads and closes the replica, whatever its server does."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from crewdeck.sync.client import remote
from crewdeck.sync.client.metakeys import META_URL
from crewdeck.sync.client.remote import Client, Offline
from crewdeck.sync.state.store import Store
from crewdeck.tui.session.session import Session

from .syncsupport import Server, crewdeck, make_team, new_token

#: Far above what any request in these tests takes: only a close ends one.
NEVER = 3600.0


def test_closing_a_client_ends_an_event_stream_read_that_waits_for_the_servers_next_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stream open and silent (the server's keep-alive comes every 15 s): the engine's reader held on after its stop,
    # a thread of a closed session, until the next line came.
    monkeypatch.setattr(remote, "EVENTS_READ_TIMEOUT", NEVER)  # the close is the only way the read ends
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    done = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            poke = b'event: changed\ndata: {"head": 7}\n\n'
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
            conn.sendall(head + b"%x\r\n" % len(poke) + poke + b"\r\n")
            done.wait()  # never another line while the reader is waited for

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    client = Client(f"http://127.0.0.1:{port}", "token", "ws")
    ended: list[BaseException] = []
    heads: list[int] = []
    reading = threading.Event()

    def read() -> None:
        try:
            for head in client.events():
                heads.append(head)
                reading.set()  # the first poke read: the reader waits for the next line
        except Offline as exc:
            ended.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert reading.wait(60)
    client.close()
    reader.join(60)  # a guard against a hang only: the read has no other end
    try:
        assert not reader.is_alive() and heads == [7]
        assert ended and "the event stream" in str(ended[0])
    finally:
        done.set()
        server.join()
        listener.close()


def replica_files(replica: Path) -> list[str]:
    """The files of ``replica`` (its -wal and -shm too) this process has open."""
    named = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            named.append(os.readlink(f"/proc/self/fd/{fd}"))
        except FileNotFoundError:  # the directory's own descriptor, gone once listed
            continue
    return [name for name in named if name.startswith(str(replica))]


def asked(conn: socket.socket) -> bytes:
    """A request's head, as the server that never answers reads it."""
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = conn.recv(65536)
        assert chunk, "the client hung up before it asked"
        head += chunk
    return head.split(b" ", 2)[1]


def test_closing_a_session_whose_server_took_its_requests_and_never_answers_ends_its_sync_and_closes_the_replica(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The train's wifi: the loop's round and the event stream each sent, neither answered.  The session's close waited
    # 10 s for the loop and returned with both threads still in their reads, the replica open in one of them.
    monkeypatch.setattr(remote, "TIMEOUT", NEVER)
    monkeypatch.setattr(remote, "EVENTS_READ_TIMEOUT", NEVER)
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    replica = tmp_path / "ana.db"
    try:
        crewdeck("join", server.url, "--token", new_token("ana", "--workspace", str(team)), str(replica))
    finally:
        server.stop()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(60)  # a guard against a hang only
    store = Store(replica)
    store.set_meta(META_URL, f"http://127.0.0.1:{listener.getsockname()[1]}")
    store.close()
    threads = set(threading.enumerate())
    session = Session.open(replica, "ana")
    engine = session.start_sync(lambda status: None)
    runner = threading.Thread(target=engine.run, name="the app's worker", daemon=True)
    runner.start()
    conns = [listener.accept()[0], listener.accept()[0]]
    try:
        paths = sorted(asked(conn).split(b"?")[0] for conn in conns)
        assert [path.rsplit(b"/", 1)[1] for path in paths] == [b"events", b"ops"]
        assert replica_files(replica)
        session.close()
        runner.join(60)  # a guard against a hang only: ``run`` returns on stop
        assert set(threading.enumerate()) - threads == set()
        assert replica_files(replica) == []
    finally:
        for conn in conns:
            conn.close()
        listener.close()
