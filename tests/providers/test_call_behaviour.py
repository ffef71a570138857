"""What every vendor adapter does the same way, each against a local server speaking its wire
format: answers, retries, deadlines, limits, cancellation, and errors a person can act on."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from actionvault.providers import ProviderError
from providers.fake_vendor import DIALECTS, Ask, Dialect, FakeVendor, MakeProvider

pytestmark = pytest.mark.parametrize("dialect", DIALECTS)


async def wait_for_request(vendor: FakeVendor, count: int = 1) -> None:
    deadline = time.monotonic() + 5
    while len(vendor.seen) < count:
        assert time.monotonic() < deadline, "the request never reached the server"
        await asyncio.sleep(0.01)


async def test_answer_text_and_usage(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(dialect.answer("Hello there.", input_tokens=21, output_tokens=4))

    completion = await make_provider(dialect.provider).complete(ask())

    assert completion.text == "Hello there."
    assert (completion.input_tokens, completion.output_tokens) == (21, 4)
    assert completion.model
    assert not completion.truncated


async def test_429_with_retry_after_waits_as_told_then_succeeds(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    too_many = dialect.error(429, "slow down")
    vendor.reply(**(too_many | {"headers": too_many.get("headers", {}) | {"retry-after": "0.3"}}))
    vendor.reply(dialect.answer("Finally."))
    started = time.monotonic()

    completion = await make_provider(dialect.provider).complete(ask())

    assert completion.text == "Finally."
    assert len(vendor.seen) == 2
    # The backoff alone would be 10 ms: the server's pause won.
    assert time.monotonic() - started >= 0.28


async def test_500_then_success(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(**dialect.error(500))
    vendor.reply(dialect.answer("Recovered."))

    completion = await make_provider(dialect.provider).complete(ask())

    assert completion.text == "Recovered."
    assert len(vendor.seen) == 2


async def test_dropped_connection_is_retried(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(drop=True)
    vendor.reply(dialect.answer("Reconnected."))

    completion = await make_provider(dialect.provider).complete(ask())

    assert completion.text == "Reconnected."


async def test_persistent_503_gives_up_after_max_retries(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(**dialect.error(503, "down for maintenance"))

    with pytest.raises(ProviderError) as caught:
        await make_provider(dialect.provider, max_retries=2).complete(ask())

    assert len(vendor.seen) == 3
    assert caught.value.retryable
    assert caught.value.message.startswith(
        f"The model provider {dialect.provider} is failing (HTTP 503"
    )
    assert "did not recover after 2 retries" in caught.value.message
    assert "down for maintenance" in caught.value.message


async def test_rate_limit_that_persists_says_so(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(**dialect.error(429))

    with pytest.raises(ProviderError) as caught:
        await make_provider(dialect.provider, max_retries=3).complete(ask())

    assert len(vendor.seen) == 4
    assert f"The model provider {dialect.provider} is rate-limiting requests (HTTP 429" in (
        caught.value.message
    )
    assert "did not recover after 3 retries" in caught.value.message


async def test_rejected_credentials_fail_at_once_naming_the_setting(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(**dialect.bad_credentials())

    with pytest.raises(ProviderError) as caught:
        await make_provider(dialect.provider).complete(ask())

    assert len(vendor.seen) == 1
    assert not caught.value.retryable
    if dialect.provider == "bedrock":
        assert caught.value.message.startswith(
            "The model provider bedrock rejected the AWS credentials "
            "(HTTP 403 UnrecognizedClientException); check ACTIONVAULT_PROVIDER_AWS_ACCESS_KEY_ID"
        )
    else:
        assert caught.value.message == (
            f"The model provider {dialect.provider} rejected the API key (HTTP 401"
            + (" authentication_error" if dialect.provider == "anthropic" else " server_error")
            + "); check ACTIONVAULT_PROVIDER_API_KEY."
        )


async def test_slow_answer_past_the_timeout(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(dialect.answer("Too late."), delay=3)
    started = time.monotonic()

    with pytest.raises(ProviderError) as caught:
        await make_provider(dialect.provider, timeout=0.2, max_retries=1).complete(ask())

    assert time.monotonic() - started < 2
    assert len(vendor.seen) == 2
    assert caught.value.retryable
    assert caught.value.message == (
        f"The model provider {dialect.provider} did not answer within 0.2 s "
        "(ACTIONVAULT_PROVIDER_TIMEOUT) and did not recover after 1 retry."
    )


@pytest.mark.parametrize("body", [b"<html>Bad gateway</html>", {"unexpected": True}])
async def test_malformed_answer(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask, body: object
) -> None:
    vendor.always(body)

    with pytest.raises(ProviderError) as caught:
        await make_provider(dialect.provider).complete(ask())

    assert caught.value.message.startswith(
        f"The model provider {dialect.provider} answered with something that is not a chat "
        "completion: "
    )
    assert not caught.value.retryable


async def test_concurrency_limit_is_respected(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(dialect.answer("One of many."), delay=0.1)
    provider = make_provider(dialect.provider, max_concurrency=2)

    completions = await asyncio.gather(*(provider.complete(ask()) for _ in range(6)))

    assert [c.text for c in completions] == ["One of many."] * 6
    assert vendor.most_in_flight == 2


async def test_cancelling_an_in_flight_call_returns_promptly(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(dialect.answer("Never seen."), delay=5)
    provider = make_provider(dialect.provider, timeout=10)
    call = asyncio.create_task(provider.complete(ask()))
    await wait_for_request(vendor)

    started = time.monotonic()
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call

    assert time.monotonic() - started < 0.5
    assert len(vendor.seen) == 1


async def test_cancelled_call_frees_its_slot(
    dialect: Dialect, vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(dialect.answer("Never seen."), delay=5)
    vendor.always(dialect.answer("Next."))
    provider = make_provider(dialect.provider, max_concurrency=1, timeout=10)
    call = asyncio.create_task(provider.complete(ask()))
    await wait_for_request(vendor)
    call.cancel()

    completion = await asyncio.wait_for(provider.complete(ask()), timeout=2)

    assert completion.text == "Next."


async def test_the_key_never_appears_in_logs_errors_or_reprs(
    dialect: Dialect,
    vendor: FakeVendor,
    make_provider: MakeProvider,
    ask: Ask,
    secret: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    vendor.reply(**dialect.error(503))
    vendor.reply(**dialect.error(401))
    provider = make_provider(dialect.provider)

    with pytest.raises(ProviderError) as caught:
        await provider.complete(ask())

    # Every library's debug log included, not only ours.
    for text in (str(caught.value), repr(caught.value), repr(provider), caplog.text):
        assert secret not in text


async def test_a_key_echoed_by_the_server_is_scrubbed(
    dialect: Dialect,
    vendor: FakeVendor,
    make_provider: MakeProvider,
    ask: Ask,
    secret: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A careless proxy that echoes the key back in its error must not carry it further. (What
    # a vendor library logs of the body at DEBUG is its own affair.)
    caplog.set_level(logging.DEBUG, logger="actionvault")
    vendor.reply(**dialect.error(503, f"upstream refused key {secret}"))
    vendor.reply(**dialect.error(400, f"bad request for key {secret}"))

    with pytest.raises(ProviderError) as caught:
        await make_provider(dialect.provider).complete(ask())

    assert "bad request for key ***" in caught.value.message
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("actionvault")]
    assert ours
    for text in (str(caught.value), *ours):
        assert secret not in text
