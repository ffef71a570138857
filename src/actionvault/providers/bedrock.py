"""Amazon Bedrock's Converse API through boto3, the way Veeva AI itself reaches Claude.

boto3 because AWS's request signing and credential chain (profiles, SSO, instance and task
roles, `AWS_BEARER_TOKEN_BEDROCK`) are not worth redoing by hand. boto3 is blocking, so each
call runs on a thread pool owned by this provider;
botocore's own retries are off so that `calls.ProviderCalls` retries as for every vendor.
`endpoint_url` (`ACTIONVAULT_PROVIDER_BASE_URL`) points the client at a VPC endpoint, a proxy
or a test server speaking the Converse wire format (`POST /model/{modelId}/converse`, JSON).

Cancellation and deadlines stop the *waiting*, not the thread: a blocked boto3 call cannot be
interrupted, so the awaiting task returns at once and the thread finishes in the background,
bounded by botocore's read timeout (the same `timeout`), its answer discarded. Such a call no
longer counts against `max_concurrency`, so for a while the vendor may see more requests than
the limit; the pool has room for as many abandoned calls as live ones. `aclose` does not wait
for them either, though the interpreter does at exit, as it does for every pool thread.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from actionvault.providers.base import Completion, CompletionRequest, ModelLevel
from actionvault.providers.calls import (
    AttemptFailed,
    CallPolicy,
    CallSite,
    ProviderCalls,
    failure_for_status,
)
from actionvault.providers.config import (
    ModelLevels,
    ProviderConfigError,
    ProviderSettings,
    env_name,
)

CREDENTIAL_SETTINGS = (
    f"{env_name('aws_access_key_id')} and {env_name('aws_secret_access_key')}, or the standard "
    "AWS chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, an instance or task role)"
)
_NOT_INSTALLED = (
    "The model provider bedrock needs boto3: pip install 'actionvault[bedrock]'. Without a "
    "provider the built-in offline engine runs, and actions that need a model end FAILURE "
    "saying so."
)
# Errors AWS answers with 403 that mean "who are you", not "you may not".
_CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "IncompleteSignature",
        "MissingAuthenticationToken",
    }
)


class BedrockProvider:
    """Converse on Bedrock: one request shape for every model family Bedrock hosts."""

    name = "bedrock"

    def __init__(self, settings: ProviderSettings, levels: ModelLevels, policy: CallPolicy):
        try:
            import boto3  # type: ignore[import-untyped, unused-ignore]
            from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]
            from botocore.exceptions import (  # type: ignore[import-untyped, unused-ignore]
                NoRegionError,
                ProfileNotFound,
            )
        except ImportError as exc:
            raise ProviderConfigError(_NOT_INSTALLED) from exc
        self.levels = levels
        secret = settings.aws_secret_access_key
        token = settings.aws_session_token
        try:
            session = boto3.session.Session(
                profile_name=settings.aws_profile,
                region_name=settings.aws_region,
                aws_access_key_id=settings.aws_access_key_id,
                aws_secret_access_key=secret.get_secret_value() if secret else None,
                aws_session_token=token.get_secret_value() if token else None,
            )
            self._client: Any = session.client(
                "bedrock-runtime",
                endpoint_url=settings.base_url,
                config=Config(
                    connect_timeout=policy.timeout,
                    read_timeout=policy.timeout,
                    retries={"total_max_attempts": 1},
                    max_pool_connections=policy.max_concurrency,
                ),
            )
        except ProfileNotFound as exc:
            raise ProviderConfigError(
                f"The AWS profile {settings.aws_profile!r} named by {env_name('aws_profile')} "
                "is not in the AWS config files."
            ) from exc
        except NoRegionError as exc:
            raise ProviderConfigError(
                f"The model provider bedrock needs an AWS region: set {env_name('aws_region')} "
                "(or AWS_REGION), e.g. us-east-1."
            ) from exc
        self.endpoint = str(self._client.meta.endpoint_url)
        self._calls = ProviderCalls(
            CallSite(
                provider=self.name,
                endpoint=self.endpoint,
                credential="AWS credentials",
                credential_settings=CREDENTIAL_SETTINGS,
                secrets=settings.secrets(),
            ),
            policy,
        )
        # Twice the limit: a call abandoned by cancellation or the deadline keeps its thread
        # until botocore's read timeout, and must not starve the calls that follow it.
        self._threads = ThreadPoolExecutor(
            max_workers=2 * policy.max_concurrency, thread_name_prefix="actionvault-bedrock"
        )

    def __repr__(self) -> str:
        return f"<BedrockProvider {self.endpoint}>"

    def context_tokens(self, level: ModelLevel) -> int:
        return self.levels.context_tokens(level)

    async def complete(self, request: CompletionRequest) -> Completion:
        model = self.levels.model(request.model_level)
        arguments = converse_arguments(request, model)
        return await self._calls.run(
            lambda: self._converse(arguments, model), model=model, level=request.model_level
        )

    async def aclose(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._client.close()

    async def _converse(self, arguments: dict[str, Any], model: str) -> Completion:
        from botocore import exceptions as aws  # type: ignore[import-untyped, unused-ignore]
        from botocore.parsers import (  # type: ignore[import-untyped, unused-ignore]
            ResponseParserError,
        )

        call = functools.partial(self._client.converse, **arguments)
        try:
            answer = await asyncio.get_running_loop().run_in_executor(self._threads, call)
        except aws.ClientError as exc:
            raise _client_failure(exc.response) from exc
        except (aws.ReadTimeoutError, aws.ConnectTimeoutError) as exc:
            raise AttemptFailed("timeout") from exc
        except (aws.HTTPClientError, aws.ConnectionError) as exc:
            raise AttemptFailed("connection", str(exc)) from exc
        except (aws.NoCredentialsError, aws.PartialCredentialsError) as exc:
            raise AttemptFailed("no_credentials", str(exc)) from exc
        except ResponseParserError as exc:
            raise AttemptFailed("malformed", str(exc)) from exc
        return parse_converse(answer, model)


def converse_arguments(request: CompletionRequest, model: str) -> dict[str, Any]:
    """The Converse request for `request`; system prompts travel apart, as Claude wants."""
    system = [{"text": m.content} for m in request.messages if m.role == "system"]
    messages = [
        {"role": m.role, "content": [{"text": m.content}]}
        for m in request.messages
        if m.role != "system"
    ]
    inference: dict[str, Any] = {"maxTokens": request.max_output_tokens}
    # Current Claude models fix their temperature and refuse the parameter; other families
    # on Bedrock (Llama, Mistral, Nova) still take it.
    if "anthropic." not in model:
        inference["temperature"] = request.temperature
    arguments: dict[str, Any] = {
        "modelId": model,
        "messages": messages,
        "inferenceConfig": inference,
    }
    if system:
        arguments["system"] = system
    if request.json_schema is not None:
        arguments["outputConfig"] = {
            "textFormat": {
                "type": "json_schema",
                "structure": {
                    "jsonSchema": {"schema": json.dumps(request.json_schema), "name": "answer"}
                },
            }
        }
    return arguments


def parse_converse(answer: Mapping[str, Any], model: str) -> Completion:
    """The text of a Converse answer; botocore parses JSON but does not check its shape."""
    try:
        content = answer["output"]["message"]["content"]
        texts = [block["text"] for block in content if isinstance(block.get("text"), str)]
    except (KeyError, TypeError, AttributeError):
        raise AttemptFailed("malformed", f"no output.message.content in {_peek(answer)}") from None
    stop_reason = answer.get("stopReason")
    if stop_reason in ("guardrail_intervened", "content_filtered"):
        raise AttemptFailed("refused", f"{stop_reason}: {' '.join(texts)}".rstrip(": "))
    if not texts:
        raise AttemptFailed("malformed", f"no text block in {_peek(answer)}")
    usage = answer.get("usage")
    if not isinstance(usage, Mapping):
        usage = {}
    return Completion(
        text="".join(texts),
        model=model,
        input_tokens=_count(usage.get("inputTokens")),
        output_tokens=_count(usage.get("outputTokens")),
        truncated=stop_reason == "max_tokens",
    )


def _client_failure(response: Mapping[str, Any]) -> AttemptFailed:
    metadata = response.get("ResponseMetadata", {})
    error = response.get("Error", {})
    status = int(metadata.get("HTTPStatusCode") or 0)
    code = error.get("Code") or None
    message = str(error.get("Message") or "")
    if code in _CREDENTIAL_CODES:
        return AttemptFailed("auth", message, status=status, code=code)
    return failure_for_status(status, metadata.get("HTTPHeaders", {}), message, code=code)


def _peek(value: object) -> str:
    # ResponseMetadata carries request ids and headers, not the answer: leave it out.
    if isinstance(value, Mapping):
        value = {k: v for k, v in value.items() if k != "ResponseMetadata"}
    return repr(value)[:200]


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
