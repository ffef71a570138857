"""Executions survive restarts: queued ones run later, interrupted ones run again or fail."""

from __future__ import annotations

import asyncio

from actionvault.domain.executions import ExecutionState
from support import ALICE, App, AppFactory, close_app


async def start_echo(app: App, headers: dict[str, str], action: str = "echo__c") -> str:
    body = await app.execute(
        headers, agent_name="test_agent__c", action_name=action, document_id=str(app.seed.doc_a)
    )
    execution_id: str = body["actionResponse"]["executionId"]
    return execution_id


async def test_queued_executions_run_after_a_restart(app_factory: AppFactory) -> None:
    api_only = await app_factory(workers=0)
    headers = await api_only.login(ALICE)
    ids = [await start_echo(api_only, headers) for _ in range(5)]
    await close_app(api_only)
    restarted = await app_factory(workers=2)
    headers = await restarted.login(ALICE)
    for execution_id in ids:
        assert (await restarted.wait(headers, execution_id))["actionStatus"] == "SUCCESS"


async def test_a_graceful_stop_hands_running_work_back_to_the_queue(
    app_factory: AppFactory,
) -> None:
    first = await app_factory(workers=1)
    headers = await first.login(ALICE)
    execution_id = await start_echo(first, headers, action="slow__c")
    number = int(execution_id[3:])
    assert first.runtime.worker is not None
    for _ in range(500):
        if number in first.runtime.worker.running:
            break
        await asyncio.sleep(0.01)
    await first.runtime.worker.stop(grace=0.1)
    execution = await first.runtime.stores.executions.get(number)
    assert execution is not None
    assert execution.state is ExecutionState.QUEUED
    assert execution.attempts == 0


async def test_work_of_a_crashed_worker_is_run_again_after_its_lease_lapses(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=0)
    headers = await app.login(ALICE)
    execution_id = await start_echo(app, headers)
    store = app.runtime.stores.executions
    # A worker in another process claims it and dies without a word.
    [claimed] = await store.claim("dead-worker", 1, app.clock(), lease_seconds=5)
    assert claimed.execution_id == execution_id
    app.clock.advance(6)
    await app.runtime.start_worker(concurrency=2)
    done = await app.wait(headers, execution_id)
    assert done["actionStatus"] == "SUCCESS"
    execution = await store.get(claimed.number)
    assert execution is not None
    assert execution.attempts == 2


async def test_work_interrupted_too_often_fails_with_a_clear_message(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=0, max_attempts=2)
    headers = await app.login(ALICE)
    execution_id = await start_echo(app, headers)
    store = app.runtime.stores.executions
    for attempt in range(2):
        claimed = await store.claim(f"dead-{attempt}", 1, app.clock(), lease_seconds=5)
        assert len(claimed) == 1
        app.clock.advance(6)
        await store.recover_lapsed(app.clock())
    done = (await app.status(headers, execution_id=execution_id))["actionResponse"]
    assert done["actionStatus"] == "FAILURE"
    assert "interrupted" in done["errors"][0]["message"]
    events = await app.runtime.stores.audit.events(kind="execution_finished")
    assert [(e.subject, e.outcome) for e in events] == [(execution_id, "FAILURE")]


async def test_a_stale_worker_cannot_overwrite_a_result(app_factory: AppFactory) -> None:
    app = await app_factory(workers=0)
    headers = await app.login(ALICE)
    await start_echo(app, headers)
    store = app.runtime.stores.executions
    [first] = await store.claim("slow-worker", 1, app.clock(), lease_seconds=5)
    app.clock.advance(6)
    await store.recover_lapsed(app.clock())
    [second] = await store.claim("fast-worker", 1, app.clock(), lease_seconds=5)
    assert await store.finish(second, "fast-worker", ExecutionState.SUCCEEDED, app.clock()) is (
        ExecutionState.SUCCEEDED
    )
    assert await store.finish(first, "slow-worker", ExecutionState.FAILED, app.clock()) is None
    final = await store.get(first.number)
    assert final is not None
    assert final.state is ExecutionState.SUCCEEDED
