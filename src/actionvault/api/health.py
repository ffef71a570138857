"""Probes for orchestrators: `/health/live` (the process answers) and `/health/ready`.

They sit outside `/api`, need no session, are not counted against the burst limit and answer
with their HTTP status (200 or 503), as load balancers and Kubernetes read it, not with a
Vault envelope. Readiness costs one indexed read of a tiny table, so a probe every second is
nothing; a database that does not answer within `health_timeout` counts as unreachable.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actionvault.runtime import Runtime
from actionvault.store.queries import load_migrations

_HEADERS = {"Cache-Control": "no-store"}


@cache
def latest_migration(dialect: str) -> int:
    return max(number for number, _, _ in load_migrations(dialect))


def _answer(status: int, body: dict[str, Any]) -> Response:
    return Response(orjson.dumps(body), status, headers=_HEADERS, media_type="application/json")


async def live(request: Request) -> Response:
    return _answer(200, {"status": "live"})


async def readiness(runtime: Runtime) -> dict[str, str]:
    """Each check's result: "ok", or why it failed; ready when every one is "ok"."""
    checks: dict[str, str] = {}
    settings = runtime.settings
    try:
        database = runtime.stores.database
        row = await asyncio.wait_for(database.fetch_one("schema_version"), settings.health_timeout)
    except TimeoutError:
        checks["database"] = f"no answer within {settings.health_timeout:g} s"
    except Exception as exc:
        checks["database"] = f"unreachable ({type(exc).__name__})"
    else:
        checks["database"] = "ok"
        current = int(row["version"]) if row and row["version"] is not None else 0
        expected = latest_migration(database.dialect)
        checks["schema"] = (
            "ok" if current == expected else f"at migration {current}, expected {expected}"
        )
    if settings.workers > 0:
        worker = runtime.worker
        checks["workers"] = "ok" if worker is not None and worker.alive else "not running"
    return checks


async def ready(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    checks = await readiness(runtime)
    ok = all(result == "ok" for result in checks.values())
    return _answer(200 if ok else 503, {"status": "ready" if ok else "not ready", "checks": checks})


ROUTES = [
    Route("/health/live", live, methods=["GET", "HEAD"]),
    Route("/health/ready", ready, methods=["GET", "HEAD"]),
]
