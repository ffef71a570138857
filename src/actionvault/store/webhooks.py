"""Webhooks and their delivery outbox over named queries.

An execution's own transactions never touch the outbox: a claim takes the deliveries due again
(retries, and those whose sender died), then reads the event log from where the last reader
left off (`webhook_feed`) and writes the deliveries those events owe, as many as it has room
for already leased to itself, all in one transaction, so each event's deliveries are written
once whoever reads it, and a delivery sent at its first attempt is written twice in all (made,
then its outcome). Each later change of a delivery is one conditional UPDATE on the lease, so a
sender that lost its lease changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import orjson

from actionvault.domain.events import ExecutionEvent
from actionvault.domain.webhooks import (
    AttemptRecord,
    Delivery,
    DeliveryState,
    Webhook,
    frame_types,
    unframe_types,
)
from actionvault.store.database import Connection, Database, Row
from actionvault.store.events import event_from_row

#: Notified (PostgreSQL) when a delivery is made due by hand; new events notify their own.
DELIVERIES_CHANNEL = "actionvault_deliveries"
#: Events read from the log per statement: with the usual subscriptions (an execution's end) a
#: third of them owe a delivery, and what a claim does not take stays due for the next one.
FEED_BATCH = 256
#: Statements of reading per claim at most, so that a claim catching up on a long log stays a
#: short transaction; the next claim goes on at once (`Claim.log_behind`).
FEED_BATCHES_PER_CLAIM = 8


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
    if not log:  # never attempted: every delivery a claim takes the first time
        return ()
    return tuple(
        AttemptRecord(
            attempt=int(entry["attempt"]),
            at=float(entry["at"]),
            status=entry.get("status"),
            error=entry.get("error"),
            response_ms=entry.get("responseMs"),
        )
        for entry in json.loads(log)
    )


#: The columns of a webhook in a row of `webhook_messages`: any change makes another version.
_WEBHOOK_COLUMNS = (
    "webhook_id", "webhook_url", "webhook_secret", "webhook_event_types", "webhook_agent_name",
    "webhook_enabled", "webhook_description", "webhook_created_at", "webhook_updated_at",
)  # fmt: skip
_WEBHOOKS_KEPT = 256


class SQLWebhookStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._webhooks: dict[tuple[object, ...], Webhook] = {}

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
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "redeliver_webhook_delivery",
                {"id": delivery_id, "webhook_id": webhook_id, "now": now},
            )
            if row is not None:
                await tx.notify(DELIVERIES_CHANNEL)
        return delivery_from_row(row) if row else None

    async def claim(
        self,
        owner: str,
        limit: int,
        now: float,
        lease_seconds: float,
        busy: frozenset[int],
        outcomes: Sequence[Outcome] = (),
    ) -> Claim:
        """Up to `limit` due deliveries, leased to `owner`, none to the `busy` endpoints, each
        with what it sends: those due again first, then those owed by the events logged since
        the last claim, written as they are claimed. Before any of it, the `outcomes` of
        attempts this owner made are recorded (as `record_attempts` does). One transaction for
        the whole batch: a busy dispatcher commits once per claim rather than once more for
        what it sent."""
        lease = {
            "owner": owner,
            "lease_expires_at": now + lease_seconds,
            "busy": f",{','.join(str(i) for i in sorted(busy))},",
        }
        async with self._db.transaction() as tx:
            lost = await self._record(tx, owner, outcomes) if outcomes else []
            # Deliveries due again and those whose sender died first, then new ones.
            rows = await tx.fetch_all(
                "claim_webhook_deliveries", {**lease, "limit": limit, "now": now}
            )
            log_behind = False
            if len(rows) < limit:
                log_behind, leased = await self._read_log(tx, limit - len(rows), lease)
                rows += leased
            if not rows:
                return Claim([], log_behind, lost)
            claimed = {row["id"]: delivery_from_row(row) for row in rows}
            ids = orjson.dumps(list(claimed)).decode()
            found = await tx.fetch_all("webhook_messages", {"ids": ids})
        # A delivery whose webhook was deleted meanwhile went with it: nothing to send.
        messages = [
            Message(claimed[row["delivery_id"]], self._webhook_of(row), event_from_row(row))
            for row in found
        ]
        return Claim(sorted(messages, key=lambda m: m.delivery.id), log_behind, lost)

    async def _read_log(
        self, tx: Connection, room: int, lease: dict[str, object]
    ) -> tuple[bool, list[Row]]:
        """Write the deliveries owed by the events not yet read, batch by batch until `room`
        are written or the log is read to its end, and move the log's read position past them;
        the first `room` (to endpoints not busy) are written leased as `lease` says. Whether
        events are left unread, and the leased deliveries' rows. Nothing is read while no
        webhook is enabled (the position then stays behind, and a webhook enabled later is owed
        only what is logged after it), or while another dispatcher is reading (PostgreSQL skips
        the locked position: that one goes on)."""
        position = await tx.fetch_one("webhook_feed_position")
        if position is None or position["first_owed"] is None:
            return False, []
        after = max(position["last_event_id"], position["first_owed"])
        written, leased = 0, list[Row]()
        for _ in range(FEED_BATCHES_PER_CLAIM):
            batch = await tx.fetch_one(
                "webhook_feed_batch_end", {"after": after, "limit": FEED_BATCH}
            )
            last_id = batch["last_id"] if batch else None
            if last_id is None:
                return False, leased
            rows = await tx.fetch_all(
                "write_webhook_deliveries",
                {**lease, "after": after, "last_id": last_id, "room": room - len(leased)},
            )
            written += len(rows)
            leased += [row for row in rows if row["state"] == DeliveryState.DELIVERING.value]
            await tx.execute("advance_webhook_feed", {"last_id": last_id})
            after = last_id
            if written >= room:
                break
        return True, leased

    def _webhook_of(self, row: Row) -> Webhook:
        """The webhook in a row of `webhook_messages`, built once per version of it: a claim's
        deliveries mostly go to one or two webhooks."""
        key = tuple(row[column] for column in _WEBHOOK_COLUMNS)
        webhook = self._webhooks.get(key)
        if webhook is None:
            if len(self._webhooks) >= _WEBHOOKS_KEPT:
                self._webhooks.clear()
            webhook = self._webhooks[key] = _webhook_in(row)
        return webhook

    async def release(self, delivery_id: int, owner: str) -> None:
        await self._db.execute("release_webhook_delivery", {"id": delivery_id, "owner": owner})

    async def record_attempts(self, owner: str, outcomes: list[Outcome]) -> list[int]:
        """Each attempt's outcome, in one statement: succeeded, due again at its
        `next_attempt_at`, or failed for good (None). The ids of the deliveries this owner no
        longer held the lease of (their outcome is not recorded)."""
        return await self._record(self._db, owner, outcomes)

    async def _record(self, db: Connection, owner: str, outcomes: Sequence[Outcome]) -> list[int]:
        rows = await db.fetch_all(
            "record_webhook_attempts",
            {
                "owner": owner,
                "outcomes": orjson.dumps([_outcome_fields(o) for o in outcomes]).decode(),
            },
        )
        recorded = {row["id"] for row in rows}
        return [o.delivery_id for o in outcomes if o.delivery_id not in recorded]

    async def next_due(self) -> float | None:
        """When the earliest pending delivery is due or a lease lapses; None: nothing to send."""
        row = await self._db.fetch_one("next_webhook_delivery_due", {"look_ahead": FEED_BATCH})
        times = [t for t in (row or {}).values() if t is not None]
        return min(times) if times else None


def _webhook_in(row: Row) -> Webhook:
    """The webhook in a row of `webhook_messages`, its columns prefixed `webhook_`."""
    return webhook_from_row({k[8:]: v for k, v in row.items() if k.startswith("webhook_")})


@dataclass(frozen=True, slots=True)
class Claim:
    """What a claim took, and whether the event log has more to read: then the next claim is
    worth making at once, even when this one took nothing."""

    messages: list[Message]
    log_behind: bool = False
    #: Of the outcomes recorded with the claim, the deliveries whose lease this owner had lost.
    lost: list[int] = field(default_factory=list)


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
