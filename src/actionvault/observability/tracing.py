"""OpenTelemetry traces, when the `otel` extra is installed and tracing is turned on.

One trace follows an execution from the HTTP request that queued it, through the queue, to
the worker that runs it, its action and each model call. The queue is a database row, so the
request's trace context (W3C `traceparent`) is stored with the execution and the worker
starts its span as that context's child, in whatever process it runs.

Off (the default), every function here is a no-op that imports nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
from collections.abc import Iterator, Mapping
from typing import Any

log = logging.getLogger(__name__)

_enabled = False
_ratio = 1.0
_tracer: Any = None


def enabled() -> bool:
    return _enabled


def configure(
    *, otlp_endpoint: str | None, service_name: str = "actionvault", sample_ratio: float = 1.0
) -> None:
    """Export spans by OTLP over HTTP to `otlp_endpoint` (e.g. http://collector:4318), of
    `sample_ratio` of the traces (a caller's sampled `traceparent` is always followed)."""
    global _ratio
    if not otlp_endpoint:
        return
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased
    except ImportError as exc:
        raise RuntimeError(
            "otlp_endpoint is set but OpenTelemetry is not installed: "
            "pip install 'actionvault[otel]'"
        ) from exc
    endpoint = otlp_endpoint.rstrip("/")
    if not endpoint.endswith("/v1/traces"):
        endpoint += "/v1/traces"
    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name}),
        # Roots are sampled here, before any span is made (see `span`); children follow.
        sampler=ParentBased(ALWAYS_ON),
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    enable()
    _ratio = sample_ratio


def enable() -> None:
    """Trace into whatever tracer provider the process has set (tests set an in-memory one)."""
    global _enabled, _tracer, _ratio
    _enabled, _tracer, _ratio = True, None, 1.0


def disable() -> None:
    global _enabled, _tracer
    _enabled, _tracer = False, None


def sample_request(has_traceparent: bool) -> bool:
    """Whether a request makes spans: decided before any is made, so that the requests a
    sample leaves out cost nothing."""
    return _enabled and (has_traceparent or random.random() < _ratio)


def _get_tracer() -> Any:
    global _tracer
    if _tracer is None:
        from opentelemetry import trace

        _tracer = trace.get_tracer("actionvault")
    return _tracer


@contextlib.contextmanager
def span(
    name: str,
    *,
    kind: str = "internal",
    attributes: Mapping[str, Any] | None = None,
    parent: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Iterator[Any]:
    """A span around the block, current inside it; its parent is the current span, or the
    stored context `parent` (from `current_context`), or the request's `headers`.

    Spans cost CPU on every request, so a trace not sampled makes none at all: a request
    without a caller's `traceparent` starts one only for `sample_ratio` of requests, work
    queued by an untraced request (`parent` None with `headers` None) is not traced, nor is
    an internal span outside a trace."""
    if not _enabled:
        yield None
        return
    from opentelemetry import context, propagate, trace

    carrier: dict[str, str] | None = None
    if parent is not None:
        with contextlib.suppress(ValueError, TypeError):
            carrier = json.loads(parent)
    elif headers is not None:
        carrier = dict(headers)
    if kind == "server" and not carrier and random.random() >= _ratio:
        yield None  # a root not sampled
        return
    if kind == "consumer" and not carrier:
        yield None  # queued by a request that was not traced
        return
    if kind in ("internal", "client") and not trace.get_current_span().is_recording():
        yield None
        return
    ctx = propagate.extract(carrier) if carrier else None
    token = context.attach(ctx) if ctx is not None else None
    try:
        with _get_tracer().start_as_current_span(
            name, kind=getattr(trace.SpanKind, kind.upper()), attributes=attributes
        ) as current:
            yield current
    finally:
        if token is not None:
            context.detach(token)


def current_context() -> str | None:
    """The current span's context, to store with work that another process continues."""
    if not _enabled:
        return None
    from opentelemetry import propagate, trace

    if not trace.get_current_span().is_recording():
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return json.dumps(carrier, separators=(",", ":")) if carrier else None


def set_attributes(current: Any, **attributes: Any) -> None:
    """Add attributes to a span from `span()` (None when tracing is off)."""
    if current is not None:
        current.set_attributes({k: v for k, v in attributes.items() if v is not None})
