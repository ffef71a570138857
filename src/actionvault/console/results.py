"""Outputs as people read them: Quick Check findings marked in the text, citations linked.

Pure functions from an execution's outputs and its document's text to pieces a template
prints; nothing here reads a store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Finding:
    number: int
    text: str
    suggestion: str
    category: str
    offset: int


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of the document's text, with the finding it is, if it is one."""

    text: str
    finding: Finding | None = None
    anchor: str | None = None


_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(?P<body>.*)\n\s*```\s*$", re.DOTALL)


def _unfenced(value: str) -> str:
    """JSON outputs come in a Markdown code fence, as Vault's do."""
    match = _FENCE.match(value)
    return match["body"] if match else value


def findings_of(value: str) -> list[Finding] | None:
    """The findings of a Quick Check output (its `errors`), or None when it is not one."""
    try:
        payload = json.loads(_unfenced(value))
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("errors"), list):
        return None
    found: list[Finding] = []
    for number, item in enumerate(payload["errors"], start=1):
        if not isinstance(item, dict):
            continue
        found.append(
            Finding(
                number=number,
                text=str(item.get("text", "")),
                suggestion=str(item.get("suggestion", "")),
                category=str(item.get("category", "other")),
                offset=int(item.get("offset", -1)) if _is_int(item.get("offset")) else -1,
            )
        )
    return found


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def marked_text(text: str, findings: list[Finding]) -> list[Piece]:
    """The text cut into pieces, each finding its own piece where its offset says it is.

    A finding whose offset does not hold its text (the text changed, or an overlap with the
    finding before it) is left out of the marks; the list beside the text still shows it.
    """
    pieces: list[Piece] = []
    at = 0
    for finding in sorted(findings, key=lambda f: f.offset):
        start, end = finding.offset, finding.offset + len(finding.text)
        if start < at or not finding.text or text[start:end] != finding.text:
            continue
        if start > at:
            pieces.append(Piece(text[at:start]))
        pieces.append(Piece(text[start:end], finding, f"finding-{finding.number}"))
        at = end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


_CITED = re.compile(r"^(?:- )?(?P<quote>.+?)\s*\[(?P<source>[^\[\]]+)\]\s*$")


@dataclass(frozen=True, slots=True)
class Cited:
    """One line of a summary or answer, and where its passage sits in the document."""

    text: str
    source: str | None = None
    anchor: str | None = None


def cited_lines(value: str, document_text: str | None) -> tuple[list[Cited], list[Piece]]:
    """The lines of a text answer with their citations, and the document text with each cited
    passage marked, so that a citation can link to its passage."""
    lines: list[Cited] = []
    spans: list[tuple[int, int, str]] = []
    for line in (part.strip() for part in value.splitlines()):
        if not line:
            continue
        match = _CITED.match(line)
        if match is None:
            lines.append(Cited(line))
            continue
        quote, source = match["quote"], match["source"]
        anchor = None
        if document_text:
            probe = quote.rstrip(".…").strip()[:80]
            start = document_text.find(probe) if len(probe) >= 12 else -1
            if start >= 0:
                anchor = f"passage-{len(spans) + 1}"
                spans.append((start, start + len(probe), anchor))
        lines.append(Cited(quote, source, anchor))
    pieces: list[Piece] = []
    at = 0
    text = document_text or ""
    for start, end, anchor in sorted(spans):
        if start < at:
            continue
        if start > at:
            pieces.append(Piece(text[at:start]))
        pieces.append(Piece(text[start:end], anchor=anchor))
        at = end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return lines, pieces


def pretty_json(value: str) -> str:
    """The raw output, indented when it is JSON."""
    try:
        return json.dumps(json.loads(_unfenced(value)), indent=2, ensure_ascii=False)
    except ValueError:
        return value
