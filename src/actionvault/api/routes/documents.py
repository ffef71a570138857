"""Vault's document calls, as a faithful subset: create, new version, retrieve, versions, file."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import FileResponse
from starlette.routing import Route

from actionvault.api.endpoints import DOWNLOAD_HEADERS, RequestContext, endpoint
from actionvault.api.forms import read_fields
from actionvault.api.params import MAX_OFFSET, path_id, whole_number
from actionvault.api.urls import public_base
from actionvault.domain.content import DocumentVersion
from actionvault.domain.permissions import can_edit_document
from actionvault.errors import InsufficientAccess

_DOCS = "/api/{version}/objects/documents"


def _int(context: RequestContext, name: str, what: str) -> int:
    return path_id(context.request.path_params[name], what)


async def _may_create_document(context: RequestContext) -> None:
    """Any user with API access may create a document (and becomes its owner)."""


async def _may_add_version(context: RequestContext) -> None:
    """Checked before the file is read: only who may edit the document sends one."""
    document_id = _int(context, "document_id", "Document")
    content = context.services.content
    await content.latest_visible(context.user, document_id)
    if not can_edit_document(context.user, await content.roles(document_id)):
        raise InsufficientAccess(
            f"You need the owner or editor role on document [{document_id}] to add a version."
        )


def _version_url(context: RequestContext, document_id: int, major: int, minor: int) -> str:
    base = public_base(context.request, context.runtime.settings)
    return f"{base}/api/{context.version}/objects/documents/{document_id}/versions/{major}/{minor}"


async def document_fields(context: RequestContext, version: DocumentVersion) -> dict[str, Any]:
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
    fields.update(await context.services.content.roles(document.id))
    return fields


def _iso(moment: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


async def create_document(context: RequestContext) -> dict[str, Any]:
    async with read_fields(context.request) as (fields, upload):
        created = await context.services.content.create_document(context.user, fields, upload)
    return {"responseMessage": "successfully created document", "id": created.document.id}


async def list_documents(context: RequestContext) -> dict[str, Any]:
    """Vault's Retrieve All Documents, for the documents the caller may see."""
    query = context.request.query_params
    limit = whole_number(query, "limit", 200, minimum=1, maximum=1000)
    start_name = "start" if "start" in query else "offset"  # Vault's name, and ours
    offset = whole_number(query, start_name, 0, maximum=MAX_OFFSET)
    total, page = await context.services.content.list_documents(
        context.user,
        limit=limit,
        offset=offset,
        named_filter=query.get("named_filter"),
        sort=query.get("sort"),
    )
    return {
        "size": len(page),
        "start": offset,
        "limit": limit,
        "responseDetails": {"total": total, "size": len(page), "offset": offset, "limit": limit},
        "documents": [{"document": await document_fields(context, v)} for v in page],
    }


async def create_version(context: RequestContext) -> dict[str, Any]:
    document_id = _int(context, "document_id", "Document")
    async with read_fields(context.request) as (_, upload):
        created = await context.services.content.create_version(context.user, document_id, upload)
    return {
        "responseMessage": "New draft successfully created",
        "major_version_number__v": created.major,
        "minor_version_number__v": created.minor,
    }


async def retrieve_document(context: RequestContext) -> dict[str, Any]:
    document_id = _int(context, "document_id", "Document")
    content = context.services.content
    latest = await content.latest_visible(context.user, document_id)
    versions = await content.versions(context.user, document_id)
    return {
        "document": await document_fields(context, latest),
        "versions": [
            {"number": f"{a}.{b}", "value": _version_url(context, document_id, a, b)}
            for a, b in versions
        ],
    }


async def list_versions(context: RequestContext) -> dict[str, Any]:
    document_id = _int(context, "document_id", "Document")
    versions = await context.services.content.versions(context.user, document_id)
    return {
        "versions": [
            {"number": f"{a}.{b}", "value": _version_url(context, document_id, a, b)}
            for a, b in versions
        ]
    }


async def _version(context: RequestContext) -> DocumentVersion:
    document_id = _int(context, "document_id", "Document")
    major = _int(context, "major", "Version")
    minor = _int(context, "minor", "Version")
    return await context.services.content.version(context.user, document_id, major, minor)


async def retrieve_version(context: RequestContext) -> dict[str, Any]:
    return {"document": await document_fields(context, await _version(context))}


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


def _download(context: RequestContext, version: DocumentVersion) -> FileResponse:
    path = context.services.content.file_path(version)
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


async def download_version_file(context: RequestContext) -> FileResponse:
    return _download(context, await _version(context))


async def download_latest_file(context: RequestContext) -> FileResponse:
    document_id = _int(context, "document_id", "Document")
    return _download(
        context, await context.services.content.latest_visible(context.user, document_id)
    )


_VERSION = f"{_DOCS}/{{document_id}}/versions/{{major}}/{{minor}}"
ROUTES = [
    Route(
        _DOCS, endpoint(create_document, ai=False, upload=_may_create_document), methods=["POST"]
    ),
    Route(_DOCS, endpoint(list_documents, ai=False), methods=["GET"]),
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
