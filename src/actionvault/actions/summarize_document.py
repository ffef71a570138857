"""promomats_document_chat__v / summarize_document__v on the built-in engine: an extractive summary.

Offline, the honest summary is the document's own most central sentences, quoted in document
order with where each comes from, never new wording. Centrality is the cosine between a
sentence's TF-IDF vector and the centroid of all sentences, a linear-time stand-in for TextRank
(whose sentence graph is quadratic), boosted for lead sentences of the document and of each
section; a greedy pick skips near-duplicates of sentences already chosen.
"""

from __future__ import annotations

import asyncio
import bisect
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from actionvault.actions.context import ActionContext, require_document_text
from actionvault.domain.executions import ActionOutput
from actionvault.text.html import DocumentText
from actionvault.text.outline import Heading, is_page_marker, outline_of, sentences_of
from actionvault.text.passages import source_label, terms

_MIN_WORDS = 5
_MAX_WORDS = 60
_LEAD_BOOST = 1.25
_SECTION_LEAD_BOOST = 1.1
# A candidate sharing this much of its vocabulary with a chosen sentence says nothing new.
_DUPLICATE_JACCARD = 0.6
_SHORT_DOCUMENT_SENTENCES = 33
_ENDS_LIKE_A_SENTENCE_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")
# Letter courtesies and contact details carry no key message, however central their words
# (the product's name) make them look.
_COURTESY_RE = re.compile(
    r"(?:thank you|thanks|if you (?:have|would)|please (?:contact|call|do not hesitate)"
    r"|we are (?:pleased|happy) to)\b",
    re.IGNORECASE,
)
_CONTACT_RE = re.compile(r"https?://|\bwww\.|\w@\w|\b\d{3}[-.\s]\d{3}[-.\s]\d{4}\b")
_BOILERPLATE_PENALTY = 0.6


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int
    text: str
    terms: frozenset[str]
    counts: Counter[str]
    section_lead: bool


def summary_length(sentences: int) -> int:
    """About five sentences; about 15% of a long document, between three and eight."""
    if sentences <= _SHORT_DOCUMENT_SENTENCES:
        return min(sentences, 5, max(3, math.ceil(sentences / 2)))
    return max(3, min(8, round(0.15 * sentences)))


def _candidates(visible: str, headings: Sequence[Heading], strict: bool) -> list[Candidate]:
    heading_starts = [h.offset for h in headings]
    line_starts = [h.offset for h in headings if h.in_text]
    found: list[Candidate] = []
    seen_sections: set[int] = set()
    for sentence in sentences_of(visible):
        start = sentence.start
        # A heading the splitter left inside a sentence is a label, not part of its text.
        inside = bisect.bisect_left(line_starts, start)
        while inside < len(line_starts) and line_starts[inside] < sentence.end:
            line_end = visible.find("\n", line_starts[inside])
            start = sentence.end if line_end < 0 else min(line_end + 1, sentence.end)
            inside += 1
        text = " ".join(visible[start : sentence.end].split())
        words = len(text.split())
        if is_page_marker(text) or not words:
            continue
        section = bisect.bisect_right(heading_starts, start) - 1
        if strict and (
            words < _MIN_WORDS
            or words > _MAX_WORDS
            or not _ENDS_LIKE_A_SENTENCE_RE.search(text)
            or not any(c.islower() for c in text)
        ):
            continue
        counts = Counter(terms(text))
        if not counts:
            continue
        found.append(
            Candidate(start, text, frozenset(counts), counts, section not in seen_sections)
        )
        seen_sections.add(section)
    return found


def _centrality(candidates: Sequence[Candidate]) -> list[float]:
    df: Counter[str] = Counter()
    for candidate in candidates:
        df.update(candidate.terms)
    n = len(candidates)
    idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
    vectors = []
    centroid: Counter[str] = Counter()
    for candidate in candidates:
        vector = {t: c * idf[t] for t, c in candidate.counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        unit = {t: v / norm for t, v in vector.items()}
        vectors.append(unit)
        centroid.update(unit)
    centroid_norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    return [sum(v * centroid[t] for t, v in vec.items()) / centroid_norm for vec in vectors]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def select_sentences(candidates: Sequence[Candidate]) -> list[Candidate]:
    scores = _centrality(candidates)
    for index, candidate in enumerate(candidates):
        if index == 0:
            scores[index] *= _LEAD_BOOST
        elif candidate.section_lead:
            scores[index] *= _SECTION_LEAD_BOOST
        if _COURTESY_RE.match(candidate.text) or _CONTACT_RE.search(candidate.text):
            scores[index] *= _BOILERPLATE_PENALTY
    wanted = summary_length(len(candidates))
    chosen: list[Candidate] = []
    for index in sorted(range(len(candidates)), key=lambda i: (-scores[i], i)):
        candidate = candidates[index]
        if any(_jaccard(candidate.terms, c.terms) >= _DUPLICATE_JACCARD for c in chosen):
            continue
        chosen.append(candidate)
        if len(chosen) == wanted:
            break
    return sorted(chosen, key=lambda c: c.start)


#: A summary quotes sentences; one without an end (a pasted run of words) is cut to this.
_MAX_SENTENCE_CHARS = 400


def _shortened(sentence: str) -> str:
    if len(sentence) <= _MAX_SENTENCE_CHARS:
        return sentence
    cut = sentence.rfind(" ", 0, _MAX_SENTENCE_CHARS)
    return sentence[: cut if cut > 0 else _MAX_SENTENCE_CHARS] + " …"


def summarize(document: DocumentText) -> str:
    headings, pages = outline_of(document.version, document.is_html)
    candidates = _candidates(document.visible, headings, strict=True)
    if not candidates:
        candidates = _candidates(document.visible, headings, strict=False)
    paragraph_starts = [0, *(m.end() for m in re.finditer(r"\n[ \t\r\f]*\n", document.visible))]
    heading_starts = [h.offset for h in headings]
    lines = [f"Summary of {document.version.document.name}:"]
    for candidate in select_sentences(candidates):
        section = bisect.bisect_right(heading_starts, candidate.start) - 1
        paragraph = bisect.bisect_right(paragraph_starts, candidate.start)
        where = source_label(
            headings[section].title if section >= 0 else None,
            pages.page_at(candidate.start) if pages else None,
            fallback=f"Paragraph {paragraph}",
        )
        lines.append(f"- {_shortened(candidate.text)} [{where}]")
    if len(lines) == 1:
        lines.append("- The document has no sentences to summarise.")
    return "\n".join(lines)


async def summarize_document(context: ActionContext) -> list[ActionOutput]:
    document = require_document_text(context, "Summarize Document")
    summary = await asyncio.to_thread(summarize, document)
    return [ActionOutput(type="text", value=summary)]
