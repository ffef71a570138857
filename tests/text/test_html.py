"""Reading documents that may be HTML: masking markup in place, anchors and headings."""

from __future__ import annotations

import pytest

from actionvault.actions.context import ActionContext, require_document_text
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.errors import ActionFailed
from actionvault.text.html import (
    clean_text,
    has_markup,
    html_anchors,
    html_headings,
    looks_like_html,
    mask_markup,
)


def context_for(text: str | None, mime_type: str = "text/plain") -> ActionContext:
    action = Action("privacy__v", "Privacy", "", "builtin.privacy_link")
    agent = Agent("quick_check__v", "Quick Check", "", "", "standard", True, "ADVANCED",
                  Scope.DOCUMENT, actions=(action,))  # fmt: skip
    execution = Execution(1, 1, agent.name, action.name, Target(3, 1, 0),
                          ExecutionState.RUNNING, 0.0)  # fmt: skip
    if text is None:
        return ActionContext(execution, agent, action)
    document = Document(3, "Page", "web_page__c", "draft__c", "draft", 1, 0.0)
    version = DocumentVersion(document, 1, 0, "page", mime_type, text, 0.0)
    return ActionContext(execution, agent, action, document=version)


@pytest.mark.parametrize(
    ("text", "mime_type", "expected"),
    [
        ("plain words", "text/html", True),
        ("plain words", "text/html; charset=utf-8", True),
        ("<!DOCTYPE html><p>x</p>", "text/plain", True),
        ("<!-- saved --> <html><body>x</body></html>", "text/plain", True),
        ("<p>a</p><p>b</p><img src=x>", "text/plain", True),
        ("Dose <5 mg if eGFR <30 and a <b> tag once.", "text/plain", False),
        ("Plain text about Cardiovex.", "text/plain", False),
    ],
)
def test_html_is_recognised_by_type_or_by_content(
    text: str, mime_type: str, expected: bool
) -> None:
    assert looks_like_html(text, mime_type) is expected


@pytest.mark.parametrize(
    ("text", "expected"), [("<p>x</p>", True), ("<br/>", True), ("a < b and c > d", False)]
)
def test_markup_is_any_tag(text: str, expected: bool) -> None:
    assert has_markup(text) is expected


def test_masking_keeps_every_visible_character_at_its_offset() -> None:
    html = '<p class="x">Hello <b>world</b></p><script>var a = "<p>";</script><!-- c -->Bye'

    masked = mask_markup(html)

    assert len(masked) == len(html)
    assert masked.index("Hello") == html.index("Hello")
    assert masked.index("world") == html.index("world")
    assert "var" not in masked
    assert " c " not in masked
    assert masked.split() == ["Hello", "world", "Bye"]


def test_block_tags_become_paragraph_breaks_and_inline_tags_spaces() -> None:
    masked = mask_markup("<p>One.</p><p>Two <em>three</em>.</p>")
    assert "One.\n\n" in masked
    assert "\n" not in masked[masked.index("Two") :].rstrip()


def test_clean_text_decodes_entities_and_collapses_whitespace() -> None:
    assert clean_text("  Terms &amp;\n conditions ") == "Terms & conditions"


def test_anchors_have_their_url_text_offset_and_label_and_images_lend_their_alt() -> None:
    html = (
        '<p>Read our <a href="/privacy">privacy\n policy</a>.</p>'
        '<a href="/x" aria-label="Close"><img src="x.png" alt="X"></a>'
    )

    first, second = html_anchors(html)

    assert (first.url, first.text, first.offset) == ("/privacy", "privacy policy", 12)
    assert html[first.end - 4 : first.end] == "</a>"
    assert (second.text, second.label) == ("X", "Close")


def test_an_anchor_never_closed_runs_to_the_end() -> None:
    (anchor,) = html_anchors('<p><a href="/u">Unsubscribe')
    assert (anchor.text, anchor.end) == ("Unsubscribe", len('<p><a href="/u">Unsubscribe'))


def test_headings_are_found_at_their_first_visible_character() -> None:
    html = "<h1>  Title</h1><p>x</p><h3><span>Dosing</span> &amp; use</h3><h2></h2>"

    headings = html_headings(html)

    assert [(h.level, h.text) for h in headings] == [(1, "Title"), (3, "Dosing & use")]
    assert headings[0].offset == html.index("Title")
    assert headings[1].offset == html.index("Dosing")


def test_the_text_of_a_plain_document_is_read_as_is() -> None:
    document = require_document_text(context_for("Hello."), "Test")
    assert (document.raw, document.visible, document.is_html) == ("Hello.", "Hello.", False)


def test_the_text_of_an_html_document_is_masked() -> None:
    document = require_document_text(context_for("<p>Hi</p>", "text/html"), "Test")
    assert document.is_html
    assert document.visible.split() == ["Hi"]


@pytest.mark.parametrize(
    ("text", "mime_type", "message"),
    [
        (None, "text/plain", "Test runs on a document; none was given."),
        ("", "text/plain", "Document 3 version 1.0 has no text for Test"),
        ("<p> </p><img src=x>", "text/html", "has markup but no visible text"),
    ],
)
def test_a_document_with_nothing_to_read_fails_with_a_clear_message(
    text: str | None, mime_type: str, message: str
) -> None:
    with pytest.raises(ActionFailed) as caught:
        require_document_text(context_for(text, mime_type), "Test")
    assert message in caught.value.message
