"""The client that posts webhook deliveries, against real receivers on loopback that answer
with exactly the bytes each test chooses."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from actionvault.domain.webhooks import TargetRefused
from actionvault.engine.webhook_client import DeliveryClient, DeliveryError

NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"
HEADERS = [("content-type", "application/json"), ("webhook-id", "msg_1")]


class RawReceiver:
    """Reads each request to the end of its body, then writes what `answer` returns for it
    (None: no answer at all). Counts connections and keeps the requests."""

    def __init__(self, answer: Callable[[bytes], bytes | None]) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[bytes] = []
        self.close_after_answer = False

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                reply = self.answer(request)
                if reply is None:
                    continue
                writer.write(reply)
                await writer.drain()
                if self.close_after_answer:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def receiving(
    answer: Callable[[bytes], bytes | None], ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[RawReceiver, str]]:
    receiver = RawReceiver(answer)
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0, ssl=ssl_context)
    port = server.sockets[0].getsockname()[1]
    scheme = "https" if ssl_context else "http"
    try:
        yield receiver, f"{scheme}://127.0.0.1:{port}/hooks?tenant=a b"
    finally:
        server.close()


async def test_a_post_sends_the_body_and_headers_and_returns_the_status() -> None:
    async with receiving(lambda _: b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok") as (
        receiver,
        url,
    ):
        client = DeliveryClient()
        assert await client.post(url, b'{"a":1}', HEADERS) == 202
        await client.aclose()
    head, body = receiver.requests[0].split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /hooks?tenant=a%20b HTTP/1.1"  # a request line cannot carry a space
    assert "webhook-id: msg_1" in lines
    assert "content-length: 7" in lines
    assert any(line.startswith("host: 127.0.0.1:") for line in lines)
    assert body == b'{"a":1}'


async def test_deliveries_to_one_receiver_share_a_kept_alive_connection() -> None:
    async with receiving(lambda _: NO_CONTENT) as (receiver, url):
        client = DeliveryClient()
        for _ in range(5):
            assert await client.post(url, b"{}", HEADERS) == 204
        await client.aclose()
    assert receiver.connections == 1
    assert len(receiver.requests) == 5


async def test_a_connection_the_receiver_closed_while_idle_is_replaced_without_a_failure() -> None:
    async with receiving(lambda _: NO_CONTENT) as (receiver, url):
        receiver.close_after_answer = True  # but says nothing of it in its headers
        client = DeliveryClient()
        for _ in range(3):
            await asyncio.sleep(0.05)  # the close reaches the client while the connection idles
            assert await client.post(url, b"{}", HEADERS) == 204
        await client.aclose()
    assert receiver.connections == 3


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\na body that ends with the connection",
        b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    ],
    ids=["chunked", "ended-by-close", "interim-answer-first"],
)
async def test_every_way_of_framing_an_answer_gives_its_status(answer: bytes) -> None:
    async with receiving(lambda _: answer) as (receiver, url):
        receiver.close_after_answer = b"close" in answer
        client = DeliveryClient()
        assert await client.post(url, b"{}", HEADERS) == 200
        assert await client.post(url, b"{}", HEADERS) == 200  # and the next one too
        await client.aclose()


async def test_a_redirect_is_an_answer_not_an_invitation() -> None:
    async with receiving(
        lambda _: (
            b"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://10.0.0.1/\r\n"
            b"Content-Length: 0\r\n\r\n"
        )
    ) as (receiver, url):
        client = DeliveryClient()
        assert await client.post(url, b"{}", HEADERS) == 307
        await client.aclose()
    assert len(receiver.requests) == 1


async def test_an_endless_answer_is_read_only_up_to_the_bound() -> None:
    big = b"x" * 200_000
    async with receiving(
        lambda _: b"HTTP/1.1 500 Oops\r\nContent-Length: %d\r\n\r\n%s" % (len(big), big)
    ) as (receiver, url):
        client = DeliveryClient(max_answer_bytes=1024)
        assert await client.post(url, b"{}", HEADERS) == 500
        assert await client.post(url, b"{}", HEADERS) == 500
        await client.aclose()
    assert receiver.connections == 2  # the half-read connection was not used again


async def test_a_receiver_that_never_answers_times_out_and_its_connection_is_dropped() -> None:
    async with receiving(lambda request: None if b"slow" in request else NO_CONTENT) as (
        receiver,
        url,
    ):
        client = DeliveryClient(timeout=0.2)
        with pytest.raises(TimeoutError):
            await client.post(url, b'"slow"', HEADERS)
        assert await client.post(url, b"{}", HEADERS) == 204
        await client.aclose()
    assert receiver.connections == 2


async def test_failures_to_reach_a_receiver_say_why() -> None:
    async with receiving(lambda _: NO_CONTENT) as (_, url):
        pass  # the port is free again: nothing listens
    client = DeliveryClient()
    with pytest.raises(DeliveryError, match=r"connection refused by 127\.0\.0\.1"):
        await client.post(url, b"{}", HEADERS)
    async with receiving(lambda _: b"SMTP ready\r\n\r\n") as (_, url):
        with pytest.raises(DeliveryError, match="invalid HTTP answer"):
            await client.post(url, b"{}", HEADERS)
    with pytest.raises(DeliveryError, match="unsupported URL"):
        await client.post("ftp://127.0.0.1/hooks", b"{}", HEADERS)
    await client.aclose()


async def test_https_receivers_are_reached_with_a_verified_certificate(tmp_path: Path) -> None:
    from e2e.test_tls import self_signed

    cert, key = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    async with receiving(lambda _: NO_CONTENT, server_context) as (receiver, url):
        trusting = DeliveryClient(ssl_context=ssl.create_default_context(cafile=str(cert)))
        assert await trusting.post(url, b"{}", HEADERS) == 204
        await trusting.aclose()
        with pytest.raises(DeliveryError, match="TLS failed"):
            await DeliveryClient().post(url, b"{}", HEADERS)  # the system's CAs do not know it
    assert len(receiver.requests) == 1


def test_the_client_works_on_uvloop_as_the_server_runs_it() -> None:
    import uvloop

    async def deliver() -> tuple[int, int]:
        async with receiving(lambda _: NO_CONTENT) as (receiver, url):
            client = DeliveryClient()
            statuses = [await client.post(url, b"{}", HEADERS) for _ in range(3)]
            await client.aclose()
            return statuses[-1], receiver.connections

    assert uvloop.run(deliver()) == (204, 1)


async def test_a_new_connection_goes_to_the_address_the_resolver_checked_once() -> None:
    asked: list[tuple[str, int]] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["127.0.0.1"]  # what the check found, whatever the name says next time

    async with receiving(lambda _: NO_CONTENT) as (receiver, url):
        port = int(url.split(":")[2].split("/")[0])
        named = url.replace("127.0.0.1", "receiver.invalid")  # a name no resolver knows
        client = DeliveryClient(resolve=resolve)
        for _ in range(3):
            assert await client.post(named, b"{}", HEADERS) == 204
        await client.aclose()
    assert asked == [("receiver.invalid", port)]  # the kept-alive connection is not re-checked
    assert receiver.connections == 1
    assert f"host: receiver.invalid:{port}" in receiver.requests[0].decode()


async def test_a_host_the_resolver_refuses_is_never_connected_to() -> None:
    async def refuse(host: str, port: int) -> list[str]:
        raise TargetRefused(f"{host}: a private address")

    async with receiving(lambda _: NO_CONTENT) as (receiver, url):
        client = DeliveryClient(resolve=refuse)
        with pytest.raises(TargetRefused, match="a private address"):
            await client.post(url, b"{}", HEADERS)
        await client.aclose()
    assert receiver.connections == 0


async def test_the_next_checked_address_is_tried_when_one_refuses_the_connection() -> None:
    async with receiving(lambda _: NO_CONTENT) as (receiver, url):

        async def resolve(host: str, port: int) -> list[str]:
            return ["127.0.0.2", "127.0.0.1"]  # nothing listens on the first

        client = DeliveryClient(resolve=resolve)
        assert await client.post(url, b"{}", HEADERS) == 204
        await client.aclose()
    assert receiver.connections == 1
