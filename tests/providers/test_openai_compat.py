"""The OpenAI-compatible wire format, and the two endpoints that differ from plain OpenAI."""

from __future__ import annotations

import socket

import pytest
from pydantic import SecretStr

from actionvault.providers import ProviderError, ProviderSettings
from actionvault.providers.openai_compat import (
    OPENAI_URL,
    azure_endpoint,
    is_strict_schema,
    openai_endpoint,
)
from providers.fake_vendor import Ask, Dialect, FakeVendor, MakeProvider

OPENAI = Dialect("openai")

STRICT = {
    "type": "object",
    "properties": {"issues": {"type": "array", "items": {"type": "string"}}},
    "required": ["issues"],
    "additionalProperties": False,
}


async def test_request_carries_model_messages_and_limits(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask, secret: str
) -> None:
    vendor.reply(OPENAI.answer("Hi."))

    await make_provider("openai").complete(ask("Hello?", max_output_tokens=99, temperature=0.2))

    seen = vendor.seen[0]
    assert seen.path == "/chat/completions"
    assert seen.headers["authorization"] == f"Bearer {secret}"
    assert seen.json() == {
        "model": "gpt-4.1-mini",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hello?"},
        ],
        "temperature": 0.2,
        # A self-hosted server (base_url elsewhere) still expects the old name.
        "max_tokens": 99,
    }


async def test_model_level_picks_the_configured_model(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(OPENAI.answer("Hi."))
    provider = make_provider("openai", model_basic="small-1", model_advanced="large-2")

    await provider.complete(ask(model_level="BASIC"))
    await provider.complete(ask(model_level="ADVANCED"))

    assert [seen.json()["model"] for seen in vendor.seen] == ["small-1", "large-2"]


async def test_json_schema_asks_for_structured_output(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(OPENAI.answer('{"issues": []}'))
    provider = make_provider("openai")

    completion = await provider.complete(ask(json_schema={**STRICT, "title": "Proof reading"}))
    await provider.complete(ask(json_schema={"type": "object", "properties": {}}))

    assert completion.text == '{"issues": []}'
    strict, loose = (seen.json()["response_format"] for seen in vendor.seen)
    assert strict == {
        "type": "json_schema",
        "json_schema": {
            "name": "Proof_reading",
            "schema": {**STRICT, "title": "Proof reading"},
            "strict": True,
        },
    }
    assert loose["json_schema"]["name"] == "answer"
    assert loose["json_schema"]["strict"] is False


async def test_json_object_mode_sends_the_schema_as_an_instruction(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(OPENAI.answer("{}"))

    await make_provider("openai", json_mode="json_object").complete(ask(json_schema=STRICT))

    body = vendor.seen[0].json()
    assert body["response_format"] == {"type": "json_object"}
    assert body["messages"][0]["role"] == "system"
    assert "JSON schema" in body["messages"][0]["content"]
    assert '"issues"' in body["messages"][0]["content"]


def test_strict_schema_rules() -> None:
    assert is_strict_schema(STRICT)
    assert is_strict_schema({"type": "string"})
    assert not is_strict_schema({**STRICT, "additionalProperties": True})
    assert not is_strict_schema({**STRICT, "required": []})
    nested_open = {
        **STRICT,
        "properties": {"issue": {"type": "object", "properties": {"at": {"type": "integer"}}}},
        "required": ["issue"],
    }
    assert not is_strict_schema(nested_open)
    open_in_defs = {**STRICT, "$defs": {"Issue": {"type": "object", "properties": {}}}}
    assert not is_strict_schema(open_in_defs)


async def test_cut_off_answer_is_marked_truncated(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    answer = OPENAI.answer('{"issues": [')
    answer["choices"][0]["finish_reason"] = "length"
    vendor.reply(answer)

    completion = await make_provider("openai").complete(ask())

    assert completion.truncated


async def test_refusal_is_an_error_that_quotes_it(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    answer = OPENAI.answer("")
    answer["choices"][0]["message"] = {"role": "assistant", "content": None, "refusal": "No."}
    vendor.reply(answer)

    with pytest.raises(ProviderError) as caught:
        await make_provider("openai").complete(ask())

    assert caught.value.message == "The model gpt-4.1-mini of openai declined to answer: No."
    assert not caught.value.retryable


async def test_unknown_model_names_the_setting(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(**OPENAI.error(404, "model 'gpt-nope' not found"))

    with pytest.raises(ProviderError) as caught:
        await make_provider("openai", model_advanced="gpt-nope").complete(
            ask(model_level="ADVANCED")
        )

    assert caught.value.message.startswith(
        f"The model provider openai does not know the model gpt-nope at {vendor.url} (HTTP 404"
    )
    assert "check ACTIONVAULT_PROVIDER_MODEL_ADVANCED and ACTIONVAULT_PROVIDER_BASE_URL" in (
        caught.value.message
    )


async def test_bad_request_is_not_retried_and_quotes_the_vendor(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(**OPENAI.error(400, "max_tokens is too large"))

    with pytest.raises(ProviderError) as caught:
        await make_provider("openai").complete(ask())

    assert len(vendor.seen) == 1
    assert caught.value.message == (
        "The model provider openai rejected the request for the model gpt-4.1-mini "
        "(HTTP 400 server_error): max_tokens is too large."
    )


async def test_retry_after_longer_than_allowed_gives_up_at_once(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(**OPENAI.error(429), headers={"retry-after": "120"})

    with pytest.raises(ProviderError) as caught:
        await make_provider("openai", max_retry_wait=5).complete(ask())

    assert len(vendor.seen) == 1
    assert caught.value.retryable
    assert caught.value.retry_after == 120
    assert "asked to wait 120 s, longer than ACTIONVAULT_PROVIDER_MAX_RETRY_WAIT (5 s)" in (
        caught.value.message
    )


async def test_server_saying_do_not_retry_is_believed(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.always(**OPENAI.error(500), headers={"x-should-retry": "false"})

    with pytest.raises(ProviderError):
        await make_provider("openai").complete(ask())

    assert len(vendor.seen) == 1


async def test_self_hosted_server_needs_no_key(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(OPENAI.answer("Local."))

    completion = await make_provider("openai", api_key=None).complete(ask())

    assert completion.text == "Local."
    assert "authorization" not in vendor.seen[0].headers


async def test_unreachable_server_names_the_address(make_provider: MakeProvider, ask: Ask) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more, so the connection is refused.
    provider = make_provider("openai", base_url=f"http://127.0.0.1:{port}/v1", max_retries=1)

    with pytest.raises(ProviderError) as caught:
        await provider.complete(ask())

    assert caught.value.retryable
    assert caught.value.message.startswith(
        f"The model provider openai could not be reached at http://127.0.0.1:{port}/v1"
    )
    assert "did not recover after 1 retry; check ACTIONVAULT_PROVIDER_BASE_URL" in (
        caught.value.message
    )


async def test_azure_deployment_url_version_and_key_header(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask, secret: str
) -> None:
    vendor.reply(OPENAI.answer("From Azure."))
    provider = make_provider(
        "azure-openai", model_basic="my-gpt-deployment", azure_api_version="2024-10-21"
    )

    completion = await provider.complete(ask(max_output_tokens=50))

    seen = vendor.seen[0]
    assert completion.text == "From Azure."
    assert seen.path == "/openai/deployments/my-gpt-deployment/chat/completions"
    assert seen.query == {"api-version": ["2024-10-21"]}
    assert seen.headers["api-key"] == secret
    assert "authorization" not in seen.headers
    body = seen.json()
    assert "model" not in body
    assert body["max_completion_tokens"] == 50


def test_openai_itself_uses_bearer_key_and_the_new_token_limit(secret: str) -> None:
    endpoint = openai_endpoint(ProviderSettings(name="openai", api_key=SecretStr(secret)))

    assert endpoint.url("gpt-4.1") == f"{OPENAI_URL}/chat/completions"
    assert endpoint.headers == {"Authorization": f"Bearer {secret}"}
    assert endpoint.max_tokens_field == "max_completion_tokens"
    assert secret not in repr(endpoint)


def test_azure_endpoint_hides_its_key(secret: str) -> None:
    settings = ProviderSettings(
        name="azure-openai", api_key=SecretStr(secret), base_url="https://x.test"
    )

    assert secret not in repr(azure_endpoint(settings))
