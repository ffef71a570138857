"""Promotional claims in text: word families and rules, read in their sentence's grammar.

A claim is a word family in a claim's shape ("the safest", "works faster than", "no side
effects"), from the lexicon in `data/claims.yaml`, and the sentence decides whether it is
asserted of the product: a negation just before it cancels it ("not the right option for
all"), a question asks rather than claims ("Is it a cure?"), a hedge or a condition
withdraws a safety, absolute or efficacy claim ("may help", "ask whether it is safe for you"), a
data statement (a result with its source, or a reference) is not a claim for the rules that need
one, and a claim word inside a name ("the SAFE-HF trial") or a quoted endpoint is a term.
Ordinary clinical language that uses claim words ("best supportive care", "the leading cause
of") is listed in the lexicon and never reported. Every step is a regular-expression scan or a
look at a bounded window, so the work stays linear in the text. The lexicon's file format is
read in `actionvault.text.claim_lexicon`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from actionvault.text.claim_lexicon import (
    Lexicon,
    LexiconError,
    Rule,
    graded,
    load_lexicon,
    parse_lexicon,
    phrase_regex,
)
from actionvault.text.outline import sentences_of
from actionvault.text.segments import SentenceIndex

__all__ = [
    "CATEGORIES", "OUTCOME_CATEGORIES", "Finding", "Lexicon", "LexiconError", "Rule", "assess",
    "graded", "is_data_statement", "is_hedged", "is_name", "is_negated", "is_question",
    "is_quoted_term", "load_lexicon", "parse_lexicon", "phrase_regex",
]  # fmt: skip

#: The packaged categories, in the order that decides between overlapping claims.
CATEGORIES = (
    "superlative", "comparative", "unqualified_safety", "absolute", "unqualified_efficacy",
)  # fmt: skip
#: Categories whose claims a hedge or a condition withdraws: the promise of an outcome.
OUTCOME_CATEGORIES = frozenset({"unqualified_safety", "absolute", "unqualified_efficacy"})


@dataclass(frozen=True, slots=True)
class Finding:
    text: str
    category: str
    reason: str
    sentence: str
    offset: int
    end: int

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "category": self.category,
            "reason": self.reason,
            "sentence": self.sentence,
            "offset": self.offset,
        }


# --- the sentence's grammar -----------------------------------------------------------------

_NEGATORS = frozenset(
    {"not", "no", "never", "cannot", "without", "nor", "neither", "hardly", "barely", "nothing",
     "none", "nobody", "isn't", "aren't", "wasn't", "weren't", "doesn't", "don't", "didn't",
     "won't", "can't", "couldn't", "shouldn't", "wouldn't"}
)  # fmt: skip
_INTENSIFIERS = frozenset({"only", "just", "merely", "simply"})  # "not only the best ..."
_HEDGES = frozenset(
    {"may", "might", "could", "aim", "aims", "aimed", "designed", "intended", "potentially",
     "possibly", "perhaps", "maybe", "hope", "hopes", "hoped", "expected", "likely",
     "investigational", "help", "helps", "evaluate", "assess", "determine", "investigate",
     "explore", "examine"}
)  # fmt: skip
_CONDITIONS = frozenset({"if", "whether", "unless", "ensure", "sure"})
_NEGATION_WINDOW = 3
_HEDGE_WINDOW = 8
_CLAUSE_BREAK_RE = re.compile(r"[,;:()\u2013\u2014]|\s-{1,2}\s|--|\bbut\b", re.I)
_WORD_RE = re.compile(r"[\w'\u2019]+")


def _clause_words(text: str, floor: int, start: int) -> list[str]:
    """The words of the clause before `start`, lower-cased, back to a clause break."""
    before = text[max(floor, start - 100) : start]
    clause = _CLAUSE_BREAK_RE.split(before)[-1]
    return [w.lower().replace("\u2019", "'") for w in _WORD_RE.findall(clause)]


# Words a negation reaches across: "not been shown to be safe", "not considered a cure".
_LINKING_WORDS = frozenset(
    {"be", "been", "being", "is", "are", "was", "were", "to", "a", "an", "the", "shown", "proven",
     "considered", "found", "known", "thought", "seen", "regarded", "established", "always"}
)  # fmt: skip


def is_negated(words: Sequence[str]) -> bool:
    """A negation among the last few words of the clause before a claim cancels it; "not only"
    and "not just" intensify instead. The clause is the scope: in "It is not expensive, and it
    is the best" the comma ends the negation's reach. Linking words ("has not been shown to be
    safe") do not count towards the few."""
    counted: list[str] = []
    for word in reversed(words):
        counted.append(word)
        if sum(w not in _LINKING_WORDS for w in counted) >= _NEGATION_WINDOW:
            break
    window = counted[::-1]
    for position, word in enumerate(window):
        following = window[position + 1] if position + 1 < len(window) else ""
        if (word in _NEGATORS or word.endswith("n't")) and following not in _INTENSIFIERS:
            return True
    return False


def is_hedged(words: Sequence[str]) -> bool:
    """A hedge ("may", "could", "aims to", "helps") or a condition ("if", "whether") shortly
    before an outcome claim makes it a possibility or a question, not a promise."""
    window = words[-_HEDGE_WINDOW:]
    return any(w in _HEDGES or w in _CONDITIONS for w in window)


_QUESTION_RE = re.compile(r"\?[\"'\u201d\u2019)\]]*$")
_RHETORICAL_RE = re.compile(r"[\"'\u201c\u2018(]*why\b", re.IGNORECASE)


def is_question(sentence: str) -> bool:
    """A question asks rather than claims ("Is it a cure?", "No risk factors?", "Tired of
    sleepless nights?"); a rhetorical "Why settle for less than the best?" presupposes its
    claim and is still assessed."""
    return bool(_QUESTION_RE.search(sentence)) and not _RHETORICAL_RE.match(sentence)


_REFERENCE_RE = re.compile(
    r"\[\s*\d+(?:\s*[,\u2013-]\s*\d+)*\s*\]"  # [1], [1,2], [1-3]
    r"|[\u00b9\u00b2\u00b3\u2070-\u2079]"  # superscript reference numbers
    r"|\(\s*(?:ref|reference|see)\b|\bdata\s+on\s+file\b|\bet\s+al\b"
    r"|\([A-Z][a-z]+(?:\s+et\s+al\.?)?,?\s+(?:19|20)\d\d\)",  # (Author 2021)
    re.IGNORECASE,
)
_RESULT_RE = re.compile(
    r"\d\s?%|\bp\s*[<=>\u2264]\s*0?\.\d|\b(?:HR|OR|RR)\s*[=:]?\s*\d|\bCI\b"
    r"|\d(?:\.\d+)?\s*(?:\w+\s+)?(?:vs\.?|versus)\s+\d|\bn\s*=\s*\d"
    r"|\b\d+\s+(?:in|out\s+of)\s+\d+\b",
    re.IGNORECASE,
)
_SOURCE_RE = re.compile(
    r"(?i:\b(?:trials?|stud(?:y|ies)|analys[ie]s|meta-?analys[ie]s|registry|cohort|survey"
    r"|according\s+to|data\s+from|reported\s+by)\b)"
    r"|\b(?:CDC|WHO|NIH|NHS|NICE|FDA|EMA|ECDC)\b"  # public-health bodies
    # A trial's code name just after "in" ("In ABC-1, ..."), not a target such as GLP-1.
    r"|(?i:\bin\s+(?:the\s+)?)[A-Z][A-Z0-9]{2,}(?:-[A-Za-z0-9]+)+\b",
)


def is_data_statement(sentence: str) -> bool:
    """A sentence that cites a reference, or reports a result with its source, states data;
    a number without a source ("lowers LDL by 50%") does not."""
    return bool(_REFERENCE_RE.search(sentence)) or bool(
        _RESULT_RE.search(sentence) and _SOURCE_RE.search(sentence)
    )


_NAME_HEAD_RE = re.compile(
    r"[ \t]+(?:[A-Z][\w-]*[ \t]+){0,3}(?:Program|Programme|Study|Trial|Initiative|Foundation|Act|"
    r"Award|Campaign|Network|Registry|Institute|Center|Centre|Society|Association|Project)\b"
)
_CAPS_WORD_RE = re.compile(r"[A-Z][A-Z0-9]+(?:-[A-Za-z0-9]+)*")


def is_name(text: str, start: int, end: int, sentence: str) -> bool:
    """A claim word that is part of a name: followed by "Program", "Study" and the like
    ("the Safe Start Program"), or written in capitals beside other capitals or a hyphenated
    code ("the SAFE-HF trial", "the ZENTRIX SAFE Program") in a sentence not all in capitals."""
    if _NAME_HEAD_RE.match(text, end) and text[start].isupper():
        return True
    word = text[start:end]
    if not word.isupper() or sum(c.isupper() for c in sentence) > 0.6 * sum(
        c.isalpha() for c in sentence
    ):
        return False
    before, after = text[max(0, start - 30) : start], text[end : end + 30]
    return (
        "-" in word
        or after.startswith(("-", "\u2010", "\u2011"))
        or bool(_CAPS_WORD_RE.fullmatch((before.split() or [""])[-1]))
        or bool(_CAPS_WORD_RE.fullmatch((after.split() or [""])[0]))
    )


_QUOTES = '"\u201c\u201d'
_TERM_CUE_RE = re.compile(
    r"\b(?:end[\s-]?points?|outcomes?|measures?|defined\s+as|called|named|known\s+as|titled"
    r"|entitled|programm?e|campaign|initiative)\b",
    re.IGNORECASE,
)
_MAX_TERM_WORDS = 8


def is_quoted_term(text: str, start: int, end: int, sentence: str) -> bool:
    """A claim word inside a short quotation that the sentence names as an endpoint, a measure
    or a programme ("the primary endpoint, "complete itch relief", was met") is a term being
    reported, not a claim made; a quoted remark from a spokesperson is still assessed."""
    opening = max(text.rfind(q, max(0, start - 80), start) for q in _QUOTES)
    closing = [i for i in (text.find(q, end, end + 80) for q in _QUOTES) if i != -1]
    if opening == -1 or not closing:
        return False
    quoted = text[opening + 1 : min(closing)]
    return len(quoted.split()) <= _MAX_TERM_WORDS and bool(_TERM_CUE_RE.search(sentence))


# --- assessment -----------------------------------------------------------------------------


def _rank(category: str) -> int:
    return CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES)


def _wins(new: Finding, kept: Finding) -> bool:
    """Between overlapping claims of different categories the category that comes first in
    CATEGORIES wins; among categories a site added, the longer claim."""
    if _rank(new.category) != _rank(kept.category):
        return _rank(new.category) < _rank(kept.category)
    return new.end - new.offset > kept.end - kept.offset


_MAX_GAP_WORDS = 3
_SEPARATE_CLAIMS_RE = re.compile(r"[,;:.!?()\u2013\u2014]|--|\b(?:and|or|nor|but|while)\b", re.I)


def _one_claim(text: str, first: Finding, second: Finding) -> bool:
    """Two claims of one category a few words apart, with no punctuation or conjunction
    between them, make one claim: "clears the rash for good", "goodbye to heartburn
    forever"; "the best and safest" stays two."""
    gap = text[first.end : second.offset]
    return (
        first.category == second.category
        and len(gap.split()) <= _MAX_GAP_WORDS
        and len(gap) <= 40
        and not _SEPARATE_CLAIMS_RE.search(gap)
    )


def _dedupe(text: str, found: Iterable[Finding]) -> list[Finding]:
    """Overlapping claims of one category merge into one finding, as do claims of one category
    that make one claim; across categories one wins."""
    kept: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.offset, -(f.end - f.offset))):
        if not kept:
            kept.append(finding)
            continue
        last = kept[-1]
        if finding.offset >= last.end:
            if _one_claim(text, last, finding):
                kept[-1] = replace(last, end=finding.end)
            else:
                kept.append(finding)
        elif finding.category == last.category:
            if finding.end > last.end:
                kept[-1] = replace(last, end=finding.end)
        elif _wins(finding, last):
            kept[-1] = finding
    return kept


class _Spans:
    """Non-claim spans, for asking whether a claim overlaps one (sorted starts, running ends)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._reach: list[int] = []
        furthest = -1
        for _, end in ordered:
            furthest = max(furthest, end)
            self._reach.append(furthest)

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._starts, end) - 1
        return index >= 0 and self._reach[index] > start


def assess(visible: str, lexicon: Lexicon | None = None) -> list[Finding]:
    """The claims in `visible` (text with any markup already blanked), in document order."""
    lexicon = load_lexicon() if lexicon is None else lexicon
    sentences = sentences_of(visible)
    index = SentenceIndex(visible, sentences)
    starts = [s.start for s in sentences]
    ordinary = _Spans(
        match.span() for pattern in lexicon.not_claims for match in pattern.finditer(visible)
    )
    found = []
    for rule in lexicon.rules:
        for match in rule.pattern.finditer(visible):
            start, end = match.span()
            if start == end or ordinary.overlaps(start, end):
                continue
            at = bisect.bisect_right(starts, start) - 1
            words = _clause_words(visible, starts[at] if at >= 0 else 0, start)
            if is_negated(words):
                continue
            if (rule.outcome or rule.category in OUTCOME_CATEGORIES) and is_hedged(words):
                continue
            sentence = index.sentence_at(start)
            if (
                is_question(sentence)
                or (rule.needs_reference and is_data_statement(sentence))
                or is_name(visible, start, end, sentence)
                or is_quoted_term(visible, start, end, sentence)
            ):
                continue
            quoted = " ".join(sentence.split())
            found.append(Finding(match.group(), rule.category, rule.reason, quoted, start, end))
    return [
        replace(f, text=" ".join(visible[f.offset : f.end].split()))
        for f in _dedupe(visible, found)
    ]
