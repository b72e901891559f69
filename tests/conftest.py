"""Shared fixtures: isolated config, fresh workspaces, the CLI in-process."""

from __future__ import annotations

import atexit
import datetime as dt
import fcntl
import io
import os
import pty
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.notifications import SeverityLevel

from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.ids import new_node_id
from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main
from crewdeck.tui.session.session import Session

ROOT = Path(__file__).resolve().parent.parent
#: The instant the suite pretends it is (a Thursday).
NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
NOW_TEXT = "2026-11-26T09:30:00Z"


def the_owner() -> list[str]:
    """The command prefix that makes file permissions bind a subprocess, the files' owner still.

    Root keeps its user id, and without the capabilities that let it past
    permission bits it is as bound by them as any owner is.
    """
    if os.geteuid() != 0:
        return []
    dropped = "-dac_override,-dac_read_search,-fowner"
    return ["setpriv", f"--inh-caps={dropped}", f"--bounding-set={dropped}", "--"]


#: The files that hold the suite's longest tests (10 s and more each in a full run's ``--durations`` under load),
#: longest first.  They run first: under ``-n 2`` the tests dealt out last make the run's tail, and one of these
#: dealt last (the alphabet put most of them there) kept one worker busy for up to a minute while the other sat idle.
LONGEST_FIRST = (
    "test_convergence.py",
    "test_posts_properties.py",
    "test_keys_ahead.py",
    "test_incomplete_records.py",
    "test_processes.py",
    "test_web_browser.py",
    "test_sync_schema.py",
    "test_sync_restore.py",
    "test_sync_postgres.py",
    "test_habits.py",
    "test_ledger_properties.py",
    "test_roster.py",
    "test_post_voids_told.py",
    "test_server_abuse.py",
    "test_rules_result_batches.py",
    "test_sync_pages.py",
    "test_web_apps.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests of ``LONGEST_FIRST``'s files first, in its order, then every other test, each file's in the order
    collected (a sort that keeps ties in place): a file's tests stay together, as its module fixtures want."""
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(autouse=True)
def isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read the developer's own config or act as their member."""
    return isolate(tmp_path_factory.mktemp("config"), monkeypatch)


@pytest.fixture(autouse=True)
def sessions_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Session]]:
    """Every app session a test opens (``make_app``, ``Session.open``) is closed after it, as ``launch`` closes the app's
    once it exits: none was, and each left its workspace's connections open in the pytest worker, about 7 descriptors
    an app (3,000 by the end of a run).  The sessions opened, in order."""
    opened: list[Session] = []
    open_session = Session.open

    def open_and_keep(*args: Any, **kwargs: Any) -> Session:
        session = open_session(*args, **kwargs)
        opened.append(session)
        return session

    monkeypatch.setattr(Session, "open", open_and_keep)
    yield opened
    close_sessions(opened)


def close_sessions(opened: list[Session]) -> None:
    """Close ``opened`` (the last first), each once: closing waits for a worker reading through it to be done."""
    while opened:
        opened.pop().close()


def isolate(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``isolated_config`` for a fixture of a wider scope: the config file in ``home``, the suite's instant."""
    path = home / "config.toml"
    monkeypatch.setattr("crewdeck.tui.workspace.config.default_config_path", lambda: path)
    monkeypatch.setattr("crewdeck.tui.workspace.config.default_workspace_path", lambda: home / "workspace.db")
    monkeypatch.setattr("crewdeck.tui.workspace.drafts.default_drafts_dir", lambda: home / "drafts")
    for var in ("CREWDECK_WORKSPACE", "CREWDECK_MEMBER", "CREWDECK_CONFIG", "CREWDECK_NOW", "CREWDECK_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CREWDECK_NOW", NOW_TEXT)
    return path


#: How often Pilot looks whether the app is idle (``pilot_looks_for_idle_often``), in seconds.
PILOT_IDLE_POLL = 0.005


@pytest.fixture(autouse=True, scope="session")
def pilot_looks_for_idle_often() -> Iterator[None]:
    """Pilot waits, after every key it presses and in every ``pause()``, until the app is idle: it sleeps
    ``textual._wait.SLEEP_GRANULARITY`` (20 ms) at a time until a sleep in which the process used under
    ``SLEEP_IDLE`` (1 ms) of CPU, so each key typed cost 40 ms at least, the app idle or not.  Looking every 5 ms
    finds the idle app sooner.  Tests still wait for what the app does on the app's workers (apphelp.settle)."""
    import textual._wait

    assert textual._wait.SLEEP_GRANULARITY == 1 / 50, "Textual's Pilot paces its waits otherwise now: see if this still helps"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textual._wait, "SLEEP_GRANULARITY", PILOT_IDLE_POLL)
        yield


@pytest.fixture(autouse=True, scope="session")
def drafts_kept_while_typing_when_a_test_says() -> Iterator[None]:
    """A dialog's text is kept a second after it was typed (``drafts_typed.KEEP_AFTER``): a loaded machine would let
    that second pass in some runs of a test and not in others, and what the store holds would differ.  The timer
    waits an hour here, and so does a steady typist's text (``KEEP_AT_MOST``); a test of keeping runs the step
    itself (``drafts_typed.keep_typed``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("crewdeck.tui.app.drafts_typed.KEEP_AFTER", 3600.0)
        patch.setattr("crewdeck.tui.app.drafts_typed.KEEP_AT_MOST", 3600.0)
        yield


#: How long a notice of an app under test stays up, in seconds: for the whole test.
NOTICE_LIFE = 3600.0


@pytest.fixture(autouse=True, scope="session")
def notices_stay_up() -> Iterator[None]:
    """A notice stays up (in ``app._notifications``, its toast on the screen) until the app takes it down or the test
    clears it, never for the app's own few seconds (3 for what a key did, 4 for a teammate's change): a loaded
    machine took longer than that between a notice and the test's look at it, which then found it gone."""
    import textual.app

    real = textual.app.App.notify

    def notify(
        self: textual.app.App[object],
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        real(self, message, title=title, severity=severity, timeout=NOTICE_LIFE, markup=markup)

    from crewdeck.tui.app import hidden_keys

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textual.app.App, "notify", notify)
        patch.setattr(hidden_keys, "NOTICE_LIFE", NOTICE_LIFE)  # the line a hidden key says, posted as it is
        yield


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "ws.db")
    yield s
    s.close()


@dataclass
class Result:
    code: int
    out: str
    err: str


class Cli:
    """Runs ``crewdeck`` in this process on one workspace."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace

    def __call__(self, *args: str, as_member: str | None = "ana") -> Result:
        argv = ["--workspace", str(self.workspace)]
        if as_member:
            argv += ["--as", as_member]
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main([*argv, *args])
            except SystemExit as exc:  # argparse's own usage errors
                code = int(exc.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    def ok(self, *args: str, as_member: str | None = "ana") -> str:
        result = self(*args, as_member=as_member)
        assert result.code == 0, result.err
        return result.out

    def in_person(self, *args: str, as_member: str) -> str:
        """``ok`` by ``as_member`` themselves (``in_person``)."""
        with in_person():
            return self.ok(*args, as_member=as_member)


@contextmanager
def in_person() -> Iterator[None]:
    """Commands in the block run from a Unix account mapped to nobody, so ``--as`` names who writes in person: from the
    account that runs the tests (ana's), ``--as`` is ana acting as them, who is still ana to the rules of approval."""
    from crewdeck.tui.workspace import workspace

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workspace, "os_user", lambda: "crewdeck-tests-nobody")
        yield


_BUILT: dict[str, Path] = {}


def copy_of_workspace(name: str, build: Callable[[Path], object], target: Path, key: str | None = None) -> Path:
    """``target``: a copy of the workspace file ``build`` makes at a path named ``name``, built once per
    test process.  A workspace closed after its last write is one file (SQLite checkpoints its WAL), so the
    copy holds what building it again would, save its random ids; it keeps the file's mode (group-writable).
    ``key`` tells apart builds of files of one name (a workspace's name is its file's)."""
    key = key or name
    built = _BUILT.get(key)
    if built is None or not built.exists():
        built = Path(tempfile.mkdtemp(prefix="crewdeck-built-")) / name
        atexit.register(shutil.rmtree, built.parent, True)
        build(built)
        assert not built.with_name(name + "-wal").exists(), f"{name} was left open: a copy would miss its last writes"
        _BUILT[key] = built
    shutil.copy(built, target)
    return target


def team_file(path: Path) -> None:
    """ana (Berlin), raj (Kolkata), one campaign: what ``cli`` starts from."""
    c = Cli(path)
    with redirect_stdout(io.StringIO()):
        assert main(["init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin"]) == 0
    c.ok("member", "add", "raj", "--name", "Raj Mehta", "--tz", "Asia/Kolkata", "--hours", "mon-fri 10:00-18:30")
    c.ok("campaign", "add", "Spring Launch", "--platforms", "instagram,tiktok", "--audience-tz", "America/New_York")


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A workspace with ana (Berlin) and raj (Kolkata) and one campaign."""
    return Cli(copy_of_workspace("team.db", team_file, tmp_path / "team.db"))


def on_a_terminal(
    cli: Cli,
    tmp_path: Path,
    columns: int,
    *args: str,
    env: dict[str, str] | None = None,
    with_stderr: bool = False,
    code: int = 0,
) -> list[str]:
    """The lines ``crewdeck ARGS`` prints in a process of its own whose standard output is a terminal (a pty)
    ``columns`` wide (and its standard error too, ``with_stderr``: its notes, say), ending with exit status ``code``."""
    reader, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    config = tmp_path / "config.toml"
    config.touch()
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    argv = [sys.executable, "-m", "crewdeck.tui.cli.main", "-w", str(cli.workspace), "--as", "ana", *args]
    environment = {**base, "CREWDECK_CONFIG": str(config), "CREWDECK_NOW": NOW_TEXT, **(env or {})}
    with subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal if with_stderr else subprocess.DEVNULL, cwd=ROOT, env=environment
    ) as proc:
        os.close(terminal)
        read = b""
        while True:
            try:
                chunk = os.read(reader, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            read += chunk
        assert proc.wait(timeout=120) == code
    os.close(reader)
    return read.decode().replace("\r\n", "\n").splitlines()


_TEMPLATE: dict[str, Path] = {}


def fresh_store(directory: Path, name: str) -> Store:
    """A new empty store, copied from a template (migrations run once per session)."""
    template = _TEMPLATE.get("path")
    if template is None or not template.exists():
        base = Path(os.environ.get("PYTEST_TMPDIR", "/tmp")) / f"crewdeck-template-{os.getpid()}"
        base.mkdir(exist_ok=True)
        template = base / "template.db"
        if not template.exists():
            Store.create(template).close()
        _TEMPLATE["path"] = template
    target = directory / name
    shutil.copyfile(template, target)
    s = Store(target, check_disk=False)
    # Never flushed to the disk: no test of these stores outlives its process or crashes the machine, and each
    # close (a checkpoint) waited ~13 ms on the disk, a fifth of test_five_replicas_converge's time.
    s.conn.execute("PRAGMA synchronous = OFF")
    node = new_node_id()
    s.conn.execute("UPDATE meta SET value = ? WHERE key = 'node'", (node,))
    s.conn.execute("UPDATE clock SET last = ?, node_seq = 0", (str(Stamp(0, 0, node)),))
    return s


@pytest.fixture(scope="module")
def served_database(postgres: Any) -> Iterator[object]:
    """A database of the worker's PostgreSQL and one server over it, for the module (``ServedDatabase``): a server
    started per test was most of what each of those tests took."""
    from .syncsupport import ServedDatabase, Server

    url = postgres.database()
    database = ServedDatabase(url, Server(["--database", url]).start())
    # Said before it listens, so said by now: the tests' own looks then read only what their requests made it say.
    assert database.said() == (
        "note: the database holds no workspace yet: copy one in with crewdeck publish FILE --database URL; "
        "until then this server knows no member's token\n"
    )
    yield database
    assert database.server.stop() == ""  # no request of the module's tests failed on the server's side


@pytest.fixture(scope="module")
def served_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One server over the workspace files the module's tests serve (``ServedFiles``), as ``served_database`` is over
    their database."""
    from .syncsupport import ServedFiles, Server

    folder = tmp_path_factory.mktemp("served")
    files = ServedFiles(folder, Server([str(folder)], entry=["-m", "tests.servedfiles"]).start())
    yield files
    assert files.server.stop() == ""  # no request of the module's tests failed on the server's side


def python() -> str:
    return sys.executable


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A throwaway PostgreSQL cluster for the session (one per test worker)."""
    from .syncsupport import Postgres, postgres_bin

    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("LOUD SKIP: no PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    cluster = Postgres(bin_dir).start()
    yield cluster
    cluster.stop()
