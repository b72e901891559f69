"""``crewdeck web`` in a process of its own, headless Chromium (Debian's) through Playwright, and what the browser was sent."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, WebSocket, sync_playwright

from .syncsupport import PATIENCE, crewdeck, free_port, start_on_a_free_port

#: The system's Chromium: Playwright drives it; nothing is downloaded.
CHROMIUM = "/usr/bin/chromium"
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>78]")


def make_guest_team(directory: Path) -> Path:
    """team.db: @ana (manager), @raj (member), @gus (guest)."""
    path = directory / "team.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin")
    w = ("-w", str(path), "--as", "ana")
    crewdeck(*w, "member", "add", "raj", "--name", "Raj Mehta", "--tz", "Asia/Kolkata")
    crewdeck(*w, "member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest")
    return path


def make_link(path: Path, handle: str, *options: str, url: str = "http://127.0.0.1:1") -> tuple[str, str, str | None]:
    """``(link id, URL, PIN or None)`` from ``crewdeck web link``."""
    lines = crewdeck("-w", str(path), "--as", "ana", "web", "link", f"@{handle}", "--url", url, *options).strip().splitlines()
    pin = lines[2].rsplit(" ", 1)[1] if len(lines) > 2 else None
    return lines[0].split()[1], lines[1], pin


def app_processes(parent: int) -> list[int]:
    """The processes ``parent`` started (its apps), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry))
    return found


@dataclass
class WebProcess:
    """``crewdeck web FILE --port N``."""

    path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    #: Options after ``--port N``.
    options: tuple[str, ...] = ()
    #: The process's limit of open files (soft and hard), when lowered.
    open_files: int | None = None
    #: Whether it came up once: started again, it keeps its port.
    started: bool = False
    #: What runs ``web FILE OPTIONS --port N``: the command line, or a script taking them (``web_with_header_deadline``).
    entry: tuple[str, ...] = ("-m", "crewdeck.tui.cli.main")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WebProcess:
        start_on_a_free_port(self, [sys.executable, *self.entry, "web", str(self.path), *self.options], "/", "crewdeck web")
        return self

    @property
    def apps(self) -> list[int]:
        assert self.proc is not None
        return app_processes(self.proc.pid)

    def stop(self) -> str:
        if self.proc is None or self.proc.poll() is not None:
            return ""
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err.decode()


def web_with_header_deadline(seconds: float) -> tuple[str, ...]:
    """The ``WebProcess.entry`` of a ``crewdeck web`` whose guard gives a request's head (and each pause of its body) ``seconds``, not
    ``HEADER_TIMEOUT``'s 10 (``crewdeck web`` has no ``--header-timeout`` as ``serve`` has): a test outwaiting the
    deadline waits that long."""
    return (
        "-c",
        "import sys\n"
        "from crewdeck.sync.server import serve_guarded\n"
        "from crewdeck.tui.cli.main import main\n"
        f"serve_guarded.__kwdefaults__['header_timeout'] = {seconds!r}\n"
        "sys.exit(main(sys.argv[1:]))\n",
    )


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


class Tab:
    """A page, every request it made, and the terminal output it was sent."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.output: list[bytes] = []
        self.sockets: list[WebSocket] = []
        #: The output of each websocket, in the order they opened (a reloaded page's old one may still deliver frames).
        self.outputs: list[list[bytes]] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", self._socket)

    def _socket(self, socket: WebSocket) -> None:
        self.sockets.append(socket)
        output: list[bytes] = []
        self.outputs.append(output)

        def received(payload: str | bytes) -> None:
            frame = payload if isinstance(payload, bytes) else b""
            self.output.append(frame)
            output.append(frame)

        socket.on("framereceived", received)

    def text(self, socket: int | None = None) -> str:
        """What the app drew so far (on the ``socket``-th websocket alone, when given), escape sequences taken out (a word
        stays whole within one run of a style)."""
        frames = self.output if socket is None else self.outputs[socket]
        return _ESCAPE.sub("", b"".join(frames).decode("utf-8", "replace"))

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        """Poll ``condition``, letting Playwright deliver the page's events between polls (its sync API
        delivers them only while it is called)."""
        deadline = time.monotonic() + PATIENCE
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            self.page.wait_for_timeout(10)

    def wait_for_text(self, pattern: str, what: str) -> None:
        self.wait_for(lambda: re.search(pattern, self.text(), re.S) is not None, what)

    def wait_for_text_after(self, opened: int, pattern: str, what: str) -> None:
        """Wait for ``pattern`` on a websocket opened after the first ``opened``: after a reload, the old page's may
        still deliver the old app's frames, and the text matched while no new app had started."""
        self.wait_for(lambda: len(self.sockets) > opened and re.search(pattern, self.text(socket=-1), re.S) is not None, what)

    def closed(self) -> bool:
        return bool(self.page.evaluate("document.body.classList.contains('-closed')"))

    def press(self, keys: str) -> None:
        # xterm.js reads keys from its hidden textarea.
        self.page.focus(".xterm-helper-textarea")
        for key in keys:
            self.page.keyboard.press(key)


def make_posts_team(directory: Path) -> Path:
    """The demo team (ana manages) with @acme, a guest given Spring Launch, whose chain is one step, @acme's;
    three Spring Launch posts wait for review ("Spring post 0".."2"), and one post of another campaign ("Elsewhere post")."""
    from crewdeck.sync.state.postround import content_hash
    from crewdeck.tui.posts.states import instant_text

    from .postsupport import add_posts, ids, team_workspace

    path = directory / "posts.db"
    # The app in the browser runs on the wall clock (CREWDECK_NOW is not passed on): the slots are days ahead of it.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    store = team_workspace(path, now)
    add_posts(store, 3, now + dt.timedelta(days=3), submitted=now)
    members, campaigns = ids(store, "member", "handle"), ids(store, "campaign", "name")
    other = next(name for name in campaigns if name != "Spring Launch")
    with store.write(members["raj"]) as w:
        w.create(
            "task",
            {
                "title": "Elsewhere post",
                "status": "todo",
                "campaign": campaigns[other],
                "platform": "instagram",
                "publish": {"utc": instant_text(now + dt.timedelta(days=3)), "tz": "UTC"},
                "post_state": "in-review",
                "copy": "Not for acme",
                "created_by": members["raj"],
                "post_round": {"id": "e" * 32, "hash": content_hash("Not for acme", "", [], ""), "at": instant_text(now)},
            },
        )
    store.close()
    w_ana = ("-w", str(path), "--as", "ana")
    crewdeck(*w_ana, "member", "add", "acme", "--name", "Acme Client", "--tz", "UTC", "--access", "guest", "--campaigns", "Spring Launch")
    crewdeck(*w_ana, "campaign", "set", "Spring Launch", "--approvals", "client:@acme")
    crewdeck(*w_ana, "campaign", "set", other, "--approvals", "client:@acme")
    return path


def publish_posts_team(directory: Path, url: str) -> Path:
    """``make_posts_team`` published to the database at ``url`` as workspace posts, @ana mapped first to the Unix user
    that runs the tests, the web's account: she alone writes in a copy from the command line (links too)."""
    from crewdeck.tui.workspace.workspace import os_user

    team = make_posts_team(directory)
    crewdeck("-w", str(team), "--as", "ana", "member", "set", "ana", "--unix-user", os_user())
    assert "as workspace posts" in crewdeck("publish", str(team), "--database", url)
    return team
