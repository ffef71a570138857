"""Documents with versions and files, and object records: create, read, and who may see them."""

from __future__ import annotations

import asyncio
import datetime
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actionvault.content.extraction import (
    DEFAULT_LIMITS,
    Extracted,
    ExtractionLimits,
    ExtractionRefused,
    extract_text,
    guess_mime_type,
)
from actionvault.content.files import FileStore, FileTooLarge
from actionvault.domain import audit
from actionvault.domain.content import DocumentVersion, ObjectRecord
from actionvault.domain.objects import SYSTEM_FIELDS, ObjectCatalog, ObjectDefinition
from actionvault.domain.permissions import can_edit_document, object_permission
from actionvault.domain.principals import Principal
from actionvault.errors import (
    AttributeNotSupported,
    ExceedsFileMaxSize,
    InsufficientAccess,
    InvalidData,
    OperationNotAllowed,
    ParameterRequired,
)
from actionvault.isolation import EngineCrashed, EngineOutOfMemory, EnginePool
from actionvault.ports import Clock
from actionvault.services.audit import AuditService
from actionvault.store.content import DuplicateRecordId, NewVersion, SQLContentStore

_NAME = re.compile(r"[a-z][a-z0-9_]*__(v|c|sys)", re.ASCII)
_DOCUMENT_FIELDS = frozenset({"name__v", "type__v", "lifecycle__v", "status__v"})
#: Fields whose value names a type, subtype, classification, lifecycle or state: Vault takes
#: the label ("Promotional Piece") as well as the API name (`promotional_piece__c`).
_NAMED_VALUES = ("type__v", "subtype__v", "classification__v", "lifecycle__v", "status__v")
_NOT_NAME = re.compile(r"[^a-z0-9]+", re.ASCII)
#: Vault's own names a label may stand for; any other label names a custom (`__c`) one.
_VAULT_NAMES = frozenset({"base_document__v"})
#: Retrieve All Documents: its `sort` fields, and the named filters it knows.
_SORT_FIELDS = {
    "id": "id",
    "name__v": "name",
    "type__v": "type",
    "status__v": "status",
    "document_creation_date__v": "created_at",
}
_NAMED_FILTERS = ("My Documents", "Recent Documents")


def api_name(value: str) -> str | None:
    """The API name a value stands for: itself, or the name a label makes; None if neither."""
    if _NAME.fullmatch(value):
        return value
    stem = _NOT_NAME.sub("_", value.strip().lower()).strip("_")
    if not stem or not stem[0].isalpha() or len(stem) > 40:
        return None
    return f"{stem}__v" if f"{stem}__v" in _VAULT_NAMES else f"{stem}__c"


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as the transport received it: its name, declared type, and its bytes in chunks."""

    file_name: str
    content_type: str | None
    chunks: AsyncIterator[bytes]


def safe_file_name(name: str) -> str:
    """Keep the base name only, without path parts or control characters."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"<>|:*?').strip(". ")
    return cleaned[:255] or "file"


class ContentService:
    def __init__(
        self,
        content: SQLContentStore,
        files: FileStore,
        objects: ObjectCatalog,
        audit_service: AuditService,
        clock: Clock,
        *,
        pool: EnginePool | None = None,
        limits: ExtractionLimits = DEFAULT_LIMITS,
        extraction_timeout: float = 60.0,
    ) -> None:
        self._pool = pool
        self._limits = limits
        self._extraction_timeout = extraction_timeout
        self._content = content
        self._files = files
        self.objects = objects
        self._audit = audit_service
        self._clock = clock

    async def _store_upload(self, upload: Upload) -> NewVersion:
        try:
            stored = await self._files.save(upload.chunks)
        except FileTooLarge:
            raise ExceedsFileMaxSize(
                f"The file is larger than this server accepts ({self._files.max_bytes} bytes)."
            ) from None
        file_name = safe_file_name(upload.file_name)
        mime_type = guess_mime_type(file_name, upload.content_type)
        text, segments = await self._extract(self._files.path(stored.key), mime_type)
        return NewVersion(
            file_name=file_name,
            mime_type=mime_type,
            text=text,
            segments=segments,
            file_key=stored.key,
            file_size=stored.size,
            sha256=stored.sha256,
        )

    async def _extract(self, path: Path, mime_type: str) -> Extracted:
        """The file's text, read in an engine process that a limit can stop."""
        if self._pool is None:
            return await asyncio.to_thread(extract_text, path, mime_type, self._limits)
        try:
            return await asyncio.wait_for(
                self._pool.run(extract_text, path, mime_type, self._limits),
                self._extraction_timeout,
            )
        except ExtractionRefused as exc:
            raise InvalidData(exc.message) from None
        except TimeoutError:
            raise InvalidData(
                f"Reading the file's text took longer than {self._extraction_timeout:g} s and "
                "was stopped; the file may be damaged or built to be slow to read."
            ) from None
        except EngineOutOfMemory as exc:
            raise InvalidData(
                f"Reading the file's text needed more than {exc.limit_bytes // 2**20} MB of "
                "memory and was stopped; split it into smaller documents."
            ) from None
        except EngineCrashed:
            raise InvalidData(
                "Reading the file's text failed: the process reading it ended abnormally. "
                "The file may be damaged."
            ) from None

    async def create_document(
        self, principal: Principal, fields: dict[str, str], upload: Upload | None
    ) -> DocumentVersion:
        for required in ("name__v", "type__v"):
            if not fields.get(required):
                raise ParameterRequired.named(required)
        if upload is None:
            raise ParameterRequired.named("file")
        for name, value in fields.items():
            if not _NAME.fullmatch(name):
                raise AttributeNotSupported(f"Field [{name}] is not a document field")
            if len(value) > 1500:
                raise InvalidData.for_parameter(name, value[:40] + "...", "longer than 1500")
        fields = dict(fields)
        for name in _NAMED_VALUES:
            if fields.get(name):
                named = api_name(fields[name])
                if named is None:
                    raise InvalidData.for_parameter(
                        name, fields[name], "expected a label or an API name"
                    )
                fields[name] = named
        version = await self._store_upload(upload)
        extra = {k: v for k, v in fields.items() if k not in _DOCUMENT_FIELDS}
        created = await self._content.add_document(
            name=fields["name__v"],
            type=fields["type__v"],
            owner_id=principal.user_id,
            version=version,
            now=self._clock(),
            lifecycle=fields.get("lifecycle__v") or "general_lifecycle__c",
            status=fields.get("status__v") or "draft__c",
            fields=extra,
        )
        await self._audit.record(
            audit.CONTENT_CHANGE,
            "success",
            principal=principal,
            subject=f"document {created.document.id} version 0.1",
            operation="create_document",
            file_name=version.file_name,
            sha256=version.sha256,
        )
        return created

    async def list_documents(
        self,
        principal: Principal,
        *,
        limit: int,
        offset: int,
        named_filter: str | None = None,
        sort: str | None = None,
    ) -> tuple[int, list[DocumentVersion]]:
        """Vault's Retrieve All Documents: the total the caller sees, and one page of them."""
        rows = await self._content.visible_documents(principal)
        if named_filter is not None:
            if named_filter not in _NAMED_FILTERS:
                raise InvalidData.for_parameter(
                    "named_filter", named_filter, f"use one of {', '.join(_NAMED_FILTERS)}"
                )
            if named_filter == "My Documents":
                rows = [row for row in rows if row["owner_id"] == principal.user_id]
            else:
                rows.sort(key=lambda row: row["created_at"], reverse=True)
        if sort:
            field, _, direction = sort.strip().partition(" ")
            direction = direction.strip().lower() or "asc"
            if field not in _SORT_FIELDS or direction not in ("asc", "desc"):
                raise InvalidData.for_parameter(
                    "sort", sort, f"use one of {', '.join(_SORT_FIELDS)}, then asc or desc"
                )
            column = _SORT_FIELDS[field]
            rows.sort(key=lambda row: (row[column], row["id"]), reverse=direction == "desc")
        page: list[DocumentVersion] = []
        for row in rows[offset : offset + limit]:
            page.append(await self.latest_visible(principal, int(row["id"])))
        return len(rows), page

    async def create_version(
        self, principal: Principal, document_id: int, upload: Upload | None
    ) -> DocumentVersion:
        latest = await self.latest_visible(principal, document_id)
        if not principal.is_admin:
            roles = await self._content.document_roles(document_id)
            if not can_edit_document(principal, roles):
                raise InsufficientAccess(
                    f"You need the owner or editor role on document [{document_id}] "
                    "to add a version."
                )
        if upload is None:
            raise ParameterRequired.named("file")
        version = await self._store_upload(upload)
        for _ in range(3):
            try:
                created = await self._content.add_version(
                    document_id,
                    major=latest.major,
                    minor=latest.minor + 1,
                    version=version,
                    now=self._clock(),
                    created_by=principal.user_id,
                )
                break
            except Exception:
                # Another version was added at the same moment; take the next number.
                latest = await self.latest_visible(principal, document_id)
        else:
            raise OperationNotAllowed(
                f"Document [{document_id}] is being changed by someone else; try again."
            )
        await self._audit.record(
            audit.CONTENT_CHANGE,
            "success",
            principal=principal,
            subject=f"document {document_id} version {created.version_label}",
            operation="create_version",
            sha256=version.sha256,
        )
        return created

    async def latest_visible(self, principal: Principal, document_id: int) -> DocumentVersion:
        version = None
        if await self._content.can_see_document(principal, document_id):
            version = await self._content.latest_version(document_id)
        if version is None:
            raise InvalidData(f"Document [{document_id}] does not exist")
        return version

    async def version(
        self, principal: Principal, document_id: int, major: int, minor: int
    ) -> DocumentVersion:
        found = await self._content.version_seen_by(principal, document_id, major, minor)
        if found is None or not found[1]:
            raise InvalidData(
                f"Version [{major}.{minor}] of document [{document_id}] does not exist"
            )
        return found[0]

    async def versions(self, principal: Principal, document_id: int) -> list[tuple[int, int]]:
        await self.latest_visible(principal, document_id)
        return await self._content.versions(document_id)

    async def roles(self, document_id: int) -> dict[str, dict[str, list[int]]]:
        return await self._content.document_roles(document_id)

    async def record_roles(self, record_id: str) -> dict[str, dict[str, list[int]]]:
        return await self._content.record_roles(record_id)

    def file_path(self, version: DocumentVersion) -> Path:
        if version.file_key is None:
            raise InvalidData(
                f"Document [{version.document.id}] version {version.version_label} has no file"
            )
        return self._files.path(version.file_key)

    # Object records

    def object(self, name: str) -> ObjectDefinition:
        definition = self.objects.get(name)
        if definition is None:
            raise InvalidData(f"Object [{name}] does not exist")
        return definition

    async def create_records(
        self, principal: Principal, object_name: str, rows: list[Any]
    ) -> list[ObjectRecord | InvalidData | ParameterRequired | AttributeNotSupported]:
        """Each row succeeds or fails on its own, as Vault's bulk create reports it."""
        definition = self.object(object_name)
        if not object_permission(principal, object_name).create:
            raise InsufficientAccess(
                f"You do not have permission to create [{object_name}] records"
            )
        results: list[ObjectRecord | InvalidData | ParameterRequired | AttributeNotSupported] = []
        for row in rows:
            try:
                results.append(await self._create_record(principal, definition, row))
            except (InvalidData, ParameterRequired, AttributeNotSupported) as exc:
                results.append(exc)
        return results

    async def _create_record(
        self, principal: Principal, definition: ObjectDefinition, row: Any
    ) -> ObjectRecord:
        if not isinstance(row, dict):
            raise InvalidData("Each record must be a JSON object of field values")
        name = row.get("name__v")
        if not isinstance(name, str) or not name.strip():
            raise ParameterRequired.named("name__v")
        object_type = row.get("object_type__v") or definition.object_types[0]
        if object_type not in definition.object_types:
            raise InvalidData.for_parameter(
                "object_type__v",
                object_type,
                f"types of {definition.name}: {', '.join(definition.object_types)}",
            )
        fields: dict[str, Any] = {"name__v": name.strip()}
        for key, value in row.items():
            if key in ("name__v", "object_type__v", "id"):
                continue
            field = definition.field(key)
            if field is None:
                if key in SYSTEM_FIELDS:
                    continue
                raise AttributeNotSupported(f"Field [{key}] is not a field of [{definition.name}]")
            fields[key] = _field_value(key, field.type, field.values, field.max_length, value)
        for field in definition.fields:
            if field.required and fields.get(field.name) in (None, ""):
                raise ParameterRequired.named(field.name)
        for _ in range(5):
            record_id = await self._next_record_id(definition)
            try:
                record = await self._content.add_record(
                    record_id=record_id,
                    object_name=definition.name,
                    object_type=str(object_type),
                    name=name.strip(),
                    owner_id=principal.user_id,
                    fields=fields,
                    now=self._clock(),
                )
                break
            except DuplicateRecordId:
                continue  # another create took the number at the same moment
        else:
            raise InvalidData("Could not allocate a record id; try again")
        await self._content.grant_record_role(record.id, "owner__v", user_id=principal.user_id)
        return record

    async def _next_record_id(self, definition: ObjectDefinition) -> str:
        last = await self._content.last_record_id(definition.name)
        number = int(last[3:]) + 1 if last and last[3:].isdigit() else 1
        return f"{definition.prefix}{number:012d}"

    async def record(self, principal: Principal, object_name: str, record_id: str) -> ObjectRecord:
        self.object(object_name)
        record = await self._content.record(object_name, record_id)
        if record is None or not await self._content.can_see_record(principal, record):
            raise InvalidData(f"Record [{record_id}] of [{object_name}] does not exist")
        return record

    async def records(
        self, principal: Principal, object_name: str, limit: int, offset: int
    ) -> list[ObjectRecord]:
        self.object(object_name)
        if not object_permission(principal, object_name).read:
            raise InsufficientAccess(f"You do not have permission to read [{object_name}] records")
        visible: list[ObjectRecord] = []
        page_offset = 0
        # Visibility is per record; read in pages until the requested window is filled.
        while len(visible) < offset + limit:
            page = await self._content.records(object_name, 500, page_offset)
            if not page:
                break
            for record in page:
                if await self._content.can_see_record(principal, record):
                    visible.append(record)
            page_offset += len(page)
        return visible[offset : offset + limit]


def _field_value(name: str, kind: str, values: tuple[str, ...], max_length: int, value: Any) -> Any:
    if value is None:
        return None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidData.for_parameter(name, value, "expected a number")
        try:
            number = float(value)
        except ValueError:
            raise InvalidData.for_parameter(name, value, "expected a number") from None
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise InvalidData.for_parameter(name, value, "expected true or false")
    text = str(value)
    if len(text) > max_length:
        raise InvalidData.for_parameter(name, text[:40] + "...", f"longer than {max_length}")
    if kind == "date":
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            raise InvalidData.for_parameter(name, text, "expected a date YYYY-MM-DD") from None
    if kind == "picklist" and text not in values:
        raise InvalidData.for_parameter(name, text, f"one of: {', '.join(values)}")
    return text
