"""Parse request bodies into service inputs; Vault's wire names stop here."""

from __future__ import annotations

import json
from typing import Any

from actionvault.errors import InvalidData
from actionvault.services.executions import ExecuteRequest

# Body field → ExecuteRequest field.
_EXECUTE_FIELDS = {
    "agent_name": "agent_name",
    "action_name": "action_name",
    "user_message": "user_message",
    "document_id": "document_id",
    "object": "object_name",
    "objecttype": "object_type",
    "record_id": "record_id",
    "chat_id": "chat_id",
    "external_id": "external_id",
}
_MAX_FIELD_LENGTH = {"user_message": 20_000}
_DEFAULT_MAX_LENGTH = 255


def parse_json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or INVALID_DATA saying what is wrong with it."""
    if not body.strip():
        raise InvalidData("The request body is empty; send a JSON object.")
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidData(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise InvalidData("The request body must be a JSON object.")
    return value


def parse_json_body(body: bytes) -> Any:
    """Any JSON value (a list of records, say), or INVALID_DATA saying what is wrong."""
    if not body.strip():
        raise InvalidData("The request body is empty; send JSON.")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidData(f"The request body is not valid JSON: {exc}") from None


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidData.for_parameter(name, json.dumps(value), "expected a string")
    text = str(value).strip()
    if "\x00" in text:
        raise InvalidData.for_parameter(name, text.replace("\x00", "\\0")[:40], "holds a NUL")
    if not text:
        return None
    limit = _MAX_FIELD_LENGTH.get(name, _DEFAULT_MAX_LENGTH)
    if len(text) > limit:
        raise InvalidData.for_parameter(name, text[:40] + "...", f"longer than {limit} characters")
    return text


def parse_execute(body: dict[str, Any], client_id: str | None) -> ExecuteRequest:
    values = {field: _text(body, wire) for wire, field in _EXECUTE_FIELDS.items()}
    return ExecuteRequest(client_id=client_id, **values)


def parse_execution_id_body(body: dict[str, Any]) -> str | None:
    return _text(body, "execution_id")
