"""Closing a sync client ends the event stream another thread is reading, at once."""

from __future__ import annotations

import socket
import threading

from crewdeck.sync.client.remote import Client, Offline


def test_closing_a_client_ends_an_event_stream_read_that_waits_for_the_servers_next_line() -> None:
    # A stream open and silent (the server's keep-alive comes every 15 s): the engine's reader held on after its stop,
    # a thread of a closed session, until the next line came.
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
    assert reading.wait(30)
    client.close()
    reader.join(30)  # the stream's own read timeout is 40 s: ended by the close, not by it
    try:
        assert not reader.is_alive() and heads == [7]
        assert ended and "the event stream" in str(ended[0])
    finally:
        done.set()
        server.join()
        listener.close()
