"""The audit trail: append-only events, written by the services and read by administrators."""

from __future__ import annotations

import json
from typing import Any

from actionvault.domain.audit import AuditEvent
from actionvault.store.database import Connection, Database


def detail_json(event: AuditEvent) -> str:
    """An event's detail as stored: JSON with sorted keys, so equal details are equal text."""
    return json.dumps(event.detail, sort_keys=True)


async def insert_event(conn: Connection, event: AuditEvent) -> None:
    """Append one event, on its own or inside the transaction of the change it records."""
    await conn.execute(
        "insert_audit_event",
        {
            "at": event.at,
            "kind": event.kind,
            "user_id": event.user_id,
            "username": event.username,
            "outcome": event.outcome,
            "subject": event.subject,
            "detail": detail_json(event),
            "client_id": event.client_id,
        },
    )


class SQLAuditStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, event: AuditEvent) -> None:
        await insert_event(self._db, event)

    async def events(
        self,
        *,
        since: float = 0.0,
        kind: str | None = None,
        user_id: int | None = None,
        after: int = 0,
        limit: int = 1000,
    ) -> list[AuditEvent]:
        rows = await self._db.fetch_all(
            "list_audit_events",
            {
                "since": since,
                "kind": kind or "",
                "user_id": user_id or 0,
                "after": after,
                "limit": limit,
            },
        )
        return [_event(row) for row in rows]

    async def events_of_subject(self, subject: str, limit: int = 200) -> list[AuditEvent]:
        rows = await self._db.fetch_all(
            "audit_events_of_subject", {"subject": subject, "limit": limit}
        )
        return [_event(row) for row in rows]


def _event(row: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        id=row["id"],
        at=row["at"],
        kind=row["kind"],
        user_id=row["user_id"],
        username=row["username"],
        outcome=row["outcome"],
        subject=row["subject"],
        detail=json.loads(row["detail"]),
        client_id=row["client_id"],
    )
