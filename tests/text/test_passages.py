"""A document's passages and BM25 ranking over them."""

from __future__ import annotations

import pytest

from actionvault.text.outline import find_headings, text_headings
from actionvault.text.passages import (
    BM25,
    Passage,
    answering_passages,
    rank_passages,
    split_passages,
    stem,
    terms,
)

BROCHURE = (
    "Understanding Your Treatment with Cardiovex\n\n"
    "Your doctor has prescribed Cardiovex to help lower your LDL cholesterol, often called bad "
    "cholesterol.\n\n"
    "How do I use Cardiovex?\n"
    "Cardiovex is given as an injection under the skin once every two weeks. You can inject it "
    "yourself at home.\n\n"
    "Possible side effects\n"
    "The most common side effects are redness where the injection was given, back pain and "
    "flu-like symptoms.\n\n"
    "Storing your pens\n"
    "Keep the pens in the refrigerator at 2°C to 8°C in the original carton. Do not freeze them.\n"
)


# --- terms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "common"),
    [(("doses", "dosing", "dose"), "dos"), (("injection", "inject", "injected"), "inject"),
     (("stored", "storing", "store"), "stor"), (("therapies", "therapy"), "therapy")],
)  # fmt: skip
def test_stemming_brings_word_forms_together(words: tuple[str, ...], common: str) -> None:
    assert {stem(w) for w in words} == {common}


def test_terms_drop_stopwords_and_possessives() -> None:
    assert terms("What are the patient's side effects?") == ["patient", "sid", "effect"]


# --- passages --------------------------------------------------------------------------


def test_passages_are_paragraphs_labelled_by_heading_and_page() -> None:
    text = BROCHURE.replace("Storing your pens", "\fStoring your pens")

    passages = split_passages(text, text, find_headings(text, is_html=False))

    assert [p.label for p in passages] == [
        "Section: Understanding Your Treatment with Cardiovex, page 1",
        "Section: How do I use Cardiovex?, page 1",
        "Section: Possible side effects, page 1",
        "Section: Storing your pens, page 2",
    ]
    assert passages[1].text.startswith("Cardiovex is given")
    assert text[passages[1].offset :].startswith("Cardiovex is given")


def test_a_passage_before_any_heading_or_page_is_cited_as_the_document() -> None:
    (passage,) = split_passages("Just one paragraph.", "Just one paragraph.", [])
    assert passage.citation == "[Document]"


def test_long_paragraphs_are_cut_at_sentence_ends() -> None:
    text = " ".join(f"Sentence number {i} has a few more words in it." for i in range(40))

    passages = split_passages(text, text, [])

    assert len(passages) > 1
    assert all(len(p.text.split()) <= 120 for p in passages)
    assert all(p.text.endswith(".") for p in passages)


# --- ranking --------------------------------------------------------------------------------


def test_bm25_prefers_rarer_terms_and_shorter_passages() -> None:
    bm25 = BM25([["pen", "fridge"], ["pen", "dose", "dose"], ["pen"] + ["word"] * 20])
    scores = bm25.scores(["pen", "fridge"])
    assert scores[0] > scores[1] > scores[2]
    assert bm25.idf("pen") < bm25.idf("fridge") < bm25.idf("absent")


def test_the_best_passage_answers_a_question_in_other_word_forms() -> None:
    passages = split_passages(BROCHURE, BROCHURE, text_headings(BROCHURE))

    (best,) = answering_passages(rank_passages("How should the pens be stored?", passages))

    assert best.passage.heading == "Storing your pens"
    assert best.coverage == 1.0


def test_an_exact_phrase_earns_a_bonus() -> None:
    passages = [Passage("side effects of the pen", 0), Passage("effects on the side of it", 1)]
    first, second = rank_passages("side effects", passages)
    assert (first.passage.offset, second.passage.offset) == (0, 1)
    assert first.score > second.score


def test_nothing_answers_a_question_about_what_the_text_lacks() -> None:
    passages = split_passages(BROCHURE, BROCHURE, text_headings(BROCHURE))
    assert answering_passages(rank_passages("What is the price of Cardiovex?", passages)) == []


def test_a_question_of_stopwords_only_ranks_nothing() -> None:
    assert rank_passages("What is it?", [Passage("It is what it is.", 0)]) == []
