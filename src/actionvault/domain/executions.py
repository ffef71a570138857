"""Executions of agent actions and the rules for moving between their states."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from actionvault.domain.ids import format_execution_id


class ExecutionState(StrEnum):
    """Where an execution is; the store moves it only along `TRANSITIONS`, whose rules its
    statements' WHERE clauses hold (tests/store/test_state_rules.py proves it on each backend)."""

    QUEUED = "queued"  # stored, waiting for a worker to claim it
    RUNNING = "running"  # claimed by a worker that holds a lease on it
    SUCCEEDED = "succeeded"  # finished with outputs; never changes again
    FAILED = "failed"  # finished with an error a person can act on; never changes again
    CANCELLED = "cancelled"  # cancelled before it finished; never changes again

    @property
    def action_status(self) -> str:
        """The `actionStatus` Vault reports for this state."""
        return _ACTION_STATUS[self]


TERMINAL_STATES = frozenset(
    {ExecutionState.SUCCEEDED, ExecutionState.FAILED, ExecutionState.CANCELLED}
)

TRANSITIONS: dict[ExecutionState, frozenset[ExecutionState]] = {
    ExecutionState.QUEUED: frozenset({ExecutionState.RUNNING, ExecutionState.CANCELLED}),
    # Back to QUEUED when a worker hands work back at shutdown or its lease lapses.
    ExecutionState.RUNNING: frozenset({ExecutionState.QUEUED, *TERMINAL_STATES}),
    ExecutionState.SUCCEEDED: frozenset(),
    ExecutionState.FAILED: frozenset(),
    ExecutionState.CANCELLED: frozenset(),
}

_ACTION_STATUS = {
    ExecutionState.QUEUED: "IN_PROGRESS",
    ExecutionState.RUNNING: "IN_PROGRESS",
    ExecutionState.SUCCEEDED: "SUCCESS",
    ExecutionState.FAILED: "FAILURE",
    ExecutionState.CANCELLED: "CANCELLED",
}


@dataclass(frozen=True, slots=True)
class ActionOutput:
    """One output of an action; Vault's standard actions only produce `text`."""

    type: str
    value: str
    #: True when the value was cut to the server's output size limit.
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class ExecutionError:
    type: str
    message: str


@dataclass(frozen=True, slots=True)
class ModelUsage:
    """What the model calls of an execution cost."""

    model: str = ""
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Target:
    """What an execution runs on: one exact document version, one record, or nothing."""

    document_id: int | None = None
    major: int | None = None
    minor: int | None = None
    object_name: str | None = None
    object_type: str | None = None
    record_id: str | None = None

    def describe(self) -> str:
        if self.document_id is not None:
            return f"document {self.document_id} version {self.major}.{self.minor}"
        if self.record_id is not None:
            return f"{self.object_name} record {self.record_id}"
        return "no target"


@dataclass(frozen=True, slots=True)
class QueueLimits:
    """Back-pressure: how many queued executions one user, and everyone together, may have."""

    per_user: int
    total: int

    def admits(self, mine: int, total: int) -> bool:
        """Whether one more may queue, given the user's and everyone's queued executions.

        PostgreSQL's create_execution statement applies the same rule in SQL.
        """
        return mine < self.per_user and total < self.total


@dataclass(frozen=True, slots=True)
class NewExecution:
    """What execute stores; the store gives it a number."""

    user_id: int
    agent_name: str
    action_name: str
    target: Target
    external_id: str | None = None
    user_message: str | None = None
    chat_id: str | None = None
    client_id: str | None = None
    #: The requesting user's name, for the audit event written with the execution.
    username: str | None = None
    max_attempts: int = 3
    #: Set when the execution ends FAILURE at once (a chat message no action answers).
    failure: ExecutionError | None = None
    #: Admit the execution only while the queue is under these caps. The store checks them in
    #: the same write as the insert, so that concurrent executes cannot all slip past a check
    #: made before it.
    limits: QueueLimits | None = None
    #: The trace context of the request that queued it (W3C, as JSON), when tracing is on.
    trace_context: str | None = None


@dataclass(frozen=True, slots=True)
class Execution:
    number: int
    user_id: int
    agent_name: str
    action_name: str
    target: Target
    state: ExecutionState
    created_at: float
    attempts: int = 0
    max_attempts: int = 3
    cancel_requested: bool = False
    external_id: str | None = None
    user_message: str | None = None
    chat_id: str | None = None
    worker_id: str | None = None
    started_at: float | None = None
    finished_at: float | None = None
    outputs: tuple[ActionOutput, ...] = field(default=())
    errors: tuple[ExecutionError, ...] = field(default=())
    usage: ModelUsage | None = None
    trace_context: str | None = None

    @property
    def execution_id(self) -> str:
        return format_execution_id(self.number)

    @property
    def agent_action(self) -> str:
        return f"{self.agent_name}.{self.action_name}"


class CancelOutcome(StrEnum):
    CANCELLED = "cancelled"  # it was queued and is now cancelled
    REQUESTED = "requested"  # it is running; its worker will abandon it
    TERMINAL = "terminal"  # it had already finished
    MISSING = "missing"


class LapsedRecovery(NamedTuple):
    """What one sweep of executions whose worker stopped renewing did with them."""

    cancelled: int
    requeued: int
    failed: int


@dataclass(frozen=True, slots=True)
class LeaseRenewal:
    running: tuple[int, ...]
    cancel_requested: tuple[int, ...]
