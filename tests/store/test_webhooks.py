"""The webhook outbox's contract, on every backend: deliveries written from the event log by the
claims that read it, each event's once, claimed in batches with what they send, each by one
dispatcher, and their attempts recorded together."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest

from actionvault.domain.events import EventType
from actionvault.domain.executions import ExecutionState, NewExecution, Target
from actionvault.domain.webhooks import DeliveryState, Webhook
from actionvault.store import Stores, open_stores
from actionvault.store import webhooks as webhook_store
from actionvault.store.webhooks import Message, Outcome

ENDS = frozenset({EventType.SUCCEEDED, EventType.FAILED, EventType.CANCELLED})


async def add_webhook(
    stores: Stores, url: str = "https://hooks.example.com/a", agent_name: str | None = None
) -> Webhook:
    webhook = Webhook(
        id=0,
        url=url,
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        event_types=ENDS,
        agent_name=agent_name,
        enabled=True,
        description="",
        created_at=0,
        updated_at=0,
    )
    return await stores.webhooks.add(webhook, time.time())


async def end_executions(stores: Stores, count: int, agent_name: str = "a__c") -> list[int]:
    """Executions run to their end by a worker, as the engine does: each owes its deliveries."""
    numbers = []
    for _ in range(count):
        created = await stores.executions.create(
            NewExecution(
                user_id=1,
                agent_name=agent_name,
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
    messages = (await stores.webhooks.claim("d1", 10, time.time() + 1, 30, frozenset())).messages
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
    assert (await stores.webhooks.claim("d2", 10, time.time() + 1, 30, frozenset())).messages == []


async def claim_everything(stores: Stores, owner: str, limit: int = 10) -> list[int]:
    """Claims until the log is read and nothing is due: the execution numbers claimed."""
    return [m.delivery.execution_number for m in await claim_until_done(stores, owner, limit)]


async def claim_until_done(stores: Stores, owner: str, limit: int) -> list[Message]:
    """What claims take until the log is read and nothing is due now."""
    got: list[Message] = []
    while True:
        now = time.time() + 1
        claim = await stores.webhooks.claim(owner, limit, now, 30, frozenset())
        got += claim.messages
        if not claim.messages and not claim.log_behind:
            # Another dispatcher may hold the log (PostgreSQL): done when nothing is due.
            due = await stores.webhooks.next_due()
            if due is None or due > now:
                return got
            await asyncio.sleep(0.01)


async def test_ending_executions_writes_no_delivery_until_a_claim_reads_the_log(
    stores: Stores,
) -> None:
    webhook = await add_webhook(stores)
    numbers = await end_executions(stores, 2)
    # The executions' own transactions leave the outbox alone.
    assert await stores.webhooks.deliveries(webhook.id, state=None, after=0, limit=10) == []
    assert sorted(await claim_everything(stores, "d1")) == numbers
    # Read once: another claim writes them again for nobody.
    assert await claim_everything(stores, "d2") == []
    written = await stores.webhooks.deliveries(webhook.id, state=None, after=0, limit=10)
    assert sorted(d.execution_number for d in written) == numbers


async def test_a_webhook_is_owed_only_the_events_logged_after_it_was_registered(
    stores: Stores,
) -> None:
    await end_executions(stores, 2)
    await add_webhook(stores)
    later = await end_executions(stores, 1)
    assert await claim_everything(stores, "d1") == later


async def test_a_webhook_disabled_for_a_while_is_owed_nothing_logged_meanwhile(
    stores: Stores,
) -> None:
    webhook = await add_webhook(stores)
    off = replace(webhook, enabled=False)
    await stores.webhooks.update(off, time.time())
    await end_executions(stores, 2)
    await claim_everything(stores, "d1")  # a claim while it is off reads nothing for it
    await end_executions(stores, 1)
    await stores.webhooks.update(replace(off, enabled=True), time.time())
    after = await end_executions(stores, 1)
    assert await claim_everything(stores, "d1") == after


async def test_a_webhook_for_one_agent_is_owed_only_that_agents_events(stores: Stores) -> None:
    await add_webhook(stores, agent_name="mine__c")
    await end_executions(stores, 1, agent_name="other__c")
    mine = await end_executions(stores, 2, agent_name="mine__c")
    assert sorted(await claim_everything(stores, "d1")) == mine


async def test_a_long_log_is_read_over_several_claims_each_saying_more_is_left(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhook_store, "FEED_BATCH", 2)
    monkeypatch.setattr(webhook_store, "FEED_BATCHES_PER_CLAIM", 1)
    await add_webhook(stores)
    numbers = await end_executions(stores, 3)  # nine events: three queued, started, ended
    first = await stores.webhooks.claim("d1", 10, time.time() + 1, 30, frozenset())
    assert first.messages == []  # two `queued` events: nothing owed yet
    assert first.log_behind
    assert sorted(await claim_everything(stores, "d1")) == numbers


async def test_only_unread_events_that_a_webhook_takes_make_a_claim_due(stores: Stores) -> None:
    await add_webhook(stores)  # an execution's ends only
    assert await stores.webhooks.next_due() is None
    await stores.executions.create(
        NewExecution(
            user_id=1,
            agent_name="a__c",
            action_name="b__c",
            target=Target(document_id=7, major=0, minor=1),
        ),
        time.time(),
    )
    # A `queued` event is owed to nobody: no claim is made for it alone.
    assert await stores.webhooks.next_due() is None
    await end_executions(stores, 1)
    assert await stores.webhooks.next_due() == 0.0  # due at once
    now = time.time() + 1
    claim = await stores.webhooks.claim("d1", 10, now, 30, frozenset())
    assert len(claim.messages) == 1
    # Read and leased: next due when the lease would lapse.
    assert await stores.webhooks.next_due() == now + 30


async def test_retention_keeps_an_execution_whose_events_are_not_read_yet(
    stores: Stores,
) -> None:
    webhook = await add_webhook(stores)
    [number] = await end_executions(stores, 1)
    later = time.time() + 3600
    assert await stores.executions.purge_finished(later, 100) == 0
    [claimed] = (await stores.webhooks.claim("d1", 10, time.time() + 1, 30, frozenset())).messages
    assert claimed.delivery.execution_number == number
    done = Outcome(claimed.delivery.id, time.time(), True, status=204)
    assert await stores.webhooks.record_attempts("d1", [done]) == []
    assert await stores.executions.purge_finished(later, 100) == 1
    assert await stores.webhooks.deliveries(webhook.id, state=None, after=0, limit=10) == []


async def test_a_busy_endpoint_is_left_out_of_a_claim(stores: Stores) -> None:
    first = await add_webhook(stores, "https://hooks.example.com/a")
    second = await add_webhook(stores, "https://hooks.example.com/b")
    await end_executions(stores, 2)
    claim = await stores.webhooks.claim("d1", 10, time.time() + 1, 30, frozenset({first.id}))
    messages = claim.messages
    assert {m.webhook.id for m in messages} == {second.id}
    assert len(messages) == 2


async def test_a_claim_leases_what_it_has_room_for_as_it_writes_and_leaves_the_rest_due(
    stores: Stores,
) -> None:
    first = await add_webhook(stores, "https://hooks.example.com/a")
    second = await add_webhook(stores, "https://hooks.example.com/b")
    numbers = await end_executions(stores, 3)  # six deliveries, three to each endpoint
    now = time.time() + 1
    # Room for two, none to the busy first endpoint: two of the second's, in event order.
    taken = (await stores.webhooks.claim("d1", 2, now, 30, frozenset({first.id}))).messages
    assert [(m.webhook.id, m.delivery.execution_number) for m in taken] == [
        (second.id, numbers[0]),
        (second.id, numbers[1]),
    ]
    assert all(m.delivery.state is DeliveryState.DELIVERING for m in taken)
    # The rest were written due, for whoever claims next.
    pending = [
        d
        for webhook in (first, second)
        for d in await stores.webhooks.deliveries(webhook.id, state=None, after=0, limit=10)
        if d.state is DeliveryState.PENDING
    ]
    assert len(pending) == 4
    rest = (await stores.webhooks.claim("d2", 10, now, 30, frozenset())).messages
    assert sorted(m.delivery.id for m in rest) == sorted(d.id for d in pending)


async def test_deliveries_due_again_are_claimed_before_new_events_are_read(
    stores: Stores,
) -> None:
    await add_webhook(stores)
    await end_executions(stores, 1)
    now = time.time() + 1
    [failed] = (await stores.webhooks.claim("d1", 1, now, 30, frozenset())).messages
    retry = Outcome(failed.delivery.id, now, False, next_attempt_at=now, status=500,
                    error="HTTP 500")  # fmt: skip
    assert await stores.webhooks.record_attempts("d1", [retry]) == []
    newer = await end_executions(stores, 1)
    [first] = (await stores.webhooks.claim("d1", 1, now + 1, 30, frozenset())).messages
    assert first.delivery.id == failed.delivery.id
    assert first.delivery.attempts == 1
    [then] = (await stores.webhooks.claim("d1", 1, now + 1, 30, frozenset())).messages
    assert then.delivery.execution_number == newer[0]


async def test_concurrent_dispatchers_never_claim_the_same_delivery(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small reads of the log, so that the two read it by turns as well as claim.
    monkeypatch.setattr(webhook_store, "FEED_BATCH", 4)
    monkeypatch.setattr(webhook_store, "FEED_BATCHES_PER_CLAIM", 1)
    first = await open_stores(database_url)
    second = await open_stores(database_url)  # another worker process
    try:
        await first.users.add_user(username="u@test.example", password_hash="x", now=time.time())
        await add_webhook(first)
        await end_executions(first, 30)
        results = await asyncio.gather(
            claim_until_done(first, "d1", 4), claim_until_done(second, "d2", 4)
        )
        claimed = [m.delivery.id for result in results for m in result]
        assert len(claimed) == 30
        assert len(set(claimed)) == 30
    finally:
        await first.database.close()
        await second.database.close()


async def one_lease_taken_over(stores: Stores, held: int) -> tuple[list[Message], Message, float]:
    """`held` deliveries claimed by "d1" on a long lease, and one more on a short lease that
    lapsed and that "d2" then took over: (the held, the lost one, the time of the takeover)."""
    await end_executions(stores, held + 1)
    now = time.time() + 1
    kept = (await stores.webhooks.claim("d1", held, now, 300, frozenset())).messages
    [lost] = (await stores.webhooks.claim("d1", 1, now, 30, frozenset())).messages
    later = now + 60
    [taken] = (await stores.webhooks.claim("d2", 10, later, 30, frozenset())).messages
    assert len(kept) == held
    assert taken.delivery.id == lost.delivery.id
    return kept, lost, later


async def test_a_batch_of_outcomes_is_recorded_at_once_and_a_lost_lease_records_nothing(
    stores: Stores,
) -> None:
    webhook = await add_webhook(stores)
    (sent, retried, given_up), lost, later = await one_lease_taken_over(stores, held=3)
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


async def test_outcomes_handed_to_a_claim_are_recorded_before_it_claims_in_its_transaction(
    stores: Stores,
) -> None:
    webhook = await add_webhook(stores)
    (sent, retried), lost, later = await one_lease_taken_over(stores, held=2)
    outcomes = [
        Outcome(sent.delivery.id, later, True, status=204, response_ms=2.0),
        # Due again at once: the claim it rides with takes it, as recorded, again.
        Outcome(
            retried.delivery.id, later, False, next_attempt_at=later, status=503, error="HTTP 503"
        ),
        Outcome(lost.delivery.id, later, True, status=204),
    ]
    claim = await stores.webhooks.claim("d1", 10, later, 30, frozenset(), outcomes)
    assert claim.lost == [lost.delivery.id]
    [again] = claim.messages
    assert again.delivery.id == retried.delivery.id
    assert again.delivery.attempts == 1
    assert again.delivery.last_error == "HTTP 503"
    found = {
        d.id: d for d in await stores.webhooks.deliveries(webhook.id, state=None, after=0, limit=10)
    }
    assert found[sent.delivery.id].state is DeliveryState.SUCCEEDED
    assert found[sent.delivery.id].last_response_ms == 2.0
    assert found[lost.delivery.id].attempts == 0  # the other dispatcher's attempt will count


async def test_a_delivery_keeps_its_latest_twenty_attempts(stores: Stores) -> None:
    webhook = await add_webhook(stores)
    await end_executions(stores, 1)
    now = time.time() + 1
    for attempt in range(1, 26):
        [claimed] = (await stores.webhooks.claim("d1", 1, now, 30, frozenset())).messages
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
