"""Audit events: who did what, to what, when, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from actionvault.domain.executions import Execution, ExecutionState, ModelUsage

#: The kinds of event the trail holds.
LOGIN = "login"
LOGOUT = "logout"
PASSWORD_CHANGE = "password_change"
EXECUTION_REQUESTED = "execution_requested"
EXECUTION_FINISHED = "execution_finished"
PERMISSION_CHANGE = "permission_change"
USER_CHANGE = "user_change"
CONTENT_CHANGE = "content_change"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    at: float
    kind: str
    outcome: str  # "success", "failure", or an execution's final status
    user_id: int | None = None
    username: str | None = None
    subject: str | None = None  # what it was about: an execution id, a document version, a user
    detail: dict[str, Any] = field(default_factory=dict)
    client_id: str | None = None
    id: int = 0


def execution_requested(
    execution: Execution, username: str | None, client_id: str | None, at: float
) -> AuditEvent:
    """The event the store writes in the same transaction as the execution itself."""
    detail: dict[str, Any] = {
        "action": execution.agent_action,
        "target": execution.target.describe(),
    }
    if execution.external_id is not None:
        detail["external_id"] = execution.external_id
    return AuditEvent(
        at=at,
        kind=EXECUTION_REQUESTED,
        outcome="success",
        user_id=execution.user_id,
        username=username,
        subject=execution.execution_id,
        detail=detail,
        client_id=client_id,
    )


def execution_finished(
    execution: Execution, state: ExecutionState, at: float, usage: ModelUsage | None = None
) -> AuditEvent:
    """The event the store writes in the same transaction as the execution's end."""
    detail: dict[str, Any] = {
        "action": execution.agent_action,
        "target": execution.target.describe(),
        "attempt": execution.attempts,
    }
    if usage is not None:
        detail.update(
            model=usage.model,
            model_calls=usage.calls,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            model_seconds=round(usage.seconds, 3),
        )
    return AuditEvent(
        at=at,
        kind=EXECUTION_FINISHED,
        outcome=state.action_status,
        user_id=execution.user_id,
        subject=execution.execution_id,
        detail=detail,
    )
