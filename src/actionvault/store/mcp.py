"""MCP sessions and the tools/call requests in flight, over named queries."""

from __future__ import annotations

from actionvault.domain.mcp import McpSession
from actionvault.store.database import Database


class SQLMcpStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_session(self, session: McpSession) -> None:
        await self._db.execute(
            "insert_mcp_session",
            {
                "id_hash": session.id_hash,
                "user_id": session.user_id,
                "protocol_version": session.protocol_version,
                "client_name": session.client_name,
                "client_version": session.client_version,
                "now": session.created_at,
                "expires_at": session.expires_at,
            },
        )

    async def session(self, id_hash: str) -> McpSession | None:
        row = await self._db.fetch_one("mcp_session", {"id_hash": id_hash})
        if row is None:
            return None
        return McpSession(
            id_hash=row["id_hash"],
            user_id=int(row["user_id"]),
            protocol_version=row["protocol_version"],
            client_name=row["client_name"],
            client_version=row["client_version"],
            created_at=float(row["created_at"]),
            expires_at=float(row["expires_at"]),
            tools_digest=row["tools_digest"],
        )

    async def set_tools_digest(self, id_hash: str, digest: str) -> None:
        await self._db.execute("set_mcp_tools_digest", {"id_hash": id_hash, "digest": digest})

    async def delete_session(self, id_hash: str) -> bool:
        return await self._db.execute("delete_mcp_session", {"id_hash": id_hash}) > 0

    async def delete_expired(self, now: float) -> int:
        return await self._db.execute("delete_expired_mcp_sessions", {"now": now})

    async def record_call(
        self, session_hash: str, request_key: str, execution_number: int, now: float
    ) -> bool:
        """Tie a request to its execution; True when a cancel for it arrived first."""
        row = await self._db.fetch_one(
            "record_mcp_call",
            {
                "session_hash": session_hash,
                "request_key": request_key,
                "execution_id": execution_number,
                "now": now,
            },
        )
        return bool(row and row["cancelled"])

    async def cancel_call(self, session_hash: str, request_key: str, now: float) -> int | None:
        """Mark a request cancelled; its execution's number when it has one yet."""
        row = await self._db.fetch_one(
            "cancel_mcp_call",
            {"session_hash": session_hash, "request_key": request_key, "now": now},
        )
        if row is None or row["execution_id"] is None:
            return None
        return int(row["execution_id"])

    async def call_cancelled(self, session_hash: str, request_key: str) -> bool:
        row = await self._db.fetch_one(
            "mcp_call", {"session_hash": session_hash, "request_key": request_key}
        )
        return bool(row and row["cancelled"])

    async def forget_call(self, session_hash: str, request_key: str) -> None:
        await self._db.execute(
            "delete_mcp_call", {"session_hash": session_hash, "request_key": request_key}
        )
