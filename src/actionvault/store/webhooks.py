"""Webhooks and their delivery outbox over named queries.

Deliveries are never inserted here: the trigger of migration 0007 writes them with their event.
This store registers endpoints, and claims, releases and records attempts of deliveries; each
change of a delivery is one conditional UPDATE on the lease, so a sender that lost its lease
changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from actionvault.domain.events import ExecutionEvent
from actionvault.domain.webhooks import (
    AttemptRecord,
    Delivery,
    DeliveryState,
    Webhook,
    frame_types,
    unframe_types,
)
from actionvault.store.database import Database, Row
from actionvault.store.events import event_from_row

#: The channel the PostgreSQL trigger notifies when it writes deliveries.
DELIVERIES_CHANNEL = "actionvault_deliveries"


def webhook_from_row(row: Row) -> Webhook:
    return Webhook(
        id=row["id"],
        url=row["url"],
        secret=row["secret"],
        event_types=unframe_types(row["event_types"]),
        agent_name=row["agent_name"],
        enabled=bool(row["enabled"]),
        description=row["description"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def delivery_from_row(row: Row) -> Delivery:
    return Delivery(
        id=row["id"],
        webhook_id=row["webhook_id"],
        event_id=row["event_id"],
        execution_number=row["execution_id"],
        state=DeliveryState(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        window_start=row["window_start"],
        created_at=row["created_at"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        last_response_ms=row["last_response_ms"],
        last_attempt_at=row["last_attempt_at"],
        finished_at=row["finished_at"],
        history=_history(row.get("attempt_log")),
    )


def _history(log: str | None) -> tuple[AttemptRecord, ...]:
    return tuple(
        AttemptRecord(
            attempt=int(entry["attempt"]),
            at=float(entry["at"]),
            status=entry.get("status"),
            error=entry.get("error"),
            response_ms=entry.get("responseMs"),
        )
        for entry in json.loads(log or "[]")
    )


class SQLWebhookStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # Endpoints

    async def add(self, webhook: Webhook, now: float) -> Webhook:
        row = await self._db.fetch_one(
            "insert_webhook",
            {
                "url": webhook.url,
                "secret": webhook.secret,
                "event_types": frame_types(webhook.event_types),
                "agent_name": webhook.agent_name,
                "enabled": webhook.enabled,
                "description": webhook.description,
                "now": now,
            },
        )
        assert row is not None
        return webhook_from_row(row)

    async def get(self, webhook_id: int) -> Webhook | None:
        row = await self._db.fetch_one("webhook_by_id", {"id": webhook_id})
        return webhook_from_row(row) if row else None

    async def all(self) -> list[Webhook]:
        return [webhook_from_row(r) for r in await self._db.fetch_all("list_webhooks")]

    async def update(self, webhook: Webhook, now: float) -> Webhook | None:
        row = await self._db.fetch_one(
            "update_webhook",
            {
                "id": webhook.id,
                "url": webhook.url,
                "event_types": frame_types(webhook.event_types),
                "agent_name": webhook.agent_name,
                "enabled": webhook.enabled,
                "description": webhook.description,
                "now": now,
            },
        )
        return webhook_from_row(row) if row else None

    async def set_secret(self, webhook_id: int, secret: str, now: float) -> Webhook | None:
        row = await self._db.fetch_one(
            "set_webhook_secret", {"id": webhook_id, "secret": secret, "now": now}
        )
        return webhook_from_row(row) if row else None

    async def delete(self, webhook_id: int) -> bool:
        """Remove it and its deliveries, sent or not."""
        return await self._db.execute("delete_webhook", {"id": webhook_id}) > 0

    # Deliveries

    async def deliveries(
        self, webhook_id: int, *, state: DeliveryState | None, after: int, limit: int
    ) -> list[Delivery]:
        rows = await self._db.fetch_all(
            "list_webhook_deliveries",
            {
                "webhook_id": webhook_id,
                "state": state.value if state else None,
                "after": after,
                "limit": limit,
            },
        )
        return [delivery_from_row(r) for r in rows]

    async def delivery(self, webhook_id: int, delivery_id: int) -> Delivery | None:
        row = await self._db.fetch_one(
            "webhook_delivery_by_id", {"id": delivery_id, "webhook_id": webhook_id}
        )
        return delivery_from_row(row) if row else None

    async def redeliver(self, webhook_id: int, delivery_id: int, now: float) -> Delivery | None:
        """Due now with a fresh retry window; None when it is being sent at this moment."""
        row = await self._db.fetch_one(
            "redeliver_webhook_delivery", {"id": delivery_id, "webhook_id": webhook_id, "now": now}
        )
        return delivery_from_row(row) if row else None

    async def claim(
        self, owner: str, limit: int, now: float, lease_seconds: float, busy: frozenset[int]
    ) -> list[Message]:
        """Up to `limit` due deliveries, leased to `owner`, none to the `busy` endpoints, each
        with what it sends: two statements for the whole batch."""
        rows = await self._db.fetch_all(
            "claim_webhook_deliveries",
            {
                "owner": owner,
                "limit": limit,
                "now": now,
                "lease_expires_at": now + lease_seconds,
                "busy": f",{','.join(str(i) for i in sorted(busy))},",
            },
        )
        if not rows:
            return []
        claimed = {row["id"]: delivery_from_row(row) for row in rows}
        found = await self._db.fetch_all("webhook_messages", {"ids": json.dumps(list(claimed))})
        # A delivery whose webhook was deleted meanwhile went with it: nothing to send.
        messages = [
            Message(claimed[row["delivery_id"]], _webhook_of(row), event_from_row(row))
            for row in found
        ]
        return sorted(messages, key=lambda m: m.delivery.id)

    async def release(self, delivery_id: int, owner: str) -> None:
        await self._db.execute("release_webhook_delivery", {"id": delivery_id, "owner": owner})

    async def record_attempts(self, owner: str, outcomes: list[Outcome]) -> list[int]:
        """Each attempt's outcome, in one statement: succeeded, due again at its
        `next_attempt_at`, or failed for good (None). The ids of the deliveries this owner no
        longer held the lease of (their outcome is not recorded)."""
        rows = await self._db.fetch_all(
            "record_webhook_attempts",
            {"owner": owner, "outcomes": json.dumps([_outcome_fields(o) for o in outcomes])},
        )
        recorded = {row["id"] for row in rows}
        return [o.delivery_id for o in outcomes if o.delivery_id not in recorded]

    async def next_due(self) -> float | None:
        """When the earliest pending delivery is due or a lease lapses; None: nothing to send."""
        row = await self._db.fetch_one("next_webhook_delivery_due")
        times = [t for t in (row or {}).values() if t is not None]
        return min(times) if times else None


def _webhook_of(row: Row) -> Webhook:
    """The webhook in a row of `webhook_messages`, its columns prefixed `webhook_`."""
    return webhook_from_row({k[8:]: v for k, v in row.items() if k.startswith("webhook_")})


@dataclass(frozen=True, slots=True)
class Message:
    """A claimed delivery, with the webhook and the event it sends."""

    delivery: Delivery
    webhook: Webhook
    event: ExecutionEvent


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt came to, as the outbox records it."""

    delivery_id: int
    at: float
    succeeded: bool
    next_attempt_at: float | None = None
    status: int | None = None
    error: str | None = None
    response_ms: float | None = None


def _outcome_fields(outcome: Outcome) -> dict[str, object]:
    if outcome.succeeded:
        state = DeliveryState.SUCCEEDED
    elif outcome.next_attempt_at is not None:
        state = DeliveryState.PENDING
    else:
        state = DeliveryState.FAILED
    ended = state is not DeliveryState.PENDING
    return {
        "id": outcome.delivery_id,
        "state": state.value,
        "next_attempt_at": outcome.next_attempt_at
        if outcome.next_attempt_at is not None
        else outcome.at,
        "status": outcome.status,
        "error": outcome.error[:500] if outcome.error else None,
        "response_ms": outcome.response_ms,
        "at": outcome.at,
        "finished_at": outcome.at if ended else None,
    }
