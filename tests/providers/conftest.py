"""Fixtures for the provider tests: a fake vendor server, providers built against it with short
timeouts and backoffs, requests, and a secret that must not leak.

Nothing here reads the developer's own settings: ACTIONVAULT_PROVIDER_* and AWS_* variables
are removed and the AWS config files point at nothing, so a test never finds real credentials
and never asks an instance-metadata endpoint for them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from actionvault.providers import ModelProvider, ProviderSettings, build_provider
from actionvault.providers.base import CompletionRequest, Message
from providers.fake_vendor import Ask, FakeVendor, MakeProvider, SettingsFor


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("ACTIONVAULT_PROVIDER_", "AWS_", "ANTHROPIC_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def secret() -> str:
    """An API key that must never show up in a log, an error or a repr."""
    return "sk-test-DO-NOT-LEAK-4b1d9"


@pytest.fixture
def vendor() -> Iterator[FakeVendor]:
    server = FakeVendor()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings_for(vendor: FakeVendor, secret: str) -> SettingsFor:
    """Settings for `provider` pointed at the fake vendor, with timings short enough for tests."""

    def make(provider: str, **overrides: Any) -> ProviderSettings:
        values: dict[str, Any] = {
            "name": provider,
            "base_url": vendor.url,
            "api_key": secret,
            "timeout": 2.0,
            "max_retries": 2,
            "backoff_initial": 0.01,
            "backoff_max": 0.05,
            "max_retry_wait": 5.0,
        }
        if provider == "bedrock":
            values |= {
                "aws_region": "us-east-1",
                "aws_access_key_id": "AKIDEXAMPLE",
                "aws_secret_access_key": secret,
            }
        return ProviderSettings(**(values | overrides))

    return make


@pytest.fixture
async def make_provider(settings_for: SettingsFor) -> AsyncIterator[MakeProvider]:
    """Builds providers through the registry and closes them after the test."""
    made: list[ModelProvider] = []

    def make(provider: str, **overrides: Any) -> ModelProvider:
        built = build_provider(settings_for(provider, **overrides))
        assert built is not None
        made.append(built)
        return built

    yield make
    for provider in made:
        await provider.aclose()


@pytest.fixture
def ask() -> Ask:
    """Makes a request with a system prompt and one user message."""

    def make(text: str = "Say hello.", **kwargs: Any) -> CompletionRequest:
        return CompletionRequest(
            messages=(Message("system", "Be brief."), Message("user", text)), **kwargs
        )

    return make
