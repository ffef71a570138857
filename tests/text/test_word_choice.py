"""Confusable words judged by word-pair counts: only where both neighbours want the other word,
and never on a word written as a code, a quotation or before a rare name."""

from __future__ import annotations

import pytest

from actionvault.text.segments import ProtectedSpans, tokenize
from actionvault.text.word_choice import find_unlikely_words
from actionvault.text.word_pairs import english_word_pairs


def judged(text: str) -> list[tuple[str, str]]:
    tokens = tokenize(text)
    findings = find_unlikely_words(text, tokens, ProtectedSpans(text), english_word_pairs())
    return [(f.text, f.suggestion) for f in findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The nurse will check there blood pressure.", [("there", "their")]),
        ("The levels where measured twice.", [("where", "were")]),
        ("This does not effect the result.", [("effect", "affect")]),
        ("It was older then the previous one.", [("then", "than")]),
        ("He new the answer at once.", [("new", "knew")]),
        ("Stop if you loose your appetite.", [("loose", "lose")]),
        ("We will advice you on the next steps.", [("advice", "advise")]),
    ],
)
def test_a_word_both_neighbours_reject_is_replaced_by_the_one_they_take(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert judged(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tell them about the new diet plan.",
        "The tablets are no longer sold.",
        "Store the pen in a cool, dry place.",
        "The site of injection was red.",
        "She was quite tired after the infusion.",
        "We accept the terms of the study.",
        "Use more saline rather than water.",
        "Its safety is well known.",
        # "than" completes the comparison three words back.
        "Do not go further back than the first dose.",
        # Written as a constant, quoted, or beside a name no book pairs it with.
        "Set the flag to NO when done.",
        "Turn the dial to ``no'' before use.",
        "Take Zorvalin then the second tablet.",
    ],
)
def test_correct_words_are_left_alone(text: str) -> None:
    assert judged(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patients who's kidneys are weak need less.", [("who's", "whose")]),
        ("They're doctor will call.", [("They're", "Their")]),
        ("Each pen has it's own label.", [("it's", "its")]),
        ("The pen and it's cap are blue.", [("it's", "its")]),
        ("If you're child has a fever, call us.", [("you're", "your")]),
        ("Make sure your taking the right dose.", [("your", "you're")]),
        ("The principle side effect is nausea.", [("principle", "principal")]),
        ("Yes. There doctor called them.", [("There", "Their")]),
    ],
)
def test_a_contraction_before_a_thing_owned_is_the_possessive(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert judged(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "You're welcome to call.",
        "It's time to go, and it's night already.",
        "Who's taking warfarin? Who's been told?",
        "They're at home and they're nurses.",
        "You're signing the form today.",
        "I think it's water, not blood.",
        "Tell us about your feeling and your breathing.",
        "The principle of the test is simple.",
        "There is a risk. There was a time.",
    ],
)
def test_a_contraction_before_a_state_a_time_or_a_clause_is_left_alone(text: str) -> None:
    assert judged(text) == []


def test_a_contraction_is_never_suggested() -> None:
    # "reading it is text" is likelier word by word than "reading its text": counts cannot
    # see that a contraction is wrong there, so they never offer one.
    assert judged("The parser slows when reading its text twice.") == []


def test_a_capital_is_kept_in_the_suggestion() -> None:
    assert judged("Blood Levels Where Measured Twice") == [("Where", "Were")]
