"""Connections that cannot hold the server hostage: a deadline for each request, a cap on open sockets.

uvicorn closes a keep-alive connection left idle after a response, but it
waits forever for a request's head: a thousand clients that each send half
a request line hold a thousand sockets, and at the process's limit of open
files the server stops accepting anyone (``EMFILE``).  ``guarded_protocol``
makes a subclass of uvicorn's h11 protocol that

* gives a request ``header_timeout`` seconds, counted from when the
  connection starts waiting for it (opened, or its previous answer sent),
  for its whole head to arrive, and lets its body pause no longer than that
  between two pieces; past either, the client gets a 408 (when it had sent
  part of a request) and the connection is closed;
* holds at most ``max_connections`` connections: a connection opened over
  the cap closes the one that has waited longest for a request head (an
  attacker's half-sent requests and idle keep-alives go first, a request in
  progress never); when every connection is busy with a request (long
  polls, event streams), the newcomer is answered 503 with ``Retry-After``;
* answers a request h11 cannot parse with a 400 in JSON, like every other error, saying whether its
  head or its (chunked) body is wrong, and logs that in one line naming the peer (in place of uvicorn's
  "Invalid HTTP request received."); the app, which may be reading that body, hears a disconnect;
* leaves a connection upgraded to a websocket (``crewdeck web``) to the websocket, and answers an upgrade to one on a
  server with none (the sync server) as the plain request it carries, logging nothing.

``connection_cap`` picks a cap below the process's limit of open files,
with room for the store's files and for connections accepted in a burst.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
from collections import OrderedDict
from typing import Any, ClassVar

import h11
from uvicorn._types import ASGIReceiveCallable, ASGISendCallable, Scope
from uvicorn.protocols.http.h11_impl import H11Protocol

#: The most connections the server holds, whatever the limit of open files allows.
MAX_CONNECTIONS = 1_000
#: Open files kept for everything but connections: the workspace file and its
#: -wal and -shm per connection, PostgreSQL connections, the listening socket, stdio.
RESERVED_FILES = 64
#: Sockets the event loop accepts at one wake-up (asyncio takes the listen
#: backlog for it), each holding a file before its protocol sees the cap.
ACCEPT_BATCH = 16


class LimitError(Exception):
    """A cap on connections this process cannot hold, with the reason."""


def connection_cap(max_connections: int | None = None) -> int:
    """The cap on connections for this process's limit of open files (raising its soft limit if asked for more).

    The event loop accepts up to ``ACCEPT_BATCH`` sockets at each wake-up,
    and may take three batches before the first one's protocols run and
    close what is over the cap: room for four is kept free.
    """
    spare = RESERVED_FILES + 4 * ACCEPT_BATCH
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if max_connections is None:
        files = soft if soft != resource.RLIM_INFINITY else 1 << 20
        cap = min(MAX_CONNECTIONS, files - spare)
        if cap < 8:
            raise LimitError(f"this process may open only {soft} files; raise the limit (ulimit -n) to serve")
        return cap
    needed = max_connections + spare
    if soft != resource.RLIM_INFINITY and needed > soft:
        if hard != resource.RLIM_INFINITY and needed > hard:
            raise LimitError(
                f"--max-connections {max_connections} needs {needed} open files and this process may open at most {hard}; "
                "lower it or raise the limit (ulimit -Hn)"
            )
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        except (ValueError, OSError) as exc:
            raise LimitError(
                f"--max-connections {max_connections} needs {needed} open files, and the limit cannot be raised ({exc})"
            ) from None
    return max_connections


def _timeout_response(seconds: float) -> bytes:
    """A 408 written straight to the socket: uvicorn's h11 state has no request to answer yet."""
    body = json.dumps({"error": "request_timeout", "message": f"the request did not arrive within {seconds:g} s"}).encode()
    head = f"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n"
    return head.encode("ascii") + body


class GuardedH11Protocol(H11Protocol):
    """See the module doc; made (with its settings) by ``guarded_protocol``."""

    header_timeout: ClassVar[float]
    max_connections: ClassVar[int]
    #: Connections waiting for a request head, the longest-waiting first (one server's).
    waiting: ClassVar[OrderedDict[GuardedH11Protocol, None]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        #: Handed over to a websocket: no deadline of this protocol's applies any more.
        self._upgraded = False

    # uvicorn's H11Protocol narrows asyncio's BaseTransport to a Transport, and so must its subclass.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        excess = len(self.connections) - self.max_connections
        if excess > 0:
            # Connections closed a moment ago are still in the set until their loss is reported.
            excess = sum(1 for c in self.connections if not c.transport.is_closing()) - self.max_connections
        while excess > 0 and self.waiting:
            next(iter(self.waiting))._give_up()
            excess -= 1
        if excess > 0:
            self.app = self._busy
        self._await_request()

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._disarm()
        self.waiting.pop(self, None)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow()

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        # The connection is a websocket's from here (``crewdeck web``'s app): it lives as long as its tab.
        self._upgraded = True
        self._disarm()
        self.waiting.pop(self, None)
        super().handle_websocket_upgrade(event)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE:
            self._await_request()
        else:
            self._follow()  # a pipelined request, already under way

    # ------------------------------------------------------------ deadlines

    def _await_request(self) -> None:
        if self._upgraded or self.transport.is_closing():
            return
        self.waiting[self] = None
        self.waiting.move_to_end(self)
        self._arm()

    def _follow(self) -> None:
        """After bytes arrive: keep the deadline while the head is incomplete, restart it while the body comes, drop it once all is in."""
        if self._upgraded or self.transport.is_closing():
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            return
        self.waiting.pop(self, None)
        if state is h11.SEND_BODY:
            self._arm()
        else:
            self._disarm()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.flow.read_paused:
            # This side stopped reading (the app is behind on a body): not the client's delay.
            self._arm()
            return
        self._give_up()

    def _give_up(self) -> None:
        """Close the connection; a 408 first if part of a request came and nothing was answered."""
        self.waiting.pop(self, None)
        self._disarm()
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            # The app is reading this body: it hears a disconnect, and whatever it answers is dropped.
            self.cycle.disconnected = True
            self.cycle.message_event.set()
            if not self.cycle.response_started:
                self.transport.write(_timeout_response(self.header_timeout))
        elif state is h11.IDLE and self.conn.trailing_data[0]:
            self.transport.write(_timeout_response(self.header_timeout))
        self.transport.close()

    # ------------------------------------------------------------ not HTTP

    def send_400_response(self, msg: str) -> None:
        """What h11 cannot parse is answered as every other error is: a JSON body (uvicorn's is plain text) saying
        whether the head or the body was wrong, and the log says so in one line naming the peer."""
        cycle = self.cycle
        if cycle is not None and cycle.more_body:  # the head was read, its body had not ended: chunked, as a length cannot break
            why = "the request's body is not valid HTTP/1.1: its chunked encoding is broken"
            # The app may be reading this body, or about to answer: it hears a disconnect, and whatever it answers is
            # dropped (h11 refuses a second answer, a traceback in the log).
            cycle.disconnected = True
            cycle.message_event.set()
        else:
            why = "the request is not valid HTTP/1.1: see its request line and headers"
        answered = self.conn.our_state in (h11.IDLE, h11.SEND_RESPONSE)  # not when the app's answer has started already
        if answered:
            body = json.dumps({"error": "bad_request", "message": why}).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
            self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers, reason=b"Bad Request")) or b"")
            self.transport.write(self.conn.send(h11.Data(data=body)) or b"")
            self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        peer = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        self.logger.warning("%s %s: %s", "400 to" if answered else "closed the connection of", peer, why)
        self.transport.close()

    def _unsupported_upgrade_warning(self) -> None:
        if self.ws_protocol_class is None and self._get_upgrade() == b"websocket":
            # A server with no websockets (the sync server) answers the request the upgrade came with, as the HTTP says
            # it may, and says nothing: uvicorn's two lines, a warning at each request, would tell its operator to
            # install a websocket library it does not need.
            return
        super()._unsupported_upgrade_warning()

    # ------------------------------------------------------------ over the cap

    async def _busy(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        body = json.dumps(
            {"error": "too_many_connections", "message": f"the server holds its most connections ({self.max_connections}), all busy"}
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", b"1"),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


#: What uvicorn logs of every request h11 cannot parse, before ``send_400_response`` says what and whose.
UVICORN_INVALID = "Invalid HTTP request received."


class _SaidByTheGuard(logging.Filter):
    """Drops uvicorn's line for a request h11 cannot parse: ``send_400_response`` logs one that names the peer and what was wrong."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != UVICORN_INVALID


_SAID_BY_THE_GUARD = _SaidByTheGuard()


def guarded_protocol(header_timeout: float, max_connections: int) -> type[GuardedH11Protocol]:
    """A protocol class for one server, with these settings (uvicorn's ``http=``)."""
    logging.getLogger("uvicorn.error").addFilter(_SAID_BY_THE_GUARD)  # once: a filter is added once
    return type(
        "ServerH11Protocol",
        (GuardedH11Protocol,),
        {"header_timeout": header_timeout, "max_connections": max_connections, "waiting": OrderedDict()},
    )
