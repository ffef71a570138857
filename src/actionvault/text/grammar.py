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
            continue  # a heading's last word, then the text under it: "About Norvance\nNorvance is"
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
    if any(c.isupper() for c in head[1:]):  # eGFR, mRNA, pH, iPhone, but not McDonald
        return None if head.startswith(("Mc", "Mac")) else lowered[0] in _VOWEL_SOUND_LETTERS
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
_MODALS = frozenset(
    [
        "can",
        "could",
        "may",
        "might",
        "will",
        "would",
        "should",
        "must",
        "shall",
        "to",
        "not",
        "does",
        "did",
        "do",
        "cannot",
    ]
)
_PREPOSITIONS = frozenset(
    [
        "at",
        "in",
        "on",
        "for",
        "of",
        "with",
        "from",
        "about",
        "by",
        "into",
        "onto",
        "under",
        "over",
        "to",
        "through",
        "during",
        "after",
        "before",
        "between",
        "without",
        "within",
        "against",
        "towards",
        "toward",
    ]
)
_DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "your",
        "their",
        "our",
        "his",
        "her",
        "my",
        "its",
        "this",
        "that",
        "each",
        "every",
        "no",
    ]
)
_SUBJECT_STARTS = frozenset(
    [
        "you",
        "your",
        "they",
        "their",
        "it",
        "its",
        "he",
        "she",
        "we",
        "i",
        "this",
        "these",
        "those",
        "there",
        "the",
        "to",
        "or",
    ]
)
# Words that follow existential or place "there": "there is", "there may be", "go there now".
_AFTER_THERE = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "may",
        "might",
        "can",
        "could",
        "should",
        "must",
        "has",
        "have",
        "had",
        "be",
        "been",
        "being",
        "seems",
        "seem",
        "seemed",
        "appears",
        "appear",
        "appeared",
        "remains",
        "remain",
        "exist",
        "exists",
        "existed",
        "and",
        "or",
        "but",
        "to",
        "for",
        "in",
        "on",
        "at",
        "with",
        "from",
        "by",
        "of",
        "as",
        "until",
        "before",
        "after",
        "when",
        "if",
        "since",
        "so",
        "now",
        "again",
        "too",
        "also",
        "still",
        "once",
        "first",
        "then",
        "yet",
        "is",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
    ]
)
_CLAUSE_OPENERS = frozenset(
    [
        "that",
        "if",
        "whether",
        "when",
        "where",
        "because",
        "and",
        "but",
        "or",
        "as",
        "since",
        "unless",
        "while",
        "although",
        "though",
        "so",
        "who",
        "which",
    ]
)
_COORDINATORS = frozenset({"and", "but", "or", "so"})
_SUBORDINATORS = _CLAUSE_OPENERS - _COORDINATORS
_OPENERS_ANYWHERE = _SUBORDINATORS
_BE_FORMS = frozenset(["is", "are", "was", "were", "has", "have", "seems", "appears"])
_COMPARATIVES = frozenset(
    [
        "more",
        "less",
        "fewer",
        "rather",
        "other",
        "greater",
        "lower",
        "higher",
        "better",
        "worse",
        "larger",
        "smaller",
        "longer",
        "shorter",
        "faster",
        "slower",
        "older",
        "younger",
    ]
)
_ITS_PREDICATES = frozenset(
    [
        "not",
        "important",
        "difficult",
        "essential",
        "possible",
        "likely",
        "unlikely",
        "hard",
        "easy",
        "best",
        "worth",
        "advisable",
        "necessary",
        "safe",
        "unsafe",
        "okay",
        "ok",
        "too",
        "very",
        "vital",
        "crucial",
        "recommended",
    ]
)


_CONFUSABLE_WORDS = frozenset(
    [
        "its",
        "their",
        "there",
        "you're",
        "weather",
        "effect",
        "effects",
        "affect",
        "affects",
        "then",
        "loose",
        "principals",
        "principal",
        "advice",
        "advise",
        "breathe",
        "breath",
        "except",
        "whose",
    ]
)


def _gap_breaks(gap: str) -> bool:
    return any(c in gap for c in ',;:()[]\u2013\u2014\n.!?"')


def find_confusables(
    text: str, tokens: Sequence[Token], protected: ProtectedSpans
) -> Iterator[Finding]:
    lowered = [t.text.lower().replace("\u2019", "'") for t in tokens]
    count = len(tokens)

    def word(index: int) -> str:
        return lowered[index] if 0 <= index < count else ""

    def joined(index: int) -> bool:
        """Whether token `index` follows the one before it in the same clause."""
        return index > 0 and not _gap_breaks(text[tokens[index - 1].end : tokens[index].start])

    def clause_end_after(index: int) -> bool:
        following = text[tokens[index].end : tokens[index].end + 1]
        return index + 1 >= count or following in (".", ",", ";", ":", "!", "?")

    for index, token in enumerate(tokens):
        current = lowered[index]
        if current not in _CONFUSABLE_WORDS:
            continue
        before, after = word(index - 1), word(index + 1)
        previous_joined, next_joined = joined(index), index + 1 < count and joined(index + 1)
        suggestion = ""
        if current == "its" and next_joined and after in _ITS_PREDICATES:
            suggestion = "it's"
        elif current == "its" and after.endswith("ed") and index + 1 < count:
            suggestion = "it's" if clause_end_after(index + 1) and before == "until" else ""
        elif current == "their" and next_joined and after in _BE_FORMS:
            suggestion = "there"
        elif (
            current == "there"
            and previous_joined
            and next_joined
            and (before in _PREPOSITIONS or before in {"understand", "discuss", "take", "keep"})
            and after.isalpha()
            and after not in _AFTER_THERE
            and after not in _DETERMINERS
            and not after.endswith("ly")
        ):
            suggestion = "their"
        elif current == "you're" and previous_joined and before in _PREPOSITIONS:
            suggestion = "your"
        elif current == "weather" and (
            (next_joined and after in _SUBJECT_STARTS - {"the", "to"})
            or (next_joined and after == "or" and word(index + 2) == "not")
            or (
                previous_joined
                and before
                in {
                    "ask",
                    "discuss",
                    "decide",
                    "check",
                    "know",
                    "consider",
                    "determine",
                    "assess",
                    "unsure",
                    "unclear",
                    "wonder",
                }
            )
        ):
            suggestion = "whether"
        elif current in ("effect", "effects") and (
            (current == "effect" and previous_joined and before in _MODALS - {"to"})
            or (
                current == "effects"
                and previous_joined
                and next_joined
                and after
                in {
                    "up",
                    "about",
                    "around",
                    "approximately",
                    "nearly",
                    "how",
                    "whether",
                    "your",
                    "their",
                    "his",
                    "her",
                }
                and before not in {"side", "adverse", "the", "of", "these", "its", "their"}
            )
        ):
            suggestion = "affect" if current == "effect" else "affects"
        elif (
            current in ("affect", "affects")
            and previous_joined
            and (before in {"an", "the", "no", "positive", "negative", "adverse", "side", "any"})
        ):
            suggestion = "effect" if current == "affect" else "effects"
        elif current == "then" and previous_joined:
            back = index - 1
            while (
                back > 0
                and index - back < 5
                and joined(back + 1)
                and word(back) not in _COMPARATIVES
            ):
                back -= 1
            if word(back) in _COMPARATIVES and all(joined(i) for i in range(back + 1, index + 1)):
                suggestion = "than"
        elif current == "loose" and (
            (previous_joined and before in _MODALS)
            or (next_joined and after in {"weight", "consciousness", "sight", "hair"})
        ):
            suggestion = "lose"
        elif current == "principals" and next_joined and after == "of":
            suggestion = "principles"
        elif (
            current == "principal"
            and previous_joined
            and before == "in"
            and clause_end_after(index)
        ):
            suggestion = "principle"
        elif (
            current == "advice"
            and previous_joined
            and before in _MODALS
            and after in _DETERMINERS | {"you", "them", "patients"}
        ):
            suggestion = "advise"
        elif (
            current == "advise"
            and previous_joined
            and before in {"medical", "for", "your", "the", "some", "expert", "our", "of"}
        ):
            suggestion = "advice"
        elif current == "breathe" and previous_joined and before in _DETERMINERS | {"of"}:
            suggestion = "breath"
        elif (
            current == "breath"
            and previous_joined
            and before in _MODALS
            and after in {"in", "out", "deeply", "normally"}
        ):
            suggestion = "breathe"
        elif current == "except" and previous_joined and before in _MODALS - {"not"}:
            suggestion = "accept"
        elif current == "whose" and next_joined and after in {"is", "has", "been", "going"}:
            suggestion = "who's"
        if not suggestion or protected.overlaps(token.start, token.end):
            continue
        if token.text[0].isupper():
            suggestion = suggestion[0].upper() + suggestion[1:]
        yield Finding(token.start, token.text, suggestion, "confusable")


# Subject-verb agreement on a clause's first verb, when it is one of these closed forms.
_SINGULAR_VERBS = {"is": "are", "was": "were", "has": "have", "does": "do"}
_PLURAL_VERBS = {plural: singular for singular, plural in _SINGULAR_VERBS.items()}
# Lexical verbs whose -s form is checked; a base form after a singular subject is checked only
# when an object follows it ("a meeting suit you").
_LEXICAL_VERBS = frozenset(
    [
        "show",
        "remain",
        "need",
        "meet",
        "suggest",
        "indicate",
        "demonstrate",
        "confirm",
        "require",
        "appear",
        "seem",
        "occur",
        "increase",
        "reduce",
        "improve",
        "cause",
        "contain",
        "include",
        "help",
        "work",
        "lead",
        "provide",
        "support",
        "suit",
        "stop",
        "continue",
        "differ",
        "vary",
        "depend",
        "tend",
        "mean",
        "allow",
    ]
)
_IRREGULAR_PLURALS = frozenset(["people", "children", "women", "men", "teeth", "feet", "mice"])
# Either number is accepted with these (the set's editors and style guides agree).
_EITHER_NUMBER = frozenset(
    [
        "data",
        "staff",
        "team",
        "family",
        "group",
        "media",
        "criteria",
        "series",
        "species",
        "news",
        "committee",
        "public",
        "majority",
        "number",
        "none",
        "total",
        "statistics",
        "economics",
        "genetics",
        "ethics",
        "physics",
        "logistics",
        "diagnostics",
        "therapeutics",
        "pharmacokinetics",
    ]
)
_NOT_SUBJECT_WORDS = frozenset(
    [
        "each",
        "every",
        "either",
        "neither",
        "one",
        "none",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "how",
        "why",
        "if",
        "there",
        "here",
        "it",
        "this",
        "that",
        "these",
        "those",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "all",
        "both",
        "some",
        "any",
        "many",
        "much",
        "most",
        "more",
        "less",
        "few",
        "several",
        "such",
        "only",
        "also",
        "not",
    ]
) - {"these", "those", "this", "that"}


_FUNCTION_WORDS = (
    _MODALS
    | _PREPOSITIONS
    | _DETERMINERS
    | _NOT_SUBJECT_WORDS
    | _CLAUSE_OPENERS
    | _COORDINATORS
    | frozenset(
        [
            "so",
            "such",
            "say",
            "said",
            "ensure",
            "note",
            "means",
            "mean",
            "given",
            "provided",
            "is",
            "are",
            "was",
            "were",
        ]
    )
)
_PRONOUNS = frozenset(["i", "you", "he", "she", "it", "we", "they", "me", "him", "us", "them"])


def _plural_noun(word: str, is_word: Callable[[str], bool]) -> bool:
    if word in _IRREGULAR_PLURALS:
        return True
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is", "'s"))
        and (is_word(word[:-1]) or (word.endswith("es") and is_word(word[:-2])))
    )


def _verb_number(word: str, after: str) -> bool | None:
    """True for a singular verb form, False for a plural one, None for neither."""
    if word in _SINGULAR_VERBS:
        return True
    if word in _PLURAL_VERBS:
        return False
    if word.endswith("s") and word[:-1] in _LEXICAL_VERBS:
        return True
    if word in _LEXICAL_VERBS and after in {"you", "it", "them", "us", "the", "your", "their"}:
        return False
    return None


def _agree(word: str, singular: bool) -> str:
    if word in _SINGULAR_VERBS or word in _PLURAL_VERBS:
        return _SINGULAR_VERBS.get(word) or _PLURAL_VERBS[word]
    return word + "s" if singular else word[:-1]


def find_agreement_errors(
    text: str, tokens: Sequence[Token], protected: ProtectedSpans, is_word: Callable[[str], bool]
) -> Iterator[Finding]:
    """A clause's subject read up to its first verb: compound subjects ("A and B") and plural
    heads are plural, the head being the last word before any prepositional phrase ("the
    results of the analysis"); a verb of the other number is flagged."""
    lowered = [t.text.lower() for t in tokens]
    start: int | None = 0  # None while inside code, a table or figures
    for index in range(len(tokens) + 1):
        last = index == len(tokens)
        gap = text[tokens[index - 1].end : tokens[index].start] if index > 0 and not last else "."
        if gap == " " and lowered[index] not in _OPENERS_ANYWHERE:
            continue  # the common case: a word in mid-clause
        # Punctuation without space around it joins figures or names ("3:1", "1.5", "mg/dL").
        joined = index > 0 and not last and gap != "" and not any(c.isspace() for c in gap)
        hard = not joined and (last or "\n" in gap or any(c in gap for c in '.;:!?()"\u201c\u201d'))
        # Other symbols inside a clause (%, |, `, /, =) mean code, tables or figures.
        symbols = joined or (not hard and gap.strip(" ,") != "")
        opens = not last and (
            lowered[index] in _SUBORDINATORS or (lowered[index] in _COORDINATORS and "," in gap)
        )
        if not (hard or symbols or opens):
            continue
        if opens and lowered[index] in _RELATIVES and 0 < index < len(tokens) - 1:
            yield from _check_relative(text, tokens, lowered, index, protected, is_word)
        # A clause's words run from `start` to `index`; its first verb is checked. A relative
        # clause's subject is the noun before it (above); after "and" only a clause with its own
        # determined subject is read ("and our clinics have"), not a list's tail.
        if start is not None and start < index:
            opener = lowered[start - 1] if start > 0 else ""
            determined = lowered[start] in _DETERMINERS or lowered[start] in _QUANTITY_WORDS
            if (opener not in _RELATIVES and opener not in _COORDINATORS) or determined:
                yield from _check_clause(text, tokens, lowered, start, index, protected, is_word)
        if symbols:
            start = None
        elif opens:
            start = index + 1
        elif hard:
            start = index


# Words that open a noun phrase: after "that" they make it a clause of its own ("we estimate
# that around 25 patients meet"), not a relative clause.
_QUANTITY_WORDS = frozenset(
    ["around", "about", "approximately", "nearly", "over", "some", "many", "most", "all"]
)
_RELATIVES = frozenset({"who", "that", "which"})


def _check_relative(
    text: str,
    tokens: Sequence[Token],
    lowered: Sequence[str],
    index: int,
    protected: ProtectedSpans,
    is_word: Callable[[str], bool],
) -> Iterator[Finding]:
    """ "patients who has", "bleeding that do not stop": the relative pronoun's verb agrees with
    the noun just before it."""
    noun, verb = lowered[index - 1], lowered[index + 1]
    if verb not in _SINGULAR_VERBS and verb not in _PLURAL_VERBS:
        return
    gaps = text[tokens[index - 1].end : tokens[index + 1].start]
    if any(c in gaps for c in ",;:()\n") or not noun.isalpha() or noun in _EITHER_NUMBER:
        return
    if noun in _FUNCTION_WORDS or noun.endswith("ly") or not is_word(noun):
        return
    plural = _plural_noun(noun, is_word)
    if not plural and (noun.endswith("s") or lowered[index] == "who"):
        return  # "adults with gout who have": the noun before "who" may not be its antecedent
    if plural == (verb in _SINGULAR_VERBS) and not protected.overlaps(
        tokens[index + 1].start, tokens[index + 1].end
    ):
        token = tokens[index + 1]
        yield Finding(token.start, token.text, _agree(verb, not plural), "agreement")


def _check_clause(
    text: str,
    tokens: Sequence[Token],
    lowered: Sequence[str],
    start: int,
    end: int,
    protected: ProtectedSpans,
    is_word: Callable[[str], bool],
) -> Iterator[Finding]:
    words: list[str] = []
    for index in range(start, end):
        current = lowered[index]
        after = lowered[index + 1] if index + 1 < len(lowered) else ""
        number = _verb_number(current, after) if words else None
        if number is not None:
            named = any(t.text[:1].isupper() for t in tokens[start + 1 : index])
            plural_subject = _subject_is_plural(words, is_word, named)
            if (
                plural_subject is not None
                and plural_subject == number
                and not protected.overlaps(tokens[index].start, tokens[index].end)
            ):
                token = tokens[index]
                yield Finding(token.start, token.text, _agree(current, not number), "agreement")
            return
        if len(words) >= 10 or not (current.replace("-", "").isalnum()):
            return
        if (
            current.endswith("ed")
            and words
            and not (words[-1] in _DETERMINERS or words[-1].endswith("ly"))
        ):
            return  # a past-tense verb: the clause's verb was not one checked here
        comma = index > start and "," in text[tokens[index - 1].end : tokens[index].start]
        if comma and "and" not in lowered[index : min(end, index + 3)]:
            return  # a comma not in a list "A, B and C" ends the subject
        words.append(current)


def _subject_is_plural(
    words: Sequence[str], is_word: Callable[[str], bool], named: bool = False
) -> bool | None:
    """Whether the words before a verb make a plural subject; None when unsure."""
    if (
        words[0] in _NOT_SUBJECT_WORDS | {"please"}
        or any(w in _PRONOUNS for w in words)
        or any(w in {"each", "every", "or", "nor"} for w in words)
    ):
        return None
    if any(w in _MODALS or w in _PLURAL_VERBS or w in _SINGULAR_VERBS for w in words):
        return None
    head_words = list(words)
    for position, current in enumerate(words):
        if current in _PREPOSITIONS or current == "per":
            head_words = list(words[:position])
            break
    if not head_words:
        return None
    if head_words[0].endswith("ing"):
        return None  # "Running two trials has ...": a gerund subject is singular
    if "and" in head_words[1:-1]:
        return None if named else True  # "Food and Drug Administration" is one name
    head = head_words[-1]
    if head in _EITHER_NUMBER or not head.isalpha() or not is_word(head.rstrip("s") or head):
        return None
    if head in {"these", "those", "this", "that"}:
        return None
    if _plural_noun(head, is_word):
        # A lone capitalised plural may be a singular name ("Shingles", "Diabetes").
        return None if len(head_words) == 1 else True
    if head.endswith("s") or head.endswith("ly") or head_words[0] not in _DETERMINERS:
        return None
    if len(head_words) == 1 or any(w in {"most", "least", "more", "less"} for w in head_words):
        return None  # "The most common are ..." names no noun
    return False
