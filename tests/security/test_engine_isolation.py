"""Hostile documents against a real server process: the engines that read them can be stopped.

Each test starts `actionvault demo` on loopback with one engine process, uploads a document
built to be slow or large, and watches the server's own processes through /proc.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from actionvault.services.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME
from live_server import server_process

pytestmark = pytest.mark.e2e

API = "/api/v26.1"
# An agent of this test's own: the shipped spelling engine with a one-second timeout.
_AGENT = """\
name: hostile_checks__c
label: Hostile Checks
class: com.example.HostileChecks
document_type: base_document__v
description: Proofreads with a short timeout.
actions:
  - name: spelling_one_second__c
    label: Spelling, one second
    description: Checks spelling and grammar, for at most one second.
    engine: builtin.spelling_grammar
    timeout_seconds: 1
"""


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    headers: dict[str, str]

    def children(self) -> list[int]:
        """The server's engine processes (and any other child it has)."""
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        fields = stat.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid and fields[0] != "Z":
                    found.append(int(entry))
        return found

    def busy_child(self, within: float = 20.0) -> int:
        """The child that is using the CPU: the engine process running the job."""
        deadline = time.monotonic() + within
        before = {pid: _cpu_ticks(pid) for pid in self.children()}
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now = {pid: _cpu_ticks(pid) for pid in self.children()}
            for pid, ticks in now.items():
                if ticks - before.get(pid, ticks) >= 10:  # 0.1 s of CPU in 0.2 s
                    return pid
            before = now
        raise AssertionError("no engine process started working")

    def upload(self, name: str, text: str) -> str:
        response = httpx.post(
            f"{self.url}{API}/objects/documents",
            headers=self.headers,
            data={"name__v": name, "type__v": "promotional_piece__c", "lifecycle__v": "draft__c"},
            files={"file": (f"{name}.txt", text.encode(), "text/plain")},
            timeout=60,
        )
        body = response.json()
        assert body["responseStatus"] == "SUCCESS", body
        return str(body["id"])

    def execute(self, document_id: str, agent: str, action: str) -> str:
        body = httpx.post(
            f"{self.url}{API}/services/ai/agent_actions/actions/execute",
            headers=self.headers,
            json={"agent_name": agent, "action_name": action, "document_id": document_id},
            timeout=10,
        ).json()
        assert body["responseStatus"] == "SUCCESS", body
        execution_id: str = body["actionResponse"]["executionId"]
        return execution_id

    def status(self, execution_id: str) -> dict[str, Any]:
        body = httpx.get(
            f"{self.url}{API}/services/ai/agent_actions/status",
            headers=self.headers,
            params={"execution_id": execution_id},
            timeout=10,
        ).json()
        response: dict[str, Any] = body["actionResponse"]
        return response

    def wait(self, execution_id: str, within: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            response = self.status(execution_id)
            if response["actionStatus"] != "IN_PROGRESS":
                return response
            time.sleep(0.1)
        raise AssertionError(f"{execution_id} did not end within {within} s")


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _resident_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def slow_english(words: int, seed: int = 7) -> str:
    """English-looking text where every third word or so is a fresh misspelling: each costs
    the proofreader a dictionary search, so the check takes seconds."""
    rng = random.Random(seed)
    base = "the patient should take one tablet daily with food and water before breakfast"
    words_in = [*base.split(" "), "unless", "told", "otherwise", "by", "a", "pharmacist"]
    out = []
    for _ in range(words):
        word = rng.choice(words_in)
        if len(word) > 3 and rng.random() < 0.3:
            at = rng.randrange(len(word))
            word = word[:at] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[at + 1 :] + "e"
        out.append(word)
    return " ".join(out)


@contextmanager
def server(tmp_path: Path, **env: str) -> Iterator[Server]:
    agents = tmp_path / "agents"
    agents.mkdir()
    (agents / "hostile_checks__c.yaml").write_text(_AGENT)
    settings = {"ACTIONVAULT_ENGINE_PROCESSES": "1", "ACTIONVAULT_POLL_INTERVAL": "0.1", **env}
    with server_process(tmp_path / "data", "demo", agents_dir=agents, **settings) as (
        url,
        process,
    ):
        login = httpx.post(
            f"{url}{API}/auth",
            data={"username": DEMO_ADMIN_USERNAME, "password": DEMO_ADMIN_PASSWORD},
        ).json()
        yield Server(url, process, {"Authorization": login["sessionId"]})


def test_a_document_of_one_repeated_word_is_checked_in_bounded_memory(tmp_path: Path) -> None:
    with server(tmp_path, ACTIONVAULT_ENGINE_MEMORY_MB="600") as live:
        document = live.upload("repeated", "word " * 400_000)
        execution_id = live.execute(document, "quick_check__v", "spelling_grammar__v")
        peak = 0.0
        deadline = time.monotonic() + 120
        while (state := live.status(execution_id))["actionStatus"] == "IN_PROGRESS":
            peak = max(peak, _resident_mb(live.process.pid))
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert live.process.poll() is None
    assert state["actionStatus"] == "SUCCESS", state
    value = state["actionOutputs"][0]["value"]
    assert '"errors_omitted": ' in value
    assert len(value) < 1_000_000
    assert peak < 300, f"the server reached {peak:.0f} MB"


def test_cancel_stops_the_engine_process_within_about_a_second(tmp_path: Path) -> None:
    with server(tmp_path) as live:
        document = live.upload("slow", slow_english(400_000))
        execution_id = live.execute(document, "quick_check__v", "spelling_grammar__v")
        engine = live.busy_child()
        cancelled_at = time.monotonic()
        body = httpx.post(
            f"{live.url}{API}/services/ai/agent_actions/actions/cancel",
            headers=live.headers,
            json={"execution_id": execution_id},
        ).json()
        assert body["responseStatus"] == "SUCCESS", body
        assert _gone(engine, within=2.0), "the engine process went on after cancel"
        stopped_after = time.monotonic() - cancelled_at
        assert live.wait(execution_id)["actionStatus"] == "CANCELLED"
        # A fresh engine process takes the next execution.
        quick = live.execute("1", "quick_check__v", "spelling_grammar__v")
        assert live.wait(quick)["actionStatus"] == "SUCCESS"
    assert stopped_after < 2.0


def test_a_timeout_stops_the_engine_process_and_ends_the_execution(tmp_path: Path) -> None:
    with server(tmp_path) as live:
        document = live.upload("slow", slow_english(400_000))
        started = time.monotonic()
        execution_id = live.execute(document, "hostile_checks__c", "spelling_one_second__c")
        engine = live.busy_child()
        state = live.wait(execution_id)
        assert _gone(engine, within=2.0), "the engine process went on after the timeout"
        assert time.monotonic() - started < 10
    assert state["actionStatus"] == "FAILURE"
    assert state["errors"][0]["message"] == "The action timed out after 1 s."


def test_an_execution_whose_engine_process_dies_fails_after_that_one_death(
    tmp_path: Path,
) -> None:
    with server(tmp_path) as live:
        document = live.upload("slow", slow_english(400_000))
        execution_id = live.execute(document, "quick_check__v", "spelling_grammar__v")
        os.kill(live.busy_child(), signal.SIGKILL)
        state = live.wait(execution_id, within=20)
        assert live.process.poll() is None, "the server went down with its engine process"
        after = live.execute("1", "quick_check__v", "spelling_grammar__v")
        assert live.wait(after)["actionStatus"] == "SUCCESS"
    assert state["actionStatus"] == "FAILURE"
    assert "ended abnormally" in state["errors"][0]["message"]


def test_an_engine_past_its_memory_limit_fails_its_execution_not_the_server(
    tmp_path: Path,
) -> None:
    # Three million words: their tokens and findings alone need far more than
    # 512 MB, while starting an engine process and reading the file need far less.
    with server(tmp_path, ACTIONVAULT_ENGINE_MEMORY_MB="512") as live:
        document = live.upload("large", "word " * 3_000_000)
        execution_id = live.execute(document, "quick_check__v", "spelling_grammar__v")
        state = live.wait(execution_id, within=180)
        assert live.process.poll() is None
    assert state["actionStatus"] == "FAILURE", state
    assert "more than 512 MB of memory" in state["errors"][0]["message"]
