"""Register webhooks and look after their deliveries: administrators only.

The target check runs here at registration and again in the dispatcher before each attempt
(DNS may have changed since): only http(s), and unless `webhook_allow_private_targets` is on,
no host that resolves to a loopback, private or otherwise non-public address.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import socket
from collections.abc import Callable

from actionvault.domain.agents import AgentCatalog
from actionvault.domain.events import EventType
from actionvault.domain.principals import Principal
from actionvault.domain.webhooks import (
    DEFAULT_EVENT_TYPES,
    Delivery,
    DeliveryState,
    TargetRefused,
    Webhook,
    check_target_url,
    parse_event_types,
    refused_address,
)
from actionvault.errors import InsufficientAccess, InvalidData, OperationNotAllowed
from actionvault.ports import Clock
from actionvault.services.audit import AuditService
from actionvault.store.webhooks import SQLWebhookStore

#: The audit trail's kind for changes to webhooks.
WEBHOOK_CHANGE = "webhook_change"
MAX_DESCRIPTION = 1000


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class TargetGuard:
    """Whether a URL may receive webhooks, where its host resolves now."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    async def check(self, url: str) -> None:
        """Raises TargetRefused saying why not."""
        await self.addresses(*check_target_url(url))

    async def addresses(self, host: str, port: int) -> list[str] | None:
        """The addresses `host` may be connected to, as it resolves now, or TargetRefused; None
        when private targets are allowed (any address will do). A sender connects to exactly
        these, never resolving the name again, so the check cannot be slipped by a name that
        answers differently the next time it is asked."""
        if self.allow_private:
            return None
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError):
            raise TargetRefused(f"the host {host} does not resolve") from None
        found = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in found:
            reason = refused_address(address)
            if reason is not None:
                raise TargetRefused(
                    f"{host}: {reason}; private targets are refused unless the server's "
                    "webhook_allow_private_targets setting is on"
                )
        return found


class WebhookService:
    def __init__(
        self,
        store: SQLWebhookStore,
        catalog: AgentCatalog,
        audit: AuditService,
        clock: Clock,
        guard: TargetGuard,
        *,
        on_redeliver: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._catalog = catalog
        self._audit = audit
        self._clock = clock
        self._guard = guard
        self._on_redeliver = on_redeliver

    async def create(
        self,
        principal: Principal,
        *,
        url: str | None,
        event_types: list[str] | None = None,
        agent_name: str | None = None,
        enabled: bool = True,
        description: str = "",
    ) -> Webhook:
        """A new webhook with a new secret (shown in the answer, and on rotation only)."""
        _require_admin(principal)
        if not url:
            raise InvalidData.for_parameter("url", "", "the URL that receives the webhooks")
        webhook = Webhook(
            id=0,
            url=await self._checked_url(url),
            secret=new_secret(),
            event_types=_types(event_types) if event_types is not None else DEFAULT_EVENT_TYPES,
            agent_name=self._agent(agent_name),
            enabled=enabled,
            description=_description(description),
            created_at=0.0,
            updated_at=0.0,
        )
        created = await self._store.add(webhook, self._clock())
        await self._record(principal, created, "created")
        return created

    async def all(self, principal: Principal) -> list[Webhook]:
        _require_admin(principal)
        return await self._store.all()

    async def get(self, principal: Principal, webhook_id: int) -> Webhook:
        _require_admin(principal)
        webhook = await self._store.get(webhook_id)
        if webhook is None:
            raise InvalidData(f"Webhook [{webhook_id}] does not exist")
        return webhook

    async def update(
        self,
        principal: Principal,
        webhook_id: int,
        *,
        url: str | None = None,
        event_types: list[str] | None = None,
        agent_name: str | None = None,
        enabled: bool | None = None,
        description: str | None = None,
    ) -> Webhook:
        """Change what is given; `agent_name` "" sends every agent's events again."""
        current = await self.get(principal, webhook_id)
        changed = Webhook(
            id=current.id,
            url=await self._checked_url(url) if url is not None else current.url,
            secret=current.secret,
            event_types=_types(event_types) if event_types is not None else current.event_types,
            agent_name=current.agent_name if agent_name is None else self._agent(agent_name),
            enabled=current.enabled if enabled is None else enabled,
            description=current.description if description is None else _description(description),
            created_at=current.created_at,
            updated_at=current.updated_at,
        )
        updated = await self._store.update(changed, self._clock())
        if updated is None:
            raise InvalidData(f"Webhook [{webhook_id}] does not exist")
        await self._record(principal, updated, "updated")
        return updated

    async def delete(self, principal: Principal, webhook_id: int) -> None:
        """Remove it with its deliveries: pending ones are not sent."""
        webhook = await self.get(principal, webhook_id)
        await self._store.delete(webhook_id)
        await self._record(principal, webhook, "deleted")

    async def rotate_secret(self, principal: Principal, webhook_id: int) -> Webhook:
        """A new secret, used from the next attempt on; the old one stops at once."""
        await self.get(principal, webhook_id)
        rotated = await self._store.set_secret(webhook_id, new_secret(), self._clock())
        if rotated is None:
            raise InvalidData(f"Webhook [{webhook_id}] does not exist")
        await self._record(principal, rotated, "secret_rotated")
        return rotated

    async def deliveries(
        self,
        principal: Principal,
        webhook_id: int,
        *,
        state: str | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[Delivery]:
        await self.get(principal, webhook_id)
        which: DeliveryState | None = None
        if state:
            try:
                which = DeliveryState(state.lower())
            except ValueError:
                states = ", ".join(s.value for s in DeliveryState)
                raise InvalidData.for_parameter("state", state, f"use one of {states}") from None
        return await self._store.deliveries(webhook_id, state=which, after=after, limit=limit)

    async def redeliver(self, principal: Principal, webhook_id: int, delivery_id: int) -> Delivery:
        """Send it again now, with a fresh retry window, whatever became of it before."""
        await self.get(principal, webhook_id)
        if await self._store.delivery(webhook_id, delivery_id) is None:
            raise InvalidData(f"Delivery [{delivery_id}] of webhook [{webhook_id}] does not exist")
        delivery = await self._store.redeliver(webhook_id, delivery_id, self._clock())
        if delivery is None:
            raise OperationNotAllowed(
                f"Delivery [{delivery_id}] is being sent right now; try again when it has ended."
            )
        self._on_redeliver()
        return delivery

    async def _checked_url(self, url: str) -> str:
        url = url.strip()
        try:
            await self._guard.check(url)
        except TargetRefused as exc:
            raise InvalidData.for_parameter("url", url[:200], str(exc)) from None
        return url

    def _agent(self, name: str | None) -> str | None:
        if not name:
            return None
        if self._catalog.get(name) is None:
            raise InvalidData.for_parameter("agent", name, "no agent has this name")
        return name

    async def _record(self, principal: Principal, webhook: Webhook, change: str) -> None:
        await self._audit.record(
            WEBHOOK_CHANGE,
            "success",
            principal=principal,
            subject=f"webhook {webhook.id}",
            change=change,
            url=webhook.url,
        )


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise InsufficientAccess("Only administrators may manage webhooks.")


def _types(names: list[str]) -> frozenset[EventType]:
    try:
        types = parse_event_types(names)
    except ValueError as exc:
        kinds = ", ".join(t.value for t in EventType)
        raise InvalidData.for_parameter("event_types", exc, f"use one of {kinds}") from None
    if not types:
        raise InvalidData.for_parameter("event_types", "", "name at least one event type")
    return types


def _description(text: str) -> str:
    if len(text) > MAX_DESCRIPTION:
        raise InvalidData.for_parameter(
            "description", text[:40] + "…", f"at most {MAX_DESCRIPTION} characters"
        )
    return text
