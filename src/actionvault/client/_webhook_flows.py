"""The webhook operations (`/ext/webhooks`, administrators only), each once as a flow that both
clients' `webhooks` resources run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from actionvault.client._base import BaseVault, Call, Flow, items, section
from actionvault.client.webhook_models import Webhook, WebhookDelivery

_HOOKS = "/ext/webhooks"


class Unset:
    """The default of update()'s keywords: the field is left as it is (None clears `agent`)."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = Unset()


def _one(webhook_id: int) -> str:
    return f"{_HOOKS}/{int(webhook_id)}"


def create(
    core: BaseVault,
    url: str,
    *,
    event_types: Iterable[str] | None,
    agent: str | None,
    description: str | None,
    enabled: bool,
) -> Flow[Webhook]:
    fields: dict[str, Any] = {"url": url, "enabled": enabled}
    if event_types is not None:
        fields["event_types"] = list(event_types)
    if agent is not None:
        fields["agent"] = agent
    if description is not None:
        fields["description"] = description
    body = yield from core._call(Call("POST", _HOOKS, json=fields))
    return Webhook._from_wire(section(body, "data"))


def list_webhooks(core: BaseVault) -> Flow[list[Webhook]]:
    body = yield from core._call(Call("GET", _HOOKS))
    return [Webhook._from_wire(w) for w in items(body, "data")]


def retrieve(core: BaseVault, webhook_id: int) -> Flow[Webhook]:
    body = yield from core._call(Call("GET", _one(webhook_id)))
    return Webhook._from_wire(section(body, "data"))


def update(
    core: BaseVault,
    webhook_id: int,
    *,
    url: str | Unset,
    event_types: Iterable[str] | Unset,
    agent: str | Unset | None,
    enabled: bool | Unset,
    description: str | Unset,
) -> Flow[Webhook]:
    fields: dict[str, Any] = {}
    if not isinstance(url, Unset):
        fields["url"] = url
    if not isinstance(event_types, Unset):
        fields["event_types"] = list(event_types)
    if not isinstance(agent, Unset):
        fields["agent"] = agent or ""  # "" makes the webhook every agent's again
    if not isinstance(enabled, Unset):
        fields["enabled"] = enabled
    if not isinstance(description, Unset):
        fields["description"] = description
    body = yield from core._call(Call("PATCH", _one(webhook_id), json=fields))
    return Webhook._from_wire(section(body, "data"))


def delete(core: BaseVault, webhook_id: int) -> Flow[None]:
    yield from core._call(Call("DELETE", _one(webhook_id)))


def rotate_secret(core: BaseVault, webhook_id: int) -> Flow[Webhook]:
    body = yield from core._call(Call("POST", f"{_one(webhook_id)}/rotate_secret"))
    return Webhook._from_wire(section(body, "data"))


def deliveries(
    core: BaseVault,
    webhook_id: int,
    *,
    state: str | None,
    after: int | None,
    limit: int | None,
) -> Flow[list[WebhookDelivery]]:
    query = {
        "state": state,
        "after": None if after is None else str(after),
        "limit": None if limit is None else str(limit),
    }
    params = {k: v for k, v in query.items() if v is not None}
    body = yield from core._call(Call("GET", f"{_one(webhook_id)}/deliveries", params=params))
    return [WebhookDelivery._from_wire(d) for d in items(body, "data")]


def redeliver(core: BaseVault, webhook_id: int, delivery_id: int) -> Flow[WebhookDelivery]:
    path = f"{_one(webhook_id)}/deliveries/{int(delivery_id)}/redeliver"
    body = yield from core._call(Call("POST", path))
    return WebhookDelivery._from_wire(section(body, "data"))
