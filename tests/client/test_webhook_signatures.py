"""verify_webhook accepts what the standardwebhooks library signs, and nothing else."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from actionvault.client import WebhookVerificationError, verify_webhook

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = '{"type":"execution.succeeded","data":{"executionId":"0000000000000001"}}'


def signed(body: str = BODY, at: float | None = None) -> dict[str, str]:
    stamp = int(time.time() if at is None else at)
    signature = Webhook(SECRET).sign("msg_1", datetime.fromtimestamp(stamp, UTC), body)
    return {"Webhook-Id": "msg_1", "Webhook-Timestamp": str(stamp), "Webhook-Signature": signature}


def test_a_signature_made_by_the_standard_library_verifies() -> None:
    assert verify_webhook(BODY.encode(), signed(), SECRET)["type"] == "execution.succeeded"


def test_one_matching_signature_among_several_is_enough() -> None:
    headers = signed()
    headers["Webhook-Signature"] = "v1,bm90IGl0 v2,abc " + headers["Webhook-Signature"]
    verify_webhook(BODY, headers, SECRET)


@pytest.mark.parametrize(
    ("body", "headers", "secret"),
    [
        (BODY.replace("0001", "0002"), signed(), SECRET),
        (BODY, signed(), "whsec_" + "A" * 32),
        (BODY, signed(at=time.time() - 3600), SECRET),
        (BODY, {k: v for k, v in signed().items() if k != "Webhook-Id"}, SECRET),
    ],
    ids=["changed body", "other secret", "old timestamp", "no id"],
)
def test_anything_else_is_refused(body: str, headers: dict[str, str], secret: str) -> None:
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, headers, secret)
