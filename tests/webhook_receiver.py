"""A webhook receiver on loopback for the SDK and CLI suites: it records every POST and answers
with the status it is told to."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    status: int = 204
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(
        self, match: Callable[[Received], bool], *, count: int = 1, timeout: float = 20.0
    ) -> list[Received]:
        """The first `count` messages that `match`, once that many have come."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                found = [r for r in self.received if match(r)]
            if len(found) >= count:
                return found[:count]
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} of {count} webhook messages came")
            time.sleep(0.05)


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    """A ThreadingHTTPServer on 127.0.0.1 in a thread, for as long as the block lasts."""
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            with receiver.lock:
                receiver.received.append(Received(dict(self.headers.items()), body))
            self.send_response(receiver.status)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
