"""Vault's document calls, as a faithful subset: create, new version, retrieve, versions, file."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import FileResponse
from starlette.routing import Route

from actionvault.api.endpoints import DOWNLOAD_HEADERS, Call, endpoint
from actionvault.api.forms import read_fields
from actionvault.api.params import path_id
from actionvault.domain.content import DocumentVersion
from actionvault.domain.permissions import can_edit_document
from actionvault.errors import InsufficientAccess

_DOCS = "/api/{version}/objects/documents"


def _int(call: Call, name: str, what: str) -> int:
    return path_id(call.request.path_params[name], what)


async def _may_create_document(call: Call) -> None:
    """Any user with API access may create a document (and becomes its owner)."""


async def _may_add_version(call: Call) -> None:
    """Checked before the file is read: only who may edit the document sends one."""
    document_id = _int(call, "document_id", "Document")
    content = call.runtime.content
    await content.latest_visible(call.user, document_id)
    if not can_edit_document(call.user, await content.roles(document_id)):
        raise InsufficientAccess(
            f"You need the owner or editor role on document [{document_id}] to add a version."
        )


def _version_url(call: Call, document_id: int, major: int, minor: int) -> str:
    base = str(call.request.base_url).rstrip("/")
    return f"{base}/api/{call.version}/objects/documents/{document_id}/versions/{major}/{minor}"


async def document_fields(call: Call, version: DocumentVersion) -> dict[str, Any]:
    document = version.document
    fields: dict[str, Any] = {
        "id": document.id,
        "name__v": document.name,
        "type__v": document.type,
        "lifecycle__v": document.lifecycle,
        "status__v": document.status,
        "major_version_number__v": version.major,
        "minor_version_number__v": version.minor,
        "filename__v": version.file_name,
        "format__v": version.mime_type,
        "size__v": version.file_size,
        "sha256__sys": version.sha256,
        "created_by__v": document.owner_id,
        "document_creation_date__v": _iso(document.created_at),
        "version_created_by__v": version.created_by,
        "version_creation_date__v": _iso(version.created_at),
        "has_text__sys": bool(version.text.strip()),
        **document.fields,
    }
    fields.update(await call.runtime.content.roles(document.id))
    return fields


def _iso(moment: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


async def create_document(call: Call) -> dict[str, Any]:
    async with read_fields(call.request) as (fields, upload):
        created = await call.runtime.content.create_document(call.user, fields, upload)
    return {"responseMessage": "successfully created document", "id": created.document.id}


async def create_version(call: Call) -> dict[str, Any]:
    document_id = _int(call, "document_id", "Document")
    async with read_fields(call.request) as (_, upload):
        created = await call.runtime.content.create_version(call.user, document_id, upload)
    return {
        "responseMessage": "New draft successfully created",
        "major_version_number__v": created.major,
        "minor_version_number__v": created.minor,
    }


async def retrieve_document(call: Call) -> dict[str, Any]:
    document_id = _int(call, "document_id", "Document")
    content = call.runtime.content
    latest = await content.latest_visible(call.user, document_id)
    versions = await content.versions(call.user, document_id)
    return {
        "document": await document_fields(call, latest),
        "versions": [
            {"number": f"{a}.{b}", "value": _version_url(call, document_id, a, b)}
            for a, b in versions
        ],
    }


async def list_versions(call: Call) -> dict[str, Any]:
    document_id = _int(call, "document_id", "Document")
    versions = await call.runtime.content.versions(call.user, document_id)
    return {
        "versions": [
            {"number": f"{a}.{b}", "value": _version_url(call, document_id, a, b)}
            for a, b in versions
        ]
    }


async def _version(call: Call) -> DocumentVersion:
    document_id = _int(call, "document_id", "Document")
    major = _int(call, "major", "Version")
    minor = _int(call, "minor", "Version")
    return await call.runtime.content.version(call.user, document_id, major, minor)


async def retrieve_version(call: Call) -> dict[str, Any]:
    return {"document": await document_fields(call, await _version(call))}


#: Types a browser shows without running anything in them. Any other file (HTML, SVG, XML,
#: script, or a type a client declared) is served as bytes, so that an uploaded page can never
#: run in the server's origin.
_INERT_TYPES = frozenset(
    {
        "text/plain",
        "text/markdown",
        "text/csv",
        "application/pdf",
        "application/json",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
        "image/jpeg",
        "image/gif",
    }
)


def download_type(mime_type: str) -> str:
    return mime_type if mime_type in _INERT_TYPES else "application/octet-stream"


def _download(call: Call, version: DocumentVersion) -> FileResponse:
    path = call.runtime.content.file_path(version)
    name = version.file_name
    return FileResponse(
        path,
        media_type=download_type(version.mime_type),
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-VaultAPI-Status": "SUCCESS",
            **DOWNLOAD_HEADERS,
        },
    )


async def download_version_file(call: Call) -> FileResponse:
    return _download(call, await _version(call))


async def download_latest_file(call: Call) -> FileResponse:
    document_id = _int(call, "document_id", "Document")
    return _download(call, await call.runtime.content.latest_visible(call.user, document_id))


_VERSION = f"{_DOCS}/{{document_id}}/versions/{{major}}/{{minor}}"
ROUTES = [
    Route(
        _DOCS, endpoint(create_document, ai=False, upload=_may_create_document), methods=["POST"]
    ),
    Route(f"{_DOCS}/{{document_id}}", endpoint(retrieve_document, ai=False), methods=["GET"]),
    Route(
        f"{_DOCS}/{{document_id}}",
        endpoint(create_version, ai=False, upload=_may_add_version),
        methods=["POST"],
    ),
    Route(
        f"{_DOCS}/{{document_id}}/file", endpoint(download_latest_file, ai=False), methods=["GET"]
    ),
    Route(f"{_DOCS}/{{document_id}}/versions", endpoint(list_versions, ai=False), methods=["GET"]),
    Route(_VERSION, endpoint(retrieve_version, ai=False), methods=["GET"]),
    Route(f"{_VERSION}/file", endpoint(download_version_file, ai=False), methods=["GET"]),
]
