"""The HTTP/1.1 client that posts webhook deliveries.

A delivery is one small signed POST whose answer matters only by its status, and the server
makes one for every event a webhook asks for: the client's own cost is paid as often as an
execution's. A general client pays for what a delivery never uses (httpcore took 0.3 ms of CPU
per request on loopback, more than an instant execution's whole path); this one writes the
request itself and lets httptools (llhttp, the parser uvicorn already serves the API with) read
the answer, for about 0.02 ms. It follows no redirects (a receiver could otherwise send the
signed body to an address the target check refuses), connects only to the addresses its
resolver checked (so a name that resolves to a public address when checked and a private one a
moment later cannot reach the private one), reads no proxy settings, keeps connections alive per
origin, and reads at most `max_answer_bytes` of an answer's body.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import cast
from urllib.parse import quote, urlsplit

import httptools

from actionvault import __version__

USER_AGENT = f"actionvault-webhooks/{__version__}"


#: The addresses a host may be connected to, checked now (None: any, the system resolves the
#: name when connecting); raises (TargetRefused) to refuse the host altogether.
Resolver = Callable[[str, int], Awaitable[Sequence[str] | None]]


class DeliveryError(Exception):
    """The request got no usable answer; the message says why, for the delivery's record."""


class ClosedBeforeAnswer(DeliveryError):
    """The connection ended before any answer: on a kept-alive connection, most often because
    the receiver closed it while it was idle, so the request is worth making on a new one."""


@dataclass(frozen=True, slots=True)
class Origin:
    scheme: str
    host: str
    port: int

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


@functools.lru_cache(maxsize=1024)
def split_target(url: str) -> tuple[Origin, str]:
    """The URL's origin and its request target (path and query); kept per URL, as every
    delivery to a webhook goes to the same one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError(f"unsupported URL: {url}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DeliveryError(f"unsupported URL: {url}") from None
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    # Spaces and other bytes a request line cannot carry are escaped; escapes already there stay.
    target = quote(target, safe="!#$%&'()*+,/:;=?@[]~")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise DeliveryError(f"unsupported host name: {parts.hostname}") from None
    return Origin(parts.scheme, host, port), target


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request at a time."""

    def __init__(self, max_answer_bytes: int) -> None:
        self._max = max_answer_bytes
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._answer: asyncio.Future[int] | None = None
        self._status: int | None = None
        self._received = 0
        self.closed = False
        self.reusable = False

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport, though uvloop's do not derive from asyncio.Transport.
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self._answer is None or self._answer.done():
            self.close()  # nothing was asked: the peer does not speak HTTP as it should
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.reusable = False
            self._finish(DeliveryError("the receiver switched protocols"))
        except httptools.HttpParserError as exc:
            self.reusable = False  # even after a whole answer: what follows it is not HTTP
            self._finish(DeliveryError(f"invalid HTTP answer: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._status is not None:
            self._finish(self._status)  # a body delimited by the end of the connection
        else:
            self._finish(ClosedBeforeAnswer("the receiver closed the connection before answering"))

    # httptools callbacks

    def on_headers_complete(self) -> None:
        self._status = self._parser.get_status_code()

    def on_body(self, body: bytes) -> None:
        self._received += len(body)
        if self._received > self._max and self._status is not None:
            self._finish(self._status)  # enough read; the connection is not kept

    def on_message_complete(self) -> None:
        status = self._status
        if status is not None and status < 200:
            self._status = None  # an interim answer (103): the real one follows
            return
        self.reusable = self._parser.should_keep_alive()
        self._finish(status if status is not None else DeliveryError("no status in the answer"))

    # The client's side

    async def post(self, request: bytes, deadline: float) -> int:
        """The answer's status; TimeoutError once the loop's clock passes `deadline`. A timer
        on the loop, rather than a timeout scope around the await: a tenth of the cost."""
        assert self._transport is not None
        loop = asyncio.get_running_loop()
        self._answer = loop.create_future()
        self._status, self._received, self.reusable = None, 0, False
        self._parser = httptools.HttpResponseParser(self)
        timer = loop.call_at(deadline, self._expire)
        try:
            self._transport.write(request)
            return await self._answer
        finally:
            timer.cancel()

    def _expire(self) -> None:
        self.reusable = False
        self._finish(TimeoutError())

    def _finish(self, result: int | Exception) -> None:
        answer = self._answer
        if answer is not None and not answer.done():
            if isinstance(result, Exception):
                answer.set_exception(result)
            else:
                answer.set_result(result)
        if not self.reusable:
            self.close()

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.close()


class DeliveryClient:
    """Posts to receivers over pooled keep-alive connections, `keep_per_origin` kept idle; a
    request that is not answered within `timeout` s, connection included, fails."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        keep_per_origin: int = 4,
        max_answer_bytes: int = 64 * 1024,  # only the status matters
        ssl_context: ssl.SSLContext | None = None,
        resolve: Resolver | None = None,
    ) -> None:
        self._timeout = timeout
        self._resolve = resolve
        self._keep = keep_per_origin
        self._max_answer = max_answer_bytes
        self._ssl = ssl_context
        self._idle: dict[Origin, list[_Connection]] = {}
        self._open: set[_Connection] = set()

    async def post(self, url: str, body: bytes, headers: Sequence[tuple[str, str]]) -> int:
        """The answer's status; DeliveryError, or TimeoutError when connecting and answering
        took longer than the client's timeout."""
        origin, target = split_target(url)
        head = [f"POST {target} HTTP/1.1", f"host: {origin.host_header}"]
        head += [f"{name}: {value}" for name, value in headers]
        head += [f"user-agent: {USER_AGENT}", f"content-length: {len(body)}", "", ""]
        request = "\r\n".join(head).encode("latin-1") + body
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        connection = self._idle_connection(origin)
        if connection is not None:
            with contextlib.suppress(ClosedBeforeAnswer):
                return await self._post_on(origin, connection, request, deadline)
        async with asyncio.timeout_at(deadline):
            connection = await self._connect(origin)
        return await self._post_on(origin, connection, request, deadline)

    async def aclose(self) -> None:
        for connection in list(self._open):
            connection.close()
        self._open.clear()
        self._idle.clear()
        await asyncio.sleep(0)  # let the transports close

    def _idle_connection(self, origin: Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if not connection.closed:
                return connection
            self._open.discard(connection)
        return None

    async def _post_on(
        self, origin: Origin, connection: _Connection, request: bytes, deadline: float
    ) -> int:
        try:
            status = await connection.post(request, deadline)
        except BaseException:
            connection.close()  # a request cut short leaves the connection in no known state
            self._open.discard(connection)
            raise
        idle = self._idle.setdefault(origin, [])
        if connection.reusable and not connection.closed and len(idle) < self._keep:
            idle.append(connection)
        else:
            connection.close()
            self._open.discard(connection)
        return status

    async def _connect(self, origin: Origin) -> _Connection:
        """A new connection, to one of the addresses the resolver checked for the host (the
        first that answers), or to the host by name when there is no resolver or it says any
        address will do."""
        addresses = await self._resolve(origin.host, origin.port) if self._resolve else None
        error: DeliveryError | None = None
        for address in addresses or [origin.host]:
            try:
                return await self._connect_to(origin, address)
            except DeliveryError as exc:
                error = exc
        assert error is not None
        raise error

    async def _connect_to(self, origin: Origin, address: str) -> _Connection:
        loop = asyncio.get_running_loop()
        context = None
        if origin.scheme == "https":
            context = self._ssl or ssl.create_default_context()
        try:
            _, connection = await loop.create_connection(
                lambda: _Connection(self._max_answer),
                address,
                origin.port,
                ssl=context,
                server_hostname=origin.host if context is not None else None,
            )
        except ssl.SSLError as exc:
            raise DeliveryError(f"TLS failed: {exc.reason or exc}") from None
        except ConnectionRefusedError:
            raise DeliveryError(f"connection refused by {origin.host}:{origin.port}") from None
        except OSError as exc:
            reason = exc.strerror or str(exc) or type(exc).__name__
            where = f"{origin.host}:{origin.port}"
            raise DeliveryError(f"cannot connect to {where}: {reason}") from None
        self._open.add(connection)
        return connection
