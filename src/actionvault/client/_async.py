"""`AsyncVault`: the asyncio twin of `Vault`; only the driver loop differs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, TypeVar

import httpx

from actionvault.client import _flows
from actionvault.client._base import (
    DEFAULT_API_VERSION,
    DEFAULT_CLIENT_ID,
    DEFAULT_RETRY,
    DEFAULT_TIMEOUT,
    BaseVault,
    CloseStream,
    Emit,
    Flow,
    NextEvent,
    OpenStream,
    RetryPolicy,
    Send,
    Sleep,
    Step,
    StreamHandle,
    is_event_stream,
)
from actionvault.client._events import EventCallback
from actionvault.client._flows import DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT
from actionvault.client.models import Execution, Session
from actionvault.client.resources import AsyncActions, AsyncAgents, AsyncExecutions
from actionvault.client.streams import AsyncEvents
from actionvault.client.webhooks import AsyncWebhooks

T = TypeVar("T")


class AsyncVault(BaseVault):
    """`Vault` for asyncio: the same resources and verbs, awaited.

    async with AsyncVault(url, username=user, password=password) as vault:
        report = (await vault.actions.run(agent=agent, action=action, document_id=1)).json()
    """

    def __init__(
        self,
        base_url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        session_id: str | None = None,
        api_version: str = DEFAULT_API_VERSION,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy = DEFAULT_RETRY,
        client_id: str | None = DEFAULT_CLIENT_ID,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            base_url,
            username=username,
            password=password,
            session_id=session_id,
            api_version=api_version,
            timeout=timeout,
            retry=retry,
            client_id=client_id,
        )
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        self._owns_http = http_client is None
        self.agents = AsyncAgents(self)
        self.actions = AsyncActions(self)
        self.events = AsyncEvents(self)
        self.executions = AsyncExecutions(self)
        self.webhooks = AsyncWebhooks(self)

    async def login(self) -> Session:
        return await self._run(_flows.login(self))

    async def logout(self) -> None:
        await self._run(_flows.logout(self))

    async def wait(
        self,
        execution: Execution | str,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 (see _flows.wait)
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_event: EventCallback | None = None,
    ) -> Execution:
        return await self.executions.wait(
            execution, timeout=timeout, poll_interval=poll_interval, on_event=on_event
        )

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncVault:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _run(self, flow: Flow[T]) -> T:
        outcome: list[T] = []
        async for _ in self._drive(flow, outcome):
            raise TypeError("this flow hands out items: iterate it with _iterate")
        return outcome[0]

    def _iterate(self, flow: Flow[None]) -> AsyncIterator[Any]:
        """The items a flow emits, as they come; leaving early closes its streams."""
        return self._drive(flow, [])

    async def _drive(self, flow: Flow[T], outcome: list[T]) -> AsyncIterator[Any]:
        handles: list[StreamHandle] = []
        reply: Any = None
        error: httpx.RequestError | None = None
        try:
            while True:
                try:
                    step = flow.send(reply) if error is None else flow.throw(error)
                except StopIteration as stop:
                    outcome.append(stop.value)
                    return
                reply, error = None, None
                if isinstance(step, Emit):
                    yield step.item
                    continue
                try:
                    reply = await self._perform(step, handles)
                except httpx.RequestError as exc:
                    error = exc
        finally:
            flow.close()
            for handle in handles:
                await handle.response.aclose()

    async def _perform(self, step: Step, handles: list[StreamHandle]) -> Any:
        if isinstance(step, Sleep):
            await asyncio.sleep(step.seconds)
            return None
        if isinstance(step, Send):
            return await self._http.send(step.request)
        if isinstance(step, OpenStream):
            response = await self._http.send(step.request, stream=True)
            if not is_event_stream(response):
                try:
                    await response.aread()
                finally:
                    await response.aclose()
                return response
            handle = StreamHandle(response)
            handle.lines = response.aiter_lines()
            handles.append(handle)
            return handle
        if isinstance(step, NextEvent):
            decoder = step.stream.decoder
            async for line in step.stream.lines:
                if (item := decoder.feed(line)) is not None:
                    return item
            return None
        assert isinstance(step, CloseStream)
        await step.stream.response.aclose()
        if step.stream in handles:
            handles.remove(step.stream)
        return None
