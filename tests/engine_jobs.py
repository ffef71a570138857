"""Jobs for the engine-process tests: module-level, so an engine process can import them."""

from __future__ import annotations

import os
import time

from actionvault.errors import ActionFailed


def add(a: int, b: int) -> int:
    return a + b


def process_id() -> int:
    return os.getpid()


def fail_as_vault(message: str) -> None:
    raise ActionFailed(message, "INVALID_DATA")


def allocate_without_end() -> None:
    held = []
    while True:
        held.append(bytearray(16 * 2**20))


def exit_abruptly() -> None:
    os._exit(3)


def spin(marker: str) -> None:
    """Busy forever, after leaving its process id where the test can find it."""
    with open(marker, "w") as out:
        out.write(str(os.getpid()))
    while True:
        time.sleep(0)
