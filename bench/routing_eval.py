"""Accuracy and latency of the offline chat router on the labelled set in eval/routing.

Candidates are the chat-enabled actions of the shipped agents (read from their YAML files at
run time) plus the eval file's own agents; a message opened on a document or a record sees the
agents of that scope and the general ones, a general message the general ones only (see
eval/routing/README.md):

    python bench/routing_eval.py              # the figures
    python bench/routing_eval.py --verbose    # also every message with its decision
    python bench/routing_eval.py --lexical    # without the embedding model

Wrong answers and decisions are printed for the tuned-on messages only: the held-out batches
report their accuracy, and `--show-held-out` prints theirs too, for a final review rather
than for tuning (a rule written after reading them makes their figures meaningless).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actionvault.actions.registry import BUILTIN_ENGINES
from actionvault.agents.loader import load_catalog
from actionvault.chat import RouteCandidate, RouteDecision, Router, load_embedder

EVAL_FILE = Path(__file__).resolve().parent.parent / "eval" / "routing" / "messages.yaml"
NONE = "none"
SCOPES = ("document", "object", "general")


@dataclass(frozen=True)
class Case:
    message: str
    expect: str
    scope: str
    history: tuple[str, ...] = ()
    #: 0: tuned on; 1: written before the router's built-in examples; 2: after its design.
    held_out: int = 0


@dataclass
class EvalSet:
    cases: list[Case]
    #: scope → the candidates a chat opened there may be routed to, in a stable order.
    candidates: dict[str, list[RouteCandidate]]


@dataclass
class Report:
    rows: list[tuple[Case, RouteDecision, float]] = field(default_factory=list)

    def answer(self, decision: RouteDecision) -> str:
        return decision.choice.key if decision.choice else NONE

    def accuracy(
        self, *, routable: bool | None = None, held_out: int | Sequence[int] | None = None
    ) -> tuple[int, int]:
        """(right, total) over the messages that must be routed or refused, of some batches."""
        batches = (held_out,) if isinstance(held_out, int) else held_out
        rows = [
            (case, decision)
            for case, decision, _ in self.rows
            if (routable is None or (case.expect != NONE) == routable)
            and (batches is None or case.held_out in batches)
        ]
        right = sum(1 for case, decision in rows if self.answer(decision) == case.expect)
        return right, len(rows)


def load_eval_set(path: Path = EVAL_FILE) -> EvalSet:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    by_scope: list[tuple[str, RouteCandidate]] = []
    for agent in load_catalog(None, BUILTIN_ENGINES):
        if not agent.active:
            continue
        for action in agent.actions:
            if action.active and action.support_chat:
                by_scope.append((str(agent.scope), RouteCandidate.from_action(agent, action)))
    for agent in data["agents"]:
        for action in agent["actions"]:
            candidate = RouteCandidate(
                agent["name"],
                agent["label"],
                agent["description"],
                action["name"],
                action["label"],
                action["description"],
            )
            by_scope.append((agent["scope"], candidate))
    candidates = {scope: [c for s, c in by_scope if s in (scope, "general")] for scope in SCOPES}
    known = {c.key for _, c in by_scope}
    cases = []
    for item in data["messages"]:
        history = tuple(item.get("history", ()))
        held_out = int(item.get("held_out", 0))
        case = Case(item["message"], item["expect"], item["scope"], history, held_out)
        if case.expect != NONE and case.expect not in known:
            raise ValueError(f"{path}: {case.message!r} expects an unknown action {case.expect}")
        if case.scope not in SCOPES:
            raise ValueError(f"{path}: {case.message!r} has an unknown scope {case.scope}")
        cases.append(case)
    return EvalSet(cases, candidates)


def evaluate(router: Router, eval_set: EvalSet) -> Report:
    report = Report()
    for case in eval_set.cases:
        started = time.perf_counter()
        decision = router.route(case.message, eval_set.candidates[case.scope], case.history)
        report.rows.append((case, decision, time.perf_counter() - started))
    return report


def _percent(pair: tuple[int, int]) -> str:
    right, total = pair
    return f"{right}/{total} = {100 * right / total:.1f}%" if total else "n/a"


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", action="store_true", help="print every decision")
    parser.add_argument("--lexical", action="store_true", help="route without the model")
    parser.add_argument(
        "--show-held-out",
        action="store_true",
        help="also print the held-out messages' wrong answers and decisions",
    )
    args = parser.parse_args(argv)

    eval_set = load_eval_set()
    started = time.perf_counter()
    embedder = None if args.lexical else load_embedder()
    load_seconds = time.perf_counter() - started
    router = Router(embedder)
    started = time.perf_counter()
    for candidates in eval_set.candidates.values():
        router.prepare(candidates)
    prepare_seconds = time.perf_counter() - started
    report = evaluate(router, eval_set)

    print(f"messages: {len(eval_set.cases)} ({EVAL_FILE.parent.name}/{EVAL_FILE.name})")
    print(f"method: {dict(Counter(d.method for _, d, _ in report.rows))}")
    print(f"{'accuracy':<22}{'overall':>18}{'routable':>18}{'must refuse':>18}")
    sets: tuple[tuple[str, int | tuple[int, ...] | None], ...] = (
        ("all", None),
        ("tuned on", 0),
        ("held out, batch 1", 1),
        ("held out, batch 2", 2),
        ("held out, both", (1, 2)),
    )
    for title, held_out in sets:
        figures = [report.accuracy(routable=r, held_out=held_out) for r in (None, True, False)]
        print(f"{title:<22}" + "".join(f"{_percent(f):>18}" for f in figures))
    shown = [
        (case, decision)
        for case, decision, _ in report.rows
        if args.show_held_out or not case.held_out
    ]
    wrong = Counter(
        (case.expect, report.answer(decision))
        for case, decision in shown
        if report.answer(decision) != case.expect
    )
    if wrong:
        batches = "all batches" if args.show_held_out else "tuned on only"
        print(f"wrong answers ({batches}; expected -> got: count):")
        for (expected, got), count in sorted(wrong.items()):
            print(f"  {expected} -> {got}: {count}")
    latencies = [seconds * 1000 for _, _, seconds in report.rows]
    print(f"model load: {load_seconds * 1000:.0f} ms" + (" (no model)" if embedder is None else ""))
    print(f"candidate texts embedded once (Router.prepare): {prepare_seconds * 1000:.0f} ms")
    print(
        f"latency per message: p50 {statistics.median(latencies):.1f} ms, "
        f"p99 {_percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms"
    )
    if args.verbose:
        for case, decision in shown:
            mark = "ok " if report.answer(decision) == case.expect else "BAD"
            held = f" (held out {case.held_out})" if case.held_out else ""
            print(
                f"{mark} [{case.scope}] {case.message!r} -> {report.answer(decision)} "
                f"({decision.score:.3f}) expected {case.expect}{held}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
