"""Links in a document, whatever their form: HTML anchors, Markdown links, bare addresses,
site-relative paths and the merge tokens an e-mail platform turns into addresses when it sends.

The privacy and unsubscribe checks ask the same question of different words ("is there a link
about X?"), and a link is often described by the words around it rather than its own text
("To unsubscribe, <a>click here</a>"), so each link carries that context with it. A target a
reader cannot follow to a page or an address (`javascript:`, `tel:`, `#`) is not a link.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from actionvault.text.html import DocumentText, clean_text, html_anchors

# Linear: each pattern starts at a literal scheme, "www." or a word boundary before a domain.
_URL_RE = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?]"
    r"|\bmailto:[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?]"
    r"|(?<![\w@./-])[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|io|info|biz|eu|uk|de|fr|health)"
    r"\b(?:/[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?])?",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A site-relative path standing alone ("Privacy: /legal/privacy"), not a unit ("mg/day").
_PATH_RE = re.compile(r"(?<![^\s(])/[A-Za-z][\w-]*(?:/[\w.-]+)*/?(?![\w/])")
# Send-time merge tokens that become an address: {{unsubscribe_link}}, *|UNSUB|*, %%view_url%%.
_TOKEN_RE = re.compile(r"\{\{\s*[\w.-]{1,80}\s*\}\}|\*\|[\w:]{1,80}\|\*|%%=?[\w()]{1,80}=?%%")
_ADDRESS_TOKEN_RE = re.compile(r"link|url|href|unsub|opt_?out|preference|privacy", re.IGNORECASE)
# Targets that lead to no page or address: scripts, inline data, phone numbers, the page itself.
_NOT_FOLLOWABLE_RE = re.compile(
    r"\s*(?:(?:javascript|vbscript|data|about|blob|file|tel|sms|callto):|#|$)", re.IGNORECASE
)
_MARKDOWN_LINK_RE = re.compile(
    r"\[([^\]\n]{1,300})\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)"
)
# What ends the words that describe a link: a sentence or clause end, a line break, or the
# separators of a footer's row of links ("Privacy | Terms | Contact").
_CLAUSE_END_RE = re.compile(r"[.!?;]\s|\n|[|\u00b7\u2022]")
# "Reply STOP to opt out or visit <link> for help": the link belongs to the second request.
_NEXT_REQUEST_RE = re.compile(
    r"\s(?:or|and)\s+(?:visit|see|call|go|read|text|reply|click|tap|email|e-mail|contact|find"
    r"|learn|download|view|write)\b",
    re.IGNORECASE,
)
_CONTEXT_CHARS = 100


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str
    offset: int
    end: int
    #: Words of the same clause before and after the link (never reaching into another link).
    context: str
    kind: str  # html | markdown | url | email | path | token


def _context(visible: str, start: int, end: int, floor: int, ceiling: int) -> str:
    before = visible[max(floor, start - _CONTEXT_CHARS) : start]
    cuts = [m.end() for m in _CLAUSE_END_RE.finditer(before)]
    cuts += [m.start() + 1 for m in _NEXT_REQUEST_RE.finditer(before)]
    lead_in = before[max(cuts) :] if cuts else before
    after = visible[end : min(ceiling, end + _CONTEXT_CHARS)]
    stops = [m.start() + 1 for m in (_CLAUSE_END_RE.search(after), _NEXT_REQUEST_RE.search(after))
             if m]  # fmt: skip
    trail = after[: min(stops)] if stops else after
    return clean_text(f"{lead_in} {trail}")


def is_followable(url: str) -> bool:
    """Whether a link target leads to a page or an address."""
    return not _NOT_FOLLOWABLE_RE.match(url)


def names_a_page(link: Link) -> bool:
    """Whether the link leads to one page: not a bare domain written without a path
    ("example.com", "www.example.com"), which leads to a whole site."""
    if link.kind != "url" or "://" in link.text or link.url.lower().startswith("mailto:"):
        return True
    return "/" in link.text.rstrip("/")


def _spans(document: DocumentText) -> list[tuple[int, int, str, str, str]]:
    """(start, end, text, url, kind) of each link, found once even where patterns overlap."""
    visible = document.visible
    found: list[tuple[int, int, str, str, str]] = []
    if document.is_html:
        for anchor in html_anchors(document.raw):
            text = anchor.text or anchor.label
            if is_followable(anchor.url):
                found.append((anchor.offset, anchor.end, text, anchor.url, "html"))
    else:
        for match in _MARKDOWN_LINK_RE.finditer(visible):
            text = clean_text(match.group(1))
            if is_followable(match.group(2)):
                found.append((match.start(), match.end(), text, match.group(2), "markdown"))
    for pattern, kind in (
        (_URL_RE, "url"), (_EMAIL_RE, "email"), (_PATH_RE, "path"), (_TOKEN_RE, "token"),
    ):  # fmt: skip
        found.sort()
        starts = [span[0] for span in found]
        ends = [span[1] for span in found]
        new = []
        for match in pattern.finditer(visible):
            start, end = match.span()
            index = bisect.bisect_right(starts, start) - 1
            if index >= 0 and ends[index] > start:
                continue  # inside an anchor, a Markdown link or a URL already found
            url = match.group()
            if kind == "token" and not _ADDRESS_TOKEN_RE.search(url):
                continue  # {{first_name}} is a merge field, not an address
            if kind == "email":
                url = f"mailto:{url}"
            elif url.lower().startswith("www."):
                url = f"https://{url}"
            new.append((start, end, match.group(), url, kind))
        found.extend(new)
    return found


def find_links(document: DocumentText) -> list[Link]:
    """Every link once, in document order; offsets are into the stored text."""
    spans = sorted(_spans(document))
    links = []
    for index, (start, end, text, url, kind) in enumerate(spans):
        floor = spans[index - 1][1] if index else 0
        ceiling = spans[index + 1][0] if index + 1 < len(spans) else len(document.visible)
        context = _context(document.visible, start, end, floor, max(ceiling, end))
        links.append(Link(text, url, start, end, context, kind))
    return links


def location_of(offset: int, length: int) -> str:
    """Header is the first 15% of the text, footer the last 15%: where e-mail and web templates
    put their navigation and their legal links."""
    if length <= 0:
        return "body"
    share = offset / length
    if share < 0.15:
        return "header"
    if share >= 0.85:
        return "footer"
    return "body"
