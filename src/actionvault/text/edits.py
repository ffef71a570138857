"""Edit operations behind spelling suggestions, and the tests of whether an edit is a
likely slip: a suggestion is only worth showing when the misspelling is one a writer makes."""

from __future__ import annotations

__all__ = [
    "consonants",
    "deletes1",
    "edit_distance",
    "edits1",
    "is_adjacent_swap",
    "is_doubling_slip",
    "is_pronounceable",
]

ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {left + right[1:] for left, right in splits if right}
    edits.update(left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1)
    edits.update(left + c + right[1:] for left, right in splits if right for c in ALPHABET)
    edits.update(left + c + right for left, right in splits for c in ALPHABET)
    edits.discard(word)
    return edits


def is_adjacent_swap(word: str, other: str) -> bool:
    differences = [i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b]
    return (
        len(word) == len(other)
        and len(differences) == 2
        and differences[1] == differences[0] + 1
        and word[differences[0]] == other[differences[1]]
        and word[differences[1]] == other[differences[0]]
    )


def is_doubling_slip(word: str, other: str) -> bool:
    """One of two equal neighbouring letters typed once, or one letter typed twice
    ("acomodate", "occurr"): the commonest slip, so a match on it is credible even
    when the word it gives is rare."""
    shorter, longer = sorted((word, other), key=len)
    if len(longer) != len(shorter) + 1:
        return False
    return any(
        longer[i] == longer[i + 1] and longer[:i] + longer[i + 1 :] == shorter
        for i in range(len(longer) - 1)
    )


def is_pronounceable(word: str) -> bool:
    """Every English word, and every drug or clinical term, has a vowel; a run of
    letters without one ("qxzwvk") is garbage rather than an unfamiliar term."""
    return any(c in "aeiouy" for c in word)


def consonants(word: str) -> str:
    """The consonants of a word with doubled letters written once: misspellings two edits
    from their word are nearly always phonetic ("maintainance", "neccessary") and keep it,
    while a clinical term two edits from a common word rarely does ("stearate", "separate")."""
    skeleton = [c for c in word if c not in "aeiouy"]
    return "".join(c for i, c in enumerate(skeleton) if i == 0 or c != skeleton[i - 1])


def deletes1(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance counting a swap of neighbours as one edit (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]
