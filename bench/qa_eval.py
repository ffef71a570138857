"""Top-1 passage accuracy of the built-in document Q&A on eval/qa.

An answerable question counts as answered when the passage the engine cites first contains the
labelled quote; an unanswerable one when the engine says the document does not answer. The
dev part (held_out: false) may be studied; the held-out part is the honest estimate.

    python bench/qa_eval.py --part dev --verbose    # also every wrong answer (dev only)
    python bench/qa_eval.py --part held_out
    python bench/qa_eval.py --small-model-only      # without the passage model's re-reading
    python bench/qa_eval.py --lexical               # without the embedding models
    python bench/qa_eval.py --long                  # each document among the dev documents

With --long each question's document is read as part of one long document: it and the dev
documents (held_out: false) joined in name order, over 200 passages, as a long label or
manual is. Other products' passages then compete with the right one, so the figure is lower
than per document; it shows how well a question is answered where only part of a document
can be read by meaning.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from actionvault.actions.ask_document import find_answers
from actionvault.chat.embeddings import MiniLMEmbedder, TextEmbedder, load_embedder
from actionvault.chat.mpnet import load_passage_reader
from actionvault.domain.content import Document, DocumentVersion
from actionvault.text.html import DocumentText

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval" / "qa"


def document_text(name: str, among: Sequence[str] = ()) -> DocumentText:
    """The document `name`, or with `among` that document and those joined into one."""
    names = sorted({name, *among})
    text = "\n\n".join((EVAL_DIR / n).read_text(encoding="utf-8").strip() for n in names)
    document = Document(1, name, "document__c", "draft__c", "draft", 1, 0.0)
    version = DocumentVersion(document, 0, 1, name, "text/plain", text, 0.0)
    return DocumentText(version, text, text, False)


def evaluate(
    held_out: bool,
    embedder: MiniLMEmbedder | None,
    echo: Callable[[str], None] | None,
    passage_model: TextEmbedder | None = None,
    long: bool = False,
) -> tuple[int, int, int, int]:
    """(answered right, answerable, rightly declined, unanswerable)."""
    entries = yaml.safe_load((EVAL_DIR / "questions.yaml").read_text(encoding="utf-8"))
    dev_documents = sorted({e["document"] for e in entries if not e["held_out"]}) if long else []
    right = answerable = declined = unanswerable = 0
    for entry in entries:
        if bool(entry["held_out"]) != held_out:
            continue
        document = document_text(entry["document"], dev_documents)
        answers, _ = find_answers(document, entry["question"], embedder, passage_model)
        quote = entry["passage"]
        cited = answers[0].passage.text if answers else None
        if quote is None:
            unanswerable += 1
            declined += cited is None
            ok = cited is None
        else:
            answerable += 1
            ok = cited is not None and quote in cited
            right += ok
        if echo is not None and not ok:
            echo(f"    {entry['document']}: {entry['question']!r}")
            echo(f"      expected {quote!r}; cited {(cited or 'nothing')[:100]!r}")
    return right, answerable, declined, unanswerable


def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("dev", "held_out", "both"), default="both")
    parser.add_argument("--lexical", action="store_true", help="rank by shared words only")
    parser.add_argument(
        "--small-model-only", action="store_true", help="without the passage model's re-reading"
    )
    parser.add_argument(
        "--long", action="store_true", help="each document read among the dev documents"
    )
    parser.add_argument("--verbose", action="store_true", help="list wrong answers (dev only)")
    args = parser.parse_args(argv)
    embedder = None if args.lexical else load_embedder()
    passage_model = None if args.small_model_only or not embedder else load_passage_reader()
    if passage_model is not None:
        echo("ranking: by meaning (small model, its best 8 passages re-read by the passage model)")
    else:
        echo(f"ranking: {'by meaning (small model)' if embedder else 'lexical (BM25)'}")
    for part in ("dev", "held_out") if args.part == "both" else (args.part,):
        verbose = echo if args.verbose and part == "dev" else None
        started = time.perf_counter()
        right, answerable, declined, unanswerable = evaluate(
            part == "held_out", embedder, verbose, passage_model, args.long
        )
        seconds = (time.perf_counter() - started) / max(answerable + unanswerable, 1)
        echo(
            f"part {part}: top-1 {right}/{answerable} = {right / max(answerable, 1):.2f}; "
            f"unanswerable declined {declined}/{unanswerable} = "
            f"{declined / max(unanswerable, 1):.2f}; {seconds:.2f} s a question"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
