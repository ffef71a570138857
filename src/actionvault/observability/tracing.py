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
from collections.abc import Iterator, Mapping
from typing import Any

log = logging.getLogger(__name__)

_enabled = False


def enabled() -> bool:
    return _enabled


def configure(*, otlp_endpoint: str | None, service_name: str = "actionvault") -> None:
    """Export spans by OTLP over HTTP to `otlp_endpoint` (e.g. http://collector:4318)."""
    global _enabled
    if otlp_endpoint is None:
        return
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise RuntimeError(
            "otlp_endpoint is set but OpenTelemetry is not installed: "
            "pip install 'actionvault[otel]'"
        ) from exc
    endpoint = otlp_endpoint.rstrip("/")
    if not endpoint.endswith("/v1/traces"):
        endpoint += "/v1/traces"
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    _enabled = True


def enable() -> None:
    """Trace into whatever tracer provider the process has set (tests set an in-memory one)."""
    global _enabled
    _enabled = True


def disable() -> None:
    global _enabled
    _enabled = False


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
    stored context `parent` (from `current_context`), or the request's `headers`."""
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
    ctx = propagate.extract(carrier) if carrier else None
    tracer = trace.get_tracer("actionvault")
    kinds = {
        "server": trace.SpanKind.SERVER,
        "consumer": trace.SpanKind.CONSUMER,
        "client": trace.SpanKind.CLIENT,
        "internal": trace.SpanKind.INTERNAL,
    }
    token = context.attach(ctx) if ctx is not None else None
    try:
        with tracer.start_as_current_span(
            name, kind=kinds[kind], attributes=dict(attributes or {})
        ) as current:
            yield current
    finally:
        if token is not None:
            context.detach(token)


def current_context() -> str | None:
    """The current span's context, to store with work that another process continues."""
    if not _enabled:
        return None
    from opentelemetry import propagate

    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return json.dumps(carrier, separators=(",", ":")) if carrier else None


def set_attributes(current: Any, **attributes: Any) -> None:
    """Add attributes to a span from `span()` (None when tracing is off)."""
    if current is not None:
        current.set_attributes({k: v for k, v in attributes.items() if v is not None})
