"""quick_check__v / privacy__v: a privacy policy link, and where it is."""

from __future__ import annotations

import json
from typing import Any

import pytest

from actionvault.actions.context import ActionContext
from actionvault.actions.privacy_link import check_privacy_link, check_privacy_links
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.errors import ActionFailed
from actionvault.text.html import DocumentText, looks_like_html, mask_markup

BODY = "Zentrix eases seasonal allergy symptoms. " * 20


def version(text: str, mime_type: str = "text/plain") -> DocumentVersion:
    document = Document(5, "Web page", "web_page__c", "draft__c", "draft", 1, 0.0)
    return DocumentVersion(document, 0, 1, "page", mime_type, text, 0.0)


def check(text: str, mime_type: str = "text/plain") -> dict[str, Any]:
    html = looks_like_html(text, mime_type)
    visible = mask_markup(text) if html else text
    return check_privacy_links(DocumentText(version(text, mime_type), text, visible, html))


def context_for(text: str, mime_type: str = "text/plain") -> ActionContext:
    action = Action("privacy__v", "Privacy Policy Link", "", "builtin.privacy_link")
    agent = Agent("quick_check__v", "Quick Check", "", "", "standard", True, "ADVANCED",
                  Scope.DOCUMENT, actions=(action,))  # fmt: skip
    execution = Execution(1, 1, agent.name, action.name, Target(5, 0, 1),
                          ExecutionState.RUNNING, 0.0)  # fmt: skip
    return ActionContext(execution, agent, action, document=version(text, mime_type))


def test_a_url_that_names_privacy_is_a_privacy_link_with_its_location() -> None:
    text = BODY + "\nhttps://www.zentrix-example.com/privacy-policy"

    result = check(text)

    assert result["privacy_link_present"] is True
    assert result["links"] == [
        {
            "text": "https://www.zentrix-example.com/privacy-policy",
            "url": "https://www.zentrix-example.com/privacy-policy",
            "offset": text.index("https://"),
            "location": "footer",
        }
    ]
    assert result["message"] == "Found 1 privacy policy link in the footer."


def test_words_leading_into_a_url_can_name_it_a_privacy_link() -> None:
    result = check("Privacy Policy: https://www.zentrix-example.com/legal\n" + BODY)
    assert [link["location"] for link in result["links"]] == ["header"]


def test_an_html_anchor_counts_by_its_text_or_its_url() -> None:
    html = (
        "<html><body><p>" + BODY + "</p><footer>"
        '<a href="/legal/1">Privacy Notice</a> | <a href="/data-protection">Your data</a> | '
        '<a href="/terms">Terms</a></footer></body></html>'
    )

    result = check(html, "text/html")

    assert [(link["text"], link["url"]) for link in result["links"]] == [
        ("Privacy Notice", "/legal/1"),
        ("Your data", "/data-protection"),
    ]


def test_a_markdown_link_counts() -> None:
    result = check(BODY + "[Data protection](https://x.com/dp)")
    assert result["links"][0]["text"] == "Data protection"


@pytest.mark.parametrize(
    "text",
    [
        "Visit www.zentrix-example.com for more. We value your privacy.",
        "Write to privacy@zentrix-example.com with questions.",
        "We respect your privacy, so visit https://x.com/events for events.",
    ],
)
def test_a_link_in_another_sentence_an_address_to_write_to_or_privacy_in_general_does_not_count(
    text: str,
) -> None:
    assert check(text)["links"] == []


@pytest.mark.parametrize(
    "href", ["javascript:openPolicy()", "JavaScript:void(0)", "#", "", "tel:+15550100"]
)
def test_an_anchor_whose_target_leads_nowhere_is_not_a_privacy_link(href: str) -> None:
    html = f'<html><body><p>{BODY}</p><a href="{href}">Privacy Policy</a></body></html>'

    result = check(html, "text/html")

    assert result["privacy_link_present"] is False
    assert "does not link to it" in result["message"]


def test_a_site_relative_path_in_plain_text_is_a_link() -> None:
    result = check(BODY + "\nPrivacy notice: /legal/privacy-notice")
    assert [link["url"] for link in result["links"]] == ["/legal/privacy-notice"]


@pytest.mark.parametrize(
    "text",
    [
        "Your records are covered by the HIPAA Privacy Rule: https://example.gov/hipaa",
        "Terms of use: https://x.com/terms | Cookie settings: https://x.com/cookies",
        "Full Prescribing Information: https://x.com/pi",
        "Our privacy policy is on our website, www.zentrix-example.com.",
    ],
)
def test_links_to_a_law_terms_cookies_the_label_or_a_whole_site_are_not_privacy_links(
    text: str,
) -> None:
    assert check(BODY + text)["privacy_link_present"] is False


def test_a_neighbouring_link_on_a_footer_row_is_not_taken_for_the_privacy_link() -> None:
    result = check("Privacy: https://a.com/legal | Terms: https://a.com/terms")
    assert [link["url"] for link in result["links"]] == ["https://a.com/legal"]


def test_a_privacy_policy_mentioned_without_a_link_is_not_enough_and_is_said_so() -> None:
    result = check("See our privacy policy on our website.")
    assert result["privacy_link_present"] is False
    assert "mentions a privacy policy but does not link to it" in result["message"]


def test_no_privacy_link_at_all_is_reported_plainly() -> None:
    result = check(BODY)
    assert result == {
        "privacy_link_present": False,
        "links": [],
        "message": "No privacy policy link was found; add a link to the privacy policy.",
    }


async def test_the_handler_answers_fenced_json() -> None:
    (output,) = await check_privacy_link(context_for(BODY + " https://x.com/privacy"))

    result = json.loads(output.value.removeprefix("```json\n").removesuffix("\n```"))

    assert output.type == "text"
    assert set(result) == {"privacy_link_present", "links", "message"}
    assert set(result["links"][0]) == {"text", "url", "offset", "location"}


async def test_the_handler_fails_clearly_on_a_document_without_text() -> None:
    with pytest.raises(ActionFailed, match="has no text for Privacy Policy Link"):
        await check_privacy_link(context_for(""))
