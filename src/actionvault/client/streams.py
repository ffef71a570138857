"""`vault.events`: execution events as they happen, from actionvault's event streams.

    for event in vault.events.stream(types=["succeeded", "failed"]):
        print(event.execution_id, event.type)

A dropped connection is resumed after the last event received (`Last-Event-ID`), so a loop
over `stream()` sees every event once, in order; leaving the loop closes the connection.
A real Vault has no event streams: `stream()` then raises the error its answer names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING

from actionvault.client import _events
from actionvault.client.models import ExecutionEvent

if TYPE_CHECKING:
    from actionvault.client._async import AsyncVault
    from actionvault.client._sync import Vault


class Events:
    def __init__(self, client: Vault) -> None:
        self._client = client

    def stream(
        self,
        execution_id: str | None = None,
        *,
        after: int | None = None,
        agent: str | None = None,
        action: str | None = None,
        types: Iterable[str] | None = None,
    ) -> Iterator[ExecutionEvent]:
        """One execution's events until its last (with `execution_id`), or every event you
        may see, narrowed by `agent`, `action` and event `types`, without end.

        `after` resumes after an event id you already have; without it, one execution's
        stream starts at its first event and the stream of all starts now."""
        flow = _events.stream(
            self._client,
            execution_id=execution_id,
            after=after,
            agent=agent,
            action=action,
            types=types,
        )
        return self._client._iterate(flow)


class AsyncEvents:
    def __init__(self, client: AsyncVault) -> None:
        self._client = client

    def stream(
        self,
        execution_id: str | None = None,
        *,
        after: int | None = None,
        agent: str | None = None,
        action: str | None = None,
        types: Iterable[str] | None = None,
    ) -> AsyncIterator[ExecutionEvent]:
        flow = _events.stream(
            self._client,
            execution_id=execution_id,
            after=after,
            agent=agent,
            action=action,
            types=types,
        )
        return self._client._iterate(flow)
