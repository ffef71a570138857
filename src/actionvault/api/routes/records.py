"""Vault's object record calls, as a faithful subset: create (many at once), retrieve, list."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from actionvault.api.endpoints import RequestContext, endpoint
from actionvault.api.params import MAX_OFFSET, whole_number
from actionvault.api.requests import parse_json_body
from actionvault.domain.content import ObjectRecord
from actionvault.domain.objects import ObjectDefinition
from actionvault.errors import ActionVaultError, InvalidData

_MAX_RECORDS = 500


def _object_details(context: RequestContext, definition: ObjectDefinition) -> dict[str, Any]:
    return {
        "url": f"/api/{context.version}/metadata/vobjects/{definition.name}",
        "label": definition.label,
        "name": definition.name,
        "label_plural": definition.label_plural,
        "prefix": definition.prefix,
    }


def _record_url(context: RequestContext, record: ObjectRecord) -> str:
    return f"/api/{context.version}/vobjects/{record.object_name}/{record.id}"


def record_data(record: ObjectRecord) -> dict[str, Any]:
    from datetime import UTC, datetime

    def iso(moment: float) -> str:
        return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    return {
        "id": record.id,
        "name__v": record.name,
        "object_type__v": record.object_type,
        "created_by__v": record.owner_id,
        "created_date__v": iso(record.created_at),
        "modified_date__v": iso(record.modified_at),
        **{k: v for k, v in record.fields.items() if k != "name__v"},
    }


async def create_records(context: RequestContext) -> dict[str, Any]:
    object_name = context.request.path_params["object_name"]
    context.services.content.object(object_name)
    body = parse_json_body(await context.request.body())
    rows = body if isinstance(body, list) else [body]
    if not rows:
        raise InvalidData("Send a JSON list of records to create")
    if len(rows) > _MAX_RECORDS:
        raise InvalidData(f"At most {_MAX_RECORDS} records can be created at once")
    results = await context.services.content.create_records(context.user, object_name, rows)
    data: list[dict[str, Any]] = []
    for result in results:
        if isinstance(result, ActionVaultError):
            data.append(
                {
                    "responseStatus": "FAILURE",
                    "errors": [{"type": result.vault_type, "message": result.message}],
                }
            )
        else:
            data.append(
                {
                    "responseStatus": "SUCCESS",
                    "data": {"id": result.id, "url": _record_url(context, result)},
                }
            )
    payload: dict[str, Any] = {"data": data}
    if any(item["responseStatus"] == "FAILURE" for item in data):
        payload["responseStatus"] = (
            "WARNING" if any(item["responseStatus"] == "SUCCESS" for item in data) else "FAILURE"
        )
        if payload["responseStatus"] == "FAILURE":
            payload["errors"] = [
                {"type": "INVALID_DATA", "message": "No record was created; see data for each."}
            ]
    return payload


async def retrieve_record(context: RequestContext) -> dict[str, Any]:
    params = context.request.path_params
    content = context.services.content
    record = await content.record(context.user, params["object_name"], params["record_id"])
    definition = content.object(record.object_name)
    roles = await content.record_roles(record.id)
    return {
        "responseDetails": {
            "url": _record_url(context, record),
            "object": _object_details(context, definition),
        },
        "data": record_data(record),
        "manually_assigned_sharing_roles": roles,
    }


async def list_records(context: RequestContext) -> dict[str, Any]:
    object_name = context.request.path_params["object_name"]
    query = context.request.query_params
    limit = whole_number(query, "limit", 200, minimum=1, maximum=1000)
    offset = whole_number(query, "offset", 0, maximum=MAX_OFFSET)
    content = context.services.content
    definition = content.object(object_name)
    records = await content.records(context.user, object_name, limit, offset)
    return {
        "responseDetails": {
            "limit": limit,
            "offset": offset,
            "size": len(records),
            "object": _object_details(context, definition),
        },
        "data": [record_data(r) for r in records],
    }


_RECORDS = "/api/{version}/vobjects/{object_name}"
ROUTES = [
    Route(_RECORDS, endpoint(create_records, ai=False), methods=["POST"]),
    Route(_RECORDS, endpoint(list_records, ai=False), methods=["GET"]),
    Route(f"{_RECORDS}/{{record_id}}", endpoint(retrieve_record, ai=False), methods=["GET"]),
]
