"""Links in a document, whatever their form: HTML anchors, Markdown links and bare addresses.

The privacy and unsubscribe checks ask the same question of different words ("is there a link
about X?"), and a link is often described by the words around it rather than its own text
("To unsubscribe, <a>click here</a>"), so each link carries that context with it.
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
_MARKDOWN_LINK_RE = re.compile(
    r"\[([^\]\n]{1,300})\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)"
)
# What ends the words that describe a link: a sentence or clause end, a line break, or the
# separators of a footer's row of links ("Privacy | Terms | Contact").
_CLAUSE_END_RE = re.compile(r"[.!?;]\s|\n|[|\u00b7\u2022]")
_CONTEXT_CHARS = 100


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str
    offset: int
    end: int
    #: Words of the same clause before and after the link (never reaching into another link).
    context: str
    kind: str  # html | markdown | url | email


def _context(visible: str, start: int, end: int, floor: int, ceiling: int) -> str:
    before = visible[max(floor, start - _CONTEXT_CHARS) : start]
    cuts = [m.end() for m in _CLAUSE_END_RE.finditer(before)]
    lead_in = before[cuts[-1] :] if cuts else before
    after = visible[end : min(ceiling, end + _CONTEXT_CHARS)]
    stop = _CLAUSE_END_RE.search(after)
    trail = after[: stop.start() + 1] if stop else after
    return clean_text(f"{lead_in} {trail}")


def _spans(document: DocumentText) -> list[tuple[int, int, str, str, str]]:
    """(start, end, text, url, kind) of each link, found once even where patterns overlap."""
    visible = document.visible
    found: list[tuple[int, int, str, str, str]] = []
    if document.is_html:
        for anchor in html_anchors(document.raw):
            text = anchor.text or anchor.label
            found.append((anchor.offset, anchor.end, text, anchor.url, "html"))
    else:
        for match in _MARKDOWN_LINK_RE.finditer(visible):
            text = clean_text(match.group(1))
            found.append((match.start(), match.end(), text, match.group(2), "markdown"))
    for pattern, kind in ((_URL_RE, "url"), (_EMAIL_RE, "email")):
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
