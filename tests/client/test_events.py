"""Events through the SDK: waits that follow the event stream, streams that resume, and the
fallback to polling against a server without streams."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import httpx
import pytest

from actionvault.client import (
    AsyncVault,
    ExecutionEvent,
    ExecutionFailed,
    InvalidData,
    Vault,
    WaitTimeout,
)

Unique = Callable[[str], str]


def test_run_hands_every_event_of_the_execution_to_on_event(vault: Vault) -> None:
    seen: list[ExecutionEvent] = []
    execution = vault.actions.run(
        agent="test_agent__c", action="medium__c", document_id=1, timeout=30, on_event=seen.append
    )
    assert execution.succeeded
    assert [e.type for e in seen] == ["queued", "started", "progress", "progress", "succeeded"]
    assert {e.execution_id for e in seen} == {execution.id}
    assert seen[2].detail == {"message": "Waiting, step 1 of 2", "part": 1, "parts": 2}
    assert seen[-1].terminal
    assert seen[-1].status == "SUCCESS"
    assert [e.id for e in seen] == sorted(e.id for e in seen)


def test_a_wait_on_a_stream_still_raises_the_executions_failure(vault: Vault) -> None:
    with pytest.raises(ExecutionFailed) as failed:
        vault.actions.run(agent="test_agent__c", action="failing__c", document_id=1, timeout=30)
    assert failed.value.errors[0].message == "The test action failed as asked."


def test_a_wait_on_a_stream_times_out_at_its_deadline(vault: Vault) -> None:
    started = vault.actions.execute(agent="test_agent__c", action="slow__c", document_id=1)
    try:
        with pytest.raises(WaitTimeout) as late:
            vault.wait(started, timeout=1.0)
        assert late.value.execution.id == started.id
    finally:
        vault.executions.cancel(started)


def test_one_executions_stream_ends_with_its_last_event(vault: Vault) -> None:
    done = vault.actions.run(agent="test_agent__c", action="echo__c", document_id=1, timeout=30)
    events = list(vault.events.stream(done.id))
    assert [e.type for e in events] == ["queued", "started", "succeeded"]
    after_first = list(vault.events.stream(done.id, after=events[0].id))
    assert after_first == events[1:]


def test_the_stream_of_everything_shows_new_executions_as_they_happen(
    vault: Vault, unique: Unique
) -> None:
    external_id = unique("events")
    received: list[ExecutionEvent] = []
    opened = threading.Event()

    def listen() -> None:
        with Vault(vault.base_url, session_id=vault.session_id) as listener:
            stream = listener.events.stream(types=["succeeded"])
            opened.set()
            for event in stream:
                received.append(event)
                if event.external_id == external_id:
                    return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert opened.wait(5)
    # The stream opens when first read; give it a moment before the execution it should see.
    threading.Event().wait(0.5)
    vault.actions.run(
        agent="test_agent__c", action="echo__c", document_id=1, external_id=external_id
    )
    thread.join(20)
    assert not thread.is_alive()
    assert received[-1].external_id == external_id
    assert {e.type for e in received} == {"succeeded"}


async def test_the_async_client_streams_and_waits_the_same_way(async_vault: AsyncVault) -> None:
    seen: list[ExecutionEvent] = []
    done = await async_vault.actions.run(
        agent="test_agent__c", action="echo__c", document_id=1, timeout=30, on_event=seen.append
    )
    assert [e.type for e in seen] == ["queued", "started", "succeeded"]
    streamed = [event async for event in async_vault.events.stream(done.id)]
    assert streamed == seen


def test_another_users_execution_stream_raises_invalid_data(vault: Vault, writer: Vault) -> None:
    done = vault.actions.run(agent="test_agent__c", action="echo__c", document_id=1, timeout=30)
    with pytest.raises(InvalidData):
        list(writer.events.stream(done.id))


# Against scripted transports: what a live server does not do on request.

EXECUTION = "VAB000000000007"


def _sse(*events: tuple[int, str, str]) -> bytes:
    frames = [b"retry: 2000\n\n"]
    for number, kind, status in events:
        data = (
            f'{{"id": {number}, "type": "{kind}", "executionId": "{EXECUTION}", '
            f'"actionStatus": "{status}"}}'
        )
        frames.append(f"id: {number}\nevent: {kind}\ndata: {data}\n\n".encode())
    return b"".join(frames)


def _status(status: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "responseStatus": "SUCCESS",
            "actionResponse": {"actionStatus": status, "executionId": EXECUTION},
        },
    )


def test_a_dropped_stream_is_resumed_after_the_last_event_received() -> None:
    opened: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        opened.append(request.headers.get("last-event-id"))
        headers = {"content-type": "text/event-stream"}
        if len(opened) == 1:  # two events, then the connection ends
            return httpx.Response(
                200,
                headers=headers,
                content=_sse((1, "queued", "IN_PROGRESS"), (2, "started", "IN_PROGRESS")),
            )
        return httpx.Response(200, headers=headers, content=_sse((3, "succeeded", "SUCCESS")))

    transport = httpx.MockTransport(answer)
    with Vault(
        "http://vault.test", session_id="S", http_client=httpx.Client(transport=transport)
    ) as vault:
        events = list(itertools.islice(vault.events.stream(), 3))
    assert [e.id for e in events] == [1, 2, 3]
    assert opened == [None, "2"]


def test_against_a_server_without_streams_wait_polls_and_remembers_it() -> None:
    asked: list[str] = []
    polls = itertools.count(1)

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path.endswith("/events"):
            return httpx.Response(404, text="<html>Not Found</html>")
        return _status("SUCCESS" if next(polls) % 2 == 0 else "IN_PROGRESS")

    transport = httpx.MockTransport(answer)
    with Vault(
        "http://vault.test", session_id="S", http_client=httpx.Client(transport=transport)
    ) as vault:
        assert vault.wait(EXECUTION, timeout=10, poll_interval=0.01).succeeded
        assert vault.wait(EXECUTION, timeout=10, poll_interval=0.01).succeeded
    assert sum(path.endswith("/events") for path in asked) == 1
