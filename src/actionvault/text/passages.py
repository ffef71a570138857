"""A document's passages, and BM25 ranking of passages against a question.

Offline answers quote the document's own passages, each cited by heading or page, and chat
routing ranks text against a message, so splitting and ranking live here, apart from any one
action. Ranking uses an inverted index: a question touches only the passages sharing a term.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from actionvault.text.outline import LINE_RE, Heading, PageMap, is_page_marker, sentences_of

# --- terms ----------------------------------------------------------------------------------

_TERM_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_STOPWORD_TEXT = (
    "a about above after again all also am an and any are as at be been before being below "
    "between both but by can could did do does doing done during each either else ever few for "
    "from further get gets give given had has have having he her here hers him his how i if in "
    "into is it its itself just me might more most much must my no nor not now of off on once "
    "only or other our ours out over own please same shall she should so some such tell than "
    "that the their theirs them then there these they this those through to too under until up "
    "us very was we were what when where which while who whom whose why will with would you "
    "your yours s t don doesn isn aren wasn weren ve ll re d m say says said know let"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Longest first, so "ies" is stripped before "es" and "s".
_SUFFIXES = (
    "ations", "ation", "ments", "ment", "ions", "ion", "ings", "ing", "ages", "age", "ies",
    "ied", "ed", "es", "ly", "s",
)  # fmt: skip


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: "doses", "dosing" and "dose" all become "dos".

    Questions and documents word the same idea differently; a full stemmer would need a
    dependency for a gain that term overlap ranking barely shows.
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def terms(text: str, ignored: frozenset[str] = frozenset()) -> list[str]:
    """The content words of `text`, lower-cased and stemmed, in order."""
    found = []
    for match in _TERM_RE.finditer(text.lower()):
        word = match.group()
        if "'" in word or "\u2019" in word:
            word = word.replace("\u2019", "'").split("'")[0]
        if word in STOPWORDS or word in ignored:
            continue
        found.append(stem(word))
    return found


# --- passages -------------------------------------------------------------------------------


def source_label(heading: str | None, page: int | None, fallback: str = "Document") -> str:
    """Where a piece of text comes from, as citations write it: "Section: Dosing, page 3"."""
    if heading and page is not None:
        return f"Section: {heading}, page {page}"
    if heading:
        return f"Section: {heading}"
    if page is not None:
        return f"Page {page}"
    return fallback


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    offset: int
    heading: str | None = None
    page: int | None = None
    #: Overrides the heading/page citation, e.g. "Field: Therapeutic area" for record fields.
    source: str | None = None

    @property
    def label(self) -> str:
        return self.source or source_label(self.heading, self.page)

    @property
    def citation(self) -> str:
        return f"[{self.label}]"


_MAX_PASSAGE_WORDS = 120


def _chunk(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Long paragraphs are cut at sentence ends, so a passage stays a readable answer."""
    if len(text[start:end].split()) <= _MAX_PASSAGE_WORDS:
        yield start, end
        return
    piece = text[start:end]
    sentences = sentences_of(piece)
    chunk_start, words = start, 0
    for sentence in sentences:
        count = len(piece[sentence.start : sentence.end].split())
        if words and words + count > _MAX_PASSAGE_WORDS:
            yield chunk_start, start + sentence.start
            chunk_start, words = start + sentence.start, 0
        words += count
    yield chunk_start, end


def split_passages(
    text: str, visible: str, headings: Sequence[Heading], pages: PageMap | None = None
) -> list[Passage]:
    """Paragraphs of `visible` (the text with any markup blanked), each labelled with the
    heading it sits under and its page; heading lines and page markers are labels, not text."""
    pages = PageMap.from_text(text) if pages is None else pages
    heading_starts = [h.offset for h in headings]
    line_starts = [h.offset for h in headings if h.in_text]

    def holds_heading(start: int, end: int) -> bool:
        index = bisect.bisect_left(line_starts, start)
        return index < len(line_starts) and line_starts[index] < end

    passages: list[Passage] = []

    def flush(start: int, end: int) -> None:
        for chunk_start, chunk_end in _chunk(visible, start, end):
            words = " ".join(visible[chunk_start:chunk_end].split())
            if not words:
                continue
            index = bisect.bisect_right(heading_starts, chunk_start) - 1
            heading = headings[index].title if index >= 0 else None
            passages.append(Passage(words, chunk_start, heading, pages.page_at(chunk_start)))

    paragraph_start: int | None = None
    paragraph_end = 0
    for match in LINE_RE.finditer(visible):
        line = match.group()
        if not line:
            break
        content = line.strip()
        first = match.start() + len(line) - len(line.lstrip())
        label_line = bool(content) and (
            holds_heading(first, match.end()) or is_page_marker(content)
        )
        if not content or label_line:
            if paragraph_start is not None:
                flush(paragraph_start, paragraph_end)
                paragraph_start = None
            continue
        if paragraph_start is None:
            paragraph_start = first
        paragraph_end = match.start() + len(line.rstrip())
        if line.endswith("\f"):
            flush(paragraph_start, paragraph_end)
            paragraph_start = None
    if paragraph_start is not None:
        flush(paragraph_start, paragraph_end)
    return passages


# --- ranking --------------------------------------------------------------------------------


class BM25:
    """Okapi BM25 over tokenised passages, with an inverted index so a query touches only the
    passages that share a term with it."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.size = len(documents)
        self.lengths = [len(d) for d in documents]
        self.average = (sum(self.lengths) / self.size) if self.size else 0.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, document in enumerate(documents):
            for term, count in Counter(document).items():
                self.postings[term].append((index, count))

    def idf(self, term: str) -> float:
        """Never negative, and highest for a term no passage has, which therefore counts
        fully against coverage: a question about something absent is not answered."""
        n = len(self.postings.get(term, ()))
        return math.log(1 + (self.size - n + 0.5) / (n + 0.5))

    def scores(self, query: Iterable[str]) -> dict[int, float]:
        found: dict[int, float] = defaultdict(float)
        for term in set(query):
            idf = self.idf(term)
            for index, count in self.postings.get(term, ()):
                norm = 1 - self.b + self.b * self.lengths[index] / (self.average or 1)
                found[index] += idf * count * (self.k1 + 1) / (count + self.k1 * norm)
        return found


@dataclass(frozen=True, slots=True)
class Ranked:
    passage: Passage
    score: float
    #: Share of the question's term weight (idf) that the passage contains, 0..1.
    coverage: float


# A passage answers when it holds at least this share of the question's weighted terms.
MIN_COVERAGE = 0.5
PHRASE_BONUS = 0.5


def rank_passages(
    question: str,
    passages: Sequence[Passage],
    ignored: frozenset[str] = frozenset(),
    index_texts: Sequence[str] | None = None,
) -> list[Ranked]:
    """Passages sharing terms with `question`, best first.

    A passage is indexed with its heading, since a heading names what its text is about;
    `index_texts` replaces that (e.g. with a field's label and value) where it differs.
    """
    query = terms(question, ignored)
    if not query or not passages:
        return []
    texts = index_texts or [f"{p.heading or ''}\n{p.text}" for p in passages]
    tokenised = [terms(t) for t in texts]
    bm25 = BM25(tokenised)
    weights = {term: bm25.idf(term) for term in set(query)}
    total = sum(weights.values()) or 1.0
    query_pairs = set(itertools.pairwise(query))
    ranked = []
    for index, score in bm25.scores(query).items():
        present = set(tokenised[index])
        coverage = sum(w for t, w in weights.items() if t in present) / total
        pairs = query_pairs & set(itertools.pairwise(tokenised[index]))
        bonus = PHRASE_BONUS * len(pairs) * max(weights.values())
        ranked.append(Ranked(passages[index], score + bonus, coverage))
    ranked.sort(key=lambda r: (-r.score, r.passage.offset))
    return ranked


def answering_passages(
    ranked: Sequence[Ranked], limit: int = 3, min_coverage: float = MIN_COVERAGE
) -> list[Ranked]:
    """The best passages that answer, none scoring far below the best one."""
    answering = [r for r in ranked if r.coverage >= min_coverage]
    if not answering:
        return []
    best = answering[0].score
    return [r for r in answering[:limit] if r.score >= best * 0.5]
