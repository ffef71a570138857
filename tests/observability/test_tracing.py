"""One trace from the HTTP execute, through the queue, to the worker, the action and each
model call, with the SDK's in-memory exporter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from actionvault.observability import tracing
from engine.test_model_actions import ScriptedProvider
from support import ADMIN, AppFactory

_EXPORTER = InMemorySpanExporter()


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):  # set once per process, as OpenTelemetry wants
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        trace.set_tracer_provider(provider)
    _EXPORTER.clear()
    tracing.enable()
    yield _EXPORTER
    tracing.disable()
    _EXPORTER.clear()


def named(spans: list[ReadableSpan], prefix: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name.startswith(prefix)]


async def test_one_trace_runs_from_the_request_through_the_queue_to_each_model_call(
    app_factory: AppFactory, spans: InMemorySpanExporter
) -> None:
    app = await app_factory(provider=ScriptedProvider(["A summary [Page 1]."]))
    headers = await app.login(ADMIN)
    parent_trace = "0af7651916cd43dd8448eb211c80319c"
    started = await app.client.post(
        "/api/v26.1/services/ai/agent_actions/actions/execute",
        json={
            "agent_name": "llm_agent__c",
            "action_name": "summarize__c",
            "document_id": str(app.seed.doc_a),
        },
        headers={**headers, "traceparent": f"00-{parent_trace}-b7ad6b7169203331-01"},
    )
    execution_id = started.json()["actionResponse"]["executionId"]
    done = await app.wait(headers, execution_id)
    assert done["actionStatus"] == "SUCCESS"

    finished = list(spans.get_finished_spans())
    [request] = named(finished, "POST /api/{version}/services/ai/agent_actions/actions/execute")
    [execution] = named(finished, "execution llm_agent__c.summarize__c")
    [action] = named(finished, "action llm_agent__c.summarize__c")
    [model] = named(finished, "model scripted")
    # The caller's trace continues through the request, the queue, the action and the model.
    assert request.context is not None
    assert request.parent is not None
    assert f"{request.context.trace_id:032x}" == parent_trace
    assert request.kind is trace.SpanKind.SERVER
    assert execution.parent is not None
    assert execution.parent.span_id == request.context.span_id
    assert execution.kind is trace.SpanKind.CONSUMER
    assert execution.attributes is not None
    assert execution.attributes["vault.execution_id"] == execution_id
    assert action.parent is not None
    assert execution.context is not None
    assert action.parent.span_id == execution.context.span_id
    assert model.parent is not None
    assert action.context is not None
    assert model.parent.span_id == action.context.span_id
    assert model.attributes is not None
    assert model.attributes["gen_ai.usage.input_tokens"] == 100
    trace_ids = {s.context.trace_id for s in (request, execution, action, model) if s.context}
    assert len(trace_ids) == 1


async def test_the_trace_context_is_stored_with_the_execution(
    app_factory: AppFactory, spans: InMemorySpanExporter
) -> None:
    app = await app_factory(workers=0)
    headers = await app.login(ADMIN)
    started = await app.execute(
        headers, agent_name="test_agent__c", action_name="echo__c", document_id=str(app.seed.doc_a)
    )
    number = int(started["actionResponse"]["executionId"][3:])
    stored = await app.runtime.stores.executions.get(number)
    assert stored is not None
    assert stored.trace_context is not None
    assert '"traceparent":"00-' in stored.trace_context


async def test_nothing_is_stored_or_traced_while_tracing_is_off(app_factory: AppFactory) -> None:
    app = await app_factory(workers=0)
    headers = await app.login(ADMIN)
    started = await app.execute(
        headers, agent_name="test_agent__c", action_name="echo__c", document_id=str(app.seed.doc_a)
    )
    number = int(started["actionResponse"]["executionId"][3:])
    stored = await app.runtime.stores.executions.get(number)
    assert stored is not None
    assert stored.trace_context is None
