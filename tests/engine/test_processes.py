"""Several runtimes on one database, as API and worker processes are: work and cancels cross."""

from __future__ import annotations

import asyncio
import time

from support import ALICE, AppFactory


async def test_work_executed_through_one_process_is_run_by_another(
    app_factory: AppFactory, database_url: str
) -> None:
    postgres = database_url.startswith("postgresql")
    api = await app_factory(workers=0)
    # On PostgreSQL, NOTIFY wakes the worker: its polling is far too slow to explain the speed.
    # SQLite has no channel between processes; there the worker's polling finds the work.
    worker = await app_factory(workers=2, poll_interval=30 if postgres else 0.2)
    assert worker.runtime.worker is not None
    await asyncio.sleep(0.3)  # the worker is listening
    headers = await api.login(ALICE)
    started = time.monotonic()
    body = await api.execute(
        headers, agent_name="test_agent__c", action_name="echo__c", document_id=str(api.seed.doc_a)
    )
    done = await api.wait(headers, body["actionResponse"]["executionId"], within=10)
    assert done["actionStatus"] == "SUCCESS"
    assert time.monotonic() - started < 5


async def test_a_cancel_made_in_one_process_stops_the_work_in_another(
    app_factory: AppFactory,
) -> None:
    api = await app_factory(workers=0)
    worker = await app_factory(workers=1, poll_interval=0.1)
    headers = await api.login(ALICE)
    body = await api.execute(
        headers, agent_name="test_agent__c", action_name="slow__c", document_id=str(api.seed.doc_a)
    )
    execution_id = body["actionResponse"]["executionId"]
    running = worker.runtime.worker
    assert running is not None
    for _ in range(300):
        if int(execution_id[3:]) in running.running:
            break
        await asyncio.sleep(0.01)
    started = time.monotonic()
    await api.cancel(headers, execution_id)
    done = await api.wait(headers, execution_id, within=5)
    assert done["actionStatus"] == "CANCELLED"
    assert time.monotonic() - started < 2  # NOTIFY, or the heartbeat within a second
