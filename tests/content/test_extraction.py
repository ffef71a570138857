"""Text, pages and headings from each supported format; unreadable files give empty text."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionvault.content.extraction import ExtractionRefused, extract_text, guess_mime_type
from samples import docx_with, pdf_with_pages


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_pdf_text_keeps_its_page_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "a.pdf", pdf_with_pages("Dosing is weekly.", "Store it cold."))
    text, segments = extract_text(path, "application/pdf")
    assert "Dosing is weekly." in text
    assert "Store it cold." in text
    second = text.index("Store it cold.")
    assert next(s.page for s in segments if s.start <= second < s.end) == 2


def test_docx_text_keeps_its_headings(tmp_path: Path) -> None:
    path = write(tmp_path, "a.docx", docx_with("Safety", "Tell your doctor about allergies."))
    text, segments = extract_text(path, guess_mime_type("a.docx"))
    offset = text.index("Tell your doctor")
    assert next(s.heading for s in segments if s.start <= offset < s.end) == "Safety"


def test_html_text_drops_markup_and_scripts_and_keeps_headings(tmp_path: Path) -> None:
    html = (
        b"<html><head><script>var x = 1;</script><style>p{}</style></head><body>"
        b"<h2>Dosing</h2><p>Take <b>one</b> tablet &amp; water.</p></body></html>"
    )
    text, segments = extract_text(write(tmp_path, "a.html", html), "text/html")
    assert "var x" not in text
    assert "Take one tablet & water." in text
    offset = text.index("Take one")
    assert next(s.heading for s in segments if s.start <= offset < s.end) == "Dosing"


def test_markdown_text_keeps_headings_without_markup(tmp_path: Path) -> None:
    source = b"# Cardiovex\n\nSome **bold** claim.\n\n## Storage\n\nKeep it cold.\n"
    text, segments = extract_text(write(tmp_path, "a.md", source), "text/markdown")
    assert "**" not in text
    assert "Some bold claim." in text
    offset = text.index("Keep it cold.")
    assert next(s.heading for s in segments if s.start <= offset < s.end) == "Storage"


def test_plain_text_with_form_feeds_has_pages(tmp_path: Path) -> None:
    text, segments = extract_text(write(tmp_path, "a.txt", b"one\fsecond page"), "text/plain")
    offset = text.index("second")
    assert next(s.page for s in segments if s.start <= offset < s.end) == 2


def test_binary_files_give_empty_text_and_a_damaged_pdf_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExtractionRefused, match="damaged"):
        extract_text(write(tmp_path, "a.pdf", b"%PDF-1.4 broken"), "application/pdf")
    assert extract_text(write(tmp_path, "a.bin", b"\x00\x01"), "application/octet-stream") == (
        "",
        (),
    )


def test_the_extension_decides_the_type_of_known_formats() -> None:
    assert guess_mime_type("x.PDF", "application/octet-stream") == "application/pdf"
    assert guess_mime_type("notes", "text/plain; charset=utf-8") == "text/plain"
    assert guess_mime_type("blob") == "application/octet-stream"
