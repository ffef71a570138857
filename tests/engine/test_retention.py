"""Retention removes old finished executions in batches and keeps their external ids reserved."""

from __future__ import annotations

import asyncio

from actionvault.engine.retention import DAY, RetentionJob
from support import ALICE, AppFactory


async def test_old_finished_executions_go_and_their_external_ids_stay_reserved(
    app_factory: AppFactory,
) -> None:
    app = await app_factory()
    headers = await app.login(ALICE)
    fields = {"agent_name": "test_agent__c", "action_name": "echo__c"}
    old = await app.execute(
        headers, document_id=str(app.seed.doc_a), external_id="old-run", **fields
    )
    old_id = old["actionResponse"]["executionId"]
    await app.wait(headers, old_id)
    queued_app = await app_factory(workers=0)
    app.clock.advance(31 * DAY)
    waiting = await queued_app.execute(
        await queued_app.login(ALICE), document_id=str(app.seed.doc_a), **fields
    )
    job = RetentionJob(app.runtime.stores.executions, app.clock, retention_days=30)
    assert await job.run_once() == 1
    headers = await app.login(ALICE)
    gone = await app.status(headers, execution_id=old_id)
    assert gone["errors"][0]["type"] == "INVALID_DATA"
    still = await app.status(headers, execution_id=waiting["actionResponse"]["executionId"])
    assert still["responseStatus"] == "SUCCESS"
    again = await app.execute(
        headers, document_id=str(app.seed.doc_a), external_id="old-run", **fields
    )
    assert again["errors"][0]["type"] == "OPERATION_NOT_ALLOWED"
    assert await job.run_once() == 0


async def test_a_backlog_is_removed_in_batches(app_factory: AppFactory) -> None:
    import actionvault.engine.retention as retention

    app = await app_factory()
    headers = await app.login(ALICE)
    ids = []
    for _ in range(7):
        started = await app.execute(
            headers, agent_name="test_agent__c", action_name="echo__c",
            document_id=str(app.seed.doc_a),
        )  # fmt: skip
        ids.append(started["actionResponse"]["executionId"])
    for execution_id in ids:
        await app.wait(headers, execution_id)
    app.clock.advance(2 * DAY)
    original = retention.BATCH
    retention.BATCH = 3
    try:
        removed = await RetentionJob(app.runtime.stores.executions, app.clock, 1).run_once()
    finally:
        retention.BATCH = original
    assert removed == 7


async def test_each_round_deletes_expired_sessions_and_keeps_live_ones(
    app_factory: AppFactory,
) -> None:
    app = await app_factory()
    stale = await app.login(ALICE)
    app.clock.advance(app.runtime.settings.session_idle_timeout + 1)
    live = await app.login(ALICE)
    purged: list[int] = []
    done = asyncio.Event()

    async def purge() -> int:
        purged.append(await app.runtime.services.sessions.purge_expired())
        done.set()
        return purged[-1]

    job = RetentionJob(app.runtime.stores.executions, app.clock, 0, 0.01, purge_sessions=purge)
    job.start()
    try:
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await job.stop()
    assert purged[0] >= 1
    assert await app.runtime.services.sessions.purge_expired() == 0
    assert (await app.status(live, execution_id="VAB000000000001"))["errors"][0]["type"] == (
        "INVALID_DATA"  # the live session still works: only the execution is unknown
    )
    assert (await app.status(stale, execution_id="VAB000000000001"))["errors"][0]["type"] == (
        "INVALID_SESSION_ID"
    )


async def test_a_retention_of_zero_days_keeps_every_execution(app_factory: AppFactory) -> None:
    app = await app_factory()
    headers = await app.login(ALICE)
    started = await app.execute(
        headers, document_id=str(app.seed.doc_a), agent_name="test_agent__c", action_name="echo__c"
    )
    await app.wait(headers, started["actionResponse"]["executionId"])
    app.clock.advance(10_000 * DAY)
    assert await RetentionJob(app.runtime.stores.executions, app.clock, 0).run_once() == 0
