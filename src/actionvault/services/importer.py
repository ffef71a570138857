"""Load a folder into actionvault: files become documents, CSV files become object records.

Loading is repeatable: a file whose content is already stored, or a record whose name already
exists for its object, is skipped, so an interrupted import can simply be run again.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from actionvault.domain.principals import Principal
from actionvault.errors import ActionVaultError
from actionvault.services.content import ContentService, Upload
from actionvault.store.content import SQLContentStore

_CHUNK = 1 << 16


@dataclass
class ImportReport:
    documents: int = 0
    records: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    #: One line per document or record made: its id, then where it came from.
    created: list[str] = field(default_factory=list)


def import_plan(root: Path) -> list[Path]:
    """Every file under `root`, in a stable order, hidden files and folders left out."""
    if root.is_file():
        return [root]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            yield {k.strip(): v for k, v in row.items() if k and v not in (None, "")}


class Importer:
    def __init__(self, content: ContentService, store: SQLContentStore) -> None:
        self._content = content
        self._store = store

    async def run(
        self,
        principal: Principal,
        paths: list[Path],
        document_type: str,
        advance: Callable[[Path], None] = lambda _: None,
    ) -> ImportReport:
        report = ImportReport()
        for path in paths:
            try:
                if path.suffix.lower() == ".csv" and self._content.objects.get(path.stem):
                    await self._records(principal, path, report)
                else:
                    await self._document(principal, path, document_type, report)
            except ActionVaultError as exc:
                report.failures.append(f"{path}: {exc.vault_type}: {exc.message}")
            advance(path)
        return report

    async def _document(
        self, principal: Principal, path: Path, document_type: str, report: ImportReport
    ) -> None:
        if await self._store.document_with_file(_sha256(path)) is not None:
            report.skipped += 1
            return
        fields = {"name__v": path.stem.replace("_", " ").strip() or path.name,
                  "type__v": document_type}  # fmt: skip
        made = await self._content.create_document(
            principal, fields, Upload(path.name, None, _chunks(path))
        )
        report.documents += 1
        report.created.append(f"document {made.document.id}\t{path}")

    async def _records(self, principal: Principal, path: Path, report: ImportReport) -> None:
        object_name = path.stem
        for number, row in enumerate(_csv_rows(path), start=2):
            name = row.get("name__v", "")
            if name and await self._store.record_named(object_name, name) is not None:
                report.skipped += 1
                continue
            [result] = await self._content.create_records(principal, object_name, [row])
            if isinstance(result, ActionVaultError):
                report.failures.append(f"{path}:{number}: {result.vault_type}: {result.message}")
            else:
                report.records += 1
                report.created.append(f"record {result.id}\t{path}:{number} {name}".rstrip())
