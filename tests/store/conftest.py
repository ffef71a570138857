"""The stores of a fresh database on every backend, with one user (id 1) to own executions."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from actionvault.store import Stores, open_stores


@pytest.fixture
async def stores(database_url: str) -> AsyncIterator[Stores]:
    opened = await open_stores(database_url)
    await opened.users.add_user(username="u@test.example", password_hash="x", now=time.time())
    yield opened
    await opened.database.close()
