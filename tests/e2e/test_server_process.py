"""A real `actionvault` process on loopback, driven the way a client written for Vault drives it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from actionvault.services.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME
from live_server import server_process

pytestmark = pytest.mark.e2e


def login(client: httpx.Client) -> dict[str, str]:
    body = client.post(
        "/api/v26.1/auth",
        data={"username": DEMO_ADMIN_USERNAME, "password": DEMO_ADMIN_PASSWORD},
    ).json()
    assert body["responseStatus"] == "SUCCESS", body
    return {"Authorization": body["sessionId"], "Accept": "application/json"}


def execute(client: httpx.Client, headers: dict[str, str], **fields: str) -> str:
    response = client.post(
        "/api/v26.1/services/ai/agent_actions/actions/execute",
        content=json.dumps(fields).encode(),
        headers={**headers, "Content-Type": "application/json; charset=utf-8"},
    )
    body = response.json()
    assert body["responseStatus"] == "SUCCESS", body
    execution_id: str = body["actionResponse"]["executionId"]
    return execution_id


def poll(client: httpx.Client, headers: dict[str, str], execution_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 30
    while True:
        body = client.get(
            "/api/v26.1/services/ai/agent_actions/status",
            params={"execution_id": execution_id},
            headers=headers,
        ).json()
        response: dict[str, object] = body["actionResponse"]
        if response["actionStatus"] != "IN_PROGRESS":
            return response
        assert time.monotonic() < deadline, response
        time.sleep(0.05)


def test_a_vault_client_logs_in_lists_executes_polls_and_cancels(tmp_path: Path) -> None:
    with (
        server_process(tmp_path, "demo") as (base, _),
        httpx.Client(base_url=base, timeout=10) as client,
    ):
        headers = login(client)
        agents = client.get("/api/v26.1/services/ai/agents", headers=headers).json()
        assert "quick_check__v" in [a["name"] for a in agents["agents"]]
        execution_id = execute(
            client,
            headers,
            agent_name="quick_check__v",
            action_name="spelling_grammar__v",
            document_id="1",
        )
        done = poll(client, headers, execution_id)
        assert done["actionStatus"] == "SUCCESS", done
        outputs = done["actionOutputs"]
        assert isinstance(outputs, list)
        report = json.loads(outputs[0]["value"].removeprefix("```json\n").removesuffix("\n```"))
        assert report["errors"], "the demo documents hold real errors"

        slow = execute(
            client, headers, agent_name="test_agent__c", action_name="slow__c", document_id="1"
        )
        time.sleep(0.3)
        cancel = client.post(
            "/api/v26.1/services/ai/agent_actions/actions/cancel",
            json={"execution_id": slow},
            headers=headers,
        ).json()
        assert cancel["data"] == {"actionStatus": "SUBMITTED", "executionId": slow}
        assert poll(client, headers, slow)["actionStatus"] == "CANCELLED"


def test_queued_work_survives_a_restart_of_the_server(tmp_path: Path) -> None:
    with (
        server_process(tmp_path, "demo", "--workers", "0") as (base, _),
        httpx.Client(base_url=base) as client,
    ):
        headers = login(client)
        ids = [
            execute(client, headers, agent_name="test_agent__c", action_name="echo__c",
                    document_id="2")
            for _ in range(3)
        ]  # fmt: skip
    with server_process(tmp_path, "demo") as (base, _), httpx.Client(base_url=base) as client:
        headers = login(client)
        for execution_id in ids:
            assert poll(client, headers, execution_id)["actionStatus"] == "SUCCESS"


def test_work_of_a_killed_server_is_run_again_by_the_next_one(tmp_path: Path) -> None:
    lease = {"ACTIONVAULT_LEASE_SECONDS": "1"}
    with (
        server_process(tmp_path, "demo", **lease) as (base, process),
        httpx.Client(base_url=base) as client,
    ):
        headers = login(client)
        execution_id = execute(
            client, headers, agent_name="test_agent__c", action_name="medium__c", document_id="1"
        )
        time.sleep(0.5)
        process.kill()
        process.wait()
    with (
        server_process(tmp_path, "demo", **lease) as (base, _),
        httpx.Client(base_url=base) as client,
    ):
        headers = login(client)
        done = poll(client, headers, execution_id)
        assert done["actionStatus"] == "SUCCESS", done
