"""One real `actionvault demo` process on loopback, shared by the SDK and CLI suites.

Both suites' conftests define a `live_server` fixture over `shared_server()`; pytest gives each
conftest its own fixture instance, so the process itself is kept here, started by the first
user and stopped when the last one lets go, at the end of the session. The server keeps its
data for the whole run: tests use fresh external ids and never depend on execution numbers.
`Cli` runs the command line in-process against it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from actionvault.cli import main
from actionvault.services.demo import (
    DEMO_ADMIN_PASSWORD,
    DEMO_ADMIN_USERNAME,
    DEMO_USER_PASSWORD,
    DEMO_USER_USERNAME,
)
from support import TEST_AGENTS

# Tests log in far more often than people do; Vault's auth burst limit (and the delay it
# adds from half of it) would otherwise slow the suite down or refuse logins.
_ENVIRONMENT = {
    "ACTIONVAULT_LOG_LEVEL": "warning",
    "ACTIONVAULT_AUTH_BURST_LIMIT": "1000000",
    "ACTIONVAULT_BURST_LIMIT": "1000000",
    "ACTIONVAULT_LOCKOUT_THRESHOLD": "1000",
    "ACTIONVAULT_WORKERS": "8",
    "ACTIONVAULT_POLL_INTERVAL": "0.05",
}


@dataclass(frozen=True)
class LiveServer:
    url: str
    admin: tuple[str, str] = (DEMO_ADMIN_USERNAME, DEMO_ADMIN_PASSWORD)
    writer: tuple[str, str] = (DEMO_USER_USERNAME, DEMO_USER_PASSWORD)


@dataclass
class Cli:
    """`actionvault` run in-process with CliRunner, with a config folder of its own."""

    config_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    def __call__(self, *args: str, input: str | None = None, **env: str) -> Result:
        """Run `actionvault ARGS`; an exception escaping click fails the test (no tracebacks)."""
        return CliRunner().invoke(
            main,
            list(args),
            input=input,
            env={**self.env, **env},
            catch_exceptions=False,
            prog_name="actionvault",
        )

    @property
    def profiles_file(self) -> Path:
        return self.config_dir / "profiles.json"


@contextmanager
def server_process(
    data_dir: Path,
    *args: str,
    agents_dir: Path = TEST_AGENTS,
    port: int | None = None,
    **env: str,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`actionvault ARGS` (serve, demo) on a loopback port; its URL and process.

    The caller's own ACTIONVAULT_* settings (a database URL, a port) do not leak in: the
    server gets `env`. Its output goes to `server.log` in `data_dir` (appended, so a server
    restarted on the same folder keeps one log), which a failed start reports.
    """
    port = port or free_port()
    command = [
        sys.executable, "-m", "actionvault", *args, "--port", str(port),
        "--data-dir", str(data_dir), "--agents-dir", str(agents_dir),
    ]  # fmt: skip
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONVAULT_")}
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "server.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            env={**inherited, "ACTIONVAULT_LOG_LEVEL": "warning", **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server did not start:\n{log_path.read_text()}")
            time.sleep(0.05)
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _process(data_dir: Path) -> Iterator[LiveServer]:
    with server_process(data_dir / "data", "demo", **_ENVIRONMENT) as (url, _):
        yield LiveServer(url=url)


class _Shared:
    stack = ExitStack()
    server: LiveServer | None = None
    users = 0
    failure: str | None = None


@contextmanager
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if _Shared.failure is not None:
        pytest.fail(_Shared.failure, pytrace=False)  # one failed start is reported once
    if _Shared.server is None:
        try:
            _Shared.server = _Shared.stack.enter_context(
                _process(tmp_path_factory.mktemp("live-server"))
            )
        except AssertionError as exc:
            _Shared.failure = f"the live server failed to start earlier in this run: {exc}"
            raise
    _Shared.users += 1
    try:
        yield _Shared.server
    finally:
        _Shared.users -= 1
        if _Shared.users == 0:
            _Shared.server = None
            _Shared.stack.close()
