"""quick_check__v / phrase_assessment__v: the handler over the claims rules of text.claims."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from actionvault.actions.context import ActionContext
from actionvault.actions.phrase_assessment import assess_promotional_phrases
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import ActionOutput, Execution, ExecutionState, Target
from actionvault.errors import ActionFailed
from actionvault.text import MAX_FINDINGS
from actionvault.text.claims import CATEGORIES


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


async def run(text: str, mime_type: str = "text/plain", **options: object) -> dict[str, Any]:
    return payload(await assess_promotional_phrases(context_for(text, mime_type, **options)))


async def test_the_handler_answers_findings_and_a_summary_by_category_as_fenced_json() -> None:
    text = "Zentrix cures cold sores. It is the best balm, and it is completely safe."

    result = await run(text)

    assert result["summary"] == {
        "total": 3,
        "by_category": {
            "superlative": 1,
            "comparative": 0,
            "unqualified_safety": 1,
            "absolute": 1,
            "unqualified_efficacy": 0,
        },
    }
    first = result["findings"][0]
    assert set(first) == {"text", "category", "reason", "sentence", "offset"}
    assert (first["text"], first["category"], first["offset"]) == ("cures", "absolute", 8)
    assert first["sentence"] == "Zentrix cures cold sores."
    assert "cure" in first["reason"]


async def test_every_category_is_counted_even_when_nothing_is_found() -> None:
    result = await run("Take one tablet with water.")

    assert result == {
        "findings": [],
        "summary": {"total": 0, "by_category": dict.fromkeys(CATEGORIES, 0)},
    }


async def test_each_finding_offset_points_at_its_text_in_the_document() -> None:
    text = "Fast relief.\n\nThe gentlest gel, guaranteed, with no side effects."

    result = await run(text)

    assert len(result["findings"]) == 4
    for finding in result["findings"]:
        start = finding["offset"]
        assert text[start : start + len(finding["text"])] == finding["text"]


async def test_html_documents_are_read_without_their_markup_and_offsets_stay_in_the_html() -> None:
    html = "<html><body><h1>Zentrix</h1><p>The <em>safest</em> choice.</p></body></html>"

    result = await run(html, "text/html")

    assert [(f["text"], f["offset"]) for f in result["findings"]] == [
        ("safest", html.index("safest"))
    ]


async def test_findings_past_the_cap_are_counted_not_listed() -> None:
    text = "Guaranteed. " * (MAX_FINDINGS + 5)

    result = await run(text)

    assert len(result["findings"]) == MAX_FINDINGS
    assert result["findings_omitted"] == 5
    assert result["summary"]["total"] == MAX_FINDINGS + 5


async def test_an_extra_lexicon_named_in_the_options_adds_its_rules_and_categories(
    tmp_path: Path,
) -> None:
    extra = tmp_path / "site.yaml"
    extra.write_text("entries:\n  - {pattern: game on, category: hype, reason: House style.}\n")

    result = await run("Game on, hay fever.", extra_lexicon=str(extra))

    assert result["summary"]["by_category"]["hype"] == 1
    assert result["findings"][0]["reason"] == "House style."


async def test_a_document_without_text_fails_with_a_clear_message() -> None:
    with pytest.raises(ActionFailed, match="has no text for Phrase Assessment"):
        await run("  \n")
