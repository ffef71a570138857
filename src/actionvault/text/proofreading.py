"""Offline English proofreader behind the quick_check__v / spelling_grammar__v action.

Vault's hosted action calls an LLM; a self-hosted server needs an answer that
is deterministic, costs nothing and works without network or keys. This engine
combines pyspellchecker's English word-frequency list with a packaged
allow-list of medical, pharmaceutical and regulatory vocabulary, plus
rule-based checks for repeated words, a/an agreement, spacing and sentence
capitalisation.

Only English is checked: text detected as another language gets an empty
error list, because judging e.g. Spanish against an English dictionary would
flag nearly every word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from spellchecker import SpellChecker

from actionvault.text import MAX_FINDINGS
from actionvault.text.agreement import (
    find_agreement_errors,
    find_closed_subject_errors,
    find_interrupted_subject_errors,
)
from actionvault.text.confusables import find_confusables
from actionvault.text.edits import (
    consonants,
    deletes1,
    edit_distance,
    edits1,
    is_adjacent_swap,
    is_doubling_slip,
    is_pronounceable,
)
from actionvault.text.grammar import (
    Finding,
    find_article_errors,
    find_capitalisation_errors,
    find_repeated_words,
    find_spacing_errors,
)
from actionvault.text.language import detect_language
from actionvault.text.segments import (
    ProtectedSpans,
    SentenceIndex,
    Token,
    sentence_initial_offsets,
    split_sentences,
    tokenize,
)
from actionvault.text.spelling_variants import (
    Spelling,
    SpellingVariants,
    find_unpreferred_spellings,
)
from actionvault.text.word_choice import find_unlikely_words
from actionvault.text.word_lists import configured_word_lists, load_word_lists
from actionvault.text.word_pairs import english_word_pairs

__all__ = [
    "CATEGORIES",
    "MAX_FINDINGS",
    "Proofreader",
    "ProofreadingReport",
    "Spelling",
    "TextIssue",
    "default_proofreader",
]

CATEGORIES = (
    "spelling", "repeated_word", "article", "spacing", "capitalization", "confusable", "agreement",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TextIssue:
    text: str
    suggestion: str
    category: str
    sentence: str
    offset: int


@dataclass(frozen=True, slots=True)
class ProofreadingReport:
    detected_language: str
    errors: tuple[TextIssue, ...]
    #: Findings left out past MAX_FINDINGS; a reviewer fixes the first ones and runs again.
    omitted: int = 0


# pyspellchecker gives its rarest entries (obscure words, surnames, places) this
# count; a near miss of one of those is no evidence of a typo in a name.
_FLOOR_FREQUENCY = 50
# Rank allow-listed terms like moderately common words when suggesting, so
# "metfromin" becomes "metformin" rather than some rare English word.
_ALLOWED_FREQUENCY = 2000
_ACRONYM_MAX_LETTERS = 6
# Longer runs of letters are not prose words (encoded data, pasted garbage), and
# candidate generation grows with word length.
_MAX_WORD_LENGTH = 45
# Short words get meaningless distance-2 matches; long unknown words are terms.
_EDIT2_LENGTHS = range(5, 13)
# At most this many distinct words per check get a distance-2 search (a few ms
# each), counted in document order so results depend on the text only, never on
# earlier calls; words past it are not reported.
_EDIT2_BUDGET = 100
# Two edits from an unknown word only a common word is a credible correction.
_EDIT2_MIN_FREQUENCY = 1000
_PROPER_NOUN_MIN_LENGTH = 5

_CACHE_LIMIT = 200_000
_CONTRACTIONS = ("n't", "'s", "'re", "'ve", "'ll", "'d", "'m")
# Parts that only occur before a hyphen ("pre-filled", "non-inferiority").
_HYPHEN_PREFIXES = frozenset({
    "pre", "post", "non", "anti", "co", "re", "multi", "semi", "bi", "tri", "inter", "intra",
    "ex", "mid", "mini", "micro", "macro", "mono", "poly", "pseudo", "quasi", "ultra", "hypo",
    "hyper", "sub", "supra", "trans", "neo", "peri",
})  # fmt: skip
# WHO INN stems: an unknown word with one of these endings is almost certainly a
# drug name (e.g. "-mab" antibodies, "-gliflozin" SGLT2 inhibitors). New drug
# names appear faster than any allow-list can follow.
_INN_STEMS = (
    "mab", "tinib", "ciclib", "parib", "zomib", "gliflozin", "gliptin", "glinide", "glitazone",
    "tide", "pril", "sartan", "olol", "dipine", "statin", "prazole", "tidine", "navir", "previr",
    "asvir", "buvir", "tegravir", "ciclovir", "amivir", "cillin", "mycin", "floxacin", "cycline",
    "conazole", "xaban", "gatran", "parin", "setron", "triptan", "lukast", "dronate", "semide",
    "thiazide", "oxetine", "pramine", "azepam", "azolam", "profen", "coxib", "lutamide", "trozole",
    "platin", "taxel", "rubicin", "siran", "rsen", "ercept", "tacept", "relin", "caine", "afil",
    "grastim", "poetin", "teplase", "kinra", "leucel", "parvovec", "barbital",
)  # fmt: skip
_INN_MIN_LENGTH = 7
# British spellings map to the American forms the bundled dictionary holds;
# substring rules come first so that suffix rules see their output.
_BRITISH_TO_AMERICAN = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ae", "e"),
        (r"oe", "e"),
        (r"aluminium", "aluminum"),
        (r"sulph", "sulf"),
        (r"our(?=(?:s|ed|ing|able|ably|al|ally|ful|ite|ites|ism|ist|less|er|hood)?$)", "or"),
        (r"is(e|es|ed|ing|ation|ations|er|ers|able)$", r"iz\1"),
        (r"ys(e|es|ed|ing)$", r"yz\1"),
        (r"([bcdfgklmnptv])re(s|d)?$", r"\1er\2"),
        (r"ll(ed|ing|er|ers)$", r"l\1"),
        (r"ogue(s)?$", r"og\1"),
        (r"(def|off|pret)ence(s)?$", r"\1ense\2"),
        (r"gramme(s)?$", r"gram\1"),
    )
)


_UNIT_MAX_LETTERS = 5
# A capitalised word after a title or another capitalised word (on the same line), or before one.
_NAME_BEFORE_RE = re.compile(
    r"(?:\b(Dr|Mr|Mrs|Ms|Prof|Professor|Dame|Sir)\.?|\b([A-Z][a-z]+))[ \t]+$"
)
_NAME_AFTER_RE = re.compile(r"[ \t]+([A-Z][a-z]+)\b")
# "Brand (generic)" or "generic (Brand)": a name the document introduces, correct throughout it.
_INTRODUCED_NAME_RE = re.compile(
    r"\b([A-Z][a-z]{3,}(?:[ -][A-Z0-9][\w-]*)?)\s+\(([a-z][a-z-]{4,})\)"
    r"|\b([a-z][a-z-]{4,})\s+\(([A-Z][a-z]{3,})\)"
)


def _introduced_names(text: str) -> frozenset[str]:
    names: set[str] = set()
    for match in _INTRODUCED_NAME_RE.finditer(text):
        names.update(_normalise(g) for g in match.groups() if g)
    return frozenset(names)


@dataclass(frozen=True, slots=True)
class _Verdict:
    text: str  # the part to flag: a possessive or contraction suffix is left out
    suggestion: str
    try_edit2: bool  # no distance-1 suggestion, but a distance-2 one may exist


def _load_allowlist() -> Iterator[str]:
    package = __name__.rpartition(".")[0]
    source = resources.files(package) / "data" / "allowlist.txt"
    for line in source.read_text(encoding="utf-8").splitlines():
        yield from line.split("#", 1)[0].split()


def _normalise(word: str) -> str:
    return word.replace("\u2019", "'").lower()


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _match_case(original: str, suggestion: str) -> str:
    if not suggestion:
        return ""
    if original.isupper() and len(original) > 1:
        return suggestion.upper()
    if original[0].isupper():
        return suggestion[0].upper() + suggestion[1:]
    return suggestion


class Proofreader:
    """English proofreader; construct once and reuse, as loading the
    dictionary takes a few hundred milliseconds and corrections are cached."""

    def __init__(
        self, allow_words: Iterable[str] = (), known_words: frozenset[str] = frozenset()
    ) -> None:
        self._frequency: dict[str, int] = SpellChecker(
            language="en", distance=1
        ).word_frequency.dictionary
        allowed = {_normalise(w) for w in _load_allowlist()}
        allowed.update(_normalise(w) for w in allow_words if w.strip())
        self._allowed = frozenset(allowed)
        # Words of the configured word lists (text/word_lists.py): known, never suggested.
        self._listed = known_words
        self._known_cache: dict[str, bool] = {}
        self._edit1_cache: dict[str, tuple[str, ...]] = {}
        self._edit2_cache: dict[str, str] = {}
        self._verdict_cache: dict[str, _Verdict | None] = {}
        # Part of loading the vocabulary (about 0.25 s), as it depends on nothing else: built
        # here once per process, not on the first document that needs a distance-2 search.
        self._deletion_index: dict[str, tuple[str, ...]] | None = None
        self._edit2_index()
        self._pairs = english_word_pairs()
        self._variants_built: SpellingVariants | None = None

    def check(
        self, text: str, allow_words: Iterable[str] = (), spelling: Spelling = Spelling.EITHER
    ) -> ProofreadingReport:
        """Proofread `text`; other languages get no errors, because English
        rules would flag nearly every word of them. `allow_words` are correct
        for this text alone (its product's names, say) besides the allow-list;
        `spelling` says whether British or American spellings are wanted."""
        tokens = tokenize(text)
        language = detect_language([t.text for t in tokens], self._is_known)
        if language != "English":
            return ProofreadingReport(language, ())
        protected = ProtectedSpans(text)
        sentences = split_sentences(text, protected)
        initial = sentence_initial_offsets(text, sentences, tokens)
        allowed = frozenset(_normalise(w) for w in allow_words) | _introduced_names(text)
        findings: set[Finding] = {
            finding
            for finding in self._spelling_errors(text, tokens, protected)
            if _normalise(finding.text) not in allowed
        }
        misspelt = {f.offset for f in findings}
        if spelling is not Spelling.EITHER:
            findings.update(
                f
                for f in find_unpreferred_spellings(
                    tokens, protected, spelling, self._spelling_variants()
                )
                if f.offset not in misspelt
            )
        findings.update(find_repeated_words(text, protected))
        is_word = self._frequency.__contains__
        findings.update(find_article_errors(text, tokens, protected, initial, is_word))
        findings.update(find_spacing_errors(text, protected, is_word))
        findings.update(find_capitalisation_errors(text, sentences, tokens, protected))
        findings.update(find_confusables(text, tokens, protected))
        findings.update(find_agreement_errors(text, tokens, protected, is_word))
        findings.update(find_closed_subject_errors(text, tokens, protected, is_word))
        findings.update(find_interrupted_subject_errors(text, tokens, protected, is_word))
        # Word counts judge only the words no rule has already judged.
        flagged = {f.offset for f in findings}
        findings.update(
            f
            for f in find_unlikely_words(text, tokens, protected, self._pairs)
            if f.offset not in flagged
        )
        index = SentenceIndex(text, sentences)
        ordered = sorted(findings, key=lambda f: (f.offset, CATEGORIES.index(f.category), f.text))
        kept = ordered[:MAX_FINDINGS]
        return ProofreadingReport(
            language,
            tuple(
                TextIssue(f.text, f.suggestion, f.category, index.sentence_at(f.offset), f.offset)
                for f in kept
            ),
            omitted=len(ordered) - len(kept),
        )

    def _spelling_variants(self) -> SpellingVariants:
        # Built on the first document that prefers a spelling (about 0.1 s), then kept.
        if self._variants_built is None:
            self._variants_built = SpellingVariants(self._pairs, self._frequency.__contains__)
        return self._variants_built

    def _is_name(self, text: str, token: Token) -> bool:
        """A capitalised word beside a title or another unknown capitalised word is part of a
        person's name ("Ines Marenko", "Dr Osei"), not prose; beside a known word it is not
        ("Patient Informaton Leaflet")."""
        before = _NAME_BEFORE_RE.search(text, max(0, token.start - 40), token.start)
        after = _NAME_AFTER_RE.match(text, token.end)
        if before and (before.group(1) or not self._is_known(_normalise(before.group(2)))):
            return True
        return bool(after and not self._is_known(_normalise(after.group(1))))

    def _spelling_errors(
        self, text: str, tokens: Iterable[Token], protected: ProtectedSpans
    ) -> Iterator[Finding]:
        edit2_suggestions: dict[str, str] = {}
        for token in tokens:
            if protected.overlaps(token.start, token.end):
                continue
            if (
                text[token.start - 1 : token.start] in ("@", "#", "_")
                or text[token.end : token.end + 1] == "_"
            ):
                continue  # handles, hashtags and identifiers are not prose
            parts = [(token.text, token.start)]
            if "-" in token.text:
                if self._is_known(_normalise(token.text)):
                    continue
                parts, position = [], token.start
                for part in token.text.split("-"):
                    parts.append((part, position))
                    position += len(part) + 1
            for number, (part, offset) in enumerate(parts):
                if number < len(parts) - 1 and part.lower() in _HYPHEN_PREFIXES:
                    continue
                verdict = self._verdict(part)
                if verdict is None:
                    continue
                if part[:1].isupper() and len(parts) == 1 and self._is_name(text, token):
                    continue
                if (
                    text[token.start - 1 : token.start] == "/"
                    or text[token.end : token.end + 1] == "/"
                ) and len(part) <= _UNIT_MAX_LETTERS:
                    continue  # units written as ratios: "mmol/mol", "nmol/L"
                suggestion = verdict.suggestion
                if verdict.try_edit2:
                    lowered = _normalise(verdict.text)
                    if lowered not in edit2_suggestions and len(edit2_suggestions) < _EDIT2_BUDGET:
                        edit2_suggestions[lowered] = self._best_edit2(lowered)
                    suggestion = _match_case(verdict.text, edit2_suggestions.get(lowered, ""))
                    if not suggestion and is_pronounceable(lowered):
                        continue  # no credible correction: most likely a term the lists lack
                yield Finding(offset, verdict.text, suggestion, "spelling")

    def _verdict(self, word: str) -> _Verdict | None:
        # Read and write through locals: check() may run in several threads at
        # once, and another thread may clear the caches in between.
        try:
            return self._verdict_cache[word]
        except KeyError:
            pass
        if len(self._verdict_cache) >= _CACHE_LIMIT:
            self._clear_caches()  # a long-lived server sees unbounded vocabulary
        verdict = self._verdict_cache[word] = self._judge(word)
        return verdict

    def _judge(self, word: str) -> _Verdict | None:
        letters = sum(c.isalpha() for c in word)
        if not 2 <= letters <= _MAX_WORD_LENGTH or any(c.isdigit() for c in word):
            return None
        if word.isupper() and letters <= _ACRONYM_MAX_LETTERS:
            return None
        if not word.isupper() and any(c.isupper() for c in word[1:]):
            return None  # eGFR, PowerPoint, McDonald: deliberate brand/technical casing
        lowered = _normalise(word)
        if self._is_known(lowered):
            return None
        if "'" in lowered:
            suffix = next((s for s in _CONTRACTIONS if lowered.endswith(s)), None)
            if suffix is None:
                return None  # O'Brien, d'Arc: apostrophe names are not checkable
            word, lowered = word[: -len(suffix)], lowered[: -len(suffix)]
            if len(lowered) < 2 or self._is_known(lowered):
                return None
        if not lowered.isascii() or not lowered.isalpha():
            return None  # accented words that are not English with accents removed
        candidates = self._edit1_candidates(lowered)
        if (
            len(lowered) >= _INN_MIN_LENGTH
            and lowered.endswith(_INN_STEMS)
            and not any(c in self._allowed for c in candidates)  # "adalimumub" is a typo
        ):
            return None
        # A near miss of one of the dictionary's obscure entries ("multifocal" is
        # one letter from a rare word) is no evidence of a typo: unknown words are
        # far more often clinical terms or names than slips, so only a common word,
        # an allow-listed term or the commonest slips (a doubled letter, swapped
        # neighbours) make a credible correction.
        frequency, allowed = self._frequency, self._allowed
        common = [c for c in candidates if frequency.get(c, 0) > _FLOOR_FREQUENCY or c in allowed]
        if word[0].isupper() and not word.isupper():
            # Capitalised unknown words are usually names of people, places or
            # companies, so one counts as a typo only when it is a near miss of a
            # common word that keeps its first letter and does not just add one at
            # the end ("Medicne"): brand and place names are often a word with
            # another initial or an ending added. Names under five letters are one
            # edit from too many words, so for them only a swap of neighbours ("Teh") counts.
            near = [c for c in common if c[0] == lowered[0] and not lowered.startswith(c)]
            if len(lowered) < _PROPER_NOUN_MIN_LENGTH:
                near = [c for c in near if is_adjacent_swap(lowered, c)]
            return _Verdict(word, _match_case(word, near[0]), False) if near else None
        near = [
            c
            for c in candidates
            if c in common or is_doubling_slip(lowered, c) or is_adjacent_swap(lowered, c)
        ]
        if near:
            return _Verdict(word, _match_case(word, near[0]), False)
        if len(lowered) in _EDIT2_LENGTHS:
            return _Verdict(word, "", True)
        # No credible correction: a term the lists lack, unless it cannot be a word at all.
        return None if is_pronounceable(lowered) else _Verdict(word, "", False)

    def _clear_caches(self) -> None:
        for cache in (self._known_cache, self._edit1_cache, self._edit2_cache, self._verdict_cache):
            cache.clear()

    def _is_known(self, lowered: str) -> bool:
        known = self._known_cache.get(lowered)
        if known is None:
            # The word counts' list (English words of books, no misspellings) holds British
            # and technical words the dictionary lacks; it makes a word known, never a
            # suggestion, since most of its rare words would be poor ones.
            known = (
                self._in_vocabulary(lowered)
                or any(self._in_vocabulary(v) for v in self._variants(lowered))
                or self._pairs.word_count(lowered) > 0
                or lowered in self._listed
            )
            self._known_cache[lowered] = known
        return known

    def _in_vocabulary(self, lowered: str) -> bool:
        return lowered in self._frequency or lowered in self._allowed

    @staticmethod
    def _variants(lowered: str) -> set[str]:
        variants = {lowered}
        for pattern, replacement in _BRITISH_TO_AMERICAN:
            variants.update([pattern.sub(replacement, v) for v in variants])
        if not lowered.isascii():
            variants.add(_strip_accents(lowered))
        variants.discard(lowered)
        return variants

    def _score(self, word: str) -> int:
        return max(self._frequency.get(word, 0), _ALLOWED_FREQUENCY if word in self._allowed else 0)

    def _ranked(self, words: Iterable[str]) -> tuple[str, ...]:
        return tuple(
            sorted((w for w in words if self._in_vocabulary(w)), key=lambda w: (-self._score(w), w))
        )

    def _edit1_candidates(self, lowered: str) -> tuple[str, ...]:
        cached = self._edit1_cache.get(lowered)
        if cached is None:
            cached = self._edit1_cache[lowered] = self._ranked(edits1(lowered))
        return cached

    def _best_edit2(self, lowered: str) -> str:
        """The most frequent credible word two edits away, or "" if none.

        Only a common word or an allow-listed term of about the same length counts:
        two edits from an unknown clinical term there is nearly always some rare
        or much shorter word ("cyclase", "cycle"), which would be a false alarm.
        Candidates come from an index of the credible words and their one-letter
        deletions: each one-edit variant of the word, and each of its one-letter
        deletions, is looked up, a few thousand lookups instead of the hundred
        thousand strings a full distance-2 expansion generates."""
        cached = self._edit2_cache.get(lowered)
        if cached is None:
            index = self._edit2_index()
            found: set[str] = set()
            for e1 in edits1(lowered):
                for key in (e1, *deletes1(e1)):
                    found.update(index.get(key, ()))
            credible = (
                w
                for w in found
                if w != lowered
                and abs(len(w) - len(lowered)) <= 1
                and consonants(w) == consonants(lowered)
                and edit_distance(lowered, w) <= 2
            )
            ranked = self._ranked(credible)
            cached = self._edit2_cache[lowered] = ranked[0] if ranked else ""
        return cached

    def _edit2_index(self) -> dict[str, tuple[str, ...]]:
        index = self._deletion_index
        if index is None:
            built: dict[str, list[str]] = {}
            words = [w for w, n in self._frequency.items() if n >= _EDIT2_MIN_FREQUENCY]
            lengths = range(min(_EDIT2_LENGTHS) - 1, max(_EDIT2_LENGTHS) + 2)
            for word in (*words, *self._allowed):
                if word.isalpha() and len(word) in lengths:
                    for key in {word, *deletes1(word)}:
                        built.setdefault(key, []).append(word)
            index = self._deletion_index = {k: tuple(v) for k, v in built.items()}
        return index


@functools.cache
def default_proofreader() -> Proofreader:
    """Shared instance, so the dictionary is loaded and corrections are cached once per process;
    it knows the words of the configured word lists too."""
    return Proofreader(known_words=load_word_lists(configured_word_lists()))
