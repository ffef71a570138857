"""What each MCP method does: initialize, ping, tools/list, tools/call and the notifications."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio

from actionvault import __version__
from actionvault.api.mcp import tools
from actionvault.api.mcp.protocol import (
    INTERNAL_ERROR,
    METHOD_NOT_FOUND,
    Message,
    RpcError,
    at_least,
    invalid_params,
    negotiate_version,
    notification,
    result,
)
from actionvault.api.mcp.tools import ToolTarget
from actionvault.domain.executions import TERMINAL_STATES, Execution, ExecutionState
from actionvault.domain.mcp import McpSession
from actionvault.domain.principals import Principal
from actionvault.errors import ActionVaultError
from actionvault.runtime import Runtime
from actionvault.services.executions import Started

log = logging.getLogger("actionvault.mcp")

SERVER_NAME = "actionvault"
INSTRUCTIONS = (
    "Each tool runs a Vault AI agent action as you, on a document (document_id), an object "
    "record (record_id, and object where the tool asks for it) or on nothing, and answers with "
    "the action's output; JSON outputs also come as structured content. `chat` routes a "
    "message to the action that answers it and gives a chat_id to continue the conversation."
)


@dataclass(frozen=True, slots=True)
class McpContext:
    """One request's caller and MCP session."""

    runtime: Runtime
    principal: Principal
    session: McpSession
    base_url: str

    @property
    def version(self) -> str:
        return self.session.protocol_version


async def initialize(
    runtime: Runtime, principal: Principal, message: Message
) -> tuple[str, dict[str, Any]]:
    """A new session; its id (for the Mcp-Session-Id header) and the answer."""
    params = message.params
    version = negotiate_version(params.get("protocolVersion"))
    client = params.get("clientInfo")
    client = client if isinstance(client, dict) else {}
    name, client_version = client.get("name"), client.get("version")
    session_id, _ = await runtime.services.mcp.open_session(
        principal,
        version,
        name if isinstance(name, str) else "",
        client_version if isinstance(client_version, str) else "",
    )
    server: dict[str, Any] = {"name": SERVER_NAME, "version": __version__}
    if at_least(version, "2025-06-18"):
        server["title"] = runtime.settings.vault_name
    log.info("MCP session for user %s (%s %s, %s)", principal.user_id, name, client_version,
             version)  # fmt: skip
    answer = {
        "protocolVersion": version,
        "capabilities": {"tools": {"listChanged": True}},
        "serverInfo": server,
        "instructions": INSTRUCTIONS,
    }
    return session_id, result(message.id, answer)


async def notify(context: McpContext, message: Message) -> None:
    """Notifications need no answer; only a cancel does anything."""
    if message.method != "notifications/cancelled":
        return
    request_id = message.params.get("requestId")
    if isinstance(request_id, bool) or not isinstance(request_id, str | int):
        return
    key = Message(None, request_id, {}, {}).key
    try:
        await context.runtime.services.mcp.cancel(context.principal, context.session, key)
    except ActionVaultError as exc:
        log.warning("cancelling MCP request %s: %s", key, exc.message)


def streams(message: Message) -> bool:
    """Whether a request is answered as a stream (when the client takes one): a tools/call
    that asked for progress."""
    meta = message.params.get("_meta")
    return (
        message.method == "tools/call"
        and isinstance(meta, dict)
        and meta.get("progressToken") is not None
    )


async def answer(context: McpContext, message: Message) -> dict[str, Any]:
    """The answer to a request, errors included; never raises for the request's own faults."""
    try:
        if message.method == "ping":
            return result(message.id, {})
        if message.method == "tools/list":
            return await _list_tools(context, message)
        if message.method == "tools/call":
            started = await start_call(context, message)
            if isinstance(started, dict):
                return started
            final: dict[str, Any] = {}
            async for outgoing in follow_call(context, message, started, final=True):
                final = outgoing
            return final
        raise RpcError(METHOD_NOT_FOUND, f"Method not found: {message.method}")
    except RpcError as exc:
        return exc.body(message.id)
    except ActionVaultError as exc:  # the database, mostly
        return RpcError(INTERNAL_ERROR, exc.message).body(message.id)


def tool_list(context: McpContext) -> list[dict[str, Any]]:
    mcp, principal = context.runtime.services.mcp, context.principal
    return tools.list_tools(mcp.actions(principal), mcp.chat_actions(principal), context.version)


def tools_digest(context: McpContext) -> str:
    return tools.digest(tool_list(context))


async def _list_tools(context: McpContext, message: Message) -> dict[str, Any]:
    everything = tool_list(context)
    if message.params.get("cursor") is None:
        await context.runtime.services.mcp.remember_tools(context.session, tools.digest(everything))
    size = context.runtime.settings.mcp_tools_page_size
    chunk, cursor = tools.page(everything, message.params.get("cursor"), size)
    listed: dict[str, Any] = {"tools": chunk}
    if cursor is not None:
        listed["nextCursor"] = cursor
    return result(message.id, listed)


def _target(context: McpContext, name: object) -> ToolTarget:
    if not isinstance(name, str) or not name:
        raise invalid_params("Invalid params: name, the tool to call, is required", "name")
    mcp = context.runtime.services.mcp
    if name == tools.CHAT_TOOL and mcp.chat_actions(context.principal):
        return ToolTarget(name)
    parts = tools.split_tool_name(name)
    found = mcp.find_action(*parts) if parts else None
    if found is None:
        raise invalid_params(f"Invalid params: unknown tool [{name}]", "name")
    return ToolTarget(name, *found)


@dataclass(frozen=True, slots=True)
class ToolCall:
    target: ToolTarget
    started: Started


async def start_call(context: McpContext, message: Message) -> ToolCall | dict[str, Any]:
    """Start a tools/call's execution; a dict is the whole answer (it was refused)."""
    try:
        target = _target(context, message.params.get("name"))
        arguments = message.params.get("arguments")
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise invalid_params("Invalid params: arguments must be an object", "arguments")
        request = tools.execute_request(target, arguments)
        try:
            started = await context.runtime.services.mcp.start(
                context.principal, context.session, message.key, request
            )
        except ActionVaultError as exc:
            if tools.is_argument_error(exc, target):
                raise tools.argument_error(exc) from None
            if exc.response_status == "EXCEPTION":
                raise RpcError(INTERNAL_ERROR, exc.message) from None
            return result(message.id, tools.error_result(exc))
    except RpcError as exc:
        return exc.body(message.id)
    return ToolCall(target, started)


async def follow_call(
    context: McpContext, message: Message, call: ToolCall, *, final: bool = False
) -> AsyncIterator[dict[str, Any]]:
    """Progress notifications while the execution runs (when asked for), then the answer.

    A request the client cancelled gets no answer, as the protocol asks, unless `final`: an
    answer that is a plain HTTP response has to say something.
    """
    mcp, settings = context.runtime.services.mcp, context.runtime.settings
    execution = call.started.execution
    meta = message.params.get("_meta")
    token = meta.get("progressToken") if isinstance(meta, dict) else None
    began = time.monotonic()
    sent = -1.0
    try:
        if token is not None and execution.state not in TERMINAL_STATES:
            sent = 0.0
            yield _progress(context, token, sent, execution)
        async for latest in mcp.follow(context.principal, execution, settings.mcp_call_wait):
            execution = latest
            if token is not None and execution.state not in TERMINAL_STATES:
                sent = max(round(time.monotonic() - began, 3), sent + 0.001)
                yield _progress(context, token, sent, execution)
        if (
            not final
            and execution.state is ExecutionState.CANCELLED
            and await mcp.cancelled_by_client(context.session, message.key)
        ):
            return
        status_url = context.base_url + tools.status_path(execution)
        yield result(
            message.id, tools.call_result(call.target, execution, context.version, status_url)
        )
    except ActionVaultError as exc:
        yield RpcError(INTERNAL_ERROR, exc.message).body(message.id)
    except Exception:
        log.exception("MCP tools/call %s failed", message.key)
        message_text = "Internal error on the server; it has been logged."
        yield RpcError(INTERNAL_ERROR, message_text).body(message.id)
    finally:
        with anyio.CancelScope(shield=True):
            # Should this fail, the row goes with its session.
            with contextlib.suppress(ActionVaultError):
                await mcp.forget(context.session, message.key)


def _progress(
    context: McpContext, token: object, progress: float, execution: Execution
) -> dict[str, Any]:
    state = "queued" if execution.state is ExecutionState.QUEUED else "running"
    params: dict[str, Any] = {"progressToken": token, "progress": progress}
    if at_least(context.version, "2025-03-26"):
        params["message"] = f"{execution.execution_id} {execution.agent_action} {state}"
    return notification("notifications/progress", params)
