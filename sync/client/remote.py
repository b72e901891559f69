"""A replica's remote, the HTTP client of the sync API, and one sync round.

A joined replica records its remote in ``meta`` (local, never replicated):
the server's URL, the workspace, the token and the member the token acts
as.  Two cursors make a round cheap and restartable:

* ``sync.push_seq``: the local ``seq`` up to which this node's own
  operations are acknowledged by the server (a push sends what follows);
* ``sync.pull_seq``: the server's ``seq`` up to which operations are
  applied here, saved in the same transaction as the operations.

httpx is imported only when a client is made, so opening a replica costs
nothing more than opening any workspace.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import re
import select
import shlex
import socket
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from crewdeck.sync import protocol
from crewdeck.sync.client.metakeys import (
    META_LAST_SYNC,
    META_MEMBER,
    META_PULL_OP,
    META_PULL_SEQ,
    META_PUSH_SEQ,
    META_REMOVED,
    META_RESEND,
    META_TOKEN,
    META_UNTOLD,
    META_UNTOLD_COUNTS,
    META_URL,
    META_WORKSPACE,
    REMOTE_KEYS,
)
from crewdeck.sync.state.clock import ClockSkewError
from crewdeck.sync.state.oplog import SEQ_MAX, Op, OpError, from_wire, same_write
from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.push import RefusedOp
from crewdeck.sync.state.restored import mark_restored
from crewdeck.sync.state.store import DiskFull, Progress, Store, WorkspaceError, WriteFailed, op_wire_size, remove_workspace_files

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    import httpx

#: The error code of a removed member's requests.
REMOVED = "member_removed"
#: The error code of a guest's requests: a guest holds no replica.
GUEST_NO_REPLICA = "guest_no_replica"
#: The error code of a request whose URL has the other scheme than its server's (http:// to a server on TLS, or back).
WRONG_SCHEME = "wrong_scheme"

#: A pull's refusal when the server no longer holds what this replica pulled (put back from an older backup): ``cursor_lost``
#: when the operation the pull named (``at``) is not the server's at that number, ``cursor_ahead`` (a pull naming none,
#: or a server that checks no ``at``) when the cursor is past the server's head.
LOST_CURSOR = ("cursor_lost", "cursor_ahead")

#: A replica's mode: it holds a bearer token.
REPLICA_MODE = 0o600
#: A pulled page: ``(operations with their seq, head, next cursor, more, this node's refused operations)``.
Page = tuple[list[tuple[int, Op]], int, int, bool, list[RefusedOp]]

#: A member's id, as ``/v1/me`` names it.
_MEMBER_ID = re.compile(r"[0-9a-f]{32}\Z")
#: Operations per push request (the server takes up to 5,000).
PUSH_BATCH = 2_000
#: Bytes of operations in one push (``op_wire_size``), half the server's limit on a body (8 MiB): long notes saved
#: many times offline are many pushes, never one the server refuses whole each time the replica tries again.
PUSH_BYTES = 4 * 1024 * 1024
#: Operations per pull page.
PULL_PAGE = 5_000
#: The largest pull page read, in bytes: a server's pages stop at 4 MiB, or
#: hold one operation of up to 8 MiB.  A larger page is refused unread past
#: this, and asked again with fewer operations.
MAX_PAGE_BYTES = 16 * 1024 * 1024
#: Seconds a request may take before the server counts as unreachable.
TIMEOUT = 30.0
#: An event stream is silent for at most 15 s (keep-alives); after this, it is dead.
EVENTS_READ_TIMEOUT = 40.0


#: The codes of an ``Offline`` that the same request may pass later as it is: the server down, busy (its file locked
#: past the wait) or failing, a connection broken or unanswered.  An untrusted certificate, the wrong scheme or an answer
#: of no sync server waits for a person, however often it is retried.
TRY_LATER = frozenset({"unreachable", "unavailable", "server_failed", "timeout", "broken"})


class SyncError(Exception):
    """A sync that cannot go on; ``transient`` ones are retried after a pause."""

    transient = False

    def __init__(self, message: str, code: str = "", body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.body = body or {}

    @property
    def try_later(self) -> bool:
        """Whether the same request may succeed later, nothing changed: what a command line tells a cron job."""
        return self.transient and self.code in TRY_LATER


class Offline(SyncError):
    """The server cannot be reached, or failed on its side (5xx)."""

    transient = True


class PageTooLarge(SyncError):
    """An answer larger than the client reads."""

    def __init__(self, url: str, max_bytes: int) -> None:
        super().__init__(f"the server at {url} sent an answer larger than {max_bytes // (1024 * 1024)} MiB", "page_too_large")


class ClockOff(SyncError):
    """The server refused our operations: this machine's clock is ahead of it."""


class OlderServer(SyncError):
    """The server speaks an older protocol than this replica's pushes need: nothing was sent to it."""

    def __init__(self, url: str, level: int) -> None:
        super().__init__(
            f"the server at {url} runs an older crewdeck (protocol {level}; this replica needs {protocol.PROTOCOL}): upgrade it; "
            "nothing was sent, your changes are kept here",
            "older_server",
        )


def _announced(headers: httpx.Headers) -> int | None:
    """The protocol level an answer names (``protocol.HEADER``); ``None`` when it names none, or none a level reads as."""
    text = headers.get(protocol.HEADER, "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None


def _said_level(body: Any) -> int | None:
    """The level ``/v1/health``'s JSON names (``protocol``), if it names one."""
    level = body.get("protocol") if isinstance(body, dict) else None
    return level if isinstance(level, int) and not isinstance(level, bool) and 0 < level < 1_000_000 else None


def _socket_of(response: httpx.Response) -> socket.socket | None:
    """The socket an answer came on; ``None`` through a transport that has none."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    return sock if isinstance(sock, socket.socket) else None


@dataclass(frozen=True)
class _Heard:
    """The protocol level the server named (0: not known), and the connection it named it on (``None``: a transport
    without sockets, where no connection comes and goes)."""

    level: int = 0
    on: weakref.ref[socket.socket] | None = None

    @classmethod
    def of(cls, level: int, response: httpx.Response) -> _Heard:
        sock = _socket_of(response)
        return cls(level, weakref.ref(sock) if sock is not None else None)

    def stands(self) -> bool:
        """Whether a push may go on this level unasked: the connection it came on is still open, and the server has not
        closed its end (a server stopped, then started again as another build, maybe an older one, closed it)."""
        if not self.level or self.on is None:
            return bool(self.level)
        sock = self.on()
        if sock is None or sock.fileno() < 0:
            return False
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):  # closed meanwhile by the thread that owns the connection
            return False
        return not readable  # an idle connection the server closed reads as its end of file


@dataclass(frozen=True)
class Remote:
    url: str
    workspace: str
    token: str
    member: str

    @classmethod
    def of(cls, store: Store) -> Remote | None:
        url, workspace, token, member = (store.get_meta(key) for key in REMOTE_KEYS)
        if not (url and workspace and token and member):
            return None
        return cls(url, workspace, token, member)

    def save(self, store: Store) -> None:
        store.set_metas({META_URL: self.url, META_WORKSPACE: self.workspace, META_TOKEN: self.token, META_MEMBER: self.member})


#: What to do when the URL leads to no sync server, or not to its API.
CHECK_URL = "check the URL (crewdeck serve prints the one to use)"
#: What to do about a token the server does not know or has revoked.
NEW_TOKEN = "ask a manager for a new token (crewdeck token create)"
#: What to do about a refusal, by its error code (the server's message says what is wrong).
_ADVICE = {
    "invalid_token": NEW_TOKEN,
    "not_found": CHECK_URL,
}
#: The most of a server's message shown: it is the server's text, and the line is ours.
_MESSAGE_CHARS = 300


def _kept(left: int, sent: str, path: str | Path) -> str:
    """What a refusal leaves in the replica: "3 edits made here were never sent and stay in team.db"."""
    one = left == 1
    return (
        f"{left:,} edit{'' if one else 's'} made here {'was' if one else 'were'} {sent} and stay{'s' if one else ''} in {typed_name(path)}"
    )


def carried_over(writes: int) -> str:
    """What a round that found the replica to be a copy of another (``RoundResult.carried``) tells its member."""
    one = writes == 1
    return (
        "this replica is a copy of another one (or a backup put back), which sent other edits under its name: it syncs "
        f"under a name of its own from now on, and the {writes:,} edit{'' if one else 's'} made here that the server did not have "
        f"{'was' if one else 'were'} carried over to it and sent"
    )


def server_restored(restored: bool, resent: int, refused_again: int = 0) -> str:
    """What a round that found the server put back from an older backup (``RoundResult.restored``, ``.resent``,
    ``.refused_again``) tells the member: nobody has to join again, nothing made here is lost, and what the server
    stored before and refuses now is said, since teammates who pulled it before still hold it."""
    again = f"{resent:,} operation{'' if resent == 1 else 's'} made here"
    if not restored:
        said = f"the server had lost {again} (put back from an older backup?): sent again"
    else:
        read = "the server was put back from an older backup and had lost operations: this replica pulled its history again"
        said = f"{read}, and sent again the {again} that it no longer had" if resent else f"{read}; it had lost none made here"
    if not refused_again:
        return said
    them = "it" if refused_again == 1 else "them"
    return (
        f"{said}; {refused_again:,} of them, stored before, {'was' if refused_again == 1 else 'were'} refused now (judged "
        f"again against what the server holds now): teammates who pulled {them} before the server was put back still "
        f"hold {them} until they join again"
    )


def replica_refusal(exc: SyncError, path: str | Path, left: int = 0) -> str:
    """``exc``'s line for the replica at ``path`` (``left``: its unsent edits, ``unsent``): a token refused says how to give it a
    new one, ``sync --token-file`` (the command line is in the process list), which keeps the replica's unsent edits (joining again would leave them behind), and how many wait; a member
    made a guest or removed, that their edits stay.  ``crewdeck sync`` and the app's sync status both say it from here."""
    text = str(exc)
    if exc.code == WRONG_SCHEME and isinstance(exc.body.get("url"), str):
        # A server that took TLS on since the replica joined: its address is given to the replica, not joined again.
        text = f"{text} (crewdeck --workspace {shlex.quote(str(path))} sync --url {shlex.quote(exc.body['url'])})"
    if isinstance(exc, (Offline, ClockOff)) and left:
        # For now: on the train, or until the clocks agree; said, so that nobody joins again to be safe and leaves them.
        return f"{text}; {_kept(left, 'not sent yet', path)}"
    if exc.code == REMOVED and left:
        return f"{text}; {_kept(left, 'never sent', path)}"
    if exc.code == GUEST_NO_REPLICA and left:
        # Judged when pushed, by the access the member has then: a member again, they go.
        return f"{text}; {_kept(left, 'not sent', path)}, sent once a manager makes you a member again"
    if exc.code != "invalid_token":
        return text
    if not text.endswith(NEW_TOKEN):
        text = f"{text}; {NEW_TOKEN}"  # a refusal without the server's reason, or an event stream it ended
    text = f"{text}, and give it to this replica: crewdeck --workspace {shlex.quote(str(path))} sync --token-file FILE (a file holding it)"
    # A token revoked half way through a long push: what waits here is what a member joining again would leave behind.
    return f"{text}; {_kept(left, 'not sent yet', path)}" if left else text


#: The words that end a lock's refusal (``Store``'s), kept last when a round says more before them.
_TRY_AGAIN = ("; try again", "; nothing was done, try again", "; nothing was written, try again")


def replica_stopped(exc: WorkspaceError, path: str | Path, left: int = 0, answered: bool = False) -> str:
    """``exc``'s line for a round the replica at ``path`` stopped itself (``left``: its edits the server has not
    acknowledged, ``unsent``; ``answered``: the server answered a push this replica then failed to record).

    A write its disk refused (full, failed, read-only): the write's own "nothing was written" is the failed write's
    alone, the push made before it and the pages pulled before it stand, and a member read it as the whole sync's.  A
    lock another writer held past the wait, or a file moved, says its own words as any command does, "try again" last.
    ``crewdeck sync`` and the app's sync status both say it from here."""
    text = str(exc)
    if written_here(exc):
        said = f"{text.replace('; nothing was written', '', 1)}; what this sync sent and pulled before stays, and the next sync goes on from there"
        return f"{said}; {_kept(left, 'not sent yet', path)}" if left else said
    told = []
    if answered:
        # Not "nothing was done": the server holds the push; it answers the next one's resend as duplicates.
        told.append("the server has what this sync sent, and this replica notes that at its next sync")
    if left:
        told.append(_kept(left, "not sent yet", path))  # a lock's edits merely wait: said, as a refusal's are
    if not told:
        return text
    ending = next((end for end in _TRY_AGAIN if text.endswith(end)), "")
    return "; ".join([text.removesuffix(ending), *told]) + ("; try again" if ending else "")


def written_here(exc: WorkspaceError) -> bool:
    """Whether ``exc`` is a write this replica's disk or file refused: a sync's, said with its server (a lock or a moved
    file, said so, read as the server's)."""
    return isinstance(exc, (DiskFull, WriteFailed))


def _error_body(content: bytes) -> dict[str, Any] | None:
    """An error answer's JSON object, or ``None`` when the body is none (a proxy's page, a web site)."""
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def _said(body: dict[str, Any]) -> str | None:
    """The server's ``message`` on one line of bounded length, if it gave one."""
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        return None
    line = " ".join(message.split())
    return line if len(line) <= _MESSAGE_CHARS else line[: _MESSAGE_CHARS - 1] + "…"


def _refusal(status: int, phrase: str, content: bytes, url: str = "") -> SyncError:
    """What an answer that is not a success stands for: ``Offline`` (tried again later) when the server failed or is busy.

    ``url``: the server's URL as given, whose path a "no such endpoint" names as perhaps too much."""
    body = _error_body(content)
    message = _said(body) if body is not None else None
    if status == 500:
        return Offline(
            "the server failed on this request (500); try again, and if it fails again ask whoever runs it to read its log", "server_failed"
        )
    if status >= 500 or status == 429:
        detail = f"{status}: {message}" if message else f"{status} {phrase}".rstrip()
        return Offline(f"the server is unavailable for now ({detail}); try again in a moment", "unavailable")
    if body is None:
        return SyncError(f"the answer ({status} {phrase}) is not a crewdeck sync server's; {CHECK_URL}", "not_a_server")
    code = str(body.get("error") or status)
    if message is None:
        return SyncError(f"the server refused the request ({status} {code})", code, body)
    advice = _without_path(url) if code == "not_found" else None
    advice = advice or _ADVICE.get(code)
    cls = ClockOff if code == "clock_skew" else SyncError
    # "Not found." then "; check the URL": the server's sentence ends where the advice goes on.
    return cls(f"{message.rstrip('.')}; {advice}" if advice else message, code, body)


def _without_path(url: str) -> str | None:
    """The advice on an endpoint a URL with a path did not find: ``crewdeck serve`` answers at its root (a proxy may put
    it under a path, so the path is named as perhaps the mistake, not certainly)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.path.strip("/") == "":
        return None
    root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return f"check the URL (crewdeck serve prints the one to use: perhaps {root}, without {parts.path.rstrip('/')})"


def _reason(exc: BaseException) -> str:
    """A transport error's text without the errno and the C source line: ``connection refused``."""
    text = re.sub(r"\[Errno -?\d+\] |\s*\(_ssl\.c:\d+\)", "", str(exc)).strip().rstrip(".")
    return text[:1].lower() + text[1:] if text else type(exc).__name__


def _speaks_tls(url: str) -> bool:
    """Whether the host and port of ``url`` answer a TLS handshake (any certificate: the scheme is the question)."""
    import socket
    import ssl
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    try:
        with (
            socket.create_connection((parts.hostname or "", parts.port or 80), timeout=5) as raw,
            context.wrap_socket(raw, server_hostname=parts.hostname),
        ):
            return True
    except (OSError, ValueError):
        return False


def _unreachable(exc: httpx.HTTPError, url: str) -> Offline:
    """What a request that got no answer says to do: about the certificate, the scheme, or the server and the URL."""
    import ssl

    import httpx

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, ssl.SSLError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, ssl.SSLCertVerificationError):
        return Offline(
            f"the server's TLS certificate is not trusted here ({cause.verify_message}); "
            "if it is the right server, point SSL_CERT_FILE at its certificate or at the CA that signed it",
            "untrusted_certificate",
        )
    # The URL with the other scheme, which the advice on a wrong one names (``replica_refusal``: how a replica takes it).
    scheme, _, rest = url.partition("://")
    other = {"url": f"{'http' if scheme.lower() == 'https' else 'https'}://{rest}"}
    if cause is not None:
        said = f"the TLS handshake failed ({_reason(cause)}); if the server serves plain HTTP, its URL starts with http://"
        return Offline(said, WRONG_SCHEME, other)
    if isinstance(exc, httpx.ConnectError):
        return Offline(f"cannot reach the server ({_reason(exc)}); check that it is running and that the URL is right", "unreachable")
    if isinstance(exc, httpx.RemoteProtocolError) and url.lower().startswith("http://") and "without sending a response" in str(exc):
        # What a server on TLS does with a request in plain HTTP, and also a plain server stopped or restarted in the
        # middle of one, which is retried as a broken connection: the wrong scheme only when a TLS handshake there says so.
        said = "the server closed the connection without an answer; if it serves HTTPS, its URL starts with https://"
        return Offline(said, WRONG_SCHEME, other) if _speaks_tls(url) else Offline(said, "broken")
    return Offline(f"the connection to the server broke ({_reason(exc)}); try again", "broken")


def _stream_ended(data: str) -> SyncError:
    """Why the server ended an event stream (``{"error", "message"}``): a revoked token, a member removed or made a guest."""
    body = _error_body(data.encode()) or {}
    code, message = body.get("error"), _said(body)
    if isinstance(code, str) and code:
        return SyncError(message or f"the server ended the event stream ({code})", code)
    return SyncError("the server revoked this token", "invalid_token")  # a server that gives no reason


def _read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    """The body, or ``PageTooLarge`` as soon as it passes ``max_bytes`` (the rest is never read)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PageTooLarge(url, max_bytes)
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise PageTooLarge(url, max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


class Client:
    """The sync API over HTTP for one token (thread-safe: one request per thread)."""

    def __init__(
        self, url: str, token: str, workspace: str = "", transport: httpx.BaseTransport | None = None, timeout: float = TIMEOUT
    ) -> None:
        import httpx

        self._httpx = httpx
        self.url = url.rstrip("/")
        self.workspace = workspace
        self.timeout = timeout
        self.http = httpx.Client(
            base_url=self.url,
            # The level named: a server sends no operation this replica cannot read (``protocol.READ_FROM``).
            headers={"Authorization": f"Bearer {token}", "User-Agent": "crewdeck-sync", protocol.HEADER: str(protocol.PROTOCOL)},
            timeout=timeout,
            transport=transport,
        )
        #: The socket of every connection the client made, registered as it is made (before the request is sent): ``close``
        #: shuts them, which ends a read blocked on one, a request waiting for its answer's headers as much as an event
        #: stream.  Weak: a connection the pool dropped takes its socket with it.
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        #: A duplicate of each connection's socket while its TLS handshake runs, by the thread making it: TLS set-up
        #: moves the connection into a new socket before the handshake, leaving the registered one nothing to shut, and
        #: the new one is known only once the handshake is done.  A duplicate's shutdown ends the connection for both.
        self._handshakes: dict[int, socket.socket] = {}
        #: The socket each thread's connection was made with last, until its TLS set-up starts (weak: a plain
        #: connection's socket goes with it).
        self._connected = threading.local()
        self._sockets_lock = threading.Lock()
        self._closed = False
        #: The protocol level the server named last (``_hear``), and where: one value, replaced whole by any thread.
        self._heard = _Heard()
        #: httpcore calls ``trace`` as a request goes; ``_traced`` hears each connection made.
        self._extensions: dict[str, Any] = {"trace": self._traced}

    @classmethod
    def for_remote(cls, remote: Remote, transport: httpx.BaseTransport | None = None) -> Client:
        return cls(remote.url, remote.token, remote.workspace, transport)

    def close(self) -> None:
        """Close the connections, ending at once any request another thread has in flight, and refuse every later one
        (``Offline``, code ``closed``): closing a socket alone ends no read blocked on it, which waited for the server's
        answer (up to ``TIMEOUT``: a server that took the connection and never answers) or an event stream's next
        keep-alive (up to 15 s) after its engine stopped, holding the member who quit."""
        with self._sockets_lock:
            self._closed = True
            sockets = list(self._sockets)
            for handshake in self._handshakes.values():  # under the lock: its thread closes it under the lock too
                _shut(handshake)
        for sock in sockets:
            _shut(sock)
        self.http.close()

    def _traced(self, event: str, info: dict[str, Any]) -> None:
        """A step of a request (httpcore's ``trace`` extension): a connection made, or made TLS, is one ``close`` shuts,
        and so is one whose TLS handshake is under way; made after ``close``, it is shut at once."""
        if event == "connection.start_tls.started":
            self._handshaking()
            return
        if event in ("connection.start_tls.complete", "connection.start_tls.failed"):
            self._handshake_over()
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        self._connected.sock = weakref.ref(sock)
        with self._sockets_lock:
            if not self._closed:
                self._sockets.add(sock)
                return
        _shut(sock)

    def _handshaking(self) -> None:
        """Keep a duplicate of the socket this thread's connection was made with, for ``close`` to shut while the TLS
        handshake runs on the socket it is moved into."""
        made: weakref.ref[socket.socket] | None = getattr(self._connected, "sock", None)
        self._connected.sock = None
        sock = made() if made is not None else None
        if sock is None:
            return
        try:
            handshake = sock.dup()
        except OSError:  # closed meanwhile: the handshake fails on it at once
            return
        with self._sockets_lock:
            self._handshakes[threading.get_ident()] = handshake
            if self._closed:
                _shut(handshake)

    def _handshake_over(self) -> None:
        """Close this thread's duplicate of its connection's socket: the handshake is done, or failed."""
        with self._sockets_lock:
            handshake = self._handshakes.pop(threading.get_ident(), None)
            if handshake is not None:
                handshake.close()

    def _closed_offline(self) -> Offline:
        return Offline("the sync client was closed", "closed")

    def _call(self, method: str, path: str, max_bytes: int = MAX_PAGE_BYTES, **kwargs: Any) -> Any:
        """The JSON answer, read up to ``max_bytes`` (past it, ``PageTooLarge``, and the connection is dropped)."""
        return self._request(method, path, max_bytes, **kwargs)[1]

    def _request(self, method: str, path: str, max_bytes: int = MAX_PAGE_BYTES, **kwargs: Any) -> tuple[_Heard, Any]:
        """``_call``'s answer, with the protocol level its header named (0: none) and the connection it came on."""
        httpx = self._httpx
        if self._closed:
            raise self._closed_offline()
        try:
            with self.http.stream(method, path, extensions=self._extensions, **kwargs) as response:
                heard = self._hear(response)
                content = _read_capped(response, self.url, max_bytes)
        except httpx.HTTPError as exc:
            # The server may be another one when a connection is made again (restarted, as an older build): asked again.
            self._heard = _Heard()
            if self._closed:  # its socket shut by ``close``: no answer to tell of, no server to probe
                raise self._closed_offline() from None
            if isinstance(exc, httpx.TimeoutException):
                waited = kwargs.get("timeout", self.timeout)
                raise Offline(
                    f"the server did not answer within {waited:g} s; try again later, and check that it is running", "timeout"
                ) from None
            raise _unreachable(exc, self.url) from None
        if not 200 <= response.status_code < 300:
            raise _refusal(response.status_code, response.reason_phrase, content, self.url)
        try:
            return heard, json.loads(content)
        except (ValueError, RecursionError):
            raise Offline(
                f"the answer ({response.status_code} {response.reason_phrase}) is not a crewdeck sync server's; {CHECK_URL}"
            ) from None

    def _hear(self, response: httpx.Response) -> _Heard:
        """The level ``response`` names, kept: the header is the server's own word whatever the status (a crewdeck
        refusal carries it too).  A success without it leaves the level unknown (a gateway that drops headers it does not
        know, or a server of the first level: ``/v1/health`` tells them apart), and any other answer without it is no
        word on the level at all (a load balancer's 502, a crash's 500): the level known stands."""
        level = _announced(response.headers)
        heard = _Heard.of(level or 0, response)
        known = self._heard
        # A level health named (its JSON, behind such a gateway) stands while the connection it came on does.
        same = known.on is not None and heard.on is not None and known.on() is heard.on()
        if level is not None or (response.is_success and not (same and known.stands())):
            self._heard = heard
        return heard

    def _asked_level(self) -> int:
        """The server's level by its ``/v1/health``, kept: its header, else ``protocol`` in its JSON (a gateway drops
        the header), else 1, the first (a server of the build before the levels names it in neither)."""
        heard, body = self._request("GET", "/v1/health")
        if not heard.level:
            heard = replace(heard, level=_said_level(body) or 1)
            self._heard = heard
        return heard.level

    def _call_for_object(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        body = self._call(method, path, **kwargs)
        if not isinstance(body, dict):
            raise SyncError(f"the server answered {path} with JSON that is not an object; {CHECK_URL}", "bad_answer")
        return body

    def me(self) -> dict[str, Any]:
        return self._call_for_object("GET", "/v1/me")

    def push(self, ops: list[Op]) -> dict[str, Any]:
        """Send ``ops``, to a server that speaks this replica's protocol (``OlderServer``, nothing sent, to one that does
        not: it would refuse a result created with its numbers alone, which this replica's state holds as written)."""
        heard = self._heard  # read once: another thread's answer may replace it meanwhile
        level = heard.level if heard.stands() else self._asked_level()
        if level < protocol.PROTOCOL:
            raise OlderServer(self.url, level)
        body = json.dumps({"ops": [op.to_wire() for op in ops]}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self._call_for_object("POST", f"/v1/w/{self.workspace}/push", content=body, headers={"Content-Type": "application/json"})

    def pull(
        self, after: int, limit: int = PULL_PAGE, wait: float = 0, refusals: tuple[str, int] | None = None, at: str | None = None
    ) -> Page:
        """``(operations with their seq, head, next cursor, more, refusals)``; every operation is checked.

        ``refusals``: ``(node, counter)`` asks for that node's refused
        operations above the counter too.  ``at``: the ``op_id`` this replica
        pulled as ``after``; a server that holds another there is a 409
        ``cursor_lost`` (``LOST_CURSOR``).  The page is read up to
        ``MAX_PAGE_BYTES`` (``PageTooLarge`` past it) and must hold at most
        ``limit`` operations, in ``seq`` order after ``after`` and up to
        ``next``: a server is not trusted with this replica's memory or its
        cursor.
        """
        params: dict[str, Any] = {"after": after, "limit": limit}
        if wait:
            params["wait"] = wait
        if refusals:
            params["node"], params["refused_after"] = refusals
        if at:
            params["at"] = at
        body = self._call("GET", f"/v1/w/{self.workspace}/ops", params=params, timeout=self.timeout + wait)
        try:
            ops = [(int(item["seq"]), from_wire(item)) for item in body["ops"]]
            refused = [RefusedOp.from_wire(item) for item in body.get("refused", [])]
            page = ops, int(body["head"]), int(body["next"]), bool(body["more"]), refused
        except (OpError, KeyError, TypeError, ValueError) as exc:
            raise SyncError(f"the server sent a malformed page: {exc}", "bad_page") from None
        # after < seq < seq < ... <= next
        bounds = [after, *(seq for seq, _ in ops), page[2] + 1]
        if len(ops) > limit or any(a >= b for a, b in itertools.pairwise(bounds)):
            raise SyncError(f"the server sent a page that does not follow #{after:,} (asked for at most {limit:,} operations)", "bad_page")
        return page

    def events(self) -> Iterator[int]:
        """The head ``seq`` of each "changed" poke, for as long as the stream lasts."""
        httpx = self._httpx
        timeout = httpx.Timeout(TIMEOUT, read=EVENTS_READ_TIMEOUT)
        if self._closed:
            raise self._closed_offline()
        try:
            with self.http.stream("GET", f"/v1/w/{self.workspace}/events", timeout=timeout, extensions=self._extensions) as response:
                self._hear(response)
                if response.status_code != 200:
                    raise _refusal(response.status_code, response.reason_phrase, _read_capped(response, self.url, MAX_PAGE_BYTES), self.url)
                yield from _pokes(response)
        except httpx.HTTPError as exc:
            self._heard = _Heard()  # a stream broken: the server may be stopping (``_request``)
            raise Offline(f"the event stream from {self.url} broke: {exc or type(exc).__name__}") from None


def _shut(sock: socket.socket) -> None:
    """End every read and write on ``sock``, whichever thread is blocked in one."""
    with contextlib.suppress(OSError):  # closed meanwhile by its own end
        sock.shutdown(socket.SHUT_RDWR)


def _pokes(response: httpx.Response) -> Iterator[int]:
    """The head of each "changed" event of an event stream; a "revoked" one ends it."""
    event = ""
    for line in response.iter_lines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event == "changed":
            try:
                yield int(json.loads(line[5:])["head"])
            except (ValueError, KeyError, TypeError):
                continue
        elif line.startswith("data:") and event == "revoked":
            raise _stream_ended(line[5:])
        elif not line:
            event = ""


# ---------------------------------------------------------------- one round


@dataclass(frozen=True)
class RoundResult:
    pushed: int
    pulled: int
    head: int
    #: This replica's operations the server refused in this round (dropped from its state, listed by ``Store.refused``).
    refused: int = 0
    #: Writes made here carried over to a node of the replica's own, found in this round to be a copy of another
    #: (``Store.take_new_node``).
    carried: int = 0
    #: The server no longer held what this replica had pulled (put back from an older backup): its history was pulled
    #: again from the start.
    restored: bool = False
    #: Operations made here the server had acknowledged and no longer held: sent again (``server_restored`` says both).
    resent: int = 0
    #: Of those, the ones the server refused when sent again: replicas that pulled them before still hold them.
    refused_again: int = 0
    #: Fields changed here before this round that another member's edit, pulled in it, replaced (``overwritten``).
    overwritten: tuple[Overwritten, ...] = ()
    #: Tasks changed here that another member deleted, the deletion pulled in this round (``deleted_meanwhile``).
    deleted: tuple[Deleted, ...] = ()
    #: Rounds before this one failed after their pulls stored others' operations that nobody told (``crewdeck sync``
    #: cut off, its push after the pull refused): each ``(since, until)``, the log's head as that round began and as it
    #: failed (``SEQ_MAX``: not known), in order, apart.  What is stored past ``since`` up to ``until`` is news this round
    #: tells (an approval a change among it voided), as if this round had pulled it; what lies between two of them was
    #: told (the app's round, by its watcher of the file).  Empty: there is none.
    untold_pulls: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Overwritten:
    """A field this replica changed before a round (offline, say) that another member changed meanwhile, without having
    seen it: their edit, stamped later, won the merge, and what was typed here is only in the record's history."""

    entity: str
    row_id: str
    field: str
    #: The member whose edit stands.
    by: str
    #: Its stamp (``op_id``): when it was made.
    at: str


@dataclass(frozen=True)
class Deleted:
    """A task changed here that another member deleted without having seen the change: it leaves every list, and what
    was written here is kept in it."""

    task: str
    #: The member who deleted it.
    by: str
    #: The deletion's stamp (``op_id``): when it was made.
    at: str
    #: Whether an edit made here is stamped after the deletion (the app's notice of the deletion says that case itself).
    edited_after: bool = False


def deleted_meanwhile(store: Store, pushed: int, since: int) -> tuple[Deleted, ...]:
    """The tasks another node deleted, the deletion pulled in a round (stored past ``since``, the log's head before it,
    or before a round that failed untold: ``sync_round``), that this replica changed without the deleter having seen
    it: an edit unsent before the round (past ``pushed``, the push cursor then: every operation under this node there
    was made here, those a round carried to a node of its own too, stored again past ``since``), or one stamped after
    the deletion (pushed in an earlier round, before it arrived, under this node or one it had before it turned out to
    be a copy: ``Store.former_nodes``).  Found in one query over the round's pulled deletions, never a row per edit held
    in memory: a replica that imported 100,000 tasks offline sends a million operations in its next round."""
    if store.max_seq() <= since:
        return ()  # nothing pulled in the round: no deletion arrived
    mine = [store.node, *store.former_nodes()]
    # Walked by the log's order from ``since`` on (the round's operations alone); sorted and made distinct here, as an
    # ORDER BY row_id would have SQLite walk the whole log's index instead.
    rows = store.conn.execute(
        """SELECT d.row_id FROM ops AS d
           WHERE d.seq > :since AND d.entity = 'task' AND d.field = 'deleted' AND d.node != :me
             AND EXISTS (SELECT 1 FROM ops AS o WHERE o.row_id = d.row_id AND o.node IN (SELECT value FROM json_each(:mine))
                         AND ((o.node = :me AND o.seq > :pushed) OR o.op_id > d.op_id))""",
        {"since": since, "me": store.node, "mine": json.dumps(mine), "pushed": pushed},
    )
    found = []
    for task_id in sorted({row_id for (row_id,) in rows}):
        record = store.record("task", task_id)
        if record is None or record["deleted"] is not True:
            continue
        row = store.conn.execute(
            "SELECT node, member, op_id FROM ops WHERE row_id = ? AND field = 'deleted' ORDER BY op_id DESC LIMIT 1", (task_id,)
        ).fetchone()
        if row is not None and row[0] != store.node:  # deleted here: nothing to tell
            later = store.conn.execute(
                "SELECT 1 FROM ops WHERE row_id = ? AND node IN (SELECT value FROM json_each(?)) AND op_id > ? LIMIT 1",
                (task_id, json.dumps(mine), row[2]),
            )
            found.append(Deleted(task_id, row[1], row[2], later.fetchone() is not None))
    return tuple(found)


def overwritten(store: Store, pushed: int, since: int) -> tuple[Overwritten, ...]:
    """The fields this node changed and had not sent before a round (its ``set`` operations past ``pushed``, the push
    cursor then: every operation under this node there was made here, those a round carried to a node of its own too;
    the last one a field) whose value now is another node's operation pulled in the round (stored past ``since``, the
    log's head before it, or before a round that failed untold: ``sync_round``) and stamped after ours, holding another
    value: a member who never saw ours wrote over it (one pulled before an edit here is stamped before it: pulled
    stamps move this node's clock on).  An operation of ours the server refused is said as a refusal instead (it has
    left the log).  One query, the winners looked up by the log's index, never a row per edit held in memory
    (``deleted_meanwhile``)."""
    if store.max_seq() <= since:
        return ()  # nothing pulled in the round: nothing of ours was written over
    rows = store.conn.execute(
        """SELECT m.entity, m.row_id, m.field, w.member, w.op_id FROM (
               SELECT entity, row_id, field, max(op_id) AS mine, value FROM ops
               WHERE seq > :pushed AND node = :me AND kind = 'set' GROUP BY entity, row_id, field
           ) AS m
           JOIN ops AS w ON w.row_id = m.row_id AND w.field = m.field
               AND w.op_id = (SELECT max(op_id) FROM ops WHERE row_id = m.row_id AND field = m.field)
           WHERE w.op_id > m.mine AND w.node != :me AND w.seq > :since AND w.value != m.value
           ORDER BY m.entity, m.row_id, m.field""",
        {"pushed": pushed, "since": since, "me": store.node},
    )
    return tuple(Overwritten(entity, row_id, field, by, at) for entity, row_id, field, by, at in rows)


def mark_removed(store: Store) -> None:
    """Remember that the server removed this replica's member (``crewdeck log`` marks unsent work "never sent")."""
    if not store.get_meta(META_REMOVED):
        store.set_metas({META_REMOVED: dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})


def unsent(store: Store, pushed: Pushed | None = None) -> int:
    """How many edits made here the server has not taken: writes, as a person counts them (a task typed is one), not the
    operations a push sends.  ``pushed``: a round's pushes, the last of whose answers this replica may have failed to
    record (``Pushed.unrecorded``): the server took those."""
    cursor = int(store.get_meta(META_PUSH_SEQ) or 0)
    return store.own_writes_after(max(cursor, pushed.unrecorded if pushed is not None else 0))


@dataclass
class Pushed:
    """What ``push_all`` did: operations stored, refused, writes carried over, and operations sent again."""

    stored: int = 0
    refused: int = 0
    carried: int = 0
    #: Operations the server had acknowledged and stored again: it had lost them (put back from an older backup).
    resent: int = 0
    #: Operations the server had acknowledged, sent again and refused now (the rules judge them again).
    refused_again: int = 0
    #: The server asked again for operations it had acknowledged: it lost them (put back from an older backup), and
    #: with them, maybe, what this replica pulled (``sync_round`` pulls its history again).
    lost: bool = False
    #: Where a server's answer moved the push cursor, while this replica records it: left set when that write fails (a
    #: lock held past the wait, a full disk), the server holding what this cursor does not say it has.
    unrecorded: int = 0

    def add(self, other: Pushed) -> None:
        """Count ``other`` (a later push of the same round) in with these."""
        self.stored += other.stored
        self.refused += other.refused
        self.carried += other.carried
        self.resent += other.resent
        self.refused_again += other.refused_again
        self.lost = self.lost or other.lost


def push_all(store: Store, client: Client, batch: int = PUSH_BATCH, acked: int | None = None, done: Pushed | None = None) -> Pushed:
    """Send this node's operations the server has not acknowledged.

    What the server's rules refuse leaves this replica's state in the same
    transaction that moves the push cursor (``Store.drop_refused``).
    ``carried``: the writes made here that took a node of the replica's own
    (``Store.take_new_node``), the server holding other operations under its
    node's numbers: it was copied, or a backup of it put back.  ``acked``:
    where the server had acknowledged up to, when the push cursor was set
    back before it to ask whether the server still holds them (``resent``
    counts those it stores again).  ``done``: counted into as the push goes (and returned), so that a caller whose push
    is cut off still holds what it did (``sync_round`` keeps it for the next round to tell).
    """
    cursor = int(store.get_meta(META_PUSH_SEQ) or 0)
    acked = cursor if acked is None else acked
    done = Pushed() if done is None else done
    rewinds = forks = 0
    while True:
        pending = _unbroken(_within_bytes(_whole_records(store.own_ops_after(cursor, batch + _RECORD_SLACK), batch), PUSH_BYTES))
        if not pending:
            return done
        try:
            answer = client.push([op for _, op in pending])
        except SyncError as exc:
            differs = exc.body.get("differs")
            sent = pending[0][1]
            if (
                exc.code == "node_conflict"
                and exc.body.get("node") == sent.node
                and _whole(differs)
                and sent.node_seq <= differs <= pending[-1][1].node_seq  # one of this batch's: what the server checked
                and forks < 2
            ):
                # Operations before that number are the very ones the server holds (it checked them); from it on, the
                # edits made here are this copy's alone, and go under a node of its own.
                forks += 1
                done.carried += store.take_new_node(sent.node, differs)
                continue
            expected = exc.body.get("expected")
            if exc.code != "gap" or not isinstance(expected, int) or rewinds > 2:
                raise
            # The server has fewer of our operations than we thought (restored
            # from a backup): resend from the one it expects.
            rewinds += 1
            cursor = store.own_number_before(expected)
            done.lost = done.lost or cursor < acked
            following = store.own_ops_after(cursor, 1)
            if following and following[0][1].node_seq > expected:
                # The numbers up to the next one held here were refused (out of this log), and the server that refused
                # them lost that: a push may skip no number, so what follows goes under a node of its own, numbered
                # from 1, as a copy's edits do (the refusals stay refused here; the server never stored them).
                done.resent += store.own_ops_between(cursor, acked)
                store.take_new_node(following[0][1].node, expected)  # another sync of this replica may have moved first
            store.set_meta(META_PUSH_SEQ, str(cursor))
            continue
        node_acked, stored_now, refusals = _push_answer(answer, store.node)
        taken = [seq for seq, op in pending if op.node_seq <= node_acked]
        if not taken:
            raise SyncError(
                f"the server acknowledged operation #{node_acked}, before this batch; it is not the server this replica joined", "bad_ack"
            )
        cursor = taken[-1]
        again = {op.op_id for seq, op in pending if seq <= acked}
        done.refused_again += sum(1 for refusal in refusals if refusal.op_id in again)
        done.unrecorded = cursor
        done.refused += store.drop_refused(refusals, meta={META_PUSH_SEQ: str(cursor)})
        done.unrecorded = 0
        done.stored += stored_now
        # Those it had acknowledged before and did not hold as duplicates (which come first): it had lost them.
        duplicates = answer.get("duplicates")
        done.resent += max(0, sum(seq <= acked for seq in taken) - (duplicates if _whole(duplicates) else 0))


def _unbroken(pending: list[tuple[int, Op]]) -> list[tuple[int, Op]]:
    """``pending`` up to the first number it skips: a refused operation is out of the log, and a push sent from before it
    (again, to a server put back from an older backup, or after an answer lost) would skip its number.  What comes
    before it goes first; the server's ``gap`` at the number skipped then says whether it holds the refusal (a push
    starts past it) or lost it (what follows goes to a node of its own, ``push_all``)."""
    for i in range(1, len(pending)):
        if pending[i][1].node_seq != pending[i - 1][1].node_seq + 1:
            return pending[:i]
    return pending


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _push_answer(answer: dict[str, Any], node: str) -> tuple[int, int, list[RefusedOp]]:
    """``(this node's acknowledged counter, operations stored, refusals)`` of a push's answer; ``SyncError`` when it is not the API's."""
    acked, stored = answer.get("acked"), answer.get("stored")
    if not isinstance(acked, dict) or not all(_whole(v) for v in acked.values()) or not _whole(stored):
        raise SyncError("the server sent a malformed answer: a push's answer gives stored and acked as numbers", "bad_answer")
    items = answer.get("refused", [])
    try:
        if not isinstance(items, list):
            raise ValueError("refused must be a list")
        refusals = [RefusedOp.from_wire(item) for item in items]
    except ValueError as exc:
        raise SyncError(f"the server sent a malformed answer: {exc}", "bad_answer") from None
    return int(acked.get(node, 0)), stored, refusals


#: A batch may run this far past ``PUSH_BATCH`` to carry a record's last fields.
_RECORD_SLACK = 64


def _whole_records(pending: list[tuple[int, Op]], batch: int) -> list[tuple[int, Op]]:
    """The first ``batch`` operations, and the rest of the record the last one belongs to.

    A record is created by operations stored one after the other; the
    server judges a creation by what one push gives of it, so a batch never
    ends inside one.
    """
    if len(pending) <= batch:
        return pending
    end = batch
    last = pending[batch - 1][1].row_id
    while end < len(pending) and pending[end][1].row_id == last:
        end += 1
    return pending[:end]


def _within_bytes(pending: list[tuple[int, Op]], budget: int) -> list[tuple[int, Op]]:
    """The first operations of ``pending`` that fit ``budget`` bytes on the wire, ending where a write ends (a record is
    made by one write, and judged by what one push gives of it); a first write larger than that goes alone, whole."""
    size = 0
    for end, (_, op) in enumerate(pending):
        size += op_wire_size(op)
        if size > budget and end > 0:
            break
    else:
        return pending
    cut = end
    while cut > 0 and same_write(pending[cut - 1][1], pending[cut][1]):
        cut -= 1
    if cut == 0:
        cut = 1
        while cut < len(pending) and same_write(pending[cut - 1][1], pending[cut][1]):
            cut += 1
    return pending[:cut]


def fetch_page(client: Client, after: int, limit: int, refusals: tuple[str, int] | None = None, at: str | None = None) -> tuple[Page, int]:
    """The page after ``after`` and the limit it was asked with: a page too large is asked again with fewer operations."""
    while True:
        try:
            return client.pull(after, limit, refusals=refusals, at=at), limit
        except PageTooLarge:
            if limit == 1:
                raise
            limit = max(1, limit // 8)


def pull_all(
    store: Store, client: Client, on_progress: Progress | None = None, page: int = PULL_PAGE, sent: Pushed | None = None
) -> tuple[int, int, int]:
    """Apply everything after the pull cursor; ``(operations new here, head, writes carried over)``: operations of this
    node made by another copy of the replica take the edits made here under those numbers to a node of its own
    (``Store.take_new_node``), counted into ``sent.carried`` too as each page is applied (a pull cut off after one
    keeps them said: ``sync_round``).

    The next page is fetched while this one is applied.  A server that
    says more follows but moves the cursor no further is a ``SyncError``
    (``no_progress``), not a loop that never ends.
    """
    start = after = int(store.get_meta(META_PULL_SEQ) or 0)
    applied = carried = 0
    held = store.get_meta(META_PULL_OP) if after else None
    (page_ops, head, cursor, more, refusals), limit = fetch_page(client, after, page, (store.node, store.refused_counter()), held or None)
    if refusals:
        store.drop_refused(refusals)
    fetcher: ThreadPoolExecutor | None = None
    try:
        while True:
            if more and cursor <= after:
                raise SyncError(f"the server says operations follow #{after:,} (its head is #{head:,}) but sends none", "no_progress")
            pending: Future[tuple[Page, int]] | None = None
            if more:
                # A long pull: fetch the next page while this one is applied.
                if fetcher is None:
                    from concurrent.futures import ThreadPoolExecutor

                    fetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull")
                pending = fetcher.submit(fetch_page, client, cursor, limit)
            if page_ops or cursor != after:
                # The cursor's operation is kept with it: the next pull names it, and learns whether the server still holds it.
                meta = {META_PULL_SEQ: str(cursor), **({META_PULL_OP: page_ops[-1][1].op_id} if page_ops else {})}
                change = store.apply((op for _, op in page_ops), meta=meta)
                applied += change.ops
                carried += change.carried
                if sent is not None:
                    sent.carried += change.carried
            after = cursor
            if on_progress and head > start:
                on_progress(after - start, head - start)
            if pending is None:
                return applied, head, carried
            (page_ops, head, cursor, more, _), limit = pending.result()
    finally:
        if fetcher is not None:
            fetcher.shutdown()


def keep_private(path: Path) -> None:
    """Make a replica and its ``-wal`` and ``-shm`` files readable and writable by their owner only.

    A replica holds its member's bearer token.  SQLite gives the ``-wal``
    and ``-shm`` files it creates the database file's mode, so they stay
    private once it is.
    """
    for suffix in ("", "-wal", "-shm"):
        name = f"{path}{suffix}"
        try:
            if os.stat(name).st_mode & 0o777 != REPLICA_MODE:
                os.chmod(name, REPLICA_MODE)
        except (FileNotFoundError, PermissionError):
            continue  # not there (yet), or another user's file: not ours to change


def _pull_or_start_over(
    store: Store, client: Client, on_progress: Progress | None, counted: Counted, lost: bool = False
) -> tuple[int, int, int, bool]:
    """``pull_all``'s answer and whether the server no longer held what this replica had pulled (``LOST_CURSOR``, or
    ``lost``: a push found it had lost operations it acknowledged): put back from an older backup, it numbers other
    operations where this replica's cursor points, so its whole history is pulled again (operations apply once, by
    stamp: what is here already stays as it is).  A push that sent lost operations again may have put one at the very
    number this replica's cursor names, so ``lost`` starts over without asking.  ``counted`` hears both as they happen:
    a pull cut off after the cursor started over would find nothing lost at the next round, which must still say it."""
    if not lost:
        try:
            return (*pull_all(store, client, on_progress, sent=counted.sent), False)
        except SyncError as exc:
            if exc.code not in LOST_CURSOR:
                raise
    mark_restored(store)  # what comes in from now on may come in another order than it first did
    # With the cursor that starts over, what was sent here is to be sent again after the pull: a pull cut off midway
    # leaves it to the next round, which finds no lost cursor (a restore found before and not yet sent again stays).
    resend = store.get_meta(META_RESEND) or store.get_meta(META_PUSH_SEQ) or "0"
    store.set_metas({META_PULL_SEQ: "0", META_PULL_OP: "", META_RESEND: resend})
    counted.restored = True
    return (*pull_all(store, client, on_progress, sent=counted.sent), True)


@dataclass
class Counted:
    """What a round counts as it goes and the log does not say afterwards (``RoundResult.carried``, ``.restored``,
    ``.resent``, ``.refused_again``): held by ``sync_round`` outside the round, so a round cut off midway keeps it."""

    sent: Pushed = field(default_factory=Pushed)
    restored: bool = False


#: ``sync.untold_counts``'s numbers when missing: none carried, no restore, none resent or refused again, no pull kept,
#: and of one kept, no end known (kept by the crewdeck before, which kept no end).  Past them, further pulls kept, two
#: numbers each.  An earlier crewdeck reads the first six alone: it tells the first pull kept and not the later ones,
#: and a round of its own that fails writes six numbers back, so the later pulls are dropped, never told.
_COUNT_DEFAULTS = (0, 0, 0, 0, -1, -1)
#: Where a pull kept with no end known ends: it holds whatever was stored after its start.
_NO_END = -1
#: The most pulls kept apart: each is one more search for voids in the round that tells them, and each failed
#: ``crewdeck sync`` with the member's own edits after it keeps one more.  Past this many the two oldest are made one
#: stretch, from the first's start to the second's end, and a void the app's round told between them may be told again:
#: a retell, after this many rounds cut off in a row, rather than a list that grows without end.
KEPT_PULLS = 5


@dataclass(frozen=True)
class _Kept:
    """What rounds that failed had to tell, kept in meta ``sync.untold`` and ``sync.untold_counts`` for the next round: the bounds its notices are
    found within (``pushed``, the push cursor, ``held``, the log's head, ``listed``, the refusals listed, each as it
    began), what it had counted (``Counted``), and ``pulls``: per round whose pull stored what nobody told
    (``RoundResult.untold_pulls``; not one whose caller told it as it came, as the app's watcher does), the log's head
    as it began and as it failed (``_NO_END``: not known), in order and apart: what is stored between two of them (the
    app's round, told by its watcher) is no part of them.  One stretch from the first's start to the last's end told a
    void the app's round had told in between again, after a third failed round."""

    pushed: int
    held: int
    listed: int
    carried: int = 0
    restored: bool = False
    resent: int = 0
    refused_again: int = 0
    pulls: tuple[tuple[int, int], ...] = ()

    @classmethod
    def read(cls, texts: tuple[str | None, ...]) -> _Kept | None:
        """From ``(sync.untold, sync.untold_counts)``: the counts without bounds were told by an earlier crewdeck."""
        bounds, counts = texts
        if not bounds:
            return None
        pushed, held, listed = (int(n) for n in bounds.split()[:3])
        # Each missing count takes its own default, by place: an earlier crewdeck keeps four, and its missing ``pulled``
        # is "none kept" (-1), where a 0 told every void in the log again.
        numbers = [int(n) for n in (counts or "").split()]
        carried, restored, resent, refused_again, *ends = (*numbers[:6], *_COUNT_DEFAULTS[len(numbers) :])
        ends += numbers[6:]
        pulls = tuple((ends[i], ends[i + 1] if i + 1 < len(ends) else _NO_END) for i in range(0, len(ends), 2) if ends[i] >= 0)
        return cls(pushed, held, listed, carried, bool(restored), resent, refused_again, _pulls_merged(pulls))

    def texts(self) -> tuple[str, str]:
        """``(sync.untold, sync.untold_counts)``."""
        ends = [n for pull in self.pulls for n in pull] or [-1, _NO_END]
        numbers = [self.pushed, self.held, self.listed, self.carried, int(self.restored), self.resent, self.refused_again, *ends]
        texts = [str(n) for n in numbers]
        return " ".join(texts[:3]), " ".join(texts[3:])

    def merged(self, other: _Kept | None) -> _Kept:
        """Both rounds' notices: the lower bounds, and both counts."""
        if other is None:
            return self
        return _Kept(
            min(self.pushed, other.pushed),
            min(self.held, other.held),
            min(self.listed, other.listed),
            self.carried + other.carried,
            self.restored or other.restored,
            self.resent + other.resent,
            self.refused_again + other.refused_again,
            _pulls_merged(self.pulls + other.pulls),
        )


def _pulls_merged(pulls: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Untold pulls in order, those that overlap or meet made one; one with no end known holds every later one; the
    oldest made one past ``KEPT_PULLS``."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pulls):
        if merged and (merged[-1][1] == _NO_END or start <= merged[-1][1]):
            last_start, last_end = merged[-1]
            merged[-1] = (last_start, _NO_END if _NO_END in (last_end, end) else max(last_end, end))
        else:
            merged.append((start, end))
    while len(merged) > KEPT_PULLS:
        # Only the last may have no end known (it holds every later one): the second's end is a number here.
        merged[:2] = [(merged[0][0], merged[1][1])]
    return tuple(merged)


def sync_round(
    store: Store,
    client: Client,
    on_progress: Progress | None = None,
    *,
    pull_told: bool = False,
    idle_kept: bool = True,
    all_sent: bool = False,
    pushed: Pushed | None = None,
) -> RoundResult:
    """Push what is pending, then pull until caught up (a replica made readable by others is made private again first).

    ``pull_told``: the caller says what a pull stores as it is stored, whether the round ends well or not (the app's
    watcher of the file), or it is no news (a join's history): a round that fails leaves it to no later round to tell.
    ``idle_kept``: a round that moved nothing keeps its time as the replica's last sync too; the app's engine, which
    goes round every 15 s, keeps the last one's as it ends instead (``SyncEngine``), and an idle replica writes nothing.
    ``all_sent``: the caller knows no operation made here is unsent, and the push, which reads the log from the push
    cursor on to find out, is not made.  ``pushed``: counted into as the round's pushes go, so that a caller whose round
    fails knows what they did (``unsent`` counts past an answer this replica failed to record)."""
    keep_private(store.path)
    # The round's bounds, for what it tells afterwards: this node's unsent edits are past ``pushed``, what it pulls
    # (where others' edits that replaced or deleted them are looked for) past ``held``, and the refusals it tells are
    # those listed past ``listed``, whether its push's answer or a pull brought them.
    own = _Kept(int(store.get_meta(META_PUSH_SEQ) or 0), store.max_seq(), _refusals_listed(store))
    untold = (store.get_meta(META_UNTOLD), store.get_meta(META_UNTOLD_COUNTS))
    counted = Counted() if pushed is None else Counted(pushed)
    try:
        result = _round(store, client, on_progress, counted, idle_kept, all_sent)
    except BaseException:
        _keep_untold(store, own, counted, pull_told=pull_told)
        raise
    kept = _Kept.read(untold) if untold[0] and _claimed(store, untold) else None
    if kept is not None:
        # A round before failed (its push taken, say, and its pull cut off): what it sent counts as unsent before this
        # one, what it pulled as pulled in it, what it was refused as refused in it, and what it counted as this one's.
        own = own.merged(kept)
        result = replace(
            result,
            carried=result.carried + kept.carried,
            restored=result.restored or kept.restored,
            resent=result.resent + kept.resent,
            refused_again=result.refused_again + kept.refused_again,
            untold_pulls=tuple((start, SEQ_MAX if end == _NO_END else end) for start, end in kept.pulls),
        )
    return replace(
        result,
        refused=_refusals_listed(store) - own.listed,
        overwritten=overwritten(store, own.pushed, own.held),
        deleted=deleted_meanwhile(store, own.pushed, own.held),
    )


#: Where a round that failed keeps what it had to tell (``_Kept``).
UNTOLD = (META_UNTOLD, META_UNTOLD_COUNTS)


def pull_untold(store: Store, client: Client, on_progress: Progress | None = None) -> int:
    """Pull until caught up, and push nothing (a write that reads the newest state first: ``crewdeck import``); what
    the pull brings is left for the next round to tell, as a round cut off after its pull leaves it (``sync_round``):
    others' edits that replaced or deleted ones made here, refusals, approvals voided.  The operations new here."""
    keep_private(store.path)
    own = _Kept(int(store.get_meta(META_PUSH_SEQ) or 0), store.max_seq(), _refusals_listed(store))
    counted = Counted()
    try:
        pulled = _pull_or_start_over(store, client, on_progress, counted)[0]
    finally:
        _keep_untold(store, own, counted, only_news=True)
    return pulled


def _keep_untold(store: Store, own: _Kept, counted: Counted, *, pull_told: bool = False, only_news: bool = False) -> None:
    """Keep for the next round what one that began at ``own`` had to tell and did not (it failed, or it only pulled):
    added to what is kept now (by a round before, or one of another process on this replica meanwhile), in the
    transaction that reads it.  ``pull_told``: what it pulled was told as it came; ``only_news``: nothing is written
    when it has nothing to tell.  A replica that cannot write now keeps its own error: the member is told that."""
    with contextlib.suppress(sqlite3.Error):
        # What its pull stored, and nobody told, is what came in between its start and now: none, if nothing did.
        to = store.max_seq()
        told_nobody = not pull_told and to > own.held
        sent = counted.sent
        if only_news and not (told_nobody or sent.carried or counted.restored or _refusals_listed(store) > own.listed):
            return
        kept = replace(
            own,
            carried=sent.carried,
            restored=counted.restored,
            resent=sent.resent,
            refused_again=sent.refused_again,
            pulls=((own.held, to),) if told_nobody else (),
        )
        store.update_metas(UNTOLD, lambda now: kept.merged(_Kept.read(now)).texts())


def _claimed(store: Store, untold: tuple[str | None, ...]) -> bool:
    """Whether this round takes the notices ``untold`` kept, found still kept and no longer so in one transaction: the
    app's sync and ``crewdeck sync`` on one replica at once both read them, and only one of them tells them."""
    taken = False

    def take(now: tuple[str | None, ...]) -> tuple[str, ...]:
        nonlocal taken
        taken = now == untold
        return ("", "") if taken else tuple(text or "" for text in now)

    store.update_metas(UNTOLD, take)
    return taken


def _refusals_listed(store: Store) -> int:
    """How many of this replica's operations the server has refused (``Store.refused`` lists them; none leaves the list)."""
    nodes = json.dumps([store.node, *store.former_nodes()])
    row = store.conn.execute("SELECT count(*) FROM refused_ops WHERE node IN (SELECT value FROM json_each(?))", (nodes,)).fetchone()
    return int(row[0])


def _round(store: Store, client: Client, on_progress: Progress | None, counted: Counted, idle_kept: bool, all_sent: bool) -> RoundResult:
    """``sync_round`` but for what it tells of edits made here that the server refused, or others' edits replaced or
    deleted; ``counted`` hears the rest as it goes."""
    sent = counted.sent
    try:
        if not all_sent:
            push_all(store, client, done=sent)
    except (ClockOff, OlderServer):
        # This machine's stamps are ahead of the server's clock, or the server older than its pushes need: they wait
        # (the error says why), but what the others sent still comes in; a laptop with a fast clock saw none of its
        # team's work for as long as it stayed fast.
        _pull_or_start_over(store, client, on_progress, counted)
        raise
    pulled, head, carried_in_pull, restored = _pull_or_start_over(store, client, on_progress, counted, sent.lost)
    resend = store.get_meta(META_RESEND)
    if resend:
        # The server may have lost operations made here that it had acknowledged: the last of them is sent again, and
        # the server takes it as a duplicate or says which number it expects (a gap: push_all sends again from there).
        acked = int(resend)
        store.set_meta(META_PUSH_SEQ, str(store.last_own_seq(store.last_own_seq(acked) - 1)))
        push_all(store, client, acked=acked, done=sent)
        store.update_meta(META_RESEND, lambda now: "" if now == resend else now or "")
    if carried_in_pull or resend:
        # Under their new node, or sent again, they go now rather than at the next round.
        more = Pushed()
        try:
            push_all(store, client, done=more)
        finally:
            sent.unrecorded = more.unrecorded
        sent.add(Pushed(more.stored, more.refused))  # its writes carried over were counted by the pull that found them
        pulled_more, head, _ = pull_all(store, client, on_progress)  # the head they moved
        pulled += pulled_more
    # Saved for the next start (every write wakes whoever watches the replica).
    if sent.stored or pulled or idle_kept or not store.get_meta(META_LAST_SYNC):
        store.set_meta(META_LAST_SYNC, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    return RoundResult(
        sent.stored,
        pulled,
        head,
        sent.refused,
        sent.carried,
        restored,
        sent.resent,
        sent.refused_again,
    )


def retoken(store: Store, token: str | None = None, transport: httpx.BaseTransport | None = None, url: str | None = None) -> Remote:
    """Give a replica a new token (its own revoked, say) or its server's new address (``url``: moved, or serving HTTPS
    now), kept only if the server says the token is for the replica's workspace and member: its unsent edits are its
    member's, and they are pushed with it, to the workspace they were made in."""
    remote = Remote.of(store)
    if remote is None:
        raise SyncError(f"{typed_name(store.path)} is no replica: it has no server to give a token for", "no_remote")
    renewed = replace(remote, token=token or remote.token, url=url or remote.url)
    # What the replica keeps when the server says no: what was given is said to be left unused.
    keeps = " and ".join(what for what, given in (("its token", token), ("its server's address", url)) if given)
    client = Client(renewed.url, renewed.token, transport=transport)
    try:
        workspace, member = _identity(client.me())
    except SyncError as exc:
        if url is None:
            raise
        # Said of the new address, whose server may be another one, or none: the replica still has the old one.  Down or
        # busy, it is as much worth trying again later (``try_later``).
        said = SyncError(f"{exc}; the replica keeps {keeps}", exc.code, exc.body)
        said.transient = exc.transient
        raise said from None
    finally:
        client.close()
    if workspace != remote.workspace:
        raise SyncError(
            f"the token is for workspace {workspace}, and this replica is of {remote.workspace}; it keeps {keeps}", "wrong_workspace"
        )
    if member != remote.member:
        raise SyncError(
            f"the token acts as another member than this replica's, whose edits it holds; ask for a token of your own (it keeps {keeps})",
            "wrong_member",
        )
    keep_private(store.path)  # before the token is written into it
    renewed.save(store)
    return renewed


def _identity(me: dict[str, Any]) -> tuple[str, str]:
    """``(workspace, member)`` from ``/v1/me``: the workspace goes into every later URL, so it must be a workspace's name."""
    from crewdeck.sync.server.backend import WORKSPACE_NAME

    workspace, member = me.get("workspace"), me.get("member")
    if not (isinstance(workspace, str) and WORKSPACE_NAME.match(workspace) and isinstance(member, str) and _MEMBER_ID.match(member)):
        raise SyncError("the server sent a malformed answer to /v1/me: it names no workspace and member", "bad_answer")
    return workspace, member


def server_url(text: str) -> str:
    """``text`` as a sync server's URL, or a ``SyncError`` saying what is wrong with it.

    A server's URL is where its API lives and nothing more: the token is
    the only credential (a user name in the URL would replace it with Basic
    auth), and every request adds its own path and query.
    """
    from urllib.parse import urlsplit

    text = text.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - read for its check: a port that is not a number from 0 to 65535 is a ValueError
    except ValueError as exc:
        raise SyncError(f"not a URL ({exc})", "bad_url") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise SyncError("a server's URL starts with http:// or https://, e.g. https://crewdeck.example.com", "bad_url")
    if not parts.hostname:
        raise SyncError("the URL names no host, e.g. https://crewdeck.example.com", "bad_url")
    if parts.username is not None or parts.password is not None:
        raise SyncError("a server's URL holds no user name or password: the token is what signs in", "bad_url")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise SyncError("a server's URL has no ?query or #fragment", "bad_url")
    return text


class FirstSyncStopped(Exception):
    """A join's replica is made and knows its server, and its first sync stopped (``cause``: a server's refusal, a
    clock too far behind the team's stamps, a disk that filled): the pages pulled before are kept, a sync goes on."""

    def __init__(self, cause: SyncError | ClockSkewError | WorkspaceError) -> None:
        super().__init__(str(cause))
        self.cause = cause


#: The longest address a server's refusal may name: past it, it is no address a person would be sent to.
_NAMED_URL_MAX = 200


def _a_server_url(url: object) -> bool:
    """Whether the ``url`` a server's answer names is a server's address to print: the answer is the server's words."""
    if not isinstance(url, str) or not url or len(url) > _NAMED_URL_MAX or any(not c.isprintable() or c.isspace() for c in url):
        return False
    try:
        return server_url(url) == url
    except SyncError:
        return False


def _published_since(url: object) -> SyncError:
    """A join refused by a server still on a file published since: where to join instead."""
    where = (
        f"at {url} now: join the team there with the same token (crewdeck join {url} --token-file TOKEN-FILE NEW-FILE)"
        if _a_server_url(url)
        else "in PostgreSQL now: join the server a manager names, with the same token"
    )
    return SyncError(f"this server's workspace was published (crewdeck publish), and the team works {where}", "published")


def join(
    path: str, url: str, token: str, transport: httpx.BaseTransport | None = None, on_progress: Progress | None = None
) -> tuple[Store, Remote, RoundResult]:
    """Create a replica at ``path`` for the token's workspace (``url``: checked by ``server_url``) and sync it once."""
    client = Client(url, token, transport=transport)
    try:
        workspace, member = _identity(client.me())
        remote = Remote(client.url, workspace, token, member)
        store = Store.create(path)
        try:
            keep_private(store.path)  # before the token is written into it
            remote.save(store)
        except BaseException:
            # A file that does not know its server is no replica: nothing is left that a join again would call taken.
            store.close()
            remove_workspace_files(store.path)
            raise
        try:
            client.workspace = remote.workspace
            result = sync_round(store, client, on_progress, pull_told=True)  # the history, no news
        except (SyncError, ClockSkewError, WorkspaceError) as exc:
            store.close()
            if isinstance(exc, SyncError) and exc.code == "published":
                # Nothing was pulled, and a replica of the old copy is no way into the team: none is left behind.
                remove_workspace_files(store.path)
                raise _published_since(exc.body.get("url")) from None
            raise FirstSyncStopped(exc) from exc
        except BaseException:
            store.close()
            raise
    finally:
        client.close()
    return store, remote, result
