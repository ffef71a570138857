"""Seconds per built-in action on a fifty-page document (and a record with many fields).

Builds a document of about 25,000 words from the demo texts, with a heading per section and a
form feed per page (and an HTML rendering of it for the accessibility check), then calls each
built-in handler directly with an ActionContext built from domain objects, as the worker does:

    python bench/builtin_speed.py                 # about fifty pages
    python bench/builtin_speed.py --pages 200     # to see how the times grow
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import json
import time
from importlib import resources

from actionvault.actions.context import ActionContext
from actionvault.actions.registry import BUILTIN_ENGINES
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion, ObjectRecord
from actionvault.domain.executions import Execution, ExecutionState, Target

WORDS_PER_PAGE = 500
QUICK_CHECK, CONTENT_AGENT, RECORD_AGENT = (
    "quick_check__v", "promomats_document_chat__v", "base_object_chat_agent__sys",
)  # fmt: skip
DOCUMENT_ENGINES = {
    "builtin.spelling_grammar": (QUICK_CHECK, "spelling_grammar__v"),
    "builtin.phrase_assessment": (QUICK_CHECK, "phrase_assessment__v"),
    "builtin.privacy_link": (QUICK_CHECK, "privacy__v"),
    "builtin.boxed_warning": (QUICK_CHECK, "boxed_warning_detect__v"),
    "builtin.unsubscribe_link": (QUICK_CHECK, "unsubscribe__v"),
    "builtin.accessibility": (QUICK_CHECK, "accessibility__v"),
    "builtin.summarize_document": (CONTENT_AGENT, "summarize_document__v"),
    "builtin.ask_document": (CONTENT_AGENT, "ask_question__v"),
}
RECORD_ENGINES = {
    "builtin.summarize_record": (RECORD_AGENT, "summarize_record__sys"),
    "builtin.ask_record": (RECORD_AGENT, "ask_question__sys"),
}
QUESTION = "How should the pens be stored, and what are the most common side effects?"


def demo_sections() -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of each demo document."""
    folder = resources.files("actionvault.demo") / "documents"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    sections = []
    for entry in index:
        text = (folder / entry["file"]).read_text(encoding="utf-8")
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        sections.append((entry["name"], paragraphs))
    return sections


def build_pages(pages: int) -> list[list[tuple[str, str]]]:
    """Pages of (kind, text) blocks, kind "heading" or "paragraph", cycling the demo texts; a
    page ends at the paragraph that takes it past WORDS_PER_PAGE."""
    blocks = itertools.cycle(
        [("heading", title), *(("paragraph", p) for p in paragraphs)]
        for title, paragraphs in demo_sections()
    )
    stream = (block for section in blocks for block in section)
    built: list[list[tuple[str, str]]] = []
    for _ in range(pages):
        page: list[tuple[str, str]] = []
        words = 0
        while words < WORDS_PER_PAGE:
            kind, text = next(stream)
            page.append((kind, text))
            words += len(text.split())
        built.append(page)
    return built


def as_text(pages: list[list[tuple[str, str]]]) -> str:
    return "\f".join("\n\n".join(text for _, text in blocks) for blocks in pages)


def as_html(pages: list[list[tuple[str, str]]]) -> str:
    body = []
    for number, blocks in enumerate(pages, 1):
        body.append(f'<section id="page-{number}">')
        for kind, text in blocks:
            tag = "h2" if kind == "heading" else "p"
            body.append(f"<{tag}>{html.escape(text)}</{tag}>")
        body.append(f'<img src="figure-{number}.png">')
        body.append(f'<p style="color:#999999">Page {number}</p></section>')
    return (
        "<!DOCTYPE html>\n<html><body>\n<h1>Benchmark</h1>\n" + "\n".join(body) + "\n</body></html>"
    )


def context(
    engine: str,
    agent_name: str,
    action_name: str,
    document: DocumentVersion | None = None,
    record: ObjectRecord | None = None,
) -> ActionContext:
    action = Action(action_name, action_name, "", engine)
    scope = Scope.OBJECT if record is not None else Scope.DOCUMENT
    agent = Agent(agent_name, agent_name, "", "", "standard", True, "ADVANCED", scope)
    execution = Execution(
        1, 1, agent_name, action_name, Target(1, 0, 1), ExecutionState.RUNNING, 0.0,
        user_message=QUESTION,
    )  # fmt: skip
    return ActionContext(execution, agent, action, document=document, record=record)


def version_of(text: str, mime_type: str) -> DocumentVersion:
    document = Document(1, "Benchmark document", "promotional_piece__c", "draft__c", "d", 1, 0.0)
    return DocumentVersion(document, 0, 1, "bench", mime_type, text, 0.0)


def record_with_fields(count: int) -> ObjectRecord:
    fields: dict[str, object] = {
        f"attribute_{i}__c": f"value {i} of the study" for i in range(count)
    }
    fields |= {"phase__c": "III", "therapeutic_area__v": "cardiology__c", "blinded__c": True}
    return ObjectRecord("STU000000000001", "study__c", "interventional__c", "CARDIO-1", 1, fields)


async def timed(handler_context: ActionContext) -> float:
    handler = BUILTIN_ENGINES[handler_context.action.engine]
    started = time.perf_counter()
    await handler(handler_context)
    return time.perf_counter() - started


async def run(pages: int, fields: int) -> list[tuple[str, str, float]]:
    built = build_pages(pages)
    text, markup = as_text(built), as_html(built)
    plain, rich = version_of(text, "text/plain"), version_of(markup, "text/html")
    record = record_with_fields(fields)
    print(f"document: {pages} pages, {len(text.split())} words, {len(text)} characters")
    print(f"html rendering: {len(markup)} characters; record: {len(record.fields)} fields")
    results = []
    for engine, (agent, action_name) in DOCUMENT_ENGINES.items():
        version = rich if engine == "builtin.accessibility" else plain
        seconds = await timed(context(engine, agent, action_name, document=version))
        results.append((engine, action_name, seconds))
    for engine, (agent, action_name) in RECORD_ENGINES.items():
        seconds = await timed(context(engine, agent, action_name, record=record))
        results.append((engine, action_name, seconds))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--fields", type=int, default=300, help="fields of the benchmark record")
    args = parser.parse_args()
    results = asyncio.run(run(args.pages, args.fields))
    print(f"{'engine':<30}{'action':<26}{'seconds':>8}")
    for engine, action_name, seconds in results:
        print(f"{engine:<30}{action_name:<26}{seconds:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
