"""create_app: the ASGI application, its routes, and an envelope for every path and crash."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from actionvault import console
from actionvault.api import envelope, health, mcp, metrics, openapi
from actionvault.api.auth import session_id_from_header
from actionvault.api.bodies import BodyLimit
from actionvault.api.endpoints import BurstCounter, next_request_id, respond
from actionvault.api.routes import (
    agents,
    auth,
    chats,
    documents,
    events,
    executions,
    extensions,
    records,
    users,
    webhooks,
)
from actionvault.domain.principals import Principal
from actionvault.errors import ActionVaultError, MalformedUrl, MethodNotSupported
from actionvault.observability import logs, tracing
from actionvault.observability import metrics as recorded
from actionvault.runtime import Runtime

log = logging.getLogger("actionvault.api")


class VaultApp:
    """The ASGI application: lifespan, routing, and an envelope for every path and crash.

    Routing is a short loop over the routes' compiled patterns. Starlette's application and
    router would add two exception middlewares, a send wrapper per layer and slash redirects,
    none of which an envelope API needs, on every request of a hot polling path.
    """

    def __init__(
        self, routes: list[Route], runtime: Runtime, *, manage_runtime: bool = True
    ) -> None:
        self.state = State()
        self.state.runtime = runtime
        self.state.burst = BurstCounter(runtime.settings.burst_limit)
        self._runtime = runtime
        self._manage_runtime = manage_runtime
        self.routes = tuple(routes)
        self._routes = [
            (
                route.path_regex,
                route.param_convertors,
                route.methods or set(),
                route.endpoint,
                route.path,
            )
            for route in routes
        ]
        self._count_requests = runtime.settings.metrics_enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets here
        scope["app"] = self
        request_id = next_request_id()
        logs.request_id.set(request_id)  # this request's task: its lines carry it
        if not tracing.enabled():
            await self._serve(scope, receive, send)
            return
        headers = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in (b"traceparent", b"tracestate")
        }
        if not tracing.sample_request("traceparent" in headers):
            await self._serve(scope, receive, send)
            return
        method = scope["method"]
        with tracing.span(method, kind="server", headers=headers) as current:
            status = await self._serve(scope, receive, send)
            if current is None:
                return  # not sampled
            route = scope.get("route_template", "unmatched")
            current.update_name(f"{method} {route}")
            tracing.set_attributes(
                current,
                **{
                    "http.request.method": method,
                    "http.route": route,
                    "vault.response_status": status,
                    "vault.request_id": request_id,
                },
            )

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> str:
        """Answer one request; the answer's responseStatus (or HTTP status)."""
        started = False
        status = "EXCEPTION"
        began = time.perf_counter()

        async def tracking_send(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started = True
                status = _status_of(message)
            await send(message)

        try:
            response = await self._handle(scope, receive)
            await response(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error on %s", scope.get("path"))
            if started:
                raise
            response = respond(
                Request(scope),
                envelope.exception(
                    "An unexpected error occurred on the server; it has been logged."
                ),
            )
            await response(scope, receive, send)
        finally:
            if self._count_requests:
                route = scope.get("route_template", "unmatched")
                recorded.http_request(scope["method"], route, status, time.perf_counter() - began)
        return status

    async def _handle(self, scope: Scope, receive: Receive) -> Response:
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        method: str = scope["method"]
        allowed = False
        for pattern, convertors, methods, handler, template in self._routes:
            match = pattern.match(path)
            if match is None:
                continue
            if method not in methods:
                allowed = True
                continue
            scope["route_template"] = template
            scope["path_params"] = {
                name: convertors[name].convert(value) for name, value in match.groupdict().items()
            }
            body = BodyLimit(receive, self._runtime.settings, scope["headers"])
            response: Response = await handler(Request(scope, body))
            return response
        request = Request(scope, receive)
        error: ActionVaultError
        if allowed:
            error = MethodNotSupported(f"The method [{method}] is not supported on [{path}]")
        else:
            error = MalformedUrl(f"The resource [{path}] does not exist")
        return respond(
            request, envelope.failure(error), self._runtime, await self._session_of(request)
        )

    async def _session_of(self, request: Request) -> Principal | None:
        """The caller of a path no route serves, for the session headers Vault still sends."""
        session_id = session_id_from_header(request.headers.get("authorization"))
        if session_id is None:
            return None
        try:
            return await self._runtime.services.sessions.authenticate(session_id)
        except ActionVaultError:
            return None

    async def _greet_first_administrator(self) -> None:
        """On a new database no one can log in yet: say how to make the first administrator."""
        try:
            page = await self._runtime.stores.users.list_users(1, 0)
        except Exception:  # a server that cannot count its users still serves
            log.debug("could not count users", exc_info=True)
            return
        if page.total == 0:
            settings = self._runtime.settings
            log.warning(
                "This database has no users yet, so no one can log in. Create the first "
                "administrator with: actionvault users add NAME --admin --database-url %s",
                settings.resolved_database_url,
            )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        """Open the runtime at startup and close it at shutdown, when the app owns it."""
        message = await receive()
        assert message["type"] == "lifespan.startup"
        try:
            if self._manage_runtime:
                await self._runtime.__aenter__()
        except Exception as exc:
            log.exception("startup failed")
            await send({"type": "lifespan.startup.failed", "message": str(exc)})
            return
        await send({"type": "lifespan.startup.complete"})
        await self._greet_first_administrator()
        message = await receive()
        assert message["type"] == "lifespan.shutdown"
        try:
            if self._manage_runtime:
                await self._runtime.__aexit__(None, None, None)
        except Exception as exc:
            log.exception("shutdown failed")
            await send({"type": "lifespan.shutdown.failed", "message": str(exc)})
            return
        await send({"type": "lifespan.shutdown.complete"})


def _status_of(message: Message) -> str:
    """The envelope's responseStatus, or the HTTP status of an answer that is not one."""
    for name, value in message.get("headers", ()):
        if name.lower() == b"x-vaultapi-status":
            return bytes(value).decode("latin-1")
    return str(message.get("status", 200))


def create_app(runtime: Runtime, *, manage_runtime: bool = True) -> ASGIApp:
    """The app over a runtime; with `manage_runtime` the app's lifespan opens and closes it."""
    return VaultApp(
        [
            *executions.ROUTES,  # first: execute and status are most of the traffic
            *auth.ROUTES,
            *users.ROUTES,
            *agents.ROUTES,
            *documents.ROUTES,
            *records.ROUTES,
            *extensions.ROUTES,
            *chats.ROUTES,
            *events.ROUTES,
            *webhooks.ROUTES,
            *mcp.ROUTES,
            *health.ROUTES,
            *openapi.ROUTES,
            *(metrics.ROUTES if runtime.settings.metrics_enabled else []),
            *(console.ROUTES if runtime.settings.console_enabled else []),
        ],
        runtime,
        manage_runtime=manage_runtime,
    )
