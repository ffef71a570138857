"""Metrics across real processes: an API process and a worker process on PostgreSQL, in
prometheus-client's multiprocess mode, scraped through the API process."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from api.test_metrics import sample
from e2e.test_faults import free_port, login, processes, settle, start, submit, wait_up
from support import POSTGRES_URL, requires_postgres


@requires_postgres
def test_a_scrape_of_the_api_process_counts_the_worker_process_too(tmp_path: Path) -> None:
    assert POSTGRES_URL is not None
    import psycopg

    schema = f"m_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    url = f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"
    env = {
        "ACTIONVAULT_DATABASE_URL": url,
        "ACTIONVAULT_METRICS_MULTIPROCESS_DIR": str(tmp_path / "metrics"),
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        with processes() as running:
            start(running, tmp_path, "demo", "--port", str(port), "--workers", "0", **env)
            wait_up(port)
            start(running, tmp_path, "worker", "--concurrency", "2", **env)
            ids = submit(base, login(base), "metrics")
            assert set(settle(base, ids).values()) == {"SUCCESS"}
            text = httpx.get(f"{base}/metrics").text
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE".encode())
    execution = {"agent": "test_agent__c", "action": "short__c"}
    count = len(ids)
    # Counted in the API process:
    assert sample(text, "actionvault_executions_created_total", **execution) == count
    # Counted in the worker process, read from its files by the API process:
    assert sample(text, "actionvault_executions_ended_total", **execution, state="succeeded") == (
        count
    )
    assert sample(text, "actionvault_execution_wait_seconds_count", **execution) == count
    assert sample(text, "actionvault_execution_duration_seconds_count", **execution) == count
    assert sample(text, "actionvault_queue_depth") == 0
