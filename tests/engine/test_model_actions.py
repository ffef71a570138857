"""The model path: prompts within the context window, checked JSON, usage, failures, cancel."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from actionvault.providers.base import (
    Completion,
    CompletionRequest,
    ModelLevel,
    ProviderError,
)
from support import ADMIN, App, AppFactory


@dataclass
class ScriptedProvider:
    """Answers from a script, one answer per call, and remembers every request."""

    answers: list[str | Exception] = field(default_factory=list)
    context: int = 100_000
    delay: float = 0.0
    name: str = "scripted"
    requests: list[CompletionRequest] = field(default_factory=list)
    closed: bool = False

    def context_tokens(self, level: ModelLevel) -> int:
        return self.context

    async def complete(self, request: CompletionRequest) -> Completion:
        self.requests.append(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        answer = self.answers.pop(0) if self.answers else "default answer"
        if isinstance(answer, Exception):
            raise answer
        return Completion(text=answer, model="scripted-1", input_tokens=100, output_tokens=20)

    async def aclose(self) -> None:
        self.closed = True


async def run(app: App, action: str, **extra: str) -> dict[str, object]:
    headers = await app.login(ADMIN)
    started = await app.execute(
        headers,
        agent_name="llm_agent__c",
        action_name=action,
        document_id=str(app.seed.doc_a),
        **extra,
    )
    assert started["responseStatus"] == "SUCCESS", started
    return await app.wait(headers, started["actionResponse"]["executionId"])


async def test_an_action_with_instructions_is_done_by_the_model_when_one_is_configured(
    app_factory: AppFactory,
) -> None:
    provider = ScriptedProvider(["A two-sentence summary [Page 1]."])
    app = await app_factory(provider=provider)
    done = await run(app, "summarize__c")
    assert done["actionStatus"] == "SUCCESS"
    assert done["actionOutputs"] == [{"type": "text", "value": "A two-sentence summary [Page 1]."}]
    [request] = provider.requests
    system, user = request.messages
    assert "You review documents for a test suite." in system.content
    assert "Summarise the document in two sentences." in system.content
    assert "Cardiovex helps patients" in user.content
    assert request.model_level == "ADVANCED"


async def test_without_a_provider_the_same_action_runs_offline(app: App) -> None:
    done = await run(app, "summarize__c")
    assert "llm_agent__c.summarize__c ran on document" in str(done["actionOutputs"])


async def test_usage_is_recorded_on_the_execution_and_in_the_audit_trail(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(provider=ScriptedProvider(["Summary."]))
    done = await run(app, "summarize__c")
    number = int(str(done["executionId"])[3:])
    execution = await app.runtime.stores.executions.get(number)
    assert execution is not None
    assert execution.usage is not None
    assert (execution.usage.model, execution.usage.calls) == ("scripted-1", 1)
    assert (execution.usage.input_tokens, execution.usage.output_tokens) == (100, 20)
    events = await app.runtime.stores.audit.events(kind="execution_finished")
    assert events[-1].detail["input_tokens"] == 100


async def test_a_long_document_is_read_in_chunks_and_the_answers_merged(
    app_factory: AppFactory,
) -> None:
    provider = ScriptedProvider(context=2200)
    app = await app_factory(provider=provider)
    long_text = "\n\n".join(f"Paragraph {i} says something about dosing." * 8 for i in range(60))
    admin_id = app.seed.admin_id
    from actionvault.store.content import NewVersion

    version = await app.runtime.stores.content.add_document(
        name="Long", type="promotional_piece__c", owner_id=admin_id,
        version=NewVersion("long.txt", "text/plain", long_text), now=app.clock(),
    )  # fmt: skip
    headers = await app.login(ADMIN)
    started = await app.execute(
        headers,
        agent_name="llm_agent__c",
        action_name="summarize__c",
        document_id=str(version.document.id),
    )
    done = await app.wait(headers, started["actionResponse"]["executionId"])
    assert done["actionStatus"] == "SUCCESS"
    parts = len(provider.requests) - 1
    assert parts > 1
    seen = "".join(r.messages[1].content for r in provider.requests[:-1])
    assert "Paragraph 0 " in seen
    assert "Paragraph 59 " in seen  # nothing was dropped
    assert "Merge them" in provider.requests[-1].messages[1].content


async def test_structured_output_is_checked_and_repaired_once(app_factory: AppFactory) -> None:
    provider = ScriptedProvider(
        ['{"claims": "not a list"}', '```json\n{"claims": ["Cures all"]}\n```']
    )
    app = await app_factory(provider=provider)
    done = await run(app, "extract__c")
    assert done["actionStatus"] == "SUCCESS"
    value = done["actionOutputs"][0]["value"]  # type: ignore[index]
    assert json.loads(value.removeprefix("```json\n").removesuffix("\n```")) == {
        "claims": ["Cures all"]
    }
    assert provider.requests[0].json_schema is not None
    assert "cannot be used" in provider.requests[1].messages[-1].content


async def test_output_that_stays_wrong_after_the_repair_fails_with_the_reason(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(provider=ScriptedProvider(["no json here", "still none"]))
    done = await run(app, "extract__c")
    assert done["actionStatus"] == "FAILURE"
    message = done["errors"][0]["message"]  # type: ignore[index]
    assert "after one repair attempt" in message
    assert "not valid JSON" in message


async def test_a_provider_failure_ends_the_execution_with_its_message(
    app_factory: AppFactory,
) -> None:
    error = ProviderError("The model provider openai rejected the API key (HTTP 401).")
    app = await app_factory(provider=ScriptedProvider([error]))
    done = await run(app, "summarize__c")
    assert done["actionStatus"] == "FAILURE"
    assert done["errors"] == [
        {
            "type": "UNEXPECTED_ERROR",
            "message": "The model provider openai rejected the API key (HTTP 401).",
        }
    ]


async def test_cancel_abandons_an_in_flight_model_call(app_factory: AppFactory) -> None:
    provider = ScriptedProvider(delay=30)
    app = await app_factory(provider=provider)
    headers = await app.login(ADMIN)
    started = await app.execute(
        headers,
        agent_name="llm_agent__c",
        action_name="summarize__c",
        document_id=str(app.seed.doc_a),
    )
    execution_id = started["actionResponse"]["executionId"]
    for _ in range(300):
        if provider.requests:
            break
        await asyncio.sleep(0.01)
    assert provider.requests
    await app.cancel(headers, execution_id)
    done = await app.wait(headers, execution_id, within=3)
    assert done["actionStatus"] == "CANCELLED"


async def test_the_provider_is_closed_with_the_runtime(app_factory: AppFactory) -> None:
    provider = ScriptedProvider()
    app = await app_factory(provider=provider)
    from support import close_app

    await close_app(app)
    assert provider.closed


async def test_a_record_action_reads_the_record_and_the_records_it_refers_to(
    app_factory: AppFactory,
) -> None:
    provider = ScriptedProvider(["It is a phase III study of Cardiovex [Field: phase__v]."])
    app = await app_factory(provider=provider)
    headers = await app.login(ADMIN)
    created = (
        await app.client.post(
            "/api/v26.1/vobjects/product__v", json=[{"name__v": "Cardiovex"}], headers=headers
        )
    ).json()
    product_id = created["data"][0]["data"]["id"]
    study = (
        await app.client.post(
            "/api/v26.1/vobjects/study__v",
            json=[{"name__v": "CARDIO-3", "phase__v": "III", "product__v": product_id}],
            headers=headers,
        )
    ).json()["data"][0]["data"]["id"]
    started = await app.execute(
        headers,
        agent_name="base_object_chat_agent__sys",
        action_name="summarize_record__sys",
        object="study__v",
        record_id=study,
    )
    done = await app.wait(headers, started["actionResponse"]["executionId"])
    assert done["actionStatus"] == "SUCCESS"
    prompt = provider.requests[0].messages[-1].content
    assert f"Record {study} of study__v" in prompt
    assert "phase__v: III" in prompt
    assert f"Related record {product_id} of product__v (base__v): Cardiovex" in prompt
    assert provider.requests[0].model_level == "BASIC"


async def test_an_action_can_ask_for_the_document_fields_only(app_factory: AppFactory) -> None:
    from actionvault.agents.loader import parse_agent

    provider = ScriptedProvider(["Typed."])
    app = await app_factory(provider=provider)
    agent = parse_agent(
        """
name: fields_only__c
label: Fields only
class: x
document_type: base_document__v
description: Reads only the fields.
actions:
  - name: classify__c
    label: Classify
    description: Classifies from the fields.
    engine: model
    instructions: Say what type of document this is.
    context: [document_fields]
    model_level: ADVANCED
""",
        "test",
        app.runtime.engines.keys(),
    )
    app.runtime.catalog.put(agent)
    headers = await app.login(ADMIN)
    started = await app.execute(
        headers, agent_name="fields_only__c", action_name="classify__c",
        document_id=str(app.seed.doc_a),
    )  # fmt: skip
    await app.wait(headers, started["actionResponse"]["executionId"])
    prompt = provider.requests[0].messages[-1].content
    assert "type__v: promotional_piece__c" in prompt
    assert "Cardiovex helps patients" not in prompt
    assert provider.requests[0].model_level == "ADVANCED"
