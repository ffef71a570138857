"""Executions over named queries: every state change is one conditional UPDATE."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import asdict, replace
from typing import Any

from actionvault.domain import audit
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
    QueueLimits,
    Target,
)
from actionvault.ports import DuplicateExternalId, QueueFull
from actionvault.store.audit import insert_event
from actionvault.store.database import Connection, Database, IntegrityViolation, Row

WORK_CHANNEL = "actionvault_work"
CANCEL_CHANNEL = "actionvault_cancel"


def _output_row(output: ActionOutput) -> dict[str, object]:
    row: dict[str, object] = {"type": output.type, "value": output.value}
    if output.truncated:
        row["truncated"] = True
    return row


def _outputs(raw: str | None) -> tuple[ActionOutput, ...]:
    return tuple(ActionOutput(**item) for item in json.loads(raw)) if raw else ()


def _errors(raw: str | None) -> tuple[ExecutionError, ...]:
    return tuple(ExecutionError(**item) for item in json.loads(raw)) if raw else ()


def execution_from_row(row: Row) -> Execution:
    return Execution(
        number=row["id"],
        user_id=row["user_id"],
        agent_name=row["agent_name"],
        action_name=row["action_name"],
        target=Target(
            document_id=row["document_id"],
            major=row["major"],
            minor=row["minor"],
            object_name=row["object_name"],
            object_type=row["object_type"],
            record_id=row["record_id"],
        ),
        state=ExecutionState(row["state"]),
        created_at=row["created_at"],
        attempts=row["attempts"],
        max_attempts=row["max_attempts"],
        cancel_requested=bool(row["cancel_requested"]),
        external_id=row["external_id"],
        user_message=row["user_message"],
        chat_id=row["chat_id"],
        worker_id=row["worker_id"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        outputs=_outputs(row["outputs"]),
        errors=_errors(row["errors"]),
        usage=ModelUsage(
            row["model"] or "",
            row["model_calls"],
            row["input_tokens"],
            row["output_tokens"],
            row["model_seconds"],
        )
        if row["model_calls"]
        else None,
        trace_context=row.get("trace_context"),
    )


def new_execution(new: NewExecution, number: int, now: float) -> Execution:
    """The execution a NewExecution becomes once stored under `number`."""
    return Execution(
        number=number,
        user_id=new.user_id,
        agent_name=new.agent_name,
        action_name=new.action_name,
        target=new.target,
        state=ExecutionState.FAILED if new.failure else ExecutionState.QUEUED,
        created_at=now,
        finished_at=now if new.failure else None,
        errors=(new.failure,) if new.failure else (),
        max_attempts=new.max_attempts,
        external_id=new.external_id,
        user_message=new.user_message,
        chat_id=new.chat_id,
        trace_context=new.trace_context,
    )


def create_params(new: NewExecution, execution: Execution) -> dict[str, Any]:
    """The insert's parameters, from the execution `new_execution` made of `new`."""
    t = execution.target
    return {
        "external_id": execution.external_id,
        "user_id": execution.user_id,
        "agent_name": execution.agent_name,
        "action_name": execution.action_name,
        "document_id": t.document_id,
        "major": t.major,
        "minor": t.minor,
        "object_name": t.object_name,
        "object_type": t.object_type,
        "record_id": t.record_id,
        "user_message": execution.user_message,
        "chat_id": execution.chat_id,
        "client_id": new.client_id,
        "trace_context": new.trace_context,
        "max_attempts": execution.max_attempts,
        "now": execution.created_at,
        "state": execution.state.value,
        "finished_at": execution.finished_at,
        "errors": json.dumps([asdict(e) for e in execution.errors]) if execution.errors else None,
    }


#: The unique constraints that hold external ids, as PostgreSQL names them (SQLite names
#: only the columns): the executions' own column, and the reservations kept after retention.
_EXTERNAL_ID_CONSTRAINTS = frozenset({"executions_external_id_key", "external_ids_pkey"})


def taken_external_id(exc: IntegrityViolation, new: NewExecution) -> DuplicateExternalId | None:
    """What a refused insert means when it is the external id that was taken; None otherwise."""
    holds_external_id = exc.constraint in _EXTERNAL_ID_CONSTRAINTS or (
        exc.table in ("executions", "external_ids") and exc.columns == ("external_id",)
    )
    if new.external_id is not None and exc.unique and holds_external_id:
        return DuplicateExternalId(new.external_id)
    return None


def finish_params(
    execution: Execution,
    worker_id: str,
    state: ExecutionState,
    now: float,
    outputs: tuple[ActionOutput, ...],
    errors: tuple[ExecutionError, ...],
    usage: ModelUsage | None,
) -> dict[str, Any]:
    return {
        "id": execution.number,
        "worker_id": worker_id,
        "attempt": execution.attempts,
        "state": state.value,
        "outputs": json.dumps([_output_row(o) for o in outputs]) if outputs else None,
        "errors": json.dumps([asdict(e) for e in errors]) if errors else None,
        "now": now,
        "model": usage.model if usage else None,
        "model_calls": usage.calls if usage else 0,
        "input_tokens": usage.input_tokens if usage else 0,
        "output_tokens": usage.output_tokens if usage else 0,
        "model_seconds": usage.seconds if usage else 0.0,
    }


async def _audit_end(
    tx: Connection,
    execution: Execution,
    state: ExecutionState,
    now: float,
    usage: ModelUsage | None = None,
) -> None:
    await insert_event(tx, audit.execution_finished(execution, state, now, usage))


def queue_params(new: NewExecution) -> dict[str, Any]:
    """The caps a create counts the queue up to; none (and no counting) without limits."""
    limits = new.limits
    return {
        "limited": limits is not None,
        "per_user": limits.per_user if limits else 0,
        "total": limits.total if limits else 0,
    }


async def _admit(tx: Connection, user_id: int, limits: QueueLimits) -> None:
    counts = {"user_id": user_id, "per_user": limits.per_user, "total": limits.total}
    row = await tx.fetch_one("queued_counts", counts)
    assert row is not None
    mine, total = int(row["mine"]), int(row["total"])
    if not limits.admits(mine, total):
        raise QueueFull(mine, total)


class SQLExecutionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, new: NewExecution, now: float) -> Execution:
        execution = new_execution(new, 0, now)
        # The execution, its external id's reservation and its audit events are one
        # transaction: a crash leaves all of them or none.
        try:
            async with self._db.transaction() as tx:
                if new.limits is not None:
                    # The transaction holds SQLite's write lock: no execute slips in between.
                    await _admit(tx, new.user_id, new.limits)
                row = await tx.fetch_one("insert_execution", create_params(new, execution))
                assert row is not None
                execution = replace(execution, number=row["id"])
                if new.external_id is not None:
                    # The reservation outlives the execution, so retention never frees an id.
                    await tx.execute(
                        "reserve_external_id",
                        {"external_id": new.external_id, "execution_id": row["id"], "now": now},
                    )
                await insert_event(
                    tx, audit.execution_requested(execution, new.username, new.client_id, now)
                )
                if new.failure:
                    await _audit_end(tx, execution, ExecutionState.FAILED, now)
                else:
                    await tx.notify(WORK_CHANNEL)  # delivered to listening workers at commit
        except IntegrityViolation as exc:
            if taken := taken_external_id(exc, new):
                raise taken from exc
            raise
        return execution

    def notifications(self) -> AsyncIterator[tuple[str, str]] | None:
        return self._db.listen(WORK_CHANNEL, CANCEL_CHANNEL)

    async def get(self, number: int) -> Execution | None:
        row = await self._db.fetch_one("execution_by_id", {"id": number})
        return execution_from_row(row) if row else None

    async def recent(
        self, *, user_id: int | None, state: str | None, agent_name: str | None, limit: int
    ) -> list[Execution]:
        """The newest executions first; None narrows nothing."""
        rows = await self._db.fetch_all(
            "list_recent_executions",
            {
                "user_id": user_id or 0,
                "state": state or "",
                "agent_name": agent_name or "",
                "limit": limit,
            },
        )
        return [execution_from_row(row) for row in rows]

    async def external_id_used(self, external_id: str) -> bool:
        row = await self._db.fetch_one("external_id_reserved", {"external_id": external_id})
        return row is not None

    async def purge_finished(self, before: float, batch: int) -> int:
        """Remove up to `batch` executions that finished before `before`."""
        return await self._db.execute(
            "purge_finished_executions", {"before": before, "batch": batch}
        )

    async def get_by_external_id(self, external_id: str) -> Execution | None:
        row = await self._db.fetch_one("execution_by_external_id", {"external_id": external_id})
        return execution_from_row(row) if row else None

    async def cancel(self, number: int, now: float) -> CancelOutcome:
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all("cancel_queued_execution", {"id": number, "now": now})
            for row in rows:
                await _audit_end(tx, execution_from_row(row), ExecutionState.CANCELLED, now)
        if rows:
            return CancelOutcome.CANCELLED
        if await self._request_cancel(number):
            return CancelOutcome.REQUESTED
        current = await self.get(number)
        if current is None:
            return CancelOutcome.MISSING
        # It moved between the two updates (claimed, or finished): look again once.
        if current.state is ExecutionState.RUNNING:
            await self._request_cancel(number)
            return CancelOutcome.REQUESTED
        return CancelOutcome.TERMINAL

    async def _request_cancel(self, number: int) -> bool:
        """Flag a running execution; its worker, in whatever process, hears of it at commit."""
        async with self._db.transaction() as tx:
            if not await tx.execute("request_running_cancel", {"id": number}):
                return False
            await tx.notify(CANCEL_CHANNEL, str(number))
            return True

    async def claim(
        self, worker_id: str, limit: int, now: float, lease_seconds: float
    ) -> list[Execution]:
        # One statement, atomic on its own: no transaction, so no BEGIN and COMMIT round trips.
        rows = await self._db.fetch_all(
            "claim_executions",
            {
                "worker_id": worker_id,
                "limit": limit,
                "now": now,
                "lease_expires_at": now + lease_seconds,
            },
        )
        return sorted((execution_from_row(r) for r in rows), key=lambda e: e.number)

    async def renew_leases(self, worker_id: str, now: float, lease_seconds: float) -> LeaseRenewal:
        rows = await self._db.fetch_all(
            "renew_leases", {"worker_id": worker_id, "lease_expires_at": now + lease_seconds}
        )
        return LeaseRenewal(
            running=tuple(r["id"] for r in rows),
            cancel_requested=tuple(r["id"] for r in rows if r["cancel_requested"]),
        )

    async def finish(
        self,
        execution: Execution,
        worker_id: str,
        state: ExecutionState,
        now: float,
        outputs: tuple[ActionOutput, ...] = (),
        errors: tuple[ExecutionError, ...] = (),
        usage: ModelUsage | None = None,
    ) -> ExecutionState | None:
        """Record the outcome of the attempt this worker holds; None when it no longer holds it.

        The audit event of the end is written in the same transaction, so no crash can leave
        a finished execution without it.
        """
        async with self._db.transaction() as tx:
            params = finish_params(execution, worker_id, state, now, outputs, errors, usage)
            row = await tx.fetch_one("finish_execution", params)
            if row is None:
                return None
            final = ExecutionState(row["state"])
            await _audit_end(tx, execution, final, now, usage)
        return final

    async def release(self, worker_id: str, now: float) -> int:
        """Hand a stopping worker's executions back to the queue."""
        return await self._db.execute(
            "release_worker_executions", {"worker_id": worker_id, "now": now}
        )

    async def release_one(self, number: int, worker_id: str, now: float) -> int:
        return await self._db.execute(
            "release_worker_execution", {"id": number, "worker_id": worker_id, "now": now}
        )

    async def recover_lapsed(self, now: float, backoff: float = 0.0) -> LapsedRecovery:
        """Executions whose worker stopped renewing: cancelled, requeued, failed counts.

        A requeued execution waits `backoff` times the square of its attempts before it may
        be claimed again.
        """
        message = (
            "The action was interrupted too many times (its worker stopped while running it) "
            "and was not retried again; execute it again."
        )
        errors = json.dumps([{"type": "UNEXPECTED_ERROR", "message": message}])
        async with self._db.transaction() as tx:
            await tx.fetch_all("lock_lapsed_executions", {"now": now})
            cancelled = await tx.fetch_all("cancel_lapsed_executions", {"now": now})
            requeued = await tx.execute(
                "requeue_lapsed_executions", {"now": now, "backoff": backoff}
            )
            failed = await tx.fetch_all("fail_lapsed_executions", {"now": now, "errors": errors})
            for row in cancelled:
                await _audit_end(tx, execution_from_row(row), ExecutionState.CANCELLED, now)
            for row in failed:
                await _audit_end(tx, execution_from_row(row), ExecutionState.FAILED, now)
        return LapsedRecovery(len(cancelled), requeued, len(failed))
