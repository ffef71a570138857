"""Harper, the offline grammar checker, beside the built-in proofreader, on eval/proofreading.

Whether Harper (https://github.com/Automattic/harper, through its Python binding `harper-py`)
should be a layer of Quick Check's spelling and grammar is decided on the dev part only, like
every rule: per Harper lint kind, how many findings it makes and how many overlap a labelled
error; per label category, how many labels Harper finds, the built-in proofreader finds, and
the two together; and the words per second of each (after a warm-up pass). Harper is not a
dependency of actionvault: install it to run this, `pip install harper-py==0.2.0`.

    python bench/harper_compare.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from proofreading_eval import EVAL_DIR, labelled_span  # noqa: E402

from actionvault.text.proofreading import default_proofreader  # noqa: E402


def overlapping(spans: list[tuple[int, int]], start: int, end: int) -> list[int]:
    return [i for i, (a, b) in enumerate(spans) if a < end and start < b]


def words_per_second(run: Callable[[str], object], texts: list[str]) -> float:
    for text in texts:  # warm-up: dictionaries and caches
        run(text)
    began = time.perf_counter()
    for text in texts:
        run(text)
    return sum(len(t.split()) for t in texts) / (time.perf_counter() - began)


def main() -> None:
    try:
        import harper
    except ImportError:
        raise SystemExit("install Harper's binding first: pip install harper-py==0.2.0") from None
    linter = harper.Linter()
    ours = default_proofreader()
    kinds: dict[str, list[int]] = {}
    labels: Counter[str] = Counter()
    by_harper: Counter[str] = Counter()
    by_ours: Counter[str] = Counter()
    by_both: Counter[str] = Counter()
    texts = []
    for path in sorted((EVAL_DIR / "dev").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        texts.append(text)
        entries = json.loads(path.with_suffix(".labels.json").read_text())["errors"]
        spans = [labelled_span(text, entry) for entry in entries]
        harper_found: set[int] = set()
        for lint in linter.lint(text):
            hits = overlapping(spans, lint.span.start, lint.span.end)
            tally = kinds.setdefault(lint.lint_kind_pretty, [0, 0])
            tally[0] += 1
            tally[1] += bool(hits)
            harper_found.update(hits)
        ours_found: set[int] = set()
        for issue in ours.check(text).errors:
            ours_found.update(overlapping(spans, issue.offset, issue.offset + len(issue.text)))
        for index, entry in enumerate(entries):
            category = entry["category"]
            labels[category] += 1
            by_harper[category] += index in harper_found
            by_ours[category] += index in ours_found
            by_both[category] += index in harper_found | ours_found
    print(f"eval/proofreading dev part: {len(texts)} texts, {sum(labels.values())} labelled errors")
    print("Harper's findings by lint kind (findings, overlapping a label, precision):")
    for kind, (made, right) in sorted(kinds.items(), key=lambda item: -item[1][0]):
        print(f"  {kind:<16} {made:>5} {right:>5}  {right / made:.2f}")
    print("labels found (category: labels, Harper, built-in, either):")
    for category in sorted(labels):
        print(
            f"  {category:<20} {labels[category]:>4} {by_harper[category]:>4} "
            f"{by_ours[category]:>4} {by_both[category]:>4}"
        )
    print(f"words/s: Harper {words_per_second(linter.lint, texts):,.0f}, "
          f"built-in {words_per_second(ours.check, texts):,.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
