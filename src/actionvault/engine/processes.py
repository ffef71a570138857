"""What an engine process does first: kept apart from the runtime so that an engine process
imports only the engines (a smaller process, and more of its memory limit left for the work)."""

from __future__ import annotations

from actionvault.actions.ask_document import use_embedder
from actionvault.actions.registry import warm_engines
from actionvault.chat.embeddings import load_embedder
from actionvault.chat.mpnet import load_passage_reader


def prepare_engine_process() -> None:
    """Answers by meaning use the packaged embedding models (loaded on the first question,
    when installed), and the proofreader's dictionaries load now."""
    use_embedder(load_embedder, load_passage_reader)
    warm_engines()
