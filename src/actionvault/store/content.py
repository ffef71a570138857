"""Documents, their versions and text, object records, and who may see them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from actionvault.domain.content import (
    Document,
    DocumentVersion,
    ObjectRecord,
    SeenVersion,
    Segment,
    VersionRef,
)
from actionvault.domain.permissions import object_permission
from actionvault.domain.principals import Principal
from actionvault.store.database import Database, IntegrityViolation, Row


class DuplicateRecordId(Exception):
    """A record with this id exists already."""


@dataclass(frozen=True, slots=True)
class NewVersion:
    """A version's file and text, as the content service prepared them."""

    file_name: str
    mime_type: str
    text: str
    segments: tuple[Segment, ...] = ()
    file_key: str | None = None
    file_size: int = 0
    sha256: str | None = None


def _viewer(principal: Principal | None) -> dict[str, int]:
    """The parameters of a visibility check: an administrator, or no one, sees everything."""
    if principal is None or principal.is_admin:
        return {"admin": 1, "user_id": 0}
    return {"admin": 0, "user_id": principal.user_id}


def _version_from_row(row: Row) -> DocumentVersion:
    document = Document(
        id=row["id"],
        name=row["name"],
        type=row["type"],
        lifecycle=row["lifecycle"],
        status=row["status"],
        owner_id=row["owner_id"],
        created_at=row["document_created_at"],
        fields=json.loads(row["fields"] or "{}"),
    )
    return DocumentVersion(
        document=document,
        major=row["major"],
        minor=row["minor"],
        file_name=row["file_name"],
        mime_type=row["mime_type"],
        text=row["text"],
        created_at=row["created_at"],
        segments=tuple(Segment(*item) for item in json.loads(row["structure"] or "[]")),
        file_key=row["file_key"],
        file_size=row["file_size"],
        sha256=row["sha256"],
        created_by=row["created_by"],
    )


def _record_from_row(row: Row) -> ObjectRecord:
    return ObjectRecord(
        id=row["id"],
        object_name=row["object_name"],
        object_type=row["object_type"],
        name=row["name"],
        owner_id=row["owner_id"],
        fields=json.loads(row["fields"]),
        created_at=row["created_at"],
        modified_at=row["modified_at"],
    )


def _version_params(document_id: int, major: int, minor: int, new: NewVersion) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "major": major,
        "minor": minor,
        "file_name": new.file_name,
        "mime_type": new.mime_type,
        "file_key": new.file_key,
        "file_size": new.file_size,
        "sha256": new.sha256,
        "text": new.text,
        "structure": json.dumps([[s.start, s.end, s.page, s.heading] for s in new.segments]),
    }


class SQLContentStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_document(
        self,
        *,
        name: str,
        type: str,
        owner_id: int,
        version: NewVersion,
        now: float,
        lifecycle: str = "general_lifecycle__c",
        status: str = "draft__c",
        fields: dict[str, Any] | None = None,
    ) -> DocumentVersion:
        """A new document at version 0.1, its creator holding the owner role."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "insert_document",
                {
                    "name": name,
                    "type": type,
                    "lifecycle": lifecycle,
                    "status": status,
                    "owner_id": owner_id,
                    "fields": json.dumps(fields or {}),
                    "now": now,
                },
            )
            assert row is not None
            document_id = int(row["id"])
            await tx.execute(
                "insert_document_version",
                {**_version_params(document_id, 0, 1, version), "created_by": owner_id, "now": now},
            )
            await tx.execute(
                "insert_document_role",
                {
                    "document_id": document_id,
                    "role": "owner__v",
                    "member_kind": "user",
                    "member_id": owner_id,
                },
            )
        stored = await self.document_version(document_id, 0, 1)
        assert stored is not None
        return stored

    async def add_version(
        self,
        document_id: int,
        *,
        major: int,
        minor: int,
        version: NewVersion,
        now: float,
        created_by: int | None = None,
    ) -> DocumentVersion:
        await self._db.execute(
            "insert_document_version",
            {
                **_version_params(document_id, major, minor, version),
                "created_by": created_by,
                "now": now,
            },
        )
        stored = await self.document_version(document_id, major, minor)
        assert stored is not None
        return stored

    async def grant_document_role(
        self,
        document_id: int,
        role: str,
        *,
        user_id: int | None = None,
        group_id: int | None = None,
    ) -> None:
        kind, member = ("user", user_id) if user_id is not None else ("group", group_id)
        assert member is not None, "a role goes to a user or a group"
        await self._db.execute(
            "insert_document_role",
            {"document_id": document_id, "role": role, "member_kind": kind, "member_id": member},
        )

    async def document_roles(self, document_id: int) -> dict[str, dict[str, list[int]]]:
        """Vault's shape: {role: {"users": [...], "groups": [...]}}."""
        roles: dict[str, dict[str, list[int]]] = {}
        for row in await self._db.fetch_all("document_roles", {"document_id": document_id}):
            held = roles.setdefault(row["role"], {"users": [], "groups": []})
            held["users" if row["member_kind"] == "user" else "groups"].append(row["member_id"])
        return roles

    async def document_version(
        self, document_id: int, major: int, minor: int
    ) -> DocumentVersion | None:
        found = await self.version_seen_by(None, document_id, major, minor)
        return found[0] if found else None

    async def version_seen_by(
        self, principal: Principal | None, document_id: int, major: int, minor: int
    ) -> SeenVersion | None:
        """The version and whether `principal` (None: no one in particular) may see it.

        One query, where a visibility check and then a read would be two round trips.
        """
        row = await self._db.fetch_one(
            "document_version",
            {"document_id": document_id, "major": major, "minor": minor} | _viewer(principal),
        )
        return SeenVersion(_version_from_row(row), bool(row["visible"])) if row else None

    async def latest_version(self, document_id: int) -> DocumentVersion | None:
        row = await self._db.fetch_one("latest_document_version", {"document_id": document_id})
        return _version_from_row(row) if row else None

    async def version_ref(
        self,
        principal: Principal,
        document_id: int,
        major: int | None = None,
        minor: int | None = None,
    ) -> VersionRef | None:
        """The document type and number of that version or the latest, without its text;
        None also when `principal` may not see the document."""
        row = await self._db.fetch_one(
            "version_ref",
            {
                "document_id": document_id,
                "major": -1 if major is None else major,
                "minor": -1 if minor is None else minor,
            }
            | _viewer(principal),
        )
        return VersionRef(row["type"], row["major"], row["minor"]) if row else None

    async def versions(self, document_id: int) -> list[tuple[int, int]]:
        rows = await self._db.fetch_all("document_versions", {"document_id": document_id})
        return [(r["major"], r["minor"]) for r in rows]

    async def visible_documents(self, principal: Principal) -> list[dict[str, Any]]:
        """Id, name, type, status, owner and creation time of every document `principal` sees."""
        rows = await self._db.fetch_all("visible_documents", _viewer(principal))
        return [dict(row) for row in rows]

    async def document_with_file(self, sha256: str) -> int | None:
        row = await self._db.fetch_one("document_by_sha256", {"sha256": sha256})
        return int(row["document_id"]) if row else None

    async def can_see_document(self, principal: Principal, document_id: int) -> bool:
        if principal.is_admin:
            return True
        row = await self._db.fetch_one(
            "document_visible", {"document_id": document_id, "user_id": principal.user_id}
        )
        return row is not None

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
        try:
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
        except IntegrityViolation as exc:
            raise DuplicateRecordId(record_id) from exc
        return ObjectRecord(record_id, object_name, object_type, name, owner_id, fields, now, now)

    async def grant_record_role(
        self, record_id: str, role: str, *, user_id: int | None = None, group_id: int | None = None
    ) -> None:
        kind, member = ("user", user_id) if user_id is not None else ("group", group_id)
        assert member is not None, "a role goes to a user or a group"
        await self._db.execute(
            "insert_record_role",
            {"record_id": record_id, "role": role, "member_kind": kind, "member_id": member},
        )

    async def record_roles(self, record_id: str) -> dict[str, dict[str, list[int]]]:
        roles: dict[str, dict[str, list[int]]] = {}
        for row in await self._db.fetch_all("record_roles", {"record_id": record_id}):
            held = roles.setdefault(row["role"], {"users": [], "groups": []})
            held["users" if row["member_kind"] == "user" else "groups"].append(row["member_id"])
        return roles

    async def record(self, object_name: str, record_id: str) -> ObjectRecord | None:
        row = await self._db.fetch_one(
            "record_by_id", {"object_name": object_name, "id": record_id}
        )
        return _record_from_row(row) if row else None

    async def record_named(self, object_name: str, name: str) -> ObjectRecord | None:
        row = await self._db.fetch_one("record_by_name", {"object_name": object_name, "name": name})
        return _record_from_row(row) if row else None

    async def records(self, object_name: str, limit: int, offset: int) -> list[ObjectRecord]:
        rows = await self._db.fetch_all(
            "list_records", {"object_name": object_name, "limit": limit, "offset": offset}
        )
        return [_record_from_row(r) for r in rows]

    async def last_record_id(self, object_name: str) -> str | None:
        row = await self._db.fetch_one("last_record_id", {"object_name": object_name})
        return row["id"] if row else None

    async def can_see_record(self, principal: Principal, record: ObjectRecord) -> bool:
        """Object read permission, and then ownership or a sharing role, as in Vault."""
        if principal.is_admin:
            return True
        if not object_permission(principal, record.object_name).read:
            return False
        if record.owner_id == principal.user_id:
            return True
        row = await self._db.fetch_one(
            "record_role_count", {"record_id": record.id, "user_id": principal.user_id}
        )
        return bool(row and row["n"])
