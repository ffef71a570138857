"""Bedrock's Converse API through boto3, against a local server speaking its wire format."""

from __future__ import annotations

import json
import sys
from urllib.parse import unquote

import pytest

from actionvault.providers import ProviderConfigError, ProviderError, build_provider
from providers.fake_vendor import Ask, Dialect, FakeVendor, MakeProvider, SettingsFor

pytest.importorskip("boto3")

BEDROCK = Dialect("bedrock")
CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


async def test_converse_request_is_signed_and_shaped(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(BEDROCK.answer("Hi."))

    await make_provider("bedrock").complete(ask("Hello?", max_output_tokens=64))

    seen = vendor.seen[0]
    assert unquote(seen.path) == f"/model/{CLAUDE}/converse"
    assert seen.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert seen.json() == {
        "messages": [{"role": "user", "content": [{"text": "Hello?"}]}],
        "system": [{"text": "Be brief."}],
        # Claude on Bedrock is not sent a temperature.
        "inferenceConfig": {"maxTokens": 64},
    }


async def test_other_model_families_get_the_temperature(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(BEDROCK.answer("Hi."))
    provider = make_provider("bedrock", model_advanced="meta.llama3-70b-instruct-v1:0")

    await provider.complete(ask(model_level="ADVANCED", temperature=0.3))

    seen = vendor.seen[0]
    assert unquote(seen.path) == "/model/meta.llama3-70b-instruct-v1:0/converse"
    assert seen.json()["inferenceConfig"] == {"maxTokens": 1024, "temperature": 0.3}


async def test_json_schema_asks_for_structured_output(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(BEDROCK.answer('{"ok": true}'))
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}

    completion = await make_provider("bedrock").complete(ask(json_schema=schema))

    text_format = vendor.seen[0].json()["outputConfig"]["textFormat"]
    assert completion.text == '{"ok": true}'
    assert text_format["type"] == "json_schema"
    assert json.loads(text_format["structure"]["jsonSchema"]["schema"]) == schema


async def test_guardrail_intervention_is_a_refusal(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    answer = BEDROCK.answer("Sorry, the model cannot answer this question.")
    answer["stopReason"] = "guardrail_intervened"
    vendor.reply(answer)

    with pytest.raises(ProviderError) as caught:
        await make_provider("bedrock").complete(ask())

    assert caught.value.message.startswith(
        f"The model {CLAUDE} of bedrock declined to answer: guardrail_intervened"
    )


async def test_access_denied_says_to_check_model_access(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(
        {"message": "You don't have access to the model with the specified model ID."},
        403,
        headers={"x-amzn-errortype": "AccessDeniedException"},
    )

    with pytest.raises(ProviderError) as caught:
        await make_provider("bedrock").complete(ask())

    assert caught.value.message.startswith(
        "The model provider bedrock refused the request (HTTP 403 AccessDeniedException): "
        "You don't have access"
    )
    assert f"may use the model {CLAUDE}" in caught.value.message


async def test_no_credentials_anywhere_says_where_to_put_them(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    provider = make_provider("bedrock", aws_access_key_id=None, aws_secret_access_key=None)

    with pytest.raises(ProviderError) as caught:
        await provider.complete(ask())

    assert vendor.seen == []
    assert caught.value.message.startswith(
        "The model provider bedrock found no AWS credentials; set "
        "ACTIONVAULT_PROVIDER_AWS_ACCESS_KEY_ID and ACTIONVAULT_PROVIDER_AWS_SECRET_ACCESS_KEY"
    )


def test_missing_region_is_a_configuration_error(settings_for: SettingsFor) -> None:
    with pytest.raises(ProviderConfigError) as caught:
        build_provider(settings_for("bedrock", aws_region=None))

    assert "ACTIONVAULT_PROVIDER_AWS_REGION" in str(caught.value)


def test_unknown_profile_is_a_configuration_error(settings_for: SettingsFor) -> None:
    with pytest.raises(ProviderConfigError) as caught:
        build_provider(settings_for("bedrock", aws_profile="nobody"))

    assert "'nobody'" in str(caught.value)
    assert "ACTIONVAULT_PROVIDER_AWS_PROFILE" in str(caught.value)


def test_without_boto3_the_error_says_what_to_install(
    settings_for: SettingsFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)

    with pytest.raises(ProviderConfigError) as caught:
        build_provider(settings_for("bedrock"))

    assert "pip install 'actionvault[bedrock]'" in str(caught.value)
    assert "built-in offline engine" in str(caught.value)
