"""The OpenAPI 3.1 description of the API, made from the routes the app serves and the
operations table beside them (`api/descriptions.py`), served at `/api/{v}/ext/openapi.json`.

Every answer of a Vault path is a Vault envelope with HTTP 200: success and failure alike, so
each operation has one response whose schema is the envelope, errors included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actionvault import __version__
from actionvault.api.descriptions import OPERATIONS, Operation
from actionvault.api.versions import SUPPORTED_VERSIONS
from actionvault.console.web import PREFIX as CONSOLE_PREFIX
from actionvault.errors import ActionVaultError

_PARAM = re.compile(r"{(\w+)(?::\w+)?}")
_REF = "#/components/schemas/"


def route_operations(routes: Iterable[Route]) -> list[tuple[str, str]]:
    """(method, path template) of every operation the routes serve; HEAD goes with GET.

    The console's pages are HTML for people, not operations of the API: docs/console.md
    describes them."""
    found: list[tuple[str, str]] = []
    for route in routes:
        if route.path == CONSOLE_PREFIX or route.path.startswith(f"{CONSOLE_PREFIX}/"):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, _PARAM.sub(r"{\1}", route.path)))
    return found


def error_types() -> list[str]:
    """Every Vault error type the server answers with."""
    types: set[str] = set()
    pending: list[type[ActionVaultError]] = [ActionVaultError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        vault_type = getattr(cls, "vault_type", None)
        if isinstance(vault_type, str):
            types.add(vault_type)
    return sorted(types)


def _path_parameter(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "pattern": "^[^/]+$"}
    if name == "version":
        schema = {"type": "string", "enum": list(SUPPORTED_VERSIONS)}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _body(operation: Operation) -> dict[str, Any] | None:
    if operation.body is None:
        return None
    content: dict[str, Any]
    if operation.body == "yaml":
        content = {"application/yaml": {"schema": {"type": "string"}}}
    elif operation.body == "json" and not operation.fields:
        content = {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}
    else:
        media = {
            "json": "application/json",
            "form": "application/x-www-form-urlencoded",
            "multipart": "multipart/form-data",
        }[operation.body]
        schema: dict[str, Any] = {"type": "object", "properties": operation.fields}
        content = {media: {"schema": schema}}
    return {"required": False, "content": content}


def _responses(operation: Operation) -> dict[str, Any]:
    envelope = {"$ref": f"{_REF}Envelope"}
    if operation.answer == "probe":
        probe = {"application/json": {"schema": {"$ref": f"{_REF}Probe"}}}
        return {
            "200": {"description": "Ready (or live).", "content": probe},
            "503": {"description": "Not ready: the failed checks say why.", "content": probe},
        }
    if operation.answer == "metrics":
        return {
            "200": {
                "description": "The Prometheus text exposition; an envelope when refused.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
    if operation.answer == "jsonrpc":
        message = {"type": "object", "properties": {"jsonrpc": {"const": "2.0"}}}
        return {
            "200": {
                "description": "JSON-RPC 2.0 answers, as JSON or as an event stream.",
                "content": {
                    "application/json": {"schema": message},
                    "text/event-stream": {"schema": {"type": "string"}},
                },
            },
            "202": {"description": "A notification or response, accepted."},
            "401": {
                "description": "No valid session: a JSON-RPC error and WWW-Authenticate.",
                "content": {"application/json": {"schema": message}},
            },
        }
    if operation.answer == "events":
        envelope_content = {"application/json": {"schema": envelope}}
        return {
            "200": {
                "description": "Server-Sent Events (each `data` a JSON event, its `id` the "
                "event id); a Vault envelope when refused.",
                "content": {"text/event-stream": {"schema": {"type": "string"}}} | envelope_content,
            }
        }
    if operation.answer == "openapi":
        return {
            "200": {
                "description": "This document.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    content: dict[str, Any] = {
        "application/json": {"schema": envelope},
        "application/xml": {"schema": envelope},
    }
    if operation.answer == "file":
        content["application/octet-stream"] = {"schema": {"type": "string", "format": "binary"}}
    return {"200": {"description": "A Vault envelope: success or failure.", "content": content}}


def _operation(method: str, path: str, operation: Operation, taken: set[str]) -> dict[str, Any]:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", path.replace("{version}", "")) if w]
    operation_id = "_".join([method.lower(), *words]) or method.lower()
    while operation_id in taken:
        operation_id += "_"
    taken.add(operation_id)
    parameters = [_path_parameter(name) for name in _PARAM.findall(path)]
    parameters += [
        {
            "name": q.name,
            "in": "query",
            "required": q.required,
            "description": q.description,
            "schema": q.schema,
        }
        for q in operation.query
    ]
    described: dict[str, Any] = {
        "operationId": operation_id,
        "summary": operation.summary,
        "tags": [operation.tag],
        "responses": _responses(operation),
    }
    if parameters:
        described["parameters"] = parameters
    body = _body(operation)
    if body is not None:
        described["requestBody"] = body
    if not operation.session:
        described["security"] = []
    return described


def _components() -> dict[str, Any]:
    return {
        "securitySchemes": {
            "session": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "The sessionId from POST /api/{version}/auth, bare or after "
                "'Bearer '.",
            }
        },
        "schemas": {
            "Envelope": {
                "type": "object",
                "description": "Every answer of a Vault path, success or failure, with HTTP 200; "
                "the rest of its keys depend on the operation.",
                "required": ["responseStatus"],
                "properties": {
                    "responseStatus": {
                        "type": "string",
                        "enum": ["SUCCESS", "WARNING", "FAILURE", "EXCEPTION"],
                    },
                    "responseMessage": {"type": "string"},
                    "errorType": {"type": "string"},
                    "errors": {"type": "array", "items": {"$ref": f"{_REF}Error"}},
                },
                "additionalProperties": True,
            },
            "Error": {
                "type": "object",
                "required": ["type", "message"],
                "properties": {
                    "type": {"$ref": f"{_REF}ErrorType"},
                    "message": {"type": "string"},
                },
            },
            "ErrorType": {"type": "string", "enum": error_types()},
            "Probe": {
                "type": "object",
                "required": ["status"],
                "properties": {
                    "status": {"type": "string"},
                    "checks": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
    }


def describe(routes: Iterable[Route]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of these routes. An operation missing from the table is
    described by its route alone, and a test fails for it."""
    paths: dict[str, dict[str, Any]] = {}
    taken: set[str] = set()
    for method, path in route_operations(routes):
        operation = OPERATIONS.get((method, path)) or Operation(f"{method} {path}", "other")
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, operation, taken)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "actionvault",
            "version": __version__,
            "description": "Veeva Vault's AI Agent Actions API, and actionvault's extensions "
            "under /api/{version}/ext. Every answer on a Vault path is an envelope with HTTP "
            "200; failures carry responseStatus FAILURE or EXCEPTION and errors[].",
        },
        "security": [{"session": []}],
        "paths": paths,
        "components": _components(),
    }


async def openapi(request: Request) -> Response:
    state = request.app.state
    document: bytes | None = getattr(state, "openapi", None)
    if document is None:  # made once per app: the routes do not change
        document = state.openapi = orjson.dumps(describe(request.app.routes))
    return Response(document, 200, media_type="application/json")


ROUTES = [Route("/api/{version}/ext/openapi.json", openapi, methods=["GET"])]
