"""What the tests share besides fixtures: users, seeded content, a clock, an HTTP helper."""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from actionvault.domain.principals import ADMIN_PROFILE, ObjectPermission
from actionvault.runtime import Runtime
from actionvault.services.sessions import hash_password as _hash_password
from actionvault.store import Stores
from actionvault.store.content import NewVersion

FIXTURES = Path(__file__).parent / "fixtures"
TEST_AGENTS = FIXTURES / "agents"
TEST_OBJECTS = FIXTURES / "objects"
POSTGRES_URL = os.environ.get("ACTIONVAULT_TEST_POSTGRES_URL")
#: Why the PostgreSQL cases are skipped, when they are: shown by `pytest -rs`, never silent.
NO_POSTGRES = (
    "PostgreSQL not configured: run scripts/start-postgres, then set ACTIONVAULT_TEST_POSTGRES_URL="
    "postgresql://actionvault:actionvault@127.0.0.1:5432/actionvault_test"
)
requires_postgres = pytest.mark.skipif(POSTGRES_URL is None, reason=NO_POSTGRES)
BACKENDS = ["sqlite", pytest.param("postgres", marks=requires_postgres)]

ADMIN = ("admin@test.example", "admin-password")
ALICE = ("alice@test.example", "alice-password")  # standard user with grants, sees doc A
BOB = ("bob@test.example", "bob-password")  # standard user without grants

TEXT_WITH_ERRORS = (
    "Cardiovex helps patients recieve the the care they need. It is a effective treatment.\n"
    "talk to your doctor before starting.Ask about side effects."
)


@functools.cache
def hash_password(password: str) -> str:
    """Argon2 is slow on purpose; the test users' hashes are made once per run."""
    return _hash_password(password)


class FakeClock:
    """Wall time that tests can move forward to expire sessions and leases."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass(frozen=True)
class Seed:
    admin_id: int
    alice_id: int
    bob_id: int
    doc_a: int  # promotional_piece__c, versions 0.1 and 0.2; alice is a viewer
    doc_b: int  # medical_letter__c; only the admin sees it
    doc_empty: int  # no text; alice is a viewer
    study_interventional: str  # study__c record of type interventional__c; alice owns it
    study_observational: str  # study__c record of type observational__c; admin's


async def seed_content(stores: Stores, now: float) -> Seed:
    users = stores.users
    admin = await users.add_user(
        username=ADMIN[0],
        password_hash=hash_password(ADMIN[1]),
        security_profile=ADMIN_PROFILE,
        now=now,
    )
    alice = await users.add_user(username=ALICE[0], password_hash=hash_password(ALICE[1]), now=now)
    bob = await users.add_user(username=BOB[0], password_hash=hash_password(BOB[1]), now=now)
    await users.save_permission_set("test_runner__c", "Runs test agents", True, now)
    for agent in ("quick_check__v", "test_agent__c", "promo_only__c", "study_agent__c"):
        await users.grant_set_action("test_runner__c", agent, "*")
    await users.grant_set_action("test_runner__c", "inactive_agent__c", "echo__c")
    await users.grant_set_action("test_runner__c", "helpdesk__c", "explain_feature__c")
    await users.grant_set_action("test_runner__c", "doc_chat__c", "*")
    await users.grant_set_object("test_runner__c", "study__c", ObjectPermission(read=True))
    await users.assign_permission_set(alice.id, "test_runner__c")
    await users.save_permission_set("api_only__c", "API access only", True, now)
    await users.assign_permission_set(bob.id, "api_only__c")
    content = stores.content
    doc_a = await content.add_document(
        name="Cardiovex brochure",
        type="promotional_piece__c",
        owner_id=admin.id,
        version=NewVersion("brochure.txt", "text/plain", "First draft."),
        now=now,
    )
    await content.add_version(
        doc_a.document.id,
        major=0,
        minor=2,
        version=NewVersion("brochure.txt", "text/plain", TEXT_WITH_ERRORS),
        now=now,
    )
    await content.grant_document_role(doc_a.document.id, "viewer__v", user_id=alice.id)
    doc_b = await content.add_document(
        name="Medical letter",
        type="medical_letter__c",
        owner_id=admin.id,
        version=NewVersion("letter.txt", "text/plain", "A confidential letter."),
        now=now,
    )
    empty = await content.add_document(
        name="Scanned image",
        type="promotional_piece__c",
        owner_id=admin.id,
        version=NewVersion("scan.pdf", "application/pdf", ""),
        now=now,
    )
    await content.grant_document_role(empty.document.id, "viewer__v", user_id=alice.id)
    interventional = await content.add_record(
        record_id="STU000000000001",
        object_name="study__c",
        object_type="interventional__c",
        name="CARDIO-1",
        owner_id=alice.id,
        fields={"phase__c": "III"},
        now=now,
    )
    observational = await content.add_record(
        record_id="STU000000000002",
        object_name="study__c",
        object_type="observational__c",
        name="CARDIO-OBS",
        owner_id=admin.id,
        fields={},
        now=now,
    )
    return Seed(
        admin_id=admin.id,
        alice_id=alice.id,
        bob_id=bob.id,
        doc_a=doc_a.document.id,
        doc_b=doc_b.document.id,
        doc_empty=empty.document.id,
        study_interventional=interventional.id,
        study_observational=observational.id,
    )


@dataclass
class App:
    """An open runtime, its seeded content, and an HTTP client on the in-process app."""

    runtime: Runtime
    seed: Seed
    client: httpx.AsyncClient
    clock: FakeClock

    async def login(self, who: tuple[str, str] = ALICE) -> dict[str, str]:
        response = await self.client.post(
            "/api/v26.1/auth", data={"username": who[0], "password": who[1]}
        )
        body = response.json()
        assert body["responseStatus"] == "SUCCESS", body
        return {"Authorization": body["sessionId"]}

    async def execute(self, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v26.1/services/ai/agent_actions/actions/execute", json=fields, headers=headers
        )
        result: dict[str, Any] = response.json()
        return result

    async def status(self, headers: dict[str, str], **query: str) -> dict[str, Any]:
        response = await self.client.get(
            "/api/v26.1/services/ai/agent_actions/status", params=query, headers=headers
        )
        result: dict[str, Any] = response.json()
        return result

    async def cancel(self, headers: dict[str, str], execution_id: str) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v26.1/services/ai/agent_actions/actions/cancel",
            json={"execution_id": execution_id},
            headers=headers,
        )
        result: dict[str, Any] = response.json()
        return result

    async def wait(
        self, headers: dict[str, str], execution_id: str, within: float = 20.0
    ) -> dict[str, Any]:
        """Poll until the execution leaves IN_PROGRESS; its actionResponse."""
        return await poll_until_done(
            lambda: self.status(headers, execution_id=execution_id), within
        )


async def parse_xml_answers(response: httpx.Response) -> None:
    """An httpx response hook: every XML answer a test receives must be well-formed XML."""
    content_type = response.headers.get("content-type", "")
    if "xml" in content_type:
        await response.aread()
        ElementTree.fromstring(response.content)  # raises ParseError for a malformed answer


async def poll_until_done(
    fetch: Callable[[], Awaitable[dict[str, Any]]], within: float = 20.0
) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        body = await fetch()
        assert body["responseStatus"] == "SUCCESS", body
        response: dict[str, Any] = body["actionResponse"]
        if response["actionStatus"] != "IN_PROGRESS":
            return response
        assert time.monotonic() < deadline, f"still IN_PROGRESS after {within} s: {response}"
        await asyncio.sleep(0.02)


async def close_app(app: App) -> None:
    """Close one app early, as a process stops; closing it again at teardown does nothing."""
    await app.client.aclose()
    await app.runtime.__aexit__(None, None, None)


AppFactory = Callable[..., Awaitable[App]]


async def run_sql(app: App, sql: str) -> None:
    """Raw SQL on the app's database through a connection of the test's own, for what no
    product path may do (forging audit events, changing grants behind the server's back)."""
    await run_sql_at(app.runtime.settings.resolved_database_url, sql)


async def run_sql_at(url: str, sql: str) -> None:
    """Raw SQL on the database at `url`, through a connection of the test's own."""
    if url.startswith("sqlite:///"):
        import sqlite3

        def run() -> None:
            connection = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=10)
            try:
                connection.executescript(sql)
                connection.commit()
            finally:
                connection.close()

        await asyncio.to_thread(run)
        return
    import psycopg

    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
        await connection.execute(sql.encode())
