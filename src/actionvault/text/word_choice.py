"""Confusable words judged by how English uses them: where a word's neighbours are ones English
pairs with the other word of its set and almost never with the written one ("check there blood",
"adults loose appetite"), the other word is meant.

The hand-written rules in `confusables` read a sentence's grammar and leave no doubt; this
check reads only counts, so it asks for a lot: both neighbours in the same clause, both pairs
with the other word attested, and that word far likelier between them than the written one.
A word English rarely writes (a drug name, a unit) next to a confusable word leaves it alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from actionvault.text.grammar import Finding, cased_like
from actionvault.text.segments import ProtectedSpans, Token, folded_words
from actionvault.text.word_pairs import (
    MISSING_PAIR,
    WordPairs,
    english_verb_bases,
    english_verb_forms,
)
from actionvault.text.wordclasses import COORDINATORS, SUBORDINATORS

# Sets of words that writers put for one another. Only words that are all ordinary English
# belong here: a pair with a domain word ("dose"/"does") is judged by the hand rules, since
# word counts from books underrate how often a leaflet writes it.
_CONFUSABLE_SETS = (
    "their there they're", "your you're", "its it's", "whose who's", "then than",
    "affect effect", "affects effects", "affected effected", "accept except", "advice advise",
    "breath breathe", "lose loose", "principal principle", "principals principles",
    "complement compliment", "complementary complimentary", "whether weather",
    "form from", "were where we're", "past passed", "lead led", "quiet quite", "dairy diary",
    "site sight cite", "sites sights cites", "hear here", "no know", "new knew",
    "council counsel", "ensure insure", "discreet discrete", "precede proceed",
    "farther further", "chose choose", "loss lose", "personal personnel", "access excess",
    "weak week", "wait weight", "role roll", "whole hole", "waive wave", "peak peek pique",
    "prescribe proscribe", "stationary stationery", "bare bear", "brake break",
    "device devise", "elicit illicit", "adverse averse", "eminent imminent", "desert dessert",
    "patience patients", "vain vein", "vains veins", "heal heel", "waist waste", "course coarse",
    "bowel bowl", "naval navel", "pour pore poor", "sever severe", "prospective perspective",
    "born borne", "wander wonder", "aloud allowed", "lightening lightning", "breaks brakes",
)  # fmt: skip
# Contractions are read as the words they stand for; "it's" may be "it is" or "it has".
_EXPANSIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "it's": (("it", "is"), ("it", "has")),
    "who's": (("who", "is"), ("who", "has")),
    "they're": (("they", "are"),),
    "you're": (("you", "are"),),
    "we're": (("we", "are"),),
}
# A contraction is never suggested from the pairs alone: they cannot tell "reading its text"
# from "reading it is text", since the pair "reading it" is common. The hand rules judge
# "its important"; only "your" before an "-ing" verb becomes "you're" here.
_CONTRACTIONS = frozenset(_EXPANSIONS)
# Words that compare: a "than" after one is the comparison it completes ("further back than").
_COMPARING = frozenset(["more", "less", "fewer", "rather", "other", "else", "different"])
#: How many times more often "are" than "your" must precede an "-ing" word for "your" before it
#: to be "you're": "your taking" (100) and "your going" (47) pass, "your working" (20) and
#: "your feeling" (18) do not.
DOING = 30
#: How many times likelier the other word must be between the two neighbours. On 1.4 million
#: words of general technical English (Debian's package documentation), every finding at 100
#: was a real error; at 50, "to quiet a warning" was read as "quite".
LIKELIER = 100.0


def _alternatives() -> dict[str, tuple[str, ...]]:
    others: dict[str, set[str]] = {}
    for line in _CONFUSABLE_SETS:
        words = line.split()
        for word in words:
            others.setdefault(word, set()).update(w for w in words if w != word)
    return {word: tuple(sorted(rest)) for word, rest in others.items()}


_ALTERNATIVES = _alternatives()


def _readings(word: str) -> tuple[tuple[str, ...], ...]:
    return _EXPANSIONS.get(word, ((word,),))


def _attested(pairs: WordPairs, words: Sequence[str]) -> bool:
    return all(pairs.pair_count(a, b) for a, b in itertools.pairwise(words))


def _spaced(text: str, tokens: Sequence[Token], index: int) -> bool:
    """Whether only spaces (or one line break) stand between token `index` and the one before."""
    gap = text[tokens[index - 1].end : tokens[index].start]
    return gap.strip(" \t") in ("", "\n") and gap.count("\n") <= 1


def _product(factors: tuple[float, float]) -> float:
    return factors[0] * factors[1]


def _compares(words: Sequence[str]) -> bool:
    return any(w in _COMPARING or (w.endswith("er") and len(w) > 4) for w in words)


# The possessive each contraction is confused with ("they're doctor", "it's own").
_POSSESSIVES = {"it's": "its", "they're": "their", "you're": "your", "who's": "whose"}
# Times of day and year: "it's night", "it's winter" say what time it is.
_TIMES = frozenset(
    ["night", "morning", "evening", "afternoon", "noon", "midnight", "winter", "summer",
     "spring", "autumn", "lunchtime", "bedtime", "dinner", "lunch", "breakfast", "weekend",
     "today", "tomorrow", "tonight"]
)  # fmt: skip


# Words after which "it's" opens a clause ("if it's water", "think it's string").
_CLAUSE_BEFORE = (SUBORDINATORS | COORDINATORS | frozenset(
    ["think", "thought", "believe", "know", "knew", "say", "said", "says", "hope", "guess",
     "feel", "mean", "means", "suppose", "assume", "expect", "find", "found", "realise",
     "realize", "sure", "seems", "clear", "true", "so", "yes", "no", "now", "maybe", "perhaps"]
)) - {"and"}  # fmt: skip


def _is_noun(pairs: WordPairs, word: str) -> bool:
    """A word English writes after "the" but never after "is", "are", "has" or "very": a
    noun, not a state, a participle or a place ("the doctor", never "is doctor")."""
    return pairs.pair_count("the", word) > 0 and not any(
        pairs.pair_count(before, word) for before in ("is", "are", "has", "very")
    )


_FINITE = frozenset(
    ["is", "are", "was", "were", "has", "have", "had", "will", "can", "may", "might", "should",
     "must", "would", "could", "did", "does", "do"]
)  # fmt: skip


def _verb_follows(lowered: Sequence[str], index: int) -> bool:
    """Whether the word at `index` is a finite verb: a past form, a modal or "be"/"have", or a
    verb's "-s" form that word counts know."""
    if index >= len(lowered):
        return False
    verb = lowered[index]
    return verb in _FINITE or verb.endswith("ed") or verb in english_verb_forms()


#: How many times more often a word must precede "their" than "there" for "there" after it,
#: before a noun, to be "their" ("change their dose"; never "go there today").
OWNER_AFTER = 50


def _takes_owner(pairs: WordPairs, before: str) -> bool:
    return pairs.pair_count(before, "their") >= OWNER_AFTER * max(
        pairs.pair_count(before, "there"), MISSING_PAIR
    )


def _doing(pairs: WordPairs, word: str) -> bool:
    """An "-ing" word English writes after "are" far more than after "your" ("are taking",
    never "your taking"), unlike a noun in "-ing" ("your feeling", "your breathing")."""
    if not word.endswith("ing"):
        return False
    return pairs.pair_count("are", word) >= DOING * max(
        pairs.pair_count("your", word), MISSING_PAIR
    )


def _owner_meant(pairs: WordPairs, word: str, before: str, after: str) -> str:
    """The possessive a contraction stands for when what follows it is a thing owned."""
    owner = _POSSESSIVES.get(word, "")
    if not owner or after in _TIMES or after.endswith("ing"):
        return ""
    if after == "own":
        return owner
    if word in ("they're", "you're") and after.endswith("s"):
        return ""  # "they're doctors": what they are
    if word == "it's" and (not before or before in _CLAUSE_BEFORE):
        return ""  # "I think it's water": a clause of its own
    return owner if _is_noun(pairs, after) else ""


# Words after which "there" is the place adverb ("go there", "stay there", "over there").
_THERE_ADVERB_BEFORE = frozenset(
    ["go", "goes", "went", "gone", "going", "get", "gets", "got", "getting", "be", "been",
     "being", "is", "are", "was", "were", "stay", "stays", "stayed", "live", "lives", "lived",
     "put", "over", "out", "in", "up", "down", "back", "from", "here", "and", "or", "but",
     "then", "still", "right", "just", "not", "it", "them", "him", "her", "me", "us", "you",
     "sit", "stand", "lie", "arrive", "arrived", "remain", "remained", "travel", "travelled",
     "traveled", "move", "moved", "work", "worked", "working", "born", "that", "so", "if",
     "whether", "where", "when", "because", "while", "although", "though", "as", "since"]
)  # fmt: skip
# Words after which "you're" opens a clause ("until you're ready", "what you're doing").
_YOU_CLAUSE = _CLAUSE_BEFORE | frozenset(
    ["until", "once", "what", "who", "how", "why", "where", "when", "here", "there", "then",
     "and", "if", "as", "while", "unless", "whether", "whenever", "before", "after", "than",
     "thank", "sure", "glad", "know", "tell", "think", "believe", "hope", "see", "feel"]
)  # fmt: skip


def _owned(pairs: WordPairs, word: str) -> bool:
    """A word English writes after "the" but never after "is", "has" or "very": a thing
    owned ("triggers", "keys"); unlike `_is_noun`, plurals after "are" still count."""
    return pairs.pair_count("the", word) > 0 and not any(
        pairs.pair_count(before, word) for before in ("is", "has", "very")
    )


def _owner_after_verb(
    pairs: WordPairs, before: str, after: str, opens: bool, clause_openers: frozenset[str]
) -> bool:
    """Whether a contraction stands between a word that opens no clause and a thing owned
    ("install you're keys"), where only the possessive fits."""
    if opens or not before.isalpha() or before in clause_openers or after in _TIMES:
        return False
    return not after.endswith(("ing", "ed", "ly")) and _owned(pairs, after)


def _owned_after_there(pairs: WordPairs, before: str, after: str, opens: bool) -> bool:
    """ "all there clusters", "query there state": "there" before a noun, after a word that
    the place adverb does not follow, is "their"; a verb's "-s" form after it ("being there
    matters") is no noun."""
    if opens or not before or before in _THERE_ADVERB_BEFORE or not before.isalpha():
        return False
    if after in _FINITE or after in _NOT_OWNED or after in english_verb_forms():
        return False  # "there were", "there would be", "there must"
    return _is_noun(pairs, after)


# Function words the word counts hold after "the" (in titles and slips) that no one owns.
_NOT_OWNED = frozenset(
    ["be", "been", "being", "seems", "seem", "appears", "appear", "remains", "remain", "exists",
     "exist", "shall", "ought", "need", "needs", "used", "no", "not", "also", "only"]
)  # fmt: skip


def _owned_then_verb(pairs: WordPairs, lowered: Sequence[str], index: int) -> bool:
    """ "so that it's contents reach": after a clause opener "it's" may open a clause ("if
    it's water"), but not when a noun and then its verb follow, which only "its" allows."""
    after = lowered[index + 1]
    if not _is_noun(pairs, after) or after.endswith("ing") or index + 2 >= len(lowered):
        return False
    plural_verb = after.endswith("s") and lowered[index + 2] in english_verb_bases()
    return plural_verb or _verb_follows(lowered, index + 2)


def find_unlikely_words(
    text: str, tokens: Sequence[Token], protected: ProtectedSpans, pairs: WordPairs
) -> Iterator[Finding]:
    lowered = folded_words(tokens)
    for index, word in enumerate(lowered):
        if word not in _ALTERNATIVES or index >= len(tokens) - 1:
            continue
        before, after = lowered[index - 1] if index else "", lowered[index + 1]
        # Only a word written plainly before its neighbour: not "NO" (a constant or a shout),
        # not a quoted word ("set to ``no''"), not across a clause break.
        token = tokens[index]
        if token.text.isupper() and len(token.text) > 1:
            continue
        if not (after.isalpha() and _spaced(text, tokens, index + 1)):
            continue
        if protected.overlaps(token.start, token.end):
            continue
        gap = text[tokens[index - 1].end : token.start] if index else "."
        opens = gap.rstrip(" \t\"'\u201c").endswith((".", "!", "?", "\n\n"))
        spaced = index > 0 and _spaced(text, tokens, index)
        suggestion = _meant_by_what_follows(pairs, lowered, index, opens, spaced)
        if not suggestion and before.isalpha() and _spaced(text, tokens, index):
            suggestion = _likelier_between(pairs, lowered, index)
        if suggestion:
            yield Finding(token.start, token.text, cased_like(suggestion, token.text), "confusable")


def _meant_by_what_follows(
    pairs: WordPairs, lowered: Sequence[str], index: int, opens: bool, spaced: bool = True
) -> str:
    """The word meant where what follows decides: a thing owned after a contraction ("who's
    kidneys"), an "-ing" verb after "your" ("your taking"), a noun and its verb after a
    sentence's "There" ("There doctor called"), a noun after "principle"."""
    word, before, after = lowered[index], lowered[index - 1] if index else "", lowered[index + 1]
    owner = _owner_meant(pairs, word, before, after)
    if owner:
        return owner
    if word == "it's" and before in _CLAUSE_BEFORE and _owned_then_verb(pairs, lowered, index):
        return "its"
    if word == "there" and before and _is_noun(pairs, after) and _takes_owner(pairs, before):
        return "their"  # "change there dose": a verb that takes a thing owned
    if word == "there" and spaced and _owned_after_there(pairs, before, after, opens):
        return "their"  # "all there clusters", "query there state"
    if word == "it's" and _owner_after_verb(pairs, before, after, opens, _CLAUSE_BEFORE):
        return "its"  # "process it's triggers": "it is triggers" is no clause
    if word == "you're" and _owner_after_verb(pairs, before, after, opens, _YOU_CLAUSE):
        return "your"  # "install you're keys": after a verb, a thing owned
    if word == "your" and _doing(pairs, after):
        return "you're"
    if word == "there" and opens and _is_noun(pairs, after) and _verb_follows(lowered, index + 2):
        return "their"
    if word == "principle" and _is_noun(pairs, after):
        return "principal"  # "the principle side effect": before a noun only the adjective
    return ""


def _likelier_between(pairs: WordPairs, lowered: Sequence[str], index: int) -> str:
    """The other word of the set when it is LIKELIER times likelier between the two
    neighbours, each taking it at least as well as the written word; "" otherwise."""
    word, before, after = lowered[index], lowered[index - 1], lowered[index + 1]
    if word == "than" and _compares(lowered[max(0, index - 6) : index]):
        return ""
    written = max((pairs.fit(r, before, after) for r in _readings(word)), key=_product)
    best, suggestion = 0.0, ""
    for other in _ALTERNATIVES[word]:
        if other in _CONTRACTIONS:
            continue
        for reading in _readings(other):
            if not _attested(pairs, (before, *reading, after)):
                continue
            left, right = pairs.fit(reading, before, after)
            # Each neighbour must take the other word at least as well as the written one:
            # "used too many" is "used to" on the left but "too many" on the right.
            if left < written[0] or right < written[1]:
                continue
            if left * right > best:
                best, suggestion = left * right, other
    return suggestion if best >= LIKELIER * _product(written) else ""
