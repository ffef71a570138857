"""Agent actions as MCP tools: their definitions, their arguments, and their results.

A tool is named `{agent_name}-{action_name}`, as the Vault MCP Server names them, and takes
the target the agent's scope needs; `chat` routes a message to the action that answers it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any

import orjson

from actionvault.api.mcp.protocol import RpcError, at_least, invalid_params
from actionvault.api.requests import parse_execute
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.executions import TERMINAL_STATES, Execution, ExecutionState
from actionvault.errors import ActionVaultError, InvalidData, ParameterRequired
from actionvault.services.executions import ExecuteRequest

SEPARATOR = "-"
CHAT_TOOL = "chat"
#: The API version the status URLs given to MCP clients name (Vault's GA version).
STATUS_API_VERSION = "v26.1"
_DOCUMENT_ID_PATTERN = r"^[0-9]+(_[0-9]+_[0-9]+)?$"
_FENCED_JSON = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n?```\s*$", re.DOTALL)
_PARAMETER = re.compile(r"parameter \[([a-z_]+)\]")

_DOCUMENT_ID = {
    "type": "string",
    "pattern": _DOCUMENT_ID_PATTERN,
    "description": (
        'The document to run on: its id, e.g. "1001", for the latest version you can see, '
        'or id, major and minor version, e.g. "1001_1_3", for that version.'
    ),
}
_USER_MESSAGE = {"type": "string", "description": "Provide an optional message from the user."}
_EXTERNAL_ID = {
    "type": "string",
    "description": (
        "Your own id for this execution, unique across all executions: a second call with the "
        "same id is refused, so a retry never runs the action twice."
    ),
}
_RECORD_ID = {"type": "string", "description": "The id of the object record to run on."}
_OBJECT = {"type": "string", "description": "The object of the record, e.g. product__v."}
_OBJECT_TYPE = {"type": "string", "description": "The object type of the record, if it has one."}
_CHAT_ID = {
    "type": "string",
    "description": "The chatId of an earlier answer, to continue that conversation.",
}


@dataclass(frozen=True, slots=True)
class ToolTarget:
    """What a tool name stands for: one action, or chat routing (agent and action None)."""

    name: str
    agent: Agent | None = None
    action: Action | None = None

    @property
    def is_chat(self) -> bool:
        return self.action is None


def tool_name(agent: Agent, action: Action) -> str:
    return f"{agent.name}{SEPARATOR}{action.name}"


def split_tool_name(name: str) -> tuple[str, str] | None:
    """(agent, action) from a tool name; agent and action names hold no `-`."""
    agent, separator, action = name.partition(SEPARATOR)
    return (agent, action) if separator and agent and action else None


def input_schema(agent: Agent) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    if agent.scope is Scope.DOCUMENT:
        properties["document_id"] = _DOCUMENT_ID
        required.append("document_id")
    elif agent.scope is Scope.OBJECT:
        if agent.object_name is None:
            properties["object"] = _OBJECT
            required.append("object")
        properties["record_id"] = _RECORD_ID
        required.append("record_id")
        if agent.object_type is None:
            properties["objecttype"] = _OBJECT_TYPE
    properties["user_message"] = _USER_MESSAGE
    properties["external_id"] = _EXTERNAL_ID
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def output_schema(action: Action) -> dict[str, Any] | None:
    """The action's declared structured output, when it is an object (MCP requires one)."""
    schema = action.options.get("output_schema")
    return schema if isinstance(schema, dict) and schema.get("type") == "object" else None


def action_tool(agent: Agent, action: Action, version: str) -> dict[str, Any]:
    tool: dict[str, Any] = {
        "name": tool_name(agent, action),
        "description": (
            f"{action.description}\n\n{agent.label} agent ({agent.name}): {agent.description}"
        ),
        "inputSchema": input_schema(agent),
    }
    if at_least(version, "2025-06-18"):
        tool["title"] = action.label
        schema = output_schema(action)
        if schema is not None:
            tool["outputSchema"] = schema
    if at_least(version, "2025-03-26"):
        # Actions read documents and records and change neither.
        tool["annotations"] = {
            "title": action.label,
            "readOnlyHint": True,
            "destructiveHint": False,
            "openWorldHint": False,
        }
    return tool


CHAT_OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "executionId": {"type": "string"},
        "actionStatus": {"type": "string"},
        "agentAction": {"type": "string", "description": "The action the message was routed to."},
        "chatId": {"type": "string", "description": "Send it back as chat_id to continue."},
        "outputs": {"type": "array", "items": {"type": "string"}},
        "result": {"description": "The routed action's JSON answer, when it gives one."},
        "statusUrl": {"type": "string"},
    },
    "required": ["executionId", "actionStatus", "agentAction", "chatId"],
}


CHAT_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "user_message": {"type": "string", "description": "The message to answer."},
        "document_id": _DOCUMENT_ID,
        "object": _OBJECT,
        "record_id": _RECORD_ID,
        "objecttype": _OBJECT_TYPE,
        "chat_id": _CHAT_ID,
        "external_id": _EXTERNAL_ID,
    },
    "required": ["user_message"],
    "additionalProperties": False,
}


def chat_tool(candidates: list[tuple[Agent, Action]], version: str) -> dict[str, Any]:
    offered = "; ".join(f"{a.label} ({g.name}{SEPARATOR}{a.name})" for g, a in candidates[:20])
    tool: dict[str, Any] = {
        "name": CHAT_TOOL,
        "description": (
            "Veeva AI Chat: routes a message to the chat-enabled agent action that answers it, "
            "among those you may run on the given document (document_id), object record "
            "(object and record_id) or on nothing, runs it, and answers with its output, the "
            "action it chose (agentAction) and a chatId to continue the conversation. "
            f"It can route to: {offered}."
        ),
        "inputSchema": CHAT_INPUT_SCHEMA,
    }
    if at_least(version, "2025-06-18"):
        tool["title"] = "Chat"
        tool["outputSchema"] = CHAT_OUTPUT_SCHEMA
    if at_least(version, "2025-03-26"):
        tool["annotations"] = {"title": "Chat", "readOnlyHint": True, "openWorldHint": False}
    return tool


def list_tools(
    actions: list[tuple[Agent, Action]], chat_candidates: list[tuple[Agent, Action]], version: str
) -> list[dict[str, Any]]:
    """The tools of one user, by name; `chat` when some action can answer a message."""
    tools = [action_tool(agent, action, version) for agent, action in actions]
    if chat_candidates:
        tools.append(chat_tool(chat_candidates, version))
    return sorted(tools, key=lambda tool: str(tool["name"]))


def digest(tools: list[dict[str, Any]]) -> str:
    return hashlib.sha256(orjson.dumps(tools, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


def page(
    tools: list[dict[str, Any]], cursor: object, size: int
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of tools after the cursor's name, and the cursor of the next page, if any.

    The cursor names the last tool sent rather than a position, so that a tool added or
    removed between pages neither repeats nor skips another.
    """
    after = ""
    if cursor is not None:
        try:
            after = base64.urlsafe_b64decode(str(cursor).encode()).decode()
        except (ValueError, UnicodeDecodeError):
            raise invalid_params("Invalid params: unknown cursor", "cursor") from None
    rest = [tool for tool in tools if str(tool["name"]) > after]
    chunk = rest[:size]
    if len(rest) <= size:
        return chunk, None
    last = str(chunk[-1]["name"])
    return chunk, base64.urlsafe_b64encode(last.encode()).decode()


def _arguments(target: ToolTarget) -> tuple[set[str], list[str]]:
    """The arguments a tool takes, and those it requires."""
    if target.is_chat:
        schema = CHAT_INPUT_SCHEMA
    else:
        assert target.agent is not None
        schema = input_schema(target.agent)
    return set(schema["properties"]), list(schema["required"])


def execute_request(target: ToolTarget, arguments: dict[str, Any]) -> ExecuteRequest:
    """The execute request a call makes; -32602 naming the argument when one is wrong."""
    allowed, required = _arguments(target)
    for name in arguments:
        if name not in allowed:
            raise invalid_params(
                f"Invalid params: unknown argument [{name}] for tool [{target.name}]; "
                f"it takes {', '.join(sorted(allowed))}",
                name,
            )
    for name in required:
        if arguments.get(name) in (None, ""):
            raise invalid_params(f"Invalid params: missing required argument [{name}]", name)
    body = dict(arguments)
    if not target.is_chat:
        assert target.agent is not None
        assert target.action is not None
        body["agent_name"], body["action_name"] = target.agent.name, target.action.name
        if target.agent.object_name is not None:
            body["object"] = target.agent.object_name
        if target.agent.object_type is not None:
            body["objecttype"] = target.agent.object_type
    try:
        request = parse_execute(body, None)
    except InvalidData as exc:
        raise argument_error(exc) from None
    document_id = request.document_id
    if document_id is not None and not re.fullmatch(_DOCUMENT_ID_PATTERN, document_id):
        raise invalid_params(
            f"Invalid params: argument [document_id] is [{document_id}]; use an id such as "
            '"1001", or id and version such as "1001_1_3"',
            "document_id",
        )
    return request


def is_argument_error(exc: ActionVaultError, target: ToolTarget) -> bool:
    """Whether execute refused the call for one of the arguments the caller gave (-32602).

    A parameter the tool fills in itself (an agent's own object type, say) is no argument of
    the caller's: a refusal for it is the tool's answer (the record is of another type).
    """
    match = _PARAMETER.search(exc.message)
    return (
        isinstance(exc, ParameterRequired | InvalidData)
        and match is not None
        and match.group(1) in _arguments(target)[0]
    )


def argument_error(exc: ActionVaultError) -> RpcError:
    match = _PARAMETER.search(exc.message)
    return invalid_params(f"Invalid params: {exc.message}", match.group(1) if match else None)


def error_result(exc: ActionVaultError) -> dict[str, Any]:
    """A refused call as a tool error the model can read and act on."""
    return {"content": [_text(f"{exc.vault_type}: {exc.message}")], "isError": True}


def structured_output(value: str) -> dict[str, Any] | None:
    """The JSON object an output holds, bare or in a ```json fence; None when it holds none."""
    match = _FENCED_JSON.match(value)
    text = match.group(1) if match else value
    if not text.lstrip().startswith("{"):
        return None
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


def call_result(
    target: ToolTarget, execution: Execution, version: str, status_url: str
) -> dict[str, Any]:
    """What tools/call answers for an execution, finished or still running."""
    meta = {
        "executionId": execution.execution_id,
        "agentAction": execution.agent_action,
        "actionStatus": execution.state.action_status,
    }
    structured: dict[str, Any] | None = None
    if execution.state is ExecutionState.SUCCEEDED:
        texts = [output.value for output in execution.outputs]
        parsed = [structured_output(text) for text in texts]
        if len(parsed) == 1 and parsed[0] is not None:
            structured = parsed[0]
            texts = [orjson.dumps(structured, option=orjson.OPT_INDENT_2).decode()]
        texts = [
            text + ("\n[cut to the server's output size limit]" if output.truncated else "")
            for text, output in zip(texts, execution.outputs, strict=True)
        ]
        content = [_text(text) for text in texts] or [_text("The action gave no output.")]
        answer: dict[str, Any] = {"content": content, "isError": False}
    elif execution.state is ExecutionState.FAILED:
        errors = execution.errors or ()
        lines = [f"{error.type}: {error.message}" for error in errors] or ["FAILURE"]
        answer = {"content": [_text(line) for line in lines], "isError": True}
    elif execution.state is ExecutionState.CANCELLED:
        message = f"Execution {execution.execution_id} was cancelled before it finished."
        answer = {"content": [_text(f"CANCELLED: {message}")], "isError": True}
    else:
        answer = {
            "content": [
                _text(
                    f"Execution {execution.execution_id} ({execution.agent_action}) is still "
                    f"running; it goes on. Its status, with this session's Authorization "
                    f"header: GET {status_url}"
                )
            ],
            "isError": False,
        }
        meta["statusUrl"] = status_url
    if target.is_chat and execution.chat_id is not None:
        chat: dict[str, Any] = {
            "executionId": execution.execution_id,
            "actionStatus": execution.state.action_status,
            "agentAction": execution.agent_action,
            "chatId": execution.chat_id,
            "outputs": [output.value for output in execution.outputs],
        }
        if structured is not None:
            chat["result"] = structured
        if execution.state not in TERMINAL_STATES:
            chat["statusUrl"] = status_url
        answer["content"].append(
            _text(f"(answered by {execution.agent_action}; chat_id {execution.chat_id})")
        )
        structured = chat
    if structured is not None and at_least(version, "2025-06-18") and not answer["isError"]:
        answer["structuredContent"] = structured
    answer["_meta"] = meta
    return answer


def status_path(execution: Execution) -> str:
    return (
        f"/api/{STATUS_API_VERSION}/services/ai/agent_actions/status"
        f"?execution_id={execution.execution_id}"
    )


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}
