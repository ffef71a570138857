"""`vault.webhooks` against the live server, with a real receiver on loopback: what is
registered is what gets signed messages, and the deliveries tell what happened to them."""

from __future__ import annotations

import asyncio
import time

import pytest

from actionvault.client import (
    AsyncVault,
    InsufficientAccess,
    InvalidData,
    Vault,
    Webhook,
    WebhookDelivery,
    WebhookVerificationError,
    verify_webhook,
)
from webhook_receiver import Received, Receiver, eventually, receiver, wait_until


def _messages(hooks: Receiver, execution_id: str) -> list[Received]:
    return [m for m in list(hooks.received) if m.payload["data"]["executionId"] == execution_id]


def _settled(vault: Vault, webhook_id: int, count: int = 1) -> list[WebhookDelivery]:
    deadline = time.monotonic() + 20
    while True:
        found = vault.webhooks.deliveries(webhook_id)
        if len(found) >= count and all(d.done for d in found):
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.1)


def test_a_webhook_receives_signed_messages_and_its_deliveries_say_so(vault: Vault) -> None:
    with receiver(status=204) as hooks:
        hook = vault.webhooks.create(
            hooks.url,
            event_types=["execution.succeeded"],
            agent="test_agent__c",
            description="sdk test",
        )
        assert isinstance(hook, Webhook)
        assert hook.secret is not None
        assert hook.secret.startswith("whsec_")
        assert (hook.url, hook.event_types, hook.agent) == (
            hooks.url,
            ("succeeded",),
            "test_agent__c",
        )
        assert hook.enabled
        assert hook.description == "sdk test"
        assert hook.created_at
        try:
            _deliver_verify_rotate_and_redeliver(vault, hook, hooks)
        finally:
            vault.webhooks.delete(hook.id)
    with pytest.raises(InvalidData):
        vault.webhooks.retrieve(hook.id)
    assert hook.id not in [w.id for w in vault.webhooks.list()]


def _deliver_verify_rotate_and_redeliver(vault: Vault, hook: Webhook, hooks: Receiver) -> None:
    assert hook.secret is not None
    execution = vault.actions.run(
        agent="test_agent__c", action="echo__c", document_id=1, timeout=30
    )
    wait_until(lambda: bool(_messages(hooks, execution.id)), what="the message")
    (message,) = _messages(hooks, execution.id)
    payload = verify_webhook(message.body, message.headers, hook.secret)
    assert payload["type"] == "execution.succeeded"
    (delivery,) = _settled(vault, hook.id)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 204)
    assert delivery.webhook_id == hook.id
    assert delivery.event_id == payload["data"]["id"]
    assert delivery.message_id == message.headers["webhook-id"]
    assert delivery.finished_at
    assert delivery.next_attempt_at is None
    assert vault.webhooks.deliveries(hook.id, state="failed") == []
    assert vault.webhooks.deliveries(hook.id, after=delivery.id) == []
    assert vault.webhooks.deliveries(hook.id, limit=1) == [delivery]

    shown = vault.webhooks.retrieve(hook.id)
    assert shown.secret is None
    assert shown.id == hook.id
    assert all(w.secret is None for w in vault.webhooks.list())

    rotated = vault.webhooks.rotate_secret(hook.id)
    assert rotated.secret is not None
    assert rotated.secret != hook.secret
    again = vault.webhooks.redeliver(hook.id, delivery.id)
    assert again.id == delivery.id
    assert again.state in ("pending", "delivering", "succeeded")
    wait_until(lambda: len(_messages(hooks, execution.id)) == 2, what="the redelivery")
    first, second = _messages(hooks, execution.id)
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    assert (
        verify_webhook(second.body, second.headers, rotated.secret)["data"]["id"]
        == (payload["data"]["id"])
    )
    with pytest.raises(WebhookVerificationError):
        verify_webhook(second.body, second.headers, hook.secret)

    changed = vault.webhooks.update(hook.id, enabled=False, agent=None)
    assert (changed.enabled, changed.agent, changed.url) == (False, None, hooks.url)
    assert changed.event_types == ("succeeded",)
    assert changed.description == "sdk test"
    renamed = vault.webhooks.update(hook.id, description="renamed", event_types=["failed"])
    assert (renamed.description, renamed.event_types, renamed.enabled) == (
        "renamed",
        ("failed",),
        False,
    )


def test_a_bad_webhook_is_refused_with_the_apis_error(vault: Vault) -> None:
    with pytest.raises(InvalidData):
        vault.webhooks.create("ftp://127.0.0.1/hooks")
    with pytest.raises(InvalidData):
        vault.webhooks.create("http://127.0.0.1:9/hooks", event_types=["exploded"])
    with pytest.raises(InvalidData):
        vault.webhooks.redeliver(999999999, 1)


def test_a_writer_may_not_touch_webhooks(vault: Vault, writer: Vault) -> None:
    hook = vault.webhooks.create("http://127.0.0.1:9/hooks", enabled=False)
    try:
        with pytest.raises(InsufficientAccess):
            writer.webhooks.list()
        with pytest.raises(InsufficientAccess):
            writer.webhooks.create("http://127.0.0.1:9/hooks")
        with pytest.raises(InsufficientAccess):
            writer.webhooks.rotate_secret(hook.id)
        with pytest.raises(InsufficientAccess):
            writer.webhooks.delete(hook.id)
        assert vault.webhooks.retrieve(hook.id).enabled is False
    finally:
        vault.webhooks.delete(hook.id)


async def test_the_async_twin_does_the_same(async_vault: AsyncVault) -> None:
    with receiver(status=204) as hooks:
        hook = await async_vault.webhooks.create(hooks.url, agent="test_agent__c")
        try:
            assert hook.secret
            assert hook.event_types == ("cancelled", "failed", "succeeded")
            assert hook.id in [w.id for w in await async_vault.webhooks.list()]
            execution = await async_vault.actions.run(
                agent="test_agent__c", action="echo__c", document_id=1, timeout=30
            )
            await eventually(lambda: bool(_messages(hooks, execution.id)), what="the message")
            (message,) = _messages(hooks, execution.id)
            verify_webhook(message.body, message.headers, hook.secret)
            deliveries = await async_vault.webhooks.deliveries(hook.id, limit=10)
            while not deliveries[0].done:  # a redelivery waits until the send has ended
                await asyncio.sleep(0.05)
                deliveries = await async_vault.webhooks.deliveries(hook.id, limit=10)
            assert [d.webhook_id for d in deliveries] == [hook.id]
            redone = await async_vault.webhooks.redeliver(hook.id, deliveries[0].id)
            assert redone.id == deliveries[0].id
            rotated = await async_vault.webhooks.rotate_secret(hook.id)
            assert rotated.secret
            assert rotated.secret != hook.secret
            updated = await async_vault.webhooks.update(hook.id, url=hooks.url + "/2")
            assert updated.url == hooks.url + "/2"
            assert (await async_vault.webhooks.retrieve(hook.id)).secret is None
        finally:
            await async_vault.webhooks.delete(hook.id)
        with pytest.raises(InvalidData):
            await async_vault.webhooks.retrieve(hook.id)
