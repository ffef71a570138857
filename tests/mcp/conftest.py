"""MCP fixtures: apps served on loopback by uvicorn, stopped at the end of the test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from mcp_support import Served, ServeFactory, start_uvicorn
from support import AppFactory


@pytest.fixture
async def serve_factory(app_factory: AppFactory) -> AsyncIterator[ServeFactory]:
    """Serve an app (settings as keywords) on loopback; `port=` serves it where another was."""
    started: list[Served] = []

    async def make(port: int = 0, **overrides: Any) -> Served:
        served = await start_uvicorn(await app_factory(**overrides), port)
        started.append(served)
        return served

    yield make
    for served in reversed(started):
        if not served.task.done():
            await served.stop()


@pytest.fixture
async def served(serve_factory: ServeFactory) -> Served:
    return await serve_factory()
