"""Model vendors by name: the one place that turns `ProviderSettings` into a `ModelProvider`.

As in pydantic-ai's `providers/__init__.py`, a vendor's module is imported only when it is
chosen, so an install without the `anthropic` or `bedrock` extra runs every other vendor, and
no name at all (or `builtin`) means no provider: the built-in offline engine, on which actions
that need a model end FAILURE saying so. Every refusal here is a `ProviderConfigError` raised
at start-up that names the setting to change.

Each vendor maps Vault's two model levels onto its own model ids. The defaults are a small fast
model for BASIC and a stronger one for ADVANCED; ACTIONVAULT_PROVIDER_MODEL_BASIC and _ADVANCED
override them (for Azure they are deployment names).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from actionvault.providers.base import ModelProvider
from actionvault.providers.calls import CallPolicy
from actionvault.providers.config import (
    ModelLevels,
    ProviderConfigError,
    ProviderSettings,
    env_name,
)

BUILTIN = "builtin"

Build = Callable[[ProviderSettings, ModelLevels, CallPolicy], ModelProvider]


@dataclass(frozen=True, slots=True)
class Vendor:
    name: str
    basic: str
    advanced: str
    build: Build
    #: Context size assumed for both levels unless CONTEXT_TOKENS_* say otherwise.
    context_tokens: Callable[[ProviderSettings], int]
    needs_api_key: Callable[[ProviderSettings], bool]


def _openai(settings: ProviderSettings, levels: ModelLevels, policy: CallPolicy) -> ModelProvider:
    from actionvault.providers.openai_compat import OpenAICompatProvider, openai_endpoint

    return OpenAICompatProvider(
        "openai",
        openai_endpoint(settings),
        levels,
        policy,
        json_mode=settings.json_mode,
        secrets=settings.secrets(),
    )


def _azure(settings: ProviderSettings, levels: ModelLevels, policy: CallPolicy) -> ModelProvider:
    from actionvault.providers.openai_compat import OpenAICompatProvider, azure_endpoint

    return OpenAICompatProvider(
        "azure-openai",
        azure_endpoint(settings),
        levels,
        policy,
        json_mode=settings.json_mode,
        secrets=settings.secrets(),
    )


def _anthropic(
    settings: ProviderSettings, levels: ModelLevels, policy: CallPolicy
) -> ModelProvider:
    from actionvault.providers.anthropic import AnthropicProvider

    if settings.api_key is None:
        raise ProviderConfigError(missing_api_key_message("anthropic"))
    return AnthropicProvider(
        api_key=settings.api_key.get_secret_value(),
        levels=levels,
        policy=policy,
        base_url=settings.base_url,
    )


def _bedrock(settings: ProviderSettings, levels: ModelLevels, policy: CallPolicy) -> ModelProvider:
    from actionvault.providers.bedrock import BedrockProvider

    return BedrockProvider(settings, levels, policy)


def _is_openai_itself(settings: ProviderSettings) -> bool:
    from actionvault.providers.openai_compat import OPENAI_URL

    return settings.base_url is None or settings.base_url.rstrip("/") == OPENAI_URL


VENDORS: dict[str, Vendor] = {
    vendor.name: vendor
    for vendor in (
        Vendor(
            name="openai",
            basic="gpt-4.1-mini",
            advanced="gpt-4.1",
            build=_openai,
            # A self-hosted server (vLLM, Ollama, llama.cpp) often runs a small window.
            context_tokens=lambda s: 128_000 if _is_openai_itself(s) else 8_192,
            # Self-hosted servers usually take no key.
            needs_api_key=_is_openai_itself,
        ),
        Vendor(
            name="azure-openai",
            basic="gpt-4.1-mini",
            advanced="gpt-4.1",
            build=_azure,
            context_tokens=lambda s: 128_000,
            needs_api_key=lambda s: True,
        ),
        Vendor(
            name="anthropic",
            basic="claude-haiku-5-5",
            advanced="claude-sonnet-5-5",
            build=_anthropic,
            context_tokens=lambda s: 200_000,
            needs_api_key=lambda s: True,
        ),
        Vendor(
            name="bedrock",
            basic="us.anthropic.claude-haiku-4-5-20251001-v1:0",
            advanced="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            build=_bedrock,
            context_tokens=lambda s: 200_000,
            # The AWS credential chain decides; there may be no key to set at all.
            needs_api_key=lambda s: False,
        ),
    )
}

PROVIDER_NAMES: tuple[str, ...] = tuple(sorted(VENDORS))
_OFFLINE = (
    f"Without a model provider ({env_name('name')} unset or {BUILTIN}) the built-in offline "
    "engine runs, and actions that need a model end FAILURE saying so."
)


def build_provider(settings: ProviderSettings | None = None) -> ModelProvider | None:
    """The configured provider, or None for the built-in offline engine."""
    settings = settings if settings is not None else ProviderSettings()
    name = (settings.name or BUILTIN).lower()
    if name == BUILTIN:
        return None
    vendor = VENDORS.get(name)
    if vendor is None:
        raise ProviderConfigError(unknown_provider_message(name))
    if settings.api_key is None and vendor.needs_api_key(settings):
        raise ProviderConfigError(missing_api_key_message(name))
    levels = ModelLevels.resolve(
        settings,
        basic=vendor.basic,
        advanced=vendor.advanced,
        context_tokens=vendor.context_tokens(settings),
    )
    return vendor.build(settings, levels, CallPolicy.from_settings(settings))


def unknown_provider_message(name: str) -> str:
    choices = ", ".join(sorted((*PROVIDER_NAMES, BUILTIN)))
    return f"Unknown model provider {name!r} in {env_name('name')}; choose one of: {choices}."


def missing_api_key_message(name: str) -> str:
    return f"The model provider {name} needs an API key: set {env_name('api_key')}. {_OFFLINE}"
