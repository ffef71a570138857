"""The worker: claim queued executions, run them concurrently, keep their leases, obey cancel.

One loop claims as many executions as there are free slots and starts a task for each; a
second loop renews the leases of running executions, learns of cancel requests made through
other processes, and recovers executions whose worker died (their lease lapsed). In-process
signals (`work_available`, `cancel_requested`) make both immediate; the loops' intervals are
only the fallback for work that arrives through another process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator
from enum import Enum

from actionvault.domain.executions import Execution, ExecutionState
from actionvault.engine.runner import Outcome, Runner
from actionvault.errors import ServiceUnavailable
from actionvault.observability import logs, metrics, tracing
from actionvault.ports import Clock
from actionvault.store.executions import CANCEL_CHANNEL, SQLExecutionStore

log = logging.getLogger(__name__)

#: How long a worker keeps trying to record an execution's end while the database is away.
_END_RETRY_SECONDS = 30.0


class _StopReason(Enum):
    CANCEL = "cancel"  # the caller cancelled: the execution ends CANCELLED
    SHUTDOWN = "shutdown"  # this worker is stopping: the execution goes back to the queue


class Worker:
    def __init__(
        self,
        store: SQLExecutionStore,
        runner: Runner,
        clock: Clock,
        *,
        concurrency: int = 4,
        poll_interval: float = 1.0,
        lease_seconds: float = 30.0,
        retry_backoff: float = 0.0,
    ) -> None:
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._store = store
        self._runner = runner
        self._clock = clock
        self._concurrency = concurrency
        self._poll_interval = poll_interval
        self._lease_seconds = lease_seconds
        self._retry_backoff = retry_backoff
        # Renew well before the lease lapses, and often enough that a cancel made in another
        # process is honoured within about a second.
        self._heartbeat_interval = min(lease_seconds / 3, 1.0)
        self._wake = asyncio.Event()
        # Whether work may be waiting that this worker had no room for. A slot that frees up
        # only looks for work then: otherwise new work announces itself, and a claim on every
        # end would be a wasted statement each.
        self._work_may_wait = True
        self._stopping = False
        self._running: dict[int, asyncio.Task[None]] = {}
        self._inner: dict[int, asyncio.Task[Outcome]] = {}
        self._stop_reasons: dict[int, _StopReason] = {}
        self._loops: list[asyncio.Task[None]] = []

    @property
    def running(self) -> frozenset[int]:
        return frozenset(self._running)

    @property
    def alive(self) -> bool:
        """Claiming and renewing leases: started, not stopping, and no loop has died."""
        return (
            bool(self._loops)
            and not self._stopping
            and not any(loop.done() for loop in self._loops)
        )

    def work_available(self) -> None:
        self._wake.set()

    def cancel_requested(self, number: int) -> None:
        if number not in self._running:
            return
        self._stop_reasons[number] = _StopReason.CANCEL
        inner = self._inner.get(number)
        if inner is not None:
            inner.cancel()

    async def start(self) -> None:
        self._loops = [
            asyncio.create_task(self._claim_loop(), name="actionvault-claim"),
            asyncio.create_task(self._heartbeat_loop(), name="actionvault-heartbeat"),
        ]
        notifications = self._store.notifications()
        if notifications is not None:
            self._loops.append(
                asyncio.create_task(self._listen(notifications), name="actionvault-listen")
            )

    async def _listen(self, notifications: AsyncIterator[tuple[str, str]]) -> None:
        """Work and cancels announced by other processes reach this worker at once."""
        async for channel, payload in notifications:
            if channel == CANCEL_CHANNEL:
                if payload.isdigit():
                    self.cancel_requested(int(payload))
            else:
                self._wake.set()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming, let running actions finish within `grace`, hand the rest back."""
        self._stopping = True
        self._wake.set()
        for loop in self._loops:
            loop.cancel()
        for loop in self._loops:
            with contextlib.suppress(asyncio.CancelledError):
                await loop
        if self._running:
            await asyncio.wait(list(self._running.values()), timeout=grace)
        for number, inner in list(self._inner.items()):
            self._stop_reasons.setdefault(number, _StopReason.SHUTDOWN)
            inner.cancel()
        if self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)
        released = await self._store.release(self.worker_id, self._clock())
        if released:
            log.info("handed %d running executions back to the queue", released)

    async def _claim_loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            free = self._concurrency - len(self._running)
            claimed: list[Execution] = []
            if free <= 0:
                self._work_may_wait = True  # woken while full: look again when a slot frees
            else:
                try:
                    claimed = await self._store.claim(
                        self.worker_id, free, self._clock(), self._lease_seconds
                    )
                except ServiceUnavailable:
                    log.warning("claiming executions: database unavailable; retrying")
                    await asyncio.sleep(self._poll_interval)
                    continue
                except Exception:
                    log.exception("claiming executions failed; retrying")
                    await asyncio.sleep(self._poll_interval)
                    continue
                self._work_may_wait = len(claimed) == free
                for execution in claimed:
                    started = execution.started_at or self._clock()
                    metrics.execution_started(
                        execution.agent_name, execution.action_name, started - execution.created_at
                    )
                    task = asyncio.create_task(self._run(execution))
                    self._running[execution.number] = task
            if claimed and len(claimed) == free:
                continue  # there may be more waiting; claim again once a slot frees up
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval)

    async def _run(self, execution: Execution) -> None:
        logs.execution_id.set(execution.execution_id)  # this task's, and the action's within
        if execution.trace_context is None:  # tracing off, or the request was not sampled
            await self._run_execution(execution)
            return
        # A child of the request that queued it, whichever process that was.
        with tracing.span(
            f"execution {execution.agent_action}",
            kind="consumer",
            parent=execution.trace_context,
            attributes={
                "vault.execution_id": execution.execution_id,
                "vault.agent_action": execution.agent_action,
                "vault.attempt": execution.attempts,
                "vault.worker_id": self.worker_id,
            },
        ):
            await self._run_execution(execution, traced=True)

    async def _run_action(self, execution: Execution) -> Outcome:
        with tracing.span(
            f"action {execution.agent_action}",
            attributes={"vault.execution_id": execution.execution_id},
        ) as current:
            outcome = await self._runner.run(execution)
            tracing.set_attributes(current, **{"vault.state": outcome.state.value})
            return outcome

    async def _run_execution(self, execution: Execution, *, traced: bool = False) -> None:
        number = execution.number
        try:
            if self._stop_reasons.get(number) is _StopReason.CANCEL:
                outcome = None  # cancelled before it started
            else:
                # The handler runs in a task of its own so that cancelling it never cancels
                # this bookkeeping around it.
                work = self._run_action(execution) if traced else self._runner.run(execution)
                inner = asyncio.create_task(work)
                self._inner[number] = inner
                try:
                    outcome = await inner
                except asyncio.CancelledError:
                    outcome = None
            if outcome is None:
                reason = self._stop_reasons.get(number, _StopReason.SHUTDOWN)
                if reason is _StopReason.CANCEL:
                    await self._record_end(execution, Outcome(ExecutionState.CANCELLED))
                return  # at shutdown, stop() hands it back to the queue
            await self._record_end(execution, outcome)
        except ServiceUnavailable:
            # Still held by this worker in the store but no longer run here: the heartbeat
            # hands it back to the queue, without counting the attempt, once the database is
            # back (or its lease lapses first).
            log.warning("%s: the database became unavailable; it will run again",
                        execution.execution_id)  # fmt: skip
        except Exception:
            log.exception("recording the end of %s failed", execution.execution_id)
        finally:
            self._running.pop(number, None)
            self._inner.pop(number, None)
            self._stop_reasons.pop(number, None)
            if self._work_may_wait:
                self._wake.set()

    async def _record_end(self, execution: Execution, outcome: Outcome) -> None:
        """Record the end, waiting out a database outage of up to `_END_RETRY_SECONDS`.

        Retrying is safe: the finish is conditional on this worker still holding this attempt,
        so it can never overwrite an end recorded elsewhere, and a finish that committed before
        the connection failed makes the retry a no-op.
        """
        deadline = time.monotonic() + _END_RETRY_SECONDS  # real time, whatever the clock says
        delay = 0.1
        while True:
            try:
                await self._store.finish(
                    execution,
                    self.worker_id,
                    outcome.state,
                    self._clock(),
                    outputs=outcome.outputs,
                    errors=outcome.errors,
                    usage=outcome.usage,
                )
                ran = self._clock() - execution.started_at if execution.started_at else None
                metrics.execution_ended(
                    execution.agent_name, execution.action_name, outcome.state.value, ran
                )
                return
            except ServiceUnavailable:
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("recording the end of %s: database unavailable, retrying",
                            execution.execution_id)  # fmt: skip
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _heartbeat_loop(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self._heartbeat_interval)
            try:
                now = self._clock()
                if self._running:
                    renewal = await self._store.renew_leases(
                        self.worker_id, now, self._lease_seconds
                    )
                    for number in renewal.cancel_requested:
                        self.cancel_requested(number)
                    for number in set(renewal.running) - set(self._running):
                        # Held in the store but not run here (its end could not be recorded).
                        await self._store.release_one(number, self.worker_id, now)
                cancelled, requeued, failed = await self._store.recover_lapsed(
                    now, self._retry_backoff
                )
                if requeued:
                    self._wake.set()
                metrics.lease_takeovers(requeued, failed, cancelled)
                if cancelled or requeued or failed:
                    log.warning(
                        "recovered executions of stopped workers: %d requeued, %d failed, "
                        "%d cancelled",
                        requeued,
                        failed,
                        cancelled,
                    )
            except ServiceUnavailable:
                log.warning("lease renewal: database unavailable; retrying")
            except Exception:
                log.exception("lease renewal failed; retrying")
