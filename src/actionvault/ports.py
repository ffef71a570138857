"""The seams the services need; the store, engine and clock adapters implement them."""

from __future__ import annotations

from typing import Protocol

from actionvault.domain.audit import AuditEvent
from actionvault.domain.content import DocumentVersion, ObjectRecord
from actionvault.domain.executions import (
    ActionOutput,
    CancelOutcome,
    Execution,
    ExecutionError,
    ExecutionState,
    LeaseRenewal,
    ModelUsage,
    NewExecution,
)
from actionvault.domain.principals import (
    Permissions,
    Principal,
    SessionRecord,
    User,
    UserCredentials,
)


class DuplicateExternalId(Exception):
    """ExecutionStore.create: another execution already holds this external id."""


class Clock(Protocol):
    def __call__(self) -> float:
        """Seconds since the epoch."""
        ...


class ExecutionStore(Protocol):
    async def create(self, new: NewExecution, now: float) -> Execution: ...
    async def queued(self, user_id: int, cap: int) -> tuple[int, int]: ...
    async def get(self, number: int) -> Execution | None: ...
    async def get_by_external_id(self, external_id: str) -> Execution | None: ...
    async def cancel(self, number: int, now: float) -> CancelOutcome: ...
    async def claim(
        self, worker_id: str, limit: int, now: float, lease_seconds: float
    ) -> list[Execution]: ...
    async def renew_leases(
        self, worker_id: str, now: float, lease_seconds: float
    ) -> LeaseRenewal: ...
    async def finish(
        self,
        execution: Execution,
        worker_id: str,
        state: ExecutionState,
        now: float,
        outputs: tuple[ActionOutput, ...] = (),
        errors: tuple[ExecutionError, ...] = (),
        usage: ModelUsage | None = None,
    ) -> ExecutionState | None: ...
    async def release(self, worker_id: str, now: float) -> int: ...
    async def release_one(self, number: int, worker_id: str, now: float) -> int: ...
    async def recover_lapsed(self, now: float) -> tuple[int, int, int]: ...


class ContentStore(Protocol):
    async def document_version(
        self, document_id: int, major: int, minor: int
    ) -> DocumentVersion | None: ...
    async def latest_version(self, document_id: int) -> DocumentVersion | None: ...
    async def can_see_document(self, principal: Principal, document_id: int) -> bool: ...
    async def record(self, object_name: str, record_id: str) -> ObjectRecord | None: ...
    async def can_see_record(self, principal: Principal, record: ObjectRecord) -> bool: ...


class UserStore(Protocol):
    async def credentials(self, username: str) -> UserCredentials | None: ...
    async def user(self, user_id: int) -> User | None: ...
    async def record_login_failure(
        self, user_id: int, threshold: int, locked_until: float
    ) -> None: ...
    async def reset_login_failures(self, user_id: int) -> None: ...
    async def permissions(self, user_id: int) -> Permissions: ...
    async def add_session(self, token_hash: str, user_id: int, now: float) -> None: ...
    async def session(self, token_hash: str) -> tuple[SessionRecord, User] | None: ...
    async def touch_session(self, token_hash: str, now: float) -> None: ...
    async def delete_session(self, token_hash: str) -> int: ...
    async def add_chat(self, chat_id: str, user_id: int, now: float) -> None: ...
    async def chat_owner(self, chat_id: str) -> int | None: ...


class AuditStore(Protocol):
    async def record(self, event: AuditEvent) -> None: ...
    async def events(
        self,
        *,
        since: float = 0.0,
        kind: str | None = None,
        user_id: int | None = None,
        after: int = 0,
        limit: int = 1000,
    ) -> list[AuditEvent]: ...


class WorkSignal(Protocol):
    """How execute and cancel reach the workers at once, instead of at their next poll."""

    def work_available(self) -> None: ...
    def cancel_requested(self, number: int) -> None: ...
