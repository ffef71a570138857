"""Top-1 field accuracy of the built-in record Q&A (Ask a Question on an object record) on
eval/record_qa.

An answerable question counts as answered when the first field the engine cites is the labelled
one; an unanswerable one when the engine says the record does not answer. The dev part
(held_out: false) may be studied; the held-out part is the honest estimate.

    python bench/record_qa_eval.py --part dev --verbose  # also every wrong answer (dev only)
    python bench/record_qa_eval.py                       # both parts, both models
    python bench/record_qa_eval.py --small-model-only    # without the passage model
    python bench/record_qa_eval.py --lexical             # by shared words, without the models
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from actionvault.actions.ask_document import TextEmbedder
from actionvault.actions.record_actions import find_fields
from actionvault.chat.embeddings import load_embedder
from actionvault.chat.mpnet import load_passage_reader
from actionvault.domain.content import ObjectRecord

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval" / "record_qa"


def load_records() -> dict[str, ObjectRecord]:
    entries: list[dict[str, Any]] = yaml.safe_load(
        (EVAL_DIR / "records.yaml").read_text(encoding="utf-8")
    )
    return {
        e["id"]: ObjectRecord(
            str(e["id"]), e["object_name"], e["object_type"], str(e["name"]), 1, e["fields"]
        )
        for e in entries
    }


def evaluate(
    held_out: bool,
    embedder: TextEmbedder | None,
    passage_model: TextEmbedder | None,
    echo: Callable[[str], None] | None,
) -> tuple[int, int, int, int]:
    """(answered right, answerable, rightly declined, unanswerable)."""
    records = load_records()
    entries = yaml.safe_load((EVAL_DIR / "questions.yaml").read_text(encoding="utf-8"))
    right = answerable = declined = unanswerable = 0
    for entry in entries:
        if bool(entry["held_out"]) != held_out:
            continue
        answers = find_fields(records[entry["record"]], entry["question"], embedder, passage_model)
        expected = entry["field"]
        cited = answers[0][0] if answers else None
        if expected is None:
            unanswerable += 1
            ok = cited is None
            declined += ok
        else:
            answerable += 1
            ok = cited == expected
            right += ok
        if echo is not None and not ok:
            echo(f"    {entry['record']}: {entry['question']!r}")
            shown = answers[0][1].passage.text[:80] if answers else "nothing"
            echo(f"      expected {expected}; cited {cited} ({shown!r})")
    return right, answerable, declined, unanswerable


def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("dev", "held_out", "both"), default="both")
    parser.add_argument("--lexical", action="store_true", help="rank by shared words only")
    parser.add_argument(
        "--small-model-only", action="store_true", help="without the passage model's re-reading"
    )
    parser.add_argument("--verbose", action="store_true", help="list wrong answers (dev only)")
    args = parser.parse_args(argv)
    embedder = None if args.lexical else load_embedder()
    passage_model = None if args.small_model_only or not embedder else load_passage_reader()
    ranking = "lexical (BM25 over label, API name and value)"
    if embedder is not None:
        ranking = "by meaning (small model" + (
            ", re-read by the passage model)" if passage_model else ")"
        )
    echo(f"ranking: {ranking}")
    for part in ("dev", "held_out") if args.part == "both" else (args.part,):
        verbose = echo if args.verbose and part == "dev" else None
        started = time.perf_counter()
        right, answerable, declined, unanswerable = evaluate(
            part == "held_out", embedder, passage_model, verbose
        )
        seconds = (time.perf_counter() - started) / max(answerable + unanswerable, 1)
        echo(
            f"part {part}: top-1 {right}/{answerable} = {right / max(answerable, 1):.2f}; "
            f"unanswerable declined {declined}/{unanswerable} = "
            f"{declined / max(unanswerable, 1):.2f}; {seconds:.3f} s a question"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
