"""Documents and object records: list, search, upload, read, and the actions to run on them."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.datastructures import UploadFile
from starlette.responses import Response

from actionvault.actions.spelling_grammar import ALLOW_WORDS_FIELD, SPELLING_FIELD
from actionvault.console.web import PREFIX, Page, redirect
from actionvault.domain.agents import Scope
from actionvault.domain.permissions import can_execute, object_permission
from actionvault.errors import InvalidData, ParameterRequired
from actionvault.services.content import Upload

#: The console lists and searches this many of the documents a user sees.
MAX_LISTED = 1000
#: What the upload form offers; the server reads the text of each.
ACCEPTED = ".pdf,.docx,.txt,.md,.html,.htm"


def runnable_actions(
    page: Page, scope: Scope, document_type: str | None = None
) -> list[tuple[str, str]]:
    """(`agent:action`, label) of the actions the user may start here: what the run form
    offers. Execute checks the same rules again, so the form is only a convenience."""
    offered: list[tuple[str, str]] = []
    for agent in page.services.catalog.catalog:
        if not agent.active or agent.scope is not scope:
            continue
        if document_type is not None and not agent.accepts_document_type(document_type):
            continue
        for action in agent.actions:
            if action.active and can_execute(page.user, agent.name, action.name):
                offered.append((f"{agent.name}:{action.name}", f"{agent.label}: {action.label}"))
    return offered


async def list_documents(page: Page) -> Response:
    search = (page.request.query_params.get("q") or "").strip()
    total, versions = await page.services.content.list_documents(
        page.user, limit=MAX_LISTED, offset=0, sort="id desc"
    )
    if search:
        versions = [v for v in versions if search.lower() in v.document.name.lower()]
    return page.render(
        "documents.html", versions=versions, total=total, search=search, accepted=ACCEPTED
    )


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1 << 16):
        yield chunk


def _upload(page: Page) -> Upload:
    value = page.form.get("file") if page.form is not None else None
    if not isinstance(value, UploadFile) or not value.filename:
        raise ParameterRequired("Choose a file to upload.")
    return Upload(value.filename, value.content_type, _chunks(value))


async def upload_document(page: Page) -> Response:
    upload = _upload(page)
    name = page.field("name") or upload.file_name.rsplit(".", 1)[0]
    fields = {"name__v": name, "type__v": page.field("type") or "base_document__v"}
    # What Quick Check's spelling reads from the document ("allow_words__c",
    # "spelling_variant__c"), set here as a client sets them through the API.
    if allow_words := page.field("allow_words"):
        fields[ALLOW_WORDS_FIELD] = allow_words
    if spelling := page.field("spelling"):
        fields[SPELLING_FIELD] = spelling
    created = await page.services.content.create_document(page.user, fields, upload)
    return redirect(f"{PREFIX}/documents/{created.document.id}")


def _document_id(page: Page) -> int:
    raw = page.request.path_params["document_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidData(f"There is no document [{raw[:40]}].")
    return int(raw)


async def upload_version(page: Page) -> Response:
    document_id = _document_id(page)
    await page.services.content.create_version(page.user, document_id, _upload(page))
    return redirect(f"{PREFIX}/documents/{document_id}")


async def document_detail(page: Page) -> Response:
    document_id = _document_id(page)
    content = page.services.content
    version = await content.latest_visible(page.user, document_id)
    versions = await content.versions(page.user, document_id)
    return page.render(
        "document.html",
        version=version,
        versions=versions,
        actions=runnable_actions(page, Scope.DOCUMENT, version.document.type),
        accepted=ACCEPTED,
    )


async def list_records(page: Page) -> Response:
    content = page.services.content
    objects = []
    for definition in content.objects:
        if not object_permission(page.user, definition.name).read:
            continue
        records = await content.records(page.user, definition.name, 200, 0)
        objects.append((definition, records))
    return page.render("records.html", objects=objects)


async def record_detail(page: Page) -> Response:
    params = page.request.path_params
    record = await page.services.content.record(
        page.user, params["object_name"], params["record_id"]
    )
    return page.render("record.html", record=record, actions=runnable_actions(page, Scope.OBJECT))
