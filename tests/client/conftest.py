"""Clients against the shared live server: an administrator, the demo writer, an async twin."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from actionvault.client import AsyncVault, Vault
from live_server import LiveServer, shared_server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with shared_server(tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="session")
def sessions(live_server: LiveServer) -> dict[str, str]:
    """One session per demo user for the run: a login costs a password hash on the server,
    and tests about logging in log in themselves."""
    found = {}
    for role, (username, password) in (
        ("admin", live_server.admin),
        ("writer", live_server.writer),
    ):
        with Vault(live_server.url, username=username, password=password) as client:
            found[role] = client.login().session_id
    return found


@pytest.fixture
def vault(live_server: LiveServer, sessions: dict[str, str]) -> Iterator[Vault]:
    username, password = live_server.admin
    with Vault(
        live_server.url, username=username, password=password, session_id=sessions["admin"]
    ) as client:
        yield client


@pytest.fixture
def writer(live_server: LiveServer, sessions: dict[str, str]) -> Iterator[Vault]:
    username, password = live_server.writer
    with Vault(
        live_server.url, username=username, password=password, session_id=sessions["writer"]
    ) as client:
        yield client


@pytest.fixture
async def async_vault(
    live_server: LiveServer, sessions: dict[str, str]
) -> AsyncIterator[AsyncVault]:
    username, password = live_server.admin
    async with AsyncVault(
        live_server.url, username=username, password=password, session_id=sessions["admin"]
    ) as client:
        yield client


@pytest.fixture
def unique() -> Callable[[str], str]:
    """External ids must be unique across the whole run of the shared server."""

    def make(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make
