"""What the webhook endpoints answer: `Webhook`, `WebhookDelivery` and its `DeliveryAttempt`s,
read as `models` reads the rest of the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from actionvault.client.models import _bool, _int, _list, _str


@dataclass(frozen=True, slots=True)
class Webhook:
    """A registered webhook (`vault.webhooks`); `secret` (`whsec_...`) is only in the answer of
    create and rotate_secret, None everywhere else.

    `agent` None means every agent's executions; times are ISO 8601 text.
    """

    id: int
    url: str
    event_types: tuple[str, ...]
    agent: str | None
    enabled: bool
    description: str
    created_at: str | None = None
    updated_at: str | None = None
    secret: str | None = None

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> Webhook:
        return cls(
            id=_int(data, "id") or 0,
            url=_str(data, "url") or "",
            event_types=tuple(str(t) for t in _list(data, "eventTypes")),
            agent=_str(data, "agent") or None,
            enabled=bool(_bool(data, "enabled")),
            description=_str(data, "description") or "",
            created_at=_str(data, "createdAt"),
            updated_at=_str(data, "updatedAt"),
            secret=_str(data, "secret"),
        )


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One attempt of a delivery: the receiver's `status_code`, or the `error` that left it
    without one (refused connection, timeout...)."""

    attempt: int
    at: str | None
    status_code: int | None
    error: str | None
    response_ms: float | None

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> DeliveryAttempt:
        response_ms = data.get("responseMs")
        return cls(
            attempt=_int(data, "attempt") or 0,
            at=_str(data, "at"),
            status_code=_int(data, "statusCode"),
            error=_str(data, "error"),
            response_ms=float(response_ms) if isinstance(response_ms, int | float) else None,
        )


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One event's delivery to one webhook, with what its last attempt got.

    `state` is pending, delivering, succeeded or failed; `message_id` is the `webhook-id`
    header of every attempt (a receiver skips ids it has processed). `next_attempt_at` is None
    once the delivery is finished. `attempt_log` holds its latest attempts (up to 20), oldest
    first.
    """

    id: int
    webhook_id: int
    event_id: int
    state: str
    attempts: int
    message_id: str | None = None
    next_attempt_at: str | None = None
    last_attempt_at: str | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    last_response_ms: float | None = None
    created_at: str | None = None
    finished_at: str | None = None
    attempt_log: tuple[DeliveryAttempt, ...] = ()

    @property
    def done(self) -> bool:
        """Succeeded, or failed for good."""
        return self.state in ("succeeded", "failed")

    @classmethod
    def _from_wire(cls, data: Mapping[str, Any]) -> WebhookDelivery:
        response_ms = data.get("lastResponseMs")
        return cls(
            id=_int(data, "id") or 0,
            webhook_id=_int(data, "webhookId") or 0,
            event_id=_int(data, "eventId") or 0,
            state=_str(data, "state") or "",
            attempts=_int(data, "attempts") or 0,
            message_id=_str(data, "messageId"),
            next_attempt_at=_str(data, "nextAttemptAt"),
            last_attempt_at=_str(data, "lastAttemptAt"),
            last_status_code=_int(data, "lastStatusCode"),
            last_error=_str(data, "lastError"),
            last_response_ms=float(response_ms) if isinstance(response_ms, int | float) else None,
            created_at=_str(data, "createdAt"),
            finished_at=_str(data, "finishedAt"),
            attempt_log=tuple(
                DeliveryAttempt._from_wire(entry)
                for entry in _list(data, "attemptLog")
                if isinstance(entry, Mapping)
            ),
        )
