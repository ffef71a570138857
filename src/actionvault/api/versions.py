"""API versions: which are served, and which of them have the AI endpoints."""

from __future__ import annotations

import functools
import re

from actionvault.errors import MalformedUrl, MethodNotSupported

SUPPORTED_VERSIONS = ("v25.2", "v25.3", "v26.1", "v26.2", "v26.3")
FIRST_AI_VERSION = "v25.2"
_VERSION = re.compile(r"v(\d{1,3})\.(\d{1,2})", re.ASCII)


@functools.lru_cache(maxsize=64)  # every request names its version; few distinct ones exist
def _key(version: str) -> tuple[int, int] | None:
    match = _VERSION.fullmatch(version)
    return (int(match.group(1)), int(match.group(2))) if match else None


def check_version(version: str, *, ai: bool) -> None:
    """Raise the error Vault gives for a version this endpoint does not exist in."""
    key = _key(version)
    newest = _key(SUPPORTED_VERSIONS[-1])
    assert newest is not None
    if key is None or key > newest:
        raise MalformedUrl(
            f"API version [{version}] is not supported; use one of {', '.join(SUPPORTED_VERSIONS)}"
        )
    first_ai = _key(FIRST_AI_VERSION)
    assert first_ai is not None
    if ai and key < first_ai:
        raise MethodNotSupported(
            f"This endpoint is not available in API version [{version}]; "
            f"use {FIRST_AI_VERSION} or later"
        )
