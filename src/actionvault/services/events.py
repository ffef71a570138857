"""Event streams: an execution's events, or every event a caller may see, as they happen.

A stream first reads what the log holds past the reader's last id, then waits on the process's
EventFeed for more; between events it yields None at each heartbeat so that the transport can
keep the connection (and the proxies on its way) alive. The same visibility rule as a status
call applies: a user's events are their own, an administrator sees everyone's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from actionvault.domain.events import EventFilter, EventType, ExecutionEvent
from actionvault.domain.principals import Principal
from actionvault.services.executions import ExecutionService
from actionvault.store.events import EventFeed, SQLEventStore

#: How many events one read of the log takes; a stream reads again at once when it was full.
_PAGE = 500


class EventService:
    def __init__(
        self,
        events: SQLEventStore,
        executions: ExecutionService,
        feed: EventFeed,
        *,
        heartbeat_seconds: float,
    ) -> None:
        self._events = events
        self._executions = executions
        self._feed = feed
        self._heartbeat = heartbeat_seconds
        self.closing = asyncio.Event()

    def close_streams(self) -> None:
        """End the open streams: a graceful shutdown would otherwise wait for them."""
        self.closing.set()

    async def latest_id(self) -> int:
        return await self._events.latest_id()

    async def of_execution(
        self, principal: Principal, execution_id: str, after: int = 0
    ) -> AsyncIterator[ExecutionEvent | None]:
        """The execution's events past `after`, then as they happen, until its last one.

        Raises at once, as a status call would, when the caller may not see the execution:
        before a transport has started its response, so that the refusal can be an envelope.
        """
        execution = await self._executions.status(principal, execution_id=execution_id)
        return self._until_last(after, EventFilter(execution_number=execution.number))

    async def _until_last(
        self, after: int, which: EventFilter
    ) -> AsyncIterator[ExecutionEvent | None]:
        async for event in self._follow(after, which):
            yield event
            if event is not None and event.type.terminal:
                return

    def visible_filter(
        self,
        principal: Principal,
        *,
        agent_name: str | None = None,
        action_name: str | None = None,
        types: frozenset[EventType] | None = None,
    ) -> EventFilter:
        """What the caller asked for, narrowed to what they may see."""
        return EventFilter(
            user_id=None if principal.is_admin else principal.user_id,
            agent_name=agent_name,
            action_name=action_name,
            types=types,
        )

    async def everything(
        self, which: EventFilter, after: int | None = None
    ) -> AsyncIterator[ExecutionEvent | None]:
        """Every event `which` lets through, past `after` (from now when None)."""
        start = after if after is not None else await self._events.latest_id()
        async for event in self._follow(start, which):
            yield event

    async def _follow(self, after: int, which: EventFilter) -> AsyncIterator[ExecutionEvent | None]:
        seen = after
        while not self.closing.is_set():
            # Every event up to the feed's latest id had committed when that id was read (ids
            # follow commit order), so a read that starts after it sees all of them: past
            # this mark, events this reader does not want need not be read again.
            mark = self._feed.latest
            page = await self._events.after(seen, which, _PAGE)
            for event in page:
                seen = event.id
                yield event
            if len(page) == _PAGE:
                continue
            seen = max(seen, mark)
            woken = await self._wait(seen)
            if not woken:
                yield None  # heartbeat

    async def _wait(self, seen: int) -> bool:
        closing = asyncio.ensure_future(self.closing.wait())
        news = asyncio.ensure_future(self._feed.wait(seen, self._heartbeat))
        try:
            done, _ = await asyncio.wait({closing, news}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            closing.cancel()
            news.cancel()
        return news in done and news.result()
