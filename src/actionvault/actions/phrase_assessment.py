"""quick_check__v / phrase_assessment__v on the built-in engine: promotional claims from a lexicon.

The claims regulators object to are a known, finite vocabulary ("cures", "best", "completely
safe", "clinically proven" without a reference), so an editable lexicon finds them reliably and
explains each finding. Three guards keep reviewers' trust: a negation just before a phrase
cancels it ("not the best choice for everyone"), a yes/no question asserts nothing ("Is it a
cure?"), and phrases that are only claims when unsupported ("proven to", "better than") are
skipped when the same sentence cites data.
"""

from __future__ import annotations

import asyncio
import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from actionvault.actions.context import ActionContext, capped, json_output, require_document_text
from actionvault.domain.executions import ActionOutput
from actionvault.text.outline import sentences_of
from actionvault.text.segments import SentenceIndex

CATEGORIES = (
    "absolute", "superlative", "unqualified_safety", "unqualified_efficacy", "comparative",
)  # fmt: skip


class LexiconError(ValueError):
    """A lexicon file is invalid; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    pattern: re.Pattern[str]
    category: str
    reason: str
    needs_reference: bool = False


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


def phrase_regex(phrase: str) -> str:
    """Whole-word, case-insensitive, any run of spaces between words, and a hyphen that may
    also be written as a space or left out ("non-toxic", "non toxic", "nontoxic")."""
    words = [re.escape(w).replace(r"\-", r"[\s\-\u2010\u2011]?") for w in phrase.split()]
    return r"(?<![\w-])" + r"\s+".join(words) + r"(?!\w|-\w)"


def _compile_entry(raw: Any, origin: str, index: int) -> LexiconEntry:
    where = f"{origin}: entry {index}"
    if not isinstance(raw, dict):
        raise LexiconError(f"{where}: expected a mapping with pattern, category and reason")
    missing = [k for k in ("pattern", "category", "reason") if not str(raw.get(k) or "").strip()]
    if missing:
        raise LexiconError(f"{where}: missing {', '.join(missing)}")
    unknown = set(raw) - {"pattern", "category", "reason", "regex", "needs_reference"}
    if unknown:
        raise LexiconError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    source = str(raw["pattern"])
    try:
        pattern = re.compile(source if raw.get("regex") else phrase_regex(source), re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"{where}: pattern {source!r} is not a valid regex: {exc}") from exc
    if pattern.match(""):
        raise LexiconError(f"{where}: pattern {source!r} matches empty text")
    return LexiconEntry(
        pattern, str(raw["category"]), str(raw["reason"]), bool(raw.get("needs_reference"))
    )


def parse_lexicon(text: str, origin: str) -> tuple[LexiconEntry, ...]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LexiconError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{origin}: expected a top-level 'entries' list")
    return tuple(_compile_entry(raw, origin, i) for i, raw in enumerate(data["entries"]))


@functools.lru_cache(maxsize=8)
def load_lexicon(extra: Path | None = None) -> tuple[LexiconEntry, ...]:
    """The packaged lexicon, followed by the entries of `extra` (a site's own phrases)."""
    packaged = resources.files("actionvault.actions") / "data" / "phrase_lexicon.yaml"
    entries = parse_lexicon(packaged.read_text(encoding="utf-8"), "phrase_lexicon.yaml")
    if extra is not None:
        entries += parse_lexicon(Path(extra).read_text(encoding="utf-8"), str(extra))
    return entries


# --- guards ---------------------------------------------------------------------------------

_NEGATORS = frozenset(
    {"not", "no", "never", "cannot", "without", "nor", "neither", "hardly", "isn't", "aren't",
     "wasn't", "weren't", "doesn't", "don't", "didn't", "won't", "can't", "couldn't",
     "shouldn't", "wouldn't"}
)  # fmt: skip
_INTENSIFIERS = frozenset({"only", "just", "merely", "simply"})  # "not only the best ..."
_NEGATION_WINDOW_WORDS = 3
_CLAUSE_BREAK_RE = re.compile(r"[,;:()\u2013\u2014]|\bbut\b", re.I)
_WORD_RE = re.compile(r"[\w'\u2019]+")
_REFERENCE_RE = re.compile(
    r"\[\s*\d+(?:\s*[,\u2013-]\s*\d+)*\s*\]"  # [1], [1,2], [1-3]
    r"|[\u00b9\u00b2\u00b3\u2070-\u2079]"  # superscript footnote digits
    r"|\(\s*(?:ref|reference|see)\b"
    r"|\bstud(?:y|ies)\b|\btrials?\b|\bdata\s+on\s+file\b|\bmeta-?analys[ie]s\b|\bet\s+al\b"
    r"|\bhead[\s-]to[\s-]head\b|\bp\s*[<=\u2264]\s*0?\.\d|\b\d{2}\s?%\s*CI\b",
    re.IGNORECASE,
)


def is_negated(text: str, sentence_start: int, match_start: int) -> bool:
    """A negation among the few words before the phrase, in the same clause, cancels the claim.

    Scope is what keeps this honest: "not the best choice" is negated, but in "It is not
    expensive, and it is the best" the comma ends the negation's clause.
    """
    before = text[max(sentence_start, match_start - 80) : match_start]
    clauses = _CLAUSE_BREAK_RE.split(before)
    words = [w.lower().replace("\u2019", "'") for w in _WORD_RE.findall(clauses[-1])]
    window = words[-_NEGATION_WINDOW_WORDS:]
    for position, word in enumerate(window):
        following = window[position + 1] if position + 1 < len(window) else ""
        if (word in _NEGATORS or word.endswith("n't")) and following not in _INTENSIFIERS:
            return True
    return False


_YES_NO_QUESTION_RE = re.compile(
    r"(?:is|are|was|were|does|do|did|can|could|will|would|should|has|have|may|might)\b"
    r"[^?]*\?[\"'\u201d\u2019)]*$",
    re.IGNORECASE,
)


def is_yes_no_question(sentence: str) -> bool:
    """ "Is Osteofort a cure?" asks rather than claims; a rhetorical "Why settle for less than
    the best?" is not a yes/no question and is still assessed."""
    return bool(_YES_NO_QUESTION_RE.match(sentence.lstrip("\"'\u201c\u2018(")))


def cites_data(sentence: str) -> bool:
    return bool(_REFERENCE_RE.search(sentence))


# --- assessment -----------------------------------------------------------------------------


def _dedupe(found: Iterable[Finding]) -> list[Finding]:
    """Overlapping matches of one category merge into one finding; across categories the
    longer match wins, the earlier one on a tie."""
    kept: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.offset, -(f.end - f.offset))):
        if not kept or finding.offset >= kept[-1].end:
            kept.append(finding)
            continue
        last = kept[-1]
        if finding.category == last.category:
            if finding.end > last.end:
                kept[-1] = replace(last, end=finding.end)
        elif finding.end - finding.offset > last.end - last.offset:
            kept[-1] = finding
    return kept


def assess_phrases(visible: str, entries: Sequence[LexiconEntry] | None = None) -> list[Finding]:
    """Findings in `visible` (text with any markup already blanked), in document order."""
    lexicon = load_lexicon() if entries is None else entries
    sentences = sentences_of(visible)
    index = SentenceIndex(visible, sentences)
    starts = [s.start for s in sentences]
    found = []
    for entry in lexicon:
        for match in entry.pattern.finditer(visible):
            if match.end() == match.start():
                continue
            sentence_start = _sentence_start(starts, match.start())
            if is_negated(visible, sentence_start, match.start()):
                continue
            sentence = index.sentence_at(match.start())
            if is_yes_no_question(sentence) or (entry.needs_reference and cites_data(sentence)):
                continue
            found.append(
                Finding(
                    match.group(),
                    entry.category,
                    entry.reason,
                    " ".join(sentence.split()),
                    match.start(),
                    match.end(),
                )
            )
    return [replace(f, text=" ".join(visible[f.offset : f.end].split())) for f in _dedupe(found)]


def _sentence_start(starts: Sequence[int], offset: int) -> int:
    index = bisect.bisect_right(starts, offset) - 1
    return starts[index] if index >= 0 else 0


def findings_payload(
    findings: Sequence[Finding], categories: Iterable[str] = CATEGORIES
) -> dict[str, object]:
    counts = Counter(f.category for f in findings)
    by_category = {c: counts.get(c, 0) for c in categories} | dict(counts)
    listed, omitted = capped(list(findings))
    payload: dict[str, object] = {
        "findings": [f.as_dict() for f in listed],
        "summary": {"total": len(findings), "by_category": by_category},
    }
    if omitted:
        payload["findings_omitted"] = omitted
    return payload


async def assess_promotional_phrases(context: ActionContext) -> list[ActionOutput]:
    document = require_document_text(context, "Phrase Assessment")
    extra = context.action.options.get("extra_lexicon")
    entries = load_lexicon(Path(extra) if extra else None)
    findings = await asyncio.to_thread(assess_phrases, document.visible, entries)
    categories = dict.fromkeys([*CATEGORIES, *(e.category for e in entries)])
    return [json_output(findings_payload(findings, categories))]
