"""Choosing a provider by name: the offline default, clear refusals, model levels, settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

import actionvault.providers
from actionvault.providers import (
    PROVIDER_NAMES,
    ProviderConfigError,
    ProviderSettings,
    build_provider,
)
from actionvault.providers.registry import VENDORS
from providers.fake_vendor import MakeProvider, SettingsFor, with_sdk

DOCS = Path(__file__).parents[2] / "docs" / "reference" / "providers.md"


def test_names() -> None:
    assert PROVIDER_NAMES == ("anthropic", "azure-openai", "bedrock", "openai")


@pytest.mark.parametrize("name", [None, "builtin", "BUILTIN", ""])
def test_no_name_or_builtin_means_the_offline_engine(name: str | None) -> None:
    assert build_provider(ProviderSettings(name=name)) is None


def test_default_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    assert build_provider() is None
    monkeypatch.setenv("ACTIONVAULT_PROVIDER_NAME", "openai")
    monkeypatch.setenv("ACTIONVAULT_PROVIDER_API_KEY", secret)
    monkeypatch.setenv("ACTIONVAULT_PROVIDER_MAX_RETRIES", "5")

    settings = ProviderSettings()

    assert settings.name == "openai"
    assert settings.max_retries == 5
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == secret
    assert secret not in repr(settings)
    assert secret not in str(settings.model_dump())


def test_unknown_name_lists_the_choices() -> None:
    with pytest.raises(ProviderConfigError) as caught:
        build_provider(ProviderSettings(name="gemini"))

    assert str(caught.value) == (
        "Unknown model provider 'gemini' in ACTIONVAULT_PROVIDER_NAME; choose one of: "
        "anthropic, azure-openai, bedrock, builtin, openai."
    )


@pytest.mark.parametrize("name", ["openai", "azure-openai", "anthropic"])
def test_missing_key_names_the_variable_and_the_offline_engine(name: str) -> None:
    with pytest.raises(ProviderConfigError) as caught:
        build_provider(ProviderSettings(name=name))

    assert str(caught.value) == (
        f"The model provider {name} needs an API key: set ACTIONVAULT_PROVIDER_API_KEY. "
        "Without a model provider (ACTIONVAULT_PROVIDER_NAME unset or builtin) the built-in "
        "offline engine runs, and actions that need a model end FAILURE saying so."
    )


async def test_self_hosted_openai_compatible_server_needs_no_key() -> None:
    # A base_url other than OpenAI's is vLLM, Ollama, llama.cpp...: no key expected.
    provider = build_provider(ProviderSettings(name="openai", base_url="http://127.0.0.1:1/v1"))

    assert provider is not None
    assert provider.name == "openai"
    await provider.aclose()


def test_azure_needs_its_resource_endpoint(secret: str) -> None:
    with pytest.raises(ProviderConfigError, match="set ACTIONVAULT_PROVIDER_BASE_URL"):
        build_provider(ProviderSettings(name="azure-openai", api_key=SecretStr(secret)))


@pytest.mark.parametrize("name", [with_sdk(name) for name in PROVIDER_NAMES])
async def test_default_models_and_context_per_level(name: str, make_provider: MakeProvider) -> None:
    vendor = VENDORS[name]
    provider = make_provider(name)

    assert provider.name == name
    assert vendor.basic != vendor.advanced
    assert provider.context_tokens("BASIC") > 0
    assert provider.context_tokens("ADVANCED") >= provider.context_tokens("BASIC")


async def test_context_tokens_follow_the_settings(make_provider: MakeProvider) -> None:
    provider = make_provider("openai", context_tokens_basic=1000, context_tokens_advanced=50_000)

    assert provider.context_tokens("BASIC") == 1000
    assert provider.context_tokens("ADVANCED") == 50_000


async def test_self_hosted_server_assumes_a_small_context(
    make_provider: MakeProvider,
) -> None:
    assert make_provider("openai").context_tokens("BASIC") == 8192


@pytest.mark.parametrize("name", [with_sdk(name) for name in PROVIDER_NAMES])
async def test_reprs_never_show_the_key(
    name: str, make_provider: MakeProvider, settings_for: SettingsFor, secret: str
) -> None:
    assert secret not in repr(make_provider(name))
    assert secret not in repr(settings_for(name))


def test_blank_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTIONVAULT_PROVIDER_NAME", "")
    monkeypatch.setenv("ACTIONVAULT_PROVIDER_API_KEY", " ")

    settings = ProviderSettings()

    assert settings.name is None
    assert settings.api_key is None


def test_vendor_sdks_are_imported_only_when_chosen() -> None:
    script = (
        "import sys\n"
        "import actionvault.providers, actionvault.providers.registry\n"
        "import actionvault.providers.anthropic, actionvault.providers.bedrock\n"
        "loaded = sorted({'anthropic', 'boto3', 'botocore'} & set(sys.modules))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def test_public_names() -> None:
    assert actionvault.providers.__all__ == [
        "BUILTIN",
        "PROVIDER_NAMES",
        "Completion",
        "CompletionRequest",
        "Message",
        "ModelLevel",
        "ModelProvider",
        "ProviderConfigError",
        "ProviderError",
        "ProviderSettings",
        "Role",
        "Usage",
        "build_provider",
    ]


@pytest.mark.parametrize("field", sorted(ProviderSettings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert f"| `{field}` |" in DOCS.read_text()


@pytest.mark.parametrize("name", PROVIDER_NAMES)
def test_every_provider_has_a_how_to(name: str) -> None:
    assert f"ACTIONVAULT_PROVIDER_NAME={name}" in DOCS.read_text()
