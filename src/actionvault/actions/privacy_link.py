"""quick_check__v / privacy__v on the built-in engine: is there a privacy policy link, and where.

Promotional web pages and e-mails must link to the privacy policy, usually in the footer. A
link counts when its address or its text names privacy or data protection, or the words leading
into it name a privacy policy, notice or statement ("Privacy Policy: https://example.com/legal").
A privacy policy merely mentioned without a link does not count, and the message says so; nor
does a link to write to, a law's name ("the HIPAA Privacy Rule"), or a target that leads nowhere
(`javascript:`, see `actionvault.text.links`).
"""

from __future__ import annotations

import asyncio
import re

from actionvault.actions.context import (
    ActionContext,
    add_capped,
    json_output,
    require_document_text,
)
from actionvault.domain.executions import ActionOutput
from actionvault.text.html import DocumentText
from actionvault.text.links import Link, find_links, location_of, names_a_page

_PRIVACY_WORDS_RE = re.compile(
    r"\bprivacy\b(?!\s+(?:rule|act|law|shield|regulation)s?\b)|\bdata[\s-]+protection\b"
    r"|\bdatenschutz|\bconfidentialit[yé]",
    re.IGNORECASE,
)
# The words around a link name a privacy page, not privacy in general ("we respect your privacy").
_PRIVACY_PAGE_RE = re.compile(
    r"\bprivacy\s+(?:policy|policies|notice|statement|information|info|cent(?:er|re)|page"
    r"|choices|rights|practices|terms)\b|\bdata[\s-]+protection\b|\bdatenschutz",
    re.IGNORECASE,
)
_PRIVACY_URL_RE = re.compile(
    r"privacy|data[-_]?protection|datenschutz|privacidad|confidentialite", re.IGNORECASE
)
_MENTION_RE = re.compile(r"\bprivacy\s+(?:policy|notice|statement)\b", re.IGNORECASE)


# A label just before the link: "Privacy: https://...", "Data protection - https://...".
_LABEL_RE = re.compile(
    r"(?:\bprivacy|\bdata[\s-]+protection|\bdatenschutz)\s*[:\u2013\u2014-]?\s*$", re.IGNORECASE
)


def is_privacy_link(link: Link, visible: str = "") -> bool:
    if link.kind == "email" or not names_a_page(link):
        return False  # an address to write to, or a whole site, is not a policy to read
    url = link.url.split("?")[0] if not link.url.startswith("mailto:") else ""
    return bool(
        _PRIVACY_URL_RE.search(url)
        or _PRIVACY_WORDS_RE.search(link.text)
        or _PRIVACY_PAGE_RE.search(link.context)
        or _LABEL_RE.search(visible[max(0, link.offset - 40) : link.offset])
    )


def check_privacy_links(document: DocumentText) -> dict[str, object]:
    length = len(document.raw)
    found = [link for link in find_links(document) if is_privacy_link(link, document.visible)]
    links = [
        {
            "text": link.text,
            "url": link.url,
            "offset": link.offset,
            "location": location_of(link.offset, length),
        }
        for link in found
    ]
    if links:
        places = sorted({str(link["location"]) for link in links})
        message = (
            f"Found {len(links)} privacy policy link{'s' if len(links) > 1 else ''} "
            f"in the {' and '.join(places)}."
        )
    elif _MENTION_RE.search(document.visible):
        message = (
            "The text mentions a privacy policy but does not link to it; add the policy's URL."
        )
    else:
        message = "No privacy policy link was found; add a link to the privacy policy."
    payload: dict[str, object] = {
        "privacy_link_present": bool(links),
        "links": [],
        "message": message,
    }
    add_capped(payload, "links", links)
    return payload


async def check_privacy_link(context: ActionContext) -> list[ActionOutput]:
    document = require_document_text(context, "Privacy Policy Link")
    return [json_output(await asyncio.to_thread(check_privacy_links, document))]
