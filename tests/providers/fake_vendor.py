"""A scripted HTTP server on 127.0.0.1 that plays a model vendor: each test queues the answers
it wants (JSON, errors, delays, dropped connections) and reads back what the adapter sent.

A plain `http.server` in a thread, so the adapters talk real HTTP through their real clients
(httpx, the anthropic SDK's httpx2, botocore's urllib3). Slow answers wait on an event that
shutdown sets, so no test leaves a handler sleeping. `Dialect` knows each vendor's answer and
error shapes, so one behaviour test runs against all three. Tests import this module (the
conftest itself is not importable under `--import-mode=importlib`).
"""

from __future__ import annotations

import importlib.util
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlsplit

import pytest

if TYPE_CHECKING:
    from actionvault.providers import CompletionRequest, ModelProvider, ProviderSettings


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: Close the connection without answering.
    drop: bool = False


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class FakeVendor:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.fallback = Reply(500, {"error": {"message": "no reply scripted"}})
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def reply(self, body: Any = None, status: int = 200, *, times: int = 1, **more: Any) -> None:
        """Queue an answer for the next `times` requests (after those already queued)."""
        self.replies.extend([Reply(status, body, **more)] * times)

    def always(self, body: Any = None, status: int = 200, **more: Any) -> None:
        """The answer once the queue is empty."""
        self.fallback = Reply(status, body, **more)

    def texts(self) -> list[str]:
        """Every request body received, as text, for leak checks."""
        return [repr(seen) for seen in self.seen]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _next(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            return self.replies.popleft() if self.replies else self.fallback

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (cancelled, timed out) makes the late answer fail to send.
        pass


def _handler_for(vendor: FakeVendor) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            split = urlsplit(self.path)
            seen = Seen(
                method="POST",
                path=split.path,
                query=parse_qs(split.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length),
            )
            reply = vendor._next(seen)
            try:
                self._answer(reply)
            finally:
                vendor._done()

        def _answer(self, reply: Reply) -> None:
            if reply.delay:
                vendor.stopping.wait(reply.delay)
            if reply.drop:
                self.close_connection = True
                return
            if isinstance(reply.body, bytes):
                payload, kind = reply.body, "text/plain"
            else:
                payload, kind = json.dumps(reply.body).encode(), "application/json"
            self.send_response(reply.status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@dataclass(frozen=True)
class Dialect:
    """How one vendor's wire format says "here is the answer" and "that went wrong"."""

    provider: str

    def answer(self, text: str, *, input_tokens: int = 12, output_tokens: int = 3) -> Any:
        if self.provider == "anthropic":
            return {
                "id": "msg_01",
                "type": "message",
                "role": "assistant",
                "model": "claude-test",
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
            }
        if self.provider == "bedrock":
            return {
                "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
                "stopReason": "end_turn",
                "usage": {
                    "inputTokens": input_tokens,
                    "outputTokens": output_tokens,
                    "totalTokens": input_tokens + output_tokens,
                },
                "metrics": {"latencyMs": 5},
            }
        return {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": "gpt-test",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": input_tokens, "completion_tokens": output_tokens},
        }

    def error(self, status: int, message: str = "it went wrong") -> dict[str, Any]:
        """Keyword arguments for `FakeVendor.reply` that answer with the vendor's error shape."""
        if self.provider == "anthropic":
            kind = {401: "authentication_error", 429: "rate_limit_error"}.get(status, "api_error")
            body = {"type": "error", "error": {"type": kind, "message": message}}
            return {"status": status, "body": body}
        if self.provider == "bedrock":
            code = {
                403: "UnrecognizedClientException",
                429: "ThrottlingException",
                500: "InternalServerException",
                503: "ServiceUnavailableException",
            }.get(status, "ValidationException")
            return {
                "status": status,
                "body": {"message": message},
                "headers": {"x-amzn-errortype": code},
            }
        return {"status": status, "body": {"error": {"message": message, "type": "server_error"}}}

    def bad_credentials(self) -> dict[str, Any]:
        # AWS answers a wrong key with 403, the others with 401.
        return self.error(403 if self.provider == "bedrock" else 401, "bad credentials")


_SDKS = {"anthropic": "anthropic", "bedrock": "boto3"}


def with_sdk(provider: str, value: object | None = None) -> Any:
    """`provider` (or `value`) as a test parameter, skipped when the vendor's SDK (an optional
    extra) is not installed."""
    sdk = _SDKS.get(provider)
    missing = sdk is not None and importlib.util.find_spec(sdk) is None
    return pytest.param(
        provider if value is None else value,
        id=provider,
        marks=pytest.mark.skipif(missing, reason=f"the {sdk} extra is not installed"),
    )


DIALECTS = [with_sdk(name, Dialect(name)) for name in ("openai", "anthropic", "bedrock")]


# The shapes of the factory fixtures in conftest.py, for the tests' annotations.


class SettingsFor(Protocol):
    def __call__(self, provider: str, **overrides: Any) -> ProviderSettings: ...


class MakeProvider(Protocol):
    def __call__(self, provider: str, **overrides: Any) -> ModelProvider: ...


class Ask(Protocol):
    def __call__(self, text: str = ..., **kwargs: Any) -> CompletionRequest: ...
