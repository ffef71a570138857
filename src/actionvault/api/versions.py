"""API versions: which are served, and which of them have the AI endpoints."""

from __future__ import annotations

import functools
import re

from actionvault.errors import MalformedUrl, MethodNotSupported

SUPPORTED_VERSIONS = ("v25.2", "v25.3", "v26.1", "v26.2", "v26.3")
FIRST_AI_VERSION = "v25.2"
#: Vault's own spelling: `v` and a release without leading zeros, a dot, one digit.
_VERSION = re.compile(r"v([1-9]\d{0,2})\.(\d)", re.ASCII)


@functools.lru_cache(maxsize=64)  # every request names its version; few distinct ones exist
def _key(version: str) -> tuple[int, int] | None:
    match = _VERSION.fullmatch(version)
    return (int(match.group(1)), int(match.group(2))) if match else None


def check_version(version: str, *, ai: bool) -> None:
    """Raise the error Vault gives for a version this server does not serve.

    Only the versions listed by `GET /api` are served. An AI path on a well-formed version
    from before the AI API answers METHOD_NOT_SUPPORTED, as Vault does for an endpoint that a
    version lacks; anything else unserved, malformed or zero-padded, is MALFORMED_URL.
    """
    if version in SUPPORTED_VERSIONS:
        return
    key = _key(version)
    first_ai = _key(FIRST_AI_VERSION)
    assert first_ai is not None
    if ai and key is not None and key < first_ai:
        raise MethodNotSupported(
            f"This endpoint is not available in API version [{version}]; "
            f"use {FIRST_AI_VERSION} or later"
        )
    raise MalformedUrl(
        f"API version [{version}] is not supported; use one of {', '.join(SUPPORTED_VERSIONS)}"
    )
