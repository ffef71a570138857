"""Claim families beyond the single claim word: preference as a rank, comparatives with their
comparison left out, vanishing symptoms, a return to normal life, speed and reach."""

from __future__ import annotations

import pytest

from actionvault.text.claims import assess, parse_lexicon


def found(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.category) for f in assess(text)]


@pytest.mark.parametrize(
    ("text", "claim", "category"),
    [
        ("Nuvaro is the first choice of allergists.", "the first choice", "superlative"),
        ("Kelmora, the preferred SGLT2 of endocrinologists.", "the preferred SGLT2", "superlative"),
        ("The inhaler families trust most.", "trust most", "superlative"),
        ("Ostrevia sets a new standard in bone health.", "sets a new standard", "superlative"),
        ("Sleep longer with Dozara.", "Sleep longer", "comparative"),
        ("Wounds heal much faster with Cicatrel.", "heal much faster", "comparative"),
        ("Pelvora stands head and shoulders above the rest.", "head and shoulders above",
         "comparative"),
        ("A placebo-like tolerability profile.", "placebo-like", "comparative"),
        ("Kinder to your gut than ordinary tablets.", "Kinder to your gut than", "comparative"),
        ("Zero stomach irritation with Vastrel.", "Zero stomach irritation", "unqualified_safety"),
        ("Travel without a second thought.", "without a second thought", "unqualified_safety"),
        ("Lumeta is kind to sensitive skin.", "kind to sensitive skin", "unqualified_safety"),
        ("With Trexamol the pain simply vanishes.", "vanishes", "absolute"),
        ("Cold sores become a thing of the past.", "a thing of the past", "absolute"),
        ("A foolproof pen.", "foolproof", "absolute"),
        ("Orlisma redefines asthma care.", "redefines", "unqualified_efficacy"),
        ("Start to feel like yourself again.", "feel like yourself again",
         "unqualified_efficacy"),
        ("Soothes sunburn overnight.", "Soothes sunburn overnight", "unqualified_efficacy"),
        ("Results in days, not weeks.", "in days, not weeks", "unqualified_efficacy"),
        ("Protection that keeps working all day.", "Protection that keeps working all day",
         "unqualified_efficacy"),
        ("It works in nearly everyone.", "in nearly everyone", "unqualified_efficacy"),
        ("Chosen by over 3 million families.", "Chosen by over 3 million",
         "unqualified_efficacy"),
        ("Amazing cholesterol reductions.", "Amazing cholesterol reductions",
         "unqualified_efficacy"),
    ],
)  # fmt: skip
def test_claim_families_are_found_in_their_category(text: str, claim: str, category: str) -> None:
    assert (claim, category) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Continue applying the cream until the patches disappear.",
        "Stop treatment once the swelling has vanished.",
        "Ask a doctor if symptoms last longer than 3 days.",
        "Tiplora may help you fall asleep faster.",
        "The catheter is placed in the superior vena cava.",
        "Patients without other risk factors.",
        "Standard of care was chemotherapy.",
    ],
)
def test_instructions_hedges_and_clinical_language_are_not_claims(text: str) -> None:
    assert found(text) == []


def test_an_outcome_rule_is_withdrawn_by_a_hedge_whatever_its_category() -> None:
    lexicon = parse_lexicon(
        "entries:\n"
        "  - {pattern: glows brighter, category: comparative, reason: r, outcome: true}\n"
        "  - {pattern: shines brighter, category: comparative, reason: r}\n",
        "site.yaml",
    )
    assert assess("It may help skin glow brighter.", lexicon) == []
    hedged_comparison = assess("It may help skin shines brighter.", lexicon)
    assert [f.text for f in hedged_comparison] == ["shines brighter"]
