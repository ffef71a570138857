"""Structured logs: JSON lines with the request's and the execution's ids, and no secrets."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from actionvault.engine.runner import Runner
from actionvault.observability.logs import JsonFormatter, Redactor, TextFormatter
from live_server import free_port
from support import ALICE, TEST_AGENTS, App

ADMIN_PASSWORD = "actionvault-demo"
TOKEN = "scrape-token-4f9a7c"
DB_PASSWORD = "db-pass-71c2e0"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """What the actionvault loggers write, as JSON lines through the server's own handler."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(Redactor())
    logger = logging.getLogger("actionvault")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def lines_of(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


async def test_every_line_of_a_request_carries_its_request_id(
    app: App, captured: io.StringIO
) -> None:
    headers = await app.login(ALICE)
    response = await app.client.get("/api/v26.1/services/ai/agents", headers=headers)
    request_id = response.headers["X-VaultAPI-ExecutionId"]
    mine = [line for line in lines_of(captured) if line.get("request_id") == request_id]
    assert mine, captured.getvalue()
    assert any("/services/ai/agents" in line["message"] for line in mine)


async def test_every_line_of_an_execution_carries_its_execution_id(
    app: App, captured: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Runner.run

    async def run(self: Runner, execution: Any) -> Any:
        logging.getLogger("actionvault.engine.runner").info("the action begins")
        return await original(self, execution)

    monkeypatch.setattr(Runner, "run", run)
    headers = await app.login(ALICE)
    body = await app.execute(
        headers, agent_name="test_agent__c", action_name="echo__c", document_id=str(app.seed.doc_a)
    )
    execution_id = body["actionResponse"]["executionId"]
    await app.wait(headers, execution_id)
    [begins] = [line for line in lines_of(captured) if line["message"] == "the action begins"]
    assert begins["execution_id"] == execution_id


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("connecting to postgresql://av:hunter2-db@db.internal/av failed", "hunter2-db"),
        ("form username=a&password=hunter2-form", "hunter2-form"),
        ("headers {'Authorization': 'Bearer 8f7e6d5c4b3a'}", "8f7e6d5c4b3a"),
        ("Authorization: 4A1B2C3D4E5F6A7B", "4A1B2C3D4E5F6A7B"),
        ("provider settings api_key='sk-live-123456'", "sk-live-123456"),
        ("login answered sessionId=ABCDEF0123456789", "ABCDEF0123456789"),
    ],
)
def test_secret_shaped_text_is_taken_out_of_every_line(message: str, secret: str) -> None:
    record = logging.LogRecord("actionvault.test", logging.INFO, __file__, 1, message, None, None)
    assert Redactor().filter(record)
    for formatter in (JsonFormatter(), TextFormatter()):
        line = formatter.format(record)
        assert secret not in line
        assert "***" in line


def test_configured_secrets_are_taken_out_wherever_they_appear() -> None:
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "bad token %s in %r", ("tok-998877", {"a": 1}), None
    )
    Redactor(["tok-998877"]).filter(record)
    assert record.getMessage() == "bad token *** in {'a': 1}"


@pytest.mark.e2e
def test_a_json_logging_server_logs_no_password_token_or_session(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONVAULT_")}
    env = {
        **inherited,
        "ACTIONVAULT_LOG_LEVEL": "debug",
        "ACTIONVAULT_LOG_FORMAT": "json",
        "ACTIONVAULT_METRICS_TOKEN": TOKEN,
    }
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "actionvault", "demo", "--port", str(port),
                "--data-dir", str(tmp_path / "data"), "--agents-dir", str(TEST_AGENTS),
            ],
            env=env, stdout=subprocess.DEVNULL, stderr=log,  # the log; stdout has the banner
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/health/live", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
        auth = f"{base}/api/v26.1/auth"
        httpx.post(auth, data={"username": "admin@actionvault.demo", "password": "wrong-pass-1"})
        body = httpx.post(
            auth, data={"username": "admin@actionvault.demo", "password": ADMIN_PASSWORD}
        ).json()
        session = body["sessionId"]
        headers = {"Authorization": f"Bearer {session}"}
        started = httpx.post(
            f"{base}/api/v26.1/services/ai/agent_actions/actions/execute",
            json={"agent_name": "quick_check__v", "action_name": "spelling_grammar__v",
                  "document_id": "1"},
            headers=headers,
        ).json()  # fmt: skip
        assert started["responseStatus"] == "SUCCESS", started
        httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        httpx.get(f"{base}/api/v26.1/objects/users/me", headers={"Authorization": "nonsense"})
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    text = log_path.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert lines, "the server logged nothing"
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert any(line.get("request_id") for line in lines)
    for secret in (ADMIN_PASSWORD, "wrong-pass-1", TOKEN, session):
        assert secret not in text
