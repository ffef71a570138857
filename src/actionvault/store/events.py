"""The execution event log over named queries, and the feed that wakes its readers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from actionvault.domain.events import EventFilter, EventType, ExecutionEvent
from actionvault.domain.executions import Target
from actionvault.store.database import Database, Row

log = logging.getLogger(__name__)

#: The channel add_execution_event notifies on PostgreSQL.
EVENTS_CHANNEL = "actionvault_events"


def event_from_row(row: Row) -> ExecutionEvent:
    return ExecutionEvent(
        id=row["id"],
        type=EventType(row["type"]),
        execution_number=row["execution_id"],
        user_id=row["user_id"],
        attempt=row["attempt"],
        at=row["at"],
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
        external_id=row["external_id"],
        chat_id=row["chat_id"],
        detail=json.loads(row["detail"]) if row["detail"] else {},
    )


class SQLEventStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_progress(
        self, execution_number: int, attempt: int, now: float, detail: dict[str, Any]
    ) -> int | None:
        """Record progress of the attempt that is running; None when it no longer runs."""
        row = await self._db.fetch_one(
            "add_progress_event",
            {
                "id": execution_number,
                "attempt": attempt,
                "now": now,
                "detail": json.dumps(detail, ensure_ascii=False),
            },
        )
        return row["id"] if row else None

    async def after(self, after: int, which: EventFilter, limit: int = 500) -> list[ExecutionEvent]:
        """Up to `limit` events with ids past `after`, oldest first."""
        if which.execution_number is not None:
            # One execution's events, all of them: the caller has checked that it may see it.
            rows = await self._db.fetch_all(
                "events_of_execution",
                {"execution_id": which.execution_number, "after": after, "limit": limit},
            )
        else:
            types = which.types
            rows = await self._db.fetch_all(
                "events_after",
                {
                    "after": after,
                    "limit": limit,
                    "user_id": which.user_id,
                    "agent_name": which.agent_name,
                    "action_name": which.action_name,
                    "types": f",{','.join(sorted(types))}," if types is not None else None,
                },
            )
        return [event_from_row(r) for r in rows]

    async def latest_id(self) -> int:
        row = await self._db.fetch_one("latest_event_id")
        return int(row["id"]) if row else 0


class EventFeed:
    """Wakes the event streams of this process when new events may have been written.

    One task per process watches for them, however many streams are open: on PostgreSQL it
    LISTENs to the channel add_execution_event notifies at commit; where the database has no
    such channel (SQLite), writes in this process `poke` it and a short poll of the latest id
    catches those of other processes. The poll also runs on PostgreSQL, slower, in case a
    notification was lost with its connection.
    """

    def __init__(self, db: Database, events: SQLEventStore, poll_interval: float) -> None:
        self._db = db
        self._events = events
        self._poll_interval = poll_interval
        self._latest = 0
        self._changed = asyncio.Condition()
        self._readers = 0
        self._listening = False
        self._looking: asyncio.Task[None] | None = None
        self._again = False
        self._stale = False
        self._beginning = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None

    @property
    def latest(self) -> int:
        return self._latest

    def poke(self) -> None:
        """Events may have been written (this process committed a write, or a notification
        came): look, once however many pokes come meanwhile, and only while a stream waits;
        with none waiting, the next stream to wait looks first."""
        if self._task is None:
            return
        if not self._readers:
            self._stale = True
            return
        if self._looking is not None:
            self._again = True
            return
        self._looking = asyncio.get_running_loop().create_task(self._look())

    async def _look(self) -> None:
        try:
            while True:
                self._again = False
                await self._refresh()
                if not self._again:
                    return
        finally:
            self._looking = None

    async def start(self) -> None:
        """Follow this process's writes now; listen and poll only once a stream first waits,
        so that processes that serve no stream (workers) add no listener to the database."""
        self._db.on_write(self.poke)

    async def _begin(self) -> None:
        self._latest = max(self._latest, await self._events.latest_id())
        notifications = self._db.listen(EVENTS_CHANNEL)
        self._listening = notifications is not None
        self._task = asyncio.create_task(self._poll(), name="event-feed-poll")
        if notifications is not None:

            async def listen() -> None:
                async for _ in notifications:
                    self.poke()

            self._listener = asyncio.create_task(listen(), name="event-feed-listen")

    async def stop(self) -> None:
        for task in (self._task, self._listener):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._listener = None

    async def wait(self, seen: int, within: float) -> bool:
        """Until an event past `seen` may exist (True) or `within` seconds pass (False)."""
        if self._task is None:
            async with self._beginning:
                if self._task is None:
                    await self._begin()
        if self._stale:
            self._stale = False
            await self._refresh()
        if self._latest > seen:
            return True
        self._readers += 1
        try:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: self._latest > seen), within
                    )
            return self._latest > seen
        finally:
            self._readers -= 1

    async def _refresh(self) -> None:
        try:
            latest = await self._events.latest_id()
        except Exception as exc:  # the database is away: the next poll tries again
            log.warning("could not read the latest execution event (%s)", exc)
            return
        if latest > self._latest:
            self._latest = latest
            async with self._changed:
                self._changed.notify_all()

    async def _poll(self) -> None:
        # Only while a stream waits: an idle server does not read the log.
        interval = max(self._poll_interval, 2.0) if self._listening else self._poll_interval
        while True:
            await asyncio.sleep(interval)
            if self._readers:
                await self._refresh()
