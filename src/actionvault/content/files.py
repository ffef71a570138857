"""Uploaded files on disk: streamed in under a size limit, kept by their SHA-256 digest.

The client's file name never becomes a path: files are stored under their digest, so names
with `../`, slashes or odd bytes can do no harm, and one file uploaded twice is kept once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 16


class FileTooLarge(Exception):
    """The upload passed the configured size limit."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    key: str  # the digest; the path under the store's root is derived from it
    size: int
    sha256: str


class FileStore:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not a file key: {key!r}")
        return self.root / key[:2] / key

    async def save(self, chunks: AsyncIterator[bytes]) -> StoredFile:
        """Write chunks to a temporary file, then move it into place under its digest."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FileTooLarge()
                    digest.update(chunk)
                    out.write(chunk)
            key = digest.hexdigest()
            final = self.path(key)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, final)
        except BaseException:
            os.unlink(temporary)
            raise
        return StoredFile(key=key, size=size, sha256=key)

    async def save_bytes(self, data: bytes) -> StoredFile:
        async def one() -> AsyncIterator[bytes]:
            for start in range(0, len(data), _CHUNK):
                yield data[start : start + _CHUNK]
            if not data:
                yield b""

        return await self.save(one())
