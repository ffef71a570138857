"""Faults under load, with real processes on loopback: a killed worker, a killed API, and a
PostgreSQL server stopped and restarted.

Bounded: a few dozen executions, deadlines on every wait, every process stopped at the end.
Afterwards every execution is terminal, none is lost, none finished twice, and every external
id resolves.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

from actionvault.services.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME
from support import POSTGRES_URL, TEST_AGENTS, requires_postgres

pytestmark = pytest.mark.e2e
API = "/api/v26.1"
COUNT = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            if process.poll() is None:
                process.kill()
                process.wait()


def start(
    running: list[subprocess.Popen[bytes]], data_dir: Path, *args: str, **env: str
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "ACTIONVAULT_LOG_LEVEL": "warning",
        "ACTIONVAULT_LEASE_SECONDS": "1",
        "ACTIONVAULT_AUTH_BURST_LIMIT": "1000",
        **env,
    }
    command = [sys.executable, "-m", "actionvault", *args, "--data-dir", str(data_dir),
               "--agents-dir", str(TEST_AGENTS)]  # fmt: skip
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    running.append(process)
    return process


def wait_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        with suppress(httpx.TransportError):
            if httpx.get(f"http://127.0.0.1:{port}/api", timeout=1).status_code == 200:
                return
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.1)


def login(base: str) -> dict[str, str]:
    body = httpx.post(
        f"{base}{API}/auth",
        data={"username": DEMO_ADMIN_USERNAME, "password": DEMO_ADMIN_PASSWORD},
    ).json()
    assert body["responseStatus"] == "SUCCESS", body
    return {"Authorization": body["sessionId"]}


def submit(base: str, headers: dict[str, str], run: str) -> dict[str, str]:
    """external id → execution id, for COUNT short executions."""
    ids = {}
    for index in range(COUNT):
        external = f"{run}-{index}"
        body = httpx.post(
            f"{base}{API}/services/ai/agent_actions/actions/execute",
            json={"agent_name": "test_agent__c", "action_name": "short__c",
                  "document_id": "1", "external_id": external},
            headers=headers,
        ).json()  # fmt: skip
        assert body["responseStatus"] == "SUCCESS", body
        ids[external] = body["actionResponse"]["executionId"]
    return ids


def settle(base: str, ids: dict[str, str], within: float = 60) -> dict[str, str]:
    """Wait until every execution is terminal; external id → final status (by external id)."""
    headers = login(base)
    deadline = time.monotonic() + within
    final: dict[str, str] = {}
    while len(final) < len(ids):
        for external, execution_id in ids.items():
            if external in final:
                continue
            body = httpx.get(
                f"{base}{API}/services/ai/agent_actions/status",
                params={"external_id": external},
                headers=headers,
            ).json()
            response = body["actionResponse"]
            assert response["executionId"] == execution_id
            if response["actionStatus"] != "IN_PROGRESS":
                final[external] = response["actionStatus"]
        assert time.monotonic() < deadline, f"not terminal: {set(ids) - set(final)}"
        time.sleep(0.2)
    return final


def finished_once(base: str, ids: dict[str, str]) -> None:
    headers = login(base)
    events = httpx.get(
        f"{base}{API}/ext/audit", params={"kind": "execution_finished", "limit": 10000},
        headers=headers,
    ).json()["events"]  # fmt: skip
    subjects = [e["subject"] for e in events if e["subject"] in set(ids.values())]
    assert sorted(subjects) == sorted(ids.values()), "an execution finished twice or never"


def test_killing_the_server_mid_load_loses_nothing_on_sqlite(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with processes() as running:
        server = start(running, tmp_path, "demo", "--port", str(port), "--workers", "4")
        wait_up(port)
        ids = submit(base, login(base), "sqlite")
        time.sleep(0.8)
        server.send_signal(signal.SIGKILL)
        server.wait()
        start(running, tmp_path, "demo", "--port", str(port), "--workers", "4")
        wait_up(port)
        assert set(settle(base, ids).values()) == {"SUCCESS"}
        finished_once(base, ids)


@requires_postgres
def test_killing_a_worker_and_the_api_mid_load_loses_nothing_on_postgres(
    tmp_path: Path,
) -> None:
    assert POSTGRES_URL is not None
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(b"DROP SCHEMA IF EXISTS faults CASCADE")
        conn.execute(b"CREATE SCHEMA faults")
    url = f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3Dfaults"
    env = {"ACTIONVAULT_DATABASE_URL": url}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with processes() as running:
        api = start(running, tmp_path, "demo", "--port", str(port), "--workers", "0", **env)
        wait_up(port)
        worker = start(running, tmp_path, "worker", "--concurrency", "4", **env)
        ids = submit(base, login(base), "pg")
        time.sleep(0.8)
        worker.send_signal(signal.SIGKILL)  # executions in flight die with it
        worker.wait()
        api.send_signal(signal.SIGKILL)  # and the API goes too
        api.wait()
        start(running, tmp_path, "worker", "--concurrency", "4", **env)
        start(running, tmp_path, "demo", "--port", str(port), "--workers", "0", **env)
        wait_up(port)
        assert set(settle(base, ids).values()) == {"SUCCESS"}
        finished_once(base, ids)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(b"DROP SCHEMA faults CASCADE")


def postgres_binaries() -> Path | None:
    """The newest PostgreSQL server installed (Debian's layout, or pg_ctl on the PATH)."""
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3])
    )
    if installed:
        return installed[-1].parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


class PrivatePostgres:
    """A PostgreSQL server of the test's own, in a temporary folder on a free loopback port, so
    that stopping it disturbs nothing else. As root it runs as the `postgres` user, since the
    server refuses to run as root."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="actionvault-pg-"))
        self.data = self.folder / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgresql://actionvault@127.0.0.1:{self.port}/postgres"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.binaries / tool), *args],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "actionvault", "--auth=trust",
                 "-E", "UTF8", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options,
                 "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def remove(self) -> None:
        with suppress(subprocess.SubprocessError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def outage_answer(base: str, headers: dict[str, str], external: str) -> dict[str, object]:
    """What a status call gets while the database is down: an answer, soon, not a hang."""
    started = time.monotonic()
    body: dict[str, object] = httpx.get(
        f"{base}{API}/services/ai/agent_actions/status",
        params={"external_id": external},
        headers=headers,
        timeout=30,
    ).json()
    assert time.monotonic() - started < 15, "the API hung while the database was down"
    return body


POSTGRES_BINARIES = postgres_binaries()


@pytest.mark.skipif(
    POSTGRES_BINARIES is None,
    reason="no PostgreSQL server binaries (Debian's package postgresql) to start one",
)
def test_stopping_and_restarting_postgres_mid_load_loses_nothing(tmp_path: Path) -> None:
    assert POSTGRES_BINARIES is not None
    database = PrivatePostgres(POSTGRES_BINARIES)
    try:
        database.init()
        database.start()
        env = {"ACTIONVAULT_DATABASE_URL": database.url}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with processes() as running:
            api = start(running, tmp_path, "demo", "--port", str(port), "--workers", "0",
                        **env)  # fmt: skip
            wait_up(port)
            worker = start(running, tmp_path, "worker", "--concurrency", "4", **env)
            headers = login(base)
            ids = submit(base, headers, "restart")
            time.sleep(0.8)  # executions are running, and more are queued
            database.stop("immediate")  # as if the server crashed
            during = outage_answer(base, headers, "restart-0")
            assert during["responseStatus"] == "EXCEPTION", during
            assert during["errors"] == [  # type: ignore[comparison-overlap]
                {"type": "UNEXPECTED_ERROR",
                 "message": "The database cannot be reached at the moment; "
                            "retry the request in a few seconds."}
            ]  # fmt: skip
            time.sleep(2)
            database.start()
            assert set(settle(base, ids).values()) == {"SUCCESS"}
            finished_once(base, ids)
            # Both processes rode out the outage, and new work runs as before.
            assert api.poll() is None
            assert worker.poll() is None
            more = submit(base, login(base), "after")
            assert set(settle(base, more).values()) == {"SUCCESS"}
    finally:
        database.remove()
