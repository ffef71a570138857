"""How a model provider is chosen and tuned: one typed object read from ACTIONVAULT_PROVIDER_*.

Standalone on purpose, so the provider layer can be built and tested without the server's
settings; the server's `Settings` can nest it. Secrets are `SecretStr`, so printing the settings,
logging them or putting them in an exception shows stars, never the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from actionvault.providers.base import ModelLevel

ENV_PREFIX = "ACTIONVAULT_PROVIDER_"


def env_name(field: str) -> str:
    """The environment variable a person sets for `field`, as error messages should name it."""
    return f"{ENV_PREFIX}{field.upper()}"


class ProviderConfigError(ValueError):
    """The settings cannot make the chosen provider; the message says which setting to change.

    Raised when the server starts, not on a model call, so a bad configuration stops the start
    instead of failing every execution later.
    """


class ProviderSettings(BaseSettings):
    """Every knob of the model provider; each field is documented in docs/reference/providers.md."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    name: str | None = None
    api_key: SecretStr | None = None
    base_url: str | None = None
    model_basic: str | None = None
    model_advanced: str | None = None
    context_tokens_basic: int | None = Field(default=None, gt=0)
    context_tokens_advanced: int | None = Field(default=None, gt=0)

    timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)
    backoff_initial: float = Field(default=0.5, ge=0)
    backoff_max: float = Field(default=8.0, ge=0)
    max_retry_wait: float = Field(default=60.0, ge=0)
    max_concurrency: int = Field(default=4, ge=1, le=256)

    json_mode: Literal["json_schema", "json_object"] = "json_schema"
    azure_api_version: str = "2024-10-21"

    aws_region: str | None = None
    aws_profile: str | None = None
    aws_access_key_id: str | None = None
    aws_secret_access_key: SecretStr | None = None
    aws_session_token: SecretStr | None = None

    @field_validator("name", "base_url", "model_basic", "model_advanced", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # An exported-but-empty variable (`ACTIONVAULT_PROVIDER_NAME=`) means "not set".
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("api_key", "aws_secret_access_key", "aws_session_token", mode="before")
    @classmethod
    def _blank_secret_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def secrets(self) -> tuple[str, ...]:
        """Every secret value held, so error messages and logs can be scrubbed of them."""
        held = (self.api_key, self.aws_secret_access_key, self.aws_session_token)
        return tuple(s.get_secret_value() for s in held if s is not None and s.get_secret_value())


@dataclass(frozen=True, slots=True)
class ModelLevels:
    """Vault's model_level mapped onto this provider's model ids and their context sizes."""

    basic: str
    advanced: str
    basic_context_tokens: int
    advanced_context_tokens: int

    def model(self, level: ModelLevel) -> str:
        return self.advanced if level == "ADVANCED" else self.basic

    def context_tokens(self, level: ModelLevel) -> int:
        return self.advanced_context_tokens if level == "ADVANCED" else self.basic_context_tokens

    @staticmethod
    def setting(level: ModelLevel) -> str:
        return env_name(f"model_{level.lower()}")

    @classmethod
    def resolve(
        cls, settings: ProviderSettings, *, basic: str, advanced: str, context_tokens: int
    ) -> ModelLevels:
        """Settings where given, else the vendor's defaults."""
        return cls(
            basic=settings.model_basic or basic,
            advanced=settings.model_advanced or advanced,
            basic_context_tokens=settings.context_tokens_basic or context_tokens,
            advanced_context_tokens=settings.context_tokens_advanced or context_tokens,
        )
