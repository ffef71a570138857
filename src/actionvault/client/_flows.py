"""Each API operation once, as a flow over `BaseVault.call`; the resources of both clients run
these, so the sync and async surfaces cannot differ in what they send or return."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from actionvault.client._base import BaseVault, Call, Flow, RetriedDuplicate, Sleep, items, section
from actionvault.client._events import EventCallback, wait_for_end
from actionvault.client.errors import (
    ExecutionCancelled,
    ExecutionFailed,
    InvalidData,
    WaitTimeout,
)
from actionvault.client.models import (
    CANCELLED,
    FAILURE,
    SUCCESS,
    Action,
    Agent,
    AgentActions,
    AgentDetail,
    CancelReceipt,
    Execution,
    Session,
)

_AI = "/services/ai"
_EXECUTIONS = f"{_AI}/agent_actions"
#: The first pause between polls: short, because builtin and quick actions finish in
#: milliseconds; it doubles from here up to the caller's poll_interval.
FIRST_POLL_DELAY = 0.05
DEFAULT_WAIT_TIMEOUT = 600.0
DEFAULT_POLL_INTERVAL = 2.0


def login(core: BaseVault) -> Flow[Session]:
    return (yield from core._login_flow())


def logout(core: BaseVault) -> Flow[None]:
    if core.session_id is not None:
        yield from core._call(Call("DELETE", "/session"))
    core._forget_session()


def list_agents(
    core: BaseVault,
    *,
    agent_name: str | None,
    available_by_user_name: str | None,
    object: str | None,
    object_type: str | None,
    document_type: str | None,
) -> Flow[list[Agent]]:
    params = {
        "agent_name": agent_name,
        "available_by_user_name": available_by_user_name,
        "object": object,
        "object_type": object_type,
        "document_type": document_type,
    }
    query = {k: v for k, v in params.items() if v is not None}
    body = yield from core._call(Call("GET", f"{_AI}/agents", params=query))
    return [Agent._from_wire(a) for a in items(body, "agents")]


def retrieve_agent(core: BaseVault, name: str) -> Flow[AgentDetail]:
    body = yield from core._call(Call("GET", f"{_AI}/agents/{_segment(name)}"))
    return AgentDetail._from_wire(section(body, "agent"))


def list_agent_actions(core: BaseVault) -> Flow[list[AgentActions]]:
    body = yield from core._call(Call("GET", _EXECUTIONS))
    return [AgentActions._from_wire(a) for a in items(body, "agents")]


def retrieve_action(core: BaseVault, agent: str, action: str) -> Flow[Action]:
    path = f"{_AI}/agent_action/{_segment(agent)}/{_segment(action)}"
    body = yield from core._call(Call("GET", path))
    return Action._from_wire(section(body, "agentAction"), agent_name=agent)


def execute(
    core: BaseVault,
    *,
    agent: str | None,
    action: str | None,
    document_id: str | int | None,
    object: str | None,
    object_type: str | None,
    record_id: str | None,
    user_message: str | None,
    chat_id: str | None,
    external_id: str | None,
) -> Flow[Execution]:
    fields: dict[str, Any] = {
        "agent_name": agent,
        "action_name": action,
        "document_id": None if document_id is None else str(document_id),
        "object": object,
        "objecttype": object_type,
        "record_id": record_id,
        "user_message": user_message,
        "chat_id": chat_id,
        "external_id": external_id,
    }
    body = {k: v for k, v in fields.items() if v is not None}
    call = Call("POST", f"{_EXECUTIONS}/actions/execute", json=body, idempotency_key=external_id)
    try:
        answer = yield from core._call(call)
    except RetriedDuplicate as duplicate:
        # An earlier attempt started the execution and its answer was lost on the way back;
        # if the id turns out to be someone else's, the refusal was meant after all.
        try:
            return (yield from status(core, external_id=external_id))
        except InvalidData:
            raise duplicate.error from None
    return Execution._from_wire(
        section(answer, "actionResponse"),
        agent_action=f"{agent}.{action}" if agent and action else None,
        external_id=external_id,
    )


def run(
    core: BaseVault,
    started: Flow[Execution],
    *,
    timeout: float | None,
    poll_interval: float,
    on_event: EventCallback | None = None,
) -> Flow[Execution]:
    """`started` (an execute flow), then wait: one flow, so `run()` is one driver call."""
    execution = yield from started
    return (
        yield from wait(
            core, execution, timeout=timeout, poll_interval=poll_interval, on_event=on_event
        )
    )


def status(
    core: BaseVault,
    execution_id: str | None = None,
    *,
    external_id: str | None = None,
    deadline: float | None = None,
) -> Flow[Execution]:
    query = {"execution_id": execution_id} if execution_id is not None else {}
    if external_id is not None:
        query["external_id"] = external_id
    call = Call("GET", f"{_EXECUTIONS}/status", params=query)
    body = yield from core._call(call, deadline=deadline)
    return Execution._from_wire(section(body, "actionResponse"))


def cancel(core: BaseVault, execution_id: str) -> Flow[CancelReceipt]:
    call = Call("POST", f"{_EXECUTIONS}/actions/cancel", json={"execution_id": execution_id})
    body = yield from core._call(call)
    return CancelReceipt._from_wire(section(body, "data"))


def wait(
    core: BaseVault,
    execution: Execution | str,
    *,
    timeout: float | None,
    poll_interval: float,
    on_event: EventCallback | None = None,
) -> Flow[Execution]:
    """Wait until the execution is final; SUCCESS returns it, anything else raises.

    Where the server offers event streams (actionvault does, Vault does not), the wait follows
    the execution's events, handing each to `on_event`, and reads the status once at the end;
    otherwise, or if the stream keeps dropping, it polls.

    The deadline covers the whole wait, polls and pauses together. Pauses start at
    FIRST_POLL_DELAY and double up to `poll_interval`: quick actions are seen done at once,
    slow ones cost few requests. The timeout is a parameter, not left to asyncio.timeout(),
    because the WaitTimeout it raises carries the execution to wait on again or cancel.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    if isinstance(execution, str):
        current = yield from status(core, execution, deadline=deadline)
    else:
        current = execution
    if not current.done and core._event_streams is not False:
        ended = yield from wait_for_end(
            core, current, deadline=deadline, timeout=timeout, on_event=on_event
        )
        if ended:
            current = yield from status(core, current.id, deadline=deadline)
    pause = min(FIRST_POLL_DELAY, poll_interval)
    while not current.done:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise WaitTimeout(
                f"execution {current.id} is still {current.status} after {timeout:g} s; "
                "it keeps running: wait again or cancel it",
                current,
            )
        yield Sleep(pause if remaining is None else min(pause, remaining))
        pause = min(pause * 2, poll_interval)
        current = yield from status(core, current.id, deadline=deadline)
    return finish(current)


def finish(execution: Execution) -> Execution:
    """A final execution, or the error that says why it did not succeed."""
    if execution.status == SUCCESS:
        return execution
    if execution.status == FAILURE:
        reasons = "; ".join(f"{e.type}: {e.message}" for e in execution.errors) or "no reason"
        raise ExecutionFailed(f"execution {execution.id} failed: {reasons}", execution)
    if execution.status == CANCELLED:
        raise ExecutionCancelled(f"execution {execution.id} was cancelled", execution)
    raise ExecutionFailed(
        f"execution {execution.id} ended with status {execution.status}", execution
    )


def _segment(name: str) -> str:
    """Names go into the path; keep a stray slash or space from changing which path."""
    return quote(name, safe="")
