"""`Vault`: the blocking client. Its only logic is the driver loop that runs flows."""

from __future__ import annotations

import time
from collections.abc import Iterator
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
from actionvault.client.resources import Actions, Agents, Executions
from actionvault.client.streams import Events
from actionvault.client.webhooks import Webhooks

T = TypeVar("T")


class Vault(BaseVault):
    """A Vault (or actionvault) server, logged in with credentials or an existing session.

    With credentials it logs in on first use and once more whenever the session expires; with
    only `session_id` an expired session raises InvalidSessionId. Pass `http_client` to bring
    your own httpx.Client (proxies, TLS, a MockTransport in tests); the client does not close
    one it was given.

        vault = Vault("http://127.0.0.1:8700", username="admin@actionvault.demo", password="...")
        print([agent.name for agent in vault.agents.list()])
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
        http_client: httpx.Client | None = None,
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
        self._http = http_client if http_client is not None else httpx.Client()
        self._owns_http = http_client is None
        self.agents = Agents(self)
        self.actions = Actions(self)
        self.events = Events(self)
        self.executions = Executions(self)
        self.webhooks = Webhooks(self)

    def login(self) -> Session:
        """Log in now rather than on first use, e.g. to check credentials or keep the id."""
        return self._run(_flows.login(self))

    def logout(self) -> None:
        """End the session on the server; a client with credentials logs in again if used."""
        self._run(_flows.logout(self))

    def wait(
        self,
        execution: Execution | str,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_event: EventCallback | None = None,
    ) -> Execution:
        """Same as `vault.executions.wait()`."""
        return self.executions.wait(
            execution, timeout=timeout, poll_interval=poll_interval, on_event=on_event
        )

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Vault:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self, flow: Flow[T]) -> T:
        outcome: list[T] = []
        for _ in self._drive(flow, outcome):
            raise TypeError("this flow hands out items: iterate it with _iterate")
        return outcome[0]

    def _iterate(self, flow: Flow[None]) -> Iterator[Any]:
        """The items a flow emits, as they come; leaving early closes its streams."""
        yield from self._drive(flow, [])

    def _drive(self, flow: Flow[T], outcome: list[T]) -> Iterator[Any]:
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
                    reply = self._perform(step, handles)
                except httpx.RequestError as exc:
                    error = exc
        finally:
            flow.close()
            for handle in handles:
                handle.response.close()

    def _perform(self, step: Step, handles: list[StreamHandle]) -> Any:
        if isinstance(step, Sleep):
            time.sleep(step.seconds)
            return None
        if isinstance(step, Send):
            return self._http.send(step.request)
        if isinstance(step, OpenStream):
            response = self._http.send(step.request, stream=True)
            if not is_event_stream(response):
                try:
                    response.read()
                finally:
                    response.close()
                return response
            handle = StreamHandle(response)
            handle.lines = response.iter_lines()
            handles.append(handle)
            return handle
        if isinstance(step, NextEvent):
            decoder = step.stream.decoder
            for line in step.stream.lines:
                if (item := decoder.feed(line)) is not None:
                    return item
            return None
        assert isinstance(step, CloseStream)
        step.stream.response.close()
        if step.stream in handles:
            handles.remove(step.stream)
        return None
