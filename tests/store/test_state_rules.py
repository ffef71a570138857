"""The stores move an execution only along the domain's TRANSITIONS, on every backend.

Every execution is brought to each state through the store's own operations, then every
operation is tried on it: whatever state results must be the one it was in or one the
domain's table allows from there, and every transition the table allows is made by some
operation.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import pytest

from actionvault.domain.executions import (
    TERMINAL_STATES,
    TRANSITIONS,
    Execution,
    ExecutionState,
    NewExecution,
    Target,
)
from actionvault.store import Stores

WORKER = "worker-1"
Operation = Callable[[Stores, Execution], Awaitable[object]]


async def _new(stores: Stores) -> Execution:
    return await stores.executions.create(
        NewExecution(user_id=1, agent_name="a__c", action_name="b__c", target=Target(1, 0, 1)),
        time.time(),
    )


async def _claimed(stores: Stores) -> Execution:
    created = await _new(stores)
    [claimed] = await stores.executions.claim(WORKER, 1, time.time(), lease_seconds=60)
    assert claimed.number == created.number
    return claimed


async def _clear_queue(stores: Stores) -> None:
    """Executions an earlier step left queued end first, so that the next claim is this one."""
    for left in await stores.executions.claim("sweeper", 100, time.time(), lease_seconds=60):
        await stores.executions.finish(left, "sweeper", ExecutionState.FAILED, time.time())


async def _in_state(stores: Stores, state: ExecutionState) -> Execution:
    """An execution brought to `state` by the store's own operations."""
    await _clear_queue(stores)
    if state is ExecutionState.QUEUED:
        return await _new(stores)
    if state is ExecutionState.CANCELLED:
        created = await _new(stores)
        await stores.executions.cancel(created.number, time.time())
        return created
    claimed = await _claimed(stores)
    if state is not ExecutionState.RUNNING:
        await stores.executions.finish(claimed, WORKER, state, time.time())
    return claimed


async def _claim(stores: Stores, execution: Execution) -> object:
    return await stores.executions.claim("worker-2", 10, time.time(), lease_seconds=60)


async def _succeed(stores: Stores, execution: Execution) -> object:
    return await stores.executions.finish(execution, WORKER, ExecutionState.SUCCEEDED, time.time())


async def _fail(stores: Stores, execution: Execution) -> object:
    return await stores.executions.finish(execution, WORKER, ExecutionState.FAILED, time.time())


async def _cancel(stores: Stores, execution: Execution) -> object:
    # A running execution's cancel is a request its worker's end turns into CANCELLED.
    await stores.executions.cancel(execution.number, time.time())
    return await stores.executions.finish(execution, WORKER, ExecutionState.SUCCEEDED, time.time())


async def _release(stores: Stores, execution: Execution) -> object:
    return await stores.executions.release(WORKER, time.time())


async def _lapse(stores: Stores, execution: Execution) -> object:
    return await stores.executions.recover_lapsed(time.time() + 3600)


OPERATIONS: dict[str, Operation] = {
    "claim": _claim,
    "finish as succeeded": _succeed,
    "finish as failed": _fail,
    "cancel": _cancel,
    "release at shutdown": _release,
    "recover after the lease lapsed": _lapse,
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("state", list(ExecutionState))
async def test_no_operation_moves_an_execution_outside_the_transition_table(
    stores: Stores, state: ExecutionState, operation: str
) -> None:
    execution = await _in_state(stores, state)
    before = await stores.executions.get(execution.number)
    assert before is not None
    assert before.state is state

    await OPERATIONS[operation](stores, before)

    after = await stores.executions.get(execution.number)
    assert after is not None
    assert after.state is state or after.state in TRANSITIONS[state], (
        f"{operation} moved {state} to {after.state}"
    )


@pytest.mark.parametrize(
    ("state", "target"),
    [(state, target) for state, targets in TRANSITIONS.items() for target in sorted(targets)],
)
async def test_every_transition_the_table_allows_is_made_by_some_operation(
    stores: Stores, state: ExecutionState, target: ExecutionState
) -> None:
    reached = set()
    for operation in OPERATIONS.values():
        execution = await _in_state(stores, state)
        await operation(stores, execution)
        after = await stores.executions.get(execution.number)
        assert after is not None
        reached.add(after.state)
    assert target in reached


def test_terminal_states_have_no_way_out() -> None:
    assert all(not TRANSITIONS[state] for state in TERMINAL_STATES)
