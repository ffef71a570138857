"""Workers share capacity between users, and a retried execution waits before it runs again."""

from __future__ import annotations

from support import ADMIN, ALICE, App, AppFactory


async def _echo(app: App, headers: dict[str, str]) -> int:
    body = await app.execute(
        headers,
        agent_name="test_agent__c",
        action_name="echo__c",
        document_id=str(app.seed.doc_a),
    )
    return int(body["actionResponse"]["executionId"][3:])


async def test_one_users_backlog_delays_another_users_execution_by_at_most_one(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=0)
    alice, admin = await app.login(ALICE), await app.login(ADMIN)
    backlog = [await _echo(app, alice) for _ in range(10)]
    other = await _echo(app, admin)
    store = app.runtime.stores.executions

    first = await store.claim("worker", 2, app.clock(), lease_seconds=30)

    assert [e.number for e in first] == [backlog[0], other]


async def test_each_user_with_queued_work_takes_turns(app_factory: AppFactory) -> None:
    app = await app_factory(workers=0)
    alice, admin = await app.login(ALICE), await app.login(ADMIN)
    theirs = [await _echo(app, alice) for _ in range(4)]
    mine = [await _echo(app, admin) for _ in range(2)]
    store = app.runtime.stores.executions

    order = []
    for _ in range(6):
        [claimed] = await store.claim("worker", 1, app.clock(), lease_seconds=30)
        order.append(claimed.number)

    assert order == [theirs[0], mine[0], theirs[1], mine[1], theirs[2], theirs[3]]


async def test_an_execution_whose_worker_died_waits_out_its_back_off_before_it_is_claimed(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=0)
    number = await _echo(app, await app.login(ALICE))
    store = app.runtime.stores.executions
    [claimed] = await store.claim("dead-worker", 1, app.clock(), lease_seconds=5)
    app.clock.advance(6)

    assert await store.recover_lapsed(app.clock(), backoff=10) == (0, 1, 0)
    assert await store.claim("next-worker", 1, app.clock(), lease_seconds=5) == []
    app.clock.advance(9)
    assert await store.claim("next-worker", 1, app.clock(), lease_seconds=5) == []
    app.clock.advance(1)
    [again] = await store.claim("next-worker", 1, app.clock(), lease_seconds=5)
    assert (again.number, again.attempts) == (claimed.number, 2)
    assert again.number == number
