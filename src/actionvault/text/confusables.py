"""Confusable words used in the wrong place (their/there, its/it's, affect/effect, then/than...),
judged by the words around them: a finding only where the context leaves no doubt."""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Iterator, Sequence
from dataclasses import dataclass

from actionvault.text.grammar import Finding, cased_like
from actionvault.text.segments import ProtectedSpans, Token, folded_words, same_clause
from actionvault.text.word_pairs import english_word_pairs
from actionvault.text.wordclasses import DETERMINERS, MODALS, PREPOSITIONS, SUBORDINATORS

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
        "common",
        "unnecessary",
        "needed",
        "required",
        "true",
        "fine",
        "wrong",
        "broken",
        "unclear",
        "clear",
        "obvious",
        "impossible",
        "harmless",
    ]
)


# Rules of one shape: a word, the words before and after it that leave no doubt, and the word
# that fits there. Each reads only its neighbours in the same clause.
_PERFECT_MODALS = frozenset(["should", "could", "would", "must", "might", "may"])
_OF_MODALS = frozenset(["should", "could", "would", "might", "must", "may"])
_MONTH_BEFORE = frozenset(["early", "late", "mid", "since", "until", "last", "next", "this"])
_PARTICIPLES = frozenset(
    ["been", "had", "done", "gone", "taken", "known", "seen", "got", "given", "made", "told",
     "eaten", "drunk", "begun", "forgotten", "written", "thought"]
)  # fmt: skip
# What follows "you're" when it is "you are": a state, not a thing owned.
_YOU_ARE_STATES = frozenset(
    ["not", "welcome", "able", "unable", "likely", "unlikely", "sure", "unsure", "allergic",
     "aware", "unaware", "going", "pregnant", "already", "currently", "aged"]
)  # fmt: skip
_PERFECT_AUXILIARIES = frozenset(
    ["was", "were", "has", "have", "had", "been", "is", "are", "be", "being"]
)
_AWAY_FROM = frozenset(
    ["away", "apart", "far", "removed", "derived", "obtained", "comes", "came", "coming",
     "suffer", "suffers", "suffered", "suffering", "recover", "recovers", "recovered",
     "recovering", "protect", "protects", "protected", "prevent", "prevents", "escape", "taken"]
)  # fmt: skip
_PROSTATE_NOUNS = frozenset(
    ["cancer", "cancers", "gland", "glands", "problem", "problems", "enlargement", "biopsy",
     "exam", "examination", "surgery", "health", "specific", "tissue", "size", "symptoms"]
)  # fmt: skip
_PRINCIPAL_NOUNS = frozenset(
    ["investigator", "investigators", "cause", "causes", "reason", "reasons", "aim", "aims",
     "component", "components", "ingredient", "site", "author", "objective", "endpoint",
     "risk", "concern", "source"]
)  # fmt: skip
_COMPLEMENTED = frozenset(
    ["therapy", "therapies", "treatment", "treatments", "diet", "regimen", "medication",
     "medications", "medicine", "medicines", "care", "exercise", "lifestyle", "routine",
     "pathway", "pathways", "approach", "approaches", "strategy", "strategies", "options"]
)  # fmt: skip
_BREATHING_WAYS = frozenset(
    ["in", "out", "deeply", "normally", "easily", "properly", "slowly", "through", "freely"]
)
_THEN_AFTER = frozenset(["and", "since", "until", "till"])
# What a comparison is made with: after these "then" closes a comparison begun further back.
_COMPARED = frozenset(["those", "placebo", "expected", "usual", "ever", "anticipated", "predicted"])
_TOO_AFTER_VERBS = frozenset(
    ["take", "taking", "took", "drink", "drinking", "eat", "eating", "use", "using", "is", "are",
     "was", "were", "be", "been", "get", "gets", "getting", "become", "becomes", "feel", "feels"]
)  # fmt: skip
# Degrees that "too" gives ("is too high", "taking too much"); "to" never stands before them.
_TOO_DEGREES = frozenset(
    ["much", "many", "high", "low", "strong", "weak", "hot", "cold", "late", "early", "often",
     "soon", "fast", "slow", "quickly", "young", "old", "big", "small", "large", "heavy", "tired"]
)  # fmt: skip
# States that "too" may qualify at a phrase's end ("the rules were to strict").
_TOO_STATES = frozenset(
    ["little", "few", "strict", "restrictive", "complex", "complicated", "expensive",
     "difficult", "hard", "easy", "long", "short", "narrow", "wide", "loose", "tight",
     "aggressive", "verbose", "noisy", "sensitive", "risky", "dangerous", "slow", "large",
     "small", "big", "busy"]
)  # fmt: skip
_DEGREE_GOES_ON = frozenset(["for", "to", "and", "or", "when", "again"])
# Before "too" and a state: being, becoming or having ("were to strict", "have to little").
_TOO_BEFORE = frozenset(
    ["be", "been", "being", "become", "becomes", "became", "seem", "seems", "seemed", "have",
     "has", "had", "not", "far", "way", "delete", "deletes", "deleted", "uses", "used", "much",
     "looks", "looked", "sounds", "still", "already", "slightly", "rather", "getting", "grown",
     "if"]
)  # fmt: skip
_WHERE_QUESTIONS = frozenset(["can", "do", "does", "is", "should", "could", "did"])
_WEATHER_WORDS = frozenset(
    ["hot", "cold", "warm", "wet", "bad", "good", "sunny", "humid", "dry", "windy", "freezing"]
)
_LIE_POSITIONS = frozenset(["down", "flat", "still", "back"])
_ADVERSE_NOUNS = frozenset(
    ["effect", "effects", "event", "events", "reaction", "reactions", "outcome", "outcomes",
     "drug"]
)  # fmt: skip
_FULL_MODALS = MODALS - {"to", "not", "does", "did", "do"}
# Before "effect" as a verb: negatives ("shouldn't effect") and adverbs that qualify a verb.
_NEGATIVES = frozenset(
    ["shouldn't", "wouldn't", "couldn't", "won't", "can't", "cannot", "doesn't", "don't",
     "didn't", "mustn't", "mightn't"]
)  # fmt: skip
_AFFECTING_ADVERBS = frozenset(
    ["generally", "directly", "negatively", "adversely", "significantly", "also", "only",
     "not", "seriously", "badly", "greatly", "strongly", "positively", "indirectly"]
)  # fmt: skip
# What a verb "affect" takes: "effect all", "effect how", "effect more than one".
_AFFECTED = frozenset(["all", "how", "whether", "more", "most", "both", "many", "your", "you"])
# Before "except", words after which only the verb "accept" stands ("we except", "don't").
_ACCEPTING = frozenset(
    ["i", "we", "they", "don't", "doesn't", "didn't", "won't", "cannot", "can't", "now"]
)
# Before "effect": "an affect", "no affect" name a result, which the verb cannot.
_EFFECT_OPENERS = frozenset(
    ["an", "the", "no", "positive", "negative", "adverse", "side", "any", "its", "their"]
)
# "in affect", "takes affect", "to this affect": where only the noun "effect" stands.
_EFFECT_IDIOMS = frozenset(
    ["in", "into", "take", "takes", "took", "taken", "taking", "additional", "has", "had",
     "no"]
)  # fmt: skip
_EFFECTS_OPENERS = frozenset(
    ["these", "those", "such", "unwanted", "possible", "potential", "serious", "harmful",
     "toxic", "beneficial", "known"]
)  # fmt: skip
# Whom one advises: after "advice" these make it the verb ("we advice you").
_ADVISED = frozenset(["you", "them", "him", "her", "us", "patients", "people", "everyone"])


@dataclass(frozen=True, slots=True)
class _Near:
    """A word's neighbours in its clause, as the rules of one shape read them."""

    current: str
    index: int
    word: Callable[[int], str]
    joined: Callable[[int], bool]
    clause_end_after: Callable[[int], bool]
    opens_sentence: Callable[[int], bool]

    @property
    def before(self) -> str:
        return self.word(self.index - 1)

    @property
    def after(self) -> str:
        return self.word(self.index + 1)

    @property
    def previous_joined(self) -> bool:
        return self.joined(self.index)

    @property
    def next_joined(self) -> bool:
        return self.joined(self.index + 1)

    def between(self, before: Container[str], after: Container[str]) -> bool:
        """Joined to a word of `before` on its left and of `after` on its right."""
        return (
            self.previous_joined and self.next_joined and self.before in before
            and self.after in after
        )  # fmt: skip


def _of(n: _Near) -> str:
    # "should of taken": the perfect after a modal is "have", never "of".
    if n.between(_PERFECT_MODALS, _PARTICIPLES):
        return "have"
    # "you may of to", "could of caused": a modal is followed by a verb, never by "of". Not
    # "will" or "can", which are also nouns ("the will of", "a can of").
    if n.between(_OF_MODALS, _ANY_WORD) and n.after.isalpha() and n.after != "course":
        month = n.before == "may" and n.word(n.index - 2) in PREPOSITIONS | _MONTH_BEFORE
        return "" if month else "have"
    # "kidney problems, of if you have": no phrase opens with "of" before a clause.
    opens_clause = n.next_joined and n.after in ("if", "when", "whether", "unless")
    return "or" if opens_clause and n.index > 0 and n.clause_end_after(n.index - 1) else ""


def _your(n: _Near) -> str:
    # "your welcome", "if your not sure": "you are" before a state, at a clause's start.
    opens = not n.previous_joined or n.before in SUBORDINATORS | {"and", "but", "so", "because"}
    return "you're" if n.next_joined and opens and n.after in _YOU_ARE_STATES else ""


def _possessive(n: _Near) -> str:
    # "they're doctor will", "who's kidneys are": a thing owned, then its verb; not a
    # participle ("who's taking warfarin is" is "who is taking").
    if n.after.endswith(("ing", "ed")) or not _is_possessive_its(n.index, n.word, n.joined):
        return ""
    return "their" if n.current == "they're" else "whose"


def _than(n: _Near) -> str:
    # "If it is enabled, than services start": the consequence of a condition, when nothing
    # in the sentence compares.
    if _after_condition(n):
        return "then"
    # "back than": a time ("back then"), unless something compares ("further back than").
    if n.previous_joined and n.before == "back" and n.word(n.index - 2) not in _COMPARATIVES:
        return "then" if n.word(n.index - 2) not in ("further", "farther", "longer") else ""
    # "and than", "since than": time, not comparison, when nothing compares before it.
    if not (n.previous_joined and n.before in _THEN_AFTER):
        return ""
    earlier = {n.word(i) for i in range(max(0, n.index - 6), n.index)}
    return "then" if not earlier & _COMPARATIVES else ""


_CONDITIONS = frozenset(["if", "when", "once", "unless"])


def _after_condition(n: _Near) -> bool:
    """Whether "than" follows a clause that opens its sentence with "if" (or "when", "once"),
    no word of which compares ("more", "-er"), and a comma or a subject follows it."""
    position = n.index - 1
    while position > 0 and n.index - position < 30 and not n.opens_sentence(position):
        word = n.word(position)
        if (
            word in _COMPARATIVES
            or word in _COMPARING_WORDS
            or (len(word) > 4 and word.endswith("er"))
        ):
            return False
        position -= 1
    opener = n.word(position)
    if opener not in _CONDITIONS or n.index - position < 3:
        return False
    return not n.previous_joined or n.after in _SUBJECT_STARTS


_COMPARING_WORDS = frozenset(["rather", "other", "else", "different", "less", "fewer", "more"])


def _lead(n: _Near) -> str:
    # "has lead to", "was lead by": the past participle is "led".
    return "led" if n.between(_PERFECT_AUXILIARIES, ("to", "by")) else ""


def _past(n: _Near) -> str:
    away = n.next_joined and n.after == "away"
    perfect = n.between(("has", "have", "had"), ("its", "the", "their", "your", "through"))
    return "passed" if away or perfect else ""


def _form(n: _Near) -> str:
    # "away form the", "protects form infection": after these, only "from" follows.
    fits = n.between(_AWAY_FROM, _ANY_WORD) and n.after.isalpha()
    return "from" if fits and n.after not in ("of", "and", "or") else ""


def _prostrate(n: _Near) -> str:
    fits = (n.next_joined and n.after in _PROSTATE_NOUNS) or (
        n.previous_joined and n.before in ("enlarged", "your", "the", "his")
    )
    return "prostate" if fits else ""


def _compliment(n: _Near) -> str:
    ahead = set()
    for k in range(1, 5):
        if not n.joined(n.index + k):
            break
        ahead.add(n.word(n.index + k))
    return n.current.replace("compliment", "complement") if ahead & _COMPLEMENTED else ""


def _to(n: _Near) -> str:
    # "were to strict.", "to much data": a degree closing its phrase, which only "too" gives.
    if n.between(_TOO_AFTER_VERBS | _TOO_BEFORE, _TOO_DEGREES | _TOO_STATES) and (
        n.clause_end_after(n.index + 1)
        or (n.joined(n.index + 2) and n.word(n.index + 2) in _DEGREE_GOES_ON)
    ):
        return "too"
    # "taking to much", "is to high": a degree, which only "too" gives.
    if not n.between(_TOO_AFTER_VERBS | {"still", "already", "far", "way"}, _TOO_DEGREES):
        return ""
    ends = n.clause_end_after(n.index + 1) or n.word(n.index + 2) in ("for", "to", "of", "and")
    # "are to many": a count after "be" is a degree too ("there are to many side effects").
    counted = n.after in ("much", "many")
    return "too" if ends or counted else ""


def _were(n: _Near) -> str:
    # "Were can I get ...": a question about a place opens with "where".
    asks = not n.previous_joined and n.next_joined and n.after in _WHERE_QUESTIONS
    # "mention were you have been": a place told, after a verb that reports one.
    told = n.between(
        _REPORTING_VERBS, _SUBJECT_PRONOUNS | {"he", "she", "it", "the", "your", "this"}
    )
    return "where" if asks or told or _place_clause(n) else ""


def _place_clause(n: _Near) -> bool:
    """ "systems were we don't fork", "halos were the background is dark": after a noun,
    "were" then a subject and its own verb is the place word "where"."""
    if not (n.previous_joined and n.next_joined and n.before.isalpha()):
        return False
    if n.before in _SUBJECT_PRONOUNS | _NOT_PLACES or n.before.endswith("ly"):
        return False
    subject_end = n.index + 1
    if n.after in ("the", "this", "that", "its", "their", "our", "your"):
        subject_end = n.index + 2
        while (
            subject_end < n.index + 4
            and n.joined(subject_end + 1)
            and n.word(subject_end + 1).isalpha()
            and n.word(subject_end + 1) not in _CLAUSE_VERBS | PREPOSITIONS
        ):
            subject_end += 1
    elif n.after not in ("we", "you", "they", "he", "she", "i"):
        return False
    return n.joined(subject_end + 1) and n.word(subject_end + 1) in _CLAUSE_VERBS


_CLAUSE_VERBS = frozenset(
    ["is", "are", "was", "has", "have", "can", "cannot", "will", "don't", "doesn't", "do",
     "does", "did", "need", "needs", "must", "should", "may", "might", "would", "could"]
)  # fmt: skip
# Words before "were" that end no noun phrase: "if we were", "as it were", "what were".
_NOT_PLACES = frozenset(
    ["if", "as", "it", "what", "which", "who", "that", "there", "these", "those", "they",
     "and", "or", "but", "than", "so", "not", "also", "all", "both", "wish", "though"]
)  # fmt: skip


_REPORTING_VERBS = frozenset(
    ["mention", "mentioned", "explain", "explained", "remember", "ask", "asked", "tell",
     "wonder", "note", "record", "describe", "say"]
)  # fmt: skip


def _lay(n: _Near) -> str:
    # "lay down for ten minutes": nothing is laid, so the verb is "lie".
    if not (n.next_joined and n.after in _LIE_POSITIONS):
        return ""
    rests = (
        n.clause_end_after(n.index + 1)
        or n.word(n.index + 2) in PREPOSITIONS | {"until"} | SUBORDINATORS
    )
    return "lie" if rests else ""


# Nouns that name where something is done to the body or a trial runs: "injection site".
_SITE_OWNERS = frozenset(
    ["injection", "infusion", "application", "insertion", "puncture", "incision", "implant",
     "implantation", "vaccination", "catheter", "cannula", "surgical", "biopsy", "trial",
     "study", "investigator", "investigational", "clinical", "research", "treatment"]
)  # fmt: skip
# What follows "site" as the first word of a compound ("site reactions", "site pain").
_SITE_COMPOUNDS = frozenset(
    ["reaction", "reactions", "pain", "swelling", "redness", "bruising", "infection",
     "infections", "visit", "visits", "staff", "investigator", "investigators"]
)  # fmt: skip
# Words before which "weak" cannot be the adjective it is but "week" fits ("once a weak.").
_WEEK_AFTER = frozenset(["ago", "later", "earlier", "apart", "before", "after", "of", "in", "for"])
_WEEK_BEFORE = frozenset(["a", "per", "each", "every", "last", "next", "this", "one"])
# Before "sever" (to cut), words that leave room only for an adjective ("a sever reaction").
_SEVERE_BEFORE = (DETERMINERS | PREPOSITIONS | frozenset(
    ["very", "more", "most", "less", "too", "so", "cause", "causes", "caused", "have", "has",
     "had", "experience", "experiences", "experienced", "any", "mild", "moderate", "moderately"]
)) - {"to"}  # fmt: skip
# Before "know", words after which the verb cannot stand but "no" can ("with know side effects").
_NO_BEFORE = frozenset(
    ["with", "of", "in", "at", "under", "if", "contains", "contain", "contained", "showed",
     "shows", "reported", "found", "causes", "caused"]
)  # fmt: skip
# After "know" as "no": what a verb "know" never takes directly.
_KNOW_OBJECTS = frozenset(
    ["that", "how", "what", "why", "where", "when", "whether", "if", "about", "of", "it",
     "him", "her", "them", "you", "me", "us", "this", "more", "the", "your", "their", "which",
     "who", "exactly", "well", "enough"]
)  # fmt: skip
# Words before a noun that a verb never follows: "a knew needle", "the missed does".
_NOUN_OPENERS = frozenset(
    ["a", "an", "the", "your", "my", "our", "their", "his", "her", "its", "any", "every",
     "some", "brand"]
)  # fmt: skip
_DOSE_WORDS = _NOUN_OPENERS - {"a", "an"} | frozenset(
    ["next", "first", "second", "third", "last", "missed", "single", "full", "daily", "weekly",
     "double", "extra", "usual", "starting", "maintenance", "recommended", "lower", "higher",
     "total", "initial", "loading", "booster", "maximum", "minimum"]
)  # fmt: skip
# Before "patience", words that count people ("12 patience", "older patience").
_PATIENTS_BEFORE = frozenset(
    ["many", "most", "some", "these", "those", "several", "few", "older", "elderly", "adult",
     "paediatric", "pediatric", "eligible", "hospitalised", "hospitalized", "all"]
)  # fmt: skip
# After "patience", words that only people take ("patience who", "patience receiving").
_PATIENTS_AFTER = frozenset(
    ["who", "receiving", "taking", "treated", "given", "aged", "were", "are", "have", "had"]
)
# "a discrete chat": what a person keeps discreet, never a separate (discrete) thing.
_DISCREET_THINGS = frozenset(
    ["chat", "conversation", "talk", "word", "service", "support", "advice", "consultation",
     "enquiry", "inquiry", "packaging", "delivery", "help"]
)  # fmt: skip
_COUNTS = frozenset(
    ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
)


def _site(n: _Near) -> str:
    # "injection sight", "the cite of the injection", "sight reactions": a place, not seeing.
    owned = n.previous_joined and n.before in _SITE_OWNERS
    compound = n.next_joined and n.after in _SITE_COMPOUNDS
    placed = n.current == "cite" and n.previous_joined and n.before in _NOUN_OPENERS
    return "site" if owned or compound or placed else ""


def _week(n: _Near) -> str:
    # "once a weak", "per weak": a time after "a" or "per" that nothing describes.
    if not (n.previous_joined and n.before in _WEEK_BEFORE):
        return ""
    ends = n.clause_end_after(n.index) or (n.next_joined and n.after in _WEEK_AFTER)
    return "week" if n.before == "per" or ends else ""


def _know(n: _Near) -> str:
    # "with know side effects", "there was know sign": a verb cannot stand there.
    there = n.before in ("is", "was", "are", "were") and n.word(n.index - 2) == "there"
    fits = n.previous_joined and (n.before in _NO_BEFORE or there)
    return (
        "no"
        if fits and n.next_joined and n.after.isalpha() and n.after not in _KNOW_OBJECTS
        else ""
    )


def _patience(n: _Near) -> str:
    counted = n.previous_joined and (n.before.isdigit() or n.before in _COUNTS | _PATIENTS_BEFORE)
    return "patients" if counted or (n.next_joined and n.after in _PATIENTS_AFTER) else ""


def _does(n: _Near) -> str:
    # "a single does of", "the missed does": after these words only a noun.
    if n.previous_joined and n.before in _DOSE_WORDS:
        return "dose"
    return "dose" if n.between(("a", "the"), ("of",)) else ""


def _dose(n: _Near) -> str:
    # "dose not", "How often dose it happen", "why dose it": the verb.
    asks = n.previous_joined and n.before in ("often", "why")
    return "does" if (n.next_joined and n.after == "not") or asks else ""


def _where(n: _Near) -> str:
    # "we where told"; "events where similar between arms": a state after a plural subject.
    if n.between(("we", "they"), _ANY_WORD):
        return "were"
    if (
        _plural_subject_before(n)
        and n.next_joined
        and (
            n.after in ("not", "previously", "originally", "initially")
            or _past_participle(n.after)
            or (  # "routines where incorrectly reading": an adverb, then the verb
                n.after.endswith("ly")
                and n.joined(n.index + 2)
                and (n.word(n.index + 2).endswith("ing") or _past_participle(n.word(n.index + 2)))
            )
        )
    ):
        return "were"  # "Some scripts where not executable", "Options where described"
    if not (n.previous_joined and n.next_joined and n.after in _WERE_STATES):
        return ""
    if n.before in DETERMINERS or n.before in PREPOSITIONS or not n.before.isalpha():
        return ""
    following = n.word(n.index + 2)
    rests = n.clause_end_after(n.index + 1) or (
        n.joined(n.index + 2) and following in _STATE_GOES_ON
    )
    return "were" if rests else ""


def _past_participle(word: str) -> bool:
    """Whether `word` is a regular verb's past form ("supported", "managed", "scanned"): its
    base is a word of English books ("need" and "bed" are too short to be one)."""
    if not word.endswith("ed") or len(word) < 6:
        return False
    counts = english_word_pairs()
    stem = word[:-2]
    doubled = len(stem) > 2 and stem[-1] == stem[-2]
    bases = (
        stem,
        word[:-1],
        stem[:-1] if doubled else "",
        stem[:-1] + "y" if stem.endswith("i") else "",
    )
    return any(base and counts.word_count(base) > 0 for base in bases)


def _plural_subject_before(n: _Near) -> bool:
    """Whether a plural noun opening its clause stands just before ("These rules where",
    "Some scripts where"), not the object of a preposition ("in countries where approved")."""
    noun = n.before
    if not (n.previous_joined and noun.isalpha() and noun.endswith("s")):
        return False
    if noun.endswith(("ss", "us", "is")) or len(noun) < 4:
        return False
    start = n.index - 1  # the noun phrase's first word, at most three words back
    while start > n.index - 4 and n.joined(start) and n.word(start - 1).isalpha():
        if n.word(start - 1) in PREPOSITIONS:
            return False
        start -= 1
        if n.word(start) in DETERMINERS | _PLURAL_OPENERS:
            break
    # The phrase opens with a determiner ("These rules"), or is the noun alone: a sentence
    # opening "Make changes where" starts with a verb.
    determined = n.word(start) in DETERMINERS | _PLURAL_OPENERS or start == n.index - 1
    opens = n.opens_sentence(start) or n.word(start - 1) in SUBORDINATORS | {"and"}
    return determined and opens and n.word(start - 1) not in PREPOSITIONS


_PLURAL_OPENERS = frozenset(
    ["these", "those", "some", "many", "all", "both", "several", "most", "numerous", "various",
     "multiple", "other"]
)  # fmt: skip
_WERE_STATES = frozenset(
    ["similar", "comparable", "higher", "lower", "greater", "consistent", "common", "rare",
     "uncommon", "infrequent", "unchanged", "normal", "negative", "positive", "mild"]
)  # fmt: skip
_STATE_GOES_ON = frozenset(["between", "to", "in", "across", "among", "with", "than", "for"])


def _after_word(words: Collection[str], suggestion: str) -> Callable[[_Near], str]:
    """The rule "`suggestion` where the next word is one of `words`"."""
    return lambda n: suggestion if n.next_joined and n.after in words else ""


def _before_word(words: Collection[str], suggestion: str) -> Callable[[_Near], str]:
    """The rule "`suggestion` where the word before is one of `words`"."""
    return lambda n: suggestion if n.previous_joined and n.before in words else ""


class _AnyWord:
    """Any word at all, for a rule that reads one side only."""

    def __contains__(self, _: object) -> bool:
        return True


_ANY_WORD = _AnyWord()
#: The rules of one shape, by the word they read.
_PAIRED_RULES: dict[str, Callable[[_Near], str]] = {
    "of": _of,
    "your": _your,
    "they're": _possessive,
    "who's": _possessive,
    "than": _than,
    "lead": _lead,
    "past": _past,
    "dose": _dose,
    "does": _does,
    "sight": _site,
    "cite": _site,
    "weak": _week,
    "sever": _before_word(_SEVERE_BEFORE, "severe"),
    "know": _know,
    "knew": _before_word(_NOUN_OPENERS, "new"),
    "patience": _patience,
    # "loosing" (setting loose) is all but unknown; "keep loosing sleep" means losing it.
    "loosing": lambda n: "losing",
    "excepted": _before_word(("has", "have", "had"), "accepted"),
    "discrete": _after_word(_DISCREET_THINGS, "discreet"),
    "form": _form,
    "prostrate": _prostrate,
    "principle": _after_word(_PRINCIPAL_NOUNS, "principal"),
    "compliment": _compliment,
    "compliments": _compliment,
    "complimented": _compliment,
    "complimenting": _compliment,
    # "a lose tooth": after an article, an adjective; the verb never stands there.
    "lose": _before_word(("a", "an"), "loose"),
    "to": _to,
    "were": _were,
    "where": _where,
    "whether": _before_word(_WEATHER_WORDS | {"the"}, "weather"),
    "lay": _lay,
    "dependant": _after_word(("on", "upon"), "dependent"),
    "illicit": _after_word(("a", "an", "the"), "elicit"),
    "council": _before_word(MODALS - {"not"}, "counsel"),
    "devise": _before_word(DETERMINERS, "device"),
    "device": lambda n: "devise" if n.between(("to",), DETERMINERS) else "",
    "averse": _after_word(_ADVERSE_NOUNS, "adverse"),
    "palpations": _before_word(("heart",), "palpitations"),
    "loss": _before_word(_FULL_MODALS, "lose"),
}
_PAIRED_WORDS = frozenset(_PAIRED_RULES)


# After "its", adverbs no possessive stands before ("its now universal", "its just a typo").
_ITS_ADVERBS = frozenset(
    ["now", "still", "also", "already", "always", "never", "really", "actually", "probably",
     "usually", "quite", "certainly", "definitely", "clearly", "obviously", "currently",
     "simply", "often", "sometimes", "just", "rarely", "generally", "normally", "unlikely"]
)  # fmt: skip
# After "its" and a participle, words that show the participle is a verb ("its managed by").
_PARTICIPLE_GOES_ON = frozenset(
    ["by", "to", "with", "in", "for", "as", "from", "on", "at", "when", "if", "and", "or"]
)
# After "its", words no possessive can stand before ("its a good idea", "its been a year").
_ITS_CLAUSE_STARTS = frozenset(["a", "an", "the", "been", "going", "no"])
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
        "it's",
        "witch",
        *_PAIRED_WORDS,
    ]
)
# Subject pronouns: the word after one (or after one and an adverb) is a verb ("we advise").
_SUBJECT_PRONOUNS = frozenset(["i", "we", "they", "you"])
_VERB_ADVERBS = frozenset(["therefore", "also", "strongly", "generally", "usually", "always"])
# Prepositions before which "it's" (it is) cannot stand but the possessive can ("of its").
_POSSESSIVE_PREPOSITIONS = frozenset(
    ["in", "of", "on", "with", "from", "by", "into", "about", "at", "over", "under", "through",
     "during", "to", "for"]
)  # fmt: skip
_FINITE_BE = frozenset(["is", "was", "are", "were", "has", "remains"])
# Words after "it's" that start a predicate or a cleft sentence rather than a noun phrase.
_NOT_NOUN_STARTS = frozenset(
    ["not", "also", "still", "just", "what", "how", "this", "that", "all", "been", "one", "time",
     "so", "very", "too", "now", "here", "there", "who", "which", "when", "because"]
)  # fmt: skip
# After "witch", words that only a relative pronoun could precede.
_RELATIVE_VERBS = frozenset(
    ["is", "are", "was", "were", "has", "have", "had", "can", "could", "may", "might", "will",
     "would", "should", "must", "means", "helps", "contains", "includes", "makes", "causes"]
)  # fmt: skip


# After "it's important", words that go on the predicate; any other word makes "its important"
# a possessive before its noun ("its important role", "its best sentence").
_PREDICATE_GOES_ON = frozenset(
    ["to", "that", "for", "if", "when", "because", "as", "in", "at", "not", "enough", "now"]
)


def _predicate_ends(index: int, word: Callable[[int], str], joined: Callable[[int], bool]) -> bool:
    """Whether the word at `index` ends a predicate ("its vital to", "its not", "its okay.")."""
    if word(index) in ("not", "very", "too"):
        return word(index) == "not" or _predicate_ends(index + 1, word, joined)
    return not joined(index + 1) or word(index + 1) in _PREDICATE_GOES_ON


def _is_possessive_its(
    index: int, word: Callable[[int], str], joined: Callable[[int], bool]
) -> bool:
    """ "it's" where only "its" fits: after a preposition ("because of it's size"), or before a
    noun phrase that a verb follows ("it's main benefit is"), since "it is" cannot be the
    subject of a second verb."""
    before, after = word(index - 1), word(index + 1)
    if not after.isalpha() or after in DETERMINERS or after in _NOT_NOUN_STARTS:
        return False
    if after.endswith("ly") or not joined(index + 1):
        return False
    if joined(index) and before in _POSSESSIVE_PREPOSITIONS:
        return True
    if joined(index) and before.endswith("ed") and after not in _ITS_PREDICATES:
        return True  # "has renewed it's licence": "it is" cannot be an object
    second, third = word(index + 2), word(index + 3)
    if joined(index + 2) and second in _FINITE_BE:
        return True
    return (
        joined(index + 2)
        and joined(index + 3)
        and second.isalpha()
        and second not in DETERMINERS
        and second not in _NOT_NOUN_STARTS
        and third in _FINITE_BE
    )


def find_confusables(
    text: str, tokens: Sequence[Token], protected: ProtectedSpans
) -> Iterator[Finding]:
    lowered = folded_words(tokens)
    count = len(tokens)

    def word(index: int) -> str:
        return lowered[index] if 0 <= index < count else ""

    def joined(index: int) -> bool:
        return same_clause(text, tokens, index)

    def opens_sentence(index: int) -> bool:
        if index <= 0:
            return True
        gap = text[tokens[index - 1].end : tokens[index].start]
        return any(c in gap for c in ".!?") or "\n\n" in gap

    def clause_end_after(index: int) -> bool:
        if index + 1 >= count:
            return True
        following = text[tokens[index].end : tokens[index].end + 1]
        return following in (".", ",", ";", ":", "!", "?")

    for index, token in enumerate(tokens):
        current = lowered[index]
        if current not in _CONFUSABLE_WORDS:
            continue
        gap_before = text[tokens[index - 1].end : token.start] if index else "."
        sentence_start = any(c in gap_before for c in ".!?") or "\n\n" in gap_before
        before, after = word(index - 1), word(index + 1)
        previous_joined, next_joined = joined(index), index + 1 < count and joined(index + 1)
        suggestion = ""
        if (
            current == "its"
            and next_joined
            and (
                after in _ITS_CLAUSE_STARTS
                or (after in _ITS_PREDICATES and _predicate_ends(index + 1, word, joined))
            )
        ):
            suggestion = "it's"
        elif current == "its" and next_joined and after in _ITS_ADVERBS:
            suggestion = "it's"  # "its now universal", "its just a typo": no thing owned
        elif current == "its" and after.endswith("ed") and index + 1 < count:
            ends = clause_end_after(index + 1)
            goes_on = joined(index + 2) and word(index + 2) in _PARTICIPLE_GOES_ON
            verb = _past_participle(after)
            if (ends and before == "until") or (
                verb and next_joined and (goes_on or ends) and before != "by"
            ):
                suggestion = "it's"  # "if its supported, otherwise", "its managed by"
        elif (
            current == "their"
            and next_joined
            and (
                after in _BE_FORMS
                or (after in MODALS and joined(index + 2) and word(index + 2) == "be")
            )
        ):
            suggestion = "there"  # "their are", "their will be"
        elif (
            current == "there"
            and previous_joined
            and next_joined
            and (before in PREPOSITIONS or before in {"understand", "discuss", "take", "keep"})
            and after.isalpha()
            and after not in _AFTER_THERE
            and after not in SUBORDINATORS
            and after not in DETERMINERS
            and not after.endswith("ly")
        ):
            suggestion = "their"
        elif current == "you're" and previous_joined and before in PREPOSITIONS:
            suggestion = "your"
        elif current == "weather" and (
            (next_joined and after in _SUBJECT_STARTS - {"the", "to", "or"})
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
            (current == "effect" and previous_joined and before in MODALS - {"to"} | _NEGATIVES)
            or (
                previous_joined
                and next_joined
                and before in _AFFECTING_ADVERBS
                and word(index - 2) not in DETERMINERS
                and after in DETERMINERS | _AFFECTED
            )  # "generally effect all", "may adversely effect the"
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
        elif current in ("affect", "affects") and (
            (previous_joined and before in _EFFECT_OPENERS)
            or (current == "affects" and next_joined and after == "of")
            or (next_joined and after == "on")  # "an affect on": the verb takes no "on"
            or (previous_joined and current == "affect" and before in _EFFECT_IDIOMS)
            or (current == "affects" and previous_joined and before in _EFFECTS_OPENERS)
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
            compared = next_joined and after in _COMPARED
            while (
                compared
                and back > 0
                and index - back < 12
                and joined(back + 1)
                and word(back) not in _COMPARATIVES
            ):
                back -= 1  # "a lower risk of death or hospitalisation then those on placebo"
            # "other than" is one phrase; "some other process then removes" tells a time.
            nearby = word(back) != "other" or back == index - 1
            if (
                word(back) in _COMPARATIVES
                and nearby
                and all(joined(i) for i in range(back + 1, index + 1))
            ):
                suggestion = "than"
        elif current == "loose" and (
            (previous_joined and before in MODALS)
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
            and (
                (before in MODALS and after in DETERMINERS | _ADVISED)
                or (
                    next_joined
                    and after in _ADVISED
                    and before.endswith("s")
                    and before not in DETERMINERS
                )
            )
        ):
            suggestion = "advise"  # "we advice you", "doctors advice patients"
        elif (
            current == "advise"
            and previous_joined
            and before in {"medical", "for", "your", "the", "some", "expert", "our", "of"}
        ):
            suggestion = "advice"
        elif current == "breathe" and previous_joined and before in DETERMINERS | {"of"}:
            suggestion = "breath"
        elif current == "breath" and (
            (
                next_joined
                and after in _BREATHING_WAYS
                and (not previous_joined or before in MODALS | {"and", "then", "please"})
            )
            or (previous_joined and before in MODALS and clause_end_after(index))
        ):
            suggestion = "breathe"  # "breath slowly", "cannot breath."
        elif current == "advice" and previous_joined and before == "please" and next_joined:
            suggestion = "advise"  # "Please advice your patients"
        elif (
            current == "except"
            and previous_joined
            and before in MODALS - {"not"} | {"please"} | _ACCEPTING
            and next_joined
            and after.isalpha()
        ):
            suggestion = "accept"
        elif current == "whose" and next_joined and after in {"is", "has", "been", "going"}:
            suggestion = "who's"
        elif current == "it's":
            suggestion = "its" if _is_possessive_its(index, word, joined) else ""
        elif current == "than" and sentence_start and next_joined and after.isalpha():
            suggestion = "then"  # "Than take the second dose": no sentence opens with "than"
        elif current == "witch" and next_joined and after in _RELATIVE_VERBS:
            suggestion = "which"
        elif (
            current == "advice"
            and previous_joined
            and (
                before in _SUBJECT_PRONOUNS
                or (
                    before in _VERB_ADVERBS
                    and joined(index - 1)
                    and word(index - 2) in _SUBJECT_PRONOUNS
                )
            )
        ):
            suggestion = "advise"
        elif current in _PAIRED_WORDS:
            near = _Near(current, index, word, joined, clause_end_after, opens_sentence)
            suggestion = _PAIRED_RULES[current](near)
        if not suggestion or protected.overlaps(token.start, token.end):
            continue
        yield Finding(token.start, token.text, cased_like(suggestion, token.text), "confusable")


# Subject-verb agreement on a clause's first verb, when it is one of these closed forms.
