"""Real sync servers and a real PostgreSQL for the tests, on 127.0.0.1 and free ports."""

from __future__ import annotations

import glob
import http.server
import io
import itertools
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx

from crewdeck.sync.client.remote import Remote
from crewdeck.sync.state.clock import wall_ms
from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main

from .conftest import ROOT

#: How long a test waits for something that should happen in well under a second.
PATIENCE = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stand(http.server.BaseHTTPRequestHandler):
    """Answers every request with the server's ``answer``: ``(status, content type, body)``, or its answer ``at`` the
    request's path where it has one."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        status, content_type, body = self.server.at.get(path, self.server.answer)  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def standing(answer: tuple[int, str, bytes], at: Mapping[str, tuple[int, str, bytes]] | None = None) -> Iterator[str]:
    """The URL of a server on 127.0.0.1 that gives every request ``answer`` but those to a path ``at`` has (``Stand``),
    for as long as the block."""
    stand = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stand)
    stand.answer = answer  # type: ignore[attr-defined]
    stand.at = at or {}  # type: ignore[attr-defined]
    serving = threading.Thread(target=stand.serve_forever)
    serving.start()
    try:
        yield f"http://127.0.0.1:{stand.server_address[1]}"
    finally:
        stand.shutdown()
        serving.join()
        stand.server_close()


class PortTaken(AssertionError):
    """The server exited saying its port is in use: taken by another process since ``free_port`` found it free."""


def _listening(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds the socket listening on ``port`` (Linux's /proc: the socket's inode among its files)."""
    inodes = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        if not table.exists():  # IPv6 turned off at boot: no table of it
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    try:
        held = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    except FileNotFoundError:  # it has exited meanwhile: the next look says how
        return False
    return bool(inodes & held)


def wait_up(proc: subprocess.Popen[bytes], url: str, what: str) -> None:
    """Until ``url`` answers 200 from ``proc`` (``what`` names the process in the error when it exits or never does).

    One client for every try: each httpx.get builds a client (and its TLS context), some 50 ms of CPU taken from the
    process coming up.  An answer counts once ``proc`` holds the port: another test's server that took the port first
    answered the health check, then ``proc`` exited unable to bind it, and the test's first request was refused.
    """
    port = httpx.URL(url).port
    assert port is not None, url
    with httpx.Client(timeout=1) as client:

        def answers() -> bool:
            if proc.poll() is not None:
                said = proc.stderr.read().decode() if proc.stderr else ""
                taken = " is in use; pick another with --port" in said or "Address already in use" in said  # before its bind, or at it
                raise (PortTaken if taken else AssertionError)(f"{what} exited: {said}")
            try:
                return client.get(url).status_code == 200 and _listening(proc.pid, port)
            except httpx.TransportError:
                return False

        wait_until(answers, f"{what} to come up")


#: How many ports ``up_on_a_free_port`` tries.
PORT_TRIES = 5


def up_on_a_free_port(up: Callable[[int], None], port: int, *, again: bool = False) -> None:
    """``up(port)`` a server on ``port`` (a ``free_port``), or on another one while the one tried was taken meanwhile: free
    when ``free_port`` looked, another process (another test's server, a connection's own end) may have taken it before
    the server bound it.  ``again``: a server started once keeps its port.  A few tries: a server that says every port
    is taken has another fault, which the last try's error shows."""
    for _ in range(PORT_TRIES - 1):
        try:
            up(port)
            return
        except PortTaken:
            if again:
                raise
            port = free_port()
    up(port)


class Started(Protocol):
    """A server process the tests start on a port of their own (``start_on_a_free_port``)."""

    port: int
    proc: subprocess.Popen[bytes] | None
    #: The process's limit of open files (soft and hard), when lowered.
    open_files: int | None
    #: Whether it came up once: started again, it keeps its port (a replica's URL names it).
    started: bool

    @property
    def url(self) -> str: ...


def start_on_a_free_port(server: Started, argv: list[str], health: str, what: str) -> None:
    """``argv --port PORT`` as ``server``'s process, up once ``server.url + health`` answers (``up_on_a_free_port``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    limit = server.open_files

    def lower_limit() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    def up(port: int) -> None:
        server.port = port
        server.proc = subprocess.Popen(
            [*argv, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=lower_limit,
        )
        wait_up(server.proc, server.url + health, what)

    up_on_a_free_port(up, server.port, again=server.started)
    server.started = True


def wait_until(condition: Callable[[], bool], what: str, timeout: float = PATIENCE) -> None:
    """Poll a condition (a state the test observes, not a guess about timing)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def crewdeck(*args: str) -> str:
    """Run the CLI in this process; return stdout, fail with stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    assert code == 0, err.getvalue()
    return out.getvalue()


def listing(*args: str) -> str:
    """``crewdeck`` running a list (``tasks``, ``post list``, ``ledger list``): its rows, or ``""`` where it lists nothing
    (a filter that matched nothing exits 1, as Taskwarrior's reports, with its one line on standard error); fail on an error."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    assert code == 0 or (code == 1 and out.getvalue() == "" and err.getvalue().startswith("no ")), err.getvalue()
    return out.getvalue()


def crewdeck_fails(*args: str, status: int = 2) -> str:
    """Run the CLI in this process, which is to end with exit ``status`` (75: try again later); return stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    assert code == status, (code, out.getvalue(), err.getvalue())
    return err.getvalue()


def patient_stop_serve(seconds: int) -> list[str]:
    """The ``Server.entry`` of a ``crewdeck serve`` whose stop waits ``seconds`` for the requests still open, not
    ``GRACEFUL_SECONDS``'s 2: a test that forces the stop with a second signal is not outrun by the bound on a loaded
    machine (it stopped by itself, exit 1, before the Ctrl-C came)."""
    return [
        "-c",
        "import sys\n"
        "import crewdeck.sync.server as server\n"
        "from crewdeck.tui.cli.main import main\n"
        f"server.GRACEFUL_SECONDS = {seconds!r}\n"
        "sys.exit(main(['serve', *sys.argv[1:]]))\n",
    ]


@dataclass
class Server:
    """``crewdeck serve`` (or another ``entry`` given ``args`` and ``--port N``) in a process of its own."""

    args: list[str]
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    entry: list[str] = field(default_factory=lambda: ["-m", "crewdeck.tui.cli.main", "serve"])
    #: The server process's limit of open files (soft and hard), when lowered.
    open_files: int | None = None
    #: Whether it came up once: started again, it keeps its port (a replica's URL names it).
    started: bool = False
    #: What the command runs under (``the_owner()``: root bound by file permissions).
    prefix: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        start_on_a_free_port(self, [*self.prefix, sys.executable, *self.entry, *self.args], "/v1/health", "server")
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> str:
        """SIGTERM and wait; the server's stderr (empty when all went well)."""
        if self.proc is None or self.proc.poll() is not None:
            return ""
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err.decode()


@dataclass
class ServedDatabase:
    """A PostgreSQL database and one ``crewdeck serve --database`` over it, shared by a module's tests: each test
    publishes its workspace under a name of its own (``new_name``), which the server serves once it is there."""

    url: str
    server: Server
    names: Iterator[int] = field(default_factory=itertools.count)

    def new_name(self) -> str:
        return f"team{next(self.names)}"

    def said(self) -> str:
        """What the server said since the last look (``said_since``)."""
        return said_since(self.server)


@dataclass
class ServedFiles:
    """One server over the workspace files a module's tests serve (``tests.servedfiles``): each test's file is served
    under a name of its own from ``serve`` until ``unserve``."""

    folder: Path
    server: Server
    names: Iterator[int] = field(default_factory=itertools.count)

    def serve(self, path: Path) -> str:
        """Serve ``path`` from the next request on; its name in the server's URLs."""
        name = f"team{next(self.names)}"
        (self.folder / name).write_text(str(path))
        return name

    def unserve(self, name: str) -> str:
        """Stop serving ``name`` (its file is closed at the next request); what the server said since the last look
        (``said_since``)."""
        (self.folder / name).unlink()
        return said_since(self.server)


def said_since(server: Server) -> str:
    """What ``server`` wrote on its stderr since the last look, without waiting: a test that ends with it empty made no
    request fail on the server's side (each logs its line before it answers)."""
    proc = server.proc
    assert proc is not None and proc.stderr is not None
    os.set_blocking(proc.stderr.fileno(), False)
    try:
        return (proc.stderr.read() or b"").decode()
    finally:
        os.set_blocking(proc.stderr.fileno(), True)


#: A server over one file whose writes wait only ``busy_timeout`` seconds for a lock (``FILE SECONDS --port N``).
SHORT_BUSY_SERVER = """
import sys
from pathlib import Path
from crewdeck.sync.server import run
from crewdeck.sync.server.filestore import FileBackend
path, busy_timeout, _, port = sys.argv[1:]
run(FileBackend(Path(path), "team", busy_timeout=float(busy_timeout)), "127.0.0.1", int(port))
"""


#: ``crewdeck serve ARGS --port N`` on event loops whose clock stands still: whatever waits for a timer waits for ever.
STILL_CLOCK_SERVER = """
import asyncio
import sys
import time
from crewdeck.tui.cli.main import main
now = time.monotonic()
asyncio.BaseEventLoop.time = lambda self: now
sys.exit(main(["serve", *sys.argv[1:]]))
"""


def make_team(directory: Path) -> Path:
    """team.db with @ana and @raj, served by the tests."""
    path = directory / "team.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin")
    crewdeck("-w", str(path), "--as", "ana", "member", "add", "raj", "--name", "Raj Mehta", "--tz", "Asia/Kolkata")
    return path


@contextmanager
def served_replica(directory: Path, handle: str = "ana") -> Iterator[tuple[Path, Path]]:
    """A team's file (``make_team``) served on 127.0.0.1 and ``handle``'s replica of it, ``directory/HANDLE.db``: the
    two paths, for as long as the block."""
    team = make_team(directory)
    server = Server([str(team)]).start()
    try:
        replica = directory / f"{handle}.db"
        crewdeck("join", server.url, "--token", new_token(handle, "--workspace", str(team)), str(replica))
        yield team, replica
    finally:
        server.stop()


def renamed_on_a_fast_clock(replica: Path, name: str, minutes: int) -> str:
    """The member of ``replica`` renamed ``name`` there by a write stamped on a clock ``minutes`` fast: their id."""
    with Store(replica) as store:
        store.wall = lambda: wall_ms() + minutes * 60_000
        remote = Remote.of(store)
        assert remote is not None
        with store.write(remote.member) as w:
            w.set("member", remote.member, {"name": name})
    return remote.member


def new_token(*args: str) -> str:
    return create_token(*args)[1]


def token_file(directory: Path, token: str) -> str:
    """A file holding ``token`` for ``--token-file``: a join given it says nothing of the process list."""
    path = directory / f"token-{token[-8:]}"
    path.write_text(token + "\n")
    path.chmod(0o600)  # readable by its owner alone: a wider one is said on stderr
    return str(path)


def create_token(*args: str) -> tuple[str, str]:
    """``(id, token)`` from ``crewdeck token create``."""
    lines = crewdeck("token", "create", *args).strip().splitlines()
    return lines[0].split()[1], lines[-1]


# ---------------------------------------------------------------- faults


class FaultyTransport(httpx.BaseTransport):
    """Between client and server: drops requests, drops responses after the
    server acted, duplicates, delays a request past later ones, and answers
    500, each at ``rate``.  Event streams pass untouched."""

    def __init__(self, seed: int, rate: float = 0.05) -> None:
        self.inner = httpx.HTTPTransport()
        self.rng = random.Random(seed)
        self.rate = rate
        self.held: list[httpx.Request] = []
        self.counts = {"drop_request": 0, "drop_response": 0, "duplicate": 0, "reorder": 0, "error_500": 0, "error_500_after": 0}

    def _send(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        response.close()
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/events"):
            return self.inner.handle_request(request)
        request.read()
        # A request delayed earlier arrives now, after requests sent since.
        if self.held and self.rng.random() < 0.5:
            self._send(self.held.pop(0))
        roll = self.rng.random() / self.rate
        if roll < 1:
            self.counts["drop_request"] += 1
            raise httpx.ConnectError("fault: request dropped", request=request)
        if roll < 2:
            self.counts["drop_response"] += 1
            self._send(request)
            raise httpx.ReadError("fault: response dropped", request=request)
        if roll < 3:
            self.counts["duplicate"] += 1
            self._send(request)
            return self._send(request)
        if roll < 4:
            self.counts["reorder"] += 1
            self.held.append(httpx.Request(request.method, request.url, headers=request.headers, content=request.content))
            raise httpx.ReadTimeout("fault: request delayed", request=request)
        if roll < 5:
            self.counts["error_500"] += 1
            return httpx.Response(500, json={"error": "fault", "message": "injected"})
        if roll < 6:
            self.counts["error_500_after"] += 1
            self._send(request)
            return httpx.Response(500, json={"error": "fault", "message": "injected after the server acted"})
        return self._send(request)

    def flush(self) -> None:
        while self.held:
            self._send(self.held.pop(0))

    def close(self) -> None:
        self.inner.close()


# ---------------------------------------------------------------- PostgreSQL


def postgres_bin() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    return None


class Postgres:
    """A throwaway cluster on a temporary directory, 127.0.0.1 and a free port.

    initdb refuses root, so as root the cluster runs as the ``postgres``
    user the Debian package creates.
    """

    def __init__(self, bin_dir: Path, durable: bool = False) -> None:
        self.bin = bin_dir
        #: fsync on (benchmarks) or off (tests: faster, and a crash of the cluster is not tested).
        self.durable = durable
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="crewdeck-pg-"))
        self.data = self.dir / "data"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            self.prefix = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres", "postgres")
        self.counter = 0

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.dir)

    def start(self, *, passwords: bool = False) -> Postgres:
        """``passwords``: every role but ``postgres`` signs in over TCP with its password, as on a real server."""
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        if passwords:
            (self.data / "pg_hba.conf").write_text(
                "local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
            )
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync={'on' if self.durable else 'off'} -c max_connections=100"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        return self

    def restart(self) -> None:
        """Stop the cluster (its connections end, as in a maintenance restart) and start it again with the same settings."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "restart")

    def database(self) -> str:
        """A new, empty database: its URL."""
        import psycopg

        self.counter += 1
        name = f"t{self.counter}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.dir,
        )
        shutil.rmtree(self.dir, ignore_errors=True)
