"""quick_check__v / unsubscribe__v: e-mail content offers a way to unsubscribe."""

from __future__ import annotations

import json
from typing import Any

import pytest

from actionvault.actions.context import ActionContext
from actionvault.actions.unsubscribe_link import (
    check_unsubscribe_link,
    check_unsubscribe_links,
    list_unsubscribe_links,
)
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.errors import ActionFailed
from actionvault.text.html import DocumentText, looks_like_html, mask_markup

HEADERS = (
    "From: Zentrix <news@zentrix-example.com>\n"
    "Subject: News\n"
    "List-Unsubscribe: <mailto:unsub@zentrix-example.com?subject=unsubscribe>,\n"
    " <https://zentrix-example.com/u?id=7>\n"
    "\n"
    "Dear Dr. Lee,\n"
)


def version(text: str, mime_type: str = "text/plain") -> DocumentVersion:
    document = Document(6, "Email", "email_template__c", "draft__c", "draft", 1, 0.0)
    return DocumentVersion(document, 0, 1, "email", mime_type, text, 0.0)


def check(text: str, mime_type: str = "text/plain") -> dict[str, Any]:
    html = looks_like_html(text, mime_type)
    visible = mask_markup(text) if html else text
    return check_unsubscribe_links(DocumentText(version(text, mime_type), text, visible, html))


def context_for(text: str) -> ActionContext:
    action = Action("unsubscribe__v", "Unsubscribe Link", "", "builtin.unsubscribe_link")
    agent = Agent("quick_check__v", "Quick Check", "", "", "standard", True, "ADVANCED",
                  Scope.DOCUMENT, actions=(action,))  # fmt: skip
    execution = Execution(1, 1, agent.name, action.name, Target(6, 0, 1),
                          ExecutionState.RUNNING, 0.0)  # fmt: skip
    return ActionContext(execution, agent, action, document=version(text))


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Unsubscribe: https://email.x.com/u?id=1", "https://email.x.com/u?id=1"),
        ("To unsubscribe, visit https://x.com/a1b2.", "https://x.com/a1b2"),
        ("[Opt out of emails](https://x.com/o)", "https://x.com/o"),
        ("Manage your preferences at https://x.com/p/9", "https://x.com/p/9"),
        ("Manage subscription: https://x.com/s", "https://x.com/s"),
        ("Write to mailto:list@x.com?subject=unsubscribe", "mailto:list@x.com?subject=unsubscribe"),
        ("More at https://x.com/optout?u=3", "https://x.com/optout?u=3"),
    ],
)
def test_each_form_of_unsubscribe_link_is_recognised(text: str, url: str) -> None:
    result = check("Hello.\n\n" + text)
    assert result["unsubscribe_link_present"] is True
    assert [link["url"] for link in result["links"]] == [url]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ('<p><a href="{{unsubscribe_product_link}}">Unsubscribe</a></p>',
         "{{unsubscribe_product_link}}"),
        ("To unsubscribe: {{unsubscribe_link}}", "{{unsubscribe_link}}"),
        ("Unsubscribe: *|UNSUB|*", "*|UNSUB|*"),
    ],
)  # fmt: skip
def test_an_email_platforms_unsubscribe_token_is_the_link_it_becomes_when_sent(
    text: str, url: str
) -> None:
    result = check("Hello {{first_name}},\n\n" + text)
    assert [link["url"] for link in result["links"]] == [url]


def test_an_opt_out_address_to_write_to_counts_in_a_plain_text_email() -> None:
    result = check("Hello.\n\nIf you no longer wish to receive these emails, write to news@x.com.")
    assert [link["url"] for link in result["links"]] == ["mailto:news@x.com"]


@pytest.mark.parametrize(
    "text",
    [
        "Reply STOP to unsubscribe.",
        "Reply STOP to unsubscribe or visit https://x.com/help for help.",
        '<p><a href="javascript:unsubscribe()">Unsubscribe</a></p>',
        "To unsubscribe, reply to this email.",
    ],
)
def test_a_keyword_reply_a_link_for_something_else_or_a_dead_target_is_not_a_way_out(
    text: str,
) -> None:
    assert check("Hello.\n\n" + text)["unsubscribe_link_present"] is False


def test_an_html_link_is_named_by_the_words_of_its_clause() -> None:
    html = (
        "<html><body><p>News.</p><p>To stop receiving these emails, "
        '<a href="https://x.com/u/1">click here</a>. Read <a href="https://x.com/n">more</a>.'
        "</p></body></html>"
    )

    result = check(html, "text/html")

    assert result["links"] == [
        {"text": "click here", "url": "https://x.com/u/1", "offset": html.index("<a href")}
    ]


def test_a_list_unsubscribe_header_gives_its_addresses_with_offsets() -> None:
    links = list_unsubscribe_links(HEADERS)

    assert [(link.url, HEADERS[link.offset : link.offset + 6]) for link in links] == [
        ("mailto:unsub@zentrix-example.com?subject=unsubscribe", "mailto"),
        ("https://zentrix-example.com/u?id=7", "https:"),
    ]


def test_header_links_are_reported_once_though_they_also_look_like_urls() -> None:
    result = check(HEADERS)
    assert [link["text"] for link in result["links"]] == ["List-Unsubscribe header"] * 2


@pytest.mark.parametrize(
    "text",
    [
        "Dear Dr. Lee,\nList-Unsubscribe: <https://x.com/u>\n",  # prose first: no header block
        "Subject: hi\n\nList-Unsubscribe: <https://x.com/u>",  # after the blank line: body
    ],
)
def test_header_like_lines_outside_a_leading_header_block_are_not_headers(text: str) -> None:
    assert list_unsubscribe_links(text) == []


def test_being_told_to_unsubscribe_without_a_link_is_not_enough_and_is_said_so() -> None:
    result = check("Reply STOP to opt out. Visit www.zentrix-example.com for news.")
    assert result["unsubscribe_link_present"] is False
    assert "gives no link" in result["message"]


def test_no_way_to_unsubscribe_is_reported_plainly() -> None:
    result = check("Dear Dr. Lee, thank you. See https://x.com/news.")
    assert result == {
        "unsubscribe_link_present": False,
        "links": [],
        "message": "No unsubscribe link was found; commercial e-mail must offer one.",
    }


async def test_the_handler_answers_fenced_json() -> None:
    (output,) = await check_unsubscribe_link(context_for(HEADERS))

    result = json.loads(output.value.removeprefix("```json\n").removesuffix("\n```"))

    assert result["unsubscribe_link_present"] is True
    assert set(result["links"][0]) == {"text", "url", "offset"}
    assert result["message"] == "Found 2 unsubscribe links."


async def test_the_handler_fails_clearly_on_a_document_without_text() -> None:
    with pytest.raises(ActionFailed, match="has no text for Unsubscribe Link"):
        await check_unsubscribe_link(context_for(" "))
