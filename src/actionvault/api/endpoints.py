"""How a route function becomes an endpoint: version check, session, errors, rendering, headers.

Route functions take a `RequestContext` and return the success payload; everything else that
Vault does the same way on every endpoint happens here once, so no route can forget it.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import Response

from actionvault.api import envelope
from actionvault.api.auth import session_id_from_header, truncated_session_id
from actionvault.api.bodies import BodyLimit
from actionvault.api.params import NUL_MESSAGE, check_query_string
from actionvault.api.rendering import negotiate, render
from actionvault.api.versions import check_version
from actionvault.domain.principals import Principal
from actionvault.errors import ActionVaultError, InvalidData, InvalidSessionId
from actionvault.observability.logs import request_id
from actionvault.runtime import Runtime, Services

log = logging.getLogger("actionvault.api")

#: On every file a route returns instead of an envelope: saved, never sniffed into another
#: type, and, should a browser render it anyway, sandboxed with nothing allowed to load.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
}
_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,100}")
#: A reference id is free-form text for the client's own logs; echoed when it is printable.
_REFERENCE_ID = re.compile(r"[\x20-\x7e]{1,255}")
_BURST_WINDOW = 300.0


@dataclass(slots=True)
class RequestContext:
    """What a route function gets: the request, who made it, and the services to serve it."""

    request: Request
    runtime: Runtime
    version: str
    principal: Principal | None
    client_id: str

    @property
    def services(self) -> Services:
        return self.runtime.services

    @property
    def user(self) -> Principal:
        assert self.principal is not None, "this endpoint has no session"
        return self.principal


RouteFunction = Callable[[RequestContext], Awaitable[dict[str, Any] | Response]]
#: Raises unless the caller may upload a file on this route; runs before the body is read.
UploadCheck = Callable[[RequestContext], Awaitable[None]]


class BurstCounter:
    """Vault's burst limit: calls per fixed five-minute window, reported in headers."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._window = 0
        self._count = 0

    def hit(self, now: float) -> int:
        window = int(now // _BURST_WINDOW)
        if window != self._window:
            self._window, self._count = window, 0
        self._count += 1
        return max(self.limit - self._count, 0)


_REQUEST_PREFIX = uuid.uuid4().hex[:12]
_request_numbers = itertools.count(1)


def next_request_id() -> str:
    """Unique per request across processes (a random process prefix), and cheap to make."""
    return f"{_REQUEST_PREFIX}{next(_request_numbers):012x}"


def client_id_of(request: Request) -> str:
    """The query parameter wins over the header, as in Vault; invalid ids are logged as such."""
    raw = None
    if b"client_id" in request.scope["query_string"]:  # spares parsing most query strings
        raw = request.query_params.get("client_id")
    raw = raw or request.headers.get("x-vaultapi-clientid")
    if raw is None:
        return "unknown"
    return raw if _CLIENT_ID.fullmatch(raw) else "invalid_client_id"


def respond(
    request: Request,
    body: dict[str, Any],
    runtime: Runtime | None = None,
    principal: Principal | None = None,
) -> Response:
    fmt = negotiate(request.headers.get("accept"))
    content, media_type = render(body, fmt)
    headers = {
        "X-VaultAPI-Status": str(body.get("responseStatus", "SUCCESS")),
        "X-VaultAPI-ExecutionId": request_id.get() or next_request_id(),
    }
    counter: BurstCounter | None = getattr(request.app.state, "burst", None)
    if counter is not None:
        headers["X-VaultAPI-BurstLimit"] = str(counter.limit)
        headers["X-VaultAPI-BurstLimitRemaining"] = str(counter.hit(time.time()))
    reference_id = request.headers.get("x-vaultapi-referenceid")
    if reference_id is not None and _REFERENCE_ID.fullmatch(reference_id):
        headers["X-VaultAPI-ReferenceId"] = reference_id
    runtime = runtime or getattr(request.app.state, "runtime", None)
    if runtime is not None:
        headers["X-VaultAPI-VaultId"] = str(runtime.settings.vault_id)
    if principal is not None:
        headers["X-VaultAPI-UserId"] = str(principal.user_id)
        headers["X-VaultAPI-TruncatedSessionId"] = truncated_session_id(principal.session_id)
    return Response(content, status_code=200, media_type=media_type, headers=headers)


def endpoint(
    fn: RouteFunction,
    *,
    auth: bool = True,
    ai: bool = True,
    api_access: bool = True,
    upload: UploadCheck | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a route function. `ai` marks the AI endpoints (v25.2 and later); `api_access`
    requires Vault's API permission, which keep-alive and logout do not need. `upload` marks
    a route that takes a file: once it has passed, the body may be as large as a file."""

    async def handle(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        principal: Principal | None = None
        client_id = client_id_of(request)
        body_limit = request.receive if isinstance(request.receive, BodyLimit) else None
        try:
            scope = request.scope
            if "\x00" in unquote(scope["path"]):
                raise InvalidData(NUL_MESSAGE)
            check_query_string(scope["query_string"])
            version = request.path_params.get("version", "")
            check_version(version, ai=ai)
            if auth:
                session_id = session_id_from_header(request.headers.get("authorization"))
                if session_id is None:
                    raise InvalidSessionId()
                principal = await runtime.services.sessions.authenticate(session_id)
                if api_access:
                    runtime.services.sessions.require_api_access(principal)
            context = RequestContext(request, runtime, version, principal, client_id)
            if body_limit is not None:
                if upload is not None:
                    await upload(context)
                    body_limit.allow_upload(runtime.settings)
                body_limit.check_declared()
            payload = await fn(context)
            if isinstance(payload, Response):
                return payload  # a file download: not an envelope
            body = envelope.success(payload)
        except ActionVaultError as exc:
            body = envelope.failure(exc)
            if exc.response_status == "EXCEPTION":
                log.warning("%s %s: %s", request.method, request.scope["path"], exc.message)
        except Exception:
            log.exception("%s %s failed", request.method, request.scope["path"])
            body = envelope.exception(
                "An unexpected error occurred on the server; it has been logged."
            )
        log.info(
            "%s %s %s user=%s client=%s",
            request.method,
            request.scope["path"],
            body.get("responseStatus"),
            principal.user_id if principal else "-",
            client_id,
        )
        response = respond(request, body, runtime, principal)
        if body_limit is not None and body_limit.left_unread:
            response.headers["Connection"] = "close"
        return response

    handle.__name__ = fn.__name__
    return handle
