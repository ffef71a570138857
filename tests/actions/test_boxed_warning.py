"""quick_check__v / boxed_warning_detect__v: a boxed warning, its title and its text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from actionvault.actions.boxed_warning import (
    boxed_warning_payload,
    detect_boxed_warning,
    is_border,
)
from actionvault.actions.context import ActionContext
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.errors import ActionFailed
from actionvault.text.html import DocumentText, looks_like_html, mask_markup

PI_HIGHLIGHTS = """\
HIGHLIGHTS OF PRESCRIBING INFORMATION

WARNING: RISK OF THYROID C-CELL TUMORS
See full prescribing information for complete boxed warning.
• Glucorinide causes thyroid C-cell tumors in rodents.
• Contraindicated in patients with medullary thyroid carcinoma.

INDICATIONS AND USAGE
GLUCORIN is indicated in adults with type 2 diabetes mellitus.
"""


def version(text: str, mime_type: str = "text/plain") -> DocumentVersion:
    document = Document(8, "Label", "label__c", "draft__c", "draft", 1, 0.0)
    return DocumentVersion(document, 0, 1, "label", mime_type, text, 0.0)


def detect(text: str, mime_type: str = "text/plain") -> dict[str, Any]:
    html = looks_like_html(text, mime_type)
    visible = mask_markup(text) if html else text
    return boxed_warning_payload(DocumentText(version(text, mime_type), text, visible, html))


def context_for(text: str) -> ActionContext:
    action = Action("boxed_warning_detect__v", "Boxed Warning Detect", "", "builtin.boxed_warning")
    agent = Agent("quick_check__v", "Quick Check", "", "", "standard", True, "ADVANCED",
                  Scope.DOCUMENT, actions=(action,))  # fmt: skip
    execution = Execution(1, 1, agent.name, action.name, Target(8, 0, 1),
                          ExecutionState.RUNNING, 0.0)  # fmt: skip
    return ActionContext(execution, agent, action, document=version(text))


def test_a_warning_title_in_capitals_is_a_boxed_warning_with_its_body() -> None:
    result = detect(PI_HIGHLIGHTS)

    assert result["boxed_warning_present"] is True
    assert result["title"] == "WARNING: RISK OF THYROID C-CELL TUMORS"
    assert result["offset"] == PI_HIGHLIGHTS.index("WARNING: RISK")
    assert result["text"] == (
        "See full prescribing information for complete boxed warning.\n"
        "• Glucorinide causes thyroid C-cell tumors in rodents.\n"
        "• Contraindicated in patients with medullary thyroid carcinoma."
    )
    assert result["detected_by"] == "heading"


def test_the_body_ends_at_the_next_heading_even_without_a_blank_line() -> None:
    text = "WARNING: SERIOUS INFECTIONS\nPatients may develop infections.\nINDICATIONS\nMore."
    assert detect(text)["text"] == "Patients may develop infections."


def test_a_box_drawn_with_box_drawing_characters_gives_its_whole_content() -> None:
    text = (
        "Intro.\n"
        "╔════════════════════════════════════╗\n"
        "║ WARNING: SERIOUS INFECTIONS        ║\n"
        "║ Patients may develop infections    ║\n"
        "║ that lead to hospitalisation.      ║\n"
        "╚════════════════════════════════════╝\n"
        "After the box.\n"
    )

    result = detect(text)

    assert (result["title"], result["detected_by"]) == ("WARNING: SERIOUS INFECTIONS", "framed box")
    assert result["text"] == "Patients may develop infections\nthat lead to hospitalisation."
    assert result["offset"] == text.index("WARNING")


def test_a_box_drawn_with_rows_of_asterisks_and_a_boxed_warning_title_counts() -> None:
    text = (
        "*****************************************\n"
        "*  BOXED WARNING                        *\n"
        "*  Increased mortality in the elderly.  *\n"
        "*****************************************\n"
    )
    result = detect(text)
    assert (result["title"], result["text"]) == (
        "BOXED WARNING",
        "Increased mortality in the elderly.",
    )


@pytest.mark.parametrize("heading", ["BLACK BOX WARNING", "## Boxed Warning", "**BOXED WARNING**"])
def test_a_boxed_warning_heading_with_text_below_counts(heading: str) -> None:
    result = detect(f"Intro.\n\n{heading}\n\nMay cause liver failure.\n\nOther text.")
    assert result["boxed_warning_present"] is True
    assert result["text"] == "May cause liver failure."


def test_a_bordered_html_element_with_a_warning_heading_counts() -> None:
    html = (
        "<html><body><h1>Relivex</h1>"
        '<div style="border: 2px solid #000; padding: 8px">'
        '<div style="border: 1px solid #000"><b>WARNING: CARDIOVASCULAR RISK</b></div>'
        "<p>NSAIDs increase the risk of heart attack.</p></div><p>Other.</p></body></html>"
    )

    result = detect(html, "text/html")

    assert result["detected_by"] == "html box"
    assert result["title"] == "WARNING: CARDIOVASCULAR RISK"
    assert result["text"] == "NSAIDs increase the risk of heart attack."
    assert result["offset"] == html.index("WARNING")


def test_a_table_with_a_border_attribute_is_a_box() -> None:
    html = (
        '<html><body><table border="1"><tr><td>WARNING</td></tr>'
        "<tr><td>Do not use in pregnancy.</td></tr></table></body></html>"
    )
    assert detect(html, "text/html")["text"] == "Do not use in pregnancy."


@pytest.mark.parametrize(
    "text",
    [
        "Hypoglycemia may occur [see Boxed Warning and Warnings and Precautions (5.3)].",
        "WARNINGS AND PRECAUTIONS\n• Pancreatitis: discontinue promptly.",
        "Warning: keep out of reach of children.",
        "WARNING: Keep out of reach of children.",
        "-----------\nA note in a frame, with no warning.\n-----------",
        "BOXED WARNING",
    ],
)
def test_mentions_section_titles_and_everyday_warnings_are_not_boxed_warnings(text: str) -> None:
    assert detect(text)["boxed_warning_present"] is False


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("=====", True),
        ("* * * * * * *", True),
        ("╚═══════╝", True),
        ("---", False),
        ("a----", False),
    ],
)
def test_a_border_is_a_row_of_frame_characters(line: str, expected: bool) -> None:
    assert is_border(line) is expected


async def test_the_handler_answers_fenced_json() -> None:
    (output,) = await detect_boxed_warning(context_for(PI_HIGHLIGHTS))

    result = json.loads(output.value.removeprefix("```json\n").removesuffix("\n```"))

    assert set(result) == {
        "boxed_warning_present", "title", "text", "offset", "detected_by", "message",
    }  # fmt: skip
    assert result["boxed_warning_present"] is True


async def test_the_handler_says_when_there_is_no_boxed_warning() -> None:
    (output,) = await detect_boxed_warning(context_for("Just a leaflet."))

    result = json.loads(output.value.removeprefix("```json\n").removesuffix("\n```"))

    assert (result["boxed_warning_present"], result["title"], result["offset"]) == (
        False,
        None,
        None,
    )


async def test_the_handler_fails_clearly_on_a_document_without_text() -> None:
    with pytest.raises(ActionFailed, match="has no text for Boxed Warning Detect"):
        await detect_boxed_warning(context_for(""))
