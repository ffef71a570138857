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

WARNING: SERIOUS LIVER INJURY
See full prescribing information for complete boxed warning.
• Zentramab can cause severe and fatal liver injury.
• Monitor liver tests before and during treatment.

INDICATIONS AND USAGE
ZENTRAMAB is indicated in adults with chronic plaque psoriasis.
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
    assert result["title"] == "WARNING: SERIOUS LIVER INJURY"
    assert result["offset"] == PI_HIGHLIGHTS.index("WARNING: SERIOUS")
    assert result["text"] == (
        "See full prescribing information for complete boxed warning.\n"
        "• Zentramab can cause severe and fatal liver injury.\n"
        "• Monitor liver tests before and during treatment."
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


@pytest.mark.parametrize("heading", ["Boxed Warning:", "BOXED WARNING -", "Black Box Warning:"])
def test_a_boxed_warning_heading_in_any_case_may_carry_its_text_on_the_same_line(
    heading: str,
) -> None:
    text = f"Intro.\n\n{heading} Severe allergic reactions, including fatal ones, can occur.\n"

    result = detect(text)

    assert result["boxed_warning_present"] is True
    assert result["title"] == heading.rstrip(" :-")
    assert result["text"] == "Severe allergic reactions, including fatal ones, can occur."


def test_a_capitals_warning_heading_may_give_its_title_in_sentence_case_when_it_names_a_risk() -> (
    None
):
    text = "WARNING: Risk of serious infections\nInfections leading to death have occurred.\n"

    result = detect(text)

    assert (result["title"], result["text"]) == (
        "WARNING: Risk of serious infections",
        "Infections leading to death have occurred.",
    )


def test_a_heading_written_on_one_line_of_html_is_still_a_heading() -> None:
    html = (
        "<html><body><h1>Zentramab</h1><h2>Boxed Warning</h2><p>Lactic acidosis can occur and "
        "can be fatal.</p><h2>Uses</h2><p>Psoriasis.</p></body></html>"
    )

    result = detect(html, "text/html")

    assert (result["title"], result["text"]) == (
        "Boxed Warning",
        "Lactic acidosis can occur and can be fatal.",
    )


def test_a_warning_that_is_also_referred_to_elsewhere_is_still_present() -> None:
    text = PI_HIGHLIGHTS + "\nSee Important Safety Information, including Boxed Warning.\n"
    assert detect(text)["boxed_warning_present"] is True


@pytest.mark.parametrize(
    "text",
    [
        "Hypoglycemia may occur [see Boxed Warning and Warnings and Precautions (5.3)].",
        "Please read the Boxed Warning and full Prescribing Information at x.com/pi.",
        "Zentramab has a boxed warning about liver injury. Read the boxed warning in the full "
        "Prescribing Information.",
        "BOXED WARNING\nSee full prescribing information for complete boxed warning.",
        "Boxed Warning: None.\nThe most common side effects are headache and nausea.",
        "There is no boxed warning for this medicine.",
        "WARNINGS AND PRECAUTIONS\n• Pancreatitis: discontinue promptly.",
        "4.4 Special warnings and precautions for use\nMonitor liver tests.",
        "Drug Facts\nWarnings\nLiver warning: Severe liver damage may occur if you take more.",
        "Warning: keep out of reach of children.",
        "WARNING: Keep out of reach of children.",
        "WARNING: This product can expose you to chemicals known to cause cancer.",
        "-----------\nA note in a frame, with no warning.\n-----------",
        "BOXED WARNING",
    ],
)
def test_pointers_absences_section_titles_and_everyday_warnings_are_not_boxed_warnings(
    text: str,
) -> None:
    assert detect(text)["boxed_warning_present"] is False


def test_a_frame_holding_only_a_pointer_to_the_warning_is_not_the_warning() -> None:
    text = (
        "+--------------------------------------------------+\n"
        "| BOXED WARNING: see the full Prescribing          |\n"
        "| Information for the complete boxed warning.      |\n"
        "+--------------------------------------------------+\n"
    )
    assert detect(text)["boxed_warning_present"] is False


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("=====", True),
        ("|==========|", True),
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
