"""Executions on PostgreSQL: each multi-statement write is one statement.

On PostgreSQL a statement is a network round trip, and a transaction adds two more (BEGIN and
COMMIT); each costs CPU in this process and in the server. Execute and an execution's end are
therefore each one data-modifying WITH statement (see `sql/postgres/queries.sql`), atomic on its
own, that writes the same rows and audit events as the transactions of SQLExecutionStore. The
events themselves are still built by `domain.audit`; only the execution id, unknown until the
insert, is formatted by the statement.
"""

from __future__ import annotations

from dataclasses import replace

from actionvault.domain import audit
from actionvault.domain.executions import (
    ActionOutput,
    Execution,
    ExecutionError,
    ExecutionState,
    ModelUsage,
    NewExecution,
)
from actionvault.domain.ids import EXECUTION_ID_DIGITS, EXECUTION_ID_PREFIX
from actionvault.ports import QueueFull
from actionvault.store.audit import detail_json
from actionvault.store.database import IntegrityViolation
from actionvault.store.executions import (
    WORK_CHANNEL,
    SQLExecutionStore,
    create_params,
    finish_params,
    new_execution,
    queue_params,
    taken_external_id,
)


class PostgresExecutionStore(SQLExecutionStore):
    async def create(self, new: NewExecution, now: float) -> Execution:
        execution = new_execution(new, 0, now)
        requested = audit.execution_requested(execution, new.username, new.client_id, now)
        ended = audit.execution_finished(execution, execution.state, now) if new.failure else None
        params = (
            create_params(new, execution)
            | queue_params(new)
            | {
                "username": new.username,
                "subject_prefix": EXECUTION_ID_PREFIX,
                "subject_digits": EXECUTION_ID_DIGITS,
                "requested_kind": requested.kind,
                "requested_outcome": requested.outcome,
                "requested_detail": detail_json(requested),
                "ended_kind": ended.kind if ended else None,
                "ended_outcome": ended.outcome if ended else None,
                "ended_detail": detail_json(ended) if ended else None,
                # A new queued execution wakes the listening workers, at commit.
                "announce": new.failure is None,
                "channel": WORK_CHANNEL,
            }
        )
        try:
            row = await self._db.fetch_one("create_execution", params)
        except IntegrityViolation as exc:
            if taken := taken_external_id(exc, new):
                raise taken from exc
            raise
        assert row is not None
        if row["id"] is None:
            raise QueueFull(int(row["mine"]), int(row["total"]))
        return replace(execution, number=row["id"])

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
        ended = audit.execution_finished(execution, state, now, usage)
        cancelled = audit.execution_finished(execution, ExecutionState.CANCELLED, now, usage)
        params = finish_params(execution, worker_id, state, now, outputs, errors, usage) | {
            "user_id": ended.user_id,
            "subject": ended.subject,
            "ended_kind": ended.kind,
            "ended_outcome": ended.outcome,
            "cancelled_outcome": cancelled.outcome,
            "ended_detail": detail_json(ended),
        }
        row = await self._db.fetch_one("finish_execution", params)
        return ExecutionState(row["state"]) if row else None
