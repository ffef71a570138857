"""Fixtures: a runtime on SQLite (and on PostgreSQL when ACTIONVAULT_TEST_POSTGRES_URL is set),
seeded content, and an in-process HTTP client."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from actionvault.api.app import create_app
from actionvault.engine.processes import prepare_engine_process
from actionvault.isolation import EnginePool
from actionvault.runtime import Runtime
from actionvault.settings import Settings
from support import (
    BACKENDS,
    NO_POSTGRES,
    POSTGRES_URL,
    TEST_AGENTS,
    TEST_OBJECTS,
    App,
    FakeClock,
    Seed,
    parse_xml_answers,
    seed_content,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    import psycopg

    assert POSTGRES_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE".encode())


@pytest.fixture
def settings_factory(tmp_path: Path, database_url: str) -> Callable[..., Settings]:
    # A copy, because agents defined through the API are written into the agents folder.
    agents = tmp_path / "agents"
    if not agents.exists():
        shutil.copytree(TEST_AGENTS, agents)

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "database_url": database_url,
            "agents_dir": agents,
            "objects_dir": TEST_OBJECTS,
            "workers": 2,
            "poll_interval": 0.05,
            "lease_seconds": 5.0,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture(scope="session")
def engine_pool() -> Iterator[EnginePool]:
    """One set of engine processes for the whole run: starting them per test would cost more
    than most tests. Tests of the processes' limits start servers of their own."""
    pool = EnginePool(2, 1536 * 2**20, warm=prepare_engine_process)
    yield pool
    pool.close()


@pytest.fixture
async def app_factory(
    settings_factory: Callable[..., Settings], clock: FakeClock, engine_pool: EnginePool
) -> AsyncIterator[Callable[..., Awaitable[App]]]:
    """Open apps on the test database; every one opened is closed at the end of the test."""
    opened: list[tuple[Runtime, httpx.AsyncClient]] = []
    seeds: list[Seed] = []

    async def make(provider: Any = None, **overrides: Any) -> App:
        runtime = Runtime(
            settings_factory(**overrides), clock=clock, provider=provider, engine_pool=engine_pool
        )
        await runtime.__aenter__()
        if not seeds:
            seeds.append(await seed_content(runtime.stores, clock()))
        transport = httpx.ASGITransport(app=create_app(runtime, manage_runtime=False))
        client = httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            event_hooks={"response": [parse_xml_answers]},
        )
        opened.append((runtime, client))
        return App(runtime, seeds[0], client, clock)

    yield make
    for runtime, client in reversed(opened):
        await client.aclose()
        await runtime.__aexit__(None, None, None)


@pytest.fixture
async def app(app_factory: Callable[..., Awaitable[App]]) -> App:
    return await app_factory()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In CI the PostgreSQL cases must run: a run without them fails rather than skip them."""
    if os.environ.get("CI") == "true" and POSTGRES_URL is None:
        raise pytest.UsageError(f"CI runs every case on PostgreSQL too. {NO_POSTGRES}")
