"""The webhook outbox on PostgreSQL: a batch of the event log read in one statement.

On PostgreSQL each statement is a network round trip; reading a batch of the log takes four on
SQLite's path (the read position, the batch's end, the deliveries, the new position). Here it is
one data-modifying WITH statement (`read_webhook_feed` in `sql/postgres/queries.sql`) that does
the same with the read position locked (SKIP LOCKED: another dispatcher reading goes on alone).
"""

from __future__ import annotations

from actionvault.store import webhooks
from actionvault.store.database import Connection
from actionvault.store.webhooks import SQLWebhookStore


class PostgresWebhookStore(SQLWebhookStore):
    async def _read_log(self, tx: Connection, wanted: int) -> bool:
        written = 0
        for _ in range(webhooks.FEED_BATCHES_PER_CLAIM):
            row = await tx.fetch_one("read_webhook_feed", {"limit": webhooks.FEED_BATCH})
            if row is None or row["last_id"] is None:
                return False  # read to its end, or no webhook is enabled, or another reads it
            written += row["written"]
            if written >= wanted:
                break
        return True
