"""create_app: the ASGI application, its routes, and an envelope for every path and crash."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from actionvault.api import envelope
from actionvault.api.endpoints import BurstCounter, respond
from actionvault.api.routes import (
    agents,
    auth,
    chats,
    documents,
    executions,
    extensions,
    records,
    users,
)
from actionvault.errors import ActionVaultError, MalformedUrl, MethodNotSupported
from actionvault.runtime import Runtime

log = logging.getLogger("actionvault.api")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error: ActionVaultError
    if exc.status_code == 405:
        error = MethodNotSupported(
            f"The method [{request.method}] is not supported on [{request.url.path}]"
        )
    elif exc.status_code == 404:
        error = MalformedUrl(f"The resource [{request.url.path}] does not exist")
    else:
        error = MalformedUrl(f"The request could not be processed: {exc.detail}")
    return respond(request, envelope.failure(error))


class CrashEnvelope:
    """The outermost layer: whatever escapes below still reaches the client as an envelope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error on %s", scope.get("path"))
            if started:
                raise
            request = Request(scope)
            response = respond(
                request,
                envelope.exception(
                    "An unexpected error occurred on the server; it has been logged."
                ),
            )
            await response(scope, receive, send)


def create_app(runtime: Runtime, *, manage_runtime: bool = True) -> ASGIApp:
    """The app over a runtime; with `manage_runtime` the app's lifespan opens and closes it."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_runtime:
            async with runtime:
                yield
        else:
            yield

    app = Starlette(
        routes=[
            *auth.ROUTES,
            *users.ROUTES,
            *agents.ROUTES,
            *executions.ROUTES,
            *documents.ROUTES,
            *records.ROUTES,
            *extensions.ROUTES,
            *chats.ROUTES,
        ],
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.burst = BurstCounter(runtime.settings.burst_limit)
    return CrashEnvelope(app)
