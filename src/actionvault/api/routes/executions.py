"""Execute, status and cancel."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from actionvault.api.endpoints import RequestContext, endpoint
from actionvault.api.requests import (
    parse_execute,
    parse_execution_id_body,
    parse_json_object,
)
from actionvault.api.urls import public_prefix
from actionvault.domain.executions import ActionOutput, Execution, ExecutionState


def _status_url(context: RequestContext, execution: Execution) -> str:
    """Relative, as Vault's; under the public URL's path when the server is mounted below one."""
    prefix = public_prefix(context.request, context.runtime.settings)
    path = f"{prefix}/api/{context.version}/services/ai/agent_actions/status"
    return f"{path}?execution_id={execution.execution_id}"


async def execute(context: RequestContext) -> dict[str, Any]:
    body = parse_json_object(await context.request.body())
    started = await context.services.executions.execute(
        context.user, parse_execute(body, context.client_id)
    )
    execution = started.execution
    # Execute always answers IN_PROGRESS, as Vault's does; the outcome is for status to tell,
    # even when it is known at once (a chat message that no action answers).
    response: dict[str, Any] = {
        "actionStatus": "IN_PROGRESS",
        "executionId": execution.execution_id,
        "urls": [_status_url(context, execution)],
    }
    if execution.external_id is not None:
        response["externalId"] = execution.external_id
    if started.routed:
        response["agentAction"] = execution.agent_action
        response["chatId"] = started.chat_id
    return {"actionResponse": response}


def output_wire(output: ActionOutput) -> dict[str, Any]:
    """An output as Vault sends it, and `truncated` when the server cut it to its size limit."""
    wire: dict[str, Any] = {"type": output.type, "value": output.value}
    if output.truncated:
        wire["truncated"] = True
    return wire


async def status(context: RequestContext) -> dict[str, Any]:
    query = context.request.query_params
    execution = await context.services.executions.status(
        context.user,
        execution_id=query.get("execution_id") or None,
        external_id=query.get("external_id") or None,
    )
    response: dict[str, Any] = {
        "actionStatus": execution.state.action_status,
        "executionId": execution.execution_id,
        "agentAction": execution.agent_action,
    }
    if execution.external_id is not None:
        response["externalId"] = execution.external_id
    if execution.chat_id is not None:
        response["chatId"] = execution.chat_id
    if execution.state is ExecutionState.SUCCEEDED:
        response["actionOutputs"] = [output_wire(o) for o in execution.outputs]
    elif execution.state is ExecutionState.FAILED:
        response["errors"] = [{"type": e.type, "message": e.message} for e in execution.errors]
    return {"actionResponse": response}


async def cancel(context: RequestContext) -> dict[str, Any]:
    raw = await context.request.body()
    # An empty body is a missing execution_id (PARAMETER_REQUIRED), not malformed JSON;
    # clients that put the id in the query string are served too.
    body = parse_json_object(raw) if raw.strip() else {}
    execution_id = parse_execution_id_body(body) or context.request.query_params.get("execution_id")
    execution = await context.services.executions.cancel(context.user, execution_id or None)
    return {"data": {"actionStatus": "SUBMITTED", "executionId": execution.execution_id}}


_BASE = "/api/{version}/services/ai/agent_actions"
ROUTES = [
    Route(f"{_BASE}/actions/execute", endpoint(execute), methods=["POST"]),
    Route(f"{_BASE}/status", endpoint(status), methods=["GET"]),
    Route(f"{_BASE}/actions/cancel", endpoint(cancel), methods=["POST"]),
]
