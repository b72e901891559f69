"""A server announces the protocol level it speaks, and a replica pushes nothing to a server older than its pushes need.

A replica of this build creates a result with its numbers alone (its id gives its key); a server of the build before
refused that creation as incomplete, and the replica used to drop the result it had said was written.  Now the sync
stops before the push with one line, and the result stays.  The older server is this build's, behind a proxy that
drops what announces its level (``Proxy``, ``older``), or announces an older one (``level``): what the client reads of
a server of a build before, with no git history needed to run one.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from crewdeck.sync import protocol
from crewdeck.sync.client.remote import Client, Offline, OlderServer, Remote, push_all
from crewdeck.sync.state.store import Store
from crewdeck.tui.results.keys import Key
from crewdeck.tui.workspace.merging import stable_id

from .conftest import Cli
from .importfixtures import BOARD, card_id, trello_board, trello_json
from .syncsupport import ServedDatabase, Server, create_token, crewdeck, crewdeck_fails, said_since, token_file

#: Headers that belong to one connection, not to the answer: the proxy sets its own (``Connection``, how the body goes).
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "host"})


class _Forwarding(BaseHTTPRequestHandler):
    """One connection to the proxy: each request is sent on to the proxy's upstream, its answer streamed back as its
    ``Proxy`` says (without the protocol level or with an older one, its own 502 page instead, the connection closed
    after it)."""

    protocol_version = "HTTP/1.1"  # connections kept alive, as a replica's client keeps them
    proxy: Proxy

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.proxy.paths.append(self.path)
        if self.proxy.bad_gateway:
            self.proxy.bad_gateway -= 1
            self._send_bad_gateway()
            return
        headers = [(name, value) for name, value in self.headers.items() if name.lower() not in _HOP_BY_HOP]
        request = self.proxy.client.build_request(self.command, self.path, headers=headers, content=body)
        response = self.proxy.client.send(request, stream=True)
        try:
            kept = [
                (name, self.proxy.announcing(name, value))
                for name, value in response.headers.multi_items()
                if name.lower() not in _HOP_BY_HOP and (self.proxy.announced or name.lower() != protocol.HEADER.lower())
            ]
            if self.proxy.closing:
                self.close_connection = True
                kept.append(("Connection", "close"))
            self.send_response(response.status_code, response.reason_phrase)
            if self.path == "/v1/health" and (self.proxy.older or self.proxy.level):
                self._send_health(response, kept)
            else:
                self._stream(response, kept)
        finally:
            response.close()

    def _send_bad_gateway(self) -> None:
        """What a load balancer answers while the server behind it restarts: a page of its own, no level named."""
        page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        self.send_response(502, "Bad Gateway")
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def _send_health(self, response: httpx.Response, kept: list[tuple[str, str]]) -> None:
        said = json.loads(response.read())
        said.pop("protocol", None)
        if self.proxy.level:
            said["protocol"] = self.proxy.level
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


class Proxy:
    """A real HTTP proxy on 127.0.0.1 before ``upstream``'s server, in a thread, whose answers are what its fields say
    (a test may change them between requests)."""

    def __init__(self, upstream: str, *, older: bool = False, announced: bool = True, level: int | None = None) -> None:
        #: A server of the build before the levels: no header, and no ``protocol`` in /v1/health's JSON.
        self.older = older
        #: A server of a build since the levels, older than this one: the level it announces in both places.
        self.level = level
        #: The header passes (a gateway that drops headers it does not know: not).
        self.announced = announced and not older
        #: The next requests it answers with a 502 page of its own, sending none on.
        self.bad_gateway = 0
        #: Each answer closes its connection, as a server that stops after it does.
        self.closing = False
        #: The path of every request it was sent, in order.
        self.paths: list[str] = []
        self.client = httpx.Client(base_url=upstream, timeout=30)
        handler = type("Forwarding", (_Forwarding,), {"proxy": self})
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.http.daemon_threads = True
        self.thread = threading.Thread(target=self.http.serve_forever, name="sync-proxy", daemon=True)

    def announcing(self, name: str, value: str) -> str:
        """A header of the upstream's answer as this proxy's server says it: its own level, if it has one."""
        return str(self.level) if self.level and name.lower() == protocol.HEADER.lower() else value

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}"

    def __enter__(self) -> Proxy:
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
    raj_id: str


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    """One server for the module: each test writes results of days of its own, and reads only those."""
    path = tmp_path_factory.mktemp("protocol") / "team.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    crewdeck("-w", str(path), "--as", "ana", "member", "add", "raj", "--name", "Raj", "--tz", "UTC")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Autumn", "--platforms", "meta")
    ana = create_token("ana", "--workspace", str(path), "--as", "ana")[1]
    raj_id, raj = create_token("raj", "--workspace", str(path), "--as", "ana")
    server = Server([str(path)]).start()
    try:
        yield Team(path, server, ana, raj, raj_id)
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


def _count(path: Path, rows: str, *params: str) -> int:
    """``SELECT count(*) FROM rows`` in the file at ``path``."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {rows}", params).fetchone()[0])
    finally:
        conn.close()


def _join(team: Team, url: str, replica: Path, token: str) -> Path:
    crewdeck("join", url, str(replica), "--token-file", token_file(replica.parent, token))
    return replica


def test_a_replica_pushes_nothing_to_an_older_server_keeps_its_results_and_says_why(team: Team, tmp_path: Path) -> None:
    with Proxy(team.server.url, older=True) as older:
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


def test_a_replica_that_imported_pushes_nothing_to_a_server_of_level_2_and_keeps_its_import(team: Team, tmp_path: Path) -> None:
    """A server of level 2 knows no ``import_run`` record: it would refuse the one an import writes."""
    board = tmp_path / "board.json"
    board.write_text(trello_json(trello_board(cards=3, actions=0)), encoding="utf-8")
    with Proxy(team.server.url, level=2) as older:
        replica = _join(team, older.url, tmp_path / "ana.db", team.ana)
        crewdeck("-w", str(replica), "import", "--from", "trello", str(board))
        error = crewdeck_fails("-w", str(replica), "sync")
        assert error == (
            f"crewdeck: error: sync with {older.url}: the server at {older.url} runs an older crewdeck (protocol 2; this replica "
            f"needs {protocol.PROTOCOL}): upgrade it; nothing was sent, your changes are kept here\n"
        )
    card = stable_id("trello-card", card_id(1))
    assert (_count(replica, "import_run WHERE source = ?", f"trello:{BOARD}"), _count(replica, "task WHERE id = ?", card)) == (1, 1)
    assert (_count(team.path, "import_run"), _count(team.path, "task WHERE id = ?", card)) == (0, 0)
    assert _refused(replica) == 0


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


@contextmanager
def _replica_client(replica: Path, url: str) -> Iterator[tuple[Store, Client]]:
    """The replica's store and a client of its server at ``url``, as the app's sync loop keeps one from round to round."""
    with Store(replica) as store:
        remote = Remote.of(store)
        assert remote is not None
        client = Client(url, remote.token, remote.workspace)
        try:
            yield store, client
        finally:
            client.close()


def test_a_current_server_behind_a_gateway_that_drops_its_header_is_pushed_to(team: Team, tmp_path: Path) -> None:
    with Proxy(team.server.url, announced=False) as gateway:
        health = httpx.get(gateway.url + "/v1/health")
        assert protocol.HEADER not in health.headers and health.json()["protocol"] == protocol.PROTOCOL
        replica = _join(team, gateway.url, tmp_path / "ana.db", team.ana)
        crewdeck("-w", str(replica), "kpi", "add", "+autumn/meta", "2026-10-01", "impressions=100")
        assert crewdeck("-w", str(replica), "sync").startswith("pushed 2,")
        assert [impressions for *_, impressions in _results(team.path, "2026-10-01")] == [100]
        # The level health named stands while the connection it came on is open: pulls that name none (the gateway
        # drops it) do not send each push to ask again (reviewer rf).
        with _replica_client(replica, gateway.url) as (store, client):
            for day in ("2026-10-21", "2026-10-22"):
                client.pull(0)
                crewdeck("-w", str(replica), "kpi", "add", "+autumn/meta", day, "impressions=7")
                assert push_all(store, client).stored == 2
        asked = [path for path in gateway.paths if path == "/v1/health"]
        assert len(asked) == 3, gateway.paths  # the test's, the sync's first push's, this client's first push's: not the second


def test_a_load_balancer_s_502_does_not_make_a_current_server_older(team: Team, tmp_path: Path) -> None:
    with Proxy(team.server.url) as balancer:
        replica = _join(team, balancer.url, tmp_path / "ana.db", team.ana)
        with _replica_client(replica, balancer.url) as (store, client):
            client.pull(0)
            balancer.bad_gateway = 1  # the server behind it restarting
            with pytest.raises(Offline, match="502"):
                client.pull(0)
            crewdeck("-w", str(replica), "kpi", "add", "+autumn/meta", "2026-10-02", "impressions=5")
            assert push_all(store, client).stored == 2  # the next round's push, on the client the app's loop keeps
        assert [impressions for *_, impressions in _results(team.path, "2026-10-02")] == [5]


def test_a_server_started_again_as_an_older_build_is_asked_its_level_before_the_next_push(team: Team, tmp_path: Path) -> None:
    with Proxy(team.server.url) as server:
        replica = _join(team, server.url, tmp_path / "ana.db", team.ana)
        with _replica_client(replica, server.url) as (store, client):
            server.closing = True  # it stops after this answer, closing the connection its level came on
            client.pull(0)
            server.older = True  # and the build before the levels starts in its place
            server.announced = False
            crewdeck("-w", str(replica), "kpi", "add", "+autumn/meta", "2026-10-03", "impressions=7")
            with pytest.raises(OlderServer, match="protocol 1;"):
                push_all(store, client)
        assert _results(team.path, "2026-10-03") == []


def _told_to_upgrade(url: str, token: str) -> int:
    """A replica that names no level (a build of level 2 or before) pulls from the start up to the first ``import_run``,
    which the next pull's 409 names, telling it to upgrade, as every pull after it; a replica of this build pulls that
    one next.  Its ``seq``."""
    after, pulled = 0, []
    headers = {"Authorization": f"Bearer {token}"}
    while (page := httpx.get(url, params={"after": after}, headers=headers)).status_code == 200:
        assert page.json()["ops"], "a page with no import_run left to stop at"
        pulled += page.json()["ops"]
        after = page.json()["next"]
    assert pulled and not [op for op in pulled if op["entity"] == "import_run"]
    this_build = httpx.get(url, params={"after": after}, headers={**headers, protocol.HEADER: str(protocol.PROTOCOL)})
    run = this_build.json()["ops"][0]
    assert run["entity"] == "import_run"
    assert page.status_code == 409 and page.json()["error"] == "upgrade_replica"
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    quoted = re.search(r'\("(this replica\'s crewdeck is too old .*?)"; ', readme)
    assert quoted and page.json()["message"] == re.sub(r"#[0-9,]+", f"#{run['seq']:,}", quoted[1])
    assert "(an import_run, protocol 3): upgrade crewdeck on this machine" in quoted[1]
    assert httpx.get(url, params={"after": after}, headers=headers).json() == page.json()
    return int(run["seq"])


def _said_to_upgrade(workspace: str, token_id: str, seq: int) -> str:
    """The server's line, once, when a replica is told to upgrade: its member, its token, where it stops."""
    return (
        f"@raj's replica (token {token_id}) in workspace {workspace} runs a crewdeck too old to read operation #{seq:,} (an "
        "import_run): it pulls nothing past it until that crewdeck is upgraded\n"
    )


def test_a_replica_of_level_2_pulls_up_to_an_import_s_run_and_is_told_to_upgrade(team: Team, tmp_path: Path) -> None:
    """A build of level 2 or before stopped at a pulled ``import_run`` as a malformed page ("unknown entity"), which
    said nothing of upgrading; the server now stops its pages before it, and the next pull says what to do."""
    board = tmp_path / "board.json"
    board.write_text(trello_json(trello_board(cards=2, actions=0)), encoding="utf-8")
    replica = _join(team, team.server.url, tmp_path / "ana.db", team.ana)
    crewdeck("-w", str(replica), "import", "--from", "trello", str(board))
    crewdeck("-w", str(replica), "sync")
    said_since(team.server)
    seq = _told_to_upgrade(f"{team.server.url}/v1/w/team/ops", team.raj)
    assert said_since(team.server) == _said_to_upgrade("team", team.raj_id, seq)
    teammate = _join(team, team.server.url, tmp_path / "raj.db", team.raj)
    assert _count(teammate, "import_run WHERE source = ?", f"trello:{BOARD}") == 1


def test_a_replica_of_level_2_of_a_workspace_in_postgresql_is_told_to_upgrade_at_an_import_s_run(
    cli: Cli, tmp_path: Path, served_database: ServedDatabase
) -> None:
    board = tmp_path / "board.json"
    board.write_text(trello_json(trello_board(cards=2, actions=0)), encoding="utf-8")
    cli.ok("import", "--from", "trello", str(board))
    name = served_database.new_name()
    where = ["--database", served_database.url, "--name", name]
    crewdeck("publish", str(cli.workspace), *where)
    token_id, token = create_token("raj", *where)
    seq = _told_to_upgrade(f"{served_database.server.url}/v1/w/{name}/ops", token)
    assert served_database.said() == _said_to_upgrade(name, token_id, seq)
