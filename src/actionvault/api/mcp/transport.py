"""The MCP endpoint over Streamable HTTP: POST for messages, GET for the server's stream, DELETE
to end a session. Authentication, sessions, Accept negotiation and SSE framing happen here;
what each method does is in `methods`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from actionvault.api.auth import session_id_from_header
from actionvault.api.bodies import BodyLimit
from actionvault.api.mcp import methods
from actionvault.api.mcp.methods import McpContext
from actionvault.api.mcp.protocol import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    PROTOCOL_VERSIONS,
    SESSION_NOT_FOUND,
    SSE_KEEPALIVE,
    UNAUTHORIZED,
    Message,
    RpcError,
    dumps,
    notification,
    parse_body,
    sse_event,
)
from actionvault.domain.principals import Principal
from actionvault.errors import (
    InsufficientAccess,
    InvalidData,
    InvalidSessionId,
    ServiceUnavailable,
)
from actionvault.runtime import Runtime
from actionvault.services.mcp import UnknownMcpSession

log = logging.getLogger("actionvault.mcp")

PATH = "/api/ai/mcp"
_JSON = "application/json"
_SSE = "text/event-stream"
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
#: How often the server's stream looks for a changed tool list, and re-reads its session.
_WATCH_SECONDS = 0.5
_SESSION_CHECK_SECONDS = 5.0
_KEEPALIVE_SECONDS = 15.0
_STREAM_HEADERS = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}


class _Refused(Exception):
    """An HTTP-level refusal: a status and the JSON-RPC error body that explains it."""

    def __init__(self, status: int, error: RpcError, headers: dict[str, str] | None = None):
        super().__init__(error.message)
        self.status = status
        self.error = error
        self.headers = headers or {}


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(body), status_code=status, media_type=_JSON, headers=headers)


def _refusal(exc: _Refused, request_id: object) -> Response:
    rid = request_id if isinstance(request_id, str | int) else None
    return _json(exc.error.body(rid), exc.status, exc.headers)


def _peek_id(body: bytes) -> object:
    """The request's id for an error answer, when the body is one readable request."""
    try:
        return parse_body(body)[0][0].id
    except (RpcError, IndexError):
        return None


def _accepts(request: Request) -> tuple[bool, bool]:
    """(JSON, SSE): what the client takes. No Accept, or */*, takes JSON."""
    accept = request.headers.get("accept", "")
    types = {part.split(";")[0].strip().lower() for part in accept.split(",") if part.strip()}
    return not types or _JSON in types or "*/*" in types or "application/*" in types, _SSE in types


def _check_origin(request: Request) -> None:
    """Refuse browsers on other sites (DNS rebinding); clients that are not browsers send none."""
    origin = request.headers.get("origin")
    if not origin:
        return
    origin_host = urlsplit(origin).hostname
    server_host = request.url.hostname
    if origin_host == server_host or (origin_host in _LOOPBACK and server_host in _LOOPBACK):
        return
    raise _Refused(403, RpcError(INVALID_REQUEST, f"Forbidden: origin [{origin}] not allowed"))


async def _authenticate(request: Request, runtime: Runtime) -> Principal:
    session_id = session_id_from_header(request.headers.get("authorization"))
    if session_id is None:
        raise _Refused(
            401,
            RpcError(
                UNAUTHORIZED,
                "Unauthorized: send Authorization: Bearer {sessionId}, the sessionId that "
                "POST /api/{version}/auth answers",
            ),
            {"WWW-Authenticate": 'Bearer realm="actionvault"'},
        )
    try:
        principal = await runtime.services.sessions.authenticate(session_id)
    except InvalidSessionId as exc:
        raise _Refused(
            401,
            RpcError(UNAUTHORIZED, f"Unauthorized: {exc.message} Log in again."),
            {"WWW-Authenticate": 'Bearer realm="actionvault", error="invalid_token"'},
        ) from None
    try:
        runtime.services.sessions.require_api_access(principal)
    except InsufficientAccess as exc:
        raise _Refused(403, RpcError(UNAUTHORIZED, f"Forbidden: {exc.message}")) from None
    return principal


async def _context(request: Request, runtime: Runtime, principal: Principal) -> McpContext:
    session_id = request.headers.get("mcp-session-id")
    if not session_id:
        raise _Refused(
            400,
            RpcError(
                INVALID_REQUEST,
                "Bad Request: the Mcp-Session-Id header is required; send initialize first",
            ),
        )
    try:
        session = await runtime.services.mcp.session(principal, session_id)
    except UnknownMcpSession:
        raise _Refused(
            404,
            RpcError(
                SESSION_NOT_FOUND,
                "Not Found: no such MCP session (it ended or expired); send initialize again",
            ),
        ) from None
    version = request.headers.get("mcp-protocol-version")
    if version is not None and version not in PROTOCOL_VERSIONS:
        raise _Refused(
            400,
            RpcError(
                INVALID_REQUEST,
                f"Bad Request: unsupported MCP-Protocol-Version [{version}]; "
                f"this server speaks {', '.join(PROTOCOL_VERSIONS)}",
            ),
        )
    return McpContext(runtime, principal, session, str(request.base_url).rstrip("/"))


async def _read_body(request: Request, limit: BodyLimit | None) -> bytes:
    """The body, within max_body_bytes; read only once the caller is known (as on REST)."""
    try:
        if limit is not None:
            limit.check_declared()
        return await request.body()
    except InvalidData as exc:
        if limit is None or not limit.exceeded:
            raise
        error = RpcError(INVALID_REQUEST, f"Payload Too Large: {exc.message}")
        raise _Refused(413, error) from None


async def handle(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    limit = request.receive if isinstance(request.receive, BodyLimit) else None
    try:
        response = await _handle(request, runtime, limit)
    except _Refused as exc:
        response = _refusal(exc, None)
    except UnknownMcpSession:
        response = _refusal(_Refused(404, RpcError(SESSION_NOT_FOUND, "Not Found")), None)
    except ServiceUnavailable as exc:
        error = RpcError(INTERNAL_ERROR, exc.message)
        response = _refusal(_Refused(503, error, {"Retry-After": "5"}), None)
    except Exception:
        log.exception("MCP %s failed", request.method)
        error = RpcError(INTERNAL_ERROR, "Internal error on the server; it has been logged.")
        response = _refusal(_Refused(500, error), None)
    if limit is not None and limit.left_unread:
        response.headers["Connection"] = "close"
    return response


async def _handle(request: Request, runtime: Runtime, limit: BodyLimit | None) -> Response:
    _check_origin(request)
    principal = await _authenticate(request, runtime)
    if request.method == "POST":
        body = await _read_body(request, limit)
        try:
            return await _post(request, runtime, principal, body)
        except _Refused as exc:
            return _refusal(exc, _peek_id(body))
    if request.method == "GET":
        return await _get(request, runtime, principal)
    context = await _context(request, runtime, principal)
    await runtime.services.mcp.end_session(principal, request.headers["mcp-session-id"])
    log.info("MCP session of user %s ended", context.principal.user_id)
    return Response(status_code=204)


async def _post(request: Request, runtime: Runtime, principal: Principal, body: bytes) -> Response:
    try:
        messages, batch = parse_body(body)
    except RpcError as exc:
        raise _Refused(400, exc) from None
    takes_json, takes_sse = _accepts(request)
    if not takes_json and not takes_sse:
        raise _Refused(
            406,
            RpcError(INVALID_REQUEST, "Not Acceptable: take application/json or text/event-stream"),
        )
    if any(message.method == "initialize" for message in messages):
        if batch:
            raise _Refused(400, RpcError(INVALID_REQUEST, "Invalid Request: initialize alone"))
        session_id, answer = await methods.initialize(runtime, principal, messages[0])
        return _reply(answer, takes_json, {"Mcp-Session-Id": session_id})
    context = await _context(request, runtime, principal)
    answers: list[dict[str, Any]] = []
    for message in messages:
        log.info(
            "MCP %s user=%s client=%s",
            message.method or "answer",
            principal.user_id,
            context.session.client_id,
        )
        if message.is_notification:
            await methods.notify(context, message)
        elif message.is_request:
            if not batch and takes_sse and methods.streams(message):
                return await _stream(context, message)
            answers.append(await methods.answer(context, message))
    if not answers:
        return Response(status_code=202)
    return _reply(answers if batch else answers[0], takes_json)


def _reply(answer: Any, takes_json: bool, headers: dict[str, str] | None = None) -> Response:
    if takes_json:
        return _json(answer, headers=headers)

    async def one() -> AsyncIterator[bytes]:
        yield sse_event(answer)

    return StreamingResponse(one(), media_type=_SSE, headers={**_STREAM_HEADERS, **(headers or {})})


async def _stream(context: McpContext, message: Message) -> Response:
    """A tools/call answered as SSE: progress notifications while it runs, then the result."""
    started = await methods.start_call(context, message)
    if isinstance(started, dict):
        return _json(started)  # refused before it began: a plain answer

    async def events() -> AsyncIterator[bytes]:
        async for outgoing in methods.follow_call(context, message, started):
            yield sse_event(outgoing)

    return StreamingResponse(events(), media_type=_SSE, headers=_STREAM_HEADERS)


async def _get(request: Request, runtime: Runtime, principal: Principal) -> Response:
    if not _accepts(request)[1]:
        raise _Refused(406, RpcError(INVALID_REQUEST, "Not Acceptable: accept text/event-stream"))
    context = await _context(request, runtime, principal)
    session_id = request.headers["mcp-session-id"]
    authorization = request.headers.get("authorization")
    return StreamingResponse(
        _listen(context, session_id, authorization), media_type=_SSE, headers=_STREAM_HEADERS
    )


async def _listen(
    context: McpContext, session_id: str, authorization: str | None
) -> AsyncIterator[bytes]:
    """The server's stream: tools/list_changed when the user's tools change, until the session
    or its Vault session ends, the client goes, or the server stops."""
    mcp = context.runtime.services.mcp
    # `known` is the list the client is taken to have: the one it last fetched, or the one a
    # notification told it to fetch.
    stored = context.session.tools_digest
    known = stored or methods.tools_digest(context)
    checked = last_sent = time.monotonic()
    yield SSE_KEEPALIVE  # sends the headers now, so the client knows the stream is open
    while not mcp.closing.is_set():
        try:
            await asyncio.wait_for(mcp.closing.wait(), _WATCH_SECONDS)
            return
        except TimeoutError:
            pass
        now = time.monotonic()
        if now - checked >= _SESSION_CHECK_SECONDS:
            checked = now
            try:
                principal = await context.runtime.services.sessions.authenticate(
                    session_id_from_header(authorization)
                )
                session = await mcp.session(principal, session_id)
            except (InvalidSessionId, UnknownMcpSession):
                return
            except ServiceUnavailable:
                continue
            if session.tools_digest != stored:  # fetched again since
                stored = session.tools_digest
                known = stored or known
        current = methods.tools_digest(context)
        if current != known:
            known = current
            last_sent = now
            yield sse_event(notification("notifications/tools/list_changed"))
        elif now - last_sent >= _KEEPALIVE_SECONDS:
            last_sent = now
            yield SSE_KEEPALIVE


ROUTES = [Route(PATH, handle, methods=["GET", "POST", "DELETE"])]
