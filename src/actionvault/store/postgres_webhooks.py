"""The webhook outbox on PostgreSQL: a batch of the event log read in one statement.

On PostgreSQL each statement is a network round trip; reading a batch of the log takes four on
SQLite's path (the read position, the batch's end, the deliveries, the new position). Here it is
one data-modifying WITH statement (`read_webhook_feed` in `sql/postgres/queries.sql`) that does
the same with the read position locked (SKIP LOCKED: another dispatcher reading goes on alone).
"""

from __future__ import annotations

from actionvault.store import webhooks
from actionvault.store.database import Connection, Row
from actionvault.store.webhooks import SQLWebhookStore


class PostgresWebhookStore(SQLWebhookStore):
    async def _read_log(
        self, tx: Connection, room: int, lease: dict[str, object]
    ) -> tuple[bool, list[Row]]:
        written, leased = 0, list[Row]()
        for _ in range(webhooks.FEED_BATCHES_PER_CLAIM):
            rows = await tx.fetch_all(
                "read_webhook_feed",
                {**lease, "limit": webhooks.FEED_BATCH, "room": room - len(leased)},
            )
            if not rows or rows[0]["last_id"] is None:
                # Read to its end, or no webhook is enabled, or another dispatcher reads it.
                return False, leased
            written += rows[0]["written"]
            leased += [row for row in rows if row["id"] is not None]
            if written >= room:
                break
        return True, leased
