"""What kind of answer a question expects, and whether a passage holds that kind of answer.

Sentence similarity finds the passages about a question's subject, but among several passages
about the same subject it cannot tell which one says the thing asked: "my 10-year-old" is as
close to "adults and children 12 years and over" as to "do not use in children under 12", and
"which disease is it for?" is close to every passage naming a symptom. These general rules read
the form of the answer a question wants (an age that falls in a stated age range, the purpose a
medicine is for) and of what a passage states (an age limit, an indication), so a ranking by
meaning can prefer, among close passages, the one that holds the asked-for kind of answer.

They also mark the passages that only restate the reader's enquiry ("You asked whether ..."),
as medical information letters do: such a passage resembles the question most and answers none
of it.
"""

from __future__ import annotations

import datetime as dt
import re

#: An age the question states: "my 10-year-old", "aged 70", "I am 15 years old".
_QUESTION_AGE = re.compile(
    r"\b(\d{1,3})[- ](?:years?|yrs?)[- ]old\b|\baged? (\d{1,3})\b"
    r"|\b(?:I'?m|I am|he'?s|she'?s|he is|she is|they are|they'?re) (\d{1,3})\b",
    re.IGNORECASE,
)
_YEARS = r"(?:years?|yrs?)(?: of age| old)?"
#: Age limits a passage states, as (pattern, which side of the number the range lies on).
#: A number counts as an age only when written with "years" or after "aged"/"age", so that
#: "under 30 °C" or "more than 2 weeks" is not read as one.
_UPPER_LIMITS = re.compile(
    rf"\b(?:under|younger than|below|less than)(?: the age of)? (\d{{1,3}}) {_YEARS}"
    r"|\b(?:under|younger than|below) (?:the )?age (?:of )?(\d{1,3})\b"
    r"|\baged? (?:under|below|less than) (\d{1,3})\b",
    re.IGNORECASE,
)
_LOWER_LIMITS = re.compile(
    rf"\b(\d{{1,3}}) {_YEARS} (?:and|or) (?:over|older|above|up)\b"
    r"|\baged? (\d{1,3}) (?:years )?(?:and|or) (?:over|older|above)\b"
    rf"|\b(?:over|older than|at least)(?: the age of)? (\d{{1,3}}) {_YEARS}",
    re.IGNORECASE,
)


def _numbers(pattern: re.Pattern[str], text: str) -> list[int]:
    return [int(next(g for g in m.groups() if g)) for m in pattern.finditer(text)]


def question_age(question: str) -> int | None:
    """The age in years the question is about, if it states one."""
    ages = _numbers(_QUESTION_AGE, question)
    return ages[0] if ages else None


def fits_age(age: int, passage: str) -> bool | None:
    """Whether `age` falls within an age limit the passage states (True), only outside the
    limits it states (False), or the passage states none (None)."""
    uppers = _numbers(_UPPER_LIMITS, passage)
    lowers = _numbers(_LOWER_LIMITS, passage)
    if not uppers and not lowers:
        return None
    return any(age < limit for limit in uppers) or any(age >= limit for limit in lowers)


_AGE_MENTION = re.compile(
    rf"\baged? (?:under |over |below )?\d{{1,3}}(?: {_YEARS})?"
    r"|\b\d{1,3} (?:years?|yrs?) (?:of age|old)\b",
    re.IGNORECASE,
)


def without_ages(passage: str) -> str:
    """The passage with its age limits and ages taken out, so "adults aged 50 years and
    older" does not read as a span of years when a question asks how many years."""
    for pattern in (_UPPER_LIMITS, _LOWER_LIMITS, _AGE_MENTION):
        passage = pattern.sub(" ", passage)
    return passage


#: "What is it for?", "which disease is it meant for?", "what does it treat?": the answer is the
#: medicine's purpose, which documents state as an indication or a use.
_PURPOSE_QUESTION = re.compile(
    r"\b(?:what|which)\b.*\b(?:is it|are they|is this|it is|is this medicine) "
    r"(?:for|used for|meant for|intended for|prescribed for|given for)\b"
    r"|\b(?:what|which) (?:\w+ )?(?:disease|condition|illness|problem|disorder)s?\b"
    r"|\bwhat (?:does|do|can) (?:it|they|this) (?:treat|cure|help with)\b",
    re.IGNORECASE,
)
_PURPOSE = re.compile(
    r"\b(?:indicated|indications?|indicated for|treatment of|to treat|used to|used for|"
    r"relief of|relieves|reduction of|prevention of|to prevent|uses)\b",
    re.IGNORECASE,
)


def asks_purpose(question: str) -> bool:
    """Whether the question asks what the medicine is for."""
    return _PURPOSE_QUESTION.search(question) is not None


def states_purpose(passage: str) -> bool:
    """Whether the passage (with its heading) states what a medicine is for."""
    return _PURPOSE.search(passage) is not None


#: A passage restating the reader's enquiry: a medical information letter's "You asked
#: whether ..." or a heading "Your question".
_ENQUIRY = re.compile(
    r"^\s*(?:you (?:asked|enquired|inquired|wanted to know|wrote)|"
    r"your (?:question|enquiry|inquiry|request) (?:was|is|asked|concerned))\b",
    re.IGNORECASE,
)
_ENQUIRY_HEADING = re.compile(r"^\s*your (?:question|enquiry|inquiry|request)\s*$", re.IGNORECASE)


def restates_enquiry(heading: str | None, text: str) -> bool:
    """Whether a passage only restates what the reader asked, which answers nothing."""
    return bool(heading and _ENQUIRY_HEADING.match(heading)) or _ENQUIRY.match(text) is not None


# --- the kind of value a question asks for --------------------------------------------------

#: A question asking yes or no starts with an auxiliary verb ("Is it blinded?", "Does it have
#: ...", "Are we allowed ...").
_YES_NO = re.compile(
    r"^\s*(?:and |so |but )?(?:is|are|was|were|does|do|did|has|have|had|can|could|will|would"
    r"|should|may|must)\b",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"\bwhen\b|\b(?:what|which) (?:date|day|year|month)\b|\bhow (?:soon|recently)\b",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(
    r"\bhow (?:many|much|long|old|big|large)\b|\bwhat (?:number|percentage|proportion)\b",
    re.IGNORECASE,
)
_WHO = re.compile(r"\bwho(?:'s|m|se)?\b", re.IGNORECASE)


def asked_value_kind(question: str) -> str | None:
    """The kind of value that answers `question`: "yes_no", "date", "number" or "name" (a
    person or an organisation: any text); None when it asks for no one kind ("what",
    "which", "why")."""
    if _WHEN.search(question):
        return "date"
    if _HOW_MANY.search(question):
        return "number"
    if _WHO.search(question):
        return "name"
    if _YES_NO.search(question):
        return "yes_no"
    return None


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_NUMBER = re.compile(r"^[<>≤≥~]?\s*-?\d[\d,]*(?:\.\d+)?\s*%?$")


def value_kind(value: object) -> str:
    """The kind of a field's value: "yes_no" (a boolean), "date", "number", or "text"."""
    if isinstance(value, bool):
        return "yes_no"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    text = str(value).strip()
    if _ISO_DATE.match(text):
        return "date"
    if _NUMBER.match(text):
        return "number"
    return "text"


def fits_value_kind(asked: str | None, kind: str) -> bool:
    """Whether a value of `kind` is the kind of answer asked for; a name may be any text."""
    if asked is None:
        return False
    return kind == ("text" if asked == "name" else asked)
