"""The webhook outbox's contract, on every backend: deliveries written with their events, claimed
in batches with what they send, each by one dispatcher, and their attempts recorded together."""

from __future__ import annotations

import asyncio
import time

from actionvault.domain.events import EventType
from actionvault.domain.executions import ExecutionState, NewExecution, Target
from actionvault.domain.webhooks import DeliveryState, Webhook
from actionvault.store import Stores, open_stores
from actionvault.store.webhooks import Outcome

ENDS = frozenset({EventType.SUCCEEDED, EventType.FAILED, EventType.CANCELLED})


async def add_webhook(stores: Stores, url: str = "https://hooks.example.com/a") -> Webhook:
    webhook = Webhook(
        id=0,
        url=url,
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        event_types=ENDS,
        agent_name=None,
        enabled=True,
        description="",
        created_at=0,
        updated_at=0,
    )
    return await stores.webhooks.add(webhook, time.time())


async def end_executions(stores: Stores, count: int) -> list[int]:
    """Executions run to their end by a worker, as the engine does: each owes its deliveries."""
    numbers = []
    for _ in range(count):
        created = await stores.executions.create(
            NewExecution(
                user_id=1,
                agent_name="a__c",
                action_name="b__c",
                target=Target(document_id=7, major=0, minor=1),
            ),
            time.time(),
        )
        numbers.append(created.number)
    claimed = await stores.executions.claim("w", count, time.time(), 30)
    for execution in claimed:
        await stores.executions.finish(execution, "w", ExecutionState.SUCCEEDED, time.time())
    return numbers


async def test_a_claim_hands_out_each_due_delivery_with_its_webhook_and_event(
    stores: Stores,
) -> None:
    webhook = await add_webhook(stores)
    numbers = await end_executions(stores, 3)
    messages = await stores.webhooks.claim("d1", 10, time.time() + 1, 30, frozenset())
    assert [m.delivery.execution_number for m in messages] == numbers
    for message in messages:
        assert message.webhook.url == webhook.url
        assert message.webhook.secret == webhook.secret
        assert message.webhook.event_types == ENDS
        assert message.event.type is EventType.SUCCEEDED
        assert message.event.execution_number == message.delivery.execution_number
        assert message.event.target.document_id == 7
        assert message.event.agent_name == "a__c"
    # Leased: nobody else gets them while the lease holds.
    assert await stores.webhooks.claim("d2", 10, time.time() + 1, 30, frozenset()) == []


async def test_a_busy_endpoint_is_left_out_of_a_claim(stores: Stores) -> None:
    first = await add_webhook(stores, "https://hooks.example.com/a")
    second = await add_webhook(stores, "https://hooks.example.com/b")
    await end_executions(stores, 2)
    messages = await stores.webhooks.claim("d1", 10, time.time() + 1, 30, frozenset({first.id}))
    assert {m.webhook.id for m in messages} == {second.id}
    assert len(messages) == 2


async def test_concurrent_dispatchers_never_claim_the_same_delivery(database_url: str) -> None:
    first = await open_stores(database_url)
    second = await open_stores(database_url)  # another worker process
    try:
        await first.users.add_user(username="u@test.example", password_hash="x", now=time.time())
        await add_webhook(first)
        await end_executions(first, 30)
        now = time.time() + 1

        async def claim_all(stores: Stores, owner: str) -> list[int]:
            got: list[int] = []
            while batch := await stores.webhooks.claim(owner, 4, now, 30, frozenset()):
                got.extend(m.delivery.id for m in batch)
            return got

        results = await asyncio.gather(claim_all(first, "d1"), claim_all(second, "d2"))
        claimed = [d for result in results for d in result]
        assert len(claimed) == 30
        assert len(set(claimed)) == 30
    finally:
        await first.database.close()
        await second.database.close()


async def test_a_batch_of_outcomes_is_recorded_at_once_and_a_lost_lease_records_nothing(
    stores: Stores,
) -> None:
    webhook = await add_webhook(stores)
    await end_executions(stores, 4)
    now = time.time() + 1
    sent, retried, given_up = await stores.webhooks.claim("d1", 3, now, 300, frozenset())
    [lost] = await stores.webhooks.claim("d1", 1, now, 30, frozenset())
    # The last one's lease lapses and another dispatcher takes it over.
    later = now + 60
    [taken] = await stores.webhooks.claim("d2", 10, later, 30, frozenset())
    assert taken.delivery.id == lost.delivery.id
    outcomes = [
        Outcome(sent.delivery.id, later, True, status=204, response_ms=3.5),
        Outcome(
            retried.delivery.id,
            later,
            False,
            next_attempt_at=later + 5,
            status=500,
            error="HTTP 500",
            response_ms=1.0,
        ),
        Outcome(given_up.delivery.id, later, False, error="connection refused"),
        Outcome(lost.delivery.id, later, True, status=204),
    ]
    assert await stores.webhooks.record_attempts("d1", outcomes) == [lost.delivery.id]
    found = {
        d.id: d for d in await stores.webhooks.deliveries(webhook.id, state=None, after=0, limit=10)
    }
    assert found[sent.delivery.id].state is DeliveryState.SUCCEEDED
    assert found[sent.delivery.id].last_status == 204
    assert found[sent.delivery.id].last_response_ms == 3.5
    assert found[sent.delivery.id].finished_at == later
    assert found[retried.delivery.id].state is DeliveryState.PENDING
    assert found[retried.delivery.id].next_attempt_at == later + 5
    assert found[retried.delivery.id].last_error == "HTTP 500"
    assert found[retried.delivery.id].finished_at is None
    assert found[given_up.delivery.id].state is DeliveryState.FAILED
    assert found[given_up.delivery.id].last_status is None
    assert all(found[m.delivery.id].attempts == 1 for m in (sent, retried, given_up))
    # The other dispatcher's lease still holds: its attempt is the one that will count.
    assert found[lost.delivery.id].state is DeliveryState.DELIVERING
    assert found[lost.delivery.id].attempts == 0


async def test_a_delivery_keeps_its_latest_twenty_attempts(stores: Stores) -> None:
    webhook = await add_webhook(stores)
    await end_executions(stores, 1)
    now = time.time() + 1
    for attempt in range(1, 26):
        [claimed] = await stores.webhooks.claim("d1", 1, now, 30, frozenset())
        failed = Outcome(claimed.delivery.id, now, False, next_attempt_at=now, status=500 + attempt,
                         error=f"HTTP {500 + attempt}")  # fmt: skip
        assert await stores.webhooks.record_attempts("d1", [failed]) == []
        now += 1
    [delivery] = await stores.webhooks.deliveries(webhook.id, state=None, after=0, limit=10)
    assert delivery.attempts == 25
    assert [r.attempt for r in delivery.history] == list(range(6, 26))
    assert delivery.history[-1].status == 525
    assert delivery.history[-1].error == "HTTP 525"
    assert delivery.history[0].response_ms is None
