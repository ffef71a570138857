"""The execution store's contract, on every backend: claims, leases, finishing, cancel."""

from __future__ import annotations

import asyncio
import time

import pytest

from actionvault.domain.executions import (
    CancelOutcome,
    ExecutionState,
    NewExecution,
    QueueLimits,
    Target,
)
from actionvault.ports import QueueFull
from actionvault.store import Stores, open_stores
from support import run_sql_at


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
        await run_sql_at(database_url, "DELETE FROM executions")
        second = await add(stores, 1)
        assert second[0] > max(first)
    finally:
        await stores.database.close()


async def test_create_and_finish_write_their_audit_events_with_them(stores: Stores) -> None:
    new = NewExecution(
        user_id=1,
        agent_name="a__c",
        action_name="b__c",
        target=Target(document_id=7, major=0, minor=1),
        external_id="audited",
        client_id="client-a",
        username="u@test.example",
    )
    created = await stores.executions.create(new, 100.0)
    [claimed] = await stores.executions.claim("w", 1, 101.0, 30)
    await stores.executions.finish(claimed, "w", ExecutionState.SUCCEEDED, 102.0)
    events = await stores.audit.events()
    assert [(e.kind, e.subject, e.outcome, e.at) for e in events] == [
        ("execution_requested", created.execution_id, "success", 100.0),
        ("execution_finished", created.execution_id, "SUCCESS", 102.0),
    ]
    requested, finished = events
    assert (requested.username, requested.client_id, requested.user_id) == (
        "u@test.example",
        "client-a",
        1,
    )
    assert requested.detail == {
        "action": "a__c.b__c",
        "target": "document 7 version 0.1",
        "external_id": "audited",
    }
    assert finished.detail["attempt"] == 1


async def test_a_refused_create_leaves_no_execution_and_no_audit_event(stores: Stores) -> None:
    from actionvault.ports import DuplicateExternalId

    await add(stores, 1, external="once")
    before = await stores.audit.events()
    with pytest.raises(DuplicateExternalId):
        await add(stores, 1, external="once")
    assert await stores.audit.events() == before
    assert len(await stores.executions.claim("w", 10, time.time(), 30)) == 1


def limited(user_id: int, per_user: int, total: int) -> NewExecution:
    return NewExecution(
        user_id=user_id,
        agent_name="a__c",
        action_name="b__c",
        target=Target(document_id=1, major=0, minor=1),
        external_id=f"limited-{user_id}-{time.monotonic_ns()}",
        limits=QueueLimits(per_user=per_user, total=total),
    )


async def test_create_refuses_past_the_users_cap_and_stores_nothing(stores: Stores) -> None:
    await stores.users.add_user(username="v@test.example", password_hash="x", now=time.time())
    for _ in range(2):
        await stores.executions.create(limited(1, per_user=2, total=10), time.time())
    before = await stores.audit.events()
    refused = limited(1, per_user=2, total=10)
    with pytest.raises(QueueFull) as full:
        await stores.executions.create(refused, time.time())
    assert (full.value.mine, full.value.total) == (2, 2)
    assert await stores.audit.events() == before
    assert refused.external_id is not None
    assert not await stores.executions.external_id_used(refused.external_id)
    # Another user is under their own cap.
    await stores.executions.create(limited(2, per_user=2, total=10), time.time())


async def test_create_refuses_past_the_total_cap_and_admits_once_one_runs(stores: Stores) -> None:
    await stores.users.add_user(username="v@test.example", password_hash="x", now=time.time())
    await stores.executions.create(limited(1, per_user=5, total=2), time.time())
    await stores.executions.create(limited(2, per_user=5, total=2), time.time())
    with pytest.raises(QueueFull) as full:
        await stores.executions.create(limited(2, per_user=5, total=2), time.time())
    assert (full.value.mine, full.value.total) == (1, 2)
    await stores.executions.claim("w", 1, time.time(), 30)  # running no longer counts
    await stores.executions.create(limited(2, per_user=5, total=2), time.time())


async def test_concurrent_creates_under_a_cap_store_exactly_those_admitted(
    database_url: str,
) -> None:
    first = await open_stores(database_url)
    second = await open_stores(database_url)  # a second process on the same database
    try:
        await first.users.add_user(username="u@test.example", password_hash="x", now=time.time())

        async def try_create(stores: Stores) -> bool:
            try:
                await stores.executions.create(limited(1, per_user=5, total=5), time.time())
            except QueueFull:
                return False
            return True

        admitted = await asyncio.gather(*(try_create(s) for s in [first, second] * 10))
        claimed = await first.executions.claim("w", 100, time.time(), 30)
        # Every admitted create is stored, and a refused one leaves nothing behind. SQLite's
        # write lock makes the cap exact; on PostgreSQL executes counting at the same moment
        # may each see room, so it may be passed by as many as run at once.
        assert sum(admitted) == len(claimed) >= 5
        if first.database.dialect == "sqlite":
            assert len(claimed) == 5
    finally:
        await first.database.close()
        await second.database.close()


async def test_an_execution_that_fails_at_once_is_audited_as_requested_then_finished(
    stores: Stores,
) -> None:
    from actionvault.domain.executions import ExecutionError

    new = NewExecution(
        user_id=1,
        agent_name="router__v",
        action_name="route__v",
        target=Target(),
        failure=ExecutionError("OPERATION_NOT_ALLOWED", "nothing answers that"),
    )
    created = await stores.executions.create(new, 100.0)
    assert created.state is ExecutionState.FAILED
    assert await stores.executions.claim("w", 5, 101.0, 30) == []
    events = await stores.audit.events()
    assert [(e.kind, e.subject, e.outcome) for e in events] == [
        ("execution_requested", created.execution_id, "success"),
        ("execution_finished", created.execution_id, "FAILURE"),
    ]


async def test_a_result_after_a_cancel_request_is_audited_as_cancelled(stores: Stores) -> None:
    [number] = await add(stores, 1)
    [claimed] = await stores.executions.claim("w", 1, time.time(), 30)
    assert await stores.executions.cancel(number, time.time()) is CancelOutcome.REQUESTED
    await stores.executions.finish(claimed, "w", ExecutionState.SUCCEEDED, time.time())
    finished = [e for e in await stores.audit.events() if e.kind == "execution_finished"]
    assert [(e.subject, e.outcome) for e in finished] == [(claimed.execution_id, "CANCELLED")]
