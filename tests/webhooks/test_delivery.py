"""Webhook deliveries to real receivers on loopback: signed, retried, filtered, given up after
the window, redelivered by hand, and never held up by a slow receiver."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from standardwebhooks import Webhook as Verifier

from actionvault.domain.webhooks import RetryPolicy
from actionvault.engine.webhooks import Dispatcher
from actionvault.store.webhooks import Claim
from support import ADMIN, ALICE, App, AppFactory
from webhook_receiver import Receiver, eventually, receiver

_HOOKS = "/api/v26.1/ext/webhooks"
_FAST = {
    "webhook_allow_private_targets": True,
    "webhook_retry_base": 0.05,
    "webhook_retry_max_delay": 0.2,
    "webhook_timeout": 2.0,
}


async def register(app: App, url: str, **fields: Any) -> dict[str, Any]:
    admin = await app.login(ADMIN)
    body = (await app.client.post(_HOOKS, json={"url": url, **fields}, headers=admin)).json()
    assert body["responseStatus"] == "SUCCESS", body
    data: dict[str, Any] = body["data"]
    return data


async def deliveries(app: App, webhook_id: int, **query: str) -> list[dict[str, Any]]:
    admin = await app.login(ADMIN)
    body = (
        await app.client.get(f"{_HOOKS}/{webhook_id}/deliveries", params=query, headers=admin)
    ).json()
    assert body["responseStatus"] == "SUCCESS", body
    found: list[dict[str, Any]] = body["data"]
    return found


async def run(app: App, action: str = "echo__c", agent: str = "test_agent__c") -> str:
    alice = await app.login(ALICE)
    body = await app.execute(
        alice, agent_name=agent, action_name=action, document_id=str(app.seed.doc_a)
    )
    assert body["responseStatus"] == "SUCCESS", body
    execution_id: str = body["actionResponse"]["executionId"]
    await app.wait(alice, execution_id)
    return execution_id


async def test_every_terminal_event_is_delivered_signed_as_standard_webhooks_says(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(**_FAST)
    with receiver() as hooks:
        webhook = await register(app, hooks.url)
        assert webhook["secret"].startswith("whsec_")
        assert webhook["eventTypes"] == ["cancelled", "failed", "succeeded"]
        done = await run(app)
        failed = await run(app, "failing__c")
        await eventually(lambda: len(hooks.received) >= 2, what="two deliveries")
        await app.client.get("/api")  # a moment for any further (unwanted) delivery
        payloads = [r.verified(webhook["secret"]) for r in hooks.received]
        assert {(p["type"], p["data"]["executionId"]) for p in payloads} == {
            ("execution.succeeded", done),
            ("execution.failed", failed),
        }
        first = payloads[0]
        assert first["data"]["agentAction"].startswith("test_agent__c.")
        assert first["timestamp"] == first["data"]["at"]
        assert all(r.message_id.startswith("msg_") for r in hooks.received)
        try:
            Verifier("whsec_" + "A" * 44).verify(hooks.received[0].body, hooks.received[0].headers)
        except Exception:
            pass
        else:
            raise AssertionError("another secret verified the signature")
    assert [d["state"] for d in await deliveries(app, webhook["id"])] == ["succeeded"] * 2


async def test_a_receiver_answering_500_gets_the_same_message_again_until_it_accepts(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(**_FAST)
    with receiver() as hooks:
        hooks.script = [500, 503]
        webhook = await register(app, hooks.url)
        await run(app)
        await eventually(lambda: len(hooks.received) >= 3, what="three attempts")
        ids = {r.message_id for r in hooks.received}
        assert len(ids) == 1, "every attempt of one delivery carries the same webhook-id"
        for attempt in hooks.received:
            attempt.verified(webhook["secret"])

        async def settled() -> list[dict[str, Any]]:
            return await deliveries(app, webhook["id"])

        found: list[dict[str, Any]] = []

        async def check() -> bool:
            found[:] = await settled()
            return found[0]["state"] == "succeeded"

        deadline = time.monotonic() + 10
        while not await check():
            assert time.monotonic() < deadline, found
        assert found[0]["attempts"] == 3
        assert found[0]["lastStatusCode"] == 200
        log = found[0]["attemptLog"]
        assert [(a["attempt"], a["statusCode"]) for a in log] == [(1, 500), (2, 503), (3, 200)]
        assert [a["error"] for a in log] == ["HTTP 500", "HTTP 503", None]
        assert all(a["at"] and a["responseMs"] is not None for a in log)


async def test_a_receiver_that_is_down_gets_its_deliveries_once_it_is_back(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(**_FAST)
    hooks = Receiver()  # not started: nothing listens on its port
    webhook = await register(app, hooks.url)
    execution_id = await run(app)
    await eventually(lambda: app.runtime.dispatcher is not None, what="a dispatcher runs")
    pending: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while not (pending and pending[0]["attempts"] >= 2):
        pending = await deliveries(app, webhook["id"])
        assert time.monotonic() < deadline, pending
    assert pending[0]["state"] in ("pending", "delivering")
    refused = pending[0]["attemptLog"][0]
    assert refused["statusCode"] is None
    assert "connection refused" in refused["error"]
    assert pending[0]["lastError"]
    hooks.start()
    try:
        await eventually(lambda: len(hooks.received) >= 1, what="delivery after the restart")
        assert hooks.received[0].verified(webhook["secret"])["data"]["executionId"] == execution_id
    finally:
        hooks.stop()


async def test_a_webhook_gets_only_the_types_and_agent_it_asked_for(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(**_FAST)
    with receiver() as everything, receiver() as quick_only, receiver() as starts:
        await register(app, everything.url, event_types=["queued", "started", "succeeded"])
        await register(app, quick_only.url, agent="quick_check__v")
        await register(app, starts.url, event_types="started")
        done = await run(app)
        checked = await run(app, "spelling_grammar__v", "quick_check__v")
        await eventually(lambda: len(everything.received) >= 6, what="six events")
        await eventually(lambda: len(quick_only.received) >= 1 and len(starts.received) >= 2)
        types = sorted(r.payload["type"] for r in everything.received)
        assert (
            types
            == ["execution.queued"] * 2 + ["execution.started"] * 2 + ["execution.succeeded"] * 2
        )
        assert [r.payload["data"]["executionId"] for r in quick_only.received] == [checked]
        assert {r.payload["data"]["executionId"] for r in starts.received} == {done, checked}
        assert {r.payload["type"] for r in starts.received} == {"execution.started"}


async def test_after_the_window_a_delivery_fails_with_its_attempts_and_can_be_sent_again(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(**_FAST, webhook_retry_window=0.6)
    with receiver(status=500) as hooks:
        webhook = await register(app, hooks.url)
        await run(app)
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + 10
        while not (found and found[0]["state"] == "failed"):
            found = await deliveries(app, webhook["id"])
            assert time.monotonic() < deadline, found
        failed = found[0]
        assert failed["attempts"] >= 2
        assert failed["attempts"] == len(hooks.received)
        assert failed["lastStatusCode"] == 500
        assert failed["lastError"] == "HTTP 500"
        assert failed["finishedAt"] is not None
        assert await deliveries(app, webhook["id"], state="failed") == [failed]

        hooks.status = 200
        admin = await app.login(ADMIN)
        body = (
            await app.client.post(
                f"{_HOOKS}/{webhook['id']}/deliveries/{failed['id']}/redeliver", headers=admin
            )
        ).json()
        assert body["responseStatus"] == "SUCCESS", body
        assert body["data"]["state"] == "pending"
        before = len(hooks.received)
        await eventually(lambda: len(hooks.received) > before, what="the redelivery")
        assert hooks.received[-1].message_id == failed["messageId"]
        hooks.received[-1].verified(webhook["secret"])


async def test_a_slow_receiver_delays_neither_another_receiver_nor_executions(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(**{**_FAST, "webhook_timeout": 10.0}, webhook_endpoint_concurrency=2)
    with receiver(delay=4.0) as slow, receiver() as fast:
        await register(app, slow.url, event_types=["queued", "started", "succeeded"])
        await register(app, fast.url)
        started = time.monotonic()
        for _ in range(3):
            await run(app)
        await eventually(lambda: len(fast.received) >= 3, within=3.0, what="the fast receiver")
        assert time.monotonic() - started < 3.0, "executions and the fast receiver waited"
        assert len(slow.received) <= 2, "the slow receiver holds at most its own slots"


async def test_deliveries_claimed_but_waiting_for_a_slot_go_back_to_the_outbox_at_shutdown(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(**{**_FAST, "webhook_timeout": 10.0}, webhook_endpoint_concurrency=1)
    with receiver(delay=3.0) as slow:
        webhook = await register(app, slow.url)
        for _ in range(3):
            await run(app)
        # The dispatcher reads the three ends from the event log and writes their deliveries.
        deadline = time.monotonic() + 15
        while len(await deliveries(app, webhook["id"])) < 3:
            assert time.monotonic() < deadline, "the three deliveries were not written"
            await asyncio.sleep(0.02)
        # One request under way to the slow receiver, one claimed delivery waiting for its slot.
        await eventually(lambda: len(slow.received) == 1, what="the first delivery under way")
        dispatcher = app.runtime.dispatcher
        assert dispatcher is not None
        await dispatcher.stop(grace=0.1)
        found = await deliveries(app, webhook["id"])
    assert len(found) == 3
    assert all(d["state"] == "pending" for d in found), found
    # The two never sent count no attempt; the one cut short counts none either.
    assert all(d["attempts"] == 0 for d in found), found
    assert len(slow.received) == 1


async def counted_dispatcher(
    app: App, monkeypatch: pytest.MonkeyPatch, **options: Any
) -> tuple[Dispatcher, list[int]]:
    """The app's own dispatcher stopped, and another (not started) over a store that records
    the limit of each claim made, in order: the claims a test counts are this one's alone."""
    runtime = app.runtime
    assert runtime.dispatcher is not None
    await runtime.dispatcher.stop(grace=0.1)
    store = type(runtime.stores.webhooks)(runtime.stores.database)
    limits: list[int] = []
    claim = store.claim

    async def recorded(owner: str, limit: int, *args: Any, **kwargs: Any) -> Claim:
        limits.append(limit)
        return await claim(owner, limit, *args, **kwargs)

    monkeypatch.setattr(store, "claim", recorded)
    dispatcher = Dispatcher(
        store,
        runtime.clock,
        policy=RetryPolicy(60.0, 0.05, 0.2),
        timeout=10.0,
        poll_interval=5.0,
        **options,
    )
    return dispatcher, limits


async def test_a_dispatcher_whose_only_endpoint_has_no_room_claims_again_when_a_slot_frees(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its first claim takes what the endpoint's slots and waiting line hold (two slots, a line
    three times as long) and leaves the rest of the log's deliveries due; it does not claim
    again at once only to find that endpoint busy, and every delivery still arrives once."""
    app = await app_factory(**{**_FAST, "webhook_timeout": 10.0})
    dispatcher, limits = await counted_dispatcher(app, monkeypatch, per_endpoint=2)
    with receiver(delay=0.5) as slow:
        await register(app, slow.url)
        for _ in range(10):
            await run(app)
        await dispatcher.start()
        dispatcher.work_available()
        try:
            await eventually(lambda: len(slow.received) == 2, what="the first two under way")
            await asyncio.sleep(0.2)
            assert len(limits) == 1  # two being sent, six waiting for their slots, two left due
            await eventually(lambda: len(slow.received) == 10, within=10.0, what="all ten")
        finally:
            await dispatcher.stop()
    assert len({r.message_id for r in slow.received}) == 10


async def test_a_dispatcher_with_room_for_two_waits_for_a_busy_slot_instead_of_claiming_nothing(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `concurrency` 2 and one slot per endpoint, an endpoint may still hold a line as long
    as its slots: the dispatcher claims one to send and one to wait, then waits for the slot,
    rather than claiming again and again for nothing while it is busy."""
    app = await app_factory(**{**_FAST, "webhook_timeout": 10.0})
    dispatcher, limits = await counted_dispatcher(app, monkeypatch, concurrency=2, per_endpoint=1)
    with receiver(delay=0.5) as slow:
        await register(app, slow.url)
        for _ in range(4):
            await run(app)
        await dispatcher.start()
        dispatcher.work_available()
        try:
            await eventually(lambda: len(slow.received) == 1, what="the first under way")
            await asyncio.sleep(0.3)
            assert limits == [2]  # one sent, one waiting for the slot
            await eventually(lambda: len(slow.received) == 4, within=10.0, what="all four")
        finally:
            await dispatcher.stop()
    assert 0 not in limits
    assert len({r.message_id for r in slow.received}) == 4


async def test_an_endpoint_with_one_slot_gets_its_whole_line_each_delivery_once(
    app_factory: AppFactory,
) -> None:
    """Thirty deliveries due at once to an endpoint of one slot: the slot sends those claimed
    into its line one after another, the claims made as the line runs dry bring the rest, and
    nothing is left waiting or sent twice."""
    app = await app_factory(**_FAST, webhook_endpoint_concurrency=1)
    with receiver() as hooks:
        webhook = await register(app, hooks.url)
        await asyncio.gather(*(run(app) for _ in range(30)))
        await eventually(lambda: len(hooks.received) >= 30, within=10.0, what="all thirty")
        deadline = time.monotonic() + 5
        while not all(d["state"] == "succeeded" for d in await deliveries(app, webhook["id"])):
            assert time.monotonic() < deadline, "the outcomes were not all recorded"
            await asyncio.sleep(0.02)
    assert len({r.message_id for r in hooks.received}) == 30
    assert len(await deliveries(app, webhook["id"])) == 30
