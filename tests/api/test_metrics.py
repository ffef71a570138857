"""/metrics: values move as executions run; the endpoint is protected and can be turned off."""

from __future__ import annotations

import re

from support import ALICE, App, AppFactory


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a text exposition (0 when it is absent)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)", line)
        if match is None or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(3))
    return 0.0


async def scrape(app: App) -> str:
    response = await app.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return response.text


async def test_values_move_as_executions_run(app: App) -> None:
    headers = await app.login(ALICE)
    before = await scrape(app)
    execution = dict(agent="test_agent__c", action="echo__c")
    body = await app.execute(
        headers, agent_name="test_agent__c", action_name="echo__c", document_id=str(app.seed.doc_a)
    )
    await app.wait(headers, body["actionResponse"]["executionId"])
    after = await scrape(app)

    def moved(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("actionvault_executions_created_total", **execution) == 1
    assert moved("actionvault_executions_ended_total", **execution, state="succeeded") == 1
    assert moved("actionvault_execution_duration_seconds_count", **execution) == 1
    assert moved("actionvault_execution_wait_seconds_count", **execution) == 1
    route = "/api/{version}/services/ai/agent_actions/actions/execute"
    assert moved("actionvault_http_requests_total", route=route, status="SUCCESS") == 1
    assert sample(after, "actionvault_queue_depth") == 0
    assert sample(after, "actionvault_queue_oldest_age_seconds") == 0


async def test_queue_depth_and_oldest_age_are_read_at_scrape_time(app_factory: AppFactory) -> None:
    app = await app_factory(workers=0)
    headers = await app.login(ALICE)
    for _ in range(3):
        await app.execute(
            headers,
            agent_name="test_agent__c",
            action_name="echo__c",
            document_id=str(app.seed.doc_a),
        )
    app.clock.advance(42)
    text = await scrape(app)
    assert sample(text, "actionvault_queue_depth") == 3
    assert 42 <= sample(text, "actionvault_queue_oldest_age_seconds") < 43


async def test_a_token_is_required_when_one_is_set(app_factory: AppFactory) -> None:
    app = await app_factory(metrics_token="s3cret-scrape")
    refused = await app.client.get("/metrics")
    assert refused.json()["errors"][0]["type"] == "MALFORMED_URL"
    wrong = await app.client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.json()["responseStatus"] == "FAILURE"
    right = await app.client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"})
    assert "actionvault_queue_depth" in right.text


async def test_without_a_token_only_loopback_may_scrape(app: App) -> None:
    app.client._transport.client = ("203.0.113.9", 5555)  # type: ignore[attr-defined]
    refused = await app.client.get("/metrics")
    assert refused.json()["errors"][0]["type"] == "MALFORMED_URL"
    app.client._transport.client = ("127.0.0.1", 5555)  # type: ignore[attr-defined]
    assert (await app.client.get("/metrics")).status_code == 200


async def test_metrics_can_be_turned_off(app_factory: AppFactory) -> None:
    app = await app_factory(metrics_enabled=False)
    body = (await app.client.get("/metrics")).json()
    assert body["errors"][0]["type"] == "MALFORMED_URL"


async def test_model_calls_tokens_and_latency_are_counted_by_provider_and_model(
    app_factory: AppFactory,
) -> None:
    from engine.test_model_actions import ScriptedProvider, run

    app = await app_factory(provider=ScriptedProvider(["A summary [Page 1]."]))
    before = await scrape(app)
    done = await run(app, "summarize__c")
    assert done["actionStatus"] == "SUCCESS"
    after = await scrape(app)
    model = {"provider": "scripted", "model": "scripted-1"}

    def moved(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("actionvault_model_calls_total", **model) == 1
    assert moved("actionvault_model_tokens_total", **model, kind="input") == 100
    assert moved("actionvault_model_tokens_total", **model, kind="output") == 20
    assert moved("actionvault_model_call_duration_seconds_count", **model) == 1


async def test_lease_takeovers_are_counted(app_factory: AppFactory) -> None:
    from actionvault.observability import metrics

    app = await app_factory()
    before = await scrape(app)
    metrics.lease_takeovers(requeued=2, failed=1, cancelled=0)
    after = await scrape(app)
    requeued = "actionvault_lease_takeovers_total"
    assert (
        sample(after, requeued, outcome="requeued") - sample(before, requeued, outcome="requeued")
        == 2
    )
    assert (
        sample(after, requeued, outcome="failed") - sample(before, requeued, outcome="failed") == 1
    )
