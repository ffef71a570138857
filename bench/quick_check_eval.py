"""Precision and recall of the built-in Quick Check actions on the labelled set in eval/quick_check.

Each document runs through the action handlers exactly as the worker calls them (an
ActionContext built from domain objects, the fenced JSON output parsed back), and the findings
are compared with the document's labels (see eval/quick_check/README.md). The set has two
parts, reported apart: `dev`, which rules may be read against, and `held_out`, which no rule
is tuned on and which is the honest estimate on documents the checks have never seen.

    python bench/quick_check_eval.py              # both parts
    python bench/quick_check_eval.py --verbose    # also every miss and false alarm
    python bench/quick_check_eval.py --part dev
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionvault.actions.context import ActionContext
from actionvault.actions.registry import BUILTIN_ENGINES
from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.content import Document, DocumentVersion
from actionvault.domain.executions import Execution, ExecutionState, Target
from actionvault.errors import ActionFailed

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval" / "quick_check"
CHECKS = {
    "phrase_assessment__v": "builtin.phrase_assessment",
    "privacy__v": "builtin.privacy_link",
    "boxed_warning_detect__v": "builtin.boxed_warning",
    "unsubscribe__v": "builtin.unsubscribe_link",
    "accessibility__v": "builtin.accessibility",
}
PRESENCE_KEYS = {
    "privacy__v": "privacy_link_present",
    "boxed_warning_detect__v": "boxed_warning_present",
    "unsubscribe__v": "unsubscribe_link_present",
}


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    #: Presence checks only: documents rightly reported without the thing.
    true_negatives: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        total = (
            self.true_positives + self.false_positives + self.false_negatives + self.true_negatives
        )
        return (self.true_positives + self.true_negatives) / total if total else 1.0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def context_for(path: Path, action_name: str) -> ActionContext:
    html = path.suffix == ".html"
    document = Document(1, path.stem, "promotional_piece__c", "draft__c", "draft", 1, 0.0)
    version = DocumentVersion(
        document, 0, 1, path.name, "text/html" if html else "text/plain", path.read_text(), 0.0
    )
    action = Action(action_name, action_name, "", CHECKS[action_name])
    agent = Agent(
        "quick_check__v", "Quick Check", "", "", "standard", True, "ADVANCED", Scope.DOCUMENT,
        actions=(action,),
    )  # fmt: skip
    execution = Execution(
        1, 1, "quick_check__v", action_name, Target(1, 0, 1), ExecutionState.RUNNING, 0.0
    )
    return ActionContext(execution, agent, action, document=version)


async def run_check(path: Path, action_name: str) -> dict[str, Any]:
    handler = BUILTIN_ENGINES[CHECKS[action_name]]
    outputs = await handler(context_for(path, action_name))
    value = outputs[0].value.removeprefix("```json\n").removesuffix("\n```")
    result: dict[str, Any] = json.loads(value)
    return result


def labelled_span(text: str, label: dict[str, Any]) -> tuple[int, int]:
    start = -1
    for _ in range(int(label.get("occurrence", 1))):
        start = text.find(label["text"], start + 1)
        if start < 0:
            raise SystemExit(f"label text {label['text']!r} is not in the document")
    return start, start + len(label["text"])


def score_phrases(path: Path, result: dict[str, Any], labels: list[Any], score: Score) -> None:
    text = path.read_text()
    expected = [(labelled_span(text, label), label["category"]) for label in labels]
    matched: set[int] = set()
    for finding in result["findings"]:
        start, end = finding["offset"], finding["offset"] + len(finding["text"])
        hit = next(
            (
                i
                for i, ((s, e), category) in enumerate(expected)
                if i not in matched and category == finding["category"] and s < end and start < e
            ),
            None,
        )
        if hit is None:
            score.false_positives += 1
            score.notes.append(
                f"{path.name}: false alarm {finding['text']!r} ({finding['category']})"
            )
        else:
            matched.add(hit)
            score.true_positives += 1
    for i, ((s, e), category) in enumerate(expected):
        if i not in matched:
            score.false_negatives += 1
            score.notes.append(f"{path.name}: missed {text[s:e]!r} ({category})")


def score_presence(path: Path, found: bool, expected: bool, score: Score) -> None:
    if found and expected:
        score.true_positives += 1
    elif found:
        score.false_positives += 1
        score.notes.append(f"{path.name}: reported present, labelled absent")
    elif expected:
        score.false_negatives += 1
        score.notes.append(f"{path.name}: reported absent, labelled present")
    else:
        score.true_negatives += 1


def line_of(text: str, piece: str) -> int:
    at = text.find(piece)
    if at < 0:
        raise SystemExit(f"accessibility label {piece!r} is not in the document")
    return text.count("\n", 0, at) + 1


def score_accessibility(
    path: Path, result: dict[str, Any], labels: list[Any], score: Score
) -> None:
    text = path.read_text()
    expected = [(label["rule"], line_of(text, label["at"])) for label in labels]
    for issue in result["issues"]:
        key = (issue["rule"], issue["line"])
        if key in expected:
            expected.remove(key)
            score.true_positives += 1
        else:
            score.false_positives += 1
            score.notes.append(f"{path.name}: false alarm {key}")
    for key in expected:
        score.false_negatives += 1
        score.notes.append(f"{path.name}: missed {key}")


PARTS = ("dev", "held_out")


def documents_of(part: str) -> list[Path]:
    folder = EVAL_DIR / part
    return sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html"))


async def evaluate(part: str) -> dict[str, Score]:
    scores = {name: Score() for name in CHECKS}
    for path in documents_of(part):
        labels = json.loads(path.with_name(f"{path.stem}.labels.json").read_text())
        result = await run_check(path, "phrase_assessment__v")
        score_phrases(path, result, labels["phrase_assessment"], scores["phrase_assessment__v"])
        for action_name, key in PRESENCE_KEYS.items():
            result = await run_check(path, action_name)
            score_presence(path, bool(result[key]), bool(labels[key]), scores[action_name])
        if labels["accessibility"] is None:
            try:
                await run_check(path, "accessibility__v")
            except ActionFailed:
                continue  # plain text is refused, as it should be
            scores["accessibility__v"].notes.append(f"{path.name}: plain text was not refused")
            continue
        result = await run_check(path, "accessibility__v")
        score_accessibility(path, result, labels["accessibility"], scores["accessibility__v"])
    return scores


def report(part: str, scores: dict[str, Score], echo: Callable[[str], None]) -> None:
    echo(f"{part}: {len(documents_of(part))} documents in eval/quick_check/{part}")
    echo(f"  {'check':<26}{'TP':>4}{'FP':>4}{'FN':>4}{'TN':>4}{'precision':>11}{'recall':>8}"
         f"{'accuracy':>10}")  # fmt: skip
    for name, score in scores.items():
        accuracy = f"{score.accuracy:>10.2f}" if name in PRESENCE_KEYS else f"{'':>10}"
        negatives = f"{score.true_negatives:>4}" if name in PRESENCE_KEYS else f"{'':>4}"
        echo(
            f"  {name:<26}{score.true_positives:>4}{score.false_positives:>4}"
            f"{score.false_negatives:>4}{negatives}{score.precision:>11.2f}{score.recall:>8.2f}"
            f"{accuracy}"
        )


def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss and false alarm")
    parser.add_argument("--part", choices=PARTS, action="append", help="default: both")
    args = parser.parse_args(argv)
    for part in args.part or PARTS:
        scores = asyncio.run(evaluate(part))
        report(part, scores, echo)
        if args.verbose:
            for name, score in scores.items():
                for note in score.notes:
                    echo(f"    {name}: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
