"""What the route table cannot say about each operation: a summary, its query parameters and
its body. `api/openapi.py` joins this table to the routes the app serves; a test fails when a
route has no entry here, or an entry no route."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Body = Literal["json", "form", "multipart", "yaml"]

_STR: dict[str, Any] = {"type": "string"}
_INT: dict[str, Any] = {"type": "integer", "minimum": 0}


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: dict(_STR))
    required: bool = False


@dataclass(frozen=True, slots=True)
class Operation:
    summary: str
    tag: str
    query: tuple[Query, ...] = ()
    body: Body | None = None
    #: Properties of a JSON or form body (all optional: the server names what is missing).
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    session: bool = True
    #: Answered with a file, a probe's JSON or the metrics text instead of an envelope.
    answer: Literal["envelope", "file", "probe", "metrics", "openapi", "jsonrpc", "events"] = (
        "envelope"
    )


_PAGE = (
    Query("limit", "Items per page.", {"type": "integer", "minimum": 1, "maximum": 1000}),
    Query("offset", "Items to skip.", _INT),
)
_AI = "/api/{version}/services/ai"
_ACTIONS = f"{_AI}/agent_actions"
_DOCS = "/api/{version}/objects/documents"
_VERSION = f"{_DOCS}/{{document_id}}/versions/{{major}}/{{minor}}"
_USERS = "/api/{version}/objects/users"
_USER_FIELDS = {
    name: _STR
    for name in (
        "user_name__v", "password__v", "user_first_name__v", "user_last_name__v",
        "user_email__v", "security_profile__v", "permission_sets", "active__v",
    )
}  # fmt: skip
_DOCUMENT_FIELDS = {
    name: _STR
    for name in ("file", "name__v", "type__v", "title__v", "allow_words__c", "spelling_variant__c")
}

_HOOKS = "/api/{version}/ext/webhooks"
_HOOK = f"{_HOOKS}/{{webhook_id}}"
_HOOK_FIELDS: dict[str, dict[str, Any]] = {
    "url": {"type": "string", "description": "An http(s) URL that receives the webhooks."},
    "event_types": {
        "description": "queued, started, progress, succeeded, failed, cancelled; a list or "
        "comma-separated (default: succeeded, failed, cancelled).",
        "oneOf": [{"type": "array", "items": _STR}, _STR],
    },
    "agent": {"type": "string", "description": 'Only this agent\'s executions ("": any).'},
    "enabled": {"type": "boolean"},
    "description": _STR,
}
WEBHOOK_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("POST", _HOOKS): Operation(
        "Register a webhook; the answer holds its secret (administrators)",
        "webhooks",
        body="json",
        fields=_HOOK_FIELDS,
    ),
    ("GET", _HOOKS): Operation("List the webhooks (administrators)", "webhooks"),
    ("GET", _HOOK): Operation("Retrieve a webhook (administrators)", "webhooks"),
    ("PUT", _HOOK): Operation(
        "Update a webhook (administrators)", "webhooks", body="json", fields=_HOOK_FIELDS
    ),
    ("PATCH", _HOOK): Operation(
        "Update a webhook (administrators)", "webhooks", body="json", fields=_HOOK_FIELDS
    ),
    ("DELETE", _HOOK): Operation(
        "Delete a webhook and its deliveries (administrators)", "webhooks"
    ),
    ("POST", f"{_HOOK}/rotate_secret"): Operation(
        "Replace a webhook's secret; the answer holds the new one (administrators)", "webhooks"
    ),
    ("GET", f"{_HOOK}/deliveries"): Operation(
        "A webhook's deliveries with their attempts, oldest first (administrators)",
        "webhooks",
        query=(
            Query(
                "state",
                "Only deliveries in this state.",
                {"type": "string", "enum": ["pending", "delivering", "succeeded", "failed"]},
            ),
            Query("after", "Only deliveries after this delivery id (paging).", _INT),
            Query(
                "limit", "Deliveries per page.", {"type": "integer", "minimum": 1, "maximum": 1000}
            ),
        ),
    ),
    ("POST", f"{_HOOK}/deliveries/{{delivery_id}}/redeliver"): Operation(
        "Send a delivery again now, with a fresh retry window (administrators)", "webhooks"
    ),
}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/api"): Operation("List the API versions served", "auth", session=False),
    ("GET", "/api/"): Operation("List the API versions served", "auth", session=False),
    ("POST", "/api/{version}/auth"): Operation(
        "Log in with a user name and password; answers a sessionId",
        "auth",
        body="form",
        fields={"username": _STR, "password": _STR},
        session=False,
    ),
    ("POST", "/api/{version}/keep-alive"): Operation("Keep a session alive", "auth"),
    ("DELETE", "/api/{version}/session"): Operation("End a session", "auth"),
    ("GET", f"{_AI}/agents"): Operation(
        "Retrieve all agents",
        "agents",
        query=(
            Query("agent_name", "Only this agent."),
            Query("available_by_user_name", "Only agents this user may run."),
            Query("object", "Only agents scoped to this object."),
            Query("object_type", "Only agents scoped to this object type."),
            Query("document_type", "Only agents scoped to this document type."),
        ),
    ),
    ("GET", f"{_AI}/agents/{{agent_name}}"): Operation("Retrieve an agent", "agents"),
    ("GET", f"{_AI}/agent_actions"): Operation("Retrieve all agent actions", "agents"),
    ("GET", f"{_AI}/agent_action/{{agent_name}}/{{action_name}}"): Operation(
        "Retrieve an agent action", "agents"
    ),
    ("POST", f"{_ACTIONS}/actions/execute"): Operation(
        "Execute an agent action; answers IN_PROGRESS with an executionId",
        "executions",
        body="json",
        fields={
            "agent_name": _STR,
            "action_name": _STR,
            "user_message": _STR,
            "document_id": _STR,
            "object": _STR,
            "objecttype": _STR,
            "record_id": _STR,
            "external_id": _STR,
            "chat_id": _STR,
        },
    ),
    ("GET", f"{_ACTIONS}/status"): Operation(
        "Retrieve an execution's status and outputs",
        "executions",
        query=(
            Query("execution_id", "The execution's id (VAB followed by 12 digits)."),
            Query("external_id", "The external id given at execute."),
        ),
    ),
    ("POST", f"{_ACTIONS}/actions/cancel"): Operation(
        "Cancel a queued or running execution",
        "executions",
        body="json",
        fields={"execution_id": _STR},
    ),
    ("GET", "/api/{version}"): Operation("List the resources of an API version", "auth"),
    ("GET", "/api/{version}/"): Operation("List the resources of an API version", "auth"),
    ("GET", _DOCS): Operation(
        "Retrieve all documents the caller may see",
        "documents",
        query=(
            Query(
                "limit", "Documents per page.", {"type": "integer", "minimum": 1, "maximum": 1000}
            ),
            Query("start", "Documents to skip (Vault's name).", _INT),
            Query("offset", "Documents to skip.", _INT),
            Query("named_filter", "`My Documents` or `Recent Documents`."),
            Query("sort", "A field and a direction, e.g. `name__v asc`."),
        ),
    ),
    ("POST", "/api/ai/mcp"): Operation(
        "MCP: a JSON-RPC request, notification or batch (Streamable HTTP transport)",
        "mcp",
        body="json",
        answer="jsonrpc",
    ),
    ("GET", "/api/ai/mcp"): Operation(
        "MCP: the server-to-client event stream of a session", "mcp", answer="jsonrpc"
    ),
    ("DELETE", "/api/ai/mcp"): Operation("MCP: end a session", "mcp", answer="jsonrpc"),
    ("POST", _DOCS): Operation(
        "Create a document from an uploaded file",
        "content",
        body="multipart",
        fields=_DOCUMENT_FIELDS,
    ),
    ("GET", f"{_DOCS}/{{document_id}}"): Operation("Retrieve a document", "content"),
    ("POST", f"{_DOCS}/{{document_id}}"): Operation(
        "Add a version to a document", "content", body="multipart", fields=_DOCUMENT_FIELDS
    ),
    ("GET", f"{_DOCS}/{{document_id}}/file"): Operation(
        "Download a document's latest file", "content", answer="file"
    ),
    ("GET", f"{_DOCS}/{{document_id}}/versions"): Operation(
        "List a document's versions", "content"
    ),
    ("GET", _VERSION): Operation("Retrieve a document version", "content"),
    ("GET", f"{_VERSION}/file"): Operation(
        "Download a document version's file", "content", answer="file"
    ),
    ("POST", "/api/{version}/vobjects/{object_name}"): Operation(
        "Create object records (a JSON list of field maps)", "content", body="json"
    ),
    ("GET", "/api/{version}/vobjects/{object_name}"): Operation(
        "List object records", "content", query=_PAGE
    ),
    ("GET", "/api/{version}/vobjects/{object_name}/{record_id}"): Operation(
        "Retrieve an object record", "content"
    ),
    ("GET", f"{_USERS}/me"): Operation("Retrieve the caller's user", "users"),
    ("POST", f"{_USERS}/me/password"): Operation(
        "Change the caller's password",
        "users",
        body="form",
        fields={"password__v": _STR, "new_password__v": _STR},
    ),
    ("GET", _USERS): Operation("List users", "users", query=_PAGE),
    ("POST", _USERS): Operation("Create a user", "users", body="form", fields=_USER_FIELDS),
    ("GET", f"{_USERS}/{{user_id}}"): Operation("Retrieve a user", "users"),
    ("PUT", f"{_USERS}/{{user_id}}"): Operation(
        "Update a user", "users", body="form", fields=_USER_FIELDS
    ),
    ("GET", "/api/{version}/ext/audit"): Operation(
        "Read the audit trail (administrators)",
        "extensions",
        query=(
            Query("since", "Only events at or after this Unix time.", {"type": "number"}),
            Query("kind", "Only events of this kind."),
            Query("user_id", "Only events of this user.", {"type": "integer", "minimum": 1}),
            Query("after", "Only events after this event id (paging).", _INT),
            Query("limit", "Events per page.", {"type": "integer", "minimum": 1}),
            Query("format", "csv for a CSV file.", {"type": "string", "enum": ["json", "csv"]}),
        ),
    ),
    ("GET", "/api/{version}/ext/executions/{execution_id}/events"): Operation(
        "Stream one execution's events (Server-Sent Events) until its last",
        "events",
        query=(Query("after", "Resume after this event id (Last-Event-ID wins).", _INT),),
        answer="events",
    ),
    ("GET", "/api/{version}/ext/events"): Operation(
        "Stream the events of every execution the caller may see (Server-Sent Events)",
        "events",
        query=(
            Query("after", "Resume after this event id (Last-Event-ID wins); else from now.", _INT),
            Query("agent", "Only executions of this agent."),
            Query("action", "Only executions of this action."),
            Query(
                "type",
                "Only these event types, comma-separated: queued, started, progress, "
                "succeeded, failed, cancelled.",
            ),
            Query(
                "state",
                "Only events reporting these statuses, comma-separated: IN_PROGRESS, "
                "SUCCESS, FAILURE, CANCELLED.",
            ),
        ),
        answer="events",
    ),
    ("POST", "/api/{version}/ext/agents"): Operation(
        "Define or replace an agent from its YAML (administrators)", "extensions", body="yaml"
    ),
    ("DELETE", "/api/{version}/ext/agents/{agent_name}"): Operation(
        "Remove an agent defined through the API (administrators)", "extensions"
    ),
    ("GET", "/api/{version}/ext/chats"): Operation("List the caller's chats", "extensions"),
    ("GET", "/api/{version}/ext/chats/{chat_id}"): Operation(
        "Retrieve a chat and its turns", "extensions"
    ),
    ("DELETE", "/api/{version}/ext/chats/{chat_id}"): Operation("Delete a chat", "extensions"),
    ("GET", "/api/{version}/ext/openapi.json"): Operation(
        "This description of the API", "extensions", session=False, answer="openapi"
    ),
    **WEBHOOK_OPERATIONS,
    ("GET", "/health/live"): Operation(
        "Liveness probe: the process answers", "operations", session=False, answer="probe"
    ),
    ("GET", "/health/ready"): Operation(
        "Readiness probe: database reachable, schema current, workers running",
        "operations",
        session=False,
        answer="probe",
    ),
    ("GET", "/metrics"): Operation(
        "Prometheus metrics (a bearer token, or loopback only)",
        "operations",
        session=False,
        answer="metrics",
    ),
}
