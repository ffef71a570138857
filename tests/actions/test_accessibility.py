"""quick_check__v / accessibility__v: WCAG checks a parser can decide on HTML content."""

from __future__ import annotations

import json
from typing import Any

import pytest

from actionvault.actions.accessibility import (
    check_accessibility,
    check_accessibility_of_document,
)
from actionvault.actions.context import ActionContext
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.errors import ActionFailed


def issues(html: str) -> list[tuple[str, int]]:
    return [(i["rule"], i["line"]) for i in check_accessibility(html)["issues"]]


def rules(html: str) -> list[str]:
    return [i["rule"] for i in check_accessibility(html)["issues"]]


def context_for(text: str, mime_type: str, file_name: str = "page.html") -> ActionContext:
    document = Document(9, "Web page", "web_page__c", "draft__c", "draft", 1, 0.0)
    version = DocumentVersion(document, 0, 1, file_name, mime_type, text, 0.0)
    action = Action("accessibility__v", "Accessibility", "", "builtin.accessibility")
    agent = Agent("quick_check__v", "Quick Check", "", "", "standard", True, "ADVANCED",
                  Scope.DOCUMENT, actions=(action,))  # fmt: skip
    execution = Execution(1, 1, agent.name, action.name, Target(9, 0, 1),
                          ExecutionState.RUNNING, 0.0)  # fmt: skip
    return ActionContext(execution, agent, action, document=version)


# --- images ---------------------------------------------------------------------------------


def test_an_image_without_alt_is_an_error_on_its_line() -> None:
    assert issues('<h1>T</h1>\n<p>x</p>\n<img src="a.png">') == [("img-alt-missing", 3)]


def test_an_empty_alt_is_an_error_unless_the_image_is_marked_decorative() -> None:
    html = (
        '<h1>T</h1><img src="a.png" alt="">'
        '<img src="b.png" alt="" role="presentation">'
        '<img src="c.png" alt=" " aria-hidden="true">'
    )
    assert rules(html) == ["img-alt-empty", "img-decorative", "img-decorative"]


def test_a_decorative_image_is_information_not_an_error() -> None:
    result = check_accessibility('<h1>T</h1><img src="b.png" alt="" role="none">')
    assert result["issues"][0]["severity"] == "info"
    assert (result["summary"]["errors"], result["summary"]["info"]) == (0, 1)


def test_an_image_with_alt_text_passes() -> None:
    assert rules('<h1>T</h1><img src="a.png" alt="Chart of LDL over 24 weeks">') == []


# --- headings -------------------------------------------------------------------------------


def test_a_skipped_heading_level_is_reported_at_the_deeper_heading() -> None:
    assert issues("<h1>A</h1>\n<h2>B</h2>\n<h4>C</h4>\n<h2>D</h2>\n<h3>E</h3>") == [
        ("heading-skipped-level", 3)
    ]


def test_more_than_one_h1_is_reported_at_each_extra_one() -> None:
    assert issues("<h1>A</h1>\n<h1>B</h1>\n<h1>C</h1>") == [
        ("heading-multiple-h1", 2),
        ("heading-multiple-h1", 3),
    ]


def test_headings_without_an_h1_are_reported_once_at_the_first_heading() -> None:
    assert issues("<p>x</p>\n<h2>A</h2>\n<h3>B</h3>") == [("heading-no-h1", 2)]


def test_a_document_without_headings_has_no_heading_issue() -> None:
    assert rules("<p>Just a paragraph.</p>") == []


def test_an_empty_heading_is_reported() -> None:
    assert rules("<h1>A</h1><h2> </h2>") == ["heading-empty"]


# --- links ----------------------------------------------------------------------------------


def test_a_link_without_a_name_is_reported() -> None:
    assert issues('<h1>A</h1>\n<a href="/x"></a>\n<a href="/y"><img src="i.png" alt=""></a>') == [
        ("link-no-text", 2),
        ("img-alt-empty", 3),
        ("link-no-text", 3),
    ]


@pytest.mark.parametrize(
    "link",
    [
        '<a href="/x">Home</a>',
        '<a href="/x" aria-label="Close"></a>',
        '<a href="/x" title="Close"></a>',
        '<a href="/x"><img src="i.png" alt="Home"></a>',
        '<a name="top"></a>',
    ],
)
def test_a_link_named_by_text_label_title_or_image_alt_passes(link: str) -> None:
    assert rules(f"<h1>A</h1>{link}") == []


# --- contrast -------------------------------------------------------------------------------


def test_low_contrast_text_is_reported_with_its_ratio_at_the_declaring_element() -> None:
    result = check_accessibility('<h1>A</h1>\n<p style="color:#999999">Grey on white</p>')

    (issue,) = result["issues"]

    assert (issue["rule"], issue["line"]) == ("low-contrast", 2)
    assert issue["element"] == '<p style="color:#999999">'
    assert "2.85:1" in issue["message"]
    assert "4.5:1" in issue["message"]


def test_a_foreground_alone_is_judged_on_white_and_a_background_is_inherited() -> None:
    html = (
        '<h1>A</h1>\n<p style="color:#ffff00">Yellow</p>\n'
        '<div style="background-color:#000000">\n<p><span style="color:#333">Dark</span></p></div>'
    )
    assert issues(html) == [("low-contrast", 2), ("low-contrast", 4)]


def test_legacy_color_and_bgcolor_attributes_count() -> None:
    html = '<h1>A</h1>\n<table bgcolor="#ffffff"><tr><td><font color="#dddddd">x</font></td></tr>'
    assert issues(html) == [("low-contrast", 2)]


@pytest.mark.parametrize(
    "html",
    [
        '<p style="color:#777777">Just under 4.5 for normal text</p>',
        '<p style="color:#888888;font-size:16px">Still normal size</p>',
        '<p style="color:#888888;font-weight:bold;font-size:18px">Bold but under 18.66px</p>',
    ],
)
def test_normal_text_needs_four_and_a_half_to_one(html: str) -> None:
    assert rules(f"<h1>A</h1>{html}") == ["low-contrast"]


@pytest.mark.parametrize(
    "html",
    [
        '<p style="color:#888888;font-size:24px">Large</p>',
        '<p style="color:#888888;font-size:14pt;font-weight:700">Bold at 18.67px</p>',
        '<h2 style="color:#888888">A heading is large and bold</h2>',
        '<p style="color:#595959">Dark enough grey</p>',
        '<p style="color:#ffffff;background:#000">White on black</p>',
        '<p style="color:rgba(0,0,0,.3)">Translucent: cannot be judged</p>',
    ],
)
def test_large_text_and_sufficient_contrast_pass(html: str) -> None:
    assert rules(f"<h1>A</h1>{html}") == []


def test_each_declaring_element_is_reported_once_and_hidden_text_is_ignored() -> None:
    html = (
        '<h1>A</h1><div style="color:#eeeeee"><p>one</p><p>two</p></div>'
        '<style>p { color: #eee }</style><script>var x = "text";</script>'
    )
    assert rules(html) == ["low-contrast"]


# --- the handler ----------------------------------------------------------------------------


async def test_the_handler_answers_issues_and_a_summary_as_fenced_json() -> None:
    html = '<html><body><h2>A</h2><img src="a.png"><p style="color:#aaa">x</p></body></html>'

    (output,) = await check_accessibility_of_document(context_for(html, "text/html"))

    result: dict[str, Any] = json.loads(output.value.removeprefix("```json\n")[: -len("\n```")])
    assert set(result["issues"][0]) == {"rule", "severity", "element", "message", "line"}
    assert result["summary"] == {
        "errors": 3,
        "info": 0,
        "by_rule": {"heading-no-h1": 1, "img-alt-missing": 1, "low-contrast": 1},
        "checked": {"images": 1, "headings": 1, "links": 0, "coloured_elements": 1},
    }


async def test_html_stored_as_plain_text_is_still_checked() -> None:
    html = "<!DOCTYPE html><html><body><h1>A</h1></body></html>"
    (output,) = await check_accessibility_of_document(context_for(html, "text/plain"))
    assert '"errors": 0' in output.value


async def test_a_plain_text_document_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ActionFailed) as caught:
        await check_accessibility_of_document(
            context_for("Just words.", "text/plain", "letter.txt")
        )
    assert caught.value.message == (
        "Accessibility checks run on HTML content; document 9 is text/plain (letter.txt) and "
        "has no HTML markup to check."
    )


async def test_html_stored_only_as_extracted_text_is_refused_rather_than_passed() -> None:
    with pytest.raises(ActionFailed) as caught:
        await check_accessibility_of_document(
            context_for("Welcome\nOur products\n", "text/html", "index.html")
        )
    assert caught.value.message == (
        "Accessibility checks need the HTML source of document 9; version 0.1 holds only the "
        "text extracted from index.html, without its markup."
    )
