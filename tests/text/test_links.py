"""Links in any form, each with the words around it."""

from __future__ import annotations

import pytest

from actionvault.domain.content import Document, DocumentVersion
from actionvault.text.html import DocumentText, looks_like_html, mask_markup
from actionvault.text.links import find_links, location_of


def document(text: str, mime_type: str = "text/plain") -> DocumentText:
    html = looks_like_html(text, mime_type)
    meta = Document(1, "Doc", "email__c", "draft__c", "draft", 1, 0.0)
    version = DocumentVersion(meta, 0, 1, "doc", mime_type, text, 0.0)
    return DocumentText(version, text, mask_markup(text) if html else text, html)


def test_plain_urls_markdown_links_and_email_addresses_are_found_once_each() -> None:
    text = (
        "Visit www.cardiovex.com/pi or [our notice](https://x.com/legal/notice).\n"
        "Write to medinfo@halverinbio.com or see halverinbio.com/contact."
    )

    links = find_links(document(text))

    assert [(link.kind, link.text, link.url) for link in links] == [
        ("url", "www.cardiovex.com/pi", "https://www.cardiovex.com/pi"),
        ("markdown", "our notice", "https://x.com/legal/notice"),
        ("email", "medinfo@halverinbio.com", "mailto:medinfo@halverinbio.com"),
        ("url", "halverinbio.com/contact", "halverinbio.com/contact"),
    ]
    assert links[0].offset == text.index("www.")


def test_sentence_punctuation_after_a_url_is_not_part_of_it() -> None:
    (link,) = find_links(document("See https://x.com/privacy."))
    assert link.url == "https://x.com/privacy"


def test_an_html_anchor_is_found_once_even_when_its_text_is_a_url() -> None:
    html = '<p>Go to <a href="https://x.com/a">https://x.com/a</a> or https://x.com/b</p>'

    links = find_links(document(html, "text/html"))

    assert [(link.kind, link.url) for link in links] == [
        ("html", "https://x.com/a"),
        ("url", "https://x.com/b"),
    ]


def test_the_context_of_a_link_is_its_clause_on_both_sides() -> None:
    html = "<p>Thanks. To unsubscribe, <a href='/u'>click here</a> today. Bye.</p>"

    (link,) = find_links(document(html, "text/html"))

    assert link.context == "To unsubscribe, today."


def test_the_context_never_reaches_into_a_neighbouring_link() -> None:
    text = "Privacy Policy: https://a.com/legal | Terms: https://a.com/terms"

    first, second = find_links(document(text))

    assert "Privacy" in first.context
    assert "Privacy" not in second.context


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(0, "header"), (14, "header"), (15, "body"), (84, "body"), (85, "footer")],
)
def test_header_and_footer_are_the_first_and_last_fifteen_percent(
    offset: int, expected: str
) -> None:
    assert location_of(offset, 100) == expected
