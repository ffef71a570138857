"""`vault.webhooks`: register webhooks, rotate their secrets, read and redeliver deliveries.

    hook = vault.webhooks.create("http://127.0.0.1:9000/hooks", event_types=["succeeded"])
    for delivery in vault.webhooks.deliveries(hook.id, state="failed"):
        vault.webhooks.redeliver(hook.id, delivery.id)

Administrators only. The messages themselves are checked by the receiver with
`verify_webhook`; see docs/webhooks.md for what is sent and when.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import TYPE_CHECKING

from actionvault.client import _webhook_flows
from actionvault.client._webhook_flows import UNSET, Unset
from actionvault.client.webhook_models import Webhook, WebhookDelivery

if TYPE_CHECKING:
    from actionvault.client._async import AsyncVault
    from actionvault.client._sync import Vault


class Webhooks:
    """`vault.webhooks`: register the URLs actionvault POSTs execution events to, and follow
    their deliveries (administrators only; others get InsufficientAccess).

        hook = vault.webhooks.create("https://example.com/hooks", event_types=["failed"])
        store_somewhere(hook.secret)  # shown by create and rotate_secret only
    """

    def __init__(self, client: Vault) -> None:
        self._client = client

    def create(
        self,
        url: str,
        *,
        event_types: Iterable[str] | None = None,
        agent: str | None = None,
        description: str | None = None,
        enabled: bool = True,
    ) -> Webhook:
        """Register a webhook; its `secret` is in this answer and in no later one.

        `event_types` defaults to the terminal ones (succeeded, failed, cancelled); `agent`
        limits it to one agent's executions."""
        return self._client._run(
            _webhook_flows.create(
                self._client,
                url,
                event_types=event_types,
                agent=agent,
                description=description,
                enabled=enabled,
            )
        )

    def list(self) -> builtins.list[Webhook]:
        return self._client._run(_webhook_flows.list_webhooks(self._client))

    def retrieve(self, webhook_id: int) -> Webhook:
        """One webhook (without its secret); InvalidData when there is no such webhook."""
        return self._client._run(_webhook_flows.retrieve(self._client, webhook_id))

    def update(
        self,
        webhook_id: int,
        *,
        url: str | Unset = UNSET,
        event_types: Iterable[str] | Unset = UNSET,
        agent: str | Unset | None = UNSET,
        enabled: bool | Unset = UNSET,
        description: str | Unset = UNSET,
    ) -> Webhook:
        """Change the fields given and leave the rest; `agent=None` means every agent."""
        return self._client._run(
            _webhook_flows.update(
                self._client,
                webhook_id,
                url=url,
                event_types=event_types,
                agent=agent,
                enabled=enabled,
                description=description,
            )
        )

    def delete(self, webhook_id: int) -> None:
        """Remove the webhook with its deliveries, pending ones included."""
        return self._client._run(_webhook_flows.delete(self._client, webhook_id))

    def rotate_secret(self, webhook_id: int) -> Webhook:
        """A new secret, in this answer only; messages are signed with it from now on."""
        return self._client._run(_webhook_flows.rotate_secret(self._client, webhook_id))

    def deliveries(
        self,
        webhook_id: int,
        *,
        state: str | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> builtins.list[WebhookDelivery]:
        """The webhook's deliveries, oldest first: those in `state` (pending, delivering,
        succeeded, failed), with ids above `after`, at most `limit` (100 unless given, up to
        1000)."""
        return self._client._run(
            _webhook_flows.deliveries(
                self._client, webhook_id, state=state, after=after, limit=limit
            )
        )

    def redeliver(self, webhook_id: int, delivery_id: int) -> WebhookDelivery:
        """Make the delivery due at once, with a fresh retry window (same `webhook-id`)."""
        return self._client._run(_webhook_flows.redeliver(self._client, webhook_id, delivery_id))


class AsyncWebhooks:
    """`vault.webhooks` of `AsyncVault`: the same verbs, awaited."""

    def __init__(self, client: AsyncVault) -> None:
        self._client = client

    async def create(
        self,
        url: str,
        *,
        event_types: Iterable[str] | None = None,
        agent: str | None = None,
        description: str | None = None,
        enabled: bool = True,
    ) -> Webhook:
        """Register a webhook; its `secret` is in this answer and in no later one.

        `event_types` defaults to the terminal ones (succeeded, failed, cancelled); `agent`
        limits it to one agent's executions."""
        return await self._client._run(
            _webhook_flows.create(
                self._client,
                url,
                event_types=event_types,
                agent=agent,
                description=description,
                enabled=enabled,
            )
        )

    async def list(self) -> builtins.list[Webhook]:
        return await self._client._run(_webhook_flows.list_webhooks(self._client))

    async def retrieve(self, webhook_id: int) -> Webhook:
        """One webhook (without its secret); InvalidData when there is no such webhook."""
        return await self._client._run(_webhook_flows.retrieve(self._client, webhook_id))

    async def update(
        self,
        webhook_id: int,
        *,
        url: str | Unset = UNSET,
        event_types: Iterable[str] | Unset = UNSET,
        agent: str | Unset | None = UNSET,
        enabled: bool | Unset = UNSET,
        description: str | Unset = UNSET,
    ) -> Webhook:
        """Change the fields given and leave the rest; `agent=None` means every agent."""
        return await self._client._run(
            _webhook_flows.update(
                self._client,
                webhook_id,
                url=url,
                event_types=event_types,
                agent=agent,
                enabled=enabled,
                description=description,
            )
        )

    async def delete(self, webhook_id: int) -> None:
        """Remove the webhook with its deliveries, pending ones included."""
        return await self._client._run(_webhook_flows.delete(self._client, webhook_id))

    async def rotate_secret(self, webhook_id: int) -> Webhook:
        """A new secret, in this answer only; messages are signed with it from now on."""
        return await self._client._run(_webhook_flows.rotate_secret(self._client, webhook_id))

    async def deliveries(
        self,
        webhook_id: int,
        *,
        state: str | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> builtins.list[WebhookDelivery]:
        """The webhook's deliveries, oldest first: those in `state` (pending, delivering,
        succeeded, failed), with ids above `after`, at most `limit` (100 unless given, up to
        1000)."""
        return await self._client._run(
            _webhook_flows.deliveries(
                self._client, webhook_id, state=state, after=after, limit=limit
            )
        )

    async def redeliver(self, webhook_id: int, delivery_id: int) -> WebhookDelivery:
        """Make the delivery due at once, with a fresh retry window (same `webhook-id`)."""
        return await self._client._run(
            _webhook_flows.redeliver(self._client, webhook_id, delivery_id)
        )
