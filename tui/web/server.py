"""``crewdeck web``: the app in a browser, behind crewdeck's own sign-in.

A Starlette application (the sync server's framework, run by uvicorn the
same way) with these routes and nothing else:

- ``GET /``: the app's page for a live session, else the sign-in page (followed from another site without the
  cookie, a page that opens ``/`` again from here, with it);
- ``POST /signin``: a member's token opens a session;
- ``GET /link/{secret}`` shows a one-time link's page (so does ``HEAD``); ``POST`` uses it;
- ``POST /signout`` ends the session;
- ``POST /apps/close`` ends every app of the session's member (past their limit, from another browser);
- ``GET /static/{file}``: textual.js, xterm's stylesheet, the font, crewdeck's page script: for a live session only;
- ``/ws``: the websocket of one app process, for a live session only.

The session is a cookie (HttpOnly, SameSite=Strict, Secure over TLS)
whose hash names a ``web_session`` row; every request checks it is live.
While a websocket is open its app runs as the session's member; a watch
ends it when the session stops being live (token revoked, link expired or
revoked, member removed, signed out, left unused past the idle timeout), or its member is made a guest or
no longer one (a guest's app is another), and the app ends with its tab.

Every app is a process of its own, so they are counted: a member has at
most ``apps_per_member`` live at once (started at a sign-in and waiting for
its page, open, or being stopped), the server ``max_apps``.  Past either,
the page says why and how to close one (429, or 503 when the server is
full) and the websocket is refused: a new app is refused rather than an
open one ended, whose tab may hold what its member was typing.  A member's good
sign-ins are limited too (``SIGN_INS_PER_MINUTE``), and the apps they start
(``APP_STARTS_PER_MINUTE``): one started in place of another just closed (a
sign-out, a websocket closed) would churn processes without end.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib.util
import json
import logging
import os
import sqlite3
import time
import urllib.parse
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from crewdeck.sync.state import websessions
from crewdeck.sync.state.visible import visible
from crewdeck.tui.web import pages, signin
from crewdeck.tui.web.attempts import Attempts
from crewdeck.tui.web.bridge import QUIT_GRACE, AppProcess, app_command, app_environment
from crewdeck.tui.workspace import config
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Workspace

COOKIE = "crewdeck_session"
#: How long an app started at sign-in waits for its page's websocket before it is stopped.
UNCLAIMED = 60.0
#: A member's live apps at most, by default: a few tabs, a laptop and a phone.
APPS_PER_MEMBER = 4
#: Live apps on the server at most, by default: each is a Python process of its own (tens of MB).
MAX_APPS = 32
#: The window of the limits a minute below, in seconds (their messages say "within a minute").
MINUTE = 60.0
#: Failed sign-ins a minute at most from one client address (a wrong token or PIN, a link unknown, used or expired), by
#: default (``web_failed_sign_ins_per_minute`` in the config): guessing is what it stops.
FAILED_SIGN_INS_PER_MINUTE = config.FAILED_SIGN_INS_PER_MINUTE
#: A member's sign-ins a minute at most (a token's or a link's), by default (``web_sign_ins_per_minute`` in the config):
#: each may start an app process, and one member's token signing in and out in a loop started them without end, a
#: core's worth of the team's server.  A member's apps started a minute at most, by default
#: (``web_app_starts_per_minute``): a page's websocket opened and closed in a loop, on one sign-in, started one at each.
SIGN_INS_PER_MINUTE = config.SIGN_INS_PER_MINUTE
APP_STARTS_PER_MINUTE = config.APP_STARTS_PER_MINUTE
#: What a request for the sync API (``/v1/...``) is told: crewdeck join or sync was given crewdeck web's address.
NOT_A_SYNC_SERVER = (
    "this is crewdeck web, the app in a browser, not a sync server: open it in a browser, or give crewdeck join and "
    "sync the address crewdeck serve prints"
)
#: The server's log (uvicorn's, as the guard's lines are).
_LOG = logging.getLogger("uvicorn.error")
#: The websocket's close code when a session ends while its app is open (the reason says why, on the page).
CLOSE_SESSION_ENDED = 4403
#: Why an app ended when its session is live but its member was made a guest, whose app is another.
MADE_GUEST = "The app has ended: you were made a guest, who sees the Approvals view alone: open again for it."


def made_member(access: str) -> str:
    """Why a guest's app ended when they were made a member or a manager (``access``): their app is another."""
    return f"The app has ended: you were made a {access}, no longer a guest: open again for tasks, deadlines and the ledger."


#: The websocket's close code when its app exited on an error (the server's log has what the app said).
CLOSE_APP_FAILED = 1011
APP_FAILED = "The app stopped on an error (crewdeck web's log on the server has it): open again."
#: The most of an app's error the server's log quotes, in characters.
LOGGED_ERROR = 300
#: A websocket's close reason holds this many bytes of UTF-8 at most.
_REASON_BYTES = 123
#: The websocket's close code when its member closed their apps from another browser (the reason says so on the page).
CLOSE_CLOSED_ELSEWHERE = 4409
CLOSED_ELSEWHERE = "Closed from another browser of yours, which had too many apps open to open one."
#: textual-serve's browser files that the app's page loads: served, nothing else of the package.
STATIC_FILES = frozenset(
    {"js/textual.js", "css/xterm.css", "fonts/RobotoMono-VariableFont_wght.ttf", "fonts/RobotoMono-Italic-VariableFont_wght.ttf"}
)
#: crewdeck's own script on the app's page (``pages.PAGE_SCRIPT``), served beside textual-serve's files.
PAGE_SCRIPT = "crewdeck/page.js"
#: A refused link's status when it is not 410 (used, expired, burned, its member gone).
_LINK_STATUS = {"wrong_pin": 401, "no_pin": 401, "not_replica_member": 403}
_SECURITY_HEADERS = {
    # Every page may load from this server only: no font, script or socket from anywhere else.
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def static_root() -> Path:
    """textual-serve's folder of browser files (found without importing it: it would import aiohttp)."""
    spec = importlib.util.find_spec("textual_serve")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("textual-serve is not installed: reinstall crewdeck")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def _from_elsewhere(request: Request) -> bool:
    """Whether the browser says the request comes from a page of another site, or of another port or subdomain of this
    one (``Sec-Fetch-Site``, which every current browser sends; an ``Origin`` is not compared with ``Host``, which a
    proxy in front may rewrite): what only a person's click on crewdeck web's own page may open."""
    return request.headers.get("sec-fetch-site") in ("cross-site", "same-site")


@dataclass(frozen=True)
class AppRefused:
    """Why a member gets no more apps now: ``status`` for the page (429, 503; 4000 more closes the websocket), and
    ``short``, what fits a websocket's close reason (123 bytes), for the app's page to show."""

    status: int
    code: str
    message: str
    short: str


@dataclass(frozen=True)
class ReadyApp:
    """An app started at a sign-in, waiting for its page's websocket."""

    process: AppProcess
    #: When it started, on the event loop's clock.
    started: float
    member: str
    cookie: str


@dataclass
class OpenApp:
    """An app process behind an open websocket."""

    session_id: str
    member: str
    cookie: str
    process: AppProcess
    #: Whether the app was opened as a guest's (the Approvals view alone): a member made a guest since, or a guest made
    #: a member, has it ended.
    guest: bool
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    #: Set with ``ended`` (``end``): the websocket's close code and reason, what its page shows.
    close_code: int = 1000
    why: str = ""

    def end(self, code: int, why: str) -> None:
        """End the app, its page told ``why`` (as the page shows it where it says the app ended).  The first reason
        stands: what ends an app already ending (the server stopping, another browser closing it) is not why it ended."""
        if self.ended.is_set():
            return
        self.close_code, self.why = code, why
        self.ended.set()


def member_limits(settings: config.Config, clock: Callable[[], float] = time.monotonic) -> tuple[Attempts, Attempts]:
    """A member's sign-ins and app starts a minute at most, as ``settings`` say (``web_sign_ins_per_minute``,
    ``web_app_starts_per_minute``), counted on ``clock``: what ``crewdeck web`` serves with (a test holds the clock)."""
    return Attempts(settings.web_sign_ins_per_minute, MINUTE, clock), Attempts(settings.web_app_starts_per_minute, MINUTE, clock)


def address_limit(settings: config.Config, clock: Callable[[], float] = time.monotonic) -> Attempts:
    """Failed sign-ins a minute at most from one client address, as ``settings`` say (``web_failed_sign_ins_per_minute``),
    counted on ``clock``: what ``crewdeck web`` serves with (a test holds the clock)."""
    return Attempts(settings.web_failed_sign_ins_per_minute, MINUTE, clock)


class WebServer:
    """The web application of one workspace file: ``asgi`` is what uvicorn serves."""

    def __init__(
        self,
        workspace: Path,
        *,
        attempts: Attempts | None = None,
        sign_ins: Attempts | None = None,
        app_starts: Attempts | None = None,
        watch_every: float = 0.5,
        now: Callable[[], dt.datetime] = signin.wall_clock,
        command: Callable[[Path], list[str]] = app_command,
        ready_at_sign_in: bool = True,
        apps_per_member: int = APPS_PER_MEMBER,
        max_apps: int = MAX_APPS,
        idle: dt.timedelta | None = signin.IDLE,
    ) -> None:
        self.path = workspace.absolute()
        ws = Workspace.open(self.path)
        try:
            websessions.ensure_tables(ws.conn)
            with ws.conn:  # what ended long ago goes now, not only at the next sign-in
                signin.drop_ended(ws.conn, now())
            # As a terminal shows it: an override in the name would turn the pages' heading and title around it.
            self.name = visible(str(ws.conn.execute("SELECT name FROM workspace").fetchone()[0] or self.path.stem))
        finally:
            ws.close()
        self._ws: Workspace | None = None
        #: Failed sign-ins, by client address.
        self.attempts = attempts or Attempts(FAILED_SIGN_INS_PER_MINUTE, MINUTE)
        #: Successful sign-ins, by member.
        self.sign_ins = sign_ins or Attempts(SIGN_INS_PER_MINUTE, MINUTE)
        #: Apps started, by member (counted as each takes its member's place).
        self.app_starts = app_starts or Attempts(APP_STARTS_PER_MINUTE, MINUTE)
        #: Refusals said in the log, by member and kind: one a minute each.
        self._logged = Attempts(1, MINUTE)
        self.watch_every = watch_every
        self.now = now
        self._command = command
        self._ready_at_sign_in = ready_at_sign_in
        self._static = static_root()
        #: Open apps by their process id.
        self.open: dict[int, OpenApp] = {}
        #: Apps started when their session signed in, with when and whose: its page's websocket takes one.
        self._ready: dict[str, ReadyApp] = {}
        self.apps_per_member = apps_per_member
        self.max_apps = max_apps
        #: Live apps by member: starting, waiting for their page, open, or being stopped (``_leaving``).
        self._held: Counter[str] = Counter()
        self._leaving: Counter[str] = Counter()
        #: Set (and replaced) whenever an app starts to end or is gone: who waits for a place hears it.
        self._changed = asyncio.Event()
        #: Stopping apps no websocket has (unclaimed, or closed by their member from another browser).
        self._stopping: set[asyncio.Task[None]] = set()
        #: App processes started since the server started (the tests count them).
        self.started = 0
        #: How long a session may go unused (no page of the app loaded, no key or click sent to its apps) before it
        #: ends; ``None``: never.
        self.idle = idle
        #: When each session's use was last written (``signin.used``): written again once ``_use_step`` has passed,
        #: not at every key.
        self._used: dict[str, dt.datetime] = {}
        self.asgi = Starlette(
            routes=[
                Route("/", self.index, methods=["GET"]),
                Route("/signin", self.sign_in, methods=["POST"]),
                Route("/signout", self.sign_out, methods=["POST"]),
                Route("/apps/close", self.close_apps, methods=["POST"]),
                Route("/link/{secret}", self.link, methods=["GET", "POST"]),
                Route("/static/{file:path}", self.static, methods=["GET"]),
                WebSocketRoute("/ws", self.websocket),
            ],
            lifespan=self._lifespan,
            exception_handlers={HTTPException: self._http_error},
        )

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self._ws = Workspace.open(self.path)
        watch = asyncio.create_task(self._watch())
        try:
            yield
        finally:
            watch.cancel()
            for open_app in list(self.open.values()):
                open_app.end(CLOSE_SESSION_ENDED, "")
            await asyncio.gather(
                *(o.process.stop() for o in list(self.open.values())), *(r.process.stop() for r in self._ready.values()), *self._stopping
            )
            self._ws.close()
            self._ws = None

    @property
    def conn(self) -> sqlite3.Connection:
        """The workspace file's connection, while the server runs."""
        assert self._ws is not None, "the server is not running"
        return self._ws.conn

    # ------------------------------------------------------------------ sessions

    @property
    def _use_step(self) -> dt.timedelta:
        """How often a session's use is written at most: a minute, or a tenth of a shorter idle time."""
        return min(dt.timedelta(minutes=1), self.idle / 10) if self.idle is not None else dt.timedelta(minutes=1)

    def _use(self, session_id: str) -> None:
        """The session was used now (its app's page loaded, a key or click sent to its app): it ends ``idle`` from now."""
        now = self.now()
        last = self._used.get(session_id)
        if last is not None and now - last < self._use_step:
            return
        # Uses within a step of this one go unwritten: the session's end is put off by the step too, so it comes an idle
        # time after the last use at the soonest, as the tab will say.  A busy file is left for the next use.
        try:
            if signin.used(self.conn, session_id, now, self.idle, slack=self._use_step):
                self._used[session_id] = now
        except sqlite3.OperationalError:
            return  # the file unreadable for a moment (its disk, say): a key still reaches the app; the next use writes

    def _session(self, conn: HTTPConnection) -> tuple[str, signin.WebSession] | None:
        cookie = conn.cookies.get(COOKIE, "")
        session = signin.live_session(self.conn, cookie, self.now()) if cookie else None
        return None if session is None else (cookie, session)

    async def _watch(self) -> None:
        """End every open app whose session is no longer live."""
        while True:
            await asyncio.sleep(self.watch_every)
            now = self.now()
            for session_id, last in list(self._used.items()):
                if now - last >= self._use_step:  # its next use is written anyway
                    del self._used[session_id]
            for open_app in list(self.open.values()):
                if open_app.ended.is_set():
                    continue  # ending already (its stop takes a few seconds): why is said
                try:
                    session = signin.live_session(self.conn, open_app.cookie, now)
                except sqlite3.OperationalError:
                    continue  # the file busy past the timeout: asked again at the next round
                # A member made a guest reads their campaigns' posts alone, a guest made a member more than the Approvals
                # view: the app opened ends.  A member made a manager, or back, keeps it: the app is the same, and the
                # rules judge each write by the access now.
                if session is None:
                    open_app.end(CLOSE_SESSION_ENDED, self._ended_why(open_app.cookie, now))
                elif (session.access == "guest") != open_app.guest:
                    open_app.end(CLOSE_SESSION_ENDED, made_member(session.access) if open_app.guest else MADE_GUEST)
            clock = asyncio.get_running_loop().time()
            for session_id, ready in list(self._ready.items()):
                # Unclaimed, or its session ended (signed out, revoked): its place is its member's again.
                try:
                    ended = ready.started + UNCLAIMED < clock or signin.live_session(self.conn, ready.cookie, now) is None
                except sqlite3.OperationalError:
                    continue
                if ended:
                    del self._ready[session_id]
                    self._stop_aside(ready.member, ready.process)

    def _ended_why(self, cookie: str, now: dt.datetime) -> str:
        """Why a session ended, for its tab: the line a browser coming back with its cookie is shown, without the
        handle when that would not fit a close reason."""
        try:
            for named in (True, False):
                why = signin.ended_why(self.conn, cookie, now, named=named)
                if why is not None and len(why.encode("utf-8")) <= _REASON_BYTES:
                    return why
        except sqlite3.OperationalError:
            pass  # the file busy past the timeout: the tab is told what holds for every ended session
        return "Your session has ended: sign in again to go on."

    # ------------------------------------------------------------------ counting apps

    def _refusal(self, session: signin.WebSession, *, leaving: bool) -> AppRefused | None:
        """Why ``session``'s member may not have another app now, else ``None``.
        ``leaving``: count the apps being stopped too (each is gone within ``QUIT_GRACE``)."""
        held = self._held[session.member] - (0 if leaving else self._leaving[session.member])
        total = self._held.total() - (0 if leaving else self._leaving.total())
        if held >= self.apps_per_member:
            apps = "1 crewdeck app" if held == 1 else f"{held} crewdeck apps"
            return AppRefused(
                429,
                "too_many_apps",
                f"@{session.handle} has {apps} open already, in other tabs or browsers: "
                f"{self.apps_per_member} at once is the most here. Close one (q in it, or close its tab), then open again.",
                f"You have {apps} open already (in other tabs or browsers): close one (q in it, or its tab), then open again.",
            )
        if total >= self.max_apps:
            said = f"crewdeck web here runs {self.max_apps} apps at once at most, and all are open: try again in a minute."
            return AppRefused(503, "server_full", said, said)
        return None

    def _too_many_starts(self, session: signin.WebSession) -> AppRefused | None:
        """Why ``session``'s member may start no app now: ``APP_STARTS_PER_MINUTE`` started within the last minute."""
        wait = self.app_starts.wait(session.member)
        if wait is None:
            return None
        said = f"You opened the app {counted(self.app_starts.limit, 'time')} within a minute, the most here: try again in {int(wait) + 1} seconds."
        self._refusal_logged(session.handle, "too_many_app_starts", f"refused an app of @{session.handle}: {said}")
        return AppRefused(429, "too_many_app_starts", said, said)

    def _has_open(self, session: signin.WebSession) -> bool:
        """Whether an app of ``session``'s is open: a tab of it being reloaded, or another tab of the same browser."""
        return any(o.session_id == session.id for o in self.open.values())

    def _release(self, member: str) -> None:
        self._held[member] -= 1
        if self._held[member] <= 0:
            del self._held[member]
        self._changed_now()

    def _changed_now(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _stop(self, member: str, process: AppProcess) -> None:
        """Stop an app and give back its member's place: only once the process is gone, so the count is of processes."""
        self._leaving[member] += 1
        self._changed_now()
        try:
            await process.stop()
        finally:
            self._leaving[member] -= 1
            if self._leaving[member] <= 0:
                del self._leaving[member]
            self._release(member)

    def _stop_aside(self, member: str, process: AppProcess) -> None:
        """Stop an app no websocket has, while the caller goes on (the watch ends revoked sessions' apps meanwhile)."""
        task = asyncio.create_task(self._stop(member, process))
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)

    async def _start_app(self) -> AppProcess:
        process = AppProcess()
        await process.start(self._command(self.path), app_environment(os.environ))
        self.started += 1
        return process

    async def _ready_for(self, cookie: str) -> None:
        """Start the app of a session that just signed in, while its page loads (it waits for the session's websocket);
        none past the limits: the page then says why."""
        session = signin.live_session(self.conn, cookie, self.now()) if self._ready_at_sign_in else None
        if session is None or session.id in self._ready or self._refusal(session, leaving=True) is not None:
            return
        if self.app_starts.wait(session.member) is not None:
            return  # the page's websocket is refused, with why
        self._held[session.member] += 1  # taken before the await: sign-ins side by side are counted one after another
        self.app_starts.count(session.member)
        try:
            process = await self._start_app()
        except BaseException:
            self._release(session.member)
            raise
        self._ready[session.id] = ReadyApp(process, asyncio.get_running_loop().time(), session.member, cookie)

    def _has_ready(self, session: signin.WebSession) -> bool:
        ready = self._ready.get(session.id)
        return ready is not None and not ready.process.ended.is_set()

    async def _signed_in(self, request: Request, cookie: str) -> Response:
        await self._ready_for(cookie)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE,
            cookie,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return self._headers(response)

    @staticmethod
    def _headers(response: Response) -> Response:
        response.headers.update(_SECURITY_HEADERS)
        return response

    def _sent_from_elsewhere(self, request: Request) -> Response:
        """A sign-in another site's page sent (a form that posts here): it put the browser in a session of whatever
        token or link that page held, the next "Open crewdeck" opening that account's app."""
        return self._refused(request, 403, "cross_site", "Sign in from crewdeck web's own page: open its address, then sign in there.")

    def _refused(self, request: Request, status: int, code: str, message: str, page: str | None = None) -> Response:
        """A 4xx: the page again with the message for a browser, JSON for anything else."""
        if "text/html" in request.headers.get("accept", ""):
            response: Response = HTMLResponse(page or pages.message_page(self.name, message), status_code=status)
        else:
            response = JSONResponse({"error": code, "message": message}, status_code=status)
        return self._headers(response)

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        """No such route, or not with this method: refused like every other request (Starlette's answer is plain text)."""
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            response = self._refused(request, 405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}.")
        elif exc.status_code == 404 and request.url.path.startswith("/v1/"):
            # The sync API's paths, asked by crewdeck join or sync given this address: said, where "Not found" left the
            # member to guess what the address is.
            response = self._refused(request, 404, "not_a_sync_server", NOT_A_SYNC_SERVER)
        elif exc.status_code == 404:
            response = self._refused(request, 404, "not_found", "Not found.")
        else:
            response = self._refused(request, exc.status_code, "http_error", str(exc.detail))
        response.headers.update(exc.headers or {})  # Allow, on a 405
        return response

    @staticmethod
    def _address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def _cut_off(self, request: Request) -> Response:
        return self._refused(request, 400, "incomplete_request", "The connection closed before the sign-in form arrived.")

    def _too_many(self, request: Request) -> Response | None:
        wait = self.attempts.wait(self._address(request))
        if wait is None:
            return None
        response = self._refused(request, 429, "too_many_attempts", f"Too many sign-in attempts: try again in {int(wait) + 1} seconds.")
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response

    def _admit(self, member: str, handle: str) -> None:
        """Refuse a good sign-in of a member who signed in ``SIGN_INS_PER_MINUTE`` times within the last minute."""
        wait = self.sign_ins.wait(member)
        if wait is not None:
            raise signin.TooManySignIns(handle, self.sign_ins.limit, wait)

    def _refusal_logged(self, handle: str, code: str, said: str) -> None:
        """A member's refusal in the server's log, once a minute for each member and kind: a client asking again in a
        loop, refused each time, wrote a line each time, filling the log at its own pace."""
        key = f"{code} {handle}"
        if self._logged.wait(key) is None:
            self._logged.count(key)
            _LOG.warning("%s (the same for @%s again within a minute goes unlogged)", said, handle)

    def _too_many_sign_ins(self, request: Request, refusal: signin.TooManySignIns, page: str) -> Response:
        self._refusal_logged(refusal.handle, refusal.code, f"refused a sign-in: {refusal}")
        response = self._refused(request, 429, refusal.code, str(refusal), page)
        response.headers["Retry-After"] = str(refusal.wait)
        return response

    # ------------------------------------------------------------------ routes

    async def index(self, request: Request) -> Response:
        found = self._session(request)
        if _from_elsewhere(request):
            # The cookie is SameSite=Strict: a link to crewdeck web followed from another site (a chat, a webmail) came
            # without it, and a signed-in guest was asked for a token they never had.  Opened from here, it comes.  From
            # a page of the same site (another port, another subdomain) it came, and the live app opened there, the
            # keys on it: the link is offered there too, a click away.
            return self._headers(HTMLResponse(pages.reopen_page(self.name)))
        if found is None:
            # Back with the cookie of a session that ended under its app ("Open again"): the page says why.
            return self._headers(HTMLResponse(self._sign_in_again(request.cookies.get(COOKIE, ""))))
        # Past the limits the page says why instead of an app that would end at once ("The app ended").  Not when the
        # session has an app open: a reloaded tab's is, until its websocket closes; its websocket judges (and says why).
        session = found[1]
        self._use(session.id)  # a page opened: someone is at the browser
        refusal = None if self._has_ready(session) or self._has_open(session) else self._refusal(session, leaving=False)
        if refusal is not None:
            # Said in the log as the websocket's refusal is: a browser's page is where most are refused, and a server
            # that is full says so to whoever sizes --max-apps.
            self._refusal_logged(session.handle, refusal.code, f"refused an app of @{session.handle}: {refusal.message}")
            response = self._refused(
                request, refusal.status, refusal.code, refusal.message, pages.busy_page(self.name, refusal.message, refusal.status == 429)
            )
            if refusal.status == 503:
                response.headers["Retry-After"] = "60"
            return response
        scheme = "wss" if request.url.scheme == "https" else "ws"
        websocket_url = f"{scheme}://{request.url.netloc}/ws"
        return self._headers(HTMLResponse(pages.app_page(self.name, found[1].handle, websocket_url)))

    async def sign_in(self, request: Request) -> Response:
        if _from_elsewhere(request):
            return self._sent_from_elsewhere(request)
        form = await _form(request)
        if form is None:
            return self._cut_off(request)
        # The form is in before the limit is checked: from the check to the count of a failure nothing
        # waits, so requests sent side by side are limited as if they came one after another.
        if (refused := self._too_many(request)) is not None:
            return refused
        try:
            cookie, member = signin.sign_in_with_token(self.conn, form.get("token", ""), self.now(), self.idle, self._admit)
        except signin.TooManySignIns as exc:
            return self._too_many_sign_ins(request, exc, pages.sign_in_page(self.name, str(exc)))
        except signin.SignInRefused as exc:
            self.attempts.failed(self._address(request))
            status = 403 if exc.code == "not_replica_member" else 401
            return self._refused(request, status, exc.code, str(exc), pages.sign_in_page(self.name, str(exc)))
        self.sign_ins.count(member)
        return await self._signed_in(request, cookie)

    def _sign_in_again(self, cookie: str) -> str:
        """The sign-in page for a browser with ``cookie``, a session's that is not live: why it ended, if it did, and for a
        guest's the way on a guest has (a link), not the token field."""
        why = signin.ended_why(self.conn, cookie, self.now())
        if why is not None and signin.guests(self.conn, cookie):
            return pages.guest_sign_in_page(self.name, why)
        return pages.sign_in_page(self.name, why)

    async def sign_out(self, request: Request) -> Response:
        found = self._session(request)
        response: Response = RedirectResponse("/", status_code=303)
        if found is not None:
            signin.end_session(self.conn, found[0], self.now())
            # Its app started at the sign-in, if no page took it: its member's place is free at once.
            if (ready := self._ready.pop(found[1].id, None)) is not None:
                self._stop_aside(ready.member, ready.process)
            if found[1].access == "guest" and "text/html" in request.headers.get("accept", ""):
                # The page a guest needs, here: the cookie goes, and with it what says the browser was a guest's.
                response = HTMLResponse(self._sign_in_again(found[0]))
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return self._headers(response)

    async def close_apps(self, request: Request) -> Response:
        """End the member's apps (their tabs say the app ended): past the limit, with tabs left open on another computer,
        the way on that is not a manager revoking the sign-in.  Answered once they are ending, so the page opens one."""
        found = self._session(request)
        if found is not None:
            member = found[1].member
            for open_app in self.open.values():
                if open_app.member == member:
                    open_app.end(CLOSE_CLOSED_ELSEWHERE, CLOSED_ELSEWHERE)
            for session_id, ready in list(self._ready.items()):
                if ready.member == member:
                    del self._ready[session_id]
                    self._stop_aside(member, ready.process)
            loop = asyncio.get_running_loop()
            until = loop.time() + QUIT_GRACE + 1
            while self._held[member] - self._leaving[member] > 0 and loop.time() < until:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), until - loop.time())
        return self._headers(RedirectResponse("/", status_code=303))

    async def link(self, request: Request) -> Response:
        if request.method == "POST" and _from_elsewhere(request):
            return self._sent_from_elsewhere(request)
        form = await _form(request) if request.method == "POST" else {}
        if form is None:
            return self._cut_off(request)
        if (refused := self._too_many(request)) is not None:  # as in sign_in: nothing waits from here to the count
            return refused
        secret = request.path_params["secret"]
        facts = signin.link_facts(self.conn, secret)
        if facts is None:
            self.attempts.failed(self._address(request))
            return self._refused(request, 404, "unknown_link", "This sign-in link is not known here.")
        shown, needs_pin = facts
        # The button's POST alone uses the link: a HEAD (Starlette answers one wherever GET is routed), which link
        # checkers and chat apps' previews send, used it up, and its member found it used already.
        if request.method != "POST":
            # A link that signs no one in says so at once: no button that only leads to the refusal.
            refusal = signin.link_refusal(self.conn, secret, self.now())
            if refusal is not None:
                return self._refused(request, _LINK_STATUS.get(refusal.code, 410), refusal.code, str(refusal))
            return self._headers(HTMLResponse(pages.link_page(self.name, secret, shown, needs_pin)))
        try:
            cookie, member = signin.redeem_link(self.conn, secret, form.get("pin"), self.now(), self.idle, self._admit)
        except signin.TooManySignIns as exc:  # the link is not used up: its button works once the wait is over
            return self._too_many_sign_ins(request, exc, pages.link_page(self.name, secret, shown, needs_pin, str(exc)))
        except signin.SignInRefused as exc:
            if exc.code != "no_pin":  # no PIN typed is no guess
                self.attempts.failed(self._address(request))
            status = _LINK_STATUS.get(exc.code, 410)
            # The form again only while the link still signs in (a PIN to type, tries left): on one used, expired or
            # burned meanwhile its button led only to the refusal again, as opening such a link shows none.
            usable = signin.link_refusal(self.conn, secret, self.now()) is None
            again = pages.link_page(self.name, secret, shown, needs_pin, str(exc)) if usable else None
            return self._refused(request, status, exc.code, str(exc), again)
        self.sign_ins.count(member)
        return await self._signed_in(request, cookie)

    async def static(self, request: Request) -> Response:
        name = request.path_params["file"]
        if self._session(request) is None or name not in (*STATIC_FILES, PAGE_SCRIPT):
            return self._refused(request, 404, "not_found", "Not found.")
        response: Response = (
            Response(pages.PAGE_SCRIPT, media_type="text/javascript") if name == PAGE_SCRIPT else FileResponse(self._static / name)
        )
        response.headers.update(_SECURITY_HEADERS)
        response.headers["Cache-Control"] = "private, max-age=3600"
        return response

    async def websocket(self, websocket: WebSocket) -> None:
        found = self._session(websocket)
        origin = websocket.headers.get("origin")
        host = websocket.headers.get("host")
        if found is None or (origin is not None and origin.split("://", 1)[-1] != host):
            if found is not None:
                # A live session's cookie (SameSite=Strict: another site's page never sends it) with an Origin that is not
                # the Host: a proxy in front that did not pass the Host on.  Said, or the page's app ended without a word.
                _LOG.warning(
                    "refused the app's websocket of a page at %s: the request names this server %s; a proxy in front must pass "
                    "the Host header on (nginx: proxy_set_header Host $host)",
                    visible(origin or ""),
                    visible(host or "(no Host header)"),
                )
            # Closed before it is accepted: the handshake gets 403, and no app starts.
            await websocket.close(code=1008)
            return
        cookie, session = found
        ready = self._ready.pop(session.id, None)
        if ready is None:  # the session's own app, started at its sign-in, holds its place already
            refusal = self._too_many_starts(session) or await self._place_for(session)
            # Checked again after the wait, and counted in the same step below: websockets that waited together for a
            # place each passed the check before it, and would each have started an app past the limit.
            if (refusal := refusal or self._too_many_starts(session)) is not None:
                # Accepted to be closed with why: the page shows the reason where it says the app ended.
                await websocket.accept()
                await websocket.close(code=4000 + refusal.status, reason=refusal.short)
                return
            self._held[session.member] += 1
            self.app_starts.count(session.member)
        process = ready.process if ready is not None else None
        open_app: OpenApp | None = None
        pid = 0
        try:
            await websocket.accept()
            width = _size(websocket.query_params.get("width"), 80)
            height = _size(websocket.query_params.get("height"), 24)
            if process is None or process.ended.is_set():
                if process is not None:
                    # The sign-in's app ended before its page came: the one started in its place is a start too.
                    self.app_starts.count(session.member)
                process = await self._start_app()
            process.on_output = _to_page(websocket)
            await process.begin(cookie, width, height)
            assert process.pid is not None
            pid = process.pid
            open_app = OpenApp(session.id, session.member, cookie, process, session.access == "guest")
            self.open[pid] = open_app
            relay = asyncio.create_task(self._relay(websocket, process, session.id))
            ended = asyncio.create_task(open_app.ended.wait())
            exited = asyncio.create_task(process.ended.wait())
            try:
                await asyncio.wait({relay, ended, exited}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (relay, ended, exited):
                    task.cancel()
            if process.ended.is_set() and process.returncode != 0 and not open_app.ended.is_set():
                self._failed(open_app, session.handle)
        finally:
            if process is None:
                self._release(session.member)
            else:
                await self._stop(session.member, process)
            if open_app is not None:
                del self.open[pid]
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                if open_app is not None and open_app.ended.is_set():
                    await websocket.close(code=open_app.close_code, reason=open_app.why)
                else:
                    await websocket.close(code=1000)

    def _failed(self, open_app: OpenApp, handle: str) -> None:
        """An app exited on its own, on an error: its tab is told, and the server's log has what the app said.  The app
        refuses to start for a session that ended meanwhile: that is said as the watch says it."""
        now = self.now()
        with contextlib.suppress(sqlite3.OperationalError):
            if signin.live_session(self.conn, open_app.cookie, now) is None:
                open_app.end(CLOSE_SESSION_ENDED, self._ended_why(open_app.cookie, now))
                return
        # Its last line alone: the error itself.  Textual draws a traceback boxed at the page's width, with each
        # frame's local values, which hold the workspace's text and do not belong in the operator's log.
        said = open_app.process.stderr.decode("utf-8", "replace").strip().splitlines()
        last = said[-1].strip() if said else "it said nothing"
        _LOG.error(
            "the app of @%s stopped on an error (exit status %s): %s",
            handle,
            open_app.process.returncode,
            visible(last[:LOGGED_ERROR] + ("…" if len(last) > LOGGED_ERROR else "")),
        )
        open_app.end(CLOSE_APP_FAILED, APP_FAILED)

    async def _place_for(self, session: signin.WebSession) -> AppRefused | None:
        """``None`` when ``session``'s member may open one more app, else why not (said in the server's log too).
        What is in the way is waited for when it is apps being stopped (each gone within ``QUIT_GRACE``), or for a
        while an app of this session's own: a reloaded tab's, whose websocket closes as its page goes."""
        loop = asyncio.get_running_loop()
        grace = loop.time() + QUIT_GRACE + 1
        while self._refusal(session, leaving=True) is not None:
            refusal = self._refusal(session, leaving=False)
            left = grace - loop.time()
            if refusal is not None and (left <= 0 or not self._has_open(session)):
                self._refusal_logged(session.handle, refusal.code, f"refused an app of @{session.handle}: {refusal.message}")
                return refusal
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left if refusal is not None else QUIT_GRACE + 1)
        return None

    async def _relay(self, websocket: WebSocket, process: AppProcess, session_id: str) -> None:
        """What the browser sends, to the app, until the tab closes.  Keys and clicks are the session's use: a ping,
        a resize or the page's focus come without anyone at the browser.  What is no message of the page's is passed
        over, a binary frame too (textual.js sends none): reading one as text raised, and ended its sender's app."""
        with contextlib.suppress(WebSocketDisconnect):
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
                try:
                    envelope: Any = json.loads(message.get("text") or "")
                except ValueError:
                    continue
                if not isinstance(envelope, list) or not envelope:
                    continue
                kind = envelope[0]
                data = envelope[1] if len(envelope) > 1 else None
                if kind == "stdin" and isinstance(data, str):
                    self._use(session_id)
                    await process.send_keys(data)
                elif kind == "resize" and isinstance(data, dict):
                    await process.send_meta(
                        {"type": "resize", "width": _size(data.get("width"), 80), "height": _size(data.get("height"), 24)}
                    )
                elif kind == "ping":
                    await websocket.send_text(json.dumps(["pong", data]))
                elif kind in ("blur", "focus"):
                    await process.send_meta({"type": kind})


def _to_page(websocket: WebSocket) -> Callable[[bytes], Awaitable[None]]:
    """The app's output, sent to its page while the page is there.  Output the app writes as its tab closes is nobody's:
    sending it raised in the process's reader task, whose exception nobody retrieves (a traceback in the server's log)."""

    async def send(payload: bytes) -> None:
        # WebSocketDisconnect: the connection went; RuntimeError: this side closed it (the app ended meanwhile).
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            await websocket.send_bytes(payload)

    return send


async def _form(request: Request) -> dict[str, str] | None:
    """A sign-in form's fields (urlencoded, as a browser posts it); a body past 4 KiB or 8 fields holds none.
    ``None`` when the connection closed before the form was whole (the browser gone, or cut off by the guard's
    deadline for a pausing body): nobody hears an answer, and what came is no form."""
    body = b""
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > 4096:
                return {}
    except ClientDisconnect:
        return None
    try:
        fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"), max_num_fields=8)
    except ValueError:  # more fields than any sign-in form has
        return {}
    return {name: values[0] for name, values in fields.items()}


def _size(value: object, default: int) -> int:
    """A terminal dimension from the browser: a whole number from 1 to 1000."""
    try:
        number = int(str(value))
    except ValueError:
        return default
    return number if 1 <= number <= 1000 else default
