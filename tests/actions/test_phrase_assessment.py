"""quick_check__v / phrase_assessment__v: promotional claims from the packaged lexicon."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from actionvault.actions.context import ActionContext
from actionvault.actions.phrase_assessment import (
    CATEGORIES,
    LexiconError,
    assess_phrases,
    assess_promotional_phrases,
    is_negated,
    load_lexicon,
    parse_lexicon,
    phrase_regex,
)
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import ActionOutput, Execution, ExecutionState, Target
from actionvault.errors import ActionFailed
from actionvault.text.html import mask_markup


def found(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.category) for f in assess_phrases(text)]


def context_for(text: str, mime_type: str = "text/plain", **options: object) -> ActionContext:
    document = Document(7, "Banner", "promotional_piece__c", "draft__c", "draft", 1, 0.0)
    version = DocumentVersion(document, 0, 1, "banner.txt", mime_type, text, 0.0)
    action = Action("phrase_assessment__v", "Phrase Assessment", "", "builtin.phrase_assessment",
                    options=dict(options))  # fmt: skip
    agent = Agent("quick_check__v", "Quick Check", "", "", "standard", True, "ADVANCED",
                  Scope.DOCUMENT, actions=(action,))  # fmt: skip
    execution = Execution(1, 1, agent.name, action.name, Target(7, 0, 1),
                          ExecutionState.RUNNING, 0.0)  # fmt: skip
    return ActionContext(execution, agent, action, document=version)


def payload(outputs: list[ActionOutput]) -> dict[str, Any]:
    (output,) = outputs
    assert output.type == "text"
    assert output.value.startswith("```json\n")
    result: dict[str, Any] = json.loads(output.value.removeprefix("```json\n")[: -len("\n```")])
    return result


# --- categories -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cardiovex cures high cholesterol.", ("cures", "absolute")),
        ("Results are guaranteed.", ("guaranteed", "absolute")),
        ("It is 100% effective.", ("100% effective", "absolute")),
        ("Cardiovex always works.", ("always works", "absolute")),
        ("A cream with no side effects.", ("no side effects", "absolute")),
        ("The best treatment for you.", ("best", "superlative")),
        ("The most effective statin.", ("most effective", "superlative")),
        ("The #1 prescribed brand.", ("#1", "superlative")),
        ("Cardiovex is a leading therapy.", ("leading therapy", "superlative")),
        ("Unmatched control of symptoms.", ("Unmatched", "superlative")),
        ("The strongest bone builder.", ("strongest", "superlative")),
        ("It is completely safe.", ("completely safe", "unqualified_safety")),
        ("Safe for everyone in the family.", ("Safe for everyone", "unqualified_safety")),
        ("There is no risk of stomach upset.", ("no risk", "unqualified_safety")),
        ("A non-toxic formula.", ("non-toxic", "unqualified_safety")),
        ("A harmless cream.", ("harmless", "unqualified_safety")),
        ("Clinically proven to lower LDL.", ("Clinically proven to", "unqualified_efficacy")),
        ("It works for everyone.", ("works for everyone", "unqualified_efficacy")),
        ("Instant relief from pain.", ("Instant relief", "unqualified_efficacy")),
        ("A miracle for your joints.", ("miracle", "unqualified_efficacy")),
        ("A breakthrough in care.", ("breakthrough", "unqualified_efficacy")),
        ("It works better than statins.", ("better than", "comparative")),
        ("Superior to other biologics.", ("Superior to", "comparative")),
        ("More effective than metformin.", ("More effective than", "comparative")),
    ],
)
def test_each_category_of_claim_is_flagged(text: str, expected: tuple[str, str]) -> None:
    assert found(text) == [expected]


def test_a_finding_has_its_reason_sentence_and_offset() -> None:
    text = "Read this first. Cardiovex cures high cholesterol for good."

    (finding,) = assess_phrases(text)

    assert finding.offset == text.index("cures")
    assert finding.sentence == "Cardiovex cures high cholesterol for good."
    assert "cure" in finding.reason


# --- false-positive guards ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "It is not the best choice for everyone.",
        "Cardiovex isn't 100% effective.",
        "There is no cure for familial hypercholesterolaemia.",
        "No medicine is completely safe.",
        "It is not without risk.",
        "Osteofort doesn't always work.",
    ],
)
def test_a_negation_just_before_a_phrase_cancels_the_claim(text: str) -> None:
    assert found(text) == []


def test_not_only_intensifies_rather_than_negates() -> None:
    assert found("Not only the most effective, but also the safest.") == [
        ("most effective", "superlative"),
        ("safest", "superlative"),
    ]


def test_a_negation_in_an_earlier_clause_does_not_reach_the_phrase() -> None:
    assert found("It is not expensive, and it is the best.") == [("best", "superlative")]


def test_negation_looks_at_most_three_words_back() -> None:
    text = "Never in our long history was there the best product."
    assert not is_negated(text, 0, text.index("best"))


@pytest.mark.parametrize(
    "text",
    [
        "Cardiovex is clinically proven to lower LDL in the PRISM-3 trial [1].",
        "Glucorin lowered HbA1c better than sitagliptin in a head-to-head study.",
        "Psoriax outperformed apremilast (data on file).",
        "Cardiovex is proven to lower LDL cholesterol².",
        "Superior to placebo (p<0.001).",
    ],
)
def test_a_claim_that_needs_a_reference_is_skipped_when_the_sentence_cites_one(text: str) -> None:
    assert found(text) == []


def test_a_reference_in_another_sentence_does_not_support_the_claim() -> None:
    text = "Glucorin works better than sitagliptin. In the GLIDE-3 trial [1], HbA1c fell."
    assert found(text) == [("better than", "comparative")]


@pytest.mark.parametrize(
    "text",
    [
        "It is best taken with food.",
        "Best regards, the team",
        "At best, the effect is modest.",
        "Please do your best to report adverse events.",
        "High LDL is the leading cause of heart disease.",
        "For breakthrough pain, take one extra dose.",
        "The FDA granted Breakthrough Therapy designation.",
        "Start your 30-day risk-free trial today.",
        "Is Osteofort a cure for osteoporosis?",
        "Does it always work?",
        "The #10 bus stops outside.",
        "This secures the pen cap.",
    ],
)
def test_everyday_uses_of_claim_words_are_not_flagged(text: str) -> None:
    assert found(text) == []


def test_a_rhetorical_question_is_still_assessed() -> None:
    assert found("Why settle for less than the best?") == [("best", "superlative")]


def test_overlapping_matches_of_one_category_merge_into_one_finding() -> None:
    assert found("Cardiovex is completely safe for everyone.") == [
        ("completely safe for everyone", "unqualified_safety")
    ]


def test_overlapping_matches_of_different_categories_keep_the_longer() -> None:
    entries = parse_lexicon(
        "entries:\n"
        "  - {pattern: safe, category: a, reason: r}\n"
        "  - {pattern: totally safe product, category: b, reason: r}\n",
        "test.yaml",
    )
    findings = assess_phrases("A totally safe product.", entries)
    assert [(f.text, f.category) for f in findings] == [("totally safe product", "b")]


def test_markup_is_not_read_as_words_and_offsets_stay_in_the_html() -> None:
    html = '<p class="best">Our <b>best</b> offer.</p>'

    findings = assess_phrases(mask_markup(html))

    assert [(f.text, f.offset) for f in findings] == [("best", html.index("best<"))]


# --- the lexicon file -----------------------------------------------------------------------


def test_the_packaged_lexicon_covers_every_category() -> None:
    assert {entry.category for entry in load_lexicon()} == set(CATEGORIES)


def test_a_phrase_matches_whole_words_with_any_spacing_and_hyphenation() -> None:
    pattern = re.compile(phrase_regex("non-toxic formula"), re.IGNORECASE)
    assert pattern.search("a Non toxic  formula")
    assert pattern.search("a nontoxic formula")
    assert not pattern.search("a non-toxic formulation")


def test_an_extra_lexicon_adds_its_entries_after_the_packaged_ones(tmp_path: Path) -> None:
    extra = tmp_path / "site.yaml"
    extra.write_text(
        "entries:\n"
        "  - pattern: game changer\n"
        "    category: hype\n"
        "    reason: Our house style forbids it.\n"
    )

    entries = load_lexicon(extra)

    assert entries[: len(load_lexicon())] == load_lexicon()
    assert [(f.text, f.category) for f in assess_phrases("A game changer.", entries)] == [
        ("game changer", "hype")
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("- just a list\n", "top-level 'entries'"),
        ("entries:\n  - {pattern: x, category: a}\n", "missing reason"),
        ("entries:\n  - {pattern: '(', regex: true, category: a, reason: r}\n", "valid regex"),
        ("entries:\n  - {pattern: 'x?', regex: true, category: a, reason: r}\n", "empty text"),
        ("entries:\n  - {pattern: x, category: a, reason: r, colour: red}\n", "colour"),
        ("entries: [\n", "not valid YAML"),
    ],
)
def test_an_invalid_lexicon_names_the_file_and_the_problem(content: str, problem: str) -> None:
    with pytest.raises(LexiconError, match=r"site\.yaml") as caught:
        parse_lexicon(content, "site.yaml")
    assert problem in str(caught.value)


# --- the handler ----------------------------------------------------------------------------


async def test_the_handler_answers_findings_and_a_summary_as_fenced_json() -> None:
    text = "Cardiovex cures high cholesterol. It is the best and completely safe."

    result = payload(await assess_promotional_phrases(context_for(text)))

    assert result["summary"] == {
        "total": 3,
        "by_category": {
            "absolute": 1,
            "superlative": 1,
            "unqualified_safety": 1,
            "unqualified_efficacy": 0,
            "comparative": 0,
        },
    }
    assert result["findings"][0] == {
        "text": "cures",
        "category": "absolute",
        "reason": load_lexicon()[0].reason,
        "sentence": "Cardiovex cures high cholesterol.",
        "offset": 10,
    }


async def test_the_handler_reads_html_documents_without_their_markup() -> None:
    html = "<html><body><h1>Relivex</h1><p>The <em>safest</em> choice.</p></body></html>"

    result = payload(await assess_promotional_phrases(context_for(html, "text/html")))

    assert [(f["text"], f["offset"]) for f in result["findings"]] == [
        ("safest", html.index("safest"))
    ]


async def test_the_handler_uses_an_extra_lexicon_named_in_the_action_options(
    tmp_path: Path,
) -> None:
    extra = tmp_path / "site.yaml"
    extra.write_text("entries:\n  - {pattern: game changer, category: hype, reason: No.}\n")

    result = payload(
        await assess_promotional_phrases(context_for("A game changer.", extra_lexicon=str(extra)))
    )

    assert result["summary"]["by_category"]["hype"] == 1


async def test_a_document_without_text_fails_with_a_clear_message() -> None:
    with pytest.raises(ActionFailed, match="has no text for Phrase Assessment"):
        await assess_promotional_phrases(context_for("  \n"))
