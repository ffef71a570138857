"""Confusable words read from their neighbours, subject-verb agreement, and the domain words and
names the spelling check leaves alone."""

from __future__ import annotations

import pytest

from actionvault.text.proofreading import default_proofreader


def found(text: str, category: str) -> list[tuple[str, str]]:
    return [
        (e.text, e.suggestion) for e in default_proofreader().check(text).errors
        if e.category == category
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Remember that its vital to finish the course.", [("its", "it's")]),
        ("Their are two strengths of the tablet.", [("Their", "There")]),
        ("Nurses can explain the results at there clinic.", [("there", "their")]),
        ("Speak to you're pharmacist first.", [("you're", "your")]),
        ("Ask the nurse weather your vaccine is due.", [("weather", "whether")]),
        ("Low sodium can effect how well you think.", [("effect", "affect")]),
        ("Psoriasis effects about 3% of people.", [("effects", "affects")]),
        ("Bruising was more frequent with the gel then with the cream.", [("then", "than")]),
        ("Some people may loose their appetite.", [("loose", "lose")]),
        ("Follow the principals of good prescribing.", [("principals", "principles")]),
        ("Ask your pharmacist for advise before travelling.", [("advise", "advice")]),
        ("Let out a breathe, then press the canister.", [("breathe", "breath")]),
    ],
)
def test_a_confusable_word_is_flagged_where_the_other_word_fits(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(text, "confusable") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Its safety was studied in 400 adults, and its effects lasted a week.",
        "There is no need to fast, and their doctor will go there with them.",
        "Your dose depends on your weight; you're likely to start low.",
        "The weather was cold, and side effects were mild.",
        "A loose stool is common. Then take the next dose.",
        "The principal investigator gave advice on how to breathe.",
        "The changes had an effect on sleep and may affect mood.",
    ],
)
def test_the_right_word_in_its_ordinary_use_is_not_flagged(text: str) -> None:
    assert found(text, "confusable") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The tablets in this blister is white.", [("is", "are")]),
        ("Nausea and dizziness was reported by few people.", [("was", "were")]),
        ("Fatigue, rash and fever is the usual signs.", [("is", "are")]),
        ("The findings of the second study suggests a benefit.", [("suggests", "suggest")]),
        ("The main reason for stopping were nausea.", [("were", "was")]),
        ("Adults who has kidney disease need a lower dose.", [("has", "have")]),
        ("Report any swelling that do not settle.", [("do", "does")]),
        ("The pharmacy is open, and our nurses has time to help.", [("has", "have")]),
        ("We expect that around 40 clinics per region needs support.", [("needs", "need")]),
    ],
)
def test_a_verb_that_does_not_agree_with_its_subject_is_flagged(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(text, "agreement") == expected


@pytest.mark.parametrize(
    "text",
    [
        "The number of patients with rash is small.",
        "The risk of bleeding and bruising is higher in older people.",
        "The Food and Drug Administration has approved the label.",
        "Running two clinics is hard work.",
        "Shingles is a painful rash.",
        "The data are shown below, and the data is also online.",
        "People who currently have a fever should wait.",
        "The ratio was 3:1 and the cost was high.",
        "Headache, nausea, and changes in mood have occurred.",
        "Please do not stop the tablets suddenly.",
    ],
)
def test_subjects_that_agree_or_are_unclear_are_not_flagged(text: str) -> None:
    assert found(text, "agreement") == []


def test_a_doubled_is_is_flagged_unless_it_closes_a_what_clause() -> None:
    assert found("The vaccine is is given once.", "repeated_word") == [("is is", "is")]
    assert found("What it is is a reminder.", "repeated_word") == []


def test_a_heading_ending_in_the_word_its_text_starts_with_is_no_repeat() -> None:
    assert found("About Velarin\nVelarin is a private company.", "repeated_word") == []


@pytest.mark.parametrize(
    "text",
    [
        "Kind regards,\nMarek Zielinski",
        "Results were reviewed by Dr Anjali Raghunathan.",
        "Ask about Tevrolan (sotravimide) at your next visit; sotravimide is taken daily.",
        "Her ferritin was 12 nmol/L and HbA1c 50 mmol/mol.",
        "Exacerbations fell with investigational monotherapy.",
    ],
)
def test_names_introduced_names_units_and_clinical_words_are_not_misspellings(text: str) -> None:
    assert found(text, "spelling") == []


def test_a_misspelt_word_in_a_title_case_phrase_is_still_flagged() -> None:
    assert found("Read the Patient Informaton Leaflet.", "spelling") == [
        ("Informaton", "Information")
    ]


def test_advice_after_a_subject_pronoun_is_the_verb_advise() -> None:
    assert found("We strongly advice you to rest. I advice rest.", "confusable") == [
        ("advice", "advise"),
        ("advice", "advise"),
    ]
    assert found("We took advice from the nurses.", "confusable") == []


def test_its_is_the_possessive_after_a_preposition_or_before_a_subject_noun() -> None:
    text = "Because of it's size, it is hard to swallow. It's main benefit is speed."

    assert found(text, "confusable") == [("it's", "its"), ("It's", "Its")]


@pytest.mark.parametrize(
    "text",
    [
        "It's important to rest.",
        "It's not clear why.",
        "It's been a year.",
        "It's what is needed.",
        "When it's cold, stay in.",
        "I know it's late.",
    ],
)
def test_its_as_it_is_or_it_has_is_accepted(text: str) -> None:
    assert found(text, "confusable") == []


def test_witch_before_a_verb_is_the_relative_which() -> None:
    assert found("Report a rash, witch may be serious.", "confusable") == [("witch", "which")]
    assert found("The witch in the play laughed.", "confusable") == []
