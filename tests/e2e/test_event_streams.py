"""Event streams from real server processes: live, private, resumable, from any process."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from actionvault.services.demo import (
    DEMO_ADMIN_PASSWORD,
    DEMO_ADMIN_USERNAME,
    DEMO_USER_PASSWORD,
    DEMO_USER_USERNAME,
)
from live_server import server_process
from support import BACKENDS, POSTGRES_URL

pytestmark = pytest.mark.e2e

EVENTS = "/api/v26.1/ext/events"
ADMIN = (DEMO_ADMIN_USERNAME, DEMO_ADMIN_PASSWORD)
WRITER = (DEMO_USER_USERNAME, DEMO_USER_PASSWORD)


def login(base: str, who: tuple[str, str]) -> dict[str, str]:
    body = httpx.post(
        f"{base}/api/v26.1/auth", data={"username": who[0], "password": who[1]}, timeout=10
    ).json()
    assert body["responseStatus"] == "SUCCESS", body
    return {"Authorization": body["sessionId"], "Accept": "application/json"}


def execute(base: str, headers: dict[str, str], **fields: str) -> str:
    body = httpx.post(
        f"{base}/api/v26.1/services/ai/agent_actions/actions/execute",
        json=fields,
        headers=headers,
        timeout=10,
    ).json()
    assert body["responseStatus"] == "SUCCESS", body
    execution_id: str = body["actionResponse"]["executionId"]
    return execution_id


class Listener:
    """An SSE client on a thread: the events it received, in order, and the ids it saw."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = headers
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.opened = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with (
            httpx.Client(timeout=httpx.Timeout(5, read=None)) as client,
            client.stream("GET", self.url, headers=self.headers) as response,
        ):
            assert response.headers["content-type"].startswith("text/event-stream")
            fields: dict[str, str] = {}
            for line in response.iter_lines():
                self.opened.set()
                if self._stop.is_set():
                    return
                if not line:
                    if "data" in fields:
                        self.events.put({"id": int(fields["id"]), **json.loads(fields["data"])})
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")

    def __enter__(self) -> Listener:
        self._thread.start()
        assert self.opened.wait(10), "the stream did not open"
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # the next heartbeat or event ends the thread; it is a daemon anyway

    def until(self, done: Any, within: float = 20) -> list[dict[str, Any]]:
        """Events received until `done(events)` holds."""
        received: list[dict[str, Any]] = []
        deadline = time.monotonic() + within
        while not done(received):
            left = deadline - time.monotonic()
            assert left > 0, f"not done within {within} s: {received}"
            try:
                received.append(self.events.get(timeout=left))
            except queue.Empty:
                continue
        return received


def ended(*execution_ids: str) -> Any:
    wanted = set(execution_ids)

    def done(events: list[dict[str, Any]]) -> bool:
        finished = {e["executionId"] for e in events if e["actionStatus"] != "IN_PROGRESS"}
        return wanted <= finished

    return done


@contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[str]:
    """A database URL shared by the server processes of one test."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    import uuid

    import psycopg

    assert POSTGRES_URL is not None
    schema = f"e_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE".encode())


_FAST = {"ACTIONVAULT_POLL_INTERVAL": "0.05", "ACTIONVAULT_EVENTS_HEARTBEAT": "1"}


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_stream_on_one_process_sees_executions_run_by_another(kind: str, tmp_path: Path) -> None:
    with (
        database(kind, tmp_path) as url,
        server_process(
            tmp_path / "a", "demo", "--workers", "0", ACTIONVAULT_DATABASE_URL=url, **_FAST
        ) as (streams, _),
        server_process(tmp_path / "b", "demo", ACTIONVAULT_DATABASE_URL=url, **_FAST) as (
            runs,
            _,
        ),
    ):
        admin_on_a = login(streams, ADMIN)
        with Listener(f"{streams}{EVENTS}", admin_on_a) as listener:
            execution_id = execute(
                runs,
                login(runs, ADMIN),
                agent_name="test_agent__c",
                action_name="medium__c",
                document_id="1",
            )
            events = listener.until(ended(execution_id))
        mine = [e["type"] for e in events if e["executionId"] == execution_id]
        assert mine == ["queued", "started", "progress", "progress", "succeeded"]


def test_a_users_stream_shows_their_own_executions_and_nobody_elses(tmp_path: Path) -> None:
    with server_process(tmp_path, "demo", **_FAST) as (base, _):
        admin, writer = login(base, ADMIN), login(base, WRITER)
        with (
            Listener(f"{base}{EVENTS}", writer) as writers_stream,
            Listener(f"{base}{EVENTS}", admin) as admins_stream,
        ):
            admins_own = execute(
                base, admin, agent_name="test_agent__c", action_name="echo__c", document_id="1"
            )
            writers_own = execute(
                base,
                writer,
                agent_name="quick_check__v",
                action_name="spelling_grammar__v",
                document_id="1",
            )
            everything = admins_stream.until(ended(admins_own, writers_own))
            seen_by_writer = writers_stream.until(ended(writers_own))
            time.sleep(0.5)  # time for anything the writer should not see to arrive anyway
            while not writers_stream.events.empty():
                seen_by_writer.append(writers_stream.events.get())
        assert {e["executionId"] for e in everything} >= {admins_own, writers_own}
        assert {e["executionId"] for e in seen_by_writer} == {writers_own}


def test_a_stream_resumed_with_last_event_id_misses_nothing_sent_while_away(
    tmp_path: Path,
) -> None:
    with server_process(tmp_path, "demo", **_FAST) as (base, _):
        admin = login(base, ADMIN)
        run = {"agent_name": "test_agent__c", "action_name": "echo__c", "document_id": "1"}
        with Listener(f"{base}{EVENTS}", admin) as first:
            before = execute(base, admin, **run)
            seen = first.until(ended(before))
        last_id = seen[-1]["id"]
        # Away: executions start and end while no stream is open.
        while_away = [execute(base, admin, **run) for _ in range(5)]
        resumed = Listener(f"{base}{EVENTS}", {**admin, "Last-Event-ID": str(last_id)})
        with resumed:
            caught_up = resumed.until(ended(*while_away))
        assert all(e["id"] > last_id for e in caught_up)
        assert [e["id"] for e in caught_up] == sorted({e["id"] for e in caught_up})
        for execution_id in while_away:
            types = [e["type"] for e in caught_up if e["executionId"] == execution_id]
            assert types == ["queued", "started", "succeeded"], (execution_id, types)


def test_filters_narrow_a_stream_to_an_action_and_its_ends(tmp_path: Path) -> None:
    with server_process(tmp_path, "demo", **_FAST) as (base, _):
        admin = login(base, ADMIN)
        query = "?action=failing__c&state=FAILURE,SUCCESS"
        with Listener(f"{base}{EVENTS}{query}", admin) as listener:
            execute(base, admin, agent_name="test_agent__c", action_name="echo__c", document_id="1")
            failing = execute(
                base, admin, agent_name="test_agent__c", action_name="failing__c", document_id="1"
            )
            events = listener.until(ended(failing))
        assert [(e["executionId"], e["type"]) for e in events] == [(failing, "failed")]
