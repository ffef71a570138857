"""Rule-based English checks that need no dictionary search: repeated words,
a/an agreement, spacing around punctuation, and sentence capitalisation.

Each rule favours precision over recall: a reviewer who sees false alarms in
regulated copy stops trusting the tool, so ambiguous cases are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence, Set
from typing import NamedTuple

from actionvault.text.segments import ProtectedSpans, Sentence, Token


class Finding(NamedTuple):
    offset: int
    text: str
    suggestion: str
    category: str


def cased_like(suggestion: str, written: str) -> str:
    """`suggestion` with a capital where the written word has one ("Their" for "There")."""
    return suggestion[:1].upper() + suggestion[1:] if written[:1].isupper() else suggestion


_REPEATED_RE = re.compile(r"\b([^\W\d_]+)([ \t]+|[ \t]*\r?\n[ \t]*)(\1)\b", re.IGNORECASE)
# Doubled words that are grammatical: "she had had", "that that", "what it is is".
_LEGITIMATE_REPEATS = frozenset({"had", "that", "is"})
_WHAT_CLAUSE_RE = re.compile(r"\b(?:[Ww]hat|[Aa]ll|thing)\b[^.!?;]*$")


def find_repeated_words(text: str, protected: ProtectedSpans) -> Iterator[Finding]:
    for match in _REPEATED_RE.finditer(text):
        word = match.group(1).lower()
        if protected.overlaps(match.start(), match.end()):
            continue
        if word in _LEGITIMATE_REPEATS and (
            word != "is" or _WHAT_CLAUSE_RE.search(text, max(0, match.start() - 60), match.start())
        ):
            continue  # "is is" only closes a "what ... is" clause
        if "\n" in match.group(2) and match.group(3)[:1].isupper():
            continue  # a heading's last word, then the text under it: "About Brevaxo\nBrevaxo is"
        yield Finding(match.start(), match.group(), match.group(1), "repeated_word")


# Letters whose spoken name starts with a vowel sound: "an F", "an MRI", "an HCP".
_VOWEL_SOUND_LETTERS = frozenset("aefhilmnorsx")
# Initialisms read as words, so the word's own first sound decides.
_ACRONYMS_READ_AS_WORDS = {
    "hipaa": False, "nasa": False, "nato": False, "nice": False, "fema": False,
    "lasik": False, "sars": False, "mers": False, "hedis": False, "snomed": False,
    "covid": False, "gerd": False, "unicef": False, "unesco": False, "eular": False,
    "aids": True, "osha": True, "asco": True, "esmo": True, "easd": True,
}  # fmt: skip
_SILENT_H = ("hour", "honest", "honor", "honour", "heir")
# Spellings whose article is genuinely disputed ("a/an historic", US "an herb").
_EITHER_ARTICLE = ("historic", "herb", "heroic")
# Vowel letters pronounced with a leading "y"/"w" consonant sound.
_CONSONANT_VOWEL_PREFIXES = (
    "uni", "usu", "use", "usa", "uti", "ute", "ubiq", "uri", "ure", "uro", "ura",
    "uku", "ukr", "uvu", "utop", "unanim", "eu", "ewe",
)  # fmt: skip
_VOWEL_UNI_PREFIXES = ("unin", "unimp", "unimag", "unident")  # "un-" + "i..." words
_ONE_WORDS = frozenset({"one", "once", "oneself", "onetime", "one's"})
# Words after which a capital "A" is a label ("Group A patients"), not an article.
_LABEL_NOUNS = frozenset({
    "vitamin", "hepatitis", "type", "grade", "class", "group", "category", "part", "section",
    "appendix", "schedule", "phase", "list", "plan", "option", "exhibit", "figure", "table",
    "step", "item", "cohort", "arm",
})  # fmt: skip


def _number_has_vowel_sound(number: str) -> bool | None:
    digits = number.replace(",", "").split(".")[0]
    if not digits:
        return None
    if digits.startswith("8"):
        return True  # eight, eighty, eight hundred...
    if digits[:2] in ("11", "18"):
        # eleven, eighteen, eleven thousand; "1100" could be read either way.
        return {2: True, 5: True, 8: True}.get(len(digits), None if len(digits) == 4 else False)
    return False


def _word_has_vowel_sound(word: str) -> bool | None:
    if word in _ONE_WORDS:
        return False
    if word.startswith(_EITHER_ARTICLE):
        return None
    if word.startswith(_SILENT_H):
        return True
    if word.startswith(_VOWEL_UNI_PREFIXES):
        return True
    if word.startswith(_CONSONANT_VOWEL_PREFIXES):
        return False
    return word[0] in "aeiou"


def starts_with_vowel_sound(token: str, is_word: Callable[[str], bool]) -> bool | None:
    """Whether `token` is spoken starting with a vowel sound; None when unsure.

    Initialisms are read letter by letter ("an FDA", "a US"), while acronyms
    that happen to be words ("NICE") and shouted words are read as words.
    """
    head = token.split("-", 1)[0].replace("\u2019", "'")
    if not head:
        return None
    if head[0].isdigit():
        return _number_has_vowel_sound(head[: len(head) - len(head.lstrip("0123456789,."))])
    letters = "".join(c for c in head if c.isalpha())
    if not letters or not letters.isascii():
        return None
    lowered = letters.lower()
    if lowered in _ACRONYMS_READ_AS_WORDS:
        return _ACRONYMS_READ_AS_WORDS[lowered]
    if len(letters) == 1:
        return lowered in _VOWEL_SOUND_LETTERS
    if head.isupper() or any(c.isdigit() for c in head):
        if len(letters) >= 4 and is_word(lowered) and head.isalpha():
            return _word_has_vowel_sound(lowered)
        return lowered[0] in _VOWEL_SOUND_LETTERS
    if any(c.isupper() for c in head[1:]):  # eGFR, mRNA, pH, HbA1c, iPhone
        # Two lower-case letters before a capital make a compound read as words ("McDonald",
        # "FileStream", "isReady"), whose sound this cannot tell.
        first_capital = next(i for i, c in enumerate(head[1:], 1) if c.isupper())
        if sum(c.islower() for c in head[:first_capital]) >= 2:
            return None
        return lowered[0] in _VOWEL_SOUND_LETTERS
    if head.islower() and not is_word(lowered):
        return None  # "an fd", "a udev": a lower-case term no dictionary holds may be spelt out
    return _word_has_vowel_sound(lowered)


def find_article_errors(
    text: str,
    tokens: Sequence[Token],
    protected: ProtectedSpans,
    initial: Set[int],
    is_word: Callable[[str], bool],
) -> Iterator[Finding]:
    for index, article in enumerate(tokens[:-1]):
        if article.text.lower() not in ("a", "an"):
            continue
        following = tokens[index + 1]
        gap = text[article.end : following.start]
        if not gap or not gap.isspace() or "\n\n" in gap.replace("\r", ""):
            continue
        if article.start > 0 and text[article.start - 1] in "-'\u2019./":
            continue
        if article.text == "A" and article.start not in initial:
            continue  # "hepatitis A", "Table A"
        if (
            index > 0
            and article.text in ("A", "a")
            and tokens[index - 1].text.lower() in _LABEL_NOUNS
            and text[tokens[index - 1].end : article.start].isspace()
        ):
            continue
        if protected.overlaps(following.start, following.end):
            continue
        vowel = starts_with_vowel_sound(following.text, is_word)
        if vowel is None or vowel == (article.text.lower() == "an"):
            continue
        if vowel:
            replacement = "An" if article.text == "A" else "an"
        else:
            replacement = "a" if article.text[0] == "a" else "A"
        yield Finding(
            article.start,
            text[article.start : following.end],
            replacement + gap + following.text,
            "article",
        )


_MISSING_SPACE_RE = re.compile(r"([.,;:!?])([^\W\d_]+(?:['\u2019][^\W\d_]+)*)")
_SPACE_BEFORE_RE = re.compile(r"(?<![^\W_])([^\W_]+)( +)([,;:!?.])(?=[\s\"'\u201d\u2019)\]]|$)")
_SPACE_ON_WRONG_SIDE_RE = re.compile(
    r"(?<![^\W_])([^\W_]+)( +)([,;:!?])([^\W\d_]+)"
)  # "word ,next"
_DOUBLE_SPACE_RE = re.compile(r"(?<![^\W_])([^\W_]+)( {2,})(?=([^\W_]+))")


_ABBREVIATION_END_RE = re.compile(r"\b[A-Za-z](?:\.[A-Za-z])+$")


def _period_joins_a_name(text: str, match: re.Match[str], is_word: Callable[[str], bool]) -> bool:
    """Whether a period glued to a word joins the parts of one name (path, file,
    version, dotted identifier) rather than ending a sentence."""
    mark, word = match.start(), match.group(2)
    if _ABBREVIATION_END_RE.search(text, max(0, mark - 12), mark):
        return False  # "e.g.the" lacks a space after the abbreviation
    following = text[match.end() : match.end() + 2]
    if following[:1] in ("/", "\\", "_") or (following[:1] == "." and following[1:2].isalnum()):
        return True  # "major.minor.micro"
    start = mark
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    if start > 0 and text[start - 1] in "./\\_~":
        return True  # "comp.sources", "/etc/adduser.conf", "~/.bashrc"
    if word[0].islower():
        # "1.4.x", "inttypes.h", "adduser.conf": versions and file extensions.
        return text[mark - 1].isdigit() or len(word) <= 2 or not is_word(word.lower())
    return False


def find_spacing_errors(
    text: str, protected: ProtectedSpans, is_word: Callable[[str], bool]
) -> Iterator[Finding]:
    for match in _MISSING_SPACE_RE.finditer(text):
        mark = match.start()
        if mark == 0 or protected.covers(mark):
            continue
        before = text[mark - 1]
        if not (before.isalnum() or before in ")]\"'\u201d\u2019%"):
            continue
        if match.group(1) == "," and len(match.group(2)) == 1:
            continue  # variables and coordinates: "cv(1,j)", "(x,y)"
        if text[match.end() : match.end() + 1].isdigit():
            continue  # codes such as page "e1234" or "S0140" are not words
        if match.group(1) == "." and (before == "." or _period_joins_a_name(text, match, is_word)):
            continue  # ellipses glued to a word are a style choice, dotted names no sentence end
        yield Finding(mark, match.group(), f"{match.group(1)} {match.group(2)}", "spacing")
    for match in _SPACE_BEFORE_RE.finditer(text):
        if protected.overlaps(match.start(), match.end()):
            continue
        yield Finding(match.start(), match.group(), match.group(1) + match.group(3), "spacing")
    for match in _SPACE_ON_WRONG_SIDE_RE.finditer(text):
        if protected.overlaps(match.start(), match.end()):
            continue
        suggestion = f"{match.group(1)}{match.group(3)} {match.group(4)}"
        yield Finding(match.start(), match.group(), suggestion, "spacing")
    for match in _DOUBLE_SPACE_RE.finditer(text):
        end = match.end() + len(match.group(3))
        if protected.overlaps(match.start(), end):
            continue
        yield Finding(
            match.start(),
            text[match.start() : end],
            f"{match.group(1)} {match.group(3)}",
            "spacing",
        )


def find_capitalisation_errors(
    text: str, sentences: Sequence[Sentence], tokens: Sequence[Token], protected: ProtectedSpans
) -> Iterator[Finding]:
    starts = {t.start: t for t in tokens}
    for sentence in sentences:
        if not sentence.capital_expected:
            continue
        position = sentence.start
        if text[position] in "([":
            continue  # a parenthetical aside may continue the previous sentence
        while position < sentence.end and text[position] in "\"'\u201c\u2018":
            position += 1
        word = starts.get(position)
        if word is None or not word.text[0].islower() or protected.overlaps(word.start, word.end):
            continue
        if word.text != word.text.lower() or any(c.isdigit() for c in word.text):
            continue  # eGFR, mRNA, pH and the like are lower-case by convention
        if len(word.text) == 1 and word.text not in ("a", "i"):
            continue
        yield Finding(word.start, word.text, word.text[0].upper() + word.text[1:], "capitalization")
    for token in tokens:
        if (
            token.text == "i"
            and text[token.end : token.end + 1] not in (".", ")")  # "i.e.", "(i)"
            and text[token.start - 1 : token.start] not in ("(", ".")
        ):
            yield Finding(token.start, "i", "I", "capitalization")


# Confusable words, each read from its neighbours: a rule fires only where the other word of the
# pair is the one that fits the grammar, so the ordinary uses of both stay unflagged.
