"""British and American spellings, for a document that prefers one: "colour" in a US label or
"color" in a UK leaflet is then a finding, while both stay correct by default.

The pairs are breame's list (about 1,700 words each way: colour/color, randomised/randomized,
paediatric/pediatric ...), with the clinical "ae"/"oe" words it lacks found in the packaged
word counts (oedema/edema, ischaemia/ischemia).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum

from breame.data.spelling_constants import (
    AMERICAN_ENGLISH_SPELLINGS,
    BRITISH_ENGLISH_SPELLINGS,
)

from actionvault.text.grammar import Finding, cased_like
from actionvault.text.segments import ProtectedSpans, Token
from actionvault.text.word_pairs import WordPairs


class Spelling(Enum):
    """Which spellings a document accepts."""

    EITHER = "either"
    AMERICAN = "american"
    BRITISH = "british"


#: What a document may say it prefers, as people write it.
_NAMES = {
    "either": Spelling.EITHER, "any": Spelling.EITHER, "both": Spelling.EITHER,
    "american": Spelling.AMERICAN, "american english": Spelling.AMERICAN, "us": Spelling.AMERICAN,
    "en-us": Spelling.AMERICAN,
    "british": Spelling.BRITISH, "british english": Spelling.BRITISH, "uk": Spelling.BRITISH,
    "gb": Spelling.BRITISH, "en-gb": Spelling.BRITISH,
}  # fmt: skip
# American forms that are also British words of another sense or use: "tire" (to weary),
# "practice" and "license" (the noun and the verb), "program" (software), "draft", "meter"
# (a device).
_ALSO_BRITISH = frozenset(
    ["tire", "tires", "tired", "tiring", "practice", "practices", "license", "licensed",
     "licenses", "licensing", "program", "programs", "programmed", "programming", "draft",
     "drafts", "meter", "meters"]
)  # fmt: skip


def spelling_named(name: str) -> Spelling | None:
    """The preference a name stands for ("British", "en-US", "either"); None if none."""
    return _NAMES.get(" ".join(name.strip().lower().replace("_", "-").split()))


def _ae_oe_pairs(
    british_words: Iterable[str], is_american: Callable[[str], bool]
) -> dict[str, str]:
    """Clinical words the list lacks ("oedema", "ischaemia", "haemodialysis"): a word the
    British-leaning word counts hold, with "ae" or "oe" inside it, whose form with "e" alone
    the American dictionary holds and which that dictionary lacks. Latin plurals ("fossae")
    and short words ("danae") are left out."""
    pairs: dict[str, str] = {}
    for word in british_words:
        if len(word) < 6 or word.endswith("ae") or not word.isalpha() or is_american(word):
            continue
        if "ae" not in word and "oe" not in word:
            continue
        american = word.replace("ae", "e").replace("oe", "e")
        if is_american(american):
            pairs[word] = american
    return pairs


class SpellingVariants:
    """The British and American forms of words, each way."""

    def __init__(self, pairs: WordPairs, is_american: Callable[[str], bool]) -> None:
        to_american = dict(BRITISH_ENGLISH_SPELLINGS)
        for british, american in _ae_oe_pairs(pairs.words(), is_american).items():
            to_american.setdefault(british, american)
        to_british = {a: b for b, a in to_american.items() if a not in _ALSO_BRITISH}
        for american, british in AMERICAN_ENGLISH_SPELLINGS.items():
            if american not in _ALSO_BRITISH:
                to_british.setdefault(american, british)

        def known(word: str) -> bool:
            return is_american(word) or pairs.word_count(word) > 0

        # A suggestion must be a word one of the lists holds, which leaves out the list's
        # slips ("edema" to "edoema").
        self._forms = {
            Spelling.AMERICAN: {k: v for k, v in to_american.items() if known(v)},
            Spelling.BRITISH: {k: v for k, v in to_british.items() if known(v)},
        }

    def other_forms(self, preferred: Spelling) -> dict[str, str]:
        """The words not of `preferred`'s spelling, each with its preferred form."""
        return self._forms.get(preferred, {})


def find_unpreferred_spellings(
    tokens: Sequence[Token],
    protected: ProtectedSpans,
    preferred: Spelling,
    variants: SpellingVariants,
) -> Iterator[Finding]:
    forms = variants.other_forms(preferred)
    for token in tokens:
        suggestion = forms.get(token.text.lower())
        if suggestion is None or protected.overlaps(token.start, token.end):
            continue
        yield Finding(token.start, token.text, cased_like(suggestion, token.text), "spelling")
