"""A real HTTP webhook receiver on loopback, in a thread: it records what it is sent and answers
with a status (and after a delay) the test chooses; it can be stopped and started again on the
same port, as a receiver that goes down and comes back."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook

from live_server import free_port


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def payload(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value

    @property
    def message_id(self) -> str:
        return self.headers["webhook-id"]

    def verified(self, secret: str) -> dict[str, Any]:
        """The payload, once the standardwebhooks library has verified its signature."""
        value: dict[str, Any] = Webhook(secret).verify(self.body, self.headers)
        return value


class Receiver:
    def __init__(self, status: int = 200, delay: float = 0.0, port: int | None = None) -> None:
        self.status = status
        self.delay = delay
        #: Answers for the next requests, before `status` applies again.
        self.script: list[int] = []
        self.received: list[Received] = []
        self.port = port or free_port()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5  # a read never waits for ever on a sender that stopped

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._lock:
                    receiver.received.append(
                        Received({k.lower(): v for k, v in self.headers.items()}, body, time.time())
                    )
                    status = receiver.script.pop(0) if receiver.script else receiver.status
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        # Stopping must not wait for answers in progress: an async test stops its receiver on
        # the event loop, which may be the very sender those answers wait for.
        self._server.block_on_close = False
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def of_type(self, event_type: str) -> list[Received]:
        return [r for r in list(self.received) if r.payload["type"] == event_type]


@contextmanager
def receiver(status: int = 200, delay: float = 0.0) -> Iterator[Receiver]:
    r = Receiver(status, delay)
    r.start()
    try:
        yield r
    finally:
        r.stop()


def wait_until(check: Callable[[], bool], within: float = 15.0, what: str = "") -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        time.sleep(0.02)


async def eventually(check: Callable[[], bool], within: float = 15.0, what: str = "") -> None:
    """wait_until for async tests: the in-process server runs while this waits."""
    import asyncio

    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        await asyncio.sleep(0.02)
