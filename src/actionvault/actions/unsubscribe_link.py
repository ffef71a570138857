"""quick_check__v / unsubscribe__v on the built-in engine: can the reader unsubscribe?

Commercial e-mail must offer a way out (CAN-SPAM, the EU ePrivacy rules). The way out takes
several forms: an "unsubscribe" link, an "opt out" or "manage your preferences" link, an
address to write to, a `List-Unsubscribe` header, or the e-mail platform's unsubscribe merge
token used as a link ({{unsubscribe_link}}), which becomes the recipient's own address when the
message is sent. A link counts when its address, its text or the words of its clause name one
of these. Telling readers to unsubscribe without giving an address does not count, nor does an
SMS keyword reply on its own ("Reply STOP") or a target that leads nowhere (`javascript:`), and
the message says so.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from actionvault.actions.context import (
    ActionContext,
    add_capped,
    json_output,
    require_document_text,
)
from actionvault.domain.executions import ActionOutput
from actionvault.text.html import DocumentText
from actionvault.text.links import Link, find_links, names_a_page

_UNSUBSCRIBE_WORDS_RE = re.compile(
    r"\bunsubscrib\w*|\bopt(?:[\s-]+|)out\b|\bopt(?:ing)?\s+out\b"
    r"|\bmanage\s+(?:your\s+|my\s+)?(?:e-?mail\s+|communication\s+|contact\s+|subscription\s+)?"
    r"(?:preferences|subscriptions?|settings)\b"
    r"|\b(?:e-?mail|subscription|communication)\s+preferences\b"
    r"|\bstop\s+receiving\b|\bremove\s+(?:me|yourself)\s+from\b"
    r"|\b(?:no\s+longer|not|n't)\s+(?:wish|want)\s+to\s+(?:receive|get|hear)\b",
    re.IGNORECASE,
)
_UNSUBSCRIBE_URL_RE = re.compile(
    r"unsub|opt[-_]?out|preferences|manage[-_]?subscription|email[-_]?settings",
    re.IGNORECASE,
)
# "Name: value" lines at the very top, up to the first blank line, continuation lines indented.
_HEADER_LINE_RE = re.compile(r"[A-Za-z][\w-]*:[ \t]")
_HEADER_NAMES = frozenset({"from", "to", "subject", "date", "list-unsubscribe", "reply-to"})
_ANGLE_URL_RE = re.compile(r"<([^<>\s]+)>")


@dataclass(frozen=True, slots=True)
class HeaderLink:
    url: str
    offset: int


def list_unsubscribe_links(text: str) -> list[HeaderLink]:
    """The addresses of a `List-Unsubscribe` header, when the text starts with e-mail headers."""
    names: set[str] = set()
    found: list[HeaderLink] = []
    in_list_unsubscribe = False
    position = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        if not content.strip():
            break
        if content[0] in " \t" and names:
            values_start = position
        elif _HEADER_LINE_RE.match(content):
            name = content.split(":", 1)[0].lower()
            names.add(name)
            in_list_unsubscribe = name == "list-unsubscribe"
            values_start = position + len(name) + 1
        else:
            return []  # prose before any blank line: these were never headers
        if in_list_unsubscribe:
            segment = text[values_start : position + len(content)]
            for match in _ANGLE_URL_RE.finditer(segment):
                found.append(HeaderLink(match.group(1), values_start + match.start(1)))
        position += len(line)
    return found if names & _HEADER_NAMES else []


def is_unsubscribe_link(link: Link) -> bool:
    if not names_a_page(link):
        return False  # a whole site is not the way out
    return bool(
        _UNSUBSCRIBE_URL_RE.search(link.url)
        or _UNSUBSCRIBE_WORDS_RE.search(link.text)
        or _UNSUBSCRIBE_WORDS_RE.search(link.context)
    )


def check_unsubscribe_links(document: DocumentText) -> dict[str, object]:
    links: list[dict[str, object]] = [
        {"text": "List-Unsubscribe header", "url": header.url, "offset": header.offset}
        for header in list_unsubscribe_links(document.raw)
    ]
    header_offsets = {link["offset"] for link in links}
    links += [
        {"text": link.text, "url": link.url, "offset": link.offset}
        for link in find_links(document)
        if is_unsubscribe_link(link) and link.offset not in header_offsets
    ]
    if links:
        message = f"Found {len(links)} unsubscribe link{'s' if len(links) > 1 else ''}."
    elif _UNSUBSCRIBE_WORDS_RE.search(document.visible):
        message = (
            "The text tells readers how to unsubscribe but gives no link or address; "
            "add an unsubscribe link."
        )
    else:
        message = "No unsubscribe link was found; commercial e-mail must offer one."
    payload: dict[str, object] = {
        "unsubscribe_link_present": bool(links),
        "links": [],
        "message": message,
    }
    add_capped(payload, "links", links)
    return payload


async def check_unsubscribe_link(context: ActionContext) -> list[ActionOutput]:
    document = require_document_text(context, "Unsubscribe Link")
    return [json_output(await asyncio.to_thread(check_unsubscribe_links, document))]
