"""Reading the text of a document version, whether it is plain text or HTML.

Every check reports character offsets into the stored text, so HTML is never converted to a
shorter string: markup is blanked out in place (`mask_markup`), which keeps each visible word at
its original offset, and the structured parts a check needs (links, headings) come from the
standard library's `html.parser` with their offsets.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from actionvault.domain.content import DocumentVersion

HTML_MIME_TYPES = frozenset({"text/html", "application/xhtml+xml"})

_HTML_START_RE = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html\b)", re.I | re.S)
_COMMON_TAG_RE = re.compile(
    r"<(?:p|div|a|img|h[1-6]|table|td|span|body|head|br|ul|li|strong|b)\b[^<>]*>", re.I
)

# Tags whose start or end separates blocks of text, so masking them must keep the blocks apart.
_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt",
     "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head",
     "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody",
     "td", "tfoot", "th", "thead", "title", "tr", "ul"}
)  # fmt: skip
# Linear: `[^<>]*` cannot run past the next "<", and element bodies are matched lazily once.
_MARKUP_RE = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|template)\b[^<>]*>.*?(?:</\1\s*>|\Z)"
    r"|<[!?/]?([A-Za-z][\w:-]*)?[^<>]*>",
    re.I | re.S,
)
_BLANK_ENTITIES_RE = re.compile(r"&(?:nbsp|ensp|emsp|thinsp|#160|#xa0);", re.I)


def looks_like_html(text: str, mime_type: str = "") -> bool:
    """HTML by declared type, or by content: e-mail bodies are often stored as .txt with markup."""
    if mime_type.split(";")[0].strip().lower() in HTML_MIME_TYPES:
        return True
    head = text[:4000]
    return bool(_HTML_START_RE.match(head)) or len(_COMMON_TAG_RE.findall(head)) >= 3


_ANY_TAG_RE = re.compile(r"<[A-Za-z!/][^<>]*>")


def has_markup(text: str) -> bool:
    """Whether any tag survives in the text: uploads stored as extracted text keep none."""
    return bool(_ANY_TAG_RE.search(text))


def _blank(match: re.Match[str]) -> str:
    span = match.group()
    name = (match.group(2) or "").lower()
    if match.group(1) or name in _BLOCK_TAGS:
        # Two newlines make a paragraph break; everything else becomes spaces.
        return "\n\n" + " " * (len(span) - 2) if len(span) >= 2 else " " * len(span)
    return "".join("\n" if c == "\n" else " " for c in span)


def mask_markup(text: str) -> str:
    """The text with tags, comments, scripts and styles replaced by whitespace of equal length."""
    masked = _MARKUP_RE.sub(_blank, text)
    return _BLANK_ENTITIES_RE.sub(lambda m: " " * len(m.group()), masked)


def clean_text(fragment: str) -> str:
    """A display form of a fragment of visible text: entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(fragment).split())


@dataclass(frozen=True, slots=True)
class DocumentText:
    version: DocumentVersion
    #: The stored text; offsets in every result refer to it.
    raw: str
    #: `raw` with markup blanked out, offset for offset.
    visible: str
    is_html: bool


class PositionedParser(HTMLParser):
    """An HTMLParser that knows the absolute offset of the event it is handling."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def position(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def run(self) -> None:
        self.feed(self.text)
        self.close()


@dataclass(frozen=True, slots=True)
class Anchor:
    url: str
    text: str
    offset: int
    #: Where the closing </a> ends (the end of the text when it is never closed).
    end: int
    #: aria-label or title, which name a link for screen readers when it has no text.
    label: str


@dataclass(frozen=True, slots=True)
class HtmlHeading:
    level: int
    text: str
    offset: int


class _OutlineParser(PositionedParser):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.anchors: list[Anchor] = []
        self.headings: list[HtmlHeading] = []
        self._anchor: tuple[str, int, str, list[str]] | None = None
        self._heading: tuple[int, int, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in values:
            label = values.get("aria-label") or values.get("title") or ""
            self._anchor = (values["href"].strip(), self.position(), label, [])
        elif tag == "img" and self._anchor is not None:
            self._anchor[3].append(values.get("alt", ""))
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._heading = (int(tag[1]), -1, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            url, offset, label, parts = self._anchor
            closing = self.text.find(">", self.position())
            end = len(self.text) if closing < 0 else closing + 1
            self.anchors.append(Anchor(url, clean_text(" ".join(parts)), offset, end, label))
            self._anchor = None
        elif self._heading is not None and tag == f"h{self._heading[0]}":
            level, offset, parts = self._heading
            words = clean_text(" ".join(parts))
            if words:
                self.headings.append(HtmlHeading(level, words, offset))
            self._heading = None

    def close(self) -> None:
        super().close()
        if self._anchor is not None:  # an anchor never closed runs to the end of the text
            url, offset, label, parts = self._anchor
            self.anchors.append(
                Anchor(url, clean_text(" ".join(parts)), offset, len(self.text), label)
            )
            self._anchor = None

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._anchor[3].append(data)
        if self._heading is not None:
            level, offset, parts = self._heading
            if offset < 0 and data.strip():
                start = self.position() + len(data) - len(data.lstrip())
                self._heading = (level, start, parts)
            parts.append(data)


def html_anchors(text: str) -> list[Anchor]:
    parser = _OutlineParser(text)
    parser.run()
    return parser.anchors


def html_headings(text: str) -> list[HtmlHeading]:
    """Headings h1-h6 in document order, each at the offset of its first visible character."""
    parser = _OutlineParser(text)
    parser.run()
    return parser.headings
