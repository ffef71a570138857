"""How often English puts one word after another: the evidence that decides which of two
confusable words a sentence wants where no hand-written rule reads the context.

The counts are symspellpy's English word and word-pair lists (from the Google Books n-gram
corpus; about 83,000 words and 243,000 pairs, every pair seen at least 6.4 million times). A
pair missing from the list is rarer than that, not impossible: it counts as a third of the
rarest listed pair, so that a word is not judged wrong only because its neighbour is rare.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from importlib import resources

_PAIRS_FILE = "frequency_bigramdictionary_en_243_342.txt"
_WORDS_FILE = "frequency_dictionary_en_82_765.txt"
# A pair not in the list was seen fewer than 6.4 million times. A tenth of that let rare
# neighbours decide ("types where either will do" read as "were"); the full 6.4 million let
# nothing but the commonest confusions through ("adults loose weight" passed).
MISSING_PAIR = 2_000_000
_MISSING_WORD = 10_000


class WordPairs:
    """Word and word-pair counts, and the chance of a run of words between two neighbours."""

    def __init__(self, words: dict[str, int], pairs: dict[str, int]) -> None:
        self._words = words
        self._pairs = pairs

    def words(self) -> Iterable[str]:
        return self._words.keys()

    def word_count(self, word: str) -> int:
        return self._words.get(word, 0)

    def pair_count(self, first: str, second: str) -> int:
        return self._pairs.get(f"{first} {second}", 0)

    def fit(self, words: Sequence[str], before: str = "", after: str = "") -> tuple[float, float]:
        """How well `words` fit after `before` and before `after` (either may be "" for no
        neighbour), as two factors of the chance of the run under a model where each word
        depends on the one before it, up to a factor the same for every choice of `words`. The
        left factor is the chance of the first word after `before` (its own chance with no
        neighbour); the right one, of the rest of the run and then `after`."""
        left = float(self._pair(before, words[0]) if before else self._word(words[0]))
        right = 1.0
        for first, second in itertools.pairwise([*words, after] if after else words):
            right *= self._pair(first, second) / self._word(first)
        return left, right

    def _pair(self, first: str, second: str) -> int:
        return self._pairs.get(f"{first} {second}", MISSING_PAIR)

    def _word(self, word: str) -> int:
        return self._words.get(word, _MISSING_WORD)

    def verb_forms(self) -> dict[str, str]:
        """Verbs whose -s form English writes after "it", "he" or "she" but never after "the"
        (so not also a plural noun: "contains", not "results"), each with its base form."""
        forms: dict[str, str] = {}
        for key in self._pairs:
            subject, word = key.split(" ", 1)
            if subject not in ("it", "he", "she") or len(word) < 4 or not word.endswith("s"):
                continue
            if f"the {word}" in self._pairs:
                continue
            for base in (word[:-1], word[:-2] if word.endswith("es") else ""):
                if base and (f"to {base}" in self._pairs or f"they {base}" in self._pairs):
                    forms[word] = base
                    break
        return forms


def _read_counts(name: str, width: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    text = resources.files("symspellpy").joinpath(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = line.split(" ")
        if len(parts) == width + 1 and parts[-1].isdigit():
            counts[" ".join(parts[:width])] = int(parts[-1])
    return counts


@functools.cache
def english_word_pairs() -> WordPairs:
    """The packaged counts, read once per process (about 0.35 s and 42 MB)."""
    return WordPairs(_read_counts(_WORDS_FILE, 1), _read_counts(_PAIRS_FILE, 2))


@functools.cache
def english_verb_forms() -> dict[str, str]:
    """`WordPairs.verb_forms` of the packaged counts, found once per process."""
    return english_word_pairs().verb_forms()


@functools.cache
def english_verb_bases() -> dict[str, str]:
    """The same verbs the other way round: each base form and its "-s" form."""
    return {base: third for third, base in english_verb_forms().items()}
