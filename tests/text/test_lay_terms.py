from actionvault.text.lay_terms import document_words, with_document_words


def test_everyday_phrases_bring_the_clinical_words() -> None:
    assert document_words("Could it make my tummy hurt while I'm nursing?") == [
        "breastfeeding",
        "stomach",
    ]
    assert with_document_words("Is it OK for my 4-year-old?") == (
        "Is it OK for my 4-year-old? (children years of age)"
    )


def test_whole_words_only_and_each_addition_once() -> None:
    # "shipping" holds "hip" and "tipped" holds "tip"; neither is an everyday phrase here.
    assert document_words("Was the shipping box tipped over?") == []
    assert with_document_words("A jab, then another jab?") == "A jab, then another jab? (injection)"


def test_a_question_without_everyday_phrases_is_unchanged() -> None:
    question = "What is the maximum daily dose in adults?"
    assert with_document_words(question) == question
