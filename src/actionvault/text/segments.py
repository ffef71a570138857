"""Offset-preserving segmentation of text into words, protected spans and sentences.

Every proofreading rule must report the exact character offset of what it
flags, so nothing here normalises or copies the text: tokens, spans and
sentences are all offsets into the caller's string.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

# Letters/digits joined by inner apostrophes or hyphens: "patient's", "once-daily",
# "GLP-1". Underscores are excluded so identifiers split and can be recognised.
WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*(?:-[^\W_]+(?:['\u2019][^\W_]+)*)*")

# Every pattern that starts with a repeated class is anchored by a lookbehind at
# the start of a run, so a long run without a match costs linear, not quadratic, time.
_PROTECTED_PATTERNS = (
    # URLs: trailing sentence punctuation belongs to the sentence, not the URL.
    re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'()]*[^\s<>\"'().,;:!?]"),
    re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # Bare domains. Lower-case TLDs only, and none that are also English words
    # ("it", "us", "in"), so "end.It" or "end.it" still reads as a missing space.
    re.compile(
        r"(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|int|io|info|biz|eu|uk|de|fr|nl|ch|ca|au|health)"
        r"\b(?:/[^\s]*[^\s.,;:!?)])?"
    ),
    re.compile(
        r"(?<![\w-])[\w-]+\.(?:pdf|docx?|xlsx?|pptx?|txt|csv|json|xml|ya?ml|png|jpe?g|gif|svg|zip|html?|md|js|py)\b"
    ),
    re.compile(r"\bdoi:\s*\S*[^\s.,;]", re.IGNORECASE),  # "doi:10.1016/S0140-6736(22)00512-3"
    # Only the inner dots of "e.g", "i.e", "U.S", "a.m": a final dot glued to the
    # next word ("e.g.the") is still a missing space.
    re.compile(r"\b[A-Za-z](?:\.[A-Za-z])+\b"),
    re.compile(r"\b[A-Z][a-z]{0,4}\.[A-Z][a-z]?\."),  # Ph.D., Pharm.D., B.Sc.
)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    # False where lower case is normal at the start (list items, heading breaks).
    capital_expected: bool


#: Marks that end or interrupt a clause: words on either side of one are not read together.
_CLAUSE_BREAKS = frozenset(',;:()[]\u2013\u2014\n.!?"')


def folded_words(tokens: Sequence[Token]) -> list[str]:
    """The tokens as the grammar rules compare them: lower case, with a typographic
    apostrophe made plain ("Don\u2019t" and "don't" are one word)."""
    return [t.text.lower().replace("\u2019", "'") for t in tokens]


def same_clause(text: str, tokens: Sequence[Token], index: int) -> bool:
    """Whether token `index` follows the one before it within one clause: no mark that ends or
    interrupts a clause stands between them."""
    if not 0 < index < len(tokens):
        return False
    gap = text[tokens[index - 1].end : tokens[index].start]
    return not any(c in _CLAUSE_BREAKS for c in gap)


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start()) for m in WORD_RE.finditer(text)]


class ProtectedSpans:
    """Regions (URLs, e-mail addresses, file names, DOIs, dotted abbreviations) that
    no rule may flag, because their punctuation and spelling are not prose."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, text: str) -> None:
        raw = sorted((m.start(), m.end()) for p in _PROTECTED_PATTERNS for m in p.finditer(text))
        merged: list[list[int]] = []
        for start, end in raw:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, end - 1) - 1
        return i >= 0 and self._ends[i] > start

    def covers(self, position: int) -> bool:
        return self.overlaps(position, position + 1)


_SENTENCE_END_RE = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s)")
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v]*\n")
_LIST_MARKER_RE = re.compile(
    r"(?:[-•*\u2013▪◦·]|(?:\d{1,2}|[ivx]{1,4}|[IVX]{1,4}|[a-z])[.)]|\((?:[ivx]{1,4}|[a-z])\))[ \t]+"
)
_ENUMERATOR_RE = re.compile(r"\d{1,3}|[ivx]{1,4}|[IVX]{1,4}|[a-z]")
_OPENERS = "\"'\u201c\u2018([¿¡"
_CLOSERS = "\"'\u201d\u2019)]"


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Abbreviations after which a period never ends a sentence.
_NEVER_FINAL = _words(
    "e.g i.e cf viz dr mr mrs ms prof rev hon vs approx fig figs no nos vol ref refs "
    "st jr sr dept eq sec ch pp incl est ca"
)
# Abbreviations that often end a sentence: only a following capital says they did.
_MAYBE_FINAL = _words(
    "etc al inc ltd co corp mg mcg kg g ml dl l mmol mol iu min h hr hrs wk wks mo "
    "yr yrs mmhg cm mm km a.m p.m u.s u.k jan feb mar apr jun jul aug sep sept oct "
    "nov dec"
)
# A line ending in one of these continues on the next line (hard-wrapped prose).
_CONTINUING_WORDS = _words("the a an of and or to in for with by on at from as that")


def _next_visible(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _first_letter_after(text: str, position: int) -> str:
    while position < len(text) and text[position] in _OPENERS:
        position += 1
    return text[position] if position < len(text) else ""


def _period_ends_sentence(text: str, dot: int, next_char: str) -> bool:
    before = re.search(r"[\w.]+$", text[max(0, dot - 24) : dot])
    if before is None:
        return True
    word = before.group().strip(".")
    lowered = word.lower()
    if next_char.isdigit() or lowered in _NEVER_FINAL:
        return False
    if len(word) == 1 and word.isupper():  # an initial, as in "J. Smith"
        return False
    line_start = text.rfind("\n", 0, dot) + 1
    if _ENUMERATOR_RE.fullmatch(word) and not text[line_start : dot - len(word)].strip():
        return False  # "1.", "iv." or "b." numbering a list item
    if lowered in _MAYBE_FINAL or ("." in word and any(c.isalpha() for c in word)):
        return not next_char.islower()
    return True


def _punctuation_ends_sentence(text: str, match: re.Match[str], next_char: str) -> bool:
    marks = match.group().rstrip(_CLOSERS)
    if "!" in marks or "?" in marks:
        return True
    if len(marks) > 1:  # an ellipsis ends a sentence only if a capital follows
        return next_char.isupper()
    return _period_ends_sentence(text, match.start(), next_char)


def _line_break_starts_sentence(text: str, newline: int, next_start: int) -> bool:
    if _LIST_MARKER_RE.match(text, next_start):
        return True
    if not text[next_start].isupper():
        return False
    previous_line = text[text.rfind("\n", 0, newline) + 1 : newline].rstrip()
    if not previous_line or previous_line[-1] in ",;:(-\u2013/&":
        return False
    last_word = previous_line.rsplit(maxsplit=1)[-1].lower()
    return last_word not in _CONTINUING_WORDS


def split_sentences(text: str, protected: ProtectedSpans) -> list[Sentence]:
    """Split on sentence punctuation, paragraph breaks and heading/list line
    breaks, but not on abbreviations, initials, decimals or enumerators."""
    starts: dict[int, bool] = {}
    first = _next_visible(text, 0)
    if first < len(text):
        starts[first] = True
    for match in _SENTENCE_END_RE.finditer(text):
        following = _next_visible(text, match.end())
        if following >= len(text) or protected.covers(match.start()):
            continue
        if _punctuation_ends_sentence(text, match, _first_letter_after(text, following)):
            starts[following] = True
    # A run of blank lines holds many breaks that all lead to the same next text: look for
    # it once per run, or a long run would cost time quadratic in its length.
    following = -1
    for match in _PARAGRAPH_BREAK_RE.finditer(text):
        if match.end() > following:
            following = _next_visible(text, match.end())
        if following < len(text):
            starts[following] = True
    newline = text.find("\n")
    while newline != -1:
        following = _next_visible(text, newline + 1)
        if (
            following < len(text)
            and following not in starts
            and _line_break_starts_sentence(text, newline, following)
        ):
            starts[following] = False
        # The line breaks up to `following` have blank lines before them, which decide
        # nothing the first one did not.
        newline = text.find("\n", max(newline + 1, following))

    positions = sorted(starts)
    sentences: list[Sentence] = []
    for index, start in enumerate(positions):
        end = positions[index + 1] if index + 1 < len(positions) else len(text)
        while end > start and text[end - 1].isspace():
            end -= 1
        capital_expected = starts[start]
        marker = _LIST_MARKER_RE.match(text, start, end)
        if marker:  # list items may legitimately start in lower case
            start, capital_expected = marker.end(), False
        if end > start:
            sentences.append(Sentence(start, end, capital_expected))
    return sentences


class SentenceIndex:
    """Finds the sentence holding an offset, for reporting issues in context."""

    __slots__ = ("_sentences", "_starts", "_text")

    def __init__(self, text: str, sentences: Sequence[Sentence]) -> None:
        self._text = text
        self._sentences = list(sentences)
        self._starts = [s.start for s in self._sentences]

    def sentence_at(self, offset: int, limit: int = 300) -> str:
        """The sentence around `offset`, or at most `limit` characters of it centred there.

        The cap keeps a report linear in its input: a finding in a sentence without an end
        (a pasted run of words, a table without full stops) would otherwise copy the whole
        sentence into every finding it holds.
        """
        if self._sentences:
            index = max(0, bisect.bisect_right(self._starts, offset) - 1)
            start, end = self._sentences[index].start, self._sentences[index].end
        else:
            start, end = 0, len(self._text)
        if end - start <= limit:
            return self._text[start:end].strip()
        low = max(start, min(offset - limit // 2, end - limit))
        high = min(end, low + limit)
        # Cut at spaces, so no word is shown in part.
        if low > start:
            space = self._text.find(" ", low, offset)
            low = space + 1 if space != -1 else low
        if high < end:
            space = self._text.rfind(" ", max(offset, low), high)
            high = space if space != -1 else high
        return (
            ("…" if low > start else "")
            + self._text[low:high].strip()
            + ("…" if high < end else "")
        )


def sentence_initial_offsets(
    text: str, sentences: Sequence[Sentence], tokens: Sequence[Token]
) -> set[int]:
    """Offsets of words whose capital comes from their position rather than
    from being a name: sentence and line starts, and words after a colon or an
    opening quote."""
    sentence_starts = {s.start for s in sentences}
    initial: set[int] = set()
    for token in tokens:
        before = token.start - 1
        while before >= 0 and text[before] in "\"'\u201c\u2018":
            before -= 1
        quoted = before < token.start - 1
        opening = before + 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        if (
            quoted
            or token.start in sentence_starts
            or opening in sentence_starts
            or before < 0
            or text[before] in "\n\r:"
        ):
            initial.add(token.start)
    return initial
