"""Where things are in a document: its sentences, headings and pages.

Offline summaries and answers cite a heading or a page for every sentence they quote, so the
outline comes from the best source available: what extraction recorded for the version (a
PDF's pages, a Word file's heading styles), else the text itself (Markdown and HTML headings,
lines that stand alone above prose, form feeds and "Page N" lines). Everything is linear in the
length of the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from actionvault.domain.content import DocumentVersion, Segment
from actionvault.text.html import html_headings
from actionvault.text.segments import ProtectedSpans, Sentence, split_sentences

# --- sentences ------------------------------------------------------------------------------

_BLOCK_BREAK_RE = re.compile(r"\n[ \t\r\f\v]*(?:\n[ \t\r\f\v]*)+")


def sentences_of(text: str) -> list[Sentence]:
    """`split_sentences`, block by block between blank lines.

    A sentence never spans a blank line anyway, and splitting first keeps the work linear on
    long blank stretches (masked HTML markup is mostly whitespace), where scanning the whole
    text for each line break would be quadratic.
    """
    found: list[Sentence] = []
    start = 0
    for end, following in [
        *((m.start(), m.end()) for m in _BLOCK_BREAK_RE.finditer(text)),
        (len(text), len(text)),
    ]:
        block = text[start:end]
        if block.strip():
            found += [
                Sentence(start + s.start, start + s.end, s.capital_expected)
                for s in split_sentences(block, ProtectedSpans(block))
            ]
        start = following
    return found


# --- outline: headings and pages ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    title: str
    level: int
    offset: int
    #: False for a heading known only from extraction (a segment's heading) whose title is not
    #: a line of the text: it labels what follows but removes no line from the passages.
    in_text: bool = True


_MARKDOWN_HEADING_RE = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
# A line ends at a newline or at a form feed, which also ends its page.
LINE_RE = re.compile(r"[^\n\f]*[\n\f]?")
_NUMBERED_RE = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.)\s+\S")
_PAGE_MARKER_RE = re.compile(
    r"^[ \t]*[-\u2013\u2014]?[ \t]*page[ \t]+(\d{1,4})(?:[ \t]+of[ \t]+\d{1,4})?[ \t]*"
    r"[-\u2013\u2014]?[ \t]*$",
    re.I | re.M,
)
_MAX_HEADING_WORDS = 12
_MAX_HEADING_CHARS = 90


def _is_heading_line(line: str) -> bool:
    """A short line in title, sentence or upper case that does not read as part of prose."""
    words = line.split()
    if not words or len(words) > _MAX_HEADING_WORDS or len(line) > _MAX_HEADING_CHARS:
        return False
    if line[-1] in ".,;" or line.endswith(("\u2026", "...")) or "|" in line:
        return False
    first = line.lstrip("*_")[:1]
    if not (first.isupper() or _NUMBERED_RE.match(line)):
        return False
    # Letter closings and salutations ("Kind regards,") end in commas; addresses and names
    # ("Dear Dr. Patel") are caught by the prose test on the following line instead.
    return not re.match(r"(?:dear|re|subject|to|from|cc|date)\b", line, re.I)


def _is_prose_line(line: str) -> bool:
    return len(line.split()) >= 6 or (len(line.split()) >= 3 and line.rstrip()[-1:] in ".!?")


def text_headings(text: str) -> list[Heading]:
    """Markdown headings, and lines that stand alone like a heading above prose."""
    headings: dict[int, Heading] = {}
    for match in _MARKDOWN_HEADING_RE.finditer(text):
        headings[match.start(2)] = Heading(
            match.group(2).strip(), len(match.group(1)), match.start(2)
        )
    lines = [(m.start(), m.group()) for m in LINE_RE.finditer(text) if m.group()]
    previous_blank = True
    for index, (start, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            previous_blank = True
            continue
        standalone = previous_blank
        previous_blank = line.endswith("\f")
        if not standalone or _PAGE_MARKER_RE.match(stripped) or not _is_heading_line(stripped):
            continue
        following = next((t.strip() for _, t in lines[index + 1 : index + 3] if t.strip()), "")
        if _is_prose_line(following) and not _is_heading_line(following):
            offset = start + len(line) - len(line.lstrip())
            level = 1 if stripped.isupper() else 2
            headings.setdefault(offset, Heading(stripped.strip("*_ "), level, offset))
    return sorted(headings.values(), key=lambda h: h.offset)


def find_headings(text: str, is_html: bool) -> list[Heading]:
    if is_html:
        return [Heading(h.text, h.level, h.offset) for h in html_headings(text)]
    return text_headings(text)


class PageMap:
    """Page numbers by offset: from the segments extraction recorded, or from form feeds or
    "Page N" lines (running headers or footers) in the text."""

    __slots__ = ("_numbers", "_starts")

    def __init__(self, starts: Sequence[int] = (), numbers: Sequence[int] = ()) -> None:
        self._starts = list(starts)
        self._numbers = list(numbers)

    @classmethod
    def from_text(cls, text: str) -> PageMap:
        if "\f" in text:
            starts = [0, *(m.end() for m in re.finditer("\f", text))]
            return cls(starts, range(1, len(starts) + 1))
        markers = list(_PAGE_MARKER_RE.finditer(text))
        if not markers:
            return cls()
        numbers = [int(m.group(1)) for m in markers]
        first_text = len(text) - len(text.lstrip())
        if not text[first_text : markers[0].start()].strip():
            return cls([m.start() for m in markers], numbers)  # headers open their page
        return cls([0, *(m.end() for m in markers[:-1])], numbers)  # footers close theirs

    @classmethod
    def from_segments(cls, segments: Sequence[Segment]) -> PageMap:
        paged = [s for s in segments if s.page is not None]
        return cls([s.start for s in paged], [s.page for s in paged if s.page is not None])

    def __bool__(self) -> bool:
        return bool(self._starts)

    def page_at(self, offset: int) -> int | None:
        index = bisect.bisect_right(self._starts, offset) - 1
        return self._numbers[max(index, 0)] if self._starts else None


def segment_headings(text: str, segments: Sequence[Segment]) -> list[Heading]:
    """A heading wherever a segment's heading changes; extraction writes the title as the
    segment's first line, which then is a heading line rather than passage text."""
    headings: list[Heading] = []
    previous: str | None = None
    for segment in segments:
        title = segment.heading
        if not title or title == previous:
            previous = title
            continue
        previous = title
        found = text.find(title, segment.start, segment.end)
        if found >= 0 and not text[segment.start : found].strip():
            headings.append(Heading(title, 2, found))
        else:
            headings.append(Heading(title, 2, segment.start, in_text=False))
    return headings


def outline_of(version: DocumentVersion, is_html: bool) -> tuple[list[Heading], PageMap]:
    """Headings and pages of a version, preferring what extraction recorded (a PDF's pages, a
    Word file's heading styles) over what can be guessed from the text."""
    segments = version.segments
    if any(s.heading for s in segments):
        headings = segment_headings(version.text, segments)
    else:
        headings = find_headings(version.text, is_html)
    if any(s.page is not None for s in segments):
        return headings, PageMap.from_segments(segments)
    return headings, PageMap.from_text(version.text)


def is_page_marker(line: str) -> bool:
    return bool(_PAGE_MARKER_RE.match(line))
