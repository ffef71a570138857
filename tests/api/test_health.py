"""The probes: live always answers; ready says which check failed, and recovers."""

from __future__ import annotations

import pytest

from actionvault.api.health import latest_migration
from support import ALICE, App, AppFactory, requires_postgres, run_sql


async def test_live_answers_without_a_session(app: App) -> None:
    response = await app.client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "live"}


async def test_ready_when_database_schema_and_workers_are(app: App) -> None:
    response = await app.client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "schema": "ok", "workers": "ok"},
    }


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=requires_postgres)], indirect=True
)
async def test_ready_turns_false_while_the_database_is_unreachable_and_true_again(
    app: App,
) -> None:
    # The pool closed is the process cut off from PostgreSQL; a new pool, the server back.
    database = app.runtime.stores.database
    await database.close()
    response = await app.client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"].startswith("unreachable")
    assert "schema" not in body["checks"]
    await database.open()  # type: ignore[attr-defined]
    response = await app.client.get("/health/ready")
    assert response.status_code == 200, response.json()


async def test_ready_is_false_when_the_schema_is_behind(app: App) -> None:
    latest = latest_migration(app.runtime.stores.database.dialect)
    await run_sql(app, f"DELETE FROM schema_migrations WHERE number = {latest};")
    response = await app.client.get("/health/ready")
    assert response.status_code == 503
    schema = response.json()["checks"]["schema"]
    assert schema.startswith("at migration "), schema
    assert schema.endswith(f", expected {latest}")


async def test_ready_is_false_when_the_workers_stopped(app: App) -> None:
    assert app.runtime.worker is not None
    await app.runtime.worker.stop(0)
    response = await app.client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == "not running"


async def test_an_api_only_process_has_no_worker_check(app_factory: AppFactory) -> None:
    app = await app_factory(workers=0)
    response = await app.client.get("/health/ready")
    assert response.status_code == 200
    assert "workers" not in response.json()["checks"]


async def test_probes_are_not_counted_against_the_burst_limit(app: App) -> None:
    headers = await app.login(ALICE)
    first = await app.client.get("/api/v26.1/services/ai/agents", headers=headers)
    for _ in range(5):
        await app.client.get("/health/ready")
        await app.client.get("/health/live")
    second = await app.client.get("/api/v26.1/services/ai/agents", headers=headers)
    remaining = [int(r.headers["X-VaultAPI-BurstLimitRemaining"]) for r in (first, second)]
    assert remaining[0] - remaining[1] == 1
