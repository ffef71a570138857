"""Subject-verb agreement: a plural subject with a singular verb and the reverse, compound
subjects, and a subject separated from its verb by a short phrase or a relative clause."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from actionvault.text.grammar import Finding, cased_like
from actionvault.text.segments import ProtectedSpans, Token, folded_words, same_clause
from actionvault.text.word_pairs import english_verb_bases, english_verb_forms
from actionvault.text.wordclasses import (
    CLAUSE_OPENERS,
    COORDINATORS,
    DETERMINERS,
    MODALS,
    OPENERS_ANYWHERE,
    PREPOSITIONS,
    SUBORDINATORS,
)

_SINGULAR_VERBS = {
    "is": "are",
    "was": "were",
    "has": "have",
    "does": "do",
    "isn't": "aren't",
    "wasn't": "weren't",
    "hasn't": "haven't",
    "doesn't": "don't",
}
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
# Words that open an object: after a base-form verb they show it is a finite verb whose subject
# came before ("the pack contain 28 tablets"), not an infinitive.
_OBJECT_STARTS = frozenset(
    ["you", "it", "them", "us", "the", "your", "their", "a", "an", "this", "these", "our",
     "his", "her", "its", "some", "no", "any", "two", "three", "four"]
)  # fmt: skip
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
    MODALS
    | PREPOSITIONS
    | DETERMINERS
    | _NOT_SUBJECT_WORDS
    | CLAUSE_OPENERS
    | COORDINATORS
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
# Nouns that count what follows them ("a handful of tests"), which then gives the verb its number.
_QUANTITY_NOUNS = frozenset(
    ["couple", "handful", "bunch", "lot", "lots", "number", "majority", "minority", "range",
     "variety", "set", "series", "group", "proportion", "percentage", "half", "third", "quarter",
     "rest", "remainder", "plenty", "dozen", "pair"]
)  # fmt: skip
# Past forms that end no "-ed": a clause's verb not checked here.
_IRREGULAR_PAST = frozenset(
    ["had", "did", "made", "took", "gave", "got", "came", "went", "became", "found", "saw",
     "said", "began", "kept", "left", "felt", "brought", "ran", "chose", "knew", "grew", "led",
     "held", "told", "thought", "meant", "sent", "spent", "built", "wrote", "broke", "shown",
     "given", "seen", "known", "written", "taken", "done", "chosen", "drawn", "grown", "born"]
)  # fmt: skip
# Adverbs that may close the words before a verb ("the codebases below are", "this sometimes is").
_ADVERBS = frozenset(
    ["below", "above", "here", "there", "sometimes", "always", "also", "often", "usually", "now",
     "then", "still", "never", "already", "together", "alone", "too", "instead", "again"]
)  # fmt: skip
_WH_WORDS = frozenset(["how", "what", "why", "who", "which", "where", "when", "whether", "that"])
# Words that open a subject and count it: "most patients", "every patient".
_COUNTING_WORDS = frozenset(
    [
        "most",
        "many",
        "some",
        "all",
        "several",
        "few",
        "both",
        "various",
        "numerous",
        "each",
        "every",
    ]
)
# Diseases and other nouns plural in form but singular in use.
_SINGULAR_IN_FORM = frozenset(
    ["shingles", "measles", "mumps", "rickets", "scabies", "herpes", "hives", "means", "news",
     "lens", "series", "species", "sepsis", "diabetes", "mathematics", "physics", "genetics"]
)  # fmt: skip
_ORDINALS = frozenset(["first", "second", "third", "last", "latter", "former", "following"])
# Words in "-ing" that open a phrase, not an action: "Following the visit patients are".
_ING_PREPOSITIONS = frozenset(
    ["including", "following", "regarding", "concerning", "considering", "excluding",
     "according", "during", "notwithstanding", "barring", "pending", "beginning", "starting",
     "assuming", "given", "excepting", "depending", "nothing", "something", "everything",
     "anything", "morning", "evening", "spring", "ceiling", "string", "thing", "king"]
)  # fmt: skip


def _plural_noun(word: str, is_word: Callable[[str], bool]) -> bool:
    if word in _IRREGULAR_PLURALS:
        return True
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is", "'s"))
        and (
            is_word(word[:-1])
            or (word.endswith("es") and is_word(word[:-2]))
            or (word.endswith("ies") and is_word(word[:-3] + "y"))  # "therapies", "studies"
        )
    )


def _known_noun(word: str, is_word: Callable[[str], bool]) -> bool:
    """Whether the dictionary knows the word or, for a plural, its singular."""
    return is_word(word.rstrip("s") or word) or (word.endswith("ies") and is_word(word[:-3] + "y"))


def _verb_number(word: str, after: str) -> bool | None:
    """True for a singular verb form, False for a plural one, None for neither."""
    if word in _SINGULAR_VERBS:
        return True
    if word in _PLURAL_VERBS:
        return False
    forms = english_verb_forms()
    if (word.endswith("s") and word[:-1] in _LEXICAL_VERBS) or word in forms:
        return True
    lexical = word in _LEXICAL_VERBS or word in english_verb_bases()
    if lexical and (after in _OBJECT_STARTS or after.isdigit()):
        return False
    return None


def _known_only_from_counts(verb: str) -> bool:
    listed = verb in _LEXICAL_VERBS or (verb.endswith("s") and verb[:-1] in _LEXICAL_VERBS)
    return not listed and verb not in _SINGULAR_VERBS and verb not in _PLURAL_VERBS


def _agree(word: str, singular: bool) -> str:
    if word in _SINGULAR_VERBS or word in _PLURAL_VERBS:
        return _SINGULAR_VERBS.get(word) or _PLURAL_VERBS[word]
    if singular:
        return english_verb_bases().get(word) or _third_form(word)
    return english_verb_forms().get(word) or word[:-1]


def find_agreement_errors(
    text: str, tokens: Sequence[Token], protected: ProtectedSpans, is_word: Callable[[str], bool]
) -> Iterator[Finding]:
    """A clause's subject read up to its first verb: compound subjects ("A and B") and plural
    heads are plural, the head being the last word before any prepositional phrase ("the
    results of the analysis"); a verb of the other number is flagged."""
    lowered = folded_words(tokens)
    start: int | None = 0  # None while inside code, a table or figures
    for index in range(len(tokens) + 1):
        last = index == len(tokens)
        gap = text[tokens[index - 1].end : tokens[index].start] if index > 0 and not last else "."
        if gap.strip(" \t") == "\n" and tokens[index].text[:1].islower():
            gap = " "  # a line wrapped inside a sentence
        if gap == " " and lowered[index] not in OPENERS_ANYWHERE:
            continue  # the common case: a word in mid-clause
        # Punctuation without space around it joins figures or names ("3:1", "1.5", "mg/dL").
        joined = index > 0 and not last and gap != "" and not any(c.isspace() for c in gap)
        hard = not joined and (last or "\n" in gap or any(c in gap for c in '.;:!?()"\u201c\u201d'))
        # Other symbols inside a clause (%, |, `, /, =) mean code, tables or figures.
        symbols = joined or (not hard and gap.strip(" ,") != "")
        opens = not last and (
            lowered[index] in SUBORDINATORS or (lowered[index] in COORDINATORS and "," in gap)
        )
        # "When the counter shows 0, the inhaler is empty": after a whole subordinate clause
        # and its comma, a determiner opens the sentence's main clause.
        resumes = (
            not (hard or symbols or opens or last)
            and "," in gap
            and _after_whole_clause(lowered, start, index)
        )
        hard = hard or resumes
        if not (hard or symbols or opens):
            continue
        if opens and lowered[index] in _RELATIVES and 0 < index < len(tokens) - 1:
            yield from _check_relative(text, tokens, lowered, index, protected, is_word)
        # A clause's words run from `start` to `index`; its first verb is checked. A relative
        # clause's subject is the noun before it (above); after "and" only a clause with its own
        # determined subject is read ("and our clinics have"), not a list's tail.
        if start is not None and start < index:
            opener = lowered[start - 1] if start > 0 else ""
            determined = lowered[start] in DETERMINERS | _QUANTITY_WORDS | {"these", "those"}
            if (opener not in _RELATIVES and opener not in COORDINATORS) or determined:
                yield from _check_clause(text, tokens, lowered, start, index, protected, is_word)
        # After a closing bracket or quotation mark the sentence's subject is further back.
        closes = any(c in gap for c in ")\u201d") or gap.startswith('"')
        if symbols or (hard and (closes or "(" in gap)):
            start = None
        elif opens:
            start = index + 1
        elif hard:
            start = index


# Words that open an aside between a subject and its verb: "The results, which were
# published last year, show"; "Your count, measured with a blood test, helps".
_ASIDE_OPENERS = frozenset(
    ["which", "who", "whose", "measured", "given", "taken", "used", "available", "including",
     "together", "along", "like", "based", "published", "presented", "reported", "approved",
     "developed", "launched", "known", "shown", "seen", "run", "conducted", "published"]
)  # fmt: skip
_MAX_SUBJECT_WORDS = 8
_MAX_ASIDE_WORDS = 25


def find_interrupted_subject_errors(
    text: str, tokens: Sequence[Token], protected: ProtectedSpans, is_word: Callable[[str], bool]
) -> Iterator[Finding]:
    """A sentence's subject, an aside set off by commas, then the verb: "The results of the
    trial, which enrolled 5,050 patients, was published" reads "The results ... was"."""
    lowered = folded_words(tokens)

    def gap(index: int) -> str:
        return text[tokens[index - 1].end : tokens[index].start] if index else "."

    def comma_at(index: int) -> bool:
        return gap(index).strip() == "," and gap(index) != ","

    for start, first in enumerate(lowered):
        if first not in DETERMINERS and first not in _COUNTING_WORDS:
            continue
        if not any(c in gap(start) for c in ".!?\n"):
            continue  # the sentence's own subject only
        end = start + 1  # the comma that closes the subject, found first as it is rare
        while end < len(lowered) and end - start < _MAX_SUBJECT_WORDS and gap(end) == " ":
            end += 1
        if end >= len(lowered) or not comma_at(end) or lowered[end] not in _ASIDE_OPENERS:
            continue
        subject = lowered[start + 1 : end]
        if any(w in _VERB_LIKE or not w.replace("-", "").isalnum() for w in subject) or any(
            _verb_number(w, following) is not None
            for w, following in zip(subject, lowered[start + 2 : end + 1], strict=True)
        ):
            continue  # the words before the comma hold a verb: no subject alone
        close = end + 1
        while close < len(lowered) and close - end < _MAX_ASIDE_WORDS and not comma_at(close):
            if any(c in gap(close) for c in ".;:!?()\n"):
                break
            close += 1
        if close >= len(lowered) - 1 or not comma_at(close):
            continue
        verb, after = lowered[close], lowered[close + 1]
        number = _verb_number(verb, after)
        if number is None or _known_only_from_counts(verb) or gap(close + 1).strip(" "):
            continue
        words = lowered[start:end]
        named = any(t.text[:1].isupper() for t in tokens[start + 1 : end])
        plural = _subject_is_plural(words, is_word, named, True)
        token = tokens[close]
        if (
            plural is not None
            and plural == number
            and not protected.overlaps(token.start, token.end)
        ):
            yield Finding(
                token.start,
                token.text,
                cased_like(_agree(verb, not number), token.text),
                "agreement",
            )


# Words that end a subject as a verb would, though no number is read from them.
_VERB_LIKE = MODALS | _IRREGULAR_PAST


def _after_whole_clause(lowered: Sequence[str], start: int | None, index: int) -> bool:
    """Whether the words from `start` to the comma before `index` are a whole subordinate
    clause (opened by "when", "if", "because" ..., with a verb) and a determiner follows."""
    if start is None or start == 0 or lowered[start - 1] not in SUBORDINATORS - _RELATIVES:
        return False
    if lowered[index] not in DETERMINERS | {"these", "those"} or index - start < 2:
        return False
    return any(
        _verb_number(lowered[k], lowered[k + 1]) is not None or lowered[k].endswith("ed")
        for k in range(start + 1, index)
    )


# Words that open a noun phrase: after "that" they make it a clause of its own ("we expect
# that about 40 clinics take part"), not a relative clause.
_QUANTITY_WORDS = frozenset(
    ["around", "about", "approximately", "nearly", "over", "some", "many", "most", "all"]
)
_RELATIVES = frozenset({"who", "that", "which"})
# Adverbs between a relative word and its verb ("who currently has").
_RELATIVE_ADVERBS = frozenset(
    ["currently", "still", "already", "also", "often", "usually", "now", "never", "always",
     "previously", "recently", "regularly", "only"]
)  # fmt: skip


def _check_relative(
    text: str,
    tokens: Sequence[Token],
    lowered: Sequence[str],
    index: int,
    protected: ProtectedSpans,
    is_word: Callable[[str], bool],
) -> Iterator[Finding]:
    """ "patients who has", "tablets that dissolves": the relative pronoun's verb agrees with
    the noun just before it."""
    noun, verb_at = lowered[index - 1], index + 1
    if (
        lowered[verb_at] in _RELATIVE_ADVERBS
        and verb_at + 1 < len(lowered)
        and not text[tokens[verb_at].end : tokens[verb_at + 1].start].strip(" ")
    ):
        verb_at += 1  # "people who currently has"
    verb = lowered[verb_at]
    after = lowered[verb_at + 1] if verb_at + 1 < len(lowered) else ""
    singular_verb = _verb_number(verb, after)
    if singular_verb is None:
        return
    # The noun stands right before the relative word: "... results. That is" starts anew, and
    # ", which" often refers to a whole clause ("... sockets, which is an advantage").
    if text[tokens[index - 1].end : tokens[index].start].strip(" "):
        return
    gap = text[tokens[index].end : tokens[index + 1].start]
    if gap.strip(" ") or not noun.isalpha() or noun in _EITHER_NUMBER:
        return
    if lowered[index] != "who" and _inside_phrase(text, tokens, lowered, index - 1):
        return  # "the analysis of the results that shows": either noun may be the antecedent
    if noun in _FUNCTION_WORDS or noun.endswith(("ly", "ed")) or not is_word(noun):
        return
    if noun in {"these", "those", "this", "that"}:
        return  # "those that are": the number is the one they stand for
    if index > 1 and lowered[index - 2] in _PRONOUNS:
        return  # "the page it finds that meets": the word before the relative is a verb
    plural = _plural_noun(noun, is_word)
    if not plural and (noun.endswith("s") or lowered[index] == "who"):
        return  # "children with asthma who have": the noun before "who" may not be its antecedent
    if plural == singular_verb and not protected.overlaps(
        tokens[verb_at].start, tokens[verb_at].end
    ):
        token = tokens[verb_at]
        yield Finding(token.start, token.text, _agree(verb, not plural), "agreement")


def _inside_phrase(text: str, tokens: Sequence[Token], lowered: Sequence[str], noun: int) -> bool:
    """Whether the noun phrase ending at `noun` follows a preposition ("in all published
    records") or joins another with "and" ("--color and --style"), so that the noun nearest a
    relative word need not be what it refers to. Quotation marks inside it do not end it."""

    def joined(index: int) -> bool:
        gap = text[tokens[index - 1].end : tokens[index].start] if index > 0 else "."
        return not any(c in gap for c in ",;:.!?()\n")

    for position in range(noun - 1, max(-1, noun - 5), -1):
        if not joined(position + 1):
            return False
        if lowered[position] == "and":
            return True
        if lowered[position] in PREPOSITIONS:
            # "types of images that": two nouns; "connecting to servers that": one, since
            # the phrase belongs to a verb.
            attached = lowered[position - 1] if position > 0 and joined(position) else ""
            verbal = attached.endswith(("ing", "ed")) or attached in _IRREGULAR_PAST
            return lowered[position] == "of" or not verbal  # "logging of errors": a noun
        if lowered[position] in DETERMINERS or lowered[position] in _QUANTITY_WORDS:
            if position > 1 and joined(position) and lowered[position - 1] in ("all", "both"):
                position -= 1  # "in all the diaries"
            return position > 0 and joined(position) and lowered[position - 1] in PREPOSITIONS
    return False


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
        if number is not None and (
            tokens[index].text.isupper()
            or "," in text[tokens[index - 1].end : tokens[index].start]
            or (current.startswith("were") and start > 0 and lowered[start - 1] in ("if", "though"))
        ):
            return  # a constant ("HAVE_X"); a subject closed by a comma; "as if it were"
        if (
            number is not None
            and _known_only_from_counts(current)
            and (
                (words[0] not in DETERMINERS | _COUNTING_WORDS | {"neither"})
                or tokens[index - 1].text[:1].isupper()
            )
        ):
            # A verb known only from word counts may be a noun ("mini builds"): read only after
            # a subject that a determiner opens and that is no name ("Marlowe Vaccines").
            return
        if number is not None:
            named = any(t.text[:1].isupper() for t in tokens[start + 1 : index])
            before = text[tokens[start - 1].end : tokens[start].start] if start else "."
            opens_sentence = any(c in before for c in ".!?\n")
            capital = tokens[start].text[:1].isupper()
            plural_subject = _subject_is_plural(words, is_word, named, opens_sentence, capital)
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
            and not (words[-1] in DETERMINERS or words[-1].endswith("ly"))
        ):
            return  # a past-tense verb: the clause's verb was not one checked here
        if current in _IRREGULAR_PAST and words:
            return  # "the objects shown above are": a participle or past verb
        comma = index > start and "," in text[tokens[index - 1].end : tokens[index].start]
        if comma and "and" not in lowered[index : min(end, index + 3)]:
            return  # a comma not in a list "A, B and C" ends the subject
        words.append(current)


def _counted_noun(words: Sequence[str]) -> str:
    """The noun of "most of the packets", "all of these tests", "many of our patients": the
    last word of a short "of" phrase after a counting word; "" for other subjects."""
    if len(words) < 3 or words[0] not in _OF_COUNTERS or words[1] != "of":
        return ""
    phrase = words[2:]
    if len(phrase) > 4 or any(w in PREPOSITIONS or w in COORDINATORS for w in phrase):
        return ""
    return phrase[-1] if phrase[0] in DETERMINERS | {"these", "those"} else ""


_OF_COUNTERS = frozenset(["most", "all", "some", "many", "several", "few", "both", "half"])


def _subject_is_plural(
    words: Sequence[str],
    is_word: Callable[[str], bool],
    named: bool = False,
    opens_sentence: bool = False,
    capital: bool = False,
) -> bool | None:
    """Whether the words before a verb make a plural subject; None when unsure."""
    last = words[-1]
    if len(words) > 1 and len(last) > 4 and last.endswith("ly") and is_word(last[:-2]):
        words = words[:-1]  # "symptoms usually go": the adverb is not the subject
    if any(w in _PRONOUNS for w in words) or any(
        w in MODALS or w in _PLURAL_VERBS or w in _SINGULAR_VERBS for w in words
    ):
        return None
    head_words = list(words)
    for position, current in enumerate(words):
        if current in PREPOSITIONS or current == "per":
            head_words = list(words[:position])
            break
        if (
            0 < position <= 2
            and current.endswith("ing")
            and position + 1 < len(words)
            and _plural_noun(words[position - 1], is_word)
        ):
            if any(w in _WH_WORDS for w in words[position:]):
                return None  # "examples showing how a value is": the verb is the inner clause's
            head_words = list(words[:position])  # "patients taking warfarin need"
            break
    counted = _counted_noun(words)
    if counted:
        if counted in _EITHER_NUMBER or not counted.isalpha():
            return None
        if words[0] in ("many", "several", "few", "both") or _plural_noun(counted, is_word):
            return True
        return None
    if len(head_words) > 1 and head_words[0] in _COUNTING_WORDS:
        # "most patients feel", "every patient has": the counting word gives the number.
        if any(w in COORDINATORS for w in head_words) or not head_words[-1].isalpha():
            return None
        if head_words[0] in ("each", "every"):
            if head_words[-1] in _TIMES or _plural_noun(head_words[-1], is_word):
                return None  # "each morning take one": an instruction, not a subject
            return False
        return True if _plural_noun(head_words[-1], is_word) else None
    if "or" in head_words[1:-1] and "either" not in head_words and "nor" not in head_words:
        # "your doctor or nurse is": the verb agrees with the nearer of the two.
        nearer = head_words[-1]
        if not nearer.isalpha() or not is_word(nearer.rstrip("s") or nearer):
            return None
        if nearer in _FUNCTION_WORDS or nearer in _EITHER_NUMBER or nearer in _SINGULAR_IN_FORM:
            return None  # "one or both of", "a slot frees or news arrives"
        return _plural_noun(nearer, is_word) or (None if nearer.endswith("s") else False)
    if head_words and head_words[0] == "neither" and "nor" in head_words[2:-1]:
        # "neither the doctor nor the nurses know": the verb agrees with the nearer.
        nearer = head_words[-1]
        if not nearer.isalpha() or nearer in _FUNCTION_WORDS or nearer in _EITHER_NUMBER:
            return None
        if nearer in _SINGULAR_IN_FORM or not is_word(nearer.rstrip("s") or nearer):
            return None
        return _plural_noun(nearer, is_word) or (None if nearer.endswith("s") else False)
    if words[0] in _NOT_SUBJECT_WORDS | {"please"} or any(
        w in {"each", "every", "or", "nor"} for w in words
    ):
        return None
    if not head_words:
        return None
    if head_words[0].endswith("ing"):
        # "Keeping a diary help": an "-ing" verb with its object is one action, singular. Not
        # a noun in "-ing" ("Running shoes are") nor a preposition ("Following the visit").
        gerund = (
            opens_sentence
            and len(words) > 2
            and words[1] in DETERMINERS
            and head_words[0] not in _ING_PREPOSITIONS
            and not any(w in COORDINATORS for w in words)
        )
        return False if gerund else None
    if "and" in head_words[1:-1]:
        return None if named else True  # "Food and Drug Administration" is one name
    head = head_words[-1]
    parts = head.split("-")
    if len(parts) == 2 and parts[1].isalpha():
        # "follow-up", "figure-float": the last part is the noun; a plural last part may be
        # an option's name ("--check-accelerators"), so it makes no subject plural.
        if _plural_noun(parts[1], is_word):
            return None
        head = parts[1]
    if head in _ADVERBS:
        return None
    if head in COORDINATORS or (
        head.endswith("ing") and len(head_words) > 1 and _plural_noun(head_words[-2], is_word)
    ):
        return None  # "the filenames starting with": a participle ends the noun phrase
    if len(head_words) > 1 and head_words[-2] in _QUANTITY_NOUNS:
        return None
    if head == "number" and head_words == ["the", "number"] and len(words) > 2:
        return False  # "the number of patients is" (but "a number of patients are")
    if head in _QUANTITY_NOUNS and len(words) > len(head_words):
        return None  # "a couple of new functions have": the number is the counted noun's
    if head in _EITHER_NUMBER or not head.isalpha() or not _known_noun(head, is_word):
        return None
    if head_words[0] in ("this", "that") and head.endswith("s"):
        return None  # "this results in": after "this" an -s word is the verb
    if head in {"these", "those", "this", "that"} or head in _MANY or head in _ORDINALS:
        return None  # "the first two are", "the latter three": the noun is left out
    if _plural_noun(head, is_word):
        # A lone plural may be a singular name ("Shingles", "Measles", a brand) unless a phrase
        # describes it ("Rises in ALT was").
        lone = len(head_words) == 1 and (len(words) == 1 or head in _SINGULAR_IN_FORM)
        return None if lone else True
    if head.endswith("s") or head.endswith("ly"):
        return None
    if head_words[0] not in DETERMINERS:
        # "Use in patients ... are", "Support for glyphs have": a sentence opening with a
        # lone noun and its phrase names one thing.
        phrase = len(words) > 2 and words[1] in PREPOSITIONS
        lone = len(head_words) == 1 and opens_sentence and capital and not named
        verbal = head.endswith(("ing", "ed"))  # "Included in this release are"
        if phrase and lone and not verbal and head not in _NOT_SUBJECT_WORDS:
            return False
        return None
    if len(head_words) == 1 or any(w in {"most", "least", "more", "less"} for w in head_words):
        return None  # "The most common are ..." names no noun
    return False


# Subjects whose number their form gives away, checked against the verb that follows them.
_THIRD_SINGULAR = frozenset(["he", "she", "it"])
_NOT_THIRD_SINGULAR = frozenset(["i", "we", "they", "you"])
# "were" is left alone after he, she and it: "if it were" is the subjunctive.
_BASE_TO_THIRD = {k: v for k, v in _PLURAL_VERBS.items() if not k.startswith("were")}
# Verbs seen after a pronoun in leaflets and letters, checked in their base and -s forms.
_COMMON_VERBS = _LEXICAL_VERBS | frozenset(
    ["take", "make", "feel", "look", "get", "go", "come", "give", "use", "keep", "know", "want",
     "like", "think", "say", "ask", "tell", "start", "happen"]
)  # fmt: skip
# Before a pronoun, words that make what follows a question or a bare infinitive ("does it
# work", "let it dry", "help him sleep"), where the base form is right.
_BARE_VERB_BEFORE = MODALS | frozenset(
    ["doesn't", "didn't", "don't", "let", "lets", "make", "makes", "made", "help", "helps",
     "helped", "have", "has", "had", "watch", "see", "saw", "hear", "feel", "felt", "notice"]
)  # fmt: skip
# Subjects that are singular whatever follows them ("each of the tablets contains").
_SINGULAR_SUBJECTS = frozenset(
    ["each", "everyone", "everybody", "someone", "somebody", "nobody", "neither", "either", "one"]
)
_PERSONS = frozenset(["everyone", "everybody", "someone", "somebody", "nobody"])
# After "each", a time ("each morning take one") opens an instruction, not a subject.
_TIMES = frozenset(
    ["day", "morning", "afternoon", "evening", "night", "week", "month", "year", "time", "hour"]
)
# After "there is", words that count more than one ("there is many reasons").
_MANY = frozenset(
    ["many", "several", "few", "numerous", "various", "multiple", "two", "three", "four", "five",
     "six", "seven", "eight", "nine", "ten"]
)  # fmt: skip


def _third_form(verb: str) -> str:
    return verb + ("es" if verb.endswith(("s", "sh", "ch", "o", "x")) else "s")


def _base_form(verb: str) -> str:
    """The base of an -s form of a common verb ("takes": "take"), or ""."""
    for cut in (1, 2):
        if verb.endswith("s") and verb[:-cut] in _COMMON_VERBS and _third_form(verb[:-cut]) == verb:
            return verb[:-cut]
    return ""


# What is said of a medicine by name: "Zelmorin is indicated", "Ostravel was stopped".
_PRODUCT_STATES = frozenset(
    ["indicated", "contraindicated", "approved", "licensed", "authorised", "authorized",
     "available", "recommended", "stopped", "started", "restarted", "withdrawn",
     "discontinued", "prescribed", "a", "an", "given", "taken"]
)  # fmt: skip


def _named_product(
    text: str, tokens: Sequence[Token], index: int, is_word: Callable[[str], bool]
) -> bool:
    """Whether the word at `index` is a name no dictionary holds, written with a capital and
    standing alone at the start of its sentence ("Zelmorin are"): one product, singular. A name
    in "-s" may be a plural or a company ("Novartis"), so it is left alone."""
    token = tokens[index]
    if not token.text[:1].isupper() or token.text.isupper() or token.text.endswith("s"):
        return False
    gap = text[tokens[index - 1].end : token.start] if index else "."
    opens = any(c in gap for c in ".!?") or "\n" in gap
    return opens and token.text.isalpha() and not is_word(token.text.lower())


# Words after which "it" is a subject ("how it works", "However it was").
_IT_SUBJECT_AFTER = frozenset(
    ["how", "why", "where", "when", "what", "whether", "once", "until", "while", "however",
     "therefore", "thus", "then", "now", "also", "still"]
)  # fmt: skip
# Negatives after which only a verb's base form stands ("don't has", "cannot is").
_DO_NEGATIVES = frozenset(
    ["don't", "doesn't", "didn't", "can't", "cannot", "couldn't", "wouldn't", "shouldn't",
     "won't", "mustn't", "we'll", "you'll", "they'll", "i'll", "it'll", "he'll", "she'll"]
)  # fmt: skip
# After "there are a": the words that make a plural ("a few", "a great many", "a lot").
_A_MANY = frozenset(["few", "great", "good", "whole", "lot", "lots", "host", "number"])
# Words after which "you" opens a clause of its own ("make sure you have").
_CLAUSE_AFTER = frozenset(["sure", "ensure", "hope", "think", "means", "mean", "once", "until"])
# Words in a sentence before "he/she/it were" that make it the subjunctive ("as if it were").
_WISHING = frozenset(
    ["if", "though", "wish", "wished", "wishes", "as", "suppose", "supposing", "imagine",
     "rather", "whether", "unless", "even"]
)  # fmt: skip
# Modals that are no noun ("the will", "a can" are left alone) and what follows them.
_PLAIN_MODALS = frozenset(
    ["could", "would", "should", "shall", "may", "might", "must", "can", "will"]
)
_MODAL_ADVERBS = frozenset(
    ["not", "still", "also", "never", "always", "already", "then", "now", "only", "usually",
     "probably", "certainly", "definitely", "just", "really", "even", "soon", "often"]
)  # fmt: skip
_AFTER_MODAL = {
    "has": "have", "had": "have", "does": "do", "are": "be", "was": "be", "were": "be",
    "am": "be", "is": "be",
}  # fmt: skip
_MODAL_SUBJECTS = frozenset(
    ["i", "you", "he", "she", "it", "we", "they", "who", "which", "that", "this", "there"]
)
# Nouns that take a clause after "there is no": "there is no doubt patients are".
# Plurals that "there is" takes in everyday writing ("there is lots of time").
_INFORMAL_PLENTY = frozenset(["lots", "loads", "tons", "plenty", "thanks", "odds", "means"])
_CLAUSE_NOUNS = frozenset(
    ["doubt", "question", "way", "reason", "need", "evidence", "sign", "suggestion", "proof",
     "chance", "point", "time", "guarantee", "indication", "risk"]
)  # fmt: skip


def _wished(lowered: Sequence[str], index: int, joined: Callable[[int], bool]) -> bool:
    """Whether a subjunctive word stands in the sentence before the subject at `index`."""
    position = index
    while position > 0 and index - position < 12:
        if lowered[position - 1] in _WISHING:
            return True
        if not joined(position) and lowered[position - 1] not in SUBORDINATORS | COORDINATORS:
            break
        position -= 1
    return False


def _modal_subject(lowered: Sequence[str], index: int, joined: Callable[[int], bool]) -> bool:
    """Whether the modal at `index` follows its subject ("it may still has"), so that it is
    the modal and not a noun ("the will", "a can")."""
    if lowered[index] in ("could", "would", "should", "shall", "may", "might"):
        return index == 0 or lowered[index - 1] not in DETERMINERS
    return index > 0 and joined(index) and lowered[index - 1] in _MODAL_SUBJECTS


def _after_comma(text: str, tokens: Sequence[Token], index: int) -> bool:
    return index > 0 and text[tokens[index - 1].end : tokens[index].start].strip() == ","


def _counts_many(
    lowered: Sequence[str],
    index: int,
    joined: Callable[[int], bool],
    is_word: Callable[[str], bool],
) -> bool:
    """After "there is": "no" or "more" (perhaps after an adverb) and a plural noun within
    two words ("there is no costs", "there is now more treatment options")."""
    if index < len(lowered) and lowered[index] in _ADVERBS:
        index += 1
    if index >= len(lowered) - 1:
        return False
    first = lowered[index]
    if first not in ("no", "more"):
        # "there is restrictions": a plural right after "there is".
        plain = first not in _SINGULAR_IN_FORM | _EITHER_NUMBER | _INFORMAL_PLENTY
        return plain and _plural_noun(first, is_word) and joined(index)
    for offset in (1, 2):
        position = index + offset
        if position >= len(lowered) or not joined(position):
            return False
        noun = lowered[position]
        if noun in _SINGULAR_IN_FORM or noun in _CLAUSE_NOUNS or noun in _EITHER_NUMBER:
            return False
        if _plural_noun(noun, is_word):
            return True
        if not noun.isalpha() or noun in _FUNCTION_WORDS or noun.endswith("ly"):
            return False
    return False


def find_closed_subject_errors(
    text: str,
    tokens: Sequence[Token],
    protected: ProtectedSpans,
    is_word: Callable[[str], bool] = lambda word: False,
) -> Iterator[Finding]:
    """Subjects whose number is in their very form: personal pronouns ("it contain", "they
    takes", "he don't"), "each" and its like ("each of the tablets contain", "one of the
    patients were"), "both" ("both doses was"), and "there is" before a count ("there is many
    reasons"). The verb checked is the next word, or the first after an "of" phrase."""
    lowered = folded_words(tokens)

    def joined(index: int) -> bool:
        return same_clause(text, tokens, index)

    def starts_clause(index: int) -> bool:
        return not joined(index) or lowered[index - 1] in SUBORDINATORS | COORDINATORS

    for index, word in enumerate(lowered[:-1]):
        if not joined(index + 1):
            continue
        verb_at, suggestion = index + 1, ""
        verb = lowered[verb_at]
        if word in _THIRD_SINGULAR | _NOT_THIRD_SINGULAR:
            if joined(index) and lowered[index - 1] in _BARE_VERB_BEFORE:
                continue
            if word == "it" and not (
                starts_clause(index)
                or lowered[index - 1] in _IT_SUBJECT_AFTER
                or (
                    verb in ("are", "aren't", "have", "haven't")  # "For example it are"
                    and lowered[index - 1] not in PREPOSITIONS  # not "all parts of it are"
                )
            ):
                continue  # "it" may be an object ("take it with water")
            if word in _THIRD_SINGULAR:
                if verb in _BASE_TO_THIRD:
                    suggestion = _BASE_TO_THIRD[verb]
                elif verb in ("were", "weren't") and not _wished(lowered, index, joined):
                    suggestion = "was" if verb == "were" else "wasn't"  # "she were admitted"
                elif verb in _COMMON_VERBS and not (
                    verb == "need" and lowered[verb_at + 1 : verb_at + 2] == ["not"]
                ):
                    suggestion = _third_form(verb)
            elif word in ("we", "they") and verb in _SINGULAR_VERBS:
                suggestion = _SINGULAR_VERBS[verb]  # "they" is a subject wherever it stands
            elif starts_clause(index) or (
                word == "you" and joined(index) and lowered[index - 1] in _CLAUSE_AFTER
            ):
                if word == "i":
                    # Not an option or a name written "-I".
                    spoken = tokens[index].start == 0 or text[tokens[index].start - 1].isspace()
                    numeral = index > 0 and joined(index) and tokens[index - 1].text[:1].isupper()
                    if spoken and not numeral:
                        suggestion = {"is": "am", "has": "have", "does": "do"}.get(verb, "")
                elif verb in _SINGULAR_VERBS:
                    suggestion = _SINGULAR_VERBS[verb]
                else:
                    suggestion = _base_form(verb)
        elif word in _SINGULAR_SUBJECTS | {"both"} and (
            starts_clause(index)
            or (word in ("each", "every") and _after_comma(text, tokens, index))
        ):
            found = _verb_after_subject(lowered, index, joined)
            if found is None:
                continue
            verb_at, verb = found, lowered[found]
            if word == "both":
                suggestion = _SINGULAR_VERBS.get(verb, "")
            elif verb in _PLURAL_VERBS:
                suggestion = _PLURAL_VERBS[verb]
            elif verb in _COMMON_VERBS and joined(verb_at + 1):
                suggestion = _third_form(verb)
            elif (
                verb in english_verb_bases()
                and verb_at + 1 < len(lowered)
                and joined(verb_at + 1)
                and lowered[verb_at + 1] in _OBJECT_STARTS | {"either", "both"}
            ):
                suggestion = english_verb_bases()[verb]  # "each participant receive either"
        elif (
            verb in ("are", "were")
            and verb_at + 1 < len(lowered)
            and lowered[verb_at + 1] in _PRODUCT_STATES
            and _named_product(text, tokens, index, is_word)
        ):
            suggestion = "is" if verb == "are" else "was"  # "Zelmorin are indicated for"
        elif word == "this" and starts_clause(index) and verb in _PLURAL_VERBS:
            if not (joined(index) and lowered[index - 1] in _BARE_VERB_BEFORE):
                suggestion = _PLURAL_VERBS[verb]  # "This are tied to", "This were done"
        elif word in ("these", "those") and starts_clause(index) and verb in _SINGULAR_VERBS:
            if not (joined(index) and lowered[index - 1] in _BARE_VERB_BEFORE):
                suggestion = _SINGULAR_VERBS[verb]  # "if these is NULL"
        elif (
            word == "not"
            and lowered[index - 1 : index] in (["do"], ["does"], ["did"])
            and (verb in ("has", "does"))
        ):
            suggestion = _AFTER_MODAL[verb]  # "does not has"
        elif word in _DO_NEGATIVES and (verb in _AFTER_MODAL or _base_form(verb)):
            suggestion = _AFTER_MODAL.get(verb) or _base_form(verb)  # "we don't has"
        elif (
            word in ("were", "are")
            and lowered[index - 1 : index] == ["there"]
            and joined(index)
            and verb in ("a", "an")
            and verb_at + 1 < len(lowered)
            and not set(lowered[verb_at + 1 : verb_at + 3]) & (_QUANTITY_NOUNS | _A_MANY)
        ):
            verb_at, suggestion = index, "was" if word == "were" else "is"  # "there were a bug"
        elif (
            word in ("is", "was")
            and lowered[index - 1 : index] == ["there"]
            and joined(index)
            and verb in _MANY
        ):
            verb_at, suggestion = index, "are" if word == "is" else "were"
        elif word == "there's" and verb in _MANY:
            verb_at, suggestion = index, "there are"
        elif (
            word in ("is", "was")
            and lowered[index - 1 : index] == ["there"]
            and joined(index)
            and _counts_many(lowered, index + 1, joined, is_word)
        ):
            verb_at, suggestion = index, "are" if word == "is" else "were"  # "there is no costs"
        elif (
            word in _PLAIN_MODALS
            and tokens[index].text.islower()
            and _modal_subject(lowered, index, joined)
        ):
            verb_at = index + 1
            while verb_at < len(lowered) - 1 and lowered[verb_at] in _MODAL_ADVERBS:
                verb_at += 1  # "may still has been"
            if all(joined(k) for k in range(index + 1, verb_at + 1)):
                verb = lowered[verb_at]
                suggestion = _AFTER_MODAL.get(verb) or _base_form(verb)
        if not suggestion:
            continue
        token = tokens[verb_at]
        if protected.overlaps(token.start, token.end):
            continue
        yield Finding(token.start, token.text, cased_like(suggestion, token.text), "agreement")


def _verb_after_subject(
    lowered: Sequence[str], index: int, joined: Callable[[int], bool]
) -> int | None:
    """Where the verb of a subject starting at `index` stands: after an "of" phrase of up to
    three words ("one of the patients was") or one noun ("each tablet contains"); None when the
    words that follow are not such a subject."""
    position = index + 1
    checked = _PLURAL_VERBS.keys() | _SINGULAR_VERBS.keys()
    if lowered[index] in _PERSONS:
        return position  # "everyone needs": the verb comes at once
    if lowered[position] == "of":
        for position in range(index + 2, min(index + 6, len(lowered))):
            if not joined(position):
                return None
            if lowered[position] in checked or (
                position > index + 3 and lowered[position] in _COMMON_VERBS
            ):
                return position
        return None
    noun = lowered[position]
    if not noun.isalpha() or noun in _TIMES or noun in {"or", "and", "to", "another", "other"}:
        return None
    if noun in _FUNCTION_WORDS or noun in _PRONOUNS:
        return None  # "one can use", "one such": no noun follows
    if position + 1 < len(lowered) and joined(position + 1):
        following = lowered[position + 1]
        if following in checked or following in _COMMON_VERBS:
            return position + 1
        next_word = lowered[position + 2] if position + 2 < len(lowered) else ""
        if following in english_verb_bases() and next_word in _OBJECT_STARTS | {"either", "both"}:
            return position + 1  # "each participant receive either": a verb, then its object
    return None
