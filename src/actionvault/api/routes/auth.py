"""Versions, login, keep-alive, logout and the current user."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actionvault.api import envelope
from actionvault.api.endpoints import RequestContext, endpoint, respond
from actionvault.api.forms import read_form
from actionvault.api.versions import SUPPORTED_VERSIONS


async def list_versions(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    values = {version: f"{base}/api/{version}" for version in SUPPORTED_VERSIONS}
    return respond(request, envelope.success({"values": values}))


async def login(context: RequestContext) -> dict[str, Any]:
    form = await read_form(context.request)
    client = context.request.client
    session_id, user = await context.services.sessions.login(
        form.get("username"),
        form.get("password"),
        context.client_id,
        address=client.host if client else "unknown",
    )
    settings = context.runtime.settings
    base = str(context.request.base_url).rstrip("/")
    return {
        "sessionId": session_id,
        "userId": user.id,
        "vaultIds": [{"id": settings.vault_id, "name": settings.vault_name, "url": f"{base}/api"}],
        "vaultId": settings.vault_id,
    }


async def keep_alive(context: RequestContext) -> dict[str, Any]:
    await context.services.sessions.keep_alive(context.user)
    return {}


async def logout(context: RequestContext) -> dict[str, Any]:
    await context.services.sessions.logout(context.user)
    return {}


ROUTES = [
    Route("/api", list_versions, methods=["GET"]),
    Route("/api/", list_versions, methods=["GET"]),
    Route("/api/{version}/auth", endpoint(login, auth=False, ai=False), methods=["POST"]),
    Route(
        "/api/{version}/keep-alive",
        endpoint(keep_alive, ai=False, api_access=False),
        methods=["POST"],
    ),
    Route(
        "/api/{version}/session", endpoint(logout, ai=False, api_access=False), methods=["DELETE"]
    ),
]
