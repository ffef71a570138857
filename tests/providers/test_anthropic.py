"""Anthropic's Messages API through the official SDK, against a local server."""

from __future__ import annotations

import sys

import pytest

from actionvault.providers import ProviderConfigError, ProviderError, build_provider
from providers.fake_vendor import Ask, Dialect, FakeVendor, MakeProvider, SettingsFor

pytest.importorskip("anthropic")

ANTHROPIC = Dialect("anthropic")


async def test_system_prompt_travels_apart_and_max_tokens_is_sent(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask, secret: str
) -> None:
    vendor.reply(ANTHROPIC.answer("Hi."))

    await make_provider("anthropic").complete(ask("Hello?", max_output_tokens=77))

    seen = vendor.seen[0]
    assert seen.path == "/v1/messages"
    # The SDK chooses the auth header and the API version; both must be there.
    sent_key = seen.headers.get("x-api-key") or seen.headers["authorization"].split()[-1]
    assert sent_key == secret
    assert seen.headers["anthropic-version"]
    assert seen.json() == {
        "model": "claude-haiku-5-5",
        "max_tokens": 77,
        "system": "Be brief.",
        "messages": [{"role": "user", "content": "Hello?"}],
    }


async def test_advanced_level_and_json_schema(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply(ANTHROPIC.answer('{"ok": true}'))
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}

    completion = await make_provider("anthropic", model_advanced="claude-big").complete(
        ask(model_level="ADVANCED", json_schema=schema)
    )

    body = vendor.seen[0].json()
    assert completion.text == '{"ok": true}'
    assert body["model"] == "claude-big"
    assert body["output_config"] == {"format": {"type": "json_schema", "schema": schema}}


async def test_text_blocks_are_joined_and_max_tokens_marks_truncation(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    answer = ANTHROPIC.answer("First. ")
    answer["content"].append({"type": "text", "text": "Second."})
    answer["stop_reason"] = "max_tokens"
    vendor.reply(answer)

    completion = await make_provider("anthropic").complete(ask())

    assert completion.text == "First. Second."
    assert completion.model == "claude-test"
    assert completion.truncated


async def test_refusal_is_an_error(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    answer = ANTHROPIC.answer("I can't help with that.")
    answer["stop_reason"] = "refusal"
    vendor.reply(answer)

    with pytest.raises(ProviderError) as caught:
        await make_provider("anthropic").complete(ask())

    assert caught.value.message == (
        "The model claude-haiku-5-5 of anthropic declined to answer: I can't help with that."
    )


async def test_overloaded_529_is_retried(
    vendor: FakeVendor, make_provider: MakeProvider, ask: Ask
) -> None:
    vendor.reply({"type": "error", "error": {"type": "overloaded_error", "message": ""}}, 529)
    vendor.reply(ANTHROPIC.answer("Back."))

    completion = await make_provider("anthropic").complete(ask())

    assert completion.text == "Back."
    assert len(vendor.seen) == 2


def test_without_the_sdk_the_error_says_what_to_install(
    settings_for: SettingsFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)

    with pytest.raises(ProviderConfigError) as caught:
        build_provider(settings_for("anthropic"))

    assert "pip install 'actionvault[anthropic]'" in str(caught.value)
    assert "built-in offline engine" in str(caught.value)
