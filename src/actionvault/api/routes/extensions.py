"""Features Vault lacks, under /api/{v}/ext/ so they never collide with a Vault path."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from actionvault.api.endpoints import Call, endpoint
from actionvault.errors import InvalidData
from actionvault.services.audit import events_as_csv


def _number(call: Call, name: str, default: float) -> float:
    raw = call.request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise InvalidData.for_parameter(name, raw, "expected a number") from None


async def audit_trail(call: Call) -> dict[str, Any] | Response:
    query = call.request.query_params
    events = await call.runtime.audit.events(
        call.user,
        since=_number(call, "since", 0.0),
        kind=query.get("kind") or None,
        user_id=int(_number(call, "user_id", 0)) or None,
        after=int(_number(call, "after", 0)),
        limit=min(max(int(_number(call, "limit", 1000)), 1), 10_000),
    )
    if query.get("format") == "csv":
        return Response(
            events_as_csv(events),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="audit.csv"',
                "X-VaultAPI-Status": "SUCCESS",
            },
        )
    return {
        "events": [
            {
                "id": e.id,
                "at": e.at,
                "kind": e.kind,
                "outcome": e.outcome,
                "userId": e.user_id,
                "username": e.username,
                "subject": e.subject,
                "clientId": e.client_id,
                "detail": e.detail,
            }
            for e in events
        ]
    }


_MAX_DEFINITION_BYTES = 256 * 1024


async def define_agent(call: Call) -> dict[str, Any]:
    body = await call.request.body()
    if not body.strip():
        raise InvalidData("Send the agent's YAML definition as the request body.")
    if len(body) > _MAX_DEFINITION_BYTES:
        raise InvalidData("The definition is too large.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidData("The definition must be UTF-8 text.") from None
    agent = await call.runtime.agent_admin.define(call.user, text)
    return {
        "agent": {
            "name": agent.name,
            "label": agent.label,
            "url": f"/api/{call.version}/services/ai/agents/{agent.name}",
        }
    }


async def remove_agent(call: Call) -> dict[str, Any]:
    await call.runtime.agent_admin.remove(call.user, call.request.path_params["agent_name"])
    return {}


ROUTES = [
    Route("/api/{version}/ext/audit", endpoint(audit_trail, ai=False), methods=["GET"]),
    Route("/api/{version}/ext/agents", endpoint(define_agent, ai=False), methods=["POST"]),
    Route(
        "/api/{version}/ext/agents/{agent_name}",
        endpoint(remove_agent, ai=False),
        methods=["DELETE"],
    ),
]
