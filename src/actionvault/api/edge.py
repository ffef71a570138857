"""The HTTP edge: what a connection must respect before the application sees a request.

uvicorn's HTTP/1.1 protocol (httptools) with the limits it lacks, each refusal a Vault envelope:

- the request line and headers may hold at most `max_header_bytes` (HTTP 431);
- they must arrive within `header_timeout` seconds of the connection opening or the request
  beginning (HTTP 408), so a client trickling headers (slowloris) cannot hold a connection;
  a new connection that sends nothing in that time is closed;
- with more than `max_connections` connections open, a request is answered HTTP 503 with
  `Retry-After`, as uvicorn's `limit_concurrency` would but with an envelope;
- a request the parser cannot read gets an envelope instead of uvicorn's plain-text 400.

These answers never reach the application, so their HTTP status says what happened and the
connection is closed after them; everything the application answers is HTTP 200, as in Vault.
"""

from __future__ import annotations

import asyncio
import http
import logging
from dataclasses import dataclass
from typing import Any, ClassVar

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from actionvault.api import envelope
from actionvault.api.rendering import negotiate, render
from actionvault.errors import ActionVaultError, ApiLimitExceeded, InvalidData
from actionvault.settings import Settings

log = logging.getLogger("actionvault.api")

#: Seconds a client refused for too many connections is asked to wait.
_RETRY_AFTER = 1


@dataclass(frozen=True, slots=True)
class EdgeLimits:
    max_header_bytes: int
    header_timeout: float
    max_connections: int

    @classmethod
    def of(cls, settings: Settings) -> EdgeLimits:
        return cls(settings.max_header_bytes, settings.header_timeout, settings.max_connections)


def head_too_large(limit: int) -> InvalidData:
    return InvalidData(
        f"The request line and headers are larger than this server accepts (max_header_bytes "
        f"= {limit} bytes); send fewer or shorter headers, or a shorter URL."
    )


def head_too_slow(seconds: float) -> InvalidData:
    return InvalidData(
        f"The request headers did not arrive within header_timeout ({seconds:g} s); the "
        "connection is closed. Send the whole request head at once and try again."
    )


def too_many_connections(limit: int) -> ApiLimitExceeded:
    return ApiLimitExceeded(
        f"This server has as many connections open as it accepts (max_connections = {limit}); "
        f"retry in {_RETRY_AFTER} s, and reuse one connection for many requests."
    )


def not_http() -> InvalidData:
    return InvalidData(
        "The request is not valid HTTP/1.1 (its request line, headers or body framing could "
        "not be read); check the client or proxy that sent it."
    )


def refusal_headers(
    status: int, error: ActionVaultError, accept: str | None = None
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body of an edge refusal: a Vault envelope, and the connection closes."""
    body, media_type = render(envelope.failure(error), negotiate(accept))
    headers = [
        (b"content-type", media_type.encode("latin-1")),
        (b"content-length", str(len(body)).encode("latin-1")),
        (b"connection", b"close"),
        (b"x-vaultapi-status", error.response_status.encode("latin-1")),
    ]
    if status == http.HTTPStatus.SERVICE_UNAVAILABLE:
        headers.append((b"retry-after", str(_RETRY_AFTER).encode("latin-1")))
    return headers, body


class EdgeProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header size limit, a header deadline, a connection
    limit, and envelopes for what it refuses. `edge_protocol(settings)` makes one with limits."""

    limits: ClassVar[EdgeLimits]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_concurrency = None  # counted here, so that the refusal is an envelope
        self._head_timer: asyncio.TimerHandle | None = None
        self._reading_head = False
        self._head_parsed = 0  # bytes of the URL and of headers the parser has completed
        self._head_streamed = 0  # bytes of chunks that arrived wholly inside the head
        self._refusal: bytes | None = None

    # Connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        inside_head = self._reading_head
        super().data_received(data)
        # A chunk that began and ended inside the head is all head. httptools keeps a header
        # it has not finished in memory, so a huge one is caught here rather than when done.
        if inside_head and self._reading_head and not self.transport.is_closing():
            self._head_streamed += len(data)
            if self._head_streamed > self.limits.max_header_bytes:
                self._refuse(
                    http.HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    head_too_large(self.limits.max_header_bytes),
                )

    def send_400_response(self, msg: str) -> None:
        """A parser error; or a limit a parser callback found, which httptools wraps as one."""
        if self._refusal is not None:
            self._send_and_close(self._refusal)
        else:
            self._refuse(http.HTTPStatus.BAD_REQUEST, not_http())

    # Parser callbacks

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_head = True
        self._head_parsed = self._head_streamed = 0
        if self._head_timer is None:
            self._arm_head_timer()

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._cancel_head_timer()
        if len(self.connections) <= self.limits.max_connections:
            super().on_headers_complete()
            return
        log.warning("refused a request: %d connections open", len(self.connections))
        app, self.app = self.app, _BusyApp(self.limits.max_connections)
        try:
            super().on_headers_complete()
        finally:
            self.app = app

    # Helpers

    def _count_head(self, size: int) -> None:
        self._head_parsed += size
        if self._head_parsed > self.limits.max_header_bytes:
            status = http.HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
            self._refusal = _response(
                status, head_too_large(self.limits.max_header_bytes), self._default_headers()
            )
            raise _HeadTooLarge()  # httptools stops parsing and calls send_400_response

    def _arm_head_timer(self) -> None:
        self._head_timer = self.loop.call_later(self.limits.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        answering = self.cycle is not None and not self.cycle.response_complete
        if self._reading_head and not answering:
            log.info("closed a connection whose request headers were too slow: %s", self.client)
            self._refuse(http.HTTPStatus.REQUEST_TIMEOUT, head_too_slow(self.limits.header_timeout))
        else:
            self.transport.close()  # nothing was asked: nothing to answer

    def _refuse(self, status: http.HTTPStatus, error: ActionVaultError) -> None:
        self._send_and_close(_response(status, error, self._default_headers()))

    def _default_headers(self) -> list[tuple[bytes, bytes]]:
        return list(self.server_state.default_headers)

    def _send_and_close(self, data: bytes) -> None:
        self._reading_head = False
        self._cancel_head_timer()
        if not self.transport.is_closing():
            self.transport.write(data)
            self.transport.close()


class _HeadTooLarge(Exception):
    pass


def _response(
    status: http.HTTPStatus, error: ActionVaultError, default: list[tuple[bytes, bytes]]
) -> bytes:
    headers, body = refusal_headers(status, error)
    lines = [f"HTTP/1.1 {status.value} {status.phrase}".encode("latin-1")]
    lines += [name + b": " + value for name, value in [*default, *headers]]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class _BusyApp:
    """Answers one request while too many connections are open; the connection then closes."""

    def __init__(self, limit: int) -> None:
        self._limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accept = next(
            (v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept"), None
        )
        status = http.HTTPStatus.SERVICE_UNAVAILABLE
        headers, body = refusal_headers(status, too_many_connections(self._limit), accept)
        await send({"type": "http.response.start", "status": status.value, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


def edge_protocol(settings: Settings) -> type[asyncio.Protocol]:
    """The protocol class for uvicorn's `http` option, with the settings' limits."""
    return type("ActionVaultProtocol", (EdgeProtocol,), {"limits": EdgeLimits.of(settings)})
