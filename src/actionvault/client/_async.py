"""`AsyncVault`: the asyncio twin of `Vault`; only the driver loop differs."""

from __future__ import annotations

import asyncio
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
    Flow,
    RetryPolicy,
    Sleep,
)
from actionvault.client._flows import DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT
from actionvault.client.models import Execution, Session
from actionvault.client.resources import AsyncActions, AsyncAgents, AsyncExecutions

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
        self.executions = AsyncExecutions(self)

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
    ) -> Execution:
        return await self.executions.wait(execution, timeout=timeout, poll_interval=poll_interval)

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
        reply: Any = None
        error: httpx.RequestError | None = None
        while True:
            try:
                step = flow.send(reply) if error is None else flow.throw(error)
            except StopIteration as stop:
                result: T = stop.value
                return result
            reply, error = None, None
            if isinstance(step, Sleep):
                await asyncio.sleep(step.seconds)
                continue
            try:
                reply = await self._http.send(step.request)
            except httpx.RequestError as exc:
                error = exc
