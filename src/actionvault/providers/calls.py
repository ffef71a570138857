"""What every model call shares: a concurrency limit, a deadline, polite retries, plain errors.

Written once so that each vendor adapter is only its wire format. An adapter hands
`ProviderCalls.run` a function that makes one attempt and, when the attempt fails, raises
`AttemptFailed` saying what went wrong in vendor-neutral terms (an HTTP status, a timeout, a body
that is not an answer). This module decides whether to try again and when, and turns the last
failure into a `ProviderError` whose message tells a person what to change.

Retries follow openai-python's `_base_client`: exponential backoff with a cap and jitter, and a
server's `Retry-After` wins over the computed delay, unless it asks for longer than
`max_retry_wait`, in which case the call gives up at once with `retryable=True` and
`retry_after` set, so the engine can schedule the execution again instead of holding a worker.

Cancellation is never swallowed: `asyncio.CancelledError` passes through every `except` here,
and the semaphore and the deadline are context managers, so a cancelled call gives its slot back
at once.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

from actionvault.observability import metrics
from actionvault.providers.base import ModelLevel, ProviderError
from actionvault.providers.config import ProviderSettings, env_name

log = logging.getLogger(__name__)

T = TypeVar("T")

FailureKind = Literal[
    "auth",  # the credentials were refused (401): retrying cannot help
    "no_credentials",  # none were found to send (an empty AWS credential chain)
    "forbidden",  # the credentials work but may not do this (403)
    "not_found",  # wrong model id, deployment or URL (404)
    "rejected",  # any other 4xx: the request itself is wrong
    "rate_limited",  # 429: slow down, then try again
    "unavailable",  # 5xx, 408, 409, 529: the vendor's trouble, worth another try
    "timeout",  # no answer within the deadline
    "connection",  # could not connect, or the connection broke
    "malformed",  # an answer arrived but it is not what the protocol promises
    "refused",  # the model declined to answer (safety refusal, content filter)
    "unexpected",  # anything else an adapter or its SDK raised: reported, never retried
]

_RETRYABLE: frozenset[FailureKind] = frozenset(
    {"rate_limited", "unavailable", "timeout", "connection"}
)
_DETAIL_LIMIT = 300


class AttemptFailed(Exception):
    """One attempt at a model call failed; `ProviderCalls` decides what happens next."""

    def __init__(
        self,
        kind: FailureKind,
        detail: str = "",
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        retryable: bool | None = None,
    ) -> None:
        self.kind = kind
        self.detail = detail
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.retryable = kind in _RETRYABLE if retryable is None else retryable
        super().__init__(f"{kind} {status or ''} {code or ''} {detail}".strip())


def failure_for_status(
    status: int,
    headers: Mapping[str, str],
    detail: str = "",
    *,
    code: str | None = None,
) -> AttemptFailed:
    """Classify an HTTP error answer; every vendor here speaks HTTP underneath."""
    kind: FailureKind
    if status == 401:
        kind = "auth"
    elif status == 403:
        kind = "forbidden"
    elif status == 404:
        kind = "not_found"
    elif status == 429:
        kind = "rate_limited"
    elif status in (408, 409) or status >= 500:
        kind = "unavailable"
    else:
        kind = "rejected"
    lowered = {k.lower(): v for k, v in headers.items()}
    # OpenAI and Anthropic say explicitly when a retry is (not) worth it; believe them.
    should_retry = lowered.get("x-should-retry", "").strip().lower()
    retryable = {"true": True, "false": False}.get(should_retry)
    return AttemptFailed(
        kind,
        detail,
        status=status,
        code=code,
        retry_after=parse_retry_after(lowered),
        retryable=retryable,
    )


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asked us to wait: `retry-after-ms`, or `Retry-After` in seconds or
    as an HTTP date. Expects lower-case header names."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(float(milliseconds) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def backoff_delay(
    retry: int, *, initial: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """Exponential backoff from `initial`, capped, less up to a quarter at random so that many
    callers that failed together do not come back together."""
    return min(cap, initial * 2.0**retry) * (1 - 0.25 * rand())


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Remove secrets from text that may have echoed them (a proxy's error page, a URL)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


@dataclass(frozen=True, slots=True)
class CallPolicy:
    """The limits every call of one provider obeys; from settings, shortened in tests."""

    timeout: float = 60.0
    max_retries: int = 3
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    max_retry_wait: float = 60.0
    max_concurrency: int = 4

    @classmethod
    def from_settings(cls, settings: ProviderSettings) -> CallPolicy:
        return cls(
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            backoff_initial=settings.backoff_initial,
            backoff_max=settings.backoff_max,
            max_retry_wait=settings.max_retry_wait,
            max_concurrency=settings.max_concurrency,
        )


@dataclass(frozen=True, slots=True)
class CallSite:
    """What the error messages of one provider need to name: who, where, and which settings."""

    provider: str
    endpoint: str
    #: The credential in words and the settings that hold it, e.g. "API key" and
    #: "ACTIONVAULT_PROVIDER_API_KEY".
    credential: str = "API key"
    credential_settings: str = env_name("api_key")
    secrets: tuple[str, ...] = ()


class ProviderCalls:
    """Runs attempts under one provider's concurrency limit, deadline and retry policy."""

    def __init__(
        self,
        site: CallSite,
        policy: CallPolicy,
        *,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.site = site
        self.policy = policy
        self._slots = asyncio.Semaphore(policy.max_concurrency)
        self._rand = rand

    async def run(self, attempt: Callable[[], Awaitable[T]], *, model: str, level: ModelLevel) -> T:
        retries = 0
        while True:
            try:
                # The deadline starts once a slot is held: waiting in the queue is not the
                # vendor being slow. The slot is not held while backing off.
                async with self._slots, asyncio.timeout(self.policy.timeout):
                    return await attempt()
            except TimeoutError:
                failure = AttemptFailed("timeout")
            except AttemptFailed as exc:
                failure = exc
            except Exception as exc:
                # The port promises ProviderError and nothing else; the cause stays chained.
                failure = AttemptFailed("unexpected", f"{type(exc).__name__}: {exc}")
                failure.__cause__ = exc
            delay = self._delay_before_retry(failure, retries)
            if delay is None:
                raise self._error(failure, retries, model=model, level=level) from failure
            log.warning(
                "model provider %s: attempt %d failed (%s); retrying in %.2f s",
                self.site.provider,
                retries + 1,
                scrub(str(failure), self.site.secrets),
                delay,
            )
            metrics.model_retry(self.site.provider)
            await asyncio.sleep(delay)
            retries += 1

    def _delay_before_retry(self, failure: AttemptFailed, retries: int) -> float | None:
        if not failure.retryable or retries >= self.policy.max_retries:
            return None
        if failure.retry_after is not None:
            return None if failure.retry_after > self.policy.max_retry_wait else failure.retry_after
        return backoff_delay(
            retries,
            initial=self.policy.backoff_initial,
            cap=self.policy.backoff_max,
            rand=self._rand,
        )

    def _error(
        self, failure: AttemptFailed, retries: int, *, model: str, level: ModelLevel
    ) -> ProviderError:
        message = scrub(self._describe(failure, retries, model, level), self.site.secrets)
        return ProviderError(message, retryable=failure.retryable, retry_after=failure.retry_after)

    def _describe(self, failure: AttemptFailed, retries: int, model: str, level: ModelLevel) -> str:
        site = self.site
        who = f"The model provider {site.provider}"
        http = _status_words(failure)
        detail = _clip(failure.detail)
        said = f": {detail}" if detail else ""
        tries = "retry" if retries == 1 else "retries"
        if failure.retryable and retries < self.policy.max_retries:
            # A retryable failure that ended early: the server asked for a longer pause.
            outcome = (
                f"asked to wait {failure.retry_after:g} s, longer than "
                f"{env_name('max_retry_wait')} ({self.policy.max_retry_wait:g} s) allows"
            )
        else:
            outcome = f"did not recover after {retries} {tries}"
        match failure.kind:
            case "auth":
                # The vendor's own words are left out: some echo part of the key back.
                check = site.credential_settings
                return f"{who} rejected the {site.credential}{http}; check {check}."
            case "no_credentials":
                return f"{who} found no {site.credential}; set {site.credential_settings}."
            case "forbidden":
                return (
                    f"{who} refused the request{http}{said}; check that the {site.credential} in "
                    f"{site.credential_settings} may use the model {model}."
                )
            case "not_found":
                return (
                    f"{who} does not know the model {model} at {site.endpoint}{http}{said}; check "
                    f"{env_name(f'model_{level.lower()}')} and {env_name('base_url')}."
                )
            case "rejected":
                return f"{who} rejected the request for the model {model}{http}{said}."
            case "rate_limited":
                return f"{who} is rate-limiting requests{http} and {outcome}{said}."
            case "unavailable":
                return f"{who} is failing{http} and {outcome}{said}."
            case "timeout":
                return (
                    f"{who} did not answer within {self.policy.timeout:g} s "
                    f"({env_name('timeout')}) and {outcome}."
                )
            case "connection":
                return (
                    f"{who} could not be reached at {site.endpoint}{said}, and {outcome}; check "
                    f"{env_name('base_url')} and the network."
                )
            case "malformed":
                return f"{who} answered with something that is not a chat completion{said}"
            case "refused":
                return f"The model {model} of {site.provider} declined to answer{said}"
            case "unexpected":
                return f"{who} failed unexpectedly{said}"


def _status_words(failure: AttemptFailed) -> str:
    parts = [f"HTTP {failure.status}"] if failure.status is not None else []
    if failure.code:
        parts.append(failure.code)
    return f" ({' '.join(parts)})" if parts else ""


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 1] + "…"
