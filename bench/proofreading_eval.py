"""Precision, recall and F0.5 of the built-in proofreader on eval/proofreading.

The counting rule is the set's own (eval/proofreading/README.md): a finding is correct when its
span overlaps a labelled span, whatever its category; a label is found when some finding
overlaps it. Per category, recall counts the labels of that category and precision the findings
the engine put in it (its category names mapped to the labels' names). The two parts are
reported apart: `dev` may be studied, `held_out` is the honest estimate and is never studied.

    python bench/proofreading_eval.py --part dev --verbose   # also every miss and false alarm
    python bench/proofreading_eval.py --part held_out
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionvault.text.proofreading import default_proofreader

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval" / "proofreading"
LABEL_CATEGORIES = (
    "spelling", "confusable", "agreement", "article", "repeated_word", "punctuation_spacing",
    "capitalization",
)  # fmt: skip
#: The engine's category names that differ from the labels' names.
ENGINE_TO_LABEL = {"spacing": "punctuation_spacing"}


@dataclass
class Tally:
    findings: int = 0
    correct: int = 0
    labels: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.findings if self.findings else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0

    @property
    def f05(self) -> float:
        p, r = self.precision, self.recall
        return 1.25 * p * r / (0.25 * p + r) if p + r else 0.0


@dataclass
class Result:
    tallies: dict[str, Tally] = field(default_factory=dict)
    clean_false_alarms: int = 0
    suggestion_matches: int = 0
    notes: list[str] = field(default_factory=list)

    def tally(self, category: str) -> Tally:
        return self.tallies.setdefault(category, Tally())


def labelled_span(text: str, label: dict[str, Any]) -> tuple[int, int]:
    start = -1
    for _ in range(int(label.get("occurrence", 1))):
        start = text.find(label["text"], start + 1)
        if start < 0:
            raise SystemExit(f"label text {label['text']!r} is not in the document")
    return start, start + len(label["text"])


def evaluate(part: str) -> Result:
    proofreader = default_proofreader()
    result = Result()
    for path in sorted((EVAL_DIR / part).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        labels = json.loads(path.with_suffix(".labels.json").read_text())["errors"]
        spans = [(labelled_span(text, label), label) for label in labels]
        found = [False] * len(spans)
        for issue in proofreader.check(text).errors:
            start, end = issue.offset, issue.offset + len(issue.text)
            category = ENGINE_TO_LABEL.get(issue.category, issue.category)
            hits = [i for i, ((s, e), _) in enumerate(spans) if s < end and start < e]
            for tally in (result.tally("all"), result.tally(category)):
                tally.findings += 1
                tally.correct += bool(hits)
            for i in hits:
                found[i] = True
            if any(spans[i][1]["suggestion"] == issue.suggestion for i in hits):
                result.suggestion_matches += 1
            if not hits:
                result.clean_false_alarms += path.name.startswith("clean-")
                result.notes.append(
                    f"{path.name}: false alarm {issue.text!r} -> {issue.suggestion!r} "
                    f"({issue.category}) in {issue.sentence[:90]!r}"
                )
        for ((_, _), label), hit in zip(spans, found, strict=True):
            for tally in (result.tally("all"), result.tally(label["category"])):
                tally.labels += 1
                tally.found += hit
            if not hit:
                result.notes.append(
                    f"{path.name}: missed {label['text']!r} -> {label['suggestion']!r} "
                    f"({label['category']})"
                )
    return result


def report(part: str, result: Result, echo: Callable[[str], None]) -> None:
    echo(f"part {part}")
    echo(f"  {'category':<20} {'labels':>6} {'found':>6} {'findings':>8} "
         f"{'precision':>9} {'recall':>6} {'F0.5':>5}")  # fmt: skip
    for category in (*LABEL_CATEGORIES, *sorted(set(result.tallies) - {*LABEL_CATEGORIES, "all"}),
                     "all"):  # fmt: skip
        tally = result.tallies.get(category, Tally())
        echo(
            f"  {category:<20} {tally.labels:>6} {tally.found:>6} {tally.findings:>8} "
            f"{tally.precision:>9.2f} {tally.recall:>6.2f} {tally.f05:>5.2f}"
        )
    overall = result.tally("all")
    echo(f"  false alarms on clean texts: {result.clean_false_alarms}")
    echo(f"  correct findings whose suggestion is the label's: "
         f"{result.suggestion_matches}/{overall.correct}")  # fmt: skip


def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("dev", "held_out", "both"), default="both")
    parser.add_argument(
        "--verbose", action="store_true", help="list misses and false alarms (study dev only)"
    )
    args = parser.parse_args(argv)
    for part in ("dev", "held_out") if args.part == "both" else (args.part,):
        result = evaluate(part)
        report(part, result, echo)
        if args.verbose and part == "dev":
            for note in result.notes:
                echo(f"    {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
