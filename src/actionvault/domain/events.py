"""Execution events: what happened to an execution, in the order it happened.

Each state change of an execution is recorded as an event in the same transaction as the
change itself (the store's triggers write them), and actions may add progress events while
they run. Event ids increase monotonically, so a reader that resumes after the last id it saw
misses nothing; streams and webhooks are both read from this log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from actionvault.domain.executions import Target
from actionvault.domain.ids import format_execution_id


class EventType(StrEnum):
    QUEUED = "queued"  # stored and waiting for a worker (again, after a worker stopped)
    STARTED = "started"  # a worker began an attempt (`attempt` says which)
    PROGRESS = "progress"  # the running action reported how far it has come (`detail`)
    SUCCEEDED = "succeeded"  # finished with outputs
    FAILED = "failed"  # finished with errors
    CANCELLED = "cancelled"  # cancelled before it finished

    @property
    def terminal(self) -> bool:
        """The execution's last event: nothing follows it."""
        return self in _TERMINAL

    @property
    def action_status(self) -> str:
        """The `actionStatus` a status call made at this event would have answered."""
        return _ACTION_STATUS[self]


_TERMINAL = frozenset({EventType.SUCCEEDED, EventType.FAILED, EventType.CANCELLED})
_ACTION_STATUS = {
    EventType.QUEUED: "IN_PROGRESS",
    EventType.STARTED: "IN_PROGRESS",
    EventType.PROGRESS: "IN_PROGRESS",
    EventType.SUCCEEDED: "SUCCESS",
    EventType.FAILED: "FAILURE",
    EventType.CANCELLED: "CANCELLED",
}

#: The status names a stream may be filtered by, and the events that report each.
EVENT_TYPES_BY_STATUS: dict[str, frozenset[EventType]] = {}
for _type, _status in _ACTION_STATUS.items():
    EVENT_TYPES_BY_STATUS.setdefault(_status, frozenset())
    EVENT_TYPES_BY_STATUS[_status] = EVENT_TYPES_BY_STATUS[_status] | {_type}


@dataclass(frozen=True, slots=True)
class ExecutionEvent:
    id: int
    type: EventType
    execution_number: int
    user_id: int
    attempt: int
    at: float
    agent_name: str
    action_name: str
    target: Target
    external_id: str | None = None
    chat_id: str | None = None
    #: What a progress event reports (e.g. {"message": ..., "part": 2, "parts": 5}).
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def execution_id(self) -> str:
        return format_execution_id(self.execution_number)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events a reader wants; None means any. `user_id` is set by the service from the
    reader's rights, never by the reader."""

    execution_number: int | None = None
    user_id: int | None = None
    agent_name: str | None = None
    action_name: str | None = None
    types: frozenset[EventType] | None = None
