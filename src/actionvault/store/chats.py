"""Chats and their turns (the executions that carry the chat's id)."""

from __future__ import annotations

from actionvault.domain.chats import Chat
from actionvault.domain.executions import Execution, Target
from actionvault.store.database import Database, Row
from actionvault.store.executions import execution_from_row


def _chat(row: Row) -> Chat:
    return Chat(
        id=row["id"],
        user_id=row["user_id"],
        target=Target(
            document_id=row["document_id"],
            object_name=row["object_name"],
            object_type=row["object_type"],
            record_id=row["record_id"],
        ),
        created_at=row["created_at"],
        turns=int(row.get("turns") or 0),
    )


class SQLChatStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, chat: Chat) -> None:
        t = chat.target
        await self._db.execute(
            "insert_chat",
            {
                "id": chat.id,
                "user_id": chat.user_id,
                "document_id": t.document_id,
                "object_name": t.object_name,
                "object_type": t.object_type,
                "record_id": t.record_id,
                "now": chat.created_at,
            },
        )

    async def get(self, chat_id: str) -> Chat | None:
        row = await self._db.fetch_one("chat_by_id", {"id": chat_id})
        return _chat(row) if row else None

    async def of_user(self, user_id: int, limit: int = 200) -> list[Chat]:
        rows = await self._db.fetch_all("chats_of_user", {"user_id": user_id, "limit": limit})
        return [_chat(r) for r in rows]

    async def delete(self, chat_id: str) -> None:
        await self._db.execute("delete_chat", {"id": chat_id})

    async def turns(
        self, chat_id: str, before: int | None = None, limit: int = 1000
    ) -> list[Execution]:
        """The chat's executions in order, those before execution number `before` only."""
        rows = await self._db.fetch_all(
            "chat_executions",
            {"chat_id": chat_id, "before": before if before is not None else 2**62, "limit": limit},
        )
        return [execution_from_row(r) for r in reversed(rows)]
