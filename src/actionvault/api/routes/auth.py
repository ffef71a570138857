"""Versions, login, keep-alive, logout and the current user."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actionvault.api import envelope
from actionvault.api.endpoints import Call, endpoint, respond
from actionvault.api.versions import SUPPORTED_VERSIONS
from actionvault.errors import ActionVaultError, InvalidData


async def list_versions(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    values = {version: f"{base}/api/{version}" for version in SUPPORTED_VERSIONS}
    return respond(request, envelope.success({"values": values}))


async def _form(request: Request) -> FormData:
    try:
        return await request.form()
    except ActionVaultError:
        raise  # the body was too large: say so, not that it was malformed
    except Exception:
        raise InvalidData(
            "The login body could not be read; send username and password as "
            "application/x-www-form-urlencoded or multipart/form-data."
        ) from None


async def login(call: Call) -> dict[str, Any]:
    form = await _form(call.request)
    username, password = form.get("username"), form.get("password")
    session_id, user = await call.runtime.sessions.login(
        username if isinstance(username, str) else None,
        password if isinstance(password, str) else None,
        call.client_id,
    )
    settings = call.runtime.settings
    base = str(call.request.base_url).rstrip("/")
    return {
        "sessionId": session_id,
        "userId": user.id,
        "vaultIds": [{"id": settings.vault_id, "name": settings.vault_name, "url": f"{base}/api"}],
        "vaultId": settings.vault_id,
    }


async def keep_alive(call: Call) -> dict[str, Any]:
    await call.runtime.sessions.keep_alive(call.user)
    return {}


async def logout(call: Call) -> dict[str, Any]:
    await call.runtime.sessions.logout(call.user)
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
