"""The execution event log: every state change is an event, written with the change itself."""

from __future__ import annotations

from actionvault.domain.events import EventFilter, EventType
from actionvault.domain.executions import ExecutionState
from actionvault.domain.ids import parse_execution_id
from support import ADMIN, ALICE, App, AppFactory


async def _start(app: App, headers: dict[str, str], action: str = "echo__c") -> int:
    body = await app.execute(
        headers, agent_name="test_agent__c", action_name=action, document_id=str(app.seed.doc_a)
    )
    assert body["responseStatus"] == "SUCCESS", body
    number = parse_execution_id(body["actionResponse"]["executionId"])
    assert number is not None
    return number


async def _log(app: App, number: int) -> list[tuple[EventType, int]]:
    events = await app.runtime.stores.events.after(0, EventFilter(execution_number=number))
    return [(e.type, e.attempt) for e in events]


async def test_a_successful_execution_is_queued_started_and_succeeded_in_order(
    app: App,
) -> None:
    headers = await app.login(ALICE)
    number = await _start(app, headers)
    await app.wait(headers, f"VAB{number:012d}")
    events = await app.runtime.stores.events.after(0, EventFilter(execution_number=number))
    assert [(e.type, e.attempt) for e in events] == [
        (EventType.QUEUED, 0),
        (EventType.STARTED, 1),
        (EventType.SUCCEEDED, 1),
    ]
    assert [e.id for e in events] == sorted(e.id for e in events)
    assert {e.agent_name for e in events} == {"test_agent__c"}
    assert all(e.user_id == events[0].user_id for e in events)


async def test_a_failed_execution_ends_with_a_failed_event(app: App) -> None:
    headers = await app.login(ALICE)
    number = await _start(app, headers, "failing__c")
    await app.wait(headers, f"VAB{number:012d}")
    assert (await _log(app, number))[-1] == (EventType.FAILED, 1)


async def test_cancelling_queued_work_records_a_cancelled_event(app_factory: AppFactory) -> None:
    app = await app_factory(workers=0)
    headers = await app.login(ALICE)
    number = await _start(app, headers)
    assert (await app.cancel(headers, f"VAB{number:012d}"))["responseStatus"] == "SUCCESS"
    assert await _log(app, number) == [(EventType.QUEUED, 0), (EventType.CANCELLED, 0)]


async def test_a_lapsed_attempt_is_queued_again_and_started_as_the_next_attempt(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=0)
    number = await _start(app, await app.login(ALICE))
    store = app.runtime.stores.executions
    assert len(await store.claim("dead-worker", 1, app.clock(), lease_seconds=5)) == 1
    app.clock.advance(6)
    await store.recover_lapsed(app.clock())
    [again] = await store.claim("next-worker", 1, app.clock(), lease_seconds=5)
    await store.finish(again, "next-worker", ExecutionState.SUCCEEDED, app.clock())
    assert await _log(app, number) == [
        (EventType.QUEUED, 0),
        (EventType.STARTED, 1),
        (EventType.QUEUED, 1),
        (EventType.STARTED, 2),
        (EventType.SUCCEEDED, 2),
    ]


async def test_a_running_action_reports_progress_events_between_start_and_end(
    app: App,
) -> None:
    headers = await app.login(ALICE)
    number = await _start(app, headers, "medium__c")
    await app.wait(headers, f"VAB{number:012d}")
    events = await app.runtime.stores.events.after(0, EventFilter(execution_number=number))
    assert [e.type for e in events] == [
        EventType.QUEUED,
        EventType.STARTED,
        EventType.PROGRESS,
        EventType.PROGRESS,
        EventType.SUCCEEDED,
    ]
    assert [e.detail.get("part") for e in events if e.type is EventType.PROGRESS] == [1, 2]
    assert all(e.detail["parts"] == 2 for e in events if e.type is EventType.PROGRESS)


async def test_progress_of_an_attempt_that_no_longer_runs_is_not_recorded(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=0)
    number = await _start(app, await app.login(ALICE))
    store = app.runtime.stores.executions
    [claimed] = await store.claim("worker", 1, app.clock(), lease_seconds=5)
    await store.finish(claimed, "worker", ExecutionState.SUCCEEDED, app.clock())
    events = app.runtime.stores.events
    assert (
        await events.add_progress(number, claimed.attempts, app.clock(), {"message": "x"}) is None
    )
    assert EventType.PROGRESS not in [t for t, _ in await _log(app, number)]


async def test_events_go_when_retention_purges_their_execution(app: App) -> None:
    headers = await app.login(ALICE)
    number = await _start(app, headers)
    await app.wait(headers, f"VAB{number:012d}")
    app.clock.advance(3600)
    assert await app.runtime.stores.executions.purge_finished(app.clock(), 100) == 1
    assert await _log(app, number) == []


async def test_the_log_filters_by_user_agent_and_type(app: App) -> None:
    alice, admin = await app.login(ALICE), await app.login(ADMIN)
    mine = await _start(app, alice)
    theirs = await _start(app, admin, "failing__c")
    await app.wait(alice, f"VAB{mine:012d}")
    await app.wait(admin, f"VAB{theirs:012d}")
    events = app.runtime.stores.events
    alice_id = (await events.after(0, EventFilter(execution_number=mine)))[0].user_id

    only_alice = await events.after(0, EventFilter(user_id=alice_id))
    assert {e.execution_number for e in only_alice} == {mine}
    ends = await events.after(0, EventFilter(types=frozenset({EventType.FAILED})))
    assert [(e.execution_number, e.type) for e in ends] == [(theirs, EventType.FAILED)]
    assert await events.after(0, EventFilter(agent_name="no_such_agent__c")) == []
    assert await events.latest_id() == max(e.id for e in await events.after(0, EventFilter()))
