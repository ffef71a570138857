"""The shared call policy on its own: classification, Retry-After, backoff, messages."""

from __future__ import annotations

import asyncio
import email.utils

import pytest

from actionvault.providers import ProviderError
from actionvault.providers.calls import (
    AttemptFailed,
    CallPolicy,
    CallSite,
    ProviderCalls,
    backoff_delay,
    failure_for_status,
    parse_retry_after,
    scrub,
)


@pytest.mark.parametrize(
    ("status", "kind", "retryable"),
    [
        (400, "rejected", False),
        (401, "auth", False),
        (403, "forbidden", False),
        (404, "not_found", False),
        (408, "unavailable", True),
        (409, "unavailable", True),
        (413, "rejected", False),
        (429, "rate_limited", True),
        (500, "unavailable", True),
        (503, "unavailable", True),
        (529, "unavailable", True),
    ],
)
def test_status_classification(status: int, kind: str, retryable: bool) -> None:
    failure = failure_for_status(status, {})

    assert (failure.kind, failure.retryable) == (kind, retryable)


def test_x_should_retry_overrides_the_status() -> None:
    assert not failure_for_status(503, {"X-Should-Retry": "false"}).retryable
    assert failure_for_status(400, {"x-should-retry": "true"}).retryable


def test_retry_after_in_seconds_milliseconds_and_as_a_date() -> None:
    now = 1_800_000_000.0
    in_30_s = email.utils.formatdate(now + 30, usegmt=True)

    assert parse_retry_after({"retry-after": "7"}) == 7
    assert parse_retry_after({"retry-after": "1.5"}) == 1.5
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"retry-after": in_30_s}, now=now) == pytest.approx(30)
    assert parse_retry_after({"retry-after": "-3"}) == 0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_failure_carries_retry_after_from_any_header_case() -> None:
    assert failure_for_status(429, {"Retry-After": "3"}).retry_after == 3


def test_backoff_doubles_up_to_the_cap_with_at_most_a_quarter_off() -> None:
    def no_jitter() -> float:
        return 0.0

    def full_jitter() -> float:
        return 1.0

    delays = [backoff_delay(n, initial=0.5, cap=4.0, rand=no_jitter) for n in range(6)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert backoff_delay(1, initial=0.5, cap=4.0, rand=full_jitter) == 0.75


def test_scrub_replaces_every_secret() -> None:
    assert scrub("key abc and abc again, xyz", ("abc", "xyz", "")) == "key *** and *** again, ***"


def calls(policy: CallPolicy) -> ProviderCalls:
    site = CallSite(provider="testvendor", endpoint="http://vendor.test")
    return ProviderCalls(site, policy, rand=lambda: 0.0)


async def test_retries_stop_at_max_and_the_last_failure_is_reported() -> None:
    attempts = 0

    async def always_busy() -> str:
        nonlocal attempts
        attempts += 1
        raise AttemptFailed("unavailable", "busy", status=502)

    policy = CallPolicy(max_retries=2, backoff_initial=0.001)
    with pytest.raises(ProviderError) as caught:
        await calls(policy).run(always_busy, model="m", level="BASIC")

    assert attempts == 3
    assert caught.value.message == (
        "The model provider testvendor is failing (HTTP 502) and did not recover after "
        "2 retries: busy."
    )
    assert isinstance(caught.value.__cause__, AttemptFailed)


async def test_deadline_applies_to_each_attempt_not_to_the_queue() -> None:
    limited = calls(CallPolicy(max_concurrency=1, timeout=0.25, max_retries=0))

    async def hold() -> str:
        await asyncio.sleep(0.15)
        return "held"

    async def quick() -> str:
        return "quick"

    results = await asyncio.gather(
        limited.run(hold, model="m", level="BASIC"),
        limited.run(hold, model="m", level="BASIC"),
        # Queued behind two holders for ~0.3 s, longer than the 0.25 s deadline.
        limited.run(quick, model="m", level="BASIC"),
    )

    assert list(results) == ["held", "held", "quick"]


async def test_long_detail_is_clipped() -> None:
    async def verbose() -> str:
        raise AttemptFailed("rejected", "x" * 5000, status=400)

    with pytest.raises(ProviderError) as caught:
        await calls(CallPolicy()).run(verbose, model="m", level="BASIC")

    assert len(caught.value.message) < 500


async def test_anything_unexpected_still_becomes_a_provider_error() -> None:
    async def broken() -> str:
        raise ValueError("boom")

    with pytest.raises(ProviderError) as caught:
        await calls(CallPolicy(max_retries=3)).run(broken, model="m", level="BASIC")

    assert caught.value.message == (
        "The model provider testvendor failed unexpectedly: ValueError: boom"
    )
    assert not caught.value.retryable
    assert isinstance(caught.value.__cause__, AttemptFailed)
    assert isinstance(caught.value.__cause__.__cause__, ValueError)
