"""Verify a webhook in the receiver's code: Standard Webhooks signatures, with hmac alone.

A receiver needs nothing of the SDK but this: the HMAC-SHA256 of `{webhook-id}.{timestamp}.
{body}` under the secret's bytes, compared in constant time with each `v1,` signature of the
`webhook-signature` header, and a timestamp close to now so that an old message cannot be
replayed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any


class WebhookVerificationError(ValueError):
    """The webhook's signature or timestamp does not verify; do not act on it."""


def verify_webhook(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: float = 300.0,
    now: float | None = None,
) -> dict[str, Any]:
    """The parsed payload once its signature verifies, else WebhookVerificationError.

    `payload` is the raw request body, exactly as received; `secret` the webhook's `whsec_...`.
    """
    body = payload.encode() if isinstance(payload, str) else payload
    lowered = {k.lower(): v for k, v in headers.items()}
    message_id = lowered.get("webhook-id")
    timestamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not (message_id and timestamp and signatures):
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or signature")
    if not timestamp.isdigit():
        raise WebhookVerificationError("webhook-timestamp is not a Unix time")
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        raise WebhookVerificationError("webhook-timestamp is too far from now")
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error:
        raise WebhookVerificationError("the secret is not a whsec_ base64 secret") from None
    signed = b"%s.%s.%s" % (message_id.encode(), timestamp.encode(), body)
    expected = hmac.new(key, signed, hashlib.sha256).digest()
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version != "v1":
            continue
        try:
            given = base64.b64decode(value, validate=True)
        except binascii.Error:
            continue
        if hmac.compare_digest(expected, given):
            parsed: dict[str, Any] = json.loads(body)
            return parsed
    raise WebhookVerificationError("no signature matches")
