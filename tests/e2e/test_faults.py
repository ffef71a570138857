"""Faults under load, with real processes on loopback: a killed worker, a killed API.

Bounded: a few dozen executions, deadlines on every wait, every process stopped at the end.
Afterwards every execution is terminal, none is lost, none finished twice, and every external
id resolves.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

from actionvault.services.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME
from support import POSTGRES_URL, TEST_AGENTS

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


# Only defined where PostgreSQL is given, so that no run reports it as skipped.
if POSTGRES_URL is not None:

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
