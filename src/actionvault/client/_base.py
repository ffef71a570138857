"""The core both clients share: request building, answer parsing, session handling and retries.

Every operation is written once, as a generator (a "flow") that yields what it needs done,
`Send(request)` or `Sleep(seconds)`, and receives the HTTP response back. `Vault` runs flows
with `httpx.Client` and `time.sleep`, `AsyncVault` with `httpx.AsyncClient` and
`asyncio.sleep`; that driver loop is all that differs between them, so retry, re-login and
polling behaviour cannot drift apart between the two.
"""

from __future__ import annotations

import email.utils
import functools
import json
import random
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from actionvault.client._sse import SSEDecoder
from actionvault.client.errors import (
    ClientError,
    ConnectionFailed,
    InvalidResponse,
    InvalidSessionId,
    OperationNotAllowed,
    RequestTimeout,
    TransportError,
    VaultError,
    error_class,
)
from actionvault.client.models import ErrorDetail, Session

T = TypeVar("T")

DEFAULT_API_VERSION = "v26.1"
DEFAULT_TIMEOUT = 30.0
DEFAULT_CLIENT_ID = "actionvault-python"
# A poll racing the wait deadline still gets this long to answer, so the deadline surfaces
# as WaitTimeout rather than as a RequestTimeout of a starved last poll.
_MIN_REQUEST_TIMEOUT = 1.0


@dataclass(frozen=True, slots=True)
class Send:
    request: httpx.Request


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class OpenStream:
    """Send `request` and keep the response open: the flow is sent a `StreamHandle` when the
    answer is an event stream, or the read httpx.Response when it is anything else."""

    request: httpx.Request


@dataclass(frozen=True, slots=True)
class NextEvent:
    """Read the stream's next message: the flow is sent a `StreamEvent`, a `Heartbeat`, or
    None when the server ended the stream (transport failures are thrown in)."""

    stream: StreamHandle


@dataclass(frozen=True, slots=True)
class CloseStream:
    stream: StreamHandle


@dataclass(frozen=True, slots=True)
class Emit:
    """Hand one item to the caller of an iterating flow (`vault.events.stream`)."""

    item: Any


class StreamHandle:
    """An open event stream, as the driver that opened it reads it; the driver closes every
    handle a flow opened when the flow ends, however it ends."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.decoder = SSEDecoder()
        self.lines: Any = None


Step = Send | Sleep | OpenStream | NextEvent | CloseStream | Emit
#: An operation: yields Steps, is sent each Send's httpx.Response (transport failures are
#: thrown into it as httpx.RequestError), and returns the operation's result.
Flow = Generator[Step, Any, T]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry requests that are safe to repeat.

    Waits grow from `initial_delay`, doubling up to `max_delay`, each shortened by up to a
    quarter at random so that many clients failing together do not come back together. A
    `Retry-After` from the server wins; one longer than `max_retry_after` ends the retries,
    since the caller is better placed to decide whether to wait that long.

        Vault(url, username=u, password=p, retry=RetryPolicy(max_retries=5))
        Vault(url, username=u, password=p, retry=RetryPolicy(max_retries=0))  # never retry
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, retry: int, headers: httpx.Headers | None = None) -> float | None:
        """Seconds to wait before retry number `retry` (0 for the first), None to give up."""
        if retry >= self.max_retries:
            return None
        after = retry_after(headers) if headers is not None else None
        if after is not None:
            return after if after <= self.max_retry_after else None
        backoff = min(self.initial_delay * 2.0**retry, self.max_delay)
        return backoff * (1.0 - 0.25 * random.random())


DEFAULT_RETRY = RetryPolicy()


def retry_after(headers: httpx.Headers) -> float | None:
    """Seconds from `retry-after-ms` or `Retry-After` (seconds or an HTTP date), if usable."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            return max(float(raw_ms) / 1000.0, 0.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    when = email.utils.parsedate_tz(raw)
    if when is None:
        return None
    return max(email.utils.mktime_tz(when) - time.time(), 0.0)


def _retryable_status(status_code: int) -> bool:
    return status_code == 429 or status_code >= 500


@dataclass(frozen=True, slots=True)
class Call:
    """One API call as data; `path` follows `/api/{version}`."""

    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Mapping[str, Any] | None = None
    form: Mapping[str, str] | None = None
    authenticated: bool = True
    #: external_id of an execute: a repeat cannot start a second execution, so it may retry.
    idempotency_key: str | None = None

    @property
    def safe_to_retry(self) -> bool:
        return self.method == "GET" or self.idempotency_key is not None


class RetriedDuplicate(Exception):
    """A retried execute was refused as a duplicate: the first attempt reached the server."""

    def __init__(self, error: OperationNotAllowed) -> None:
        self.error = error
        super().__init__(str(error))


class BaseVault:
    """Configuration and session state, and the flows every call goes through."""

    def __init__(
        self,
        base_url: str,
        *,
        username: str | None,
        password: str | None,
        session_id: str | None,
        api_version: str,
        timeout: float,
        retry: RetryPolicy,
        client_id: str | None,
    ) -> None:
        if session_id is None and (username is None or password is None):
            raise ValueError("give username= and password=, or session_id=")
        self.base_url = normalize_base_url(base_url)
        self.api_version = api_version
        self.timeout = timeout
        self.retry = retry
        self.client_id = client_id
        self._username = username
        self._password = password
        self._session_id = session_id
        #: Whether the server offers event streams: unknown until tried (a real Vault does not).
        self._event_streams: bool | None = None

    @property
    def session_id(self) -> str | None:
        """The session in use; None before the first call of a client given credentials."""
        return self._session_id

    @property
    def _can_login(self) -> bool:
        return self._username is not None and self._password is not None

    def __repr__(self) -> str:
        who = self._username or "session"
        return f"<{type(self).__name__} {self.base_url} {self.api_version} {who}>"

    def _login_flow(self) -> Flow[Session]:
        if not self._can_login:
            raise InvalidSessionId(
                "The session is invalid or has expired, and the client has no username and "
                "password to log in again.",
            )
        assert self._username is not None
        assert self._password is not None
        form = {"username": self._username, "password": self._password}
        body = yield from self._call(Call("POST", "/auth", form=form, authenticated=False))
        session = Session._from_wire(body)
        if not session.session_id:
            raise InvalidResponse("the login answer holds no sessionId")
        self._session_id = session.session_id
        return session

    def _forget_session(self) -> None:
        self._session_id = None

    def _call(self, call: Call, *, deadline: float | None = None) -> Flow[dict[str, Any]]:
        """Send one call and return the answer's body, logging in first (or again, once,
        when the session has expired) and retrying what is safe to retry.

        A `deadline` (time.monotonic) stops retries that would end past it.
        """
        retries = 0
        relogged = False
        while True:
            if call.authenticated and self._session_id is None:
                yield from self._login_flow()
            session_used = self._session_id
            request = self._build_request(call, deadline)
            headers: httpx.Headers | None = None
            try:
                response: httpx.Response = yield Send(request)
            except httpx.RequestError as exc:
                failure: ClientError = transport_error(exc, request)
            else:
                if not _retryable_status(response.status_code):
                    try:
                        return parse_answer(response)
                    except InvalidSessionId:
                        if not call.authenticated or relogged or not self._can_login:
                            raise
                        relogged = True
                        # Another call may have logged in again meanwhile; then resend as is.
                        if self._session_id == session_used:
                            self._session_id = None
                        continue
                    except OperationNotAllowed as exc:
                        if retries and call.idempotency_key is not None:
                            raise RetriedDuplicate(exc) from exc
                        raise
                failure = answer_error(response)
                headers = response.headers
            delay = self.retry.delay(retries, headers) if call.safe_to_retry else None
            if delay is None or (deadline is not None and time.monotonic() + delay > deadline):
                raise failure
            yield Sleep(delay)
            retries += 1

    def _build_request(self, call: Call, deadline: float | None = None) -> httpx.Request:
        headers = {"Accept": "application/json", "User-Agent": _user_agent()}
        if self.client_id:
            headers["X-VaultAPI-ClientID"] = self.client_id
        if call.authenticated and self._session_id is not None:
            headers["Authorization"] = self._session_id
        timeout = self.timeout
        if deadline is not None:
            timeout = min(timeout, max(deadline - time.monotonic(), _MIN_REQUEST_TIMEOUT))
        params = {k: v for k, v in (call.params or {}).items() if v is not None}
        return httpx.Request(
            call.method,
            f"{self.base_url}/api/{self.api_version}{call.path}",
            params=params or None,
            json=call.json,
            data=call.form,
            headers=headers,
            extensions={"timeout": httpx.Timeout(timeout).as_dict()},
        )


def is_event_stream(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.startswith("text/event-stream")


def normalize_base_url(base_url: str) -> str:
    """Accept the server root, or the `.../api` URL a login answer's vaultIds give."""
    url = base_url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must start with http:// or https://, not {base_url!r}")
    return url.removesuffix("/api")


def _decode(response: httpx.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        start = response.text[:80].strip()
        raise InvalidResponse(
            f"HTTP {response.status_code} from {response.request.url} is not a Vault JSON "
            f"answer: {start!r}",
            status_code=response.status_code,
        )
    return body


def parse_answer(response: httpx.Response) -> dict[str, Any]:
    """The body of a SUCCESS (or WARNING) answer; the matching VaultError for the others."""
    body = _decode(response)
    status = body.get("responseStatus")
    if status in ("SUCCESS", "WARNING"):
        return body
    if status in ("FAILURE", "EXCEPTION"):
        raise vault_error(body, response)
    raise InvalidResponse(
        f"HTTP {response.status_code} from {response.request.url} has no Vault responseStatus",
        status_code=response.status_code,
    )


def vault_error(body: Mapping[str, Any], response: httpx.Response) -> VaultError:
    errors = tuple(ErrorDetail._from_wire(e) for e in items(body, "errors"))
    first = errors[0] if errors else ErrorDetail("UNEXPECTED_ERROR", "Vault gave no reason.")
    status = str(body.get("responseStatus"))
    error_type = body.get("errorType")
    error_type = error_type if isinstance(error_type, str) else None
    cls = error_class(first.type, response_status=status, error_type=error_type)
    return cls(
        first.message,
        type=first.type,
        errors=errors,
        request_id=response.headers.get("x-vaultapi-executionid"),
        response_status=status,
        error_type=error_type,
    )


def answer_error(response: httpx.Response) -> ClientError:
    """What a 429 or 5xx answer means once retries are spent: Vault's own error when it
    sent an envelope, otherwise a transport problem (a proxy's page, an overloaded server)."""
    try:
        parse_answer(response)
    except VaultError as exc:
        return exc
    except TransportError:
        pass
    return InvalidResponse(
        f"HTTP {response.status_code} from {response.request.url}",
        status_code=response.status_code,
    )


def transport_error(exc: httpx.RequestError, request: httpx.Request) -> TransportError:
    where = f"{request.method} {request.url.copy_with(query=None)}"
    error: TransportError
    if isinstance(exc, httpx.TimeoutException):
        error = RequestTimeout(f"{where} timed out ({type(exc).__name__})")
    elif isinstance(exc, httpx.ConnectError) and "refused" in str(exc).lower():
        origin = f"{request.url.scheme}://{request.url.netloc.decode()}"
        error = ConnectionFailed(
            f"{where} failed: {exc}. Nothing is listening at {origin}: start the server "
            "(`actionvault demo` or `actionvault serve`) or check the URL (--url, ACTIONVAULT_URL)."
        )
    elif isinstance(exc, httpx.NetworkError | httpx.ProxyError | httpx.UnsupportedProtocol):
        error = ConnectionFailed(f"{where} failed: {exc or type(exc).__name__}")
    else:
        error = InvalidResponse(f"{where} gave an unreadable answer: {exc or type(exc).__name__}")
    error.__cause__ = exc
    return error


def section(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """The object an endpoint wraps its answer in (`actionResponse`, `data`, `agent`, ...)."""
    value = body.get(key)
    if not isinstance(value, dict):
        raise InvalidResponse(f"the answer has no {key!r} object")
    return value


def items(body: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = body.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


@functools.cache
def _user_agent() -> str:
    return f"actionvault-python/{_version()} httpx/{httpx.__version__}"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("actionvault")
    except PackageNotFoundError:
        return "unknown"
