"""Where things are in a document: sentences, headings and pages."""

from __future__ import annotations

import pytest

from actionvault.domain.content import Document, DocumentVersion, Segment
from actionvault.text.outline import (
    PageMap,
    find_headings,
    outline_of,
    sentences_of,
    text_headings,
)
from actionvault.text.passages import split_passages

BROCHURE = (
    "Understanding Your Treatment with Cardiovex\n\n"
    "Your doctor has prescribed Cardiovex to help lower your LDL cholesterol, often called bad "
    "cholesterol.\n\n"
    "How do I use Cardiovex?\n"
    "Cardiovex is given as an injection under the skin once every two weeks. You can inject it "
    "yourself at home.\n\n"
    "Possible side effects\n"
    "The most common side effects are redness where the injection was given, back pain and "
    "flu-like symptoms.\n\n"
    "Storing your pens\n"
    "Keep the pens in the refrigerator at 2°C to 8°C in the original carton. Do not freeze them.\n"
)


# --- headings and pages ---------------------------------------------------------------------


def test_standalone_lines_above_prose_are_headings() -> None:
    assert [h.title for h in text_headings(BROCHURE)] == [
        "Understanding Your Treatment with Cardiovex",
        "How do I use Cardiovex?",
        "Possible side effects",
        "Storing your pens",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Dear Dr. Patel,\nThank you for your interest in Glucorin tablets and their use.",
        "Subject: New data\n\nDear Dr. Patel,\n\nThank you for asking about Glucorin tablets.",
        "Kind regards,\nMedical Affairs Team\nHalverin Biosciences",
        "The dose is 10 mg.\nIt is taken once a day with or without food, as you like.",
        "Medical Affairs Team\nHalverin Biosciences",
    ],
)
def test_salutations_signatures_and_prose_lines_are_not_headings(text: str) -> None:
    assert text_headings(text) == []


def test_markdown_and_html_headings_are_found_with_their_levels() -> None:
    markdown = "# Title\n\nText here.\n\n## Dosing ##\nTake one."
    assert [(h.title, h.level) for h in text_headings(markdown)] == [("Title", 1), ("Dosing", 2)]
    html = "<h1>Title</h1><p>x</p><h3>Dosing</h3>"
    assert [(h.title, h.level) for h in find_headings(html, is_html=True)] == [
        ("Title", 1),
        ("Dosing", 3),
    ]


def test_form_feeds_number_the_pages() -> None:
    text = "one\fpage two\fpage three"
    pages = PageMap.from_text(text)
    assert [pages.page_at(text.index(w)) for w in ("one", "two", "three")] == [1, 2, 3]


def test_page_markers_at_the_top_open_their_page() -> None:
    text = "Page 1\nIntro text.\nPage 2\nDosing text.\n"
    pages = PageMap.from_text(text)
    assert [pages.page_at(text.index(w)) for w in ("Intro", "Dosing")] == [1, 2]


def test_page_markers_at_the_bottom_close_their_page() -> None:
    text = "Intro text.\n- Page 1 of 2 -\nDosing text.\nPage 2 of 2\n"
    pages = PageMap.from_text(text)
    assert [pages.page_at(text.index(w)) for w in ("Intro", "Dosing")] == [1, 2]


def test_a_text_without_page_markers_has_no_pages() -> None:
    assert not PageMap.from_text("Just text about page layouts.")
    assert PageMap.from_text("Just text.").page_at(3) is None


def version_with(text: str, segments: tuple[Segment, ...]) -> DocumentVersion:
    document = Document(1, "Label", "label__c", "draft__c", "draft", 1, 0.0)
    return DocumentVersion(document, 0, 1, "label.pdf", "application/pdf", text, 0.0, segments)


def test_pages_and_headings_recorded_by_extraction_are_preferred() -> None:
    text = "Dosing\nTake one tablet.\nStorage\nKeep it dry.\nMore about storage.\n"
    segments = (
        Segment(0, 24, page=1, heading="Dosing"),
        Segment(24, 44, page=2, heading="Storage"),
        Segment(44, len(text), page=3, heading="Storage"),
    )

    headings, pages = outline_of(version_with(text, segments), is_html=False)
    passages = split_passages(text, text, headings, pages)

    assert [(h.title, h.offset, h.in_text) for h in headings] == [
        ("Dosing", 0, True),
        ("Storage", 24, True),
    ]
    assert [(p.text, p.label) for p in passages] == [
        ("Take one tablet.", "Section: Dosing, page 1"),
        ("Keep it dry. More about storage.", "Section: Storage, page 2"),
    ]
    assert pages.page_at(text.index("More")) == 3


def test_a_recorded_heading_missing_from_the_text_labels_without_removing_a_line() -> None:
    text = "Take one tablet.\n"
    headings, _ = outline_of(
        version_with(text, (Segment(0, len(text), heading="Dosing"),)), is_html=False
    )
    assert [(h.title, h.in_text) for h in headings] == [("Dosing", False)]
    assert [p.label for p in split_passages(text, text, headings)] == ["Section: Dosing"]


def test_without_recorded_structure_the_text_is_read_for_it() -> None:
    text = "one\fpage two"
    headings, pages = outline_of(version_with(text, (Segment(0, len(text)),)), is_html=False)
    assert (headings, pages.page_at(text.index("two"))) == ([], 2)


# --- sentences ----------------------------------------------------------------------------


def test_sentences_are_split_block_by_block_with_offsets_into_the_text() -> None:
    text = "First one. Second one.\n\n\n\nThird one."
    assert [text[s.start : s.end] for s in sentences_of(text)] == [
        "First one.", "Second one.", "Third one.",
    ]  # fmt: skip
