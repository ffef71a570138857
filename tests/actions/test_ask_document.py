"""promomats_document_chat__v / ask_question__v: answers by retrieval, with citations."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionvault.actions.ask_document import answer_question, ask_document, best_quote
from actionvault.actions.context import ActionContext
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.errors import ActionFailed
from actionvault.text.html import DocumentText, mask_markup
from actionvault.text.passages import Passage
from stand_in_models import ConceptModel, UniformModel

DEMO_DIR = Path(__file__).resolve().parents[2] / "src" / "actionvault" / "demo" / "documents"
BROCHURE = (DEMO_DIR / "cardiovex-brochure.txt").read_text()


def version(text: str) -> DocumentVersion:
    document = Document(4, "Cardiovex Brochure", "brochure__c", "draft__c", "draft", 1, 0.0)
    return DocumentVersion(document, 0, 1, "brochure", "text/plain", text, 0.0)


def ask(question: str, text: str = BROCHURE, html: bool = False) -> str:
    visible = mask_markup(text) if html else text
    return answer_question(DocumentText(version(text), text, visible, html), question)


def context_for(text: str, question: str | None) -> ActionContext:
    action = Action("ask_question__v", "Ask a Question", "", "builtin.ask_document")
    agent = Agent("promomats_document_chat__v", "Content Agent", "", "", "standard", True,
                  "ADVANCED", Scope.DOCUMENT, actions=(action,))  # fmt: skip
    execution = Execution(1, 1, agent.name, action.name, Target(4, 0, 1),
                          ExecutionState.RUNNING, 0.0, user_message=question)  # fmt: skip
    return ActionContext(execution, agent, action, document=version(text))


def test_a_question_is_answered_with_the_passage_and_its_section() -> None:
    answer = ask("How should I store the pens?")

    assert answer.startswith('From "Cardiovex Brochure":\n\nKeep the pens in the refridgerator')
    assert answer.split("\n\n")[1].endswith("[Section: Storing your pens]")


def test_several_passages_may_answer_each_with_its_citation() -> None:
    answer = ask("What are the side effects, and should I stop using it?")
    assert "[Section: Possible side effects]" in answer


def test_a_question_the_document_does_not_answer_says_so_and_lists_the_headings() -> None:
    assert ask("What does Cardiovex cost in France?") == (
        'The document "Cardiovex Brochure" does not appear to answer this question. Its '
        "headings are: Understanding Your Treatment with Cardiovex; How does Cardiovex work?; "
        "How do I use Cardiovex?; Possible side effects; Storing your pens."
    )


def test_without_headings_the_unanswered_reply_says_so() -> None:
    assert ask("What is the price?", "Cardiovex lowers LDL cholesterol.").endswith(
        "It has no headings; try asking with words the document uses."
    )


def test_pages_are_cited_when_the_document_has_no_headings() -> None:
    text = "Cardiovex lowers LDL cholesterol.\fKeep the pens in the refrigerator."
    assert ask("Where do I keep the pens?", text).endswith("[Page 2]")


def test_html_sections_are_cited_by_their_headings() -> None:
    html = (
        "<html><body><h1>Cardiovex</h1><p>It lowers LDL.</p><h2>Storage</h2>"
        "<p>Keep the <b>pens</b> in the refrigerator.</p></body></html>"
    )
    assert ask("How do I store the pens?", html, html=True).endswith(
        "Keep the pens in the refrigerator. [Section: Storage]"
    )


def test_text_repeated_on_several_pages_is_quoted_once_where_it_first_appears() -> None:
    safety = "Keep the pens in the refrigerator and never freeze them."
    text = f"Cardiovex lowers LDL.\f{safety}\fIt is injected.\f{safety}"
    answer = ask("How do I keep the pens?", text)
    assert answer == f'From "Cardiovex Brochure":\n\n{safety} [Page 2]'


def test_a_question_without_content_words_asks_for_a_topic() -> None:
    assert ask("What is it?").startswith('The question has no words to look for in "Cardiovex')


def test_a_long_passage_is_quoted_by_its_best_sentences() -> None:
    filler = " ".join(f"Filler sentence {i} about nothing in particular." for i in range(20))
    passage = Passage(f"{filler} Store the pens in the fridge. {filler}", 0)

    quote = best_quote(passage, "Where do I store the pens?")

    assert "Store the pens in the fridge." in quote
    assert len(quote.split()) < 40


async def test_the_handler_answers_plain_text() -> None:
    (output,) = await ask_document(context_for(BROCHURE, "How do I use Cardiovex?"))
    assert output.type == "text"
    assert "[Section: How do I use Cardiovex?]" in output.value


@pytest.mark.parametrize("question", [None, "", "   "])
async def test_the_handler_needs_a_question(question: str | None) -> None:
    with pytest.raises(ActionFailed, match="needs a question: send it as user_message"):
        await ask_document(context_for(BROCHURE, question))


async def test_the_handler_fails_clearly_on_a_document_without_text() -> None:
    with pytest.raises(ActionFailed, match="has no text for Ask a Question"):
        await ask_document(context_for("", "Anything?"))


async def test_a_short_follow_up_in_a_chat_is_read_with_the_earlier_question() -> None:
    from dataclasses import replace

    from actionvault.domain.chats import ChatTurn

    text = (
        "Dosing for adults\n\nAdults take one 10 mg tablet each morning.\n\n"
        "Dosing for children\n\nChildren aged 6 to 12 take one 5 mg tablet each morning.\n\n"
        "Storage\n\nKeep the tablets below 25 C."
    )
    alone = context_for(text, "and for children?")
    followed = replace(
        alone, history=(ChatTurn("What is the dosing of the tablets?", "x.y", "..."),)
    )
    [output] = await ask_document(followed)
    assert "5 mg" in output.value


class KeywordEmbedder(ConceptModel):
    """Pregnancy and storage words are alike in meaning."""

    CONCEPTS = (("pregnan", "baby", "expecting"), ("fridge", "store", "keep", "cool"))


LEAFLET = (
    "Solvanto tablets\n\n"
    "Pregnancy\nTell your doctor if you are pregnant. It is not known whether Solvanto harms "
    "an unborn child.\n\n"
    "Storage\nStore the tablets below 30 °C in their carton.\n"
)


def test_a_question_sharing_no_words_with_its_answer_is_answered_by_meaning() -> None:
    reply = answer_question(
        DocumentText(version(LEAFLET), LEAFLET, LEAFLET, False),
        "Is it fine while expecting a baby?",
        KeywordEmbedder(),
    )
    assert "It is not known whether Solvanto harms an unborn child." in reply
    assert "[Section: Pregnancy]" in reply
    assert "Store the tablets" not in reply


def test_a_question_nothing_in_the_document_resembles_gets_the_plain_no_answer_reply() -> None:
    reply = answer_question(
        DocumentText(version(LEAFLET), LEAFLET, LEAFLET, False),
        "How much does a box cost?",
        KeywordEmbedder(),
    )
    assert "does not appear to answer this question" in reply


class EverythingAlikeEmbedder(UniformModel):
    """Every passage close to every question."""

    SIMILARITY = 0.6


PRICED = (
    "Calmeno capsules\n\n"
    "Supply\nEach pack holds 28 capsules, enough for four weeks.\n\n"
    "Price\nA pack costs £12.40 on prescription.\n\n"
    "Who can take it\nAdults aged 18 years and over.\n"
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What does a month's supply cost?", "£12.40"),
        ("How many weeks does a pack last?", "four weeks"),
        ("How many years can it be stored?", "does not appear to answer this question"),
        ("How many years does a course last?", "does not appear to answer this question"),
    ],
)
def test_a_price_or_a_count_of_units_is_answered_only_by_a_passage_that_states_one(
    question: str, expected: str
) -> None:
    document = DocumentText(version(PRICED), PRICED, PRICED, False)

    assert expected in answer_question(document, question, EverythingAlikeEmbedder())


def test_the_title_line_is_never_cited_as_an_answer() -> None:
    reply = answer_question(
        DocumentText(version(LEAFLET), LEAFLET, LEAFLET, False),
        "Where do I keep Solvanto tablets?",
        KeywordEmbedder(),
    )
    assert "[Section: Storage]" in reply
    assert "Solvanto tablets [" not in reply


async def test_the_action_answers_by_meaning_with_the_model_it_was_given() -> None:
    from actionvault.actions import ask_document as module

    module.use_embedder(KeywordEmbedder)
    try:
        outputs = await ask_document(context_for(LEAFLET, "Is it fine while expecting a baby?"))
    finally:
        module.use_embedder(module._no_model)
    assert "[Section: Pregnancy]" in outputs[0].value


def long_manual(sections: int, answer: str) -> DocumentText:
    routine = [f"Part {n}\nRoutine note number {n} about filing." for n in range(sections)]
    text = "Long manual\n\n" + "\n\n".join(routine[: sections // 2])
    text += f"\n\n{answer}\n\n" + "\n\n".join(routine[sections // 2 :]) + "\n"
    return DocumentText(version(text), text, text, False)


class CountingEmbedder(KeywordEmbedder):
    """The keyword model, counting the texts it was given to read."""

    def __init__(self) -> None:
        self.texts_read = 0

    def similarities(self, queries: list[str], texts: list[str]) -> list[list[float]]:
        self.texts_read += len(texts)
        return super().similarities(queries, texts)


def test_a_long_document_is_answered_by_meaning_reading_only_its_likeliest_passages_closely() -> (
    None
):
    from actionvault.actions.ask_document import MAX_EMBEDDED_TEXTS, NARROWED

    document = long_manual(MAX_EMBEDDED_TEXTS, "Handling\nMind the fridge, not the shelf.")
    model = CountingEmbedder()

    reply = answer_question(document, "Where do I keep the tablets?", model)

    assert "Mind the fridge, not the shelf. [Section: Handling]" in reply
    # Each passage once whole, then the few likeliest with their sentences.
    assert model.texts_read <= MAX_EMBEDDED_TEXTS + 1 + 2 * NARROWED


def test_a_very_long_document_is_read_under_the_headings_most_like_the_question() -> None:
    from actionvault.actions.ask_document import MAX_EMBEDDED_PASSAGES

    document = long_manual(MAX_EMBEDDED_PASSAGES + 100, "Cool storage\nMind the shelf.")
    model = CountingEmbedder()

    reply = answer_question(document, "Where do I keep the tablets?", model)

    assert "Mind the shelf. [Section: Cool storage]" in reply
    assert model.texts_read < 2 * MAX_EMBEDDED_PASSAGES + 200


def test_a_very_long_document_is_read_where_it_shares_the_questions_words() -> None:
    from actionvault.actions.ask_document import MAX_EMBEDDED_PASSAGES

    document = long_manual(MAX_EMBEDDED_PASSAGES + 100, "Extras\nKeep the tablets cool.")

    reply = answer_question(document, "Where do I keep the tablets?", KeywordEmbedder())

    assert "Keep the tablets cool. [Section: Extras]" in reply


class FaintlyAlikeEmbedder(UniformModel):
    """Every passage only faintly like every question."""

    SIMILARITY = 0.15


CONTACTS = (
    "Ostrela tablets\n\n"
    "Storage\nKeep the blister in its carton.\n\n"
    "Further help\nRing the Ostrela helpline on 0800 123 4567 on weekdays.\n"
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who should I phone if I am unsure?", "0800 123 4567"),
        ("What colour are the tablets?", "does not appear to answer this question"),
    ],
)
def test_a_question_asking_whom_to_contact_is_answered_by_a_passage_with_a_number(
    question: str, expected: str
) -> None:
    document = DocumentText(version(CONTACTS), CONTACTS, CONTACTS, False)

    assert expected in answer_question(document, question, FaintlyAlikeEmbedder())


class RecordingEmbedder(KeywordEmbedder):
    """The keyword model, keeping the questions it was asked."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def similarities(self, queries: list[str], texts: list[str]) -> list[list[float]]:
        self.queries.extend(queries)
        return super().similarities(queries, texts)


def test_an_everyday_phrase_is_searched_with_the_word_the_document_uses() -> None:
    model = RecordingEmbedder()
    reply = answer_question(
        DocumentText(version(LEAFLET), LEAFLET, LEAFLET, False),
        "We are trying to conceive. Is that a problem?",
        model,
    )
    assert model.queries == ["We are trying to conceive. Is that a problem? (pregnancy)"]
    assert "[Section: Pregnancy]" in reply


class FirstPassageFavouredEmbedder:
    """A stand-in model that finds the first passage a little closer to any question than the
    others, as the real model often finds a nearby passage on the same subject."""

    def similarities(self, queries: list[str], texts: list[str]) -> list[list[float]]:
        return [[0.5 if "Dosing" in t or "asked" in t else 0.4 for t in texts] for _ in queries]


AGES = (
    "Restora caplets\n\n"
    "Dosing\nAdults and children 14 years and over: take 1 caplet at night.\n\n"
    "Warnings\nDo not give to children under 14 years of age.\n\n"
    "Purpose\nUsed for the relief of occasional restlessness.\n"
)
ENQUIRY = (
    "Restora letter\n\n"
    "Your question\nYou asked whether Restora caplets can be chewed.\n\n"
    "Answer\nThe caplets may be chewed or swallowed whole.\n"
)


@pytest.mark.parametrize(
    ("text", "question", "expected"),
    [
        (AGES, "Can my 8-year-old have one?", "[Section: Warnings]"),
        (AGES, "I'm 40, how many do I take?", "[Section: Dosing]"),
        (AGES, "Which condition is it meant for?", "[Section: Purpose]"),
        (ENQUIRY, "Is it fine to bite them?", "[Section: Answer]"),
    ],
)
def test_among_close_passages_the_one_holding_the_asked_for_kind_of_answer_is_cited_first(
    text: str, question: str, expected: str
) -> None:
    reply = answer_question(
        DocumentText(version(text), text, text, False), question, FirstPassageFavouredEmbedder()
    )
    first = reply.split("\n\n")[1]
    assert expected in first
    assert "You asked" not in reply


class ReadingEmbedder:
    """A stand-in model that likes the texts holding `liked` and records every text it read."""

    def __init__(self, liked: str) -> None:
        self.liked = liked
        self.read: list[str] = []

    def similarities(self, queries: list[str], texts: list[str]) -> list[list[float]]:
        self.read.extend(texts)
        return [[0.8 if self.liked in t else 0.3 for t in texts] for _ in queries]


MANY_SECTIONS = "Orvia leaflet\n\n" + "\n\n".join(
    f"Section {n}\nNote {n} on the tablets." for n in range(12)
)


def test_the_passage_model_reorders_the_small_models_shortlist() -> None:
    document = DocumentText(version(MANY_SECTIONS), MANY_SECTIONS, MANY_SECTIONS, False)
    small, passage_model = ReadingEmbedder("Note 0 "), ReadingEmbedder("Note 5 ")

    reply = answer_question(document, "Which note?", small, passage_model)

    assert reply.split("\n\n")[1].startswith("Note 5 on the tablets.")
    assert "Note 0 on" not in reply


def test_the_passage_model_reads_only_the_shortlist() -> None:
    from actionvault.actions.ask_document import SHORTLIST

    document = DocumentText(version(MANY_SECTIONS), MANY_SECTIONS, MANY_SECTIONS, False)
    small, passage_model = ReadingEmbedder("Note 11 "), ReadingEmbedder("Note 11 ")

    reply = answer_question(document, "Which note?", small, passage_model)

    assert "Note 11 on the tablets." in reply
    read_sections = {t.split(":")[0] for t in passage_model.read}
    assert len(read_sections) == SHORTLIST < 12
    assert "Section 11" in read_sections


async def test_the_action_reads_its_shortlist_again_with_the_passage_model_it_was_given() -> None:
    from actionvault.actions import ask_document as module

    passage_model = ReadingEmbedder("Note 7 ")
    module.use_embedder(lambda: ReadingEmbedder("Note 2 "), lambda: passage_model)
    try:
        outputs = await ask_document(context_for(MANY_SECTIONS, "Which note?"))
    finally:
        module.use_embedder(module._no_model)
    assert outputs[0].value.split("\n\n")[1].startswith("Note 7 on the tablets.")
    assert passage_model.read


def test_a_contact_far_down_the_small_models_ranking_still_answers_whom_to_call() -> None:
    text = MANY_SECTIONS + "\n\nQuestions\nCall our medicines line on 0800 555 0142.\n"
    document = DocumentText(version(text), text, text, False)
    small, passage_model = ReadingEmbedder("Note 0 "), ReadingEmbedder("0800 555 0142")

    reply = answer_question(document, "Who should I phone with a question?", small, passage_model)

    assert "Call our medicines line on 0800 555 0142." in reply
