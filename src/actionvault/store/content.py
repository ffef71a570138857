"""Documents, their versions and text, object records, and who may see them."""

from __future__ import annotations

import json
from typing import Any

from actionvault.domain.content import Document, DocumentVersion, ObjectRecord
from actionvault.domain.principals import Principal
from actionvault.store.database import Database, Row


def _version_from_row(row: Row) -> DocumentVersion:
    document = Document(
        id=row["id"],
        name=row["name"],
        type=row["type"],
        lifecycle=row["lifecycle"],
        status=row["status"],
        owner_id=row["owner_id"],
        created_at=row["document_created_at"],
    )
    return DocumentVersion(
        document=document,
        major=row["major"],
        minor=row["minor"],
        file_name=row["file_name"],
        mime_type=row["mime_type"],
        text=row["text"],
        created_at=row["created_at"],
    )


def _record_from_row(row: Row) -> ObjectRecord:
    return ObjectRecord(
        id=row["id"],
        object_name=row["object_name"],
        object_type=row["object_type"],
        name=row["name"],
        owner_id=row["owner_id"],
        fields=json.loads(row["fields"]),
    )


class SQLContentStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_document(
        self,
        *,
        name: str,
        type: str,
        owner_id: int,
        text: str,
        file_name: str,
        mime_type: str = "text/plain",
        lifecycle: str = "general_lifecycle__c",
        status: str = "draft__c",
        now: float,
    ) -> DocumentVersion:
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "insert_document",
                {
                    "name": name,
                    "type": type,
                    "lifecycle": lifecycle,
                    "status": status,
                    "owner_id": owner_id,
                    "now": now,
                },
            )
            assert row is not None
            document_id = int(row["id"])
            await tx.execute(
                "insert_document_version",
                {
                    "document_id": document_id,
                    "major": 0,
                    "minor": 1,
                    "file_name": file_name,
                    "mime_type": mime_type,
                    "text": text,
                    "now": now,
                },
            )
            await tx.execute(
                "insert_document_role",
                {"document_id": document_id, "user_id": owner_id, "role": "owner__v"},
            )
        version = await self.document_version(document_id, 0, 1)
        assert version is not None
        return version

    async def add_version(
        self,
        document_id: int,
        *,
        major: int,
        minor: int,
        text: str,
        file_name: str,
        mime_type: str = "text/plain",
        now: float,
    ) -> DocumentVersion:
        await self._db.execute(
            "insert_document_version",
            {
                "document_id": document_id,
                "major": major,
                "minor": minor,
                "file_name": file_name,
                "mime_type": mime_type,
                "text": text,
                "now": now,
            },
        )
        version = await self.document_version(document_id, major, minor)
        assert version is not None
        return version

    async def grant_document_role(self, document_id: int, user_id: int, role: str) -> None:
        await self._db.execute(
            "insert_document_role", {"document_id": document_id, "user_id": user_id, "role": role}
        )

    async def document_version(
        self, document_id: int, major: int, minor: int
    ) -> DocumentVersion | None:
        row = await self._db.fetch_one(
            "document_version", {"document_id": document_id, "major": major, "minor": minor}
        )
        return _version_from_row(row) if row else None

    async def latest_version(self, document_id: int) -> DocumentVersion | None:
        row = await self._db.fetch_one("latest_document_version", {"document_id": document_id})
        return _version_from_row(row) if row else None

    async def can_see_document(self, principal: Principal, document_id: int) -> bool:
        if principal.is_admin:
            return True
        row = await self._db.fetch_one(
            "document_role_count", {"document_id": document_id, "user_id": principal.user_id}
        )
        return bool(row and row["n"])

    async def add_record(
        self,
        *,
        record_id: str,
        object_name: str,
        object_type: str,
        name: str,
        owner_id: int,
        fields: dict[str, Any],
        now: float,
    ) -> ObjectRecord:
        await self._db.execute(
            "insert_record",
            {
                "id": record_id,
                "object_name": object_name,
                "object_type": object_type,
                "name": name,
                "owner_id": owner_id,
                "fields": json.dumps(fields),
                "now": now,
            },
        )
        return ObjectRecord(record_id, object_name, object_type, name, owner_id, fields)

    async def grant_record_role(self, record_id: str, user_id: int, role: str) -> None:
        await self._db.execute(
            "insert_record_role", {"record_id": record_id, "user_id": user_id, "role": role}
        )

    async def record(self, object_name: str, record_id: str) -> ObjectRecord | None:
        row = await self._db.fetch_one(
            "record_by_id", {"object_name": object_name, "id": record_id}
        )
        return _record_from_row(row) if row else None

    async def can_see_record(self, principal: Principal, record: ObjectRecord) -> bool:
        if principal.is_admin or record.owner_id == principal.user_id:
            return True
        row = await self._db.fetch_one(
            "record_role_count", {"record_id": record.id, "user_id": principal.user_id}
        )
        return bool(row and row["n"])

    async def count_records(self, object_name: str) -> int:
        row = await self._db.fetch_one("max_record_number", {"object_name": object_name})
        return int(row["n"]) if row else 0
