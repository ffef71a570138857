"""Language-model vendors behind the ModelProvider port.

`build_provider(ProviderSettings())` gives the configured vendor, or None for the built-in
offline engine. Vendor SDKs are imported only when their vendor is chosen.
"""

from actionvault.providers.base import (
    Completion,
    CompletionRequest,
    Message,
    ModelLevel,
    ModelProvider,
    ProviderError,
    Role,
    Usage,
)
from actionvault.providers.config import ProviderConfigError, ProviderSettings
from actionvault.providers.registry import BUILTIN, PROVIDER_NAMES, build_provider

__all__ = [
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
