"""The kind of answer a question asks for, and whether a passage holds it."""

from __future__ import annotations

import datetime as dt

import pytest

from actionvault.text.answer_types import (
    asked_value_kind,
    asks_purpose,
    fits_age,
    fits_value_kind,
    question_age,
    restates_enquiry,
    states_purpose,
    value_kind,
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


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When did the first patient start?", "date"),
        ("On which date does it expire?", "date"),
        ("How many people will they recruit?", "number"),
        ("How long does each patient stay on treatment?", "number"),
        ("Who's running it at this site?", "name"),
        ("Whom should I ask?", "name"),
        ("Is it double-blind?", "yes_no"),
        ("Does it have orphan status?", "yes_no"),
        ("What exactly did they ask?", None),
        ("Why did it happen?", None),
    ],
)
def test_a_question_names_the_kind_of_value_it_asks_for(question: str, kind: str | None) -> None:
    assert asked_value_kind(question) == kind


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (True, "yes_no"),
        (1200, "number"),
        (12.5, "number"),
        ("1,200", "number"),
        ("45%", "number"),
        ("2025-03-14", "date"),
        (dt.date(2025, 3, 14), "date"),
        ("2025-03-14T09:30:00Z", "date"),
        ("Dr. Maria Lopez", "text"),
        ("24 weeks", "text"),
    ],
)
def test_a_field_value_has_a_kind(value: object, kind: str) -> None:
    assert value_kind(value) == kind


def test_a_name_is_asked_for_by_any_text_and_not_by_a_date() -> None:
    assert fits_value_kind("name", "text")
    assert not fits_value_kind("name", "date")
    assert fits_value_kind("date", "date")
    assert not fits_value_kind(None, "text")
