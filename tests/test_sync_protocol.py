"""A server announces the protocol level it speaks, and a replica pushes nothing to a server older than its pushes need.

A replica of this build creates a result with its numbers alone (its id gives its key); a server of the build before
refused that creation as incomplete, and the replica used to drop the result it had said was written.  Now the sync
stops before the push with one line, and the result stays.  The older server is this build's, behind a proxy that
drops what announces its level (``OlderServerProxy``): what the client reads of a server of the build before, with no
git history needed to run one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from crewdeck.sync import protocol
from crewdeck.sync.client.remote import Remote
from crewdeck.sync.state.store import Store
from crewdeck.tui.results.keys import Key

from .syncsupport import Server, create_token, crewdeck, crewdeck_fails, token_file

#: Headers that belong to one connection, not to the answer: the proxy sets its own (``Connection``, how the body goes).
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "host"})


class _Forwarding(BaseHTTPRequestHandler):
    """One connection to the proxy: each request is sent on to ``upstream``, its answer streamed back without the
    protocol level (the header on every answer, and ``protocol`` in /v1/health's JSON)."""

    protocol_version = "HTTP/1.1"  # connections kept alive, as a replica's client keeps them
    upstream: httpx.Client

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = [(name, value) for name, value in self.headers.items() if name.lower() not in _HOP_BY_HOP]
        request = self.upstream.build_request(self.command, self.path, headers=headers, content=body)
        response = self.upstream.send(request, stream=True)
        try:
            kept = [
                (name, value)
                for name, value in response.headers.multi_items()
                if name.lower() not in _HOP_BY_HOP and name.lower() != protocol.HEADER.lower()
            ]
            self.send_response(response.status_code, response.reason_phrase)
            if self.path == "/v1/health":
                self._send_health(response, kept)
            else:
                self._stream(response, kept)
        finally:
            response.close()

    def _send_health(self, response: httpx.Response, kept: list[tuple[str, str]]) -> None:
        said = json.loads(response.read())
        said.pop("protocol", None)
        content = json.dumps(said).encode()
        for name, value in kept:
            if name.lower() not in ("content-length", "content-encoding"):  # the body is rewritten, decoded
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def _stream(self, response: httpx.Response, kept: list[tuple[str, str]]) -> None:
        """The body as it comes (an event stream's pokes as they come): as sent, or in chunks when no length was said."""
        for name, value in kept:
            self.send_header(name, value)
        chunked = "content-length" not in response.headers
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in response.iter_raw():
            if chunked and chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            elif chunk:
                self.wfile.write(chunk)
            self.wfile.flush()
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output is its assertions."""


class OlderServerProxy:
    """A real HTTP proxy on 127.0.0.1 before ``upstream``'s server, in a thread: what a replica reads through it is a
    server that announces no protocol level, as the build before the levels."""

    def __init__(self, upstream: str) -> None:
        self.client = httpx.Client(base_url=upstream, timeout=30)
        handler = type("Forwarding", (_Forwarding,), {"upstream": self.client})
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.http.daemon_threads = True
        self.thread = threading.Thread(target=self.http.serve_forever, name="older-server-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}"

    def __enter__(self) -> OlderServerProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.thread.join()
        self.client.close()


@dataclass(frozen=True)
class Team:
    """The served team.db (ana and raj, campaign Autumn on meta), its server, and a token for each member."""

    path: Path
    server: Server
    ana: str
    raj: str


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    """One server for the module: each test writes results of days of its own, and reads only those."""
    path = tmp_path_factory.mktemp("protocol") / "team.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    crewdeck("-w", str(path), "--as", "ana", "member", "add", "raj", "--name", "Raj", "--tz", "UTC")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Autumn", "--platforms", "meta")
    ana = create_token("ana", "--workspace", str(path), "--as", "ana")[1]
    raj = create_token("raj", "--workspace", str(path), "--as", "ana")[1]
    server = Server([str(path)]).start()
    try:
        yield Team(path, server, ana, raj)
    finally:
        server.stop()


def _results(path: Path, day: str) -> list[tuple[str, str | None, str | None, int]]:
    """The day's results in the file at ``path``: id, kind, day, impressions."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, kind, day, impressions FROM result WHERE id LIKE ? ORDER BY id", (f"%:{day}",)).fetchall()
    finally:
        conn.close()


def _refused(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM refused_ops").fetchone()[0])
    finally:
        conn.close()


def _join(team: Team, url: str, replica: Path, token: str) -> Path:
    crewdeck("join", url, str(replica), "--token-file", token_file(replica.parent, token))
    return replica


def test_a_replica_pushes_nothing_to_an_older_server_keeps_its_results_and_says_why(team: Team, tmp_path: Path) -> None:
    with OlderServerProxy(team.server.url) as older:
        health = httpx.get(older.url + "/v1/health")  # what a server of the build before answers: no level at all
        assert health.status_code == 200 and protocol.HEADER not in health.headers and "protocol" not in health.json()
        replica = _join(team, older.url, tmp_path / "ana.db", team.ana)
        crewdeck("-w", str(replica), "kpi", "add", "+autumn/meta", "2026-11-20", "impressions=100")
        teammate = _join(team, team.server.url, tmp_path / "raj.db", team.raj)
        crewdeck("-w", str(teammate), "add", "Brief the agency")
        crewdeck("-w", str(teammate), "sync")
        error = crewdeck_fails("-w", str(replica), "sync")
        assert error == (
            f"crewdeck: error: sync with {older.url}: the server at {older.url} runs an older crewdeck (protocol 1; this replica "
            f"needs {protocol.PROTOCOL}): upgrade it; nothing was sent, your changes are kept here\n"
        )
        [(row_id, kind, day, impressions)] = _results(replica, "2026-11-20")
        assert (kind, day, impressions) == ("campaign", "2026-11-20", 100) and row_id.endswith(":meta:2026-11-20")
        assert _results(team.path, "2026-11-20") == []
        assert _refused(replica) == 0
        assert "Brief the agency" in crewdeck("-w", str(replica), "tasks")  # pulls go on


def test_a_server_announces_its_protocol_on_every_answer(team: Team) -> None:
    health = httpx.get(team.server.url + "/v1/health")
    assert health.headers[protocol.HEADER] == str(protocol.PROTOCOL) and health.json()["protocol"] == protocol.PROTOCOL
    refused = httpx.get(team.server.url + "/v1/me")
    assert refused.status_code == 401 and refused.headers[protocol.HEADER] == str(protocol.PROTOCOL)


def test_a_replica_s_results_by_their_numbers_alone_are_stored_by_the_server(team: Team, tmp_path: Path) -> None:
    replica = _join(team, team.server.url, tmp_path / "ana.db", team.ana)
    crewdeck("-w", str(replica), "kpi", "add", "+autumn/meta", "2026-11-21", "impressions=200")
    assert crewdeck("-w", str(replica), "sync").startswith("pushed 2,")  # impressions and source: no key
    [(row_id, kind, day, impressions)] = _results(team.path, "2026-11-21")
    assert (kind, day, impressions) == ("campaign", "2026-11-21", 200) and row_id.endswith(":meta:2026-11-21")


def test_results_written_the_old_way_key_fields_as_operations_still_push(team: Team, tmp_path: Path) -> None:
    """A replica of the build before ids gave a result's key wrote the key as operations: the server still takes them."""
    replica = _join(team, team.server.url, tmp_path / "ana.db", team.ana)
    with Store(replica) as store:
        remote = Remote.of(store)
        assert remote is not None
        campaign = store.conn.execute("SELECT id FROM campaign").fetchone()[0]
        row_id = Key("campaign", campaign=campaign, platform="meta").row_id("2026-11-22")
        key = {"kind": "campaign", "campaign": campaign, "platform": "meta", "day": "2026-11-22"}
        with store.write(remote.member) as w:
            w.set("result", row_id, {**key, "impressions": 300, "source": "kpi add"})
    assert crewdeck("-w", str(replica), "sync").startswith("pushed 6,")  # its four key fields, impressions and source
    assert _results(team.path, "2026-11-22") == [(row_id, "campaign", "2026-11-22", 300)]
