"""The claims lexicon: its file format, word families and the patterns they expand into.

Parsing is apart from `actionvault.text.claims`, which reads sentences, because a site's own
lexicon file goes through the same checks and the same word families as the packaged one, and
its errors must name the file and the entry before any document is assessed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


class LexiconError(ValueError):
    """A lexicon file is invalid; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: re.Pattern[str]
    category: str
    reason: str
    #: A data statement (a result with its source, or a reference) in the sentence is no claim.
    needs_reference: bool = False
    #: A hedge withdraws it though its category is not an outcome one: a comparative with its
    #: comparison left out ("helps you fall asleep faster") promises an outcome.
    outcome: bool = False


@dataclass(frozen=True, slots=True)
class Lexicon:
    rules: tuple[Rule, ...]
    #: Ordinary language that contains claim words; a claim overlapping one is not reported.
    not_claims: tuple[re.Pattern[str], ...] = ()
    #: The word families the patterns were written with, for an extra lexicon to use too.
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __add__(self, other: Lexicon) -> Lexicon:
        return Lexicon(
            self.rules + other.rules,
            self.not_claims + other.not_claims,
            {**self.words, **other.words},
        )


# --- the lexicon file -----------------------------------------------------------------------

_HYPHEN = r"[\s\-\u2010\u2011]"


def phrase_regex(phrase: str) -> str:
    """Whole-word, any run of spaces between words, and a hyphen that may also be written as a
    space or left out ("non-toxic", "non toxic", "nontoxic")."""
    words = [re.escape(w).replace(r"\-", f"{_HYPHEN}?") for w in phrase.split()]
    return r"(?<![\w-])" + r"\s+".join(words) + r"(?!\w|-\w)"


_IRREGULAR = {"good": ("better", "best"), "well": ("better", "best"), "bad": ("worse", "worst")}
_VOWELS = "aeiou"


def graded(adjective: str, degree: str) -> str:
    """The comparative ("er") or superlative ("est") of a one-word adjective, by the spelling
    rules: safe, safer; easy, easier; big, bigger; good, better. A hyphenated compound grades
    its first word (well-tolerated, better-tolerated)."""
    head, dash, rest = adjective.partition("-")
    if dash:
        return f"{graded(head, degree)}-{rest}"
    if head in _IRREGULAR:
        return _IRREGULAR[head][0 if degree == "er" else 1]
    if head.endswith("e"):
        return head + degree[1:]
    if head.endswith("y") and len(head) > 2 and head[-2] not in _VOWELS:
        return head[:-1] + "i" + degree
    # One syllable ending consonant-vowel-consonant doubles its last letter: big, bigger.
    if (
        sum(c in _VOWELS for c in head) == 1
        and len(head) >= 3
        and head[-3] not in _VOWELS
        and head[-2] in _VOWELS
        and head[-1] not in _VOWELS + "wxy"
    ):
        return head + head[-1] + degree
    return head + degree


def _family_regex(words: Iterable[str]) -> str:
    """A family's phrases as one group: a space matches spaces or a hyphen, a hyphen matches a
    hyphen, a space or nothing; longer phrases first, so the longest one wins."""
    alternatives = []
    for phrase in sorted(set(words), key=len, reverse=True):
        parts = [re.escape(p).replace(r"\-", f"{_HYPHEN}?") for p in phrase.split()]
        alternatives.append(f"{_HYPHEN}+".join(parts))
    return "(?:" + "|".join(alternatives) + ")"


_PLACEHOLDER_RE = re.compile(r"<([a-z_]+)(?::(er|est))?>")


def _expand(source: str, words: Mapping[str, tuple[str, ...]], where: str) -> str:
    def substitute(match: re.Match[str]) -> str:
        family, degree = match.group(1), match.group(2)
        if family not in words:
            raise LexiconError(f"{where}: no word family named {family!r}")
        members = words[family]
        return (
            _family_regex(graded(w, degree) for w in members) if degree else _family_regex(members)
        )

    return _PLACEHOLDER_RE.sub(substitute, source)


def _compile(raw: Any, words: Mapping[str, tuple[str, ...]], where: str) -> re.Pattern[str]:
    source = str(raw["pattern"])
    try:
        expanded = _expand(source, words, where) if raw.get("regex") else phrase_regex(source)
        pattern = re.compile(expanded, re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"{where}: pattern {source!r} is not a valid regex: {exc}") from exc
    if pattern.match(""):
        raise LexiconError(f"{where}: pattern {source!r} matches empty text")
    return pattern


def _rule(raw: Any, words: Mapping[str, tuple[str, ...]], where: str) -> Rule:
    if not isinstance(raw, dict):
        raise LexiconError(f"{where}: expected a mapping with pattern, category and reason")
    missing = [k for k in ("pattern", "category", "reason") if not str(raw.get(k) or "").strip()]
    if missing:
        raise LexiconError(f"{where}: missing {', '.join(missing)}")
    unknown = set(raw) - {"pattern", "category", "reason", "regex", "needs_reference", "outcome"}
    if unknown:
        raise LexiconError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return Rule(
        _compile(raw, words, where),
        str(raw["category"]),
        str(raw["reason"]),
        bool(raw.get("needs_reference")),
        bool(raw.get("outcome")),
    )


def _not_claim(raw: Any, words: Mapping[str, tuple[str, ...]], where: str) -> re.Pattern[str]:
    if isinstance(raw, str):
        raw = {"pattern": raw}
    if not isinstance(raw, dict) or not str(raw.get("pattern") or "").strip():
        raise LexiconError(f"{where}: expected a phrase, or a mapping with a pattern")
    unknown = set(raw) - {"pattern", "regex"}
    if unknown:
        raise LexiconError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return _compile(raw, words, where)


def parse_lexicon(
    text: str, origin: str, words: Mapping[str, tuple[str, ...]] | None = None
) -> Lexicon:
    """A lexicon file's rules; its patterns may name its own word families and `words`."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LexiconError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{origin}: expected a top-level 'entries' list")
    own = data.get("words") or {}
    if not isinstance(own, dict) or not all(isinstance(v, list) for v in own.values()):
        raise LexiconError(f"{origin}: 'words' must map family names to lists of words")
    families = {**(words or {}), **{str(k): tuple(str(w) for w in v) for k, v in own.items()}}
    not_claims = data.get("not_claims") or []
    if not isinstance(not_claims, list):
        raise LexiconError(f"{origin}: 'not_claims' must be a list")
    return Lexicon(
        tuple(
            _rule(raw, families, f"{origin}: entry {i}") for i, raw in enumerate(data["entries"])
        ),
        tuple(
            _not_claim(raw, families, f"{origin}: not_claims entry {i}")
            for i, raw in enumerate(not_claims)
        ),
        families,
    )


@functools.lru_cache(maxsize=8)
def load_lexicon(extra: Path | None = None) -> Lexicon:
    """The packaged lexicon, followed by the rules of `extra` (a site's own phrases), which may
    use the packaged word families."""
    packaged_file = resources.files("actionvault.text") / "data" / "claims.yaml"
    packaged = parse_lexicon(packaged_file.read_text(encoding="utf-8"), "claims.yaml")
    if extra is None:
        return packaged
    return packaged + parse_lexicon(
        Path(extra).read_text(encoding="utf-8"), str(extra), packaged.words
    )
