"""The kind of answer a question asks for, and whether a passage holds it."""

from __future__ import annotations

import pytest

from actionvault.text.answer_types import (
    asks_purpose,
    fits_age,
    question_age,
    restates_enquiry,
    states_purpose,
    without_ages,
)


@pytest.mark.parametrize(
    ("question", "age"),
    [
        ("My 7-year-old has a cough, can she take it?", 7),
        ("Is it suitable for someone aged 80?", 80),
        ("I am 16 years old, may I use it?", 16),
        ("How many tablets a day?", None),
        ("Can I take it for 3 weeks?", None),
    ],
)
def test_the_age_a_question_is_about(question: str, age: int | None) -> None:
    assert question_age(question) == age


@pytest.mark.parametrize(
    ("age", "passage", "fits"),
    [
        (7, "Do not use in children under 10 years of age.", True),
        (7, "Adults and children 10 years and over: two tablets.", False),
        (65, "People aged 60 or older should start on half a dose.", True),
        (7, "Store under 25 °C for no more than 3 weeks.", None),
        (12, "Not for use below the age of 12.", False),
    ],
)
def test_whether_an_age_falls_within_the_limits_a_passage_states(
    age: int, passage: str, fits: bool | None
) -> None:
    assert fits_age(age, passage) is fits


def test_a_question_about_a_medicines_purpose_and_the_passages_that_state_one() -> None:
    assert asks_purpose("What is it used for?")
    assert asks_purpose("Which illness does the cream treat?")
    assert asks_purpose("What does it treat?")
    assert not asks_purpose("What is the dose for adults?")
    assert states_purpose("Indication: treatment of moderate plaque psoriasis in adults.")
    assert not states_purpose("Side effects: rash, itching and headache.")


def test_a_passage_restating_the_readers_enquiry() -> None:
    assert restates_enquiry("Your enquiry", "Whether the cream can be used on the face.")
    assert restates_enquiry(None, "You asked whether the tablets can be halved.")
    assert not restates_enquiry("Summary", "The tablets can be halved along the score line.")


def test_ages_are_taken_out_of_a_passage_so_they_do_not_read_as_spans_of_time() -> None:
    text = without_ages("For adults aged 40 years and older; children under 6 years of age.")
    assert "years" not in text
    assert "years" in without_ages("The tablets keep for 3 years unopened.")
