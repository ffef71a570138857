"""Vault's document calls: create with a file, new versions, retrieve, versions, download."""

from __future__ import annotations

import json
from typing import Any

import pytest

from samples import docx_with, pdf_with_pages
from support import ADMIN, ALICE, BOB, App, AppFactory, run_sql

DOCS = "/api/v26.1/objects/documents"


async def upload(
    app: App,
    headers: dict[str, str],
    data: bytes,
    file_name: str = "note.txt",
    **fields: str,
) -> dict[str, object]:
    form = {"name__v": "Uploaded", "type__v": "promotional_piece__c", **fields}
    response = await app.client.post(
        DOCS,
        data=form,
        files={"file": (file_name, data, "application/octet-stream")},
        headers=headers,
    )
    body: dict[str, object] = response.json()
    return body


async def test_create_a_document_then_retrieve_it_and_download_its_file(app: App) -> None:
    headers = await app.login(ALICE)
    body = await upload(app, headers, b"Hello from a file.", title__v="Hi")
    assert body["responseStatus"] == "SUCCESS"
    document_id = body["id"]
    assert isinstance(document_id, int)
    doc = (await app.client.get(f"{DOCS}/{document_id}", headers=headers)).json()
    fields = doc["document"]
    assert fields["name__v"] == "Uploaded"
    assert fields["type__v"] == "promotional_piece__c"
    assert (fields["major_version_number__v"], fields["minor_version_number__v"]) == (0, 1)
    assert fields["filename__v"] == "note.txt"
    assert fields["format__v"] == "text/plain"
    assert fields["size__v"] == len(b"Hello from a file.")
    assert fields["title__v"] == "Hi"
    assert fields["owner__v"] == {"users": [app.seed.alice_id], "groups": []}
    assert [v["number"] for v in doc["versions"]] == ["0.1"]
    file = await app.client.get(f"{DOCS}/{document_id}/versions/0/1/file", headers=headers)
    assert file.status_code == 200
    assert file.content == b"Hello from a file."
    assert "note.txt" in file.headers["content-disposition"]
    latest = await app.client.get(f"{DOCS}/{document_id}/file", headers=headers)
    assert latest.content == b"Hello from a file."


async def test_a_new_version_gets_the_next_minor_number_and_becomes_latest(app: App) -> None:
    headers = await app.login(ALICE)
    document_id = (await upload(app, headers, b"first"))["id"]
    response = await app.client.post(
        f"{DOCS}/{document_id}",
        data={"createDraft": "uploadedContent"},
        files={"file": ("v2.txt", b"second", "text/plain")},
        headers=headers,
    )
    body = response.json()
    assert body["responseStatus"] == "SUCCESS", body
    assert (body["major_version_number__v"], body["minor_version_number__v"]) == (0, 2)
    versions = (await app.client.get(f"{DOCS}/{document_id}/versions", headers=headers)).json()
    assert [v["number"] for v in versions["versions"]] == ["0.1", "0.2"]
    assert versions["versions"][1]["value"].endswith(f"/documents/{document_id}/versions/0/2")
    old = (await app.client.get(f"{DOCS}/{document_id}/versions/0/1", headers=headers)).json()
    assert old["document"]["filename__v"] == "note.txt"
    latest = await app.client.get(f"{DOCS}/{document_id}/file", headers=headers)
    assert latest.content == b"second"


async def test_an_uploaded_document_can_be_proofread_on_its_exact_version(app: App) -> None:
    headers = await app.login(ALICE)
    document_id = (await upload(app, headers, b"We recieve many letters."))["id"]
    started = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="spelling_grammar__v",
        document_id=f"{document_id}_0_1",
    )
    done = await app.wait(headers, started["actionResponse"]["executionId"])
    report = json.loads(done["actionOutputs"][0]["value"].strip("`json\n"))
    assert [e["text"] for e in report["errors"]] == ["recieve"]


@pytest.mark.parametrize(
    ("file_name", "data", "expected"),
    [
        ("leaflet.pdf", pdf_with_pages("Take one tablet daily."), "Take one tablet daily."),
        ("leaflet.docx", docx_with("Dosing", "Take two tablets."), "Take two tablets."),
        ("page.html", b"<h1>Title</h1><p>Shake well.</p>", "Shake well."),
        ("notes.md", b"# Notes\n\nKeep *cold*.\n", "Keep cold."),
    ],
)
async def test_text_is_extracted_from_each_format(
    app: App, file_name: str, data: bytes, expected: str
) -> None:
    headers = await app.login(ALICE)
    document_id = (await upload(app, headers, data, file_name=file_name))["id"]
    version = await app.runtime.stores.content.latest_version(int(str(document_id)))
    assert version is not None
    assert expected in version.text


async def test_a_file_without_text_is_stored_and_the_action_says_why_it_fails(app: App) -> None:
    headers = await app.login(ALICE)
    document_id = (await upload(app, headers, b"\x89PNG\r\n\x1a\n", file_name="scan.png"))["id"]
    started = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="spelling_grammar__v",
        document_id=str(document_id),
    )
    done = await app.wait(headers, started["actionResponse"]["executionId"])
    assert done["actionStatus"] == "FAILURE"
    assert "no text" in done["errors"][0]["message"]


async def test_path_traversal_in_a_file_name_keeps_only_the_base_name(app: App) -> None:
    headers = await app.login(ALICE)
    body = await upload(app, headers, b"x", file_name="../../etc/passwd")
    doc = (await app.client.get(f"{DOCS}/{body['id']}", headers=headers)).json()
    assert doc["document"]["filename__v"] == "passwd"
    stored = list(app.runtime.files.root.rglob("*"))
    assert all(app.runtime.files.root in p.parents for p in stored)


async def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(max_file_bytes=1000)
    headers = await app.login(ALICE)
    body = await upload(app, headers, b"x" * 1001)
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"][0]["type"] == "EXCEEDS_FILE_MAX_SIZE"  # type: ignore[index]
    files = [p for p in app.runtime.files.root.rglob("*") if p.is_file()]
    assert files == []
    assert await app.runtime.stores.content.latest_version(app.seed.doc_empty + 1) is None


@pytest.mark.parametrize(
    ("fields", "missing"),
    [({"name__v": ""}, "name__v"), ({"type__v": ""}, "type__v")],
)
async def test_missing_document_fields_are_parameter_required(
    app: App, fields: dict[str, str], missing: str
) -> None:
    headers = await app.login(ALICE)
    body = await upload(app, headers, b"x", **fields)
    assert body["errors"][0]["type"] == "PARAMETER_REQUIRED"  # type: ignore[index]
    assert missing in body["errors"][0]["message"]  # type: ignore[index]


async def test_a_document_without_a_file_is_parameter_required(app: App) -> None:
    headers = await app.login(ALICE)
    response = await app.client.post(
        DOCS, data={"name__v": "x", "type__v": "promotional_piece__c"}, headers=headers
    )
    assert response.json()["errors"][0]["type"] == "PARAMETER_REQUIRED"


# Starlette leaves the spooled file of a truncated part to the garbage collector, which warns.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_malformed_multipart_body_is_invalid_data_and_stores_nothing(app: App) -> None:
    headers = await app.login(ALICE)
    response = await app.client.post(
        DOCS,
        content=b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',
        headers={**headers, "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert response.json()["errors"][0]["type"] in ("INVALID_DATA", "PARAMETER_REQUIRED")
    assert await app.runtime.stores.content.latest_version(app.seed.doc_empty + 1) is None


async def test_invisible_and_absent_documents_answer_alike(app: App) -> None:
    headers = await app.login(ALICE)
    for path in ("", "/versions", "/versions/0/1", "/versions/0/1/file", "/file"):
        hidden = (await app.client.get(f"{DOCS}/{app.seed.doc_b}{path}", headers=headers)).json()
        absent = (await app.client.get(f"{DOCS}/99999{path}", headers=headers)).json()
        assert hidden["errors"][0]["type"] == absent["errors"][0]["type"] == "INVALID_DATA"
        assert hidden["errors"][0]["message"].replace(str(app.seed.doc_b), "N") == absent["errors"][
            0
        ]["message"].replace("99999", "N")


async def test_only_owners_and_editors_add_versions(app: App) -> None:
    alice = await app.login(ALICE)
    response = await app.client.post(
        f"{DOCS}/{app.seed.doc_a}", files={"file": ("x.txt", b"x", "text/plain")}, headers=alice
    )
    assert response.json()["errors"][0]["type"] == "INSUFFICIENT_ACCESS"
    admin = await app.login(ADMIN)
    response = await app.client.post(
        f"{DOCS}/{app.seed.doc_a}", files={"file": ("x.txt", b"x", "text/plain")}, headers=admin
    )
    assert response.json()["minor_version_number__v"] == 3


async def test_a_group_role_makes_a_document_visible_to_the_group(app: App) -> None:
    bob = await app.login(BOB)
    path = f"{DOCS}/{app.seed.doc_b}"
    assert (await app.client.get(path, headers=bob)).json()["responseStatus"] == "FAILURE"
    group_id = await app.runtime.services.users.add_group_member(
        None, "reviewers__c", app.seed.bob_id
    )
    await app.runtime.stores.content.grant_document_role(
        app.seed.doc_b, "viewer__v", group_id=group_id
    )
    doc = (await app.client.get(path, headers=bob)).json()
    assert doc["responseStatus"] == "SUCCESS"
    assert doc["document"]["viewer__v"] == {"users": [], "groups": [group_id]}


async def test_an_action_does_not_read_a_document_its_caller_lost_access_to(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=0)
    headers = await app.login(BOB)
    admin = await app.login(ADMIN)
    group_id = await app.runtime.services.users.add_group_member(None, "temps__c", app.seed.bob_id)
    await app.runtime.stores.content.grant_document_role(
        app.seed.doc_b, "viewer__v", group_id=group_id
    )
    await app.runtime.services.users.assign_permission_set(None, app.seed.bob_id, "test_runner__c")
    started = await app.execute(
        headers, agent_name="test_agent__c", action_name="echo__c", document_id=str(app.seed.doc_b)
    )
    assert started["responseStatus"] == "SUCCESS", started
    # Access goes before a worker picks the execution up.
    await run_sql(app, f"DELETE FROM group_members WHERE group_id = {group_id}")
    await app.runtime.start_worker(concurrency=1)
    done = await app.wait(admin, started["actionResponse"]["executionId"])
    assert done["actionStatus"] == "FAILURE"
    assert "no longer have access" in done["errors"][0]["message"]


async def test_create_by_labels_as_vault_documents_them(app: App) -> None:
    headers = await app.login(ALICE)
    body = await upload(
        app,
        headers,
        b"A promotional text.",
        type__v="Promotional Piece",
        subtype__v="Sales Aid",
        classification__v="Print Ad",
        lifecycle__v="General Lifecycle",
    )
    assert body["responseStatus"] == "SUCCESS", body
    fields = (await app.client.get(f"{DOCS}/{body['id']}", headers=headers)).json()["document"]
    assert fields["type__v"] == "promotional_piece__c"
    assert fields["subtype__v"] == "sales_aid__c"
    assert fields["classification__v"] == "print_ad__c"
    assert fields["lifecycle__v"] == "general_lifecycle__c"
    base = await upload(app, headers, b"Plain.", type__v="Base Document")
    fields = (await app.client.get(f"{DOCS}/{base['id']}", headers=headers)).json()["document"]
    assert fields["type__v"] == "base_document__v"
    refused = await upload(app, headers, b"x", type__v="!!!")
    assert refused["errors"][0]["type"] == "INVALID_DATA"  # type: ignore[index]


async def test_retrieve_all_documents_lists_what_the_caller_sees(app: App) -> None:
    alice = await app.login(ALICE)
    mine = await upload(app, alice, b"Alice's own.", name__v="Zeta note")
    body = (await app.client.get(DOCS, headers=alice)).json()
    assert body["responseStatus"] == "SUCCESS", body
    ids = [d["document"]["id"] for d in body["documents"]]
    assert app.seed.doc_a in ids
    assert mine["id"] in ids
    assert app.seed.doc_b not in ids  # only the admin sees it
    assert body["responseDetails"]["total"] == len(ids)

    page = (await app.client.get(DOCS, params={"limit": 1, "start": 1}, headers=alice)).json()
    assert [d["document"]["id"] for d in page["documents"]] == ids[1:2]
    assert (page["size"], page["start"], page["limit"]) == (1, 1, 1)
    offset = (await app.client.get(DOCS, params={"limit": 1, "offset": 1}, headers=alice)).json()
    assert offset["documents"] == page["documents"]

    own = await app.client.get(DOCS, params={"named_filter": "My Documents"}, headers=alice)
    assert [d["document"]["id"] for d in own.json()["documents"]] == [mine["id"]]

    by_name = (await app.client.get(DOCS, params={"sort": "name__v desc"}, headers=alice)).json()
    names = [d["document"]["name__v"] for d in by_name["documents"]]
    assert names == sorted(names, reverse=True)

    for bad in ({"sort": "colour__c asc"}, {"named_filter": "Everything"}, {"limit": "0"}):
        failed = (await app.client.get(DOCS, params=bad, headers=alice)).json()
        assert failed["errors"][0]["type"] == "INVALID_DATA", bad

    admin = (await app.client.get(DOCS, headers=await app.login(ADMIN))).json()
    assert app.seed.doc_b in [d["document"]["id"] for d in admin["documents"]]


def _encrypted_pdf() -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_with_pages("Secret dosing text."))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("file_name", "make", "says"),
    [
        ("broken.pdf", lambda: pdf_with_pages("Fine text.")[:200], "damaged"),
        ("locked.pdf", _encrypted_pdf, "encrypted"),
        ("broken.docx", lambda: docx_with("Title", "Body")[:300], "damaged"),
        ("locked.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted"),
    ],
)
async def test_an_unreadable_pdf_or_docx_is_refused_saying_why(
    app: App, file_name: str, make: Any, says: str
) -> None:
    headers = await app.login(ALICE)
    body = await upload(app, headers, make(), file_name=file_name)
    assert body["responseStatus"] == "FAILURE", body
    error = body["errors"][0]  # type: ignore[index]
    assert error["type"] == "INVALID_DATA"
    assert says in error["message"]
    assert "again" in error["message"] or "copy" in error["message"]
