"""Limits at the HTTP edge: body size on every route (in process), and header size, header
deadline, open connections and unreadable requests (on a real `actionvault serve` process).

Every refusal is a Vault envelope naming the limit and what to do.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from live_server import server_process
from support import ADMIN, ALICE, AppFactory

EXECUTE = "/api/v26.1/services/ai/agent_actions/actions/execute"
DOCS = "/api/v26.1/objects/documents"
SMALL = 2048  # max_body_bytes in these tests


class Chunks:
    """A request body sent in chunks, which counts how many the server asked for."""

    def __init__(self, total: int, size: int = 1024, data: bytes | None = None) -> None:
        self.data = data if data is not None else b"x" * total
        self.size = size
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.size):
            self.sent += 1
            yield self.data[start : start + self.size]


def multipart(file_bytes: bytes, **fields: str) -> tuple[bytes, str]:
    boundary = "edge-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode()
        + file_bytes
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def refused(body: dict[str, Any], error_type: str, *words: str) -> None:
    assert body["responseStatus"] == "FAILURE", body
    error = body["errors"][0]
    assert error["type"] == error_type, body
    for word in words:
        assert word in error["message"], error["message"]


# Request bodies, in process


async def test_a_body_declared_larger_than_max_body_bytes_is_refused_before_it_is_read(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(max_body_bytes=SMALL)
    headers = await app.login(ADMIN)
    body = Chunks(10 * SMALL)
    response = await app.client.post(
        EXECUTE,
        content=body,
        headers={**headers, "Content-Type": "application/json", "Content-Length": "20480"},
    )
    refused(response.json(), "INVALID_DATA", f"max_body_bytes = {SMALL}")
    assert body.sent == 0, "not a byte of the body was read"
    assert response.headers["connection"] == "close"


async def test_a_chunked_body_is_cut_off_once_it_passes_max_body_bytes(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(max_body_bytes=SMALL)
    headers = await app.login(ADMIN)
    body = Chunks(100 * 1024)
    response = await app.client.post(
        EXECUTE, content=body, headers={**headers, "Content-Type": "application/json"}
    )
    refused(response.json(), "INVALID_DATA", f"max_body_bytes = {SMALL}")
    assert body.sent <= SMALL // 1024 + 1, "reading stopped at the limit"
    assert response.headers["connection"] == "close"


@pytest.mark.parametrize(
    ("method", "path", "content_type"),
    [
        ("POST", "/api/v26.1/auth", "application/x-www-form-urlencoded"),
        ("POST", EXECUTE, "application/json"),
        ("POST", "/api/v26.1/services/ai/agent_actions/actions/cancel", "application/json"),
        ("POST", "/api/v26.1/vobjects/study__c", "application/json"),
        ("POST", "/api/v26.1/objects/users", "application/x-www-form-urlencoded"),
        ("PUT", "/api/v26.1/objects/users/2", "application/json"),
        ("POST", "/api/v26.1/objects/users/me/password", "application/x-www-form-urlencoded"),
        ("POST", "/api/v26.1/ext/agents", "application/yaml"),
    ],
)
async def test_every_route_that_reads_a_body_refuses_one_past_the_limit(
    app_factory: AppFactory, method: str, path: str, content_type: str
) -> None:
    app = await app_factory(max_body_bytes=SMALL)
    headers = await app.login(ADMIN)
    response = await app.client.request(
        method,
        path,
        content=b"a=" + b"x" * (2 * SMALL),
        headers={**headers, "Content-Type": content_type},
    )
    refused(response.json(), "INVALID_DATA", "max_body_bytes")


async def test_an_upload_may_carry_a_file_larger_than_max_body_bytes(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(max_body_bytes=SMALL, max_file_bytes=64 * 1024)
    headers = await app.login(ALICE)
    data, content_type = multipart(b"y" * (10 * SMALL), name__v="Big", type__v="memo__c")
    response = await app.client.post(
        DOCS, content=data, headers={**headers, "Content-Type": content_type}
    )
    assert response.json()["responseStatus"] == "SUCCESS", response.json()


async def test_an_upload_past_max_file_bytes_is_refused_while_it_streams(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(max_body_bytes=SMALL, max_file_bytes=8 * 1024)
    headers = await app.login(ALICE)
    data, content_type = multipart(b"y" * (200 * 1024), name__v="Big", type__v="memo__c")
    body = Chunks(0, data=data)
    response = await app.client.post(
        DOCS, content=body, headers={**headers, "Content-Type": content_type}
    )
    refused(response.json(), "EXCEEDS_FILE_MAX_SIZE", "max_file_bytes = 8192")
    assert body.sent < 20, "reading stopped soon after the limit"
    assert [p for p in app.runtime.files.root.rglob("*") if p.is_file()] == []


async def test_an_upload_declared_past_max_file_bytes_is_refused_before_it_is_read(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(max_body_bytes=SMALL, max_file_bytes=8 * 1024)
    headers = await app.login(ALICE)
    data, content_type = multipart(b"y" * (200 * 1024), name__v="Big", type__v="memo__c")
    body = Chunks(0, data=data)
    response = await app.client.post(
        DOCS,
        content=body,
        headers={**headers, "Content-Type": content_type, "Content-Length": str(len(data))},
    )
    refused(response.json(), "EXCEEDS_FILE_MAX_SIZE", "max_file_bytes")
    assert body.sent == 0


async def test_who_may_not_upload_is_refused_before_the_body_is_read(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(max_body_bytes=SMALL)
    alice = await app.login(ALICE)  # a viewer of doc_a: she may not add a version
    data, content_type = multipart(b"y" * (10 * SMALL))
    for headers, error_type in [
        ({}, "INVALID_SESSION_ID"),
        (alice, "INSUFFICIENT_ACCESS"),
    ]:
        body = Chunks(0, data=data)
        response = await app.client.post(
            f"{DOCS}/{app.seed.doc_a}",
            content=body,
            headers={**headers, "Content-Type": content_type},
        )
        refused(response.json(), error_type)
        assert body.sent == 0, f"{error_type}: the body was not read"
    invisible = Chunks(0, data=data)
    response = await app.client.post(
        f"{DOCS}/{app.seed.doc_b}",
        content=invisible,
        headers={**alice, "Content-Type": content_type},
    )
    refused(response.json(), "INVALID_DATA", "does not exist")
    assert invisible.sent == 0


async def test_an_editor_adds_a_version_larger_than_max_body_bytes(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(max_body_bytes=SMALL)
    admin = await app.login(ADMIN)
    data, content_type = multipart(b"y" * (10 * SMALL))
    response = await app.client.post(
        f"{DOCS}/{app.seed.doc_a}", content=data, headers={**admin, "Content-Type": content_type}
    )
    assert response.json()["responseStatus"] == "SUCCESS", response.json()


# The server process


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def _answer(raw: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, json.loads(body)


@pytest.fixture(scope="module")
def edge_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    limits = {
        "ACTIONVAULT_WORKERS": "0",
        "ACTIONVAULT_HEADER_TIMEOUT": "1",
        "ACTIONVAULT_MAX_HEADER_BYTES": "4096",
        "ACTIONVAULT_MAX_BODY_BYTES": "4096",
    }
    with server_process(tmp_path_factory.mktemp("edge"), "serve", **limits) as (base, _):
        yield base


@pytest.mark.e2e
def test_a_client_trickling_its_headers_is_cut_off_within_header_timeout(
    edge_server: str,
) -> None:
    sock = _connect(edge_server)
    started = time.monotonic()
    sock.sendall(b"GET /api HTTP/1.1\r\nHost: test\r\n")
    try:
        for _ in range(50):  # ten seconds of headers, one every 0.2 s
            sock.sendall(b"X-Slow: 1\r\n")
            time.sleep(0.2)
    except OSError:
        pass  # the server closed the connection
    raw = _read_until_closed(sock)
    took = time.monotonic() - started
    sock.close()
    assert took < 3, f"the connection stayed open {took:.1f} s"
    status, headers, body = _answer(raw)
    assert status == 408
    assert headers["connection"] == "close"
    assert headers["x-vaultapi-status"] == "FAILURE"
    refused(body, "INVALID_DATA", "header_timeout (1 s)")


@pytest.mark.e2e
def test_a_connection_that_sends_nothing_is_closed_after_header_timeout(
    edge_server: str,
) -> None:
    sock = _connect(edge_server)
    started = time.monotonic()
    assert _read_until_closed(sock) == b""
    sock.close()
    assert 0.5 < time.monotonic() - started < 3


@pytest.mark.e2e
@pytest.mark.parametrize("trickled", [False, True])
def test_headers_past_max_header_bytes_are_refused_with_an_envelope(
    edge_server: str, trickled: bool
) -> None:
    sock = _connect(edge_server)
    head = b"GET /api HTTP/1.1\r\nHost: test\r\nX-Big: " + b"a" * 8000 + b"\r\n\r\n"
    try:
        if trickled:  # one header that never ends within the limit
            for start in range(0, len(head), 512):
                sock.sendall(head[start : start + 512])
                time.sleep(0.01)
        else:
            sock.sendall(head)
    except OSError:
        pass
    status, headers, body = _answer(_read_until_closed(sock))
    sock.close()
    assert status == 431
    assert headers["connection"] == "close"
    refused(body, "INVALID_DATA", "max_header_bytes = 4096")


@pytest.mark.e2e
def test_a_body_declared_too_large_is_refused_before_it_is_sent(edge_server: str) -> None:
    sock = _connect(edge_server)
    sock.sendall(
        b"POST /api/v26.1/auth HTTP/1.1\r\nHost: test\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000000\r\n\r\n"
    )
    status, headers, body = _answer(_read_until_closed(sock))
    sock.close()
    assert status == 200  # the application answered, as Vault does, with HTTP 200
    assert headers["connection"] == "close"
    refused(body, "INVALID_DATA", "max_body_bytes = 4096")


@pytest.mark.e2e
def test_a_request_that_is_not_http_gets_an_envelope(edge_server: str) -> None:
    sock = _connect(edge_server)
    sock.sendall(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
    status, _, body = _answer(_read_until_closed(sock))
    sock.close()
    assert status == 400
    refused(body, "INVALID_DATA", "not valid HTTP/1.1")


@pytest.mark.e2e
def test_past_max_connections_a_request_is_refused_with_retry_after(tmp_path: Path) -> None:
    limits = {"ACTIONVAULT_WORKERS": "0", "ACTIONVAULT_MAX_CONNECTIONS": "3"}
    with server_process(tmp_path, "serve", **limits) as (base, _):
        idle = [_connect(base) for _ in range(3)]
        try:
            response = httpx.get(f"{base}/api", headers={"Connection": "close"})
            assert response.status_code == 503
            assert response.headers["retry-after"] == "1"
            refused(response.json(), "API_LIMIT_EXCEEDED", "max_connections = 3", "retry")
        finally:
            for sock in idle:
                sock.close()
        deadline = time.monotonic() + 5
        while True:  # the server notices the closed connections at once, or nearly
            response = httpx.get(f"{base}/api", headers={"Connection": "close"})
            if response.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert response.json()["responseStatus"] == "SUCCESS"
