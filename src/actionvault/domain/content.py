"""The content actions run on: document versions with their text, and object records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of a version's text and where it sits: its page and the heading above it."""

    start: int
    end: int
    page: int | None = None
    heading: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    name: str
    type: str
    lifecycle: str
    status: str
    owner_id: int
    created_at: float
    fields: dict[str, Any] = field(default_factory=dict)


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
    segments: tuple[Segment, ...] = ()
    file_key: str | None = None
    file_size: int = 0
    sha256: str | None = None
    created_by: int | None = None

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
    created_at: float = 0.0
    modified_at: float = 0.0


class SeenVersion(NamedTuple):
    """A document version, and whether the caller asking may see it."""

    version: DocumentVersion
    visible: bool


class VersionRef(NamedTuple):
    """What execute needs of a version: its document's type and its number, not its text."""

    document_type: str
    major: int
    minor: int
