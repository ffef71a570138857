"""Choose the action a free-text chat message asks for, from the descriptions of candidates.

Lexical and deterministic: each candidate is scored by how many of the message's content
words appear in its action's label and description and its agent's description, the action's
own words counting double. A message that shares nothing meaningful with any candidate is
not routed at all, rather than sent to an arbitrary action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actionvault.domain.agents import Action, Agent

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "please",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "this",
        "to",
        "us",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)


@dataclass(frozen=True, slots=True)
class RouteChoice:
    agent: Agent
    action: Action
    score: float


def _stem(word: str) -> str:
    for suffix in ("izing", "ising", "ation", "ings", "ing", "ize", "ise", "ies", "es", "s", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning; one-letter ones ("s" of "what's") carry none."""
    return {_stem(w) for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in _STOPWORDS}


def route_message(
    message: str, candidates: list[tuple[Agent, Action]], minimum_score: float = 1.0
) -> RouteChoice | None:
    """The best candidate for the message, or None when none scores at least `minimum_score`."""
    words = content_words(message)
    best: RouteChoice | None = None
    for agent, action in candidates:
        own = content_words(f"{action.name.replace('_', ' ')} {action.label} {action.description}")
        context = content_words(agent.description)
        score = 2.0 * len(words & own) + 1.0 * len(words & (context - own))
        if score >= minimum_score and (best is None or score > best.score):
            best = RouteChoice(agent, action, score)
    return best
