"""The content actions run on: document versions with their text, and object records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    name: str
    type: str
    lifecycle: str
    status: str
    owner_id: int
    created_at: float


@dataclass(frozen=True, slots=True)
class DocumentVersion:
    """One version of a document; `text` is extracted once when the version is stored."""

    document: Document
    major: int
    minor: int
    file_name: str
    mime_type: str
    text: str
    created_at: float

    @property
    def version_label(self) -> str:
        return f"{self.major}.{self.minor}"


@dataclass(frozen=True, slots=True)
class ObjectRecord:
    id: str
    object_name: str
    object_type: str
    name: str
    owner_id: int
    fields: dict[str, Any] = field(default_factory=dict)
