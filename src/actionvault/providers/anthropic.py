"""Anthropic's Messages API, through Anthropic's own `anthropic` SDK.

Why the SDK rather than HTTP by hand: Anthropic keeps it in step with the API (the version
header, structured outputs in `output_config`, the models it deprecates, typed answers and
errors), and it takes a `base_url`, so the tests still run it against a local server that speaks
the protocol. Its own retries are switched off (`max_retries=0`) so that retries, deadlines and
concurrency follow `calls.ProviderCalls` like every other vendor's, and its errors are mapped
onto `AttemptFailed` from their HTTP status. The import is lazy: without the `anthropic` extra
the package still imports, and choosing this provider says which extra to install.

What the protocol wants that chat completions do not: system messages travel apart from the
conversation, and `max_tokens` is required. `temperature` is not sent: current models fix it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from actionvault.providers.base import Completion, CompletionRequest, ModelLevel
from actionvault.providers.calls import (
    AttemptFailed,
    CallPolicy,
    CallSite,
    ProviderCalls,
    failure_for_status,
)
from actionvault.providers.config import ModelLevels, ProviderConfigError

if TYPE_CHECKING:
    import anthropic
    from anthropic.types import AssistantMessageParam, MessageParam, UserMessageParam
    from anthropic.types import Message as AnthropicMessage

ANTHROPIC_URL = "https://api.anthropic.com"


class AnthropicProvider:
    """Claude through the Messages API; `base_url` reaches a proxy or a test server."""

    name = "anthropic"

    def __init__(
        self,
        *,
        api_key: str,
        levels: ModelLevels,
        policy: CallPolicy,
        base_url: str | None = None,
    ) -> None:
        try:
            import anthropic
        except ImportError as exc:
            raise ProviderConfigError(
                "The model provider anthropic needs the anthropic package: "
                "pip install 'actionvault[anthropic]'. Without a provider the built-in offline "
                "engine runs, and actions that need a model end FAILURE saying so."
            ) from exc
        self.levels = levels
        self.base_url = base_url or ANTHROPIC_URL
        self._calls = ProviderCalls(
            CallSite(provider=self.name, endpoint=self.base_url, secrets=(api_key,)), policy
        )
        self._client: anthropic.AsyncAnthropic = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=self.base_url,
            timeout=policy.timeout,
            max_retries=0,
        )

    def __repr__(self) -> str:
        return f"<AnthropicProvider {self.base_url}>"

    def context_tokens(self, level: ModelLevel) -> int:
        return self.levels.context_tokens(level)

    async def complete(self, request: CompletionRequest) -> Completion:
        model = self.levels.model(request.model_level)
        arguments = self._arguments(request, model)
        return await self._calls.run(
            lambda: self._create(arguments, model), model=model, level=request.model_level
        )

    async def aclose(self) -> None:
        await self._client.close()

    def _arguments(self, request: CompletionRequest, model: str) -> dict[str, Any]:
        system: list[str] = []
        messages: list[MessageParam] = []
        for message in request.messages:
            if message.role == "system":
                system.append(message.content)
            elif message.role == "user":
                user: UserMessageParam = {"role": "user", "content": message.content}
                messages.append(user)
            else:
                assistant: AssistantMessageParam = {"role": "assistant", "content": message.content}
                messages.append(assistant)
        arguments: dict[str, Any] = {
            "model": model,
            "max_tokens": request.max_output_tokens,
            "messages": messages,
        }
        if system:
            arguments["system"] = "\n\n".join(system)
        if request.json_schema is not None:
            arguments["output_config"] = {
                "format": {"type": "json_schema", "schema": request.json_schema}
            }
        return arguments

    async def _create(self, arguments: dict[str, Any], model: str) -> Completion:
        import anthropic

        try:
            message = await self._client.messages.create(**arguments)
        except anthropic.APIStatusError as exc:
            detail = exc.api_message or _peek(exc.body)
            raise failure_for_status(
                exc.status_code, exc.response.headers, detail, code=exc.type
            ) from exc
        except anthropic.APITimeoutError as exc:
            raise AttemptFailed("timeout") from exc
        except anthropic.APIConnectionError as exc:
            raise AttemptFailed("connection", _cause(exc)) from exc
        except anthropic.APIResponseValidationError as exc:
            raise AttemptFailed("malformed", _peek(exc.body)) from exc
        return _completion(message, model)


def _completion(message: AnthropicMessage, model: str) -> Completion:
    """The text blocks of a Message; the SDK builds answers without validating them, so a body
    that is not a Message shows up here as missing or mistyped fields."""
    content = getattr(message, "content", None)
    if not isinstance(content, list):
        raise AttemptFailed("malformed", f"no content in {_peek(message)}")
    stop_reason = getattr(message, "stop_reason", None)
    texts = [
        block.text
        for block in content
        if getattr(block, "type", None) == "text" and isinstance(getattr(block, "text", None), str)
    ]
    if stop_reason == "refusal":
        raise AttemptFailed("refused", " ".join(texts))
    if not texts:
        raise AttemptFailed("malformed", f"no text block in {_peek(message)}")
    usage = getattr(message, "usage", None)
    answered_by = getattr(message, "model", None)
    return Completion(
        text="".join(texts),
        model=answered_by if isinstance(answered_by, str) else model,
        input_tokens=_count(getattr(usage, "input_tokens", 0)),
        output_tokens=_count(getattr(usage, "output_tokens", 0)),
        truncated=stop_reason == "max_tokens",
    )


def _cause(exc: BaseException) -> str:
    # The SDK says only "Connection error."; the reason is on the httpx exception beneath it.
    cause = exc.__cause__
    return str(cause) if cause is not None and str(cause) else str(exc)


def _peek(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text[:200]


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
