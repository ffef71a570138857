"""Stand-ins for the embedding models: the tests fix what "similar in meaning" means, so a
ranking's behaviour is checked without the real models' numbers."""

from __future__ import annotations


class ConceptModel:
    """Two texts are alike (0.9) when they share a concept, a group of word fragments in
    CONCEPTS, and unlike (0.05) otherwise."""

    CONCEPTS: tuple[tuple[str, ...], ...] = ()

    def similarities(self, queries: list[str], texts: list[str]) -> list[list[float]]:
        def concepts(text: str) -> set[int]:
            lowered = text.lower()
            return {i for i, words in enumerate(self.CONCEPTS) if any(w in lowered for w in words)}

        return [[0.9 if concepts(q) & concepts(t) else 0.05 for t in texts] for q in queries]


class UniformModel:
    """Every text is as like every question as SIMILARITY says."""

    SIMILARITY = 0.5

    def similarities(self, queries: list[str], texts: list[str]) -> list[list[float]]:
        return [[self.SIMILARITY for _ in texts] for _ in queries]
