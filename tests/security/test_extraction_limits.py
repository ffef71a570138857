"""Uploaded files are read within limits: archive bombs, huge PDFs and slow files are refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from actionvault.content.extraction import ExtractionLimits, ExtractionRefused, extract_text
from samples import docx_with, pdf_with_pages
from support import ADMIN, AppFactory

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _bomb(unpacked_mb: int) -> bytes:
    """A .docx whose document part unpacks to `unpacked_mb` MB of spaces: a few KB packed."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(unpacked_mb):
            part.write(b" " * 2**20)
    return buffer.getvalue()


def _many_parts(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(count):
            archive.writestr(f"word/media/part{number}.xml", "<x/>")
    return buffer.getvalue()


def test_a_docx_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(_bomb(120))
    assert path.stat().st_size < 1_000_000

    with pytest.raises(ExtractionRefused, match="unpacks to 120 MB; this server reads at most 100"):
        extract_text(path, DOCX)


def test_a_docx_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "parts.docx"
    path.write_bytes(_many_parts(30))

    with pytest.raises(ExtractionRefused, match="holds 30 parts; this server reads at most 20"):
        extract_text(path, DOCX, ExtractionLimits(max_archive_parts=20))


def test_a_pdf_with_more_pages_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf_with_pages("one", "two", "three"))

    with pytest.raises(ExtractionRefused, match="has 3 pages; this server reads at most 2"):
        extract_text(path, "application/pdf", ExtractionLimits(max_pdf_pages=2))


def test_text_past_the_character_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"a" * 101)

    with pytest.raises(ExtractionRefused, match="101 characters of text"):
        extract_text(path, "text/plain", ExtractionLimits(max_text_chars=100))


def test_files_within_the_limits_are_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "fine.docx"
    path.write_bytes(docx_with("Dosing", "Take one tablet."))
    text, _ = extract_text(path, DOCX, ExtractionLimits(max_archive_parts=50))
    assert "Take one tablet." in text


async def test_an_upload_over_a_limit_answers_invalid_data_saying_which_limit(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=0)
    headers = await app.login(ADMIN)
    response = await app.client.post(
        "/api/v26.1/objects/documents",
        headers=headers,
        data={"name__v": "bomb", "type__v": "promotional_piece__c"},
        files={"file": ("bomb.docx", _bomb(120), "application/octet-stream")},
    )
    body = response.json()
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"][0]["type"] == "INVALID_DATA"
    assert "unpacks to 120 MB" in body["errors"][0]["message"]
    assert "Split it into smaller documents" in body["errors"][0]["message"]


async def test_an_upload_whose_reading_outlasts_the_extraction_timeout_is_refused(
    app_factory: AppFactory,
) -> None:
    # Forty thousand nested elements take the HTML reader far longer than 0.01 s.
    nested = b"<div>" * 40_000 + b"text" + b"</div>" * 40_000
    app = await app_factory(workers=0, extraction_timeout=0.01)
    headers = await app.login(ADMIN)
    response = await app.client.post(
        "/api/v26.1/objects/documents",
        headers=headers,
        data={"name__v": "slow", "type__v": "promotional_piece__c"},
        files={"file": ("slow.html", nested * 20, "text/html")},
    )
    body = response.json()
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"][0]["type"] == "INVALID_DATA"
    assert "longer than 0.01 s and was stopped" in body["errors"][0]["message"]


async def test_the_extraction_limits_are_settings(app_factory: AppFactory) -> None:
    app = await app_factory(workers=0, extraction_max_pdf_pages=1)
    headers = await app.login(ADMIN)
    response = await app.client.post(
        "/api/v26.1/objects/documents",
        headers=headers,
        data={"name__v": "two pages", "type__v": "promotional_piece__c"},
        files={"file": ("two.pdf", pdf_with_pages("one", "two"), "application/pdf")},
    )
    body = response.json()
    assert body["responseStatus"] == "FAILURE"
    assert "has 2 pages; this server reads at most 1" in body["errors"][0]["message"]
