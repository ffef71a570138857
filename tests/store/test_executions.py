"""The execution store's contract, on every backend: claims, leases, finishing, cancel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from actionvault.domain.executions import (
    CancelOutcome,
    ExecutionState,
    NewExecution,
    Target,
)
from actionvault.store import Stores, open_stores


@pytest.fixture
async def stores(database_url: str) -> AsyncIterator[Stores]:
    opened = await open_stores(database_url)
    await opened.users.add_user(username="u@test.example", password_hash="x", now=time.time())
    yield opened
    await opened.database.close()


async def add(stores: Stores, count: int, external: str | None = None) -> list[int]:
    numbers = []
    for index in range(count):
        execution = await stores.executions.create(
            NewExecution(
                user_id=1,
                agent_name="a__c",
                action_name="b__c",
                target=Target(document_id=1, major=0, minor=1),
                external_id=f"{external}-{index}" if external else None,
            ),
            time.time(),
        )
        numbers.append(execution.number)
    return numbers


async def test_migrating_twice_changes_nothing(stores: Stores) -> None:
    assert await stores.database.migrate() == []


async def test_concurrent_claims_never_hand_out_the_same_execution(database_url: str) -> None:
    first = await open_stores(database_url)
    second = await open_stores(database_url)  # a second process on the same database
    try:
        await first.users.add_user(username="u@test.example", password_hash="x", now=time.time())
        numbers = await add(first, 40)
        now = time.time()

        async def claim_all(stores: Stores, worker: str) -> list[int]:
            got: list[int] = []
            while batch := await stores.executions.claim(worker, 3, now, 30):
                got.extend(e.number for e in batch)
            return got

        results = await asyncio.gather(
            claim_all(first, "w1"), claim_all(second, "w2"), claim_all(first, "w3")
        )
        claimed = [n for result in results for n in result]
        assert sorted(claimed) == numbers
        assert len(set(claimed)) == len(claimed)
    finally:
        await first.database.close()
        await second.database.close()


async def test_claims_take_the_oldest_first_and_count_attempts(stores: Stores) -> None:
    numbers = await add(stores, 3)
    batch = await stores.executions.claim("w", 2, time.time(), 30)
    assert [e.number for e in batch] == numbers[:2]
    assert all(e.attempts == 1 and e.state is ExecutionState.RUNNING for e in batch)


async def test_cancel_moves_queued_to_cancelled_and_flags_running(stores: Stores) -> None:
    queued, running = await add(stores, 2)
    [claimed] = await stores.executions.claim("w", 1, time.time(), 30)
    assert claimed.number == queued
    assert await stores.executions.cancel(running, time.time()) is CancelOutcome.CANCELLED
    assert await stores.executions.cancel(queued, time.time()) is CancelOutcome.REQUESTED
    renewal = await stores.executions.renew_leases("w", time.time(), 30)
    assert renewal.cancel_requested == (queued,)
    # A result that arrives after the cancel request does not win.
    state = await stores.executions.finish(claimed, "w", ExecutionState.SUCCEEDED, time.time())
    assert state is ExecutionState.CANCELLED
    assert await stores.executions.cancel(queued, time.time()) is CancelOutcome.TERMINAL
    assert await stores.executions.cancel(999_999, time.time()) is CancelOutcome.MISSING


async def test_a_finished_execution_never_changes_again(stores: Stores) -> None:
    [number] = await add(stores, 1)
    [claimed] = await stores.executions.claim("w", 1, time.time(), 30)
    assert (
        await stores.executions.finish(claimed, "w", ExecutionState.FAILED, time.time())
        is ExecutionState.FAILED
    )
    assert (
        await stores.executions.finish(claimed, "w", ExecutionState.SUCCEEDED, time.time()) is None
    )
    assert await stores.executions.release("w", time.time()) == 0
    assert await stores.executions.recover_lapsed(time.time() + 3600) == (0, 0, 0)
    execution = await stores.executions.get(number)
    assert execution is not None
    assert execution.state is ExecutionState.FAILED


async def test_release_hands_work_back_without_spending_an_attempt(stores: Stores) -> None:
    [number] = await add(stores, 1)
    await stores.executions.claim("w", 1, time.time(), 30)
    assert await stores.executions.release("w", time.time()) == 1
    execution = await stores.executions.get(number)
    assert execution is not None
    assert (execution.state, execution.attempts, execution.worker_id) == (
        ExecutionState.QUEUED,
        0,
        None,
    )


async def test_external_ids_are_unique_and_found(stores: Stores) -> None:
    from actionvault.ports import DuplicateExternalId

    [number] = await add(stores, 1, external="ext")
    found = await stores.executions.get_by_external_id("ext-0")
    assert found is not None
    assert found.number == number
    with pytest.raises(DuplicateExternalId):
        await add(stores, 1, external="ext")


async def test_execution_numbers_are_never_reused(database_url: str) -> None:
    stores = await open_stores(database_url)
    try:
        await stores.users.add_user(username="u@test.example", password_hash="x", now=time.time())
        first = await add(stores, 2)
        run = getattr(stores.database, "run_script")  # noqa: B009 - both databases have it
        await run("DELETE FROM executions")
        second = await add(stores, 1)
        assert second[0] > max(first)
    finally:
        await stores.database.close()
