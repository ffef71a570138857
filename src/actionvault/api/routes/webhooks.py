"""Webhooks under /api/{v}/ext/webhooks: register endpoints, read and redeliver deliveries.

Administrators only. Bodies are JSON (`event_types` a list or a comma-separated string) or
form fields; the secret is in the answer of create and rotate_secret, and nowhere else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.routing import Route

from actionvault.api.endpoints import RequestContext, endpoint
from actionvault.api.forms import read_fields
from actionvault.api.params import path_id, whole_number
from actionvault.api.requests import parse_json_object
from actionvault.domain.webhooks import Delivery, Webhook
from actionvault.errors import InvalidData

_FIELDS = ("url", "event_types", "agent", "enabled", "description")


def _time(at: float | None) -> str | None:
    return (
        None if at is None else datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")
    )


def webhook_wire(webhook: Webhook, *, secret: bool = False) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "id": webhook.id,
        "url": webhook.url,
        "eventTypes": sorted(webhook.event_types),
        "agent": webhook.agent_name,
        "enabled": webhook.enabled,
        "description": webhook.description,
        "createdAt": _time(webhook.created_at),
        "updatedAt": _time(webhook.updated_at),
    }
    if secret:
        wire["secret"] = webhook.secret
    return wire


def delivery_wire(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "messageId": delivery.message_id,
        "webhookId": delivery.webhook_id,
        "eventId": delivery.event_id,
        "state": delivery.state.value,
        "attempts": delivery.attempts,
        "nextAttemptAt": _time(delivery.next_attempt_at) if delivery.finished_at is None else None,
        "lastAttemptAt": _time(delivery.last_attempt_at),
        "lastStatusCode": delivery.last_status,
        "lastError": delivery.last_error,
        "lastResponseMs": (
            round(delivery.last_response_ms, 1) if delivery.last_response_ms is not None else None
        ),
        "createdAt": _time(delivery.created_at),
        "finishedAt": _time(delivery.finished_at),
        "attemptLog": [
            {
                "attempt": record.attempt,
                "at": _time(record.at),
                "statusCode": record.status,
                "error": record.error,
                "responseMs": (
                    round(record.response_ms, 1) if record.response_ms is not None else None
                ),
            }
            for record in delivery.history
        ],
    }


async def _body(context: RequestContext) -> dict[str, Any]:
    """The fields given, from JSON or a form; unknown ones are refused by name."""
    request = context.request
    if request.headers.get("content-type", "").lower().startswith("application/json"):
        raw = await request.body()
        body = parse_json_object(raw) if raw.strip() else {}
    else:
        async with read_fields(request) as (fields, _):
            body = dict(fields)
    for name in body:
        if name not in _FIELDS:
            raise InvalidData(
                f"Unknown parameter [{name[:60]}]; a webhook takes {', '.join(_FIELDS)}"
            )
    return body


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None or isinstance(value, str):
        return value
    raise InvalidData.for_parameter(name, str(value)[:60], "expected text")


def _types(body: dict[str, Any]) -> list[str] | None:
    value = body.get("event_types")
    if value is None:
        return None
    if isinstance(value, str):
        return [part for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise InvalidData.for_parameter(
        "event_types", str(value)[:60], "a list of event types, or them separated by commas"
    )


def _flag(body: dict[str, Any]) -> bool | None:
    value = body.get("enabled")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InvalidData.for_parameter("enabled", str(value)[:60], "expected true or false")


def _webhook_id(context: RequestContext) -> int:
    return path_id(context.request.path_params["webhook_id"], "Webhook")


async def create_webhook(context: RequestContext) -> dict[str, Any]:
    body = await _body(context)
    enabled = _flag(body)
    webhook = await context.services.webhooks.create(
        context.user,
        url=_text(body, "url"),
        event_types=_types(body),
        agent_name=_text(body, "agent"),
        enabled=True if enabled is None else enabled,
        description=_text(body, "description") or "",
    )
    return {"data": webhook_wire(webhook, secret=True)}


async def list_webhooks(context: RequestContext) -> dict[str, Any]:
    webhooks = await context.services.webhooks.all(context.user)
    return {"data": [webhook_wire(w) for w in webhooks]}


async def retrieve_webhook(context: RequestContext) -> dict[str, Any]:
    webhook = await context.services.webhooks.get(context.user, _webhook_id(context))
    return {"data": webhook_wire(webhook)}


async def update_webhook(context: RequestContext) -> dict[str, Any]:
    body = await _body(context)
    webhook = await context.services.webhooks.update(
        context.user,
        _webhook_id(context),
        url=_text(body, "url"),
        event_types=_types(body),
        agent_name=_text(body, "agent"),
        enabled=_flag(body),
        description=_text(body, "description"),
    )
    return {"data": webhook_wire(webhook)}


async def delete_webhook(context: RequestContext) -> dict[str, Any]:
    await context.services.webhooks.delete(context.user, _webhook_id(context))
    return {}


async def rotate_secret(context: RequestContext) -> dict[str, Any]:
    webhook = await context.services.webhooks.rotate_secret(context.user, _webhook_id(context))
    return {"data": webhook_wire(webhook, secret=True)}


async def list_deliveries(context: RequestContext) -> dict[str, Any]:
    query = context.request.query_params
    deliveries = await context.services.webhooks.deliveries(
        context.user,
        _webhook_id(context),
        state=query.get("state") or None,
        after=whole_number(query, "after", 0),
        limit=whole_number(query, "limit", 100, minimum=1, maximum=1000),
    )
    return {"data": [delivery_wire(d) for d in deliveries]}


async def redeliver(context: RequestContext) -> dict[str, Any]:
    delivery_id = path_id(context.request.path_params["delivery_id"], "Delivery")
    delivery = await context.services.webhooks.redeliver(
        context.user, _webhook_id(context), delivery_id
    )
    return {"data": delivery_wire(delivery)}


_HOOKS = "/api/{version}/ext/webhooks"
_ONE = f"{_HOOKS}/{{webhook_id}}"
ROUTES = [
    Route(_HOOKS, endpoint(create_webhook, ai=False), methods=["POST"]),
    Route(_HOOKS, endpoint(list_webhooks, ai=False), methods=["GET"]),
    Route(_ONE, endpoint(retrieve_webhook, ai=False), methods=["GET"]),
    Route(_ONE, endpoint(update_webhook, ai=False), methods=["PUT", "PATCH"]),
    Route(_ONE, endpoint(delete_webhook, ai=False), methods=["DELETE"]),
    Route(f"{_ONE}/rotate_secret", endpoint(rotate_secret, ai=False), methods=["POST"]),
    Route(f"{_ONE}/deliveries", endpoint(list_deliveries, ai=False), methods=["GET"]),
    Route(
        f"{_ONE}/deliveries/{{delivery_id}}/redeliver",
        endpoint(redeliver, ai=False),
        methods=["POST"],
    ),
]
