"""The seams the services need; the store, engine and clock adapters implement them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from actionvault.domain.audit import AuditEvent
from actionvault.domain.chats import Chat
from actionvault.domain.content import DocumentVersion, ObjectRecord, SeenVersion, VersionRef
from actionvault.domain.executions import (
    ActionOutput,
    CancelOutcome,
    Execution,
    ExecutionError,
    ExecutionState,
    LapsedRecovery,
    LeaseRenewal,
    ModelUsage,
    NewExecution,
)
from actionvault.domain.principals import (
    Permissions,
    Principal,
    SessionWithUser,
    User,
    UserCredentials,
)


class DuplicateExternalId(Exception):
    """ExecutionStore.create: another execution already holds this external id."""


class QueueFull(Exception):
    """ExecutionStore.create: the queue is at one of the new execution's limits."""

    def __init__(self, mine: int, total: int) -> None:
        super().__init__(f"{mine} queued for the user, {total} in all")
        self.mine = mine
        self.total = total


class Clock(Protocol):
    def __call__(self) -> float:
        """Seconds since the epoch."""
        ...


class ExecutionStore(Protocol):
    async def create(self, new: NewExecution, now: float) -> Execution: ...
    def notifications(self) -> AsyncIterator[tuple[str, str]] | None: ...
    async def get(self, number: int) -> Execution | None: ...
    async def get_by_external_id(self, external_id: str) -> Execution | None: ...
    async def external_id_used(self, external_id: str) -> bool: ...
    async def purge_finished(self, before: float, batch: int) -> int: ...
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
    async def recover_lapsed(self, now: float, backoff: float = 0.0) -> LapsedRecovery: ...


class ContentStore(Protocol):
    async def document_version(
        self, document_id: int, major: int, minor: int
    ) -> DocumentVersion | None: ...
    async def latest_version(self, document_id: int) -> DocumentVersion | None: ...
    async def version_seen_by(
        self, principal: Principal | None, document_id: int, major: int, minor: int
    ) -> SeenVersion | None: ...
    async def version_ref(
        self,
        principal: Principal,
        document_id: int,
        major: int | None = None,
        minor: int | None = None,
    ) -> VersionRef | None: ...
    async def can_see_document(self, principal: Principal, document_id: int) -> bool: ...
    async def record(self, object_name: str, record_id: str) -> ObjectRecord | None: ...
    async def can_see_record(self, principal: Principal, record: ObjectRecord) -> bool: ...


class UserStore(Protocol):
    async def credentials(self, username: str) -> UserCredentials | None: ...
    async def user(self, user_id: int) -> User | None: ...
    async def permissions(self, user_id: int) -> Permissions: ...
    async def add_session(self, token_hash: str, user_id: int, now: float) -> None: ...
    async def session(self, token_hash: str) -> SessionWithUser | None: ...
    async def touch_session(self, token_hash: str, now: float) -> None: ...
    async def delete_session(self, token_hash: str) -> int: ...
    async def delete_stale_sessions(self, idle_before: float, created_before: float) -> int: ...


class ChatStore(Protocol):
    async def add(self, chat: Chat) -> None: ...
    async def get(self, chat_id: str) -> Chat | None: ...
    async def of_user(self, user_id: int, limit: int = 200) -> list[Chat]: ...
    async def delete(self, chat_id: str) -> None: ...
    async def turns(
        self, chat_id: str, before: int | None = None, limit: int = 1000
    ) -> list[Execution]: ...


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
