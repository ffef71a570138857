"""Execution events as Server-Sent Events: one execution's, or every one the caller may see.

Each event is sent with its log id as the SSE `id`, so that a client reconnecting with
`Last-Event-ID` (or `?after=`) resumes exactly after the last event it received. Errors found
before the stream starts (a bad id, an execution the caller may not see) answer as every other
call does, with a Vault envelope.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
from starlette.responses import StreamingResponse
from starlette.routing import Route

from actionvault.api.endpoints import RequestContext, endpoint
from actionvault.domain.event_wire import event_wire
from actionvault.domain.events import EVENT_TYPES_BY_STATUS, EventType, ExecutionEvent
from actionvault.errors import InvalidData

#: Tells EventSource clients how soon to reconnect after a dropped connection (ms).
_RETRY_MS = 2000
_HEADERS = {
    "Cache-Control": "no-cache",
    # Proxies that buffer responses (nginx) would hold events back.
    "X-Accel-Buffering": "no",
}


def sse_frame(event: ExecutionEvent | None) -> bytes:
    """One SSE message, or a comment line (a heartbeat) for None."""
    if event is None:
        return b": heartbeat\n\n"
    data = orjson.dumps(event_wire(event))
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (event.id, event.type.value.encode(), data)


def _resume_point(context: RequestContext) -> int | None:
    """Where the client left off: Last-Event-ID (a reconnect) wins over ?after=."""
    header = context.request.headers.get("last-event-id")
    name, raw = ("Last-Event-ID", header) if header else ("after", None)
    if raw is None:
        raw = context.request.query_params.get("after") or None
    if raw is None:
        return None
    if not raw.strip().isdigit() or len(raw) > 18:
        raise InvalidData.for_parameter(name, raw, "use the id of the last event received")
    return int(raw)


def _stream(frames: AsyncIterator[ExecutionEvent | None]) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        yield b"retry: %d\n\n" % _RETRY_MS
        async for event in frames:
            yield sse_frame(event)

    return StreamingResponse(body(), media_type="text/event-stream", headers=_HEADERS)


async def execution_events(context: RequestContext) -> StreamingResponse:
    execution_id = context.request.path_params["execution_id"]
    events = context.services.events
    after = _resume_point(context) or 0
    # Refused before the response starts, so that the refusal is an envelope.
    return _stream(await events.of_execution(context.user, execution_id, after))


def _listed(context: RequestContext, name: str) -> list[str]:
    """The values of a query parameter given once or more, each comma-separated."""
    return [
        part.strip()
        for raw in context.request.query_params.getlist(name)
        for part in raw.split(",")
        if part.strip()
    ]


def _types(context: RequestContext) -> frozenset[EventType] | None:
    types, states = _listed(context, "type"), _listed(context, "state")
    if not types and not states:
        return None
    wanted: set[EventType] = set()
    for name in types:
        try:
            wanted.add(EventType(name.lower()))
        except ValueError:
            kinds = ", ".join(t.value for t in EventType)
            raise InvalidData.for_parameter("type", name, f"use one of {kinds}") from None
    for name in states:
        found = EVENT_TYPES_BY_STATUS.get(name.upper())
        if found is None:
            states_known = ", ".join(EVENT_TYPES_BY_STATUS)
            raise InvalidData.for_parameter("state", name, f"use one of {states_known}")
        wanted |= found
    return frozenset(wanted)


async def all_events(context: RequestContext) -> StreamingResponse:
    query = context.request.query_params
    events = context.services.events
    which = events.visible_filter(
        context.user,
        agent_name=query.get("agent") or None,
        action_name=query.get("action") or None,
        types=_types(context),
    )
    return _stream(events.everything(which, _resume_point(context)))


ROUTES = [
    Route(
        "/api/{version}/ext/executions/{execution_id}/events",
        endpoint(execution_events, ai=False),
        methods=["GET"],
    ),
    Route("/api/{version}/ext/events", endpoint(all_events, ai=False), methods=["GET"]),
]
