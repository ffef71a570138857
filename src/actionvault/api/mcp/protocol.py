"""JSON-RPC 2.0 as MCP uses it: messages, error codes, protocol revisions, SSE framing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

#: The revisions served, newest first: those the official SDKs reach through initialize.
PROTOCOL_VERSIONS = ("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05")
LATEST_VERSION = PROTOCOL_VERSIONS[0]
#: What a request without an MCP-Protocol-Version header is taken to speak (as the spec says).
DEFAULT_HEADER_VERSION = "2025-03-26"

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
#: Server-defined codes for what HTTP also says by its status.
UNAUTHORIZED = -32001
SESSION_NOT_FOUND = -32002

RequestId = str | int


def negotiate_version(requested: object) -> str:
    """The client's revision when it is served; otherwise the newest, for the client to judge."""
    return (
        requested
        if isinstance(requested, str) and requested in PROTOCOL_VERSIONS
        else (LATEST_VERSION)
    )


def at_least(version: str, minimum: str) -> bool:
    """Whether a served revision is `minimum` or newer (revisions are dates)."""
    return version >= minimum


class RpcError(Exception):
    """A JSON-RPC error answer: a code, a message a person can act on, optional data."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def body(self, request_id: RequestId | None) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return {"jsonrpc": "2.0", "id": request_id, "error": error}


def invalid_params(message: str, argument: str | None = None) -> RpcError:
    return RpcError(INVALID_PARAMS, message, {"argument": argument} if argument else None)


@dataclass(frozen=True, slots=True)
class Message:
    """One incoming message: a request (has an id), a notification, or a client's answer."""

    method: str | None
    id: RequestId | None
    params: dict[str, Any]
    raw: dict[str, Any]

    @property
    def is_request(self) -> bool:
        return self.method is not None and "id" in self.raw

    @property
    def is_notification(self) -> bool:
        return self.method is not None and "id" not in self.raw

    @property
    def key(self) -> str:
        """The id as stored: JSON, so that the request 1 and the request "1" stay apart."""
        return orjson.dumps(self.id).decode()


def parse_body(body: bytes) -> tuple[list[Message], bool]:
    """The messages of a POST body and whether it was a batch; RpcError when it is not JSON-RPC."""
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise RpcError(PARSE_ERROR, f"Parse error: the body is not JSON ({exc})") from None
    if isinstance(raw, list):
        if not raw:
            raise RpcError(INVALID_REQUEST, "Invalid Request: an empty batch")
        return [parse_message(item) for item in raw], True
    return [parse_message(raw)], False


def parse_message(raw: object) -> Message:
    if not isinstance(raw, dict) or raw.get("jsonrpc") != "2.0":
        raise RpcError(INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message object")
    method = raw.get("method")
    request_id = raw.get("id")
    if "id" in raw and (isinstance(request_id, bool) or not isinstance(request_id, str | int)):
        raise RpcError(INVALID_REQUEST, "Invalid Request: id must be a string or an integer")
    if method is None:
        if "id" not in raw or ("result" not in raw and "error" not in raw):
            raise RpcError(INVALID_REQUEST, "Invalid Request: no method")
        return Message(None, request_id, {}, raw)  # the client answering us: nothing to do
    if not isinstance(method, str):
        raise RpcError(INVALID_REQUEST, "Invalid Request: method must be a string")
    params = raw.get("params", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise invalid_params("Invalid params: params must be an object")
    return Message(method, request_id, params, raw)


def result(request_id: RequestId | None, value: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "result": value}


def notification(method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = params
    return message


def dumps(message: Any) -> bytes:
    return orjson.dumps(message)


def sse_event(message: dict[str, Any]) -> bytes:
    """One message as a server-sent event (no id: streams are not resumed)."""
    return b"event: message\ndata: " + orjson.dumps(message) + b"\n\n"


#: Sent on a quiet stream so that proxies and clients see it is alive; clients ignore comments.
SSE_KEEPALIVE = b": keep-alive\n\n"
