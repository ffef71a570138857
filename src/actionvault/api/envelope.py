"""The Vault envelope: one shape for every answer, success, failure and crash alike."""

from __future__ import annotations

from typing import Any

from actionvault.errors import ActionVaultError

Envelope = dict[str, Any]


def success(payload: dict[str, Any] | None = None) -> Envelope:
    return {"responseStatus": "SUCCESS", **(payload or {})}


def failure(error: ActionVaultError) -> Envelope:
    envelope: Envelope = {
        "responseStatus": error.response_status,
        "errors": [{"type": error.vault_type, "message": error.message}],
    }
    if error.error_category is not None:
        envelope["errorType"] = error.error_category
    return envelope


def exception(message: str) -> Envelope:
    """A crash: Vault's EXCEPTION status, never a stack trace."""
    return {
        "responseStatus": "EXCEPTION",
        "errors": [{"type": "UNEXPECTED_ERROR", "message": message}],
    }
