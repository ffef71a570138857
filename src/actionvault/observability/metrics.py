"""Prometheus metrics of one process: what the API, the workers and the model calls record.

Prometheus counts per process, so the metrics are process state: one set, made on first use.
With `metrics_multiprocess_dir` set, every process on the machine writes its values to files
in that folder (prometheus-client's multiprocess mode) and a scrape of any API process adds
them up, so several API and worker processes behind one port read as one server. The folder
must be emptied when the processes (re)start, as prometheus-client requires.

Values that are state rather than events (the queue) are read from the database at scrape
time by the process that answers the scrape; they are not written to the files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry, Counter, Histogram
    from prometheus_client.metrics_core import Metric
    from prometheus_client.registry import Collector

#: Seconds; from an instant action to a long model action.
_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
_HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
_MODEL_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True, slots=True)
class _Instruments:
    registry: CollectorRegistry
    executions_created: Counter
    executions_ended: Counter
    execution_duration: Histogram
    execution_wait: Histogram
    http_requests: Counter
    http_duration: Histogram
    model_calls: Counter
    model_tokens: Counter
    model_latency: Histogram
    model_retries: Counter
    lease_takeovers: Counter


_instruments: _Instruments | None = None
_multiprocess_dir: Path | None = None
_enabled = True


def configure(*, enabled: bool, multiprocess_dir: Path | None = None) -> None:
    """Record or not (recording costs little, but nothing when off), and where to share values
    with this machine's other processes."""
    global _enabled
    _enabled = enabled
    _children.clear()
    if enabled and multiprocess_dir is not None:
        _use_multiprocess_dir(multiprocess_dir)


def _use_multiprocess_dir(folder: Path) -> None:
    """Write values to files in `folder`; before any metric is recorded, since a metric's
    storage is chosen when it is made."""
    global _multiprocess_dir
    if _multiprocess_dir == folder:
        return
    if _instruments is not None and _multiprocess_dir != folder:
        raise RuntimeError("metrics were recorded before their multiprocess folder was set")
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    from prometheus_client import values

    # The library reads the variable when it is first imported; it may have been already.
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
    _multiprocess_dir = folder


def _make() -> _Instruments:
    from prometheus_client import CollectorRegistry, Counter, Histogram

    registry = CollectorRegistry(auto_describe=True)
    ns = "actionvault"
    return _Instruments(
        registry=registry,
        executions_created=Counter(
            "executions_created",
            "Executions queued by execute.",
            ["agent", "action"],
            namespace=ns,
            registry=registry,
        ),
        executions_ended=Counter(
            "executions_ended",
            "Executions that reached a final state.",
            ["agent", "action", "state"],
            namespace=ns,
            registry=registry,
        ),
        execution_duration=Histogram(
            "execution_duration_seconds",
            "Time from an execution's start to its end.",
            ["agent", "action"],
            namespace=ns,
            registry=registry,
            buckets=_DURATION_BUCKETS,
        ),
        execution_wait=Histogram(
            "execution_wait_seconds",
            "Time an execution waited in the queue before it started.",
            ["agent", "action"],
            namespace=ns,
            registry=registry,
            buckets=_DURATION_BUCKETS,
        ),
        http_requests=Counter(
            "http_requests",
            "Requests answered, by route template and responseStatus.",
            ["method", "route", "status"],
            namespace=ns,
            registry=registry,
        ),
        http_duration=Histogram(
            "http_request_duration_seconds",
            "Time to answer a request, by route template.",
            ["method", "route"],
            namespace=ns,
            registry=registry,
            buckets=_HTTP_BUCKETS,
        ),
        model_calls=Counter(
            "model_calls",
            "Model calls that answered, by provider and model.",
            ["provider", "model"],
            namespace=ns,
            registry=registry,
        ),
        model_tokens=Counter(
            "model_tokens",
            "Tokens sent to (input) and received from (output) models.",
            ["provider", "model", "kind"],
            namespace=ns,
            registry=registry,
        ),
        model_latency=Histogram(
            "model_call_duration_seconds",
            "Time a model call took, retries included.",
            ["provider", "model"],
            namespace=ns,
            registry=registry,
            buckets=_MODEL_BUCKETS,
        ),
        model_retries=Counter(
            "model_call_retries",
            "Model call attempts that failed and were tried again.",
            ["provider"],
            namespace=ns,
            registry=registry,
        ),
        lease_takeovers=Counter(
            "lease_takeovers",
            "Executions whose worker stopped renewing its lease, by what "
            "became of them: requeued (a retry), failed (no attempts left) or cancelled.",
            ["outcome"],
            namespace=ns,
            registry=registry,
        ),
    )


#: Each metric's child per label values, so that recording skips `labels()` (its lock and
#: checks). The label values are bounded: routes, agents, actions, states, providers, models.
_children: dict[tuple[int, tuple[str, ...]], Any] = {}


def _child(metric: Counter | Histogram, *labels: str) -> Any:
    key = (id(metric), labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*labels)
    return child


def _get() -> _Instruments:
    global _instruments
    if _instruments is None:
        _instruments = _make()
    return _instruments


# Recording: each a few dictionary lookups and an addition (a file write in multiprocess mode).


def execution_created(agent: str, action: str) -> None:
    if not _enabled:
        return
    _child(_get().executions_created, agent, action).inc()


def execution_started(agent: str, action: str, waited: float) -> None:
    if not _enabled:
        return
    _child(_get().execution_wait, agent, action).observe(max(waited, 0.0))


def execution_ended(agent: str, action: str, state: str, ran: float | None) -> None:
    if not _enabled:
        return
    metrics = _get()
    _child(metrics.executions_ended, agent, action, state).inc()
    if ran is not None:
        _child(metrics.execution_duration, agent, action).observe(max(ran, 0.0))


def http_request(method: str, route: str, status: str, seconds: float) -> None:
    if not _enabled:
        return
    metrics = _get()
    _child(metrics.http_requests, method, route, status).inc()
    _child(metrics.http_duration, method, route).observe(seconds)


def model_call(
    provider: str, model: str, seconds: float, input_tokens: int, output_tokens: int
) -> None:
    if not _enabled:
        return
    metrics = _get()
    _child(metrics.model_calls, provider, model).inc()
    _child(metrics.model_latency, provider, model).observe(seconds)
    if input_tokens:
        _child(metrics.model_tokens, provider, model, "input").inc(input_tokens)
    if output_tokens:
        _child(metrics.model_tokens, provider, model, "output").inc(output_tokens)


def model_retry(provider: str) -> None:
    if not _enabled:
        return
    _child(_get().model_retries, provider).inc()


def lease_takeovers(requeued: int, failed: int, cancelled: int) -> None:
    if not _enabled:
        return
    counter = _get().lease_takeovers
    for outcome, count in (("requeued", requeued), ("failed", failed), ("cancelled", cancelled)):
        if count:
            _child(counter, outcome).inc(count)


# Scraping


def render(extra: Iterable[Collector] = ()) -> bytes:
    """The text exposition of this process's metrics (every process's, in multiprocess mode),
    plus `extra` collectors read at scrape time."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    own = _get().registry
    if _multiprocess_dir is not None:
        registry = CollectorRegistry(auto_describe=False)
        MultiProcessCollector(registry, str(_multiprocess_dir))  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(_Forward(own))
    for collector in extra:
        registry.register(collector)
    return generate_latest(registry)


class _Forward:
    """Collects another registry's metrics, so that scrape-time collectors join them."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    def collect(self) -> Iterable[Metric]:
        return self._registry.collect()
