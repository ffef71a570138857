"""No built-in engine's memory grows faster than its input, and every answer stays small.

Each hostile text is run at two sizes, four times apart: a linear engine's peak allocation
grows about fourfold, a quadratic one sixteenfold. Allocations are counted with tracemalloc,
which counts the same on any machine, however busy.
"""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Callable

import pytest

from actionvault.actions.context import MAX_FINDINGS, ActionContext
from actionvault.actions.registry import BUILTIN_ENGINES, ISOLATED_ENGINES
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.errors import ActionFailed

HOSTILE: dict[str, Callable[[int], str]] = {
    "one repeated word": lambda n: "word " * (n // 5),
    "one endless sentence": lambda n: " ".join(
        f"the best and safest cure number {i} works" for i in range(n // 40)
    ),
    "no spaces": lambda n: "a" * n,
    "a line per word": lambda n: "line\n" * (n // 5),
    "deep html": lambda n: "<div>" * (n // 11) + "best" + "</div>" * (n // 11),
    "a link per word": lambda n: "<a href='https://x.example/privacy'>privacy</a> " * (n // 50),
    "claims without end": lambda n: "The best, safest cure: guaranteed. " * (n // 35),
}
SMALL = 20_000


def _context(engine: str, text: str) -> ActionContext:
    html = text.startswith("<")
    document = Document(1, "hostile", "promotional_piece__c", "draft__c", "draft", 1, 0.0)
    version = DocumentVersion(
        document, 0, 1, "hostile", "text/html" if html else "text/plain", text, 0.0
    )
    action = Action("check__c", "Check", "", engine)
    agent = Agent(
        "hostile__c", "Hostile", "", "", "custom", True, "ADVANCED", Scope.DOCUMENT,
        actions=(action,),
    )  # fmt: skip
    execution = Execution(
        1, 1, "hostile__c", "check__c", Target(1, 0, 1), ExecutionState.RUNNING, 0.0,
        user_message="What is the dose?",
    )  # fmt: skip
    return ActionContext(
        execution, agent, action, document=version, source_text=text if html else None
    )


def _run(engine: str, text: str) -> tuple[int, int]:
    """Peak bytes allocated while the engine ran, and the size of its answer."""
    tracemalloc.start()
    try:
        outputs = asyncio.run(BUILTIN_ENGINES[engine](_context(engine, text)))
        _, peak = tracemalloc.get_traced_memory()
    except ActionFailed:
        _, peak = tracemalloc.get_traced_memory()
        outputs = []
    finally:
        tracemalloc.stop()
    return peak, sum(len(o.value) for o in outputs)


@pytest.mark.parametrize("engine", sorted(ISOLATED_ENGINES))
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_an_engines_memory_grows_no_faster_than_its_input(engine: str, kind: str) -> None:
    make = HOSTILE[kind]
    _run(engine, make(1_000))  # dictionaries and caches load outside the measurement
    small_peak, _ = _run(engine, make(SMALL))
    large_peak, answer = _run(engine, make(4 * SMALL))
    # Linear growth is 4x; allow for fixed costs and caches, never for quadratic (16x).
    assert large_peak <= 6 * max(small_peak, 1_000_000), (small_peak, large_peak)
    assert answer < 1_000_000


def test_a_report_of_more_findings_than_the_cap_counts_the_ones_left_out() -> None:
    text = "word " * (MAX_FINDINGS * 3)
    outputs = asyncio.run(
        BUILTIN_ENGINES["builtin.spelling_grammar"](_context("builtin.spelling_grammar", text))
    )
    value = outputs[0].value
    # 1,500 doubled words, and the lower-case first word of the text.
    assert value.count('"category": ') == MAX_FINDINGS
    assert f'"errors_omitted": {1_500 + 1 - MAX_FINDINGS}' in value


def test_a_finding_in_an_endless_sentence_quotes_a_window_of_it_not_all_of_it() -> None:
    text = "word " * 20_000
    outputs = asyncio.run(
        BUILTIN_ENGINES["builtin.spelling_grammar"](_context("builtin.spelling_grammar", text))
    )
    sentences = [
        line for line in outputs[0].value.splitlines() if line.strip().startswith('"sentence"')
    ]
    assert sentences
    assert max(len(line) for line in sentences) < 400
