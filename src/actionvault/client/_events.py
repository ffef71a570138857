"""Event streams as flows: wait for an execution's end without polling, and tail events.

actionvault serves `GET /ext/executions/{id}/events` and `GET /ext/events` as Server-Sent
Events; a real Vault does not. `wait` tries the stream once per client and, when the server
answers anything but a stream, remembers that and polls as before. A dropped connection is
resumed with `Last-Event-ID`, so no event is missed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import httpx

from actionvault.client._base import (
    BaseVault,
    Call,
    CloseStream,
    Emit,
    Flow,
    NextEvent,
    OpenStream,
    Sleep,
    StreamHandle,
    parse_answer,
    transport_error,
)
from actionvault.client._sse import Heartbeat, StreamEvent
from actionvault.client.errors import InvalidResponse, InvalidSessionId, VaultError, WaitTimeout
from actionvault.client.models import Execution, ExecutionEvent

EventCallback = Callable[[ExecutionEvent], None]
#: Errors that mean "this execution", not "no event streams here": polling will say the same.
_ABOUT_THE_EXECUTION = frozenset({"INVALID_DATA", "PARAMETER_REQUIRED"})
#: Dropped connections in a row after which `wait` stops trying the stream and polls.
_WAIT_RECONNECTS = 3


def _open(
    core: BaseVault, path: str, params: dict[str, str], last_id: int | None, deadline: float | None
) -> Flow[StreamHandle | None]:
    """The open stream, or None when the server does not offer it for this call.

    Logs in first (or again, once, when the session has expired), as every call does.
    """
    relogged = False
    while True:
        if core._session_id is None:
            yield from core._login_flow()
        request = core._build_request(Call("GET", path, params=params), deadline)
        request.headers["Accept"] = "text/event-stream"
        if last_id is not None:
            request.headers["Last-Event-ID"] = str(last_id)
        answer = yield OpenStream(request)
        if isinstance(answer, StreamHandle):
            return answer
        try:
            parse_answer(answer)
        except InvalidSessionId:
            if relogged or not core._can_login:
                raise
            relogged = True
            core._session_id = None
            continue
        except VaultError as exc:
            if exc.type not in _ABOUT_THE_EXECUTION:
                core._event_streams = False
            return None
        except InvalidResponse:
            pass
        core._event_streams = False  # a server without event streams (a real Vault)
        return None


def _event(message: StreamEvent) -> ExecutionEvent | None:
    try:
        data = json.loads(message.data)
    except ValueError:
        return None
    return ExecutionEvent._from_wire(data) if isinstance(data, dict) else None


def _next(handle: StreamHandle) -> Flow[ExecutionEvent | Heartbeat | None]:
    """The stream's next event, or a heartbeat; None when the server ended the stream.
    Messages that are not events are passed over; transport failures raise."""
    while True:
        item = yield NextEvent(handle)
        if item is None or isinstance(item, Heartbeat):
            return item
        event = _event(item)
        if event is not None:
            return event


def wait_for_end(
    core: BaseVault,
    execution: Execution,
    *,
    deadline: float | None,
    timeout: float | None,
    on_event: EventCallback | None,
) -> Flow[bool]:
    """Follow the execution's events until its last one: True; False to poll instead.

    The deadline is checked at each event and heartbeat, and when the stream's read times
    out at it; WaitTimeout then carries the execution as last seen.
    """
    path = f"/ext/executions/{quote(execution.id, safe='')}/events"
    last_id: int | None = None
    dropped = 0
    while dropped < _WAIT_RECONNECTS:
        try:
            handle = yield from _open(core, path, {}, last_id, deadline)
        except httpx.RequestError:
            return False  # polling retries transport failures its own way
        if handle is None:
            return False
        ended = False
        while not ended:
            try:
                event = yield from _next(handle)
            except httpx.RequestError:
                event = None  # dropped, or the read timed out: resume (after the deadline check)
            _check_deadline(execution, deadline, timeout)
            if event is None:
                break
            if isinstance(event, Heartbeat):
                continue
            dropped = 0
            last_id = event.id
            if on_event is not None:
                on_event(event)
            ended = event.terminal
        # Not in a `finally`: a flow closed early must not yield; its driver closes the
        # streams it opened.
        yield CloseStream(handle)
        if ended:
            return True
        dropped += 1
    return False


def _check_deadline(execution: Execution, deadline: float | None, timeout: float | None) -> None:
    if deadline is not None and time.monotonic() >= deadline:
        raise WaitTimeout(
            f"execution {execution.id} is still {execution.status} after {timeout:g} s; "
            "it keeps running: wait again or cancel it",
            execution,
        )


def stream(
    core: BaseVault,
    *,
    execution_id: str | None,
    after: int | None,
    agent: str | None,
    action: str | None,
    types: Iterable[str] | None,
) -> Flow[None]:
    """Emit events as they come, resuming after dropped connections, until the caller stops
    (or, for one execution's stream, until its last event)."""
    if execution_id is not None:
        path = f"/ext/executions/{quote(execution_id, safe='')}/events"
        params: dict[str, str] = {}
    else:
        path = "/ext/events"
        wanted = {"agent": agent, "action": action, "type": ",".join(types) if types else None}
        params = {k: v for k, v in wanted.items() if v}
    last_id = after
    failures = 0
    while True:
        try:
            handle = yield from _open(core, path, params, last_id, None)
        except httpx.RequestError as exc:
            failures = yield from _back_off(core, failures, exc)
            continue
        if handle is None:
            # The server answered, but not with a stream: say why, as any call would.
            yield from _explain_refusal(core, path, params)
            return
        finished = False
        while True:
            try:
                event = yield from _next(handle)
            except httpx.RequestError as exc:
                failures = yield from _back_off(core, failures, exc)
                break
            if event is None:
                finished = execution_id is not None
                break
            if isinstance(event, Heartbeat):
                continue
            failures = 0
            last_id = event.id
            yield Emit(event)
            if execution_id is not None and event.terminal:
                finished = True
                break
        yield CloseStream(handle)
        if finished:
            return


def _back_off(core: BaseVault, failures: int, exc: httpx.RequestError) -> Flow[int]:
    """Wait before reconnecting; give up (raising why) once the retry policy is spent."""
    delay = core.retry.delay(failures)
    if delay is None:
        try:
            request = exc.request
        except RuntimeError:  # raised without its request
            request = httpx.Request("GET", core.base_url)
        raise transport_error(exc, request)
    yield Sleep(delay)
    return failures + 1


def _explain_refusal(core: BaseVault, path: str, params: dict[str, str]) -> Flow[Any]:
    """Ask again as an ordinary call, so that the refusal raises as the matching error."""
    answer = yield from core._call(Call("GET", path, params=params))
    raise InvalidResponse(f"the server answered {path} without an event stream: {answer!r}")
