"""Identifiers as Vault writes them: document versions and execution ids."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOCUMENT_ID = re.compile(r"(\d{1,18})(?:_(\d{1,9})_(\d{1,9}))?", re.ASCII)
#: Execution ids look like Vault record ids: a key prefix and a zero-padded number.
EXECUTION_ID_PREFIX = "VAB"
EXECUTION_ID_DIGITS = 12
_EXECUTION_ID = re.compile(rf"{EXECUTION_ID_PREFIX}(\d{{{EXECUTION_ID_DIGITS}}})", re.ASCII)


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document, optionally pinned to one version (`123` or `123_0_1`)."""

    document_id: int
    major: int | None = None
    minor: int | None = None

    def __str__(self) -> str:
        if self.major is None:
            return str(self.document_id)
        return f"{self.document_id}_{self.major}_{self.minor}"


def parse_document_ref(value: str) -> DocumentRef | None:
    """Parse Vault's `document_id` form; None when it is not `{id}` or `{id}_{major}_{minor}`."""
    match = _DOCUMENT_ID.fullmatch(value.strip())
    if match is None:
        return None
    doc, major, minor = match.groups()
    if major is None:
        return DocumentRef(int(doc))
    return DocumentRef(int(doc), int(major), int(minor))


def format_execution_id(number: int) -> str:
    """Execution ids look like Vault record ids: the `VAB` key prefix and 12 digits."""
    return f"{EXECUTION_ID_PREFIX}{number:0{EXECUTION_ID_DIGITS}d}"


def parse_execution_id(value: str) -> int | None:
    """The store's number behind an execution id; None when it is not one."""
    match = _EXECUTION_ID.fullmatch(value.strip())
    return int(match.group(1)) if match else None
