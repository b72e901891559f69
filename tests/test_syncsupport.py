"""The tests' own server start-up: a server counts as up once it answers from the port it holds."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from .syncsupport import Server, _listening, crewdeck


class _Healthy(BaseHTTPRequestHandler):
    """Another test's server: answers every health check."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_server_whose_port_another_server_answers_on_is_started_on_another(tmp_path: Path) -> None:
    """The full run under load: another worker's server took the port first and answered the health check, this test's
    server exited unable to bind it, and the test's first request was refused (test_rules_hostile, postgres)."""
    path = tmp_path / "team.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC")
    other = HTTPServer(("127.0.0.1", 0), _Healthy)
    answering = threading.Thread(target=other.serve_forever, daemon=True)
    answering.start()
    server = Server([str(path)], port=other.server_address[1])
    try:
        server.start()
        assert server.proc is not None and server.proc.poll() is None
        assert server.port != other.server_address[1] and _listening(server.proc.pid, server.port)
    finally:
        assert server.stop() == ""
        other.shutdown()
        other.server_close()
