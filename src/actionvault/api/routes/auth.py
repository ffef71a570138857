"""Versions, login, keep-alive, logout and the current user."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actionvault.api import envelope
from actionvault.api.endpoints import RequestContext, endpoint, respond
from actionvault.api.forms import read_form
from actionvault.api.urls import public_base
from actionvault.api.versions import SUPPORTED_VERSIONS
from actionvault.errors import InvalidData

#: What `GET /api/{version}` lists: the resource families this server serves in a version.
_RESOURCES = ("auth", "keep-alive", "session", "objects", "vobjects", "services")


async def list_versions(request: Request) -> Response:
    base = public_base(request, request.app.state.runtime.settings)
    values = {version: f"{base}/api/{version}" for version in SUPPORTED_VERSIONS}
    return respond(request, envelope.success({"values": values}))


async def list_resources(context: RequestContext) -> dict[str, Any]:
    """Vault's answer to `GET /api/{version}`, which clients call to validate a session:
    the version's resources and their URLs."""
    base = f"{public_base(context.request, context.runtime.settings)}/api/{context.version}"
    return {"values": {name: f"{base}/{name}" for name in _RESOURCES}}


async def login(context: RequestContext) -> dict[str, Any]:
    content_type = context.request.headers.get("content-type", "").lower()
    if content_type.startswith("application/json"):
        raise InvalidData(
            "Vault's login takes a form, not JSON: send username and password as "
            "application/x-www-form-urlencoded (curl -d username=... -d password=...) "
            "or multipart/form-data."
        )
    form = await read_form(context.request)
    client = context.request.client
    session_id, user = await context.services.sessions.login(
        form.get("username"),
        form.get("password"),
        context.client_id,
        address=client.host if client else "unknown",
    )
    settings = context.runtime.settings
    base = public_base(context.request, settings)
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
    Route("/api/{version}", endpoint(list_resources, ai=False), methods=["GET"]),
    Route("/api/{version}/", endpoint(list_resources, ai=False), methods=["GET"]),
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
