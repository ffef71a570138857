"""Features Vault lacks, under /api/{v}/ext/ so they never collide with a Vault path."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from actionvault.api.endpoints import DOWNLOAD_HEADERS, RequestContext, endpoint
from actionvault.api.params import number, whole_number
from actionvault.errors import InvalidData
from actionvault.services.audit import events_as_csv

#: Timestamps a trail can hold: from 1970 to the year 5000.
_LATEST = 95_617_584_000.0


async def audit_trail(context: RequestContext) -> dict[str, Any] | Response:
    query = context.request.query_params
    events = await context.services.audit.events(
        context.user,
        since=number(query, "since", 0.0, minimum=0.0, maximum=_LATEST),
        kind=query.get("kind") or None,
        user_id=whole_number(query, "user_id", 0, minimum=1) or None,
        after=whole_number(query, "after", 0),
        limit=whole_number(query, "limit", 1000, minimum=1, maximum=10_000),
    )
    if query.get("format") == "csv":
        return Response(
            events_as_csv(events),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="audit.csv"',
                "X-VaultAPI-Status": "SUCCESS",
                **DOWNLOAD_HEADERS,
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


async def define_agent(context: RequestContext) -> dict[str, Any]:
    body = await context.request.body()
    if not body.strip():
        raise InvalidData("Send the agent's YAML definition as the request body.")
    if len(body) > _MAX_DEFINITION_BYTES:
        raise InvalidData("The definition is too large.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidData("The definition must be UTF-8 text.") from None
    agent = await context.services.agents.define(context.user, text)
    return {
        "agent": {
            "name": agent.name,
            "label": agent.label,
            "url": f"/api/{context.version}/services/ai/agents/{agent.name}",
        }
    }


async def remove_agent(context: RequestContext) -> dict[str, Any]:
    await context.services.agents.remove(context.user, context.request.path_params["agent_name"])
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
