"""Webhooks from a real server process that is killed (SIGKILL) while it delivers: after a
restart every event is delivered, some perhaps twice under the same webhook-id, none lost."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from actionvault.services.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME
from live_server import server_process
from support import BACKENDS, POSTGRES_URL
from webhook_receiver import receiver, wait_until

pytestmark = pytest.mark.e2e


def login(client: httpx.Client) -> dict[str, str]:
    body = client.post(
        "/api/v26.1/auth",
        data={"username": DEMO_ADMIN_USERNAME, "password": DEMO_ADMIN_PASSWORD},
    ).json()
    assert body["responseStatus"] == "SUCCESS", body
    return {"Authorization": body["sessionId"], "Accept": "application/json"}


def run(client: httpx.Client, headers: dict[str, str]) -> str:
    """An echo execution, to its end; its id."""
    body = client.post(
        "/api/v26.1/services/ai/agent_actions/actions/execute",
        json={"agent_name": "test_agent__c", "action_name": "echo__c", "document_id": "1"},
        headers=headers,
    ).json()
    assert body["responseStatus"] == "SUCCESS", body
    execution_id: str = body["actionResponse"]["executionId"]
    wait_until(
        lambda: (
            client.get(
                "/api/v26.1/services/ai/agent_actions/status",
                params={"execution_id": execution_id},
                headers=headers,
            ).json()["actionResponse"]["actionStatus"]
            == "SUCCESS"
        ),
        what=f"{execution_id} succeeded",
    )
    return execution_id


@pytest.fixture(params=BACKENDS)
def database_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The server's database: SQLite in its data folder, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield {}
        return
    import psycopg

    assert POSTGRES_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield {"ACTIONVAULT_DATABASE_URL": f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"}
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE".encode())


def test_deliveries_of_a_killed_server_are_sent_by_the_next_one(
    tmp_path: Path, database_env: dict[str, str]
) -> None:
    env = {
        **database_env,
        "ACTIONVAULT_WEBHOOK_TIMEOUT": "2",
        "ACTIONVAULT_WEBHOOK_RETRY_BASE": "0.2",
        "ACTIONVAULT_POLL_INTERVAL": "0.1",
        "ACTIONVAULT_LEASE_SECONDS": "1",
        # Two at a time to the slow receiver: the kill finds some sent, some under way, some
        # not yet claimed.
        "ACTIONVAULT_WEBHOOK_ENDPOINT_CONCURRENCY": "2",
    }
    with receiver(delay=0.4) as hooks:
        with (
            server_process(tmp_path, "demo", **env) as (base, process),
            httpx.Client(base_url=base, timeout=10) as client,
        ):
            headers = login(client)
            created = client.post(
                "/api/v26.1/ext/webhooks", json={"url": hooks.url}, headers=headers
            ).json()
            assert created["responseStatus"] == "SUCCESS", created
            secret = created["data"]["secret"]
            ids = [run(client, headers) for _ in range(8)]
            wait_until(lambda: len(hooks.received) >= 2, what="deliveries under way")
            process.kill()  # SIGKILL: mid-delivery, leases held, nothing recorded for some
            process.wait()
        killed_at = len(hooks.received)
        assert killed_at < len(ids), "the kill came too late to interrupt any delivery"
        with (
            server_process(tmp_path, "demo", **env) as (base, _),
            httpx.Client(base_url=base, timeout=10) as client,
        ):
            wait_until(
                lambda: {r.payload["data"]["executionId"] for r in hooks.received} >= set(ids),
                within=40,
                what="every execution's event delivered after the restart",
            )
            headers = login(client)
            webhook_id = created["data"]["id"]

            def all_succeeded() -> bool:
                found = client.get(
                    f"/api/v26.1/ext/webhooks/{webhook_id}/deliveries", headers=headers
                ).json()["data"]
                return len(found) == len(ids) and all(d["state"] == "succeeded" for d in found)

            wait_until(all_succeeded, within=20, what="every delivery recorded as succeeded")
    by_message: dict[str, bytes] = {}
    for received in hooks.received:
        payload = received.verified(secret)
        assert payload["type"] == "execution.succeeded"
        # A message sent again is the same message: same id, same body.
        assert by_message.setdefault(received.message_id, received.body) == received.body
    assert len(by_message) == len(ids), "one message per event, whatever was sent twice"
