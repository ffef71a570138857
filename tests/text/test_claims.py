"""Promotional claims: word families in a claim's shape, read in their sentence's grammar."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actionvault.text.claims import (
    CATEGORIES,
    LexiconError,
    assess,
    graded,
    is_data_statement,
    is_question,
    load_lexicon,
    parse_lexicon,
    phrase_regex,
)
from actionvault.text.html import mask_markup


def found(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.category) for f in assess(text)]


def categories(text: str) -> list[str]:
    return [f.category for f in assess(text)]


# --- each kind of claim ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Zentrix is the strongest antacid on the shelf.", "strongest"),
        ("The gentlest cleanser for sensitive skin.", "gentlest"),
        ("Simply the best for dry eyes.", "best"),
        ("Our best-selling nasal spray.", "best-selling"),
        ("The most effective option for hay fever.", "most effective"),
        ("The most widely prescribed inhaler.", "most widely prescribed"),
        ("The least invasive procedure available.", "least invasive"),
        ("The #1 pharmacist-recommended brand.", "#1"),
        ("Number one for cold sores.", "Number one"),
        ("Zentrix is a leading remedy for heartburn.", "a leading"),
        ("An industry-leading pipeline.", "industry-leading"),
        ("Unrivalled protection against flare-ups.", "Unrivalled"),
        ("Zentrix is the first and only weekly patch for angina.", "the first and only"),
        ("The only tablet you need for allergy season.", "The only tablet"),
        ("Nothing works like Zentrix.", "Nothing works"),
        ("No other spray comes close.", "No other spray comes close"),
        ("Zentrix is the treatment of choice for reflux.", "treatment of choice"),
    ],
)
def test_superlatives_from_word_families_and_ranking_phrases(text: str, claim: str) -> None:
    assert found(text) == [(claim, "superlative")]


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Works faster than ordinary painkillers.", "Works faster than"),
        ("Gentler on the stomach than aspirin.", "Gentler on the stomach than"),
        ("Easier to use than eye drops.", "Easier to use than"),
        ("Zentrix is more effective than rival creams.", "more effective than"),
        ("Fewer side effects than older tablets.", "Fewer side effects than older"),
        ("Chosen by more nurses than any other brand.", "more nurses than any other"),
        ("Better relief for busy days.", "Better relief"),
        ("Quicker recovery for active people.", "Quicker recovery"),
        ("Zentrix outperforms the leading gel.", "outperforms"),
        ("Superior protection all winter.", "Superior protection"),
        ("Twice as effective as a placebo patch.", "Twice as effective"),
        ("As gentle as water on your skin.", "As gentle as"),
    ],
)
def test_comparatives_from_graded_forms_and_comparison_phrases(text: str, claim: str) -> None:
    assert found(text) == [(claim, "comparative")]


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Zentrix is completely safe.", "completely safe"),
        ("Safe for the whole family.", "Safe for the whole family"),
        ("Safe and effective for all ages.", "Safe and effective"),
        ("A lotion with no side effects.", "no side effects"),
        ("Free from side effects.", "Free from side effects"),
        ("There are no drug interactions to worry about.", "no drug interactions"),
        ("Zero risk of dependence.", "Zero risk"),
        ("A harmless way to relax.", "harmless"),
        ("A non-habit-forming sleep aid.", "non-habit-forming"),
        ("Drowsiness-free allergy relief.", "Drowsiness-free"),
        ("This syrup is not addictive.", "is not addictive"),
        ("You won't feel a thing.", "won't feel a thing"),
        ("Gentle on sensitive stomachs.", "Gentle on"),
        ("Suitable for everyone.", "Suitable for everyone"),
    ],
)
def test_safety_stated_without_its_limits_is_an_unqualified_safety_claim(
    text: str, claim: str
) -> None:
    assert found(text) == [(claim, "unqualified_safety")]


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Zentrix cures athlete's foot.", "cures"),
        ("Results guaranteed.", "guaranteed"),
        ("A 100% effective repellent.", "100% effective"),
        ("It always works.", "always works"),
        ("It works every time.", "works every time"),
        ("Sleep soundly every night.", "every night"),
        ("Banish cold sores forever.", "Banish cold sores forever"),
        ("Clears the rash for good.", "for good"),
        ("Lifelong protection against shingles.", "Lifelong protection"),
        ("Permanent relief from back pain.", "Permanent relief"),
        ("Zentrix eliminates itching.", "eliminates"),
        ("Puts an end to night-time coughing.", "Puts an end to"),
        ("Completely clears blocked sinuses.", "Completely clears"),
        ("Your heartburn is gone.", "is gone"),
        ("Patients on Zentrix never get another cold sore.", "never"),
        ("Never suffer from hay fever again.", "Never suffer from hay fever again"),
    ],
)
def test_certainty_and_permanence_are_absolute_claims(text: str, claim: str) -> None:
    assert found(text) == [(claim, "absolute")]


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("A miracle for tired legs.", "miracle"),
        ("A revolutionary nasal spray.", "revolutionary"),
        ("A real game-changer for asthma.", "game-changer"),
        ("This breakthrough gel soothes burns.", "breakthrough"),
        ("Powerful relief for tension headaches.", "Powerful relief"),
        ("Highly effective against head lice.", "Highly effective"),
        ("Clinically proven to reduce dandruff.", "Clinically proven"),
        ("Works in minutes.", "Works in minutes"),
        ("Relief within 15 minutes.", "Relief within 15 minutes"),
        ("Works from day one.", "Works from day one"),
        ("Instant relief for sore throats.", "Instant relief"),
        ("Fast relief for sore throats.", "Fast relief"),
        ("Works for everyone.", "Works for everyone"),
        ("Restores your natural sleep.", "Restores"),
        ("Doubles your energy.", "Doubles"),
        ("Up to 12 hours of relief.", "Up to 12 hours of relief"),
        ("Long-lasting relief.", "Long-lasting relief"),
    ],
)
def test_overstated_efficacy_is_an_unqualified_efficacy_claim(text: str, claim: str) -> None:
    assert found(text) == [(claim, "unqualified_efficacy")]


def test_a_finding_has_its_reason_sentence_and_offsets() -> None:
    text = "Read this first.  Zentrix   cures\ncold sores."

    (finding,) = assess(text)

    assert (finding.offset, finding.end) == (text.index("cures"), text.index("cures") + 5)
    assert finding.sentence == "Zentrix cures cold sores."
    assert "cure" in finding.reason


def test_a_claim_across_a_line_break_is_reported_with_its_spaces_collapsed() -> None:
    text = "It is completely\n   safe."

    (finding,) = assess(text)

    assert (finding.text, finding.offset) == ("completely safe", text.index("completely"))


# --- how claims combine ---------------------------------------------------------------------


def test_the_category_that_comes_first_wins_between_overlapping_claims() -> None:
    assert found("The safest choice.") == [("safest", "superlative")]
    assert found("Safer than aspirin.") == [("Safer than", "comparative")]
    assert CATEGORIES[0] == "superlative"


def test_claims_of_one_category_a_few_words_apart_are_one_claim() -> None:
    assert found("It cures cold sores for good.") == [("cures cold sores for good", "absolute")]


def test_claims_joined_by_a_conjunction_or_a_comma_stay_separate() -> None:
    assert found("The strongest and fastest tablet.") == [
        ("strongest", "superlative"),
        ("fastest", "superlative"),
    ]


def test_separate_claims_in_one_sentence_are_reported_separately() -> None:
    assert categories("The best cream, and it is completely safe.") == [
        "superlative",
        "unqualified_safety",
    ]


# --- the grammar that withdraws a claim -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "It is not the best choice for everyone.",
        "Zentrix isn't 100% effective.",
        "There is no cure for the common cold.",
        "No medicine is completely safe.",
        "Treatment is not without risk.",
        "It doesn't always work.",
    ],
)
def test_a_negation_just_before_a_claim_cancels_it(text: str) -> None:
    assert found(text) == []


def test_not_only_intensifies_rather_than_negates() -> None:
    assert categories("Not only the strongest, but also the gentlest.") == [
        "superlative",
        "superlative",
    ]


def test_a_negation_in_an_earlier_clause_does_not_reach_the_claim() -> None:
    assert found("It is not cheap, but it is the best.") == [("best", "superlative")]


@pytest.mark.parametrize(
    "text",
    [
        "Is Zentrix safe for children?",
        "Can it cure my eczema?",
        "Does it always work?",
        "No side effects?",
        "Tired of waking up every night?",
    ],
)
def test_a_question_asserts_nothing(text: str) -> None:
    assert is_question(text)
    assert found(text) == []


def test_a_rhetorical_question_is_still_a_claim() -> None:
    assert found("Why settle for less than the best?") == [("best", "superlative")]


@pytest.mark.parametrize(
    "text",
    [
        "Zentrix may be a game-changer for some patients.",
        "The study aims to show that the spray is safe in pregnancy.",
        "Ask your pharmacist whether it is safe for you.",
        "Investigational treatments could one day cure the disease.",
    ],
)
def test_a_hedge_or_a_condition_withdraws_an_outcome_claim(text: str) -> None:
    assert found(text) == []


def test_a_hedge_does_not_withdraw_a_comparison() -> None:
    assert found("It may work better than plasters.") == [("work better than", "comparative")]


@pytest.mark.parametrize(
    "sentence",
    [
        "In the ABC-1 trial, the gel was superior to placebo (48% vs 21%; p<0.001).",
        "Proven to reduce redness in 2 weeks [3].",
        "It outperformed the old formula (data on file).",
        "Relief within 30 minutes was reported by 61% of patients in the DOVE study (n=240).",
    ],
)
def test_a_data_statement_with_its_source_is_not_a_claim(sentence: str) -> None:
    assert is_data_statement(sentence)
    assert found(sentence) == []


def test_a_number_without_a_source_does_not_make_a_data_statement() -> None:
    text = "Clinically proven to lower cholesterol by 40%."
    assert not is_data_statement(text)
    assert found(text) == [("Clinically proven", "unqualified_efficacy")]


def test_a_reference_in_another_sentence_does_not_support_the_claim() -> None:
    text = "Zentrix works faster than paracetamol. See the XYZ-2 study [1] for data."
    assert found(text) == [("works faster than", "comparative")]


@pytest.mark.parametrize(
    "text",
    [
        "Enrol in the Safe Start Program today.",
        "The ZENTRIX SAFE Program offers nurse support.",
        "Results of the BEST-HF registry are due next year.",
    ],
)
def test_a_claim_word_inside_a_name_is_a_name(text: str) -> None:
    assert found(text) == []


def test_a_quoted_endpoint_is_a_term_being_reported() -> None:
    assert found('The primary endpoint, "instant itch relief" at day 1, was met.') == []


def test_a_quoted_remark_is_still_assessed() -> None:
    text = '"Zentrix is simply the best," said the company\'s chief executive.'
    assert found(text) == [("best", "superlative")]


def test_a_headline_in_capitals_is_still_assessed() -> None:
    assert found("THE FASTEST RELIEF YOU CAN BUY") == [("FASTEST", "superlative")]


# --- ordinary clinical language -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Patients in both arms received best supportive care.",
        "The endpoint was best-corrected visual acuity.",
        "Smoking is the leading risk factor for lung disease.",
        "Falls are a leading cause of injury in older adults.",
        "The most common adverse reactions were nausea and headache.",
        "It is approved as first-line therapy.",
        "The safety profile was consistent with earlier studies.",
        "The line is placed in the superior vena cava.",
        "The mechanism is better understood in adults.",
        "Support is free of charge.",
        "No dose adjustment is needed in mild renal impairment.",
        "More than 30 million people are affected.",
        "Take it at least one hour before food.",
        "Most patients had mild symptoms.",
        "Guidelines reflect the best available evidence.",
        "If you feel better, keep taking your tablets.",
        "Use highly effective contraception during treatment.",
        "Take one extra dose for breakthrough pain.",
        "Breakthrough bleeding can occur in the first months.",
        "The agency granted Breakthrough Therapy designation.",
        "A complete response was seen in a third of patients.",
        "All patients had biopsy-proven disease.",
        "Inject rapid-acting insulin before meals.",
        "Never share your pen with another person.",
        "Permanently discontinue if angioedema occurs.",
        "Keep the pen in a safe place.",
        "Start your 14-day risk-free trial today.",
        "Avoid strong CYP3A4 inhibitors.",
        "The drug is eliminated by the kidneys.",
        "Take one tablet every night at bedtime.",
        "Adults who have never had measles should be vaccinated.",
        "Lifelong treatment is usually needed.",
        "Heart disease is the number one killer of women.",
        "Visit us at booth #1412.",
        "Call your doctor if you need more doses than usual.",
        "Symptoms of an allergic reaction can begin within minutes.",
        "It is safe to store unopened pens at room temperature for 14 days.",
        "The vaccine has not been shown to be safe in pregnancy.",
        "Researchers are working towards a cure.",
        "Age is the strongest risk factor for cataracts.",
        "The trial was a powerful reminder of the need for screening.",
        "Keep your whole family safe this winter.",
        "Hepatitis C is cured in more than 95% of people treated, according to the CDC.",
        "Patients with more advanced disease were excluded.",
    ],
)
def test_ordinary_clinical_and_commercial_language_is_not_a_claim(text: str) -> None:
    assert found(text) == []


def test_markup_is_not_read_as_words_and_offsets_stay_in_the_html() -> None:
    html = '<p class="best">Our <b>best</b> offer.</p>'

    findings = assess(mask_markup(html))

    assert [(f.text, f.offset) for f in findings] == [("best", html.index("best<"))]


def test_time_stays_linear_on_a_long_sentence_of_claims() -> None:
    text = " ".join(f"the best and safest cure number {i} works" for i in range(2_000))
    assert len(assess(text)) > 2_000


# --- the lexicon ----------------------------------------------------------------------------


def test_the_packaged_lexicon_covers_every_category() -> None:
    assert {rule.category for rule in load_lexicon().rules} == set(CATEGORIES)


@pytest.mark.parametrize(
    ("adjective", "comparative", "superlative"),
    [
        ("safe", "safer", "safest"),
        ("easy", "easier", "easiest"),
        ("good", "better", "best"),
        ("big", "bigger", "biggest"),
        ("strong", "stronger", "strongest"),
        ("well-tolerated", "better-tolerated", "best-tolerated"),
    ],
)
def test_graded_forms_follow_the_spelling_rules(
    adjective: str, comparative: str, superlative: str
) -> None:
    assert (graded(adjective, "er"), graded(adjective, "est")) == (comparative, superlative)


def test_a_phrase_matches_whole_words_with_any_spacing_and_hyphenation() -> None:
    pattern = re.compile(phrase_regex("non-toxic formula"), re.IGNORECASE)
    assert pattern.search("a Non toxic  formula")
    assert pattern.search("a nontoxic formula")
    assert not pattern.search("a non-toxic formulation")


def test_an_extra_lexicon_adds_rules_and_may_use_the_packaged_word_families(
    tmp_path: Path,
) -> None:
    extra = tmp_path / "site.yaml"
    extra.write_text(
        "words:\n"
        "  hype: [mind-blowing, epic]\n"
        "entries:\n"
        "  - {pattern: '\\b<hype>\\s+<benefits>\\b', regex: true, category: hype, reason: No.}\n"
        "not_claims:\n"
        "  - epic poem\n"
    )

    lexicon = load_lexicon(extra)

    assert lexicon.rules[: len(load_lexicon().rules)] == load_lexicon().rules
    assert [(f.text, f.category) for f in assess("Epic relief, and an epic poem.", lexicon)] == [
        ("Epic relief", "hype")
    ]


def test_a_site_category_overlapping_another_keeps_the_longer_claim() -> None:
    lexicon = parse_lexicon(
        "entries:\n"
        "  - {pattern: sparkling, category: a, reason: r}\n"
        "  - {pattern: sparkling new look, category: b, reason: r}\n",
        "test.yaml",
    )
    findings = assess("A sparkling new look.", lexicon)
    assert [(f.text, f.category) for f in findings] == [("sparkling new look", "b")]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("- just a list\n", "top-level 'entries'"),
        ("entries:\n  - {pattern: x, category: a}\n", "missing reason"),
        ("entries:\n  - {pattern: '(', regex: true, category: a, reason: r}\n", "valid regex"),
        ("entries:\n  - {pattern: 'x?', regex: true, category: a, reason: r}\n", "empty text"),
        ("entries:\n  - {pattern: x, category: a, reason: r, colour: red}\n", "colour"),
        ("entries:\n  - {pattern: '<nope>', regex: true, category: a, reason: r}\n", "'nope'"),
        ("entries: []\nnot_claims: [{regex: true}]\n", "not_claims entry 0"),
        ("entries: [\n", "not valid YAML"),
    ],
)
def test_an_invalid_lexicon_names_the_file_and_the_problem(content: str, problem: str) -> None:
    with pytest.raises(LexiconError, match=r"site\.yaml") as caught:
        parse_lexicon(content, "site.yaml")
    assert problem in str(caught.value)
