"""crewdeck web counts its app processes: a member has a few at once, the server a few dozen.

Against a real ``crewdeck web`` process on 127.0.0.1; its apps are its
child processes, found in /proc.  Every sign-in started an app and every
websocket another, so whoever held a token could start processes on the
team's server without end.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import json
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, redirect_stderr
from pathlib import Path

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import connect as connect_async
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from crewdeck.tui.cli.main import main
from crewdeck.tui.web import signin
from crewdeck.tui.web.attempts import Attempts
from crewdeck.tui.web.bridge import STDERR_KEPT, AppProcess, app_command, app_environment
from crewdeck.tui.web.server import (
    APP_FAILED,
    APP_STARTS_PER_MINUTE,
    CLOSE_APP_FAILED,
    COOKIE,
    MINUTE,
    SIGN_INS_PER_MINUTE,
    OpenApp,
    WebServer,
    member_limits,
)
from crewdeck.tui.workspace import config
from crewdeck.tui.workspace.workspace import Workspace

from .syncsupport import create_token, crewdeck, crewdeck_fails, wait_until
from .websupport import WebProcess, make_guest_team

JSON = {"accept": "application/json"}
HTML = {"accept": "text/html"}


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return make_guest_team(tmp_path)


@contextmanager
def serving(team: Path, *options: str) -> Iterator[WebProcess]:
    web = WebProcess(team, options=options).start()
    try:
        yield web
    finally:
        err = web.stop()
        assert "Traceback" not in err, err


def _sign_in(web: WebProcess, token: str) -> str:
    signed = httpx.post(f"{web.url}/signin", data={"token": token}, headers=JSON)
    assert signed.status_code == 303, signed.text
    return signed.cookies[COOKIE]


def _page(web: WebProcess, cookie: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.get(f"{web.url}/", cookies={COOKIE: cookie}, headers=headers)


def _socket(web: WebProcess, cookie: str) -> ClientConnection:
    return connect(f"ws://127.0.0.1:{web.port}/ws?width=80&height=24", additional_headers={"Cookie": f"{COOKIE}={cookie}"})


def _refused_socket(web: WebProcess, cookie: str) -> tuple[int, str]:
    """The close code and reason of a websocket closed before any app drew on it."""
    with _socket(web, cookie) as socket, pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=60)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


def test_a_member_has_at_most_their_limit_of_apps_and_the_next_is_refused_with_why(team: Path) -> None:
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    with serving(team, "--apps-per-member", "2") as web:
        first, second, third = (_sign_in(web, token) for _ in range(3))
        # Each answered sign-in has started its app, or not: the third is past @raj's two.
        assert len(web.apps) == 2
        refused = _page(web, third, HTML)
        assert refused.status_code == 429
        said = "@raj has 2 crewdeck apps open already, in other tabs or browsers: 2 at once is the most here. Close one"
        assert said in refused.text and 'id="open-again"' in refused.text and 'id="terminal"' not in refused.text
        assert _page(web, third, JSON).json()["error"] == "too_many_apps"
        assert 'id="terminal"' in _page(web, first, HTML).text

        with _socket(web, first) as one, _socket(web, second) as two:
            assert one.recv(timeout=60) and two.recv(timeout=60)  # each app draws itself
            # A second tab of a session (once the first has not gone in the while a reload takes), or a script opening
            # websockets: no third app, and the page is told why.
            for cookie in (first, third):
                assert _refused_socket(web, cookie) == (
                    4429,
                    "You have 2 crewdeck apps open already (in other tabs or browsers): close one (q in it, or its tab), then open again.",
                )
            assert len(web.apps) == 2
        # Both tabs closed: their apps end, and the third session's page opens the app.
        wait_until(lambda: web.apps == [], "the closed tabs' apps ended")
        assert 'id="terminal"' in _page(web, third, HTML).text
        with _socket(web, third) as three:
            assert three.recv(timeout=60)
            assert len(web.apps) == 1
        err = web.stop()
    assert "refused an app of @raj: @raj has 2 crewdeck apps open already" in err


async def test_a_member_signing_in_again_and_again_is_refused_past_ten_a_minute_and_starts_no_more_apps(
    team: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Successful sign-ins went unlimited: a member's token signing in and out in a loop started an app process at each
    sign-in (a place freed by the sign-out taken by the next), a core of the team's server kept busy starting them.
    Past ten a minute the member's sign-in is refused with why, and the server's log says whose; another member goes on.
    The minute is on a clock the test holds still: on the real one, ten rounds slower than a minute (a loaded machine)
    let the eleventh in."""
    _, raj = create_token("raj", "-w", str(team), "--as", "ana")
    _, ana = create_token("ana", "-w", str(team), "--as", "ana")
    clock = [1000.0]
    web = WebServer(
        team,
        sign_ins=Attempts(limit=SIGN_INS_PER_MINUTE, window=MINUTE, clock=lambda: clock[0]),
        app_starts=Attempts(limit=APP_STARTS_PER_MINUTE, window=MINUTE, clock=lambda: clock[0]),
        apps_per_member=1,
    )
    listening = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listening.getsockname()[1]}"
    # log_config=None: uvicorn's own would stop its loggers reaching the root one for every later test in this process.
    server = uvicorn.Server(uvicorn.Config(web.asgi, log_level="warning", log_config=None))
    serving_task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        with caplog.at_level(logging.WARNING, logger="uvicorn.error"):
            async with httpx.AsyncClient(base_url=url, headers=JSON, timeout=60) as c:
                for _ in range(SIGN_INS_PER_MINUTE):
                    signed = await c.post("/signin", data={"token": raj})
                    assert signed.status_code == 303, signed.text
                    assert (await c.post("/signout")).status_code == 303
                started = web.started
                assert started > 0  # the first sign-in's app at least: what the limit is for
                refused = await c.post("/signin", data={"token": raj})
                assert (refused.status_code, refused.headers["retry-after"], refused.json()["message"]) == (
                    429,
                    "61",
                    "@raj signed in 10 times within a minute, the most here: try again in 61 seconds.",
                )
                assert COOKIE not in refused.cookies and web.started == started
                assert (await c.post("/signin", data={"token": raj})).status_code == 429
                signed = await c.post("/signin", data={"token": ana})
                assert signed.status_code == 303 and 'id="terminal"' in (await c.get("/", headers=HTML)).text
                assert web.started == started + 1
                await c.post("/signout")
                clock[0] += 60
                assert (await c.post("/signin", data={"token": raj})).status_code == 303
    finally:
        server.should_exit = True
        await serving_task
        listening.close()
    # Once in the log, however many times refused within the minute.
    assert caplog.text.count("refused a sign-in: @raj signed in 10 times within a minute") == 1, caplog.text


def test_the_server_runs_at_most_its_apps_and_a_member_past_them_is_told_to_try_again(team: Path) -> None:
    _, raj = create_token("raj", "-w", str(team), "--as", "ana")
    _, ana = create_token("ana", "-w", str(team), "--as", "ana")
    with serving(team, "--max-apps", "2") as web:
        _sign_in(web, raj)
        _sign_in(web, raj)
        late = _sign_in(web, ana)
        assert len(web.apps) == 2
        full = _page(web, late, JSON)
        assert full.status_code == 503 and full.headers["retry-after"] == "60"
        assert full.json() == {
            "error": "server_full",
            "message": "crewdeck web here runs 2 apps at once at most, and all are open: try again in a minute.",
        }
        assert _refused_socket(web, late) == (4503, full.json()["message"])
        assert len(web.apps) == 2
        err = web.stop()
    # The page's refusal is in the server's log as the websocket's is: whoever sizes --max-apps reads it there (once a
    # minute for @ana: the websocket's refusal after the page's goes unlogged).
    said = "refused an app of @ana: crewdeck web here runs 2 apps at once at most, and all are open: try again in a minute."
    assert err.count(said) == 1, err


def test_the_limits_are_options_of_serving_alone_and_whole_numbers(team: Path) -> None:
    said = crewdeck_fails("-w", str(team), "--as", "ana", "web", "link", "@raj", "--max-apps", "3")
    assert "--max-apps is not an option of crewdeck web link" in said
    with pytest.raises(SystemExit) as usage, redirect_stderr(io.StringIO()) as err:
        main(["web", str(team), "--apps-per-member", "0"])
    assert usage.value.code == 2 and "--apps-per-member: 0 is not between 1 and 100" in err.getvalue()


def test_a_member_past_their_limit_closes_the_apps_left_open_elsewhere_and_opens_one(team: Path) -> None:
    """The refusal said to close a tab: one left open on the office computer could not be, short of a manager revoking
    the sign-in."""
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    _, ana = create_token("ana", "-w", str(team), "--as", "ana")
    with serving(team, "--apps-per-member", "1") as web:
        office, home, manager = _sign_in(web, token), _sign_in(web, token), _sign_in(web, ana)
        with _socket(web, office) as left_open, _socket(web, manager) as anas:
            assert left_open.recv(timeout=60) and anas.recv(timeout=60)
            page = _page(web, home, HTML)
            assert page.status_code == 429 and 'action="/apps/close"' in page.text
            closed = httpx.post(f"{web.url}/apps/close", cookies={COOKIE: home}, headers=HTML)
            assert closed.status_code == 303 and closed.headers["location"] == "/"
            # The office tab's app ends, its page saying why; @ana's, another member's, does not.
            with pytest.raises(ConnectionClosed) as ended:
                while True:
                    left_open.recv(timeout=60)
            assert ended.value.rcvd is not None
            assert (ended.value.rcvd.code, ended.value.rcvd.reason) == (
                4409,
                "Closed from another browser of yours, which had too many apps open to open one.",
            )
            assert 'id="terminal"' in _page(web, home, HTML).text
            with _socket(web, home) as at_home:
                assert at_home.recv(timeout=60)
                wait_until(lambda: len(web.apps) == 2, "@raj's app at home and @ana's")
            assert anas.ping().wait(timeout=60)  # still open


async def test_an_app_stopped_before_its_page_came_ends_at_once_rather_than_being_killed(team: Path) -> None:
    """An app started at a sign-in whose page never came read the quit as part of its start line and was killed five
    seconds later: meanwhile it held its member's place, and the server's watch (which ends revoked sessions' apps) waited."""
    process = AppProcess()
    await process.start(app_command(team), app_environment(os.environ))
    await process.stop()
    assert "crewdeck web session is started by crewdeck web" in process.stderr.decode(), process.stderr


def test_an_app_started_at_a_sign_in_gives_its_place_back_when_its_session_ends(team: Path) -> None:
    """Signed out, or its token revoked, before its page took it: the app kept its member's place for a minute, and
    signing in again met "@raj has 1 crewdeck app open already"."""
    token_id, token = create_token("raj", "-w", str(team), "--as", "ana")
    _, second_token = create_token("raj", "-w", str(team), "--as", "ana")
    with serving(team, "--apps-per-member", "1") as web:
        signed_out = _sign_in(web, token)
        assert len(web.apps) == 1
        assert httpx.post(f"{web.url}/signout", cookies={COOKIE: signed_out}).status_code == 303
        wait_until(lambda: web.apps == [], "the signed-out session's app ended")
        again = _sign_in(web, token)
        assert len(web.apps) == 1
        assert 'id="terminal"' in _page(web, again, HTML).text
        crewdeck("token", "revoke", token_id, "-w", str(team), "--as", "ana")
        wait_until(lambda: web.apps == [], "the revoked session's app ended")
        third = _sign_in(web, second_token)
        assert len(web.apps) == 1
        assert 'id="terminal"' in _page(web, third, HTML).text


#: An app process that speaks the web driver's framing (``bridge``): it draws once, then writes once more when told to
#: quit, as an app does whose last frame is on its way as its tab closes.
LATE_APP = """
import json, sys
out, keys = sys.stdout.buffer, sys.stdin.buffer
def packet(kind, payload):
    out.write(kind + len(payload).to_bytes(4, "big") + payload)
    out.flush()
out.write(b"__GANGLION__\\n")
keys.readline()  # the start line: the session and the terminal's size
packet(b"D", b"drawn")
while kind := keys.read(1):
    payload = keys.read(int.from_bytes(keys.read(4), "big"))
    if kind == b"M" and json.loads(payload)["type"] == "quit":
        packet(b"D", b"the last frame, written as the tab closed")
        break
"""


async def test_output_an_app_writes_as_its_tab_closes_is_dropped_without_a_traceback(team: Path, tmp_path: Path) -> None:
    """The app's output that came after its page had gone was sent to the closed websocket: the process's reader task
    ended with the exception, which nobody retrieved (a traceback in the server's log, seen once under load).  The
    ordering is forced: the app writes only once told to quit, which the server does only after the page has gone."""
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    ws = Workspace.open(team)
    cookie, _ = signin.sign_in_with_token(ws.conn, token, signin.wall_clock())
    ws.close()
    app = tmp_path / "late_app.py"
    app.write_text(LATE_APP)
    web = WebServer(team, command=lambda _: [sys.executable, str(app)], ready_at_sign_in=False)
    loop = asyncio.get_running_loop()
    unhandled: list[dict[str, object]] = []
    before = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: unhandled.append(context))
    listening = socket.create_server(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    # log_config=None: uvicorn's own would stop its loggers reaching the root one for every later test in this process.
    server = uvicorn.Server(uvicorn.Config(web.asgi, log_level="warning", log_config=None))
    serving_task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        async with connect_async(
            f"ws://127.0.0.1:{port}/ws?width=80&height=24", additional_headers={"Cookie": f"{COOKIE}={cookie}"}
        ) as page:
            assert await page.recv() == b"drawn"
        # The page has gone: the server tells the app to quit, and only then comes the app's last frame.
    finally:
        # Once stopped (uvicorn waits for the websocket's handler) the server has finished with the app: its reader
        # task is done, and collected here.
        server.should_exit = True
        await serving_task
        gc.collect()
        loop.set_exception_handler(before)
        listening.close()
    assert web.started == 1
    assert unhandled == [], [f"{context['message']}: {context.get('exception')!r}" for context in unhandled]


@contextlib.asynccontextmanager
async def _serving_here(web: WebServer) -> AsyncIterator[str]:
    """``web`` served by uvicorn in the test's own loop (its state then readable, its clock the test's): its websocket URL."""
    listening = socket.create_server(("127.0.0.1", 0))
    # log_config=None: uvicorn's own would stop its loggers reaching the root one for every later test in this process.
    server = uvicorn.Server(uvicorn.Config(web.asgi, log_level="warning", log_config=None))
    serving_task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        yield f"ws://127.0.0.1:{listening.getsockname()[1]}/ws?width=80&height=24"
    finally:
        server.should_exit = True
        await serving_task
        listening.close()


async def _first_frame_or_close(url: str, cookie: str) -> bytes | tuple[int, str]:
    """What a page's websocket gets first: its app's frame, or the close code and reason it was refused with."""
    async with connect_async(url, additional_headers={"Cookie": f"{COOKIE}={cookie}"}) as page:
        try:
            frame = await page.recv()
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code, closed.rcvd.reason
        assert isinstance(frame, bytes)
        return frame


async def test_the_limits_a_minute_are_the_config_of_the_account_running_crewdeck_web(
    team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """10 sign-ins and 20 app starts a minute per member were constants: a team whose members share one laptop per
    shift, or a server that wants fewer processes, could not change them.  They are the config's, read as `crewdeck web`
    reads them (``member_limits``).  The minute is on a clock the test holds still: on the real one, a loaded machine
    slower than a minute between the first sign-in and the last let them in (review rc 6)."""
    settings = tmp_path / "web.toml"
    settings.write_text("web_sign_ins_per_minute = 2\nweb_app_starts_per_minute = 1\n")
    monkeypatch.setenv("CREWDECK_CONFIG", str(settings))
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    app = tmp_path / "late_app.py"
    app.write_text(LATE_APP)
    clock = [1000.0]
    sign_ins, app_starts = member_limits(config.load(), lambda: clock[0])
    web = WebServer(team, sign_ins=sign_ins, app_starts=app_starts, command=lambda _: [sys.executable, str(app)], ready_at_sign_in=False)
    with caplog.at_level(logging.WARNING, logger="uvicorn.error"):
        async with _serving_here(web) as url:
            site = url.replace("ws://", "http://").split("/ws")[0]
            async with httpx.AsyncClient(base_url=site, headers=JSON, timeout=60) as c:
                signed = [await c.post("/signin", data={"token": token}) for _ in range(2)]
                assert [s.status_code for s in signed] == [303, 303]
                first, second = (s.cookies[COOKIE] for s in signed)
                assert await _first_frame_or_close(url, first) == b"drawn"  # the one start of the minute
                assert await _first_frame_or_close(url, second) == (
                    4429,
                    "You opened the app 1 time within a minute, the most here: try again in 61 seconds.",
                )
                refused = await c.post("/signin", data={"token": token})
                assert (refused.status_code, refused.json()["message"]) == (
                    429,
                    "@raj signed in 2 times within a minute, the most here: try again in 61 seconds.",
                )
                clock[0] += 60
                assert (await c.post("/signin", data={"token": token})).status_code == 303
                assert await _first_frame_or_close(url, second) == b"drawn"
    assert web.started == 2
    assert "refused a sign-in: @raj signed in 2 times within a minute" in caplog.text


def _raj_signed_in(team: Path) -> str:
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    ws = Workspace.open(team)
    cookie, _ = signin.sign_in_with_token(ws.conn, token, signin.wall_clock())
    ws.close()
    return cookie


#: The close of a websocket past the apps a member starts a minute (the clock held still: a minute to wait, and one).
STARTS_REFUSED = (4429, "You opened the app 4 times within a minute, the most here: try again in 61 seconds.")


async def test_websockets_waiting_together_for_a_place_start_no_more_apps_than_a_minutes_limit(
    team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The starts a minute were checked before a websocket waited for its member's place (a tab reloaded waits for its
    own app to go), and the start counted after it, unchecked: websockets waiting together each passed the one check,
    and the member started more apps within the minute than the limit.  Checked again after the wait, the ones past it
    are refused with why."""
    cookie = _raj_signed_in(team)
    app = tmp_path / "late_app.py"
    app.write_text(LATE_APP)
    clock = [1000.0]
    web = WebServer(
        team,
        command=lambda _: [sys.executable, str(app)],
        ready_at_sign_in=False,
        apps_per_member=3,
        app_starts=Attempts(limit=4, window=MINUTE, clock=lambda: clock[0]),
    )
    asked, all_waiting = 0, asyncio.Event()
    place_for = web._place_for

    async def counted(session: signin.WebSession) -> object:
        nonlocal asked
        asked += 1
        if asked == 6:
            all_waiting.set()
        return await place_for(session)

    # Only seen: the three later websockets are all inside, waiting, before the first three close.
    monkeypatch.setattr(web, "_place_for", counted)
    async with _serving_here(web) as url:
        opened = [await connect_async(url, additional_headers={"Cookie": f"{COOKIE}={cookie}"}) for _ in range(3)]
        for page in opened:
            assert await page.recv() == b"drawn"
        later = [asyncio.create_task(_first_frame_or_close(url, cookie)) for _ in range(3)]
        await asyncio.wait_for(all_waiting.wait(), 60)
        for page in opened:
            await page.close()
        got = await asyncio.gather(*later)
    assert sorted(got, key=str) == sorted([b"drawn", STARTS_REFUSED, STARTS_REFUSED], key=str)
    assert web.started == 4


async def test_a_websocket_refused_again_and_again_is_logged_once_a_minute(
    team: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every refused websocket wrote a line in the server's log: a client opening websockets in a loop past its member's
    starts a minute filled the log at its own pace.  A member's refusal of a kind is logged once a minute."""
    cookie = _raj_signed_in(team)
    app = tmp_path / "late_app.py"
    app.write_text(LATE_APP)
    clock = [1000.0]
    web = WebServer(
        team,
        command=lambda _: [sys.executable, str(app)],
        ready_at_sign_in=False,
        app_starts=Attempts(limit=2, window=MINUTE, clock=lambda: clock[0]),
    )
    with caplog.at_level(logging.WARNING, logger="uvicorn.error"):
        async with _serving_here(web) as url:
            for _ in range(2):
                assert await _first_frame_or_close(url, cookie) == b"drawn"
            for _ in range(5):
                code, _ = await _first_frame_or_close(url, cookie)
                assert code == 4429
    said = [r.getMessage() for r in caplog.records if r.name == "uvicorn.error"]
    assert said == [
        "refused an app of @raj: You opened the app 2 times within a minute, the most here: try again in 61 seconds. "
        "(the same for @raj again within a minute goes unlogged)"
    ], said


#: An app that ends at once, without a frame, while the file named by its first argument is there.
ENDING_APP = (
    """
import os, sys
if os.path.exists(sys.argv[1]):
    sys.exit(0)
"""
    + LATE_APP
)


async def test_an_app_started_in_place_of_a_sign_ins_app_that_ended_counts_as_a_start(team: Path, tmp_path: Path) -> None:
    """The app a sign-in starts, ended before its page came, was replaced when the page's websocket came without being
    counted: a start past the member's starts a minute.  Counted, the next is refused with why."""
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    app, ending = tmp_path / "ending_app.py", tmp_path / "end-at-once"
    app.write_text(ENDING_APP)
    ending.touch()
    clock = [1000.0]
    web = WebServer(
        team, command=lambda _: [sys.executable, str(app), str(ending)], app_starts=Attempts(limit=2, window=MINUTE, clock=lambda: clock[0])
    )
    async with _serving_here(web) as url:
        async with httpx.AsyncClient(base_url=url.replace("ws://", "http://").split("/ws")[0], headers=JSON) as c:
            signed = await c.post("/signin", data={"token": token})
        assert signed.status_code == 303 and web.started == 1
        cookie = signed.cookies[COOKIE]
        (ready,) = web._ready.values()
        await asyncio.wait_for(ready.process.ended.wait(), 60)
        ending.unlink()
        async with connect_async(url, additional_headers={"Cookie": f"{COOKIE}={cookie}"}) as page:
            assert await page.recv() == b"drawn" and web.started == 2
            assert await _first_frame_or_close(url, cookie) == (
                4429,
                "You opened the app 2 times within a minute, the most here: try again in 61 seconds.",
            )
    assert web.started == 2


#: An app process that writes 64 KiB of error output, then what it was sent, to its error output too.
NOISY_APP = """
import sys
sys.stderr.write("x" * 65_536)
sys.stderr.buffer.write(sys.stdin.buffer.read())
"""


async def test_an_apps_error_output_is_kept_as_its_end_and_keys_a_page_cannot_encode_reach_it_replaced(tmp_path: Path) -> None:
    """An app's error output was kept whole for its life (hours, up to 32 apps), to log its last lines; a lone surrogate
    in a page's keys raised in the server's relay, which ended the page's own app (review rb)."""
    app = tmp_path / "noisy_app.py"
    app.write_text(NOISY_APP)
    process = AppProcess()
    await process.start([sys.executable, str(app)], dict(os.environ))
    await process.send_keys("a\ud800b")
    await process.stop()  # not begun: its input is closed, and it ends
    assert len(process.stderr) == STDERR_KEPT
    assert process.stderr.endswith(b"x" * 100 + b"D\x00\x00\x00\x03a?b")  # its packet: 3 bytes, "a?b"


#: An app process that draws once, then fails on the first key, as an app does on a bug: a traceback and exit status 1.
FAILING_APP = """
import sys
out, keys = sys.stdout.buffer, sys.stdin.buffer
out.write(b"__GANGLION__\\n")
keys.readline()  # the start line: the session and the terminal's size
out.write(b"D" + (5).to_bytes(4, "big") + b"drawn")
out.flush()
keys.read(1)
sys.stderr.write("secret_title = 'Q4 salaries'\\n" * 2_000)  # a frame's local values, as Textual draws them
raise RuntimeError("a bug\\x1b[2J in the app")
"""


async def test_an_app_that_stops_on_an_error_says_so_in_its_tab_and_in_the_servers_log(
    team: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The tab said "The app ended." as if it had been quit, and the server's log nothing: what the app said was read
    and dropped."""
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    ws = Workspace.open(team)
    cookie, _ = signin.sign_in_with_token(ws.conn, token, signin.wall_clock())
    ws.close()
    app = tmp_path / "failing_app.py"
    app.write_text(FAILING_APP)
    web = WebServer(team, command=lambda _: [sys.executable, str(app)], ready_at_sign_in=False)
    listening = socket.create_server(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    # log_config=None: uvicorn's own would stop its loggers reaching the root one for every later test in this process.
    server = uvicorn.Server(uvicorn.Config(web.asgi, log_level="warning", log_config=None))
    serving_task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        with caplog.at_level(logging.ERROR, logger="uvicorn.error"):
            async with connect_async(
                f"ws://127.0.0.1:{port}/ws?width=80&height=24", additional_headers={"Cookie": f"{COOKIE}={cookie}"}
            ) as page:
                assert await page.recv() == b"drawn"
                await page.send(json.dumps(["stdin", "x"]))
                with pytest.raises(ConnectionClosed) as closed:
                    await page.recv()
    finally:
        server.should_exit = True
        await serving_task
        listening.close()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (CLOSE_APP_FAILED, APP_FAILED)
    said = [r.getMessage() for r in caplog.records if "stopped on an error" in r.getMessage()]
    assert len(said) == 1
    # The error's last line alone, shown safely: the workspace's text in the frames' local values stays out of the log.
    assert said == ["the app of @raj stopped on an error (exit status 1): RuntimeError: a bug^[[2J in the app"]


def test_an_app_ending_already_keeps_the_reason_it_ended_for() -> None:
    """The server stopping, or another browser closing a member's apps, over an app whose session had just ended told
    its page "The app ended." or "closed from another browser" instead of why it ended (review rb)."""
    open_app = OpenApp("s1", "raj", "cookie", AppProcess(), guest=False)
    open_app.end(4403, "Your session as @raj has ended: it lasted its 12 hours: sign in again to go on.")
    open_app.end(4409, "closed from another browser")
    assert (open_app.close_code, open_app.why) == (4403, "Your session as @raj has ended: it lasted its 12 hours: sign in again to go on.")
