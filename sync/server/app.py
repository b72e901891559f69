"""The HTTP API (``/v1``), as a Starlette app over a ``Backend``.

Every answer is JSON; every error is ``{"error": code, "message": text,
...}`` with a 4xx status for anything the client sent, and a 503 with
``Retry-After`` only when the store itself is unavailable (PostgreSQL
down, a workspace file locked past its busy timeout); anything else is a
bug, logged and answered 500.  Request bodies are read with
``records.load_json`` (no ``NaN`` or ``Infinity``).  The document at
``/openapi.json`` describes it all (``openapi.py``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crewdeck.sync import protocol
from crewdeck.sync.server.backend import Backend, BackendError, Pulled
from crewdeck.sync.server.openapi import document
from crewdeck.sync.state.clock import MAX_DRIFT_MS, ClockSkewError, format_duration, wall_ms
from crewdeck.sync.state.oplog import OpError, from_wire_pushed
from crewdeck.sync.state.push import PushRejected
from crewdeck.sync.state.records import load_json
from crewdeck.sync.state.rules import replica_refused
from crewdeck.sync.state.tokens import TokenInfo

log = logging.getLogger("crewdeck.server")

#: Request bodies larger than this are refused unread.
MAX_BODY = 8 * 1024 * 1024
#: Operations in one push.
MAX_BATCH = 5_000
#: Operations in one pull page.
MAX_LIMIT = 10_000
#: Bytes of operations in one pull page: a page stops before the operation
#: that would pass it (a single larger operation, at most ``MAX_BODY``, goes alone).
PAGE_BYTES = 4 * 1024 * 1024
DEFAULT_LIMIT = 1_000
#: The largest cursor (``after``, ``refused_after``) a pull takes: 18 digits.
MAX_CURSOR = 10**18 - 1
#: Longest long-poll wait, in seconds.
MAX_WAIT = 60.0
#: Seconds between keep-alive comments on an event stream.
KEEPALIVE = 15.0
#: Seconds between two checks that an open event stream's or long poll's token is still live.
TOKEN_RECHECK = 1.0
#: Characters of a request's path an error quotes back.
QUOTED_PATH = 200
#: What a revoked token's request hears.
REVOKED = "the token has been revoked"

_INT = re.compile(r"[0-9]{1,18}\Z")
_NODE = re.compile(r"[0-9a-f]{4,32}\Z")
#: An operation's stamp (``clock.Stamp``'s text: time, counter, node), as a pull's ``at`` names one.
_OP_ID = re.compile(r"[0-9]{13}-[0-9a-f]{4}-[0-9a-f]{4,32}\Z")
#: A number of seconds as JSON and the OpenAPI document write one (``0.30000000000000004``, ``1e-3``), bounded in length.
_SECONDS = re.compile(r"[0-9]{1,20}(\.[0-9]{1,30})?([eE][-+]?[0-9]{1,3})?\Z")

#: HTTP status of each reason a push is refused.
PUSH_STATUS = {
    "gap": 409,
    "node_conflict": 409,
    "batch_not_contiguous": 422,
    "stamps_out_of_order": 422,
    "duplicate_op": 422,
    "row_entity": 422,
    "wrong_member": 403,
    "wrong_node": 403,
    "no_workspace": 404,
    # A served file published to PostgreSQL since: the workspace is no longer here.
    "published": 410,
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.extra = extra


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    # ASCII-only: an echoed bad value (a lone surrogate) can never break encoding.
    return Response(json.dumps(body, separators=(",", ":")), status, headers, media_type="application/json")


def error_response(status: int, code: str, message: str, headers: Mapping[str, str] | None = None, **extra: Any) -> Response:
    return json_response({"error": code, "message": message, **extra}, status, headers)


def server_time() -> dict[str, Any]:
    ms = wall_ms()
    return {"server_ms": ms, "server_time": dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat(timespec="milliseconds")}


async def read_json(request: Request) -> Any:
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(
            415,
            "unsupported_media_type",
            f"the body must be JSON, sent with Content-Type: application/json (got {media_type or 'no Content-Type'})",
        )
    # A compressed body read as it came is "not UTF-8 text", which says nothing of why: the encoding is named.
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise ApiError(
            415, "unsupported_media_type", f"the body must be sent uncompressed, without Content-Encoding (got {encoding[:40]!r})"
        )
    declared = request.headers.get("content-length")
    if declared is not None and (not _INT.match(declared) or int(declared) > MAX_BODY):
        raise ApiError(413, "body_too_large", f"the request body is larger than {MAX_BODY:,} bytes")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise ApiError(413, "body_too_large", f"the request body is larger than {MAX_BODY:,} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        # Gone, or cut off by the header timeout (guard.py) for pausing too long: no one hears this answer.
        raise ApiError(400, "incomplete_request", "the connection closed before the request body arrived") from None
    try:
        text = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "bad_json", "the request body is not UTF-8 text") from None
    try:
        return load_json(text)
    except ValueError as exc:
        raise ApiError(400, "bad_json", f"the request body is not JSON: {exc}") from None


def query_number(request: Request, name: str, default: float, low: float, high: float, *, whole: bool = True) -> float:
    text = request.query_params.get(name)
    if text is None:
        return default
    pattern = _INT if whole else _SECONDS
    # A whole number is compared as one: as a float, 18 digits round past the largest cursor.
    value = (int(text) if whole else float(text)) if pattern.match(text) else None
    if value is None or not low <= value <= high:
        kind, bounds = ("a whole number", f"{low:,} to {high:,}") if whole else ("a number of seconds", f"{low:g} to {high:g}")
        raise ApiError(400, "bad_parameter", f"{name} must be {kind} from {bounds}, got {text!r}", parameter=name)
    return value


class Announcing:
    """Every answer names the protocol level this server speaks (``protocol.HEADER``): a replica reads it before it
    pushes, and pushes nothing to a server older than it needs (which would refuse what it sends, or store it wrong).
    All but a crash's 500, which Starlette's outermost layer answers: it is no answer a replica reads a level from."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def announced(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(protocol.HEADER, str(protocol.PROTOCOL))
            await send(message)

        await self.app(scope, receive, announced)


def replica_level(request: Request) -> int:
    """The protocol level a request's replica names (``protocol.HEADER``); ``protocol.UNNAMED`` when it names none, or
    none a level reads as."""
    text = request.headers.get(protocol.HEADER, "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else protocol.UNNAMED


def readable_part(page: Pulled, level: int) -> Pulled:
    """``page`` up to its first operation a replica of ``level`` cannot read, which that replica would stop at as a
    malformed page; a page that begins with one is a 409 ``upgrade_replica`` saying what to do."""
    if level >= protocol.READS_ALL:  # every replica of this build: no cost an operation
        return page
    cut = next((i for i, (_, op) in enumerate(page.ops) if protocol.unreadable(op.entity, level)), None)
    if cut is None:
        return page
    if cut == 0:
        seq, op = page.ops[0]
        raise ApiError(
            409,
            "upgrade_replica",
            f"this replica's crewdeck is too old to read the workspace's operation #{seq:,} (an {op.entity}, protocol "
            f"{protocol.READ_FROM[op.entity]}): upgrade crewdeck on this machine; until then its pulls stop there, and its "
            "edits are still pushed",
            head=page.head,
            seq=seq,
            entity=op.entity,
        )
    return replace(page, ops=page.ops[:cut])


def create_app(backend: Backend) -> Starlette:
    """The API over ``backend``; the backend starts and stops with the app."""
    #: The tokens whose replicas were told to upgrade, said once each in the log (``said_to_upgrade``).
    told_to_upgrade: set[str] = set()

    async def authorize(request: Request, workspace: str | None) -> tuple[TokenInfo, str]:
        header = request.headers.get("authorization")
        challenge = {"WWW-Authenticate": 'Bearer realm="crewdeck"'}
        if not header:
            raise ApiError(401, "missing_token", "send a token: Authorization: Bearer <token>", challenge)
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "bad_authorization", "the Authorization header must be: Bearer <token>", challenge)
        info = await backend.authenticate(token)
        if info is None:
            revoked = await backend.revoked_member(token)
            if revoked is None:
                raise ApiError(401, "invalid_token", "this server knows no such token", challenge)
            member = await backend.member(*revoked)
            if member is None or member.deleted:
                raise ApiError(403, "member_removed", "you were removed from this workspace", rule="member_removed")
            # Only who sent its secret hears it was revoked, and nothing of whose it was or when.
            raise ApiError(401, "invalid_token", REVOKED, challenge)
        if workspace is not None and info.workspace != workspace:
            raise ApiError(403, "wrong_workspace", f"this token belongs to workspace {info.workspace!r}, not {workspace!r}")
        member = await backend.member(info.workspace, info.member)
        if member is None or member.deleted:
            raise ApiError(403, "member_removed", "you were removed from this workspace", rule="member_removed")
        refusal = replica_refused(member)
        if refusal is not None:
            raise ApiError(403, "guest_no_replica", refusal.message, rule=refusal.rule)
        return info, token

    async def health(request: Request) -> Response:
        # Unauthenticated: whether the server and its store answer, and its clock; nothing about any workspace.
        await backend.health()
        return json_response({"ok": True, "protocol": protocol.PROTOCOL, **server_time()})

    async def openapi(request: Request) -> Response:
        return json_response(document(MAX_BATCH, MAX_LIMIT, MAX_WAIT, MAX_BODY, PAGE_BYTES, MAX_CURSOR))

    async def me(request: Request) -> Response:
        info, _ = await authorize(request, None)
        head = await backend.head(info.workspace)
        return json_response({"workspace": info.workspace, "member": info.member, "token": info.id, "head": head, **server_time()})

    async def push(request: Request) -> Response:
        workspace = request.path_params["workspace"]
        info, _ = await authorize(request, workspace)
        body = await read_json(request)
        if not isinstance(body, dict) or not isinstance(body.get("ops"), list):
            raise ApiError(422, "bad_request", 'the body must be a JSON object {"ops": [operation, ...]}')
        wire = body["ops"]
        if len(wire) > MAX_BATCH:
            raise ApiError(413, "batch_too_large", f"{len(wire):,} operations in one push; send at most {MAX_BATCH:,}", limit=MAX_BATCH)
        ops = []
        invalid: dict[str, str] = {}
        for index, item in enumerate(wire):
            try:
                op, problem = from_wire_pushed(item)
            except (OpError, ValueError, TypeError, RecursionError) as exc:
                raise ApiError(422, "bad_op", f"operation {index}: {exc}", index=index) from None
            ops.append(op)
            if problem is not None:
                invalid[op.op_id] = problem
        try:
            result, head = await backend.push(workspace, info.member, ops, invalid)
        except PushRejected as exc:
            raise ApiError(PUSH_STATUS[exc.code], exc.code, exc.message, **exc.details) from None
        except ClockSkewError as exc:
            now = server_time()
            # Said to the replica, whose member reads it: the clock is the server's, and its time is given to compare.
            said = (
                f"an operation from node {exc.node} is stamped {format_duration(exc.ahead_ms)} ahead of the server's clock "
                f"(limit {format_duration(MAX_DRIFT_MS)}); the server's time is {now['server_time'][:19].replace('T', ' ')} UTC: "
                "check the date and time settings of the machine that made it (or the server's)"
            )
            raise ApiError(422, "clock_skew", said, ahead_ms=exc.ahead_ms, **now) from None
        acked = {node: h.node_seq for node, h in result.heads.items()}
        return json_response(
            {
                "stored": len(result.fresh),
                "duplicates": result.duplicates,
                "acked": acked,
                "head": head,
                "refused": [r.to_wire() for r in result.refused],
            }
        )

    async def read_page(workspace: str, after: int, limit: int, *, cursor_op: bool = False) -> Pulled:
        try:
            return await backend.pull(workspace, after, limit, PAGE_BYTES, cursor_op=cursor_op)
        except PushRejected as exc:  # a served file published since: the replica is told where the team works
            raise ApiError(PUSH_STATUS[exc.code], exc.code, exc.message, **exc.details) from None

    async def pull(request: Request) -> Response:
        workspace = request.path_params["workspace"]
        info, _ = await authorize(request, workspace)
        after = int(query_number(request, "after", 0, 0, MAX_CURSOR))
        limit = int(query_number(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT))
        wait = query_number(request, "wait", 0.0, 0.0, MAX_WAIT, whole=False)
        node = request.query_params.get("node")
        if node is not None and not _NODE.match(node):
            raise ApiError(400, "bad_parameter", f"node must be a replica's node id, got {node!r}", parameter="node")
        refused_after = int(query_number(request, "refused_after", 0, 0, MAX_CURSOR))
        at = request.query_params.get("at")
        if at is not None and not _OP_ID.match(at):
            raise ApiError(400, "bad_parameter", f"at must be an operation's op_id, got {at!r}", parameter="at")
        checked = at is not None and after > 0
        page = await read_page(workspace, after, limit, cursor_op=checked)
        if checked and page.at_cursor != at:
            # The replica holds another operation at its cursor than this server does (or one it no longer has): the
            # server was put back from an older backup and numbered other operations since.  Said whether or not the
            # head has passed the cursor again: past it, an empty page would hide what now sits below the cursor.
            raise ApiError(
                409,
                "cursor_lost",
                f"this replica pulled operation {at} as #{after:,}, which the server no longer holds there (restored from an "
                "older backup?): pull again from the start, and push again what the server lacks",
                head=page.head,
            )
        if after > page.head:
            # A cursor comes from this server's pages, so it never passes the head unless operations were lost
            # here: the seqs new ones get would fall at or below it and never be pulled by that replica.
            raise ApiError(
                409,
                "cursor_ahead",
                f"this replica has pulled up to #{after:,}, past the server's last operation #{page.head:,}: the server lacks "
                "operations it had (restored from an older backup?); make a new replica with crewdeck join",
                head=page.head,
            )
        if not page.ops and wait > 0:
            backend.wakeups.changed(workspace, page.head)
            deadline = asyncio.get_running_loop().time() + wait
            while not page.ops and await long_poll(request, workspace, after, deadline):
                page = await read_page(workspace, after, limit)
        try:
            page = readable_part(page, replica_level(request))
        except ApiError as exc:
            await said_to_upgrade(workspace, info, exc)
            raise
        if page.ops:
            # Checked again once read: a revocation is for good, so a token that holds now held
            # while the page was read, and one revoked meanwhile gets none of it.
            await authorize(request, workspace)
        # A node's refused operations go back to it with its pulls too (its push's answer may have been lost).
        refused = await backend.refusals_after(workspace, info.member, node, refused_after) if node else []
        # Values are stored as canonical JSON text: splice them in unparsed.
        parts = [
            f'{{"seq":{seq},"op_id":"{op.op_id}","node":"{op.node}","node_seq":{op.node_seq},"member":"{op.member}",'
            f'"kind":"{op.kind}","entity":"{op.entity}","row_id":{json.dumps(op.row_id)},"field":"{op.field}","value":{op.value}}}'
            for seq, op in page.ops
        ]
        last = page.ops[-1][0] if page.ops else after
        refusals = json.dumps([r.to_wire() for r in refused], separators=(",", ":"))
        text = (
            f'{{"ops":[{",".join(parts)}],"head":{page.head},"next":{last},"more":{"true" if last < page.head else "false"},'
            f'"refused":{refusals}}}'
        )
        return Response(text, media_type="application/json")

    async def said_to_upgrade(workspace: str, info: TokenInfo, exc: ApiError) -> None:
        """The log's line, once per token and process, that a replica was told to upgrade (``readable_part``): whoever
        runs the server hears whose crewdeck is behind, which the replica's retries would otherwise repeat."""
        if info.id in told_to_upgrade:
            return
        told_to_upgrade.add(info.id)
        facts = await backend.member(workspace, info.member)
        who = f"@{facts.handle}" if facts is not None and facts.handle else f"member {info.member[:8]}"
        log.warning(
            "%s's replica (token %s) in workspace %s runs a crewdeck too old to read operation #%s (an %s): it pulls nothing "
            "past it until that crewdeck is upgraded",
            who,
            info.id,
            workspace,
            f"{exc.extra['seq']:,}",
            exc.extra["entity"],
        )

    async def long_poll(request: Request, workspace: str, after: int, deadline: float) -> bool:
        """Wait until the event loop's ``deadline`` for operations after ``after``, or for any other commit: whether to
        read the page again.

        Another commit may be the served file's publish, whose page is the 410 that sends the replica where the team
        went: a poll waiting as it came answered 200 with nothing once its wait ran out.  The token is checked again
        every ``TOKEN_RECHECK`` seconds and when the wait ends: a poll whose token is revoked meanwhile ends with the
        401 (``authorize`` raises it), never with the data.  A poll whose client has gone ends at its next check.
        """
        loop = asyncio.get_running_loop()
        while not backend.wakeups.closing:
            if await request.is_disconnected():
                return False  # nobody to answer: no more checks of the token, for up to a minute
            woke = await backend.wakeups.wait(workspace, after, min(TOKEN_RECHECK, max(0.0, deadline - loop.time())))
            left = workspace in backend.wakeups.left
            if not woke and not left and loop.time() >= deadline:
                return False
            await authorize(request, workspace)
            if woke or left:
                return True
        return False

    async def events(request: Request) -> Response:
        workspace = request.path_params["workspace"]
        _, token = await authorize(request, workspace)
        backend.wakeups.changed(workspace, await backend.head(workspace))

        async def stream() -> AsyncIterator[str]:
            loop = asyncio.get_running_loop()
            last = -1
            yield "retry: 1000\n\n"
            sent = loop.time()
            while not backend.wakeups.closing:
                head = backend.wakeups.heads.get(workspace, 0)
                if head != last:
                    last = head
                    yield f'event: changed\ndata: {{"head":{head}}}\n\n'
                    sent = loop.time()
                woke = await backend.wakeups.wait(workspace, last, TOKEN_RECHECK, or_touched=True)
                # A revoked token's open stream ends within TOKEN_RECHECK, whether or not anything changes;
                # sooner when the revocation is a commit the backend sees (a file's).  New operations may
                # have removed the member or made them a guest: then the whole check a request gets.
                try:
                    if woke:
                        await authorize(request, workspace)
                    elif workspace in backend.wakeups.left:
                        # The served file's publish: its 410 ends the stream, and the replica's round asked at once
                        # hears where the team went, where it heard at its next poll.
                        await read_page(workspace, max(last, 0), 1)
                    elif await backend.authenticate(token) is None:
                        raise ApiError(401, "invalid_token", REVOKED)  # it was live when the stream began
                except BackendError:
                    return  # the store is away: the client reconnects and hears a 503
                except ApiError as exc:
                    yield f"event: revoked\ndata: {json.dumps({'error': exc.code, 'message': exc.message})}\n\n"
                    return
                if not woke and loop.time() - sent >= KEEPALIVE:
                    yield ": keep-alive\n\n"
                    sent = loop.time()

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.code, exc.message, exc.headers, **exc.extra)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        # A path is the caller's to make as long as it likes: quoted in full, a 100 kB URL is a 100 kB answer.
        path = request.url.path if len(request.url.path) <= QUOTED_PATH else request.url.path[:QUOTED_PATH] + "…"
        message = {
            404: f"no such endpoint: {path} (see /openapi.json)",
            405: f"{request.method} is not allowed on {path}",
        }
        return error_response(exc.status_code, code, message.get(exc.status_code, str(exc.detail)), exc.headers)

    # The store's last reason logged: an outage is one log line (one more whenever its reason changes), not one a request.
    logged_reason = ""

    async def on_backend_error(request: Request, exc: Exception) -> Response:
        nonlocal logged_reason
        assert isinstance(exc, BackendError)
        if exc.reason != logged_reason:
            logged_reason = exc.reason
            log.warning("503 on %s %s: %s: %s", request.method, request.url.path, exc.message, exc.reason)
        return error_response(503, "unavailable", exc.message, {"Retry-After": "1"})

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "the server failed on this request; it has been logged")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await backend.start()
        try:
            yield
        finally:
            await backend.stop()

    routes = [
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/me", me, methods=["GET"]),
        Route("/v1/w/{workspace}/push", push, methods=["POST"]),
        Route("/v1/w/{workspace}/ops", pull, methods=["GET"]),
        Route("/v1/w/{workspace}/events", events, methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(Announcing)],
        exception_handlers={
            ApiError: on_api_error,
            HTTPException: on_http_error,
            BackendError: on_backend_error,
            Exception: on_crash,
        },
    )
