"""Word-pair counts: which of two words English likelier writes between two neighbours."""

from __future__ import annotations

from actionvault.text.word_pairs import WordPairs, english_word_pairs


def product(factors: tuple[float, float]) -> float:
    return factors[0] * factors[1]


def test_the_packaged_counts_prefer_the_usual_word_between_two_neighbours() -> None:
    pairs = english_word_pairs()
    than, then = pairs.fit(("than",), "more", "the"), pairs.fit(("then",), "more", "the")
    assert product(than) > product(then)
    their, there = pairs.fit(("their",), "in", "own"), pairs.fit(("there",), "in", "own")
    assert product(their) > product(there)


def test_a_contraction_is_read_as_the_words_it_stands_for() -> None:
    pairs = english_word_pairs()
    assert product(pairs.fit(("it", "is"), "and", "important")) > product(
        pairs.fit(("its",), "and", "important")
    )


def test_each_side_is_its_own_factor() -> None:
    pairs = WordPairs(
        {"a": 100, "b": 10, "c": 50},
        {"x a": 40, "a y": 20, "x b": 1_000_000_000},
    )
    left, right = pairs.fit(("a",), "x", "y")
    assert (left, right) == (40, 20 / 100)
    # Without a neighbour on the left, the word's own count stands in for the pair.
    assert pairs.fit(("c",), "", "")[0] == 50


def test_a_pair_missing_from_the_list_counts_below_the_rarest_listed_pair() -> None:
    pairs = english_word_pairs()
    missing_left, _ = pairs.fit(("zzyzx",), "the", "")
    listed_left, _ = pairs.fit(("same",), "the", "")
    assert pairs.pair_count("the", "zzyzx") == 0
    assert 0 < missing_left < 6_400_000 <= listed_left == pairs.pair_count("the", "same")


def test_verb_forms_are_verbs_that_never_follow_the() -> None:
    forms = english_word_pairs().verb_forms()
    assert forms["contains"] == "contain"
    assert forms["reaches"] == "reach"
    assert "results" not in forms  # "the results": a plural noun as well
