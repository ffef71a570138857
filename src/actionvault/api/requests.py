"""Parse request bodies into service inputs; Vault's wire names stop here."""

from __future__ import annotations

import json
import math
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


#: Deeper JSON is refused before anything walks it; no request of this API nests past a few.
MAX_JSON_DEPTH = 64


def is_text(value: str) -> bool:
    """Whether a string is Unicode text UTF-8 can carry: no lone surrogate (JSON's "\\ud800")."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(value: str) -> str:
    """A parameter name or value as it can be quoted in a message: non-text escaped, short."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")[:80]


def not_text(name: str) -> InvalidData:
    return InvalidData(
        f"Invalid value for parameter [{shown(name)}]: it is not text (a lone surrogate, or "
        "bytes that are not UTF-8); send UTF-8, and in JSON use \\u escapes only for whole "
        "surrogate pairs."
    )


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise InvalidData(f"The number [{literal[:40]}] in the request body is too large.")
    return value


def _no_constant(literal: str) -> float:
    raise InvalidData(f"The request body holds [{literal}], which is not a JSON number.")


def _load(body: bytes, empty: str) -> Any:
    if not body.strip():
        raise InvalidData(empty)
    try:
        value = json.loads(body, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidData(f"The request body is not valid JSON: {exc}") from None
    check_json_text(value)
    return value


def _too_deep() -> InvalidData:
    return InvalidData(
        f"The request body is nested more than {MAX_JSON_DEPTH} levels deep; send a flatter "
        "JSON document."
    )


def check_json_text(value: Any) -> None:
    """INVALID_DATA naming the parameter that holds a string that is not text, or when the
    document nests too deeply. Iterative, so no document can exhaust the stack."""
    pending: list[tuple[Any, str, int]] = [(value, "", 0)]
    while pending:
        item, path, depth = pending.pop()
        if isinstance(item, str):
            if not is_text(item):
                raise not_text(path or "body")
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise _too_deep()
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str):
                    if not is_text(key):
                        raise not_text(f"{path}.{key}" if path else key)
                    where = f"{path}.{key}" if path else key
                else:
                    where = f"{path}[{key}]"
                pending.append((child, where, depth + 1))


def parse_json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or INVALID_DATA saying what is wrong with it."""
    value = _load(body, "The request body is empty; send a JSON object.")
    if not isinstance(value, dict):
        raise InvalidData("The request body must be a JSON object.")
    return value


def parse_json_body(body: bytes) -> Any:
    """Any JSON value (a list of records, say), or INVALID_DATA saying what is wrong."""
    return _load(body, "The request body is empty; send JSON.")


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
