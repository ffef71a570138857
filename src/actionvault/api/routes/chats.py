"""Chat history, under /ext/ because Vault has no such endpoints: list, read, delete."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from actionvault.api.endpoints import RequestContext, endpoint
from actionvault.api.routes.executions import output_wire
from actionvault.domain.chats import Chat
from actionvault.domain.executions import Execution, ExecutionState


def _target(chat: Chat) -> dict[str, Any]:
    t = chat.target
    if t.document_id is not None:
        version = f"_{t.major}_{t.minor}" if t.major is not None else ""
        return {"documentId": f"{t.document_id}{version}"}
    if t.record_id is not None:
        return {"object": t.object_name, "objecttype": t.object_type, "recordId": t.record_id}
    return {}


def _turn(execution: Execution) -> dict[str, Any]:
    turn: dict[str, Any] = {
        "executionId": execution.execution_id,
        "message": execution.user_message,
        "agentAction": execution.agent_action,
        "actionStatus": execution.state.action_status,
        "createdAt": execution.created_at,
    }
    if execution.state is ExecutionState.SUCCEEDED:
        turn["actionOutputs"] = [output_wire(o) for o in execution.outputs]
    elif execution.state is ExecutionState.FAILED:
        turn["errors"] = [{"type": e.type, "message": e.message} for e in execution.errors]
    return turn


async def list_chats(context: RequestContext) -> dict[str, Any]:
    chats = await context.services.executions.chats(context.user)
    return {
        "chats": [
            {"chatId": c.id, "createdAt": c.created_at, "turns": c.turns, **_target(c)}
            for c in chats
        ]
    }


async def retrieve_chat(context: RequestContext) -> dict[str, Any]:
    chat, turns = await context.services.executions.chat(
        context.user, context.request.path_params["chat_id"]
    )
    return {
        "chat": {
            "chatId": chat.id,
            "createdAt": chat.created_at,
            **_target(chat),
            "turns": [_turn(t) for t in turns],
        }
    }


async def delete_chat(context: RequestContext) -> dict[str, Any]:
    await context.services.executions.delete_chat(
        context.user, context.request.path_params["chat_id"]
    )
    return {}


_CHATS = "/api/{version}/ext/chats"
ROUTES = [
    Route(_CHATS, endpoint(list_chats, ai=False), methods=["GET"]),
    Route(f"{_CHATS}/{{chat_id}}", endpoint(retrieve_chat, ai=False), methods=["GET"]),
    Route(f"{_CHATS}/{{chat_id}}", endpoint(delete_chat, ai=False), methods=["DELETE"]),
]
