"""`GET /metrics`: the Prometheus text exposition, for a scraper and nobody else.

With `metrics_token` set, a scrape must send it as `Authorization: Bearer <token>`; without
one, only scrapes from this machine (loopback) are answered, so metrics are never public by
accident. Anything else is answered as an unknown path would be. The queue's depth and the
age of its oldest execution are read from the database at scrape time (one indexed count).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actionvault.api import envelope
from actionvault.api.endpoints import respond
from actionvault.errors import MalformedUrl
from actionvault.observability import metrics
from actionvault.runtime import Runtime

log = logging.getLogger("actionvault.api")

_LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


def scrape_allowed(request: Request, token: str | None) -> bool:
    if token is None:
        client = request.client
        return client is not None and (client.host in _LOOPBACK or client.host.startswith("127."))
    sent = request.headers.get("authorization", "")
    scheme, _, value = sent.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip(), token)


class QueueCollector(Collector):
    """The queue as read at this scrape."""

    def __init__(self, depth: int, oldest_age: float) -> None:
        self._depth = depth
        self._oldest_age = oldest_age

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "actionvault_queue_depth", "Executions waiting to start.", value=self._depth
        )
        yield GaugeMetricFamily(
            "actionvault_queue_oldest_age_seconds",
            "How long the oldest waiting execution has waited (0 when none waits).",
            value=self._oldest_age,
        )


async def _queue(runtime: Runtime) -> list[Collector]:
    try:
        row = await runtime.stores.database.fetch_one("queue_summary")
    except Exception as exc:
        log.warning("metrics: the queue could not be read: %s", type(exc).__name__)
        return []
    if row is None:
        return []
    oldest = row["oldest"]
    age = max(runtime.clock() - float(oldest), 0.0) if oldest is not None else 0.0
    return [QueueCollector(int(row["depth"]), age)]


async def scrape(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    if not scrape_allowed(request, runtime.settings.metrics_token):
        path = request.scope["path"]
        return respond(
            request, envelope.failure(MalformedUrl(f"The resource [{path}] does not exist"))
        )
    body = metrics.render(await _queue(runtime))
    return Response(body, 200, media_type=metrics.CONTENT_TYPE)


ROUTES = [Route("/metrics", scrape, methods=["GET"])]
