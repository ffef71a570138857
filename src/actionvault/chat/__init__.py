"""Chat routing: pick the chat-enabled action a user's free-text message asks for, or none."""

from actionvault.chat.embeddings import MiniLMEmbedder, TextEmbedder, load_embedder
from actionvault.chat.router import (
    RouteCandidate,
    RouteDecision,
    Router,
    positive_guidance,
    route_with_model,
)

__all__ = [
    "MiniLMEmbedder",
    "RouteCandidate",
    "RouteDecision",
    "Router",
    "TextEmbedder",
    "load_embedder",
    "positive_guidance",
    "route_with_model",
]
