"""Closed classes of English words (modals, prepositions, determiners, clause openers) that the
grammar rules read a sentence's structure by."""

from __future__ import annotations

# Confusable words, each read from its neighbours: a rule fires only where the other word of the
# pair is the one that fits the grammar, so the ordinary uses of both stay unflagged.
MODALS = frozenset(
    [
        "can",
        "could",
        "may",
        "might",
        "will",
        "would",
        "should",
        "must",
        "shall",
        "to",
        "not",
        "does",
        "did",
        "do",
        "cannot",
    ]
)
PREPOSITIONS = frozenset(
    [
        "at",
        "in",
        "on",
        "for",
        "of",
        "with",
        "from",
        "about",
        "by",
        "into",
        "onto",
        "under",
        "over",
        "to",
        "through",
        "during",
        "after",
        "before",
        "between",
        "without",
        "within",
        "against",
        "towards",
        "toward",
    ]
)
DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "your",
        "their",
        "our",
        "his",
        "her",
        "my",
        "its",
        "this",
        "that",
        "each",
        "every",
        "no",
    ]
)
CLAUSE_OPENERS = frozenset(
    [
        "that",
        "if",
        "whether",
        "when",
        "where",
        "because",
        "and",
        "but",
        "or",
        "as",
        "since",
        "unless",
        "while",
        "although",
        "though",
        "so",
        "who",
        "which",
    ]
)
COORDINATORS = frozenset({"and", "but", "or", "so"})
SUBORDINATORS = CLAUSE_OPENERS - COORDINATORS
OPENERS_ANYWHERE = SUBORDINATORS
