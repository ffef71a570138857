"""OpenAI-compatible chat completions over plain HTTP: OpenAI, Azure OpenAI, vLLM, Ollama,
llama.cpp's server and anything else that serves `POST .../chat/completions`.

Spoken with httpx rather than the `openai` SDK: the wire format is one request and one answer,
httpx is already a dependency, and the self-hosted servers this must reach implement the HTTP
protocol, not the SDK. As in pydantic-ai, the wire format (`OpenAICompatProvider`) is kept apart
from where requests go and how the caller proves who it is (`ChatEndpoint`): OpenAI and Azure
differ only in the URL, one query parameter, one header and the name of the token limit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from actionvault.providers.base import Completion, CompletionRequest, ModelLevel
from actionvault.providers.calls import (
    AttemptFailed,
    CallPolicy,
    CallSite,
    ProviderCalls,
    failure_for_status,
)
from actionvault.providers.config import ModelLevels, ProviderConfigError, ProviderSettings

OPENAI_URL = "https://api.openai.com/v1"

JsonMode = Literal["json_schema", "json_object"]


@dataclass(frozen=True, slots=True)
class ChatEndpoint:
    """Where chat completions go and the credentials they carry; the wire format is elsewhere."""

    base_url: str
    #: Azure names the deployment in the path and not in the body.
    model_in_path: bool = False
    #: OpenAI renamed `max_tokens` (which its reasoning models refuse); self-hosted servers
    #: still expect the old name.
    max_tokens_field: str = "max_tokens"
    params: Mapping[str, str] = field(default_factory=dict)
    #: Holds the key, so it never appears in a repr.
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)

    def url(self, model: str) -> str:
        base = self.base_url.rstrip("/")
        if self.model_in_path:
            return f"{base}/openai/deployments/{model}/chat/completions"
        return f"{base}/chat/completions"


def openai_endpoint(settings: ProviderSettings) -> ChatEndpoint:
    """OpenAI itself, or any compatible server when `base_url` points elsewhere."""
    base_url = settings.base_url or OPENAI_URL
    headers = {}
    if settings.api_key is not None:
        headers["Authorization"] = f"Bearer {settings.api_key.get_secret_value()}"
    official = base_url.rstrip("/") == OPENAI_URL
    return ChatEndpoint(
        base_url=base_url,
        max_tokens_field="max_completion_tokens" if official else "max_tokens",
        headers=headers,
    )


def azure_endpoint(settings: ProviderSettings) -> ChatEndpoint:
    """An Azure OpenAI resource; the model ids of ModelLevels are deployment names."""
    if not settings.base_url:
        raise ProviderConfigError(
            "The model provider azure-openai needs the resource endpoint: set "
            "ACTIONVAULT_PROVIDER_BASE_URL, e.g. https://NAME.openai.azure.com."
        )
    headers = {}
    if settings.api_key is not None:
        headers["api-key"] = settings.api_key.get_secret_value()
    return ChatEndpoint(
        base_url=settings.base_url,
        model_in_path=True,
        max_tokens_field="max_completion_tokens",
        params={"api-version": settings.azure_api_version},
        headers=headers,
    )


class OpenAICompatProvider:
    """Chat completions: system, user and assistant messages in; one choice out."""

    def __init__(
        self,
        name: str,
        endpoint: ChatEndpoint,
        levels: ModelLevels,
        policy: CallPolicy,
        *,
        json_mode: JsonMode = "json_schema",
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.endpoint = endpoint
        self.levels = levels
        self.json_mode = json_mode
        self._calls = ProviderCalls(
            CallSite(provider=name, endpoint=endpoint.base_url, secrets=secrets), policy
        )
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(policy.timeout),
            limits=httpx.Limits(max_connections=policy.max_concurrency),
        )

    def __repr__(self) -> str:
        return f"<OpenAICompatProvider {self.name} {self.endpoint.base_url}>"

    def context_tokens(self, level: ModelLevel) -> int:
        return self.levels.context_tokens(level)

    async def complete(self, request: CompletionRequest) -> Completion:
        model = self.levels.model(request.model_level)
        url = self.endpoint.url(model)
        body = self._body(request, model)
        return await self._calls.run(
            lambda: self._post(url, body, model), model=model, level=request.model_level
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def _body(self, request: CompletionRequest, model: str) -> dict[str, Any]:
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        body: dict[str, Any] = {
            "messages": messages,
            "temperature": request.temperature,
            self.endpoint.max_tokens_field: request.max_output_tokens,
        }
        if not self.endpoint.model_in_path:
            body["model"] = model
        schema = request.json_schema
        if schema is not None and self.json_mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": _schema_name(schema),
                    "schema": schema,
                    # Strict mode refuses schemas that leave properties optional or open, so
                    # ask for it only when the schema already meets its rules.
                    "strict": is_strict_schema(schema),
                },
            }
        elif schema is not None:
            # JSON mode guarantees JSON but not its shape, and wants the word "JSON" in the
            # prompt: the schema travels as an instruction.
            body["response_format"] = {"type": "json_object"}
            instruction = "Answer with one JSON object that follows this JSON schema:\n"
            messages.insert(0, {"role": "system", "content": instruction + json.dumps(schema)})
        return body

    async def _post(self, url: str, body: dict[str, Any], model: str) -> Completion:
        try:
            response = await self._client.post(
                url, json=body, params=dict(self.endpoint.params), headers=self.endpoint.headers
            )
        except httpx.TimeoutException as exc:
            raise AttemptFailed("timeout") from exc
        except httpx.TransportError as exc:
            raise AttemptFailed("connection", str(exc) or type(exc).__name__) from exc
        except httpx.HTTPError as exc:
            # Undecodable content, too many redirects: an answer arrived, but not a usable one.
            raise AttemptFailed("malformed", f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            detail, code = _error_detail(response)
            raise failure_for_status(response.status_code, response.headers, detail, code=code)
        return parse_chat_completion(response.content, model)


def parse_chat_completion(content: bytes, model: str) -> Completion:
    """The first choice of a chat completion, or AttemptFailed("malformed") saying what is off."""
    try:
        answer = json.loads(content)
    except ValueError:
        raise AttemptFailed("malformed", f"the body is not JSON: {_peek(content)}") from None
    try:
        choice = answer["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise AttemptFailed("malformed", f"no choices[0].message in {_peek(content)}") from None
    text = message.get("content") if isinstance(message, dict) else None
    if not isinstance(text, str):
        refusal = message.get("refusal") if isinstance(message, dict) else None
        if isinstance(refusal, str) and refusal:
            raise AttemptFailed("refused", refusal)
        raise AttemptFailed("malformed", f"choices[0].message has no text: {_peek(content)}")
    usage = answer.get("usage") if isinstance(answer.get("usage"), dict) else {}
    return Completion(
        text=text,
        model=answer["model"] if isinstance(answer.get("model"), str) else model,
        input_tokens=_count(usage.get("prompt_tokens")),
        output_tokens=_count(usage.get("completion_tokens")),
        truncated=choice.get("finish_reason") == "length",
    )


def is_strict_schema(schema: Any) -> bool:
    """Whether OpenAI's strict structured outputs accept the schema: every object closed
    (`additionalProperties: false`) and every property required, all the way down."""
    if isinstance(schema, list):
        return all(is_strict_schema(item) for item in schema)
    if not isinstance(schema, dict):
        return True
    properties = schema.get("properties")
    if schema.get("type") == "object" or isinstance(properties, dict):
        properties = properties if isinstance(properties, dict) else {}
        if schema.get("additionalProperties") is not False:
            return False
        if set(schema.get("required", ())) != set(properties):
            return False
    nested: list[Any] = list(properties.values()) if isinstance(properties, dict) else []
    for key in ("items", "anyOf", "allOf", "oneOf"):
        if key in schema:
            nested.append(schema[key])
    for key in ("$defs", "definitions"):
        if isinstance(schema.get(key), dict):
            nested.extend(schema[key].values())
    return all(is_strict_schema(item) for item in nested)


def _schema_name(schema: dict[str, Any]) -> str:
    title = schema.get("title")
    name = re.sub(r"[^A-Za-z0-9_-]", "_", title)[:64] if isinstance(title, str) else ""
    return name or "answer"


def _error_detail(response: httpx.Response) -> tuple[str, str | None]:
    """The vendor's own explanation: OpenAI, Azure, vLLM and Ollama use {"error": {...}}."""
    try:
        body = response.json()
    except ValueError:
        return _peek(response.content), None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = error.get("code") or error.get("type")
        return str(error.get("message") or ""), str(code) if code else None
    if isinstance(error, str):
        return error, None
    return _peek(response.content), None


def _peek(content: bytes) -> str:
    text = content[:200].decode("utf-8", "replace")
    return repr(text) if text else "an empty body"


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
