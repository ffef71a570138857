"""Lexical matching of a message with an action's texts, for routing without the embedding model.

A text becomes a list of terms: stemmed content words (`stemmer`), and the word families of
the packaged lexicon (`data/lexicon.txt`) that its words and phrases belong to, so that "gist"
meets "summary" and "typo" meets "spelling". A candidate is a `Profile`: the terms of its
action's own texts, of the typical requests `intents` gives standard actions (with the
subjects people ask about in that kind of question: doses and storage for a document, status
and dates for a record), and of its agent's description, each at its own weight.

A message's score for a candidate sums, over the message's terms, how well each is found there
(an exact stem counts more than a family member), times the term's weight (a word saying what
the message wants done, such as "translate", outweighs one saying what it is about; a request
verb such as "give" counts little) and how rare the term is among the candidates (BM25's
inverse document frequency: a word every candidate shares separates none of them). A message
worded as a question also asks for an action that answers or explains; that cue adds to what
its words find, but never routes a message alone (see `evidence`).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

from actionvault.chat.stemmer import stem

#: How much a term found in each kind of a candidate's text counts: the action's own label and
#: description, the typical requests of a standard action (and the subjects of its kind of
#: question, see the lexicon's question sections), the agent's description.
OWN_WEIGHT = 1.0
EXAMPLE_WEIGHT = 0.5
AGENT_WEIGHT = 0.4
#: A term found only through its word family ("gist" for "summary") counts this share.
FAMILY_WEIGHT = 0.8
#: A message's word of a request family ("summarize", "translate") says what it wants done.
REQUEST_WEIGHT = 2.0
#: A weak word of the lexicon (a request verb such as "give" or "show") counts this much.
WEAK_WEIGHT = 0.3
#: Weight of the question cue of a message in question form.
QUESTION_WEIGHT = 0.75
#: The share of its weight a term keeps however many candidates hold it (see `rarity`).
RARITY_SHARE = 0.5

#: The families a message in question form also asks for: an answer, or an explanation.
QUESTION_FAMILIES = frozenset(("question", "explain"))
_CUE_KEY = "?"
_SECTIONS = ("request", "document question", "record question", "topic", "weak", "target", "stop")

_WORD = re.compile(r"[a-z0-9]+")
_CONTRACTIONS = (
    (re.compile(r"\bcan'?t\b"), "cannot"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'(?:s|re|ve|ll|d|m)\b"), ""),
)
#: A question's opening word, after a lead-in such as "and" or "so".
_LEAD_IN = re.compile(r"^(?:(?:and|so|but|ok|okay|also|then|well|hey|hi|please|now)\s+)*")
_QUESTION_OPENER = re.compile(
    r"^(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|am|do|does|did|can"
    r"|could|should|would|will|shall|may|might|must|has|have|had|any)\b"
)
#: "Can you...", "Could I get...": a request worded politely, not a question.
_POLITE_REQUEST = re.compile(
    r"^(?:(?:can|could|would|will)\s+you|(?:can|could|may)\s+i\s+(?:get|have|see))\b"
)


@dataclass(frozen=True, slots=True)
class Term:
    """A word (its stem) or a phrase of the lexicon (its stems), with its families."""

    key: str
    families: frozenset[str]
    weight: float = 1.0

    @property
    def is_cue(self) -> bool:
        """The question cue: the message's form, not one of its words."""
        return self.key == _CUE_KEY


class Lexicon:
    """Word families by section, and weak, target and stop words; `terms` reads a text."""

    def __init__(
        self,
        sections: Mapping[str, Mapping[str, Iterable[str]]],
        weak: Iterable[str] = (),
        target: Iterable[str] = (),
        stop: Iterable[str] = (),
    ) -> None:
        words: dict[str, set[str]] = {}
        phrases: dict[str, dict[tuple[str, ...], set[str]]] = {}
        for families in sections.values():
            for family, members in families.items():
                for member in members:
                    stems = tuple(stem(w) for w in _tokens(member))
                    if len(stems) == 1:
                        words.setdefault(stems[0], set()).add(family)
                    elif stems:
                        phrases.setdefault(stems[0], {}).setdefault(stems, set()).add(family)
        self._words = {key: frozenset(value) for key, value in words.items()}
        # Longest phrase first, so "mechanism of action" wins over "mechanism".
        self._phrases = {
            first: sorted(((p, frozenset(f)) for p, f in found.items()), key=lambda x: -len(x[0]))
            for first, found in phrases.items()
        }
        self._sections = {name: frozenset(families) for name, families in sections.items()}
        self._requests = self._sections.get("request", frozenset())
        self._weak = frozenset(stem(w) for member in weak for w in _tokens(member))
        self._target = frozenset(stem(w) for member in target for w in _tokens(member))
        self._stop = frozenset(w for member in stop for w in _tokens(member))

    @classmethod
    def parse(cls, text: str) -> Lexicon:
        """Read `data/lexicon.txt`: `[section]` headers, `name: term, ...` lines, word lists."""
        sections: dict[str, dict[str, list[str]]] = {}
        lists: dict[str, list[str]] = {"weak": [], "target": [], "stop": []}
        section = ""
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                if section not in _SECTIONS:
                    raise ValueError(f"lexicon line {number}: unknown section [{section}]")
                continue
            if section in lists:
                lists[section].extend(m.strip() for m in line.split(",") if m.strip())
                continue
            name, colon, members = line.partition(":")
            if not section or not colon or not name.strip().isidentifier():
                raise ValueError(f"lexicon line {number}: expected `name: term, term, ...`")
            terms = [m.strip() for m in members.split(",") if m.strip()]
            sections.setdefault(section, {}).setdefault(name.strip(), []).extend(terms)
        return cls(sections, lists["weak"], lists["target"], lists["stop"])

    def section(self, name: str) -> frozenset[str]:
        """The families of one section of the lexicon (empty for a section it lacks)."""
        return self._sections.get(name, frozenset())

    def terms(self, text: str) -> tuple[Term, ...]:
        """The content words and lexicon phrases of `text`, each once, in order."""
        tokens = _tokens(text)
        stems = [stem(t) for t in tokens]
        found: dict[str, Term] = {}
        i = 0
        while i < len(tokens):
            phrase = self._phrase_at(stems, i)
            if phrase is not None:
                key, families = phrase
                i += key.count(" ") + 1
            else:
                token, key = tokens[i], stems[i]
                i += 1
                families = self._words.get(key, frozenset())
                if len(token) < 2 or key in self._target or (token in self._stop and not families):
                    continue
            if key not in found:
                found[key] = Term(key, families, self._weight(key, families))
        return tuple(found.values())

    def _weight(self, key: str, families: frozenset[str]) -> float:
        if families & self._requests:
            return REQUEST_WEIGHT
        return WEAK_WEIGHT if key in self._weak and not families else 1.0

    def _phrase_at(self, stems: Sequence[str], i: int) -> tuple[str, frozenset[str]] | None:
        for phrase, families in self._phrases.get(stems[i], ()):
            if tuple(stems[i : i + len(phrase)]) == phrase:
                return " ".join(phrase), families
        return None


@functools.cache
def packaged_lexicon() -> Lexicon:
    """The lexicon shipped in `actionvault/chat/data/lexicon.txt`, read once."""
    source = resources.files(__package__ or "actionvault.chat") / "data" / "lexicon.txt"
    return Lexicon.parse(source.read_text(encoding="utf-8"))


def message_terms(lexicon: Lexicon, message: str) -> tuple[Term, ...]:
    """The message's terms, plus the question cue when it is worded as a question."""
    terms = lexicon.terms(message)
    if is_question(message):
        terms += (Term(_CUE_KEY, QUESTION_FAMILIES, QUESTION_WEIGHT),)
    return terms


def is_question(message: str) -> bool:
    """Worded as a question ("What is...", "Is there...", "...?"), not as a polite request."""
    words = _LEAD_IN.sub("", " ".join(_tokens(message)))
    if not words or _POLITE_REQUEST.match(words):
        return False
    return "?" in message or _QUESTION_OPENER.match(words) is not None


@dataclass(frozen=True, slots=True, eq=False)
class Profile:
    """A candidate's terms and families, each with the weight of the text it was found in."""

    weights: Mapping[str, float]

    @classmethod
    def build(
        cls,
        lexicon: Lexicon,
        texts: Iterable[tuple[str, float]],
        families: Iterable[tuple[str, float]] = (),
    ) -> Profile:
        """From `(text, weight)` pairs, and `(family, weight)` for subjects no text names."""
        weights: dict[str, float] = {}
        for text, weight in texts:
            for term in lexicon.terms(text):
                for key in (term.key, *(f"@{f}" for f in term.families)):
                    weights[key] = max(weights.get(key, 0.0), weight)
        for family, weight in families:
            weights[f"@{family}"] = max(weights.get(f"@{family}", 0.0), weight)
        return cls(weights)

    def match(self, term: Term) -> float:
        """How well the term is found here: 0 (absent) to the weight of its text."""
        exact = 0.0 if term.is_cue else self.weights.get(term.key, 0.0)
        family = max((self.weights.get(f"@{f}", 0.0) for f in term.families), default=0.0)
        return max(exact, FAMILY_WEIGHT * family)


def rarity(terms: Sequence[Term], profiles: Sequence[Profile]) -> dict[str, float]:
    """How rare each term is among the profiles: 1 when none holds it, less the more do.

    BM25's inverse document frequency, scaled to 0..1 and kept above `RARITY_SHARE`: with a
    handful of candidates, a word two of them share still says something.
    """
    total = len(profiles)
    most = math.log(1 + (total + 0.5) / 0.5)
    result = {}
    for term in terms:
        holders = sum(1 for p in profiles if p.match(term) > 0)
        idf = math.log(1 + (total - holders + 0.5) / (holders + 0.5)) / most
        result[term.key] = RARITY_SHARE + (1 - RARITY_SHARE) * idf
    return result


def score(terms: Sequence[Term], profile: Profile, rare: Mapping[str, float]) -> float:
    """The weighted, rarity-scaled matches of the message's terms in one profile."""
    return sum(t.weight * profile.match(t) * rare.get(t.key, 1.0) for t in terms)


def evidence(terms: Sequence[Term], profile: Profile) -> float:
    """What the message's terms find in one profile, unscaled; 0 unless its words find some.

    The question cue adds to what the words find but never stands alone: "What's the
    weather?" is worded as a question, and that is no reason to send it to an action that
    answers questions about documents.
    """
    words = sum(t.weight * profile.match(t) for t in terms if not t.is_cue)
    if words <= 0:
        return 0.0
    return words + sum(t.weight * profile.match(t) for t in terms if t.is_cue)


def share(terms: Sequence[Term], profile: Profile) -> float:
    """What the message's words find in one profile, as a share of all they weigh (0..1)."""
    words = [t for t in terms if not t.is_cue]
    weight = sum(t.weight for t in words)
    return sum(t.weight * profile.match(t) for t in words) / weight if weight else 0.0


@dataclass(frozen=True, slots=True)
class Ranking:
    """Candidates' scores (rarity-weighted, for ordering) and support (unscaled evidence, for
    the threshold), and the off-topic example the message is nearest to, with its evidence."""

    scores: list[float]
    support: list[float]
    off_topic: float
    off_topic_example: str


def rank(
    queries: Sequence[tuple[Sequence[Term], float]],
    profiles: Sequence[Profile],
    off_topic: Sequence[tuple[str, Profile]] = (),
) -> Ranking:
    """Score each profile for the weighted queries (a message, and the one it follows up)."""
    rare = rarity([t for terms, _ in queries for t in terms], profiles)
    scores = [sum(w * score(terms, p, rare) for terms, w in queries) for p in profiles]
    support = [sum(w * evidence(terms, p) for terms, w in queries) for p in profiles]
    nearest, example = float("-inf"), ""
    for text, profile in off_topic:
        near = sum(w * evidence(terms, profile) for terms, w in queries)
        if near > nearest:
            nearest, example = near, text
    return Ranking(scores, support, nearest, example)


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'")
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return _WORD.findall(text)
