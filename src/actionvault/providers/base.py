"""The ModelProvider port: one method to complete a conversation, and the types around it.

Actions talk to models only through this, so a vendor is a small adapter and the offline
engine (no provider at all) is a first-class case: `ActionContext.provider` is None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["system", "user", "assistant"]
ModelLevel = Literal["BASIC", "ADVANCED"]


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    """What an action asks of a model; `json_schema`, when set, asks for JSON output."""

    messages: tuple[Message, ...]
    model_level: ModelLevel = "BASIC"
    max_output_tokens: int = 1024
    temperature: float = 0.0
    json_schema: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    #: The model stopped at `max_output_tokens`: the text (and any JSON in it) is cut short.
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Usage:
    """What the model calls of one execution cost, recorded on the execution."""

    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class ProviderError(Exception):
    """A model call failed; the message says what to do and is shown to the caller as is.

    `retryable` marks failures worth another try (rate limits, 5xx, lost connections).
    """

    def __init__(self, message: str, *, retryable: bool = False, retry_after: float | None = None):
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after
        super().__init__(message)


class ModelProvider(Protocol):
    """A configured model vendor. `context_tokens` bounds what an action may send at once."""

    name: str

    def context_tokens(self, level: ModelLevel) -> int: ...

    async def complete(self, request: CompletionRequest) -> Completion: ...

    async def aclose(self) -> None: ...
