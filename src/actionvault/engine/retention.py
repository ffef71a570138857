"""The built-in retention job: finished executions older than the retention period go, in batches.

Batches keep each delete short, so executing and polling go on while a backlog is removed;
the job sleeps between rounds. External ids stay reserved (they live in their own table), and
the audit trail keeps its record of every execution. Each round also deletes expired sessions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from actionvault.ports import Clock
from actionvault.store.executions import SQLExecutionStore

log = logging.getLogger(__name__)

BATCH = 500
DAY = 86_400.0


class RetentionJob:
    def __init__(
        self,
        store: SQLExecutionStore,
        clock: Clock,
        retention_days: float,
        interval: float = 300.0,
        *,
        purge_sessions: Callable[[], Awaitable[int]] | None = None,
    ) -> None:
        """`retention_days` 0 keeps executions for ever (expired sessions still go)."""
        self._store = store
        self._clock = clock
        self._retention = retention_days * DAY
        self._interval = interval
        self._purge_sessions = purge_sessions
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> int:
        """Remove everything due now; the number of executions removed."""
        removed = 0
        if self._retention <= 0:
            return removed
        before = self._clock() - self._retention
        while True:
            count = await self._store.purge_finished(before, BATCH)
            removed += count
            if count < BATCH:
                return removed
            await asyncio.sleep(0)  # let requests through between batches

    async def _loop(self) -> None:
        while True:
            try:
                removed = await self.run_once()
                if removed:
                    log.info("retention removed %d finished executions", removed)
                if self._purge_sessions is not None:
                    await self._purge_sessions()
            except Exception:
                log.exception("retention failed; trying again later")
            await asyncio.sleep(self._interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="actionvault-retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
