"""What the API answers, as frozen dataclasses with Python names.

Vault's wire names (`agentName`, `actionOutputs`, `status` meaning active) stop here: each
model's `_from_wire` reads one answer's shape, tolerating absent keys, because a real Vault
leaves out what it has no value for and adds keys over versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from actionvault.client._outputs import parse_fenced_json

IN_PROGRESS = "IN_PROGRESS"
SUCCESS = "SUCCESS"
FAILURE = "FAILURE"
CANCELLED = "CANCELLED"


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def _int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _bool(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    if isinstance(value, str):  # XML-minded servers send "true"
        return value.strip().lower() == "true"
    return None if value is None else bool(value)


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One `{type, message}` of an error answer or of a failed execution.

    except ExecutionFailed as exc:
        print([(error.type, error.message) for error in exc.errors])
    """

    type: str
    message: str

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> ErrorDetail:
        return cls(type=_str(data, "type") or "UNKNOWN", message=_str(data, "message") or "")


@dataclass(frozen=True, slots=True)
class Session:
    """A login's answer; keep `session_id` to reuse the session elsewhere (the CLI does).

    session = vault.login()
    Vault(url, session_id=session.session_id)
    """

    session_id: str
    user_id: int | None
    vault_id: int | None

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> Session:
        return cls(
            session_id=_str(data, "sessionId") or "",
            user_id=_int(data, "userId"),
            vault_id=_int(data, "vaultId"),
        )


@dataclass(frozen=True, slots=True)
class Agent:
    """An agent as Retrieve All Agents lists it; `vault.agents.retrieve(name)` has the rest.

    for agent in vault.agents.list(document_type="base_document__v"):
        print(agent.name, agent.label)
    """

    name: str
    label: str
    url: str | None = None

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> Agent:
        return cls(
            name=_str(data, "name") or "", label=_str(data, "label") or "", url=_str(data, "url")
        )


@dataclass(frozen=True, slots=True)
class Action:
    """An agent action. The three endpoints that return actions each fill a different subset,
    so what an endpoint leaves out is None rather than a guess.

        action = vault.actions.retrieve("quick_check__v", "spelling_grammar__v")
        print(action.label, action.active, action.support_chat)
    """

    name: str
    label: str
    url: str | None = None
    description: str | None = None
    active: bool | None = None
    source: str | None = None
    support_chat: bool | None = None
    tool_evaluation: str | None = None
    agent_name: str | None = None

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any], agent_name: str | None = None) -> Action:
        return cls(
            name=_str(data, "name") or "",
            label=_str(data, "label") or "",
            url=_str(data, "url"),
            description=_str(data, "description"),
            active=_bool(data, "active"),
            source=_str(data, "source"),
            support_chat=_bool(data, "supportChat"),
            tool_evaluation=_str(data, "toolEvaluation"),
            agent_name=agent_name,
        )


@dataclass(frozen=True, slots=True)
class AgentDetail:
    """One agent with its scope and actions (Retrieve Agent).

    agent = vault.agents.retrieve("quick_check__v")
    print(agent.document_type, [a.name for a in agent.actions])
    """

    name: str
    label: str
    active: bool | None
    agent_class: str | None
    description: str | None
    source: str | None
    agent_user: str | None
    model_level: str | None
    document_type: str | None
    object: str | None
    object_type: str | None
    actions: tuple[Action, ...]

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> AgentDetail:
        name = _str(data, "name") or ""
        return cls(
            name=name,
            label=_str(data, "label") or "",
            active=_bool(data, "status"),
            agent_class=_str(data, "agentClass"),
            description=_str(data, "description"),
            source=_str(data, "source"),
            agent_user=_str(data, "agentUser"),
            model_level=_str(data, "agentModelLevel"),
            document_type=_str(data, "documentType"),
            object=_str(data, "object"),
            object_type=_str(data, "objectType"),
            actions=tuple(
                Action._from_wire(a, name) for a in _list(data, "actions") if isinstance(a, dict)
            ),
        )


@dataclass(frozen=True, slots=True)
class AgentActions:
    """One agent's entry in Retrieve All Agent Actions.

    for entry in vault.actions.list():
        print(entry.agent_name, [a.name for a in entry.actions])
    """

    agent_name: str
    agent_label: str
    description: str | None
    actions: tuple[Action, ...]

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> AgentActions:
        name = _str(data, "agentName") or ""
        return cls(
            agent_name=name,
            agent_label=_str(data, "agentLabel") or "",
            description=_str(data, "description"),
            actions=tuple(
                Action._from_wire(a, name) for a in _list(data, "actions") if isinstance(a, dict)
            ),
        )


@dataclass(frozen=True, slots=True)
class Output:
    """One action output. Every type Vault has shown is text; structured results are fenced
    JSON inside it, which `json()` unwraps.

        report = execution.outputs[0].json()
        print(execution.outputs[0].text)
    """

    type: str
    value: str

    @property
    def text(self) -> str:
        return self.value

    def json(self) -> Any:
        """The parsed JSON of a structured output; ValueError when the output is prose."""
        return parse_fenced_json(self.value)

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> Output:
        return cls(type=_str(data, "type") or "text", value=_str(data, "value") or "")


@dataclass(frozen=True, slots=True)
class Execution:
    """An execution as last seen: IN_PROGRESS from execute, then whatever status said.

    execution = vault.actions.run(agent="quick_check__v", action="spelling_grammar__v",
                                  document_id=1)
    print(execution.status, execution.json()["errors"])
    """

    id: str
    status: str
    agent_action: str | None = None
    external_id: str | None = None
    chat_id: str | None = None
    outputs: tuple[Output, ...] = ()
    errors: tuple[ErrorDetail, ...] = ()
    urls: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        """Finished one way or another; any status but IN_PROGRESS is final."""
        return self.status != IN_PROGRESS

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCESS

    @property
    def agent_name(self) -> str | None:
        return self.agent_action.partition(".")[0] if self.agent_action else None

    @property
    def action_name(self) -> str | None:
        return self.agent_action.partition(".")[2] or None if self.agent_action else None

    @property
    def text(self) -> str:
        """All text outputs joined, for actions that answer in prose."""
        return "\n\n".join(o.value for o in self.outputs)

    def json(self) -> Any:
        """The first output's JSON: structured actions answer with exactly one output."""
        if not self.outputs:
            raise ValueError(f"execution {self.id} ({self.status}) has no outputs")
        return self.outputs[0].json()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output, with the SDK's names (what `actionvault run --json`
        prints)."""
        return {
            "id": self.id,
            "status": self.status,
            "agent_action": self.agent_action,
            "external_id": self.external_id,
            "chat_id": self.chat_id,
            "outputs": [{"type": o.type, "value": o.value} for o in self.outputs],
            "errors": [{"type": e.type, "message": e.message} for e in self.errors],
            "urls": list(self.urls),
        }

    @classmethod
    def _from_wire(
        cls,
        data: Mapping[str, Any],
        *,
        agent_action: str | None = None,
        external_id: str | None = None,
    ) -> Execution:
        """`agent_action` and `external_id` fill in what an execute answer may leave out."""
        return cls(
            id=_str(data, "executionId") or "",
            status=_str(data, "actionStatus") or IN_PROGRESS,
            agent_action=_str(data, "agentAction") or agent_action,
            external_id=_str(data, "externalId") or external_id,
            chat_id=_str(data, "chatId"),
            outputs=tuple(
                Output._from_wire(o) for o in _list(data, "actionOutputs") if isinstance(o, dict)
            ),
            errors=tuple(
                ErrorDetail._from_wire(e) for e in _list(data, "errors") if isinstance(e, dict)
            ),
            urls=tuple(str(u) for u in _list(data, "urls")),
        )


@dataclass(frozen=True, slots=True)
class CancelReceipt:
    """Vault's acknowledgement of a cancel request; the execution ends CANCELLED soon after
    unless it finished first, which `wait()` then tells.

        receipt = vault.executions.cancel(execution.id)
        print(receipt.status)  # SUBMITTED
    """

    execution_id: str
    status: str

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> CancelReceipt:
        return cls(
            execution_id=_str(data, "executionId") or "",
            status=_str(data, "actionStatus") or "SUBMITTED",
        )


@dataclass(frozen=True, slots=True)
class ExecutionEvent:
    """One event of an execution, from an actionvault event stream.

    `type` is queued, started, progress, succeeded, failed or cancelled; `status` is what a
    status call made at that moment would have answered. `detail` holds what a progress event
    reports (`message`, and `part` of `parts` when the action knows them).
    """

    id: int
    type: str
    execution_id: str
    status: str
    agent_action: str | None = None
    attempt: int = 0
    at: str | None = None
    external_id: str | None = None
    chat_id: str | None = None
    document_id: str | None = None
    object: str | None = None
    object_type: str | None = None
    record_id: str | None = None
    detail: Mapping[str, Any] | None = None

    @property
    def terminal(self) -> bool:
        """The execution's last event."""
        return self.type in ("succeeded", "failed", "cancelled")

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> ExecutionEvent:
        detail = data.get("detail")
        return cls(
            id=_int(data, "id") or 0,
            type=_str(data, "type") or "",
            execution_id=_str(data, "executionId") or "",
            status=_str(data, "actionStatus") or IN_PROGRESS,
            agent_action=_str(data, "agentAction"),
            attempt=_int(data, "attempt") or 0,
            at=_str(data, "at"),
            external_id=_str(data, "externalId"),
            chat_id=_str(data, "chatId"),
            document_id=_str(data, "documentId"),
            object=_str(data, "object"),
            object_type=_str(data, "objecttype"),
            record_id=_str(data, "recordId"),
            detail=detail if isinstance(detail, dict) else None,
        )
