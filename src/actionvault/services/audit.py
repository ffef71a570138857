"""Write the audit trail from the use cases, and read it for administrators."""

from __future__ import annotations

import csv
import io
from typing import Any

from actionvault.domain.audit import AuditEvent
from actionvault.domain.executions import Execution
from actionvault.domain.permissions import can_see_execution
from actionvault.domain.principals import Principal
from actionvault.errors import InsufficientAccess
from actionvault.ports import Clock
from actionvault.store.audit import SQLAuditStore


class AuditService:
    def __init__(self, store: SQLAuditStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def record(
        self,
        kind: str,
        outcome: str,
        *,
        principal: Principal | None = None,
        user_id: int | None = None,
        username: str | None = None,
        subject: str | None = None,
        client_id: str | None = None,
        **detail: Any,
    ) -> None:
        if principal is not None:
            user_id, username = principal.user_id, principal.user.username
        if username is not None:
            # What a failed login typed is recorded as typed, but a NUL cannot be stored.
            username = username.replace("\x00", "\\0")[:255]
        await self._store.record(
            AuditEvent(
                at=self._clock(),
                kind=kind,
                outcome=outcome,
                user_id=user_id,
                username=username,
                subject=subject,
                detail={k: v for k, v in detail.items() if v is not None},
                client_id=client_id,
            )
        )

    async def events(
        self,
        principal: Principal,
        *,
        since: float = 0.0,
        kind: str | None = None,
        user_id: int | None = None,
        after: int = 0,
        limit: int = 1000,
    ) -> list[AuditEvent]:
        if not principal.is_admin:
            raise InsufficientAccess("Only administrators may read the audit trail.")
        return await self._store.events(
            since=since, kind=kind, user_id=user_id, after=after, limit=limit
        )

    async def execution_trail(self, principal: Principal, execution: Execution) -> list[AuditEvent]:
        """One execution's events, for whoever may see the execution itself."""
        if not can_see_execution(principal, execution):
            raise InsufficientAccess("You may not see this execution.")
        return await self._store.events_of_subject(execution.execution_id)


CSV_COLUMNS = (
    "id",
    "at",
    "kind",
    "outcome",
    "user_id",
    "username",
    "subject",
    "client_id",
    "detail",
)


#: What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A text cell a spreadsheet shows as text: a formula-like start gets a leading quote, as
    OWASP advises, so that a user name such as `=HYPERLINK(...)` is never evaluated."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def events_as_csv(events: list[AuditEvent]) -> str:
    import json
    from datetime import UTC, datetime

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow(
            [
                e.id,
                datetime.fromtimestamp(e.at, UTC).isoformat(timespec="milliseconds"),
                csv_cell(e.kind),
                csv_cell(e.outcome),
                e.user_id if e.user_id is not None else "",
                csv_cell(e.username or ""),
                csv_cell(e.subject or ""),
                csv_cell(e.client_id or ""),
                csv_cell(json.dumps(e.detail, sort_keys=True)),
            ]
        )
    return out.getvalue()
