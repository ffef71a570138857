"""promomats_document_chat__v / summarize_document__v: an extractive summary with sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionvault.actions.context import ActionContext
from actionvault.actions.summarize_document import summarize, summarize_document, summary_length
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.errors import ActionFailed
from actionvault.text.html import DocumentText, mask_markup

DEMO_DIR = Path(__file__).resolve().parents[2] / "src" / "actionvault" / "demo" / "documents"


def version(text: str, mime_type: str = "text/plain") -> DocumentVersion:
    document = Document(4, "Cardiovex Brochure", "brochure__c", "draft__c", "draft", 1, 0.0)
    return DocumentVersion(document, 0, 1, "brochure", mime_type, text, 0.0)


def summary_of(text: str, html: bool = False) -> str:
    visible = mask_markup(text) if html else text
    return summarize(DocumentText(version(text), text, visible, html))


def bullets(summary: str) -> list[str]:
    return [line for line in summary.splitlines() if line.startswith("- ")]


def context_for(text: str) -> ActionContext:
    action = Action("summarize_document__v", "Summarize", "", "builtin.summarize_document")
    agent = Agent("promomats_document_chat__v", "Content Agent", "", "", "standard", True,
                  "ADVANCED", Scope.DOCUMENT, actions=(action,))  # fmt: skip
    execution = Execution(1, 1, agent.name, action.name, Target(4, 0, 1),
                          ExecutionState.RUNNING, 0.0)  # fmt: skip
    return ActionContext(execution, agent, action, document=version(text))


@pytest.mark.parametrize(
    ("sentences", "picked"), [(2, 2), (4, 3), (8, 4), (20, 5), (33, 5), (40, 6), (100, 8)]
)
def test_about_five_sentences_or_fifteen_percent_of_a_long_document(
    sentences: int, picked: int
) -> None:
    assert summary_length(sentences) == picked


def test_the_brochure_summary_quotes_its_sentences_in_order_with_their_sections() -> None:
    text = (DEMO_DIR / "cardiovex-brochure.txt").read_text()

    summary = summary_of(text)

    assert summary.splitlines()[0] == "Summary of Cardiovex Brochure:"
    lines = bullets(summary)
    assert len(lines) == 5
    for line in lines:
        sentence, source = line[2:].rsplit(" [", 1)
        assert " ".join(sentence.split()) in " ".join(text.split())
        assert source.startswith("Section: ")
    offsets = [" ".join(text.split()).index(line[2:].rsplit(" [", 1)[0]) for line in lines]
    assert offsets == sorted(offsets)
    assert lines[0].startswith("- Your doctor has prescribed Cardiovex")


def test_without_headings_pages_are_cited_and_without_pages_paragraphs() -> None:
    paged = "Cardiovex lowers LDL cholesterol in adults.\fIt is injected every two weeks at home."
    assert [line.rsplit(" [", 1)[1] for line in bullets(summary_of(paged))] == [
        "Page 1]",
        "Page 2]",
    ]
    plain = "Cardiovex lowers LDL cholesterol in adults.\n\nIt is injected every two weeks at home."
    assert [line.rsplit(" [", 1)[1] for line in bullets(summary_of(plain))] == [
        "Paragraph 1]",
        "Paragraph 2]",
    ]


def test_html_headings_are_cited_and_markup_is_not_quoted() -> None:
    html = (
        "<html><body><h1>Cardiovex</h1><p>Cardiovex lowers <b>LDL</b> cholesterol in adults.</p>"
        "<h2>Dosing</h2><p>It is injected under the skin every two weeks.</p></body></html>"
    )
    assert bullets(summary_of(html, html=True)) == [
        "- Cardiovex lowers LDL cholesterol in adults. [Section: Cardiovex]",
        "- It is injected under the skin every two weeks. [Section: Dosing]",
    ]


def test_near_duplicate_sentences_are_summarised_once() -> None:
    sentence = "Cardiovex lowers LDL cholesterol by more than half in adults."
    text = "\n\n".join([sentence] * 10 + ["Patients inject it at home every two weeks."])
    assert len(bullets(summary_of(text))) == 2


def test_letter_courtesies_give_way_to_content() -> None:
    text = (DEMO_DIR / "glucorin-hcp-email.txt").read_text()
    assert not bullets(summary_of(text))[0].startswith("- Thank you")


def test_contact_details_give_way_to_content() -> None:
    text = (
        "Cardiovex helps adults lower their LDL cholesterol. "
        "For questions about Cardiovex, visit www.cardiovex.com or call 1-800-555-0142. "
        "Cardiovex is injected every two weeks. Cardiovex can cause back pain. "
        "Store Cardiovex in the refrigerator. Cardiovex comes as a prefilled pen."
    )
    assert all("www." not in line for line in bullets(summary_of(text)))


def test_a_text_of_fragments_still_gets_a_summary() -> None:
    assert bullets(summary_of("Cardiovex\n\nLDL lowering\n\nEvery two weeks")) != []


async def test_the_handler_answers_plain_text() -> None:
    (output,) = await summarize_document(context_for("Cardiovex lowers LDL cholesterol a lot."))
    assert output.type == "text"
    assert output.value == (
        "Summary of Cardiovex Brochure:\n- Cardiovex lowers LDL cholesterol a lot. [Paragraph 1]"
    )


async def test_the_handler_fails_clearly_on_a_document_without_text() -> None:
    with pytest.raises(ActionFailed, match="has no text for Summarize Document"):
        await summarize_document(context_for(""))
