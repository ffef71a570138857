"""Status (by execution_id or external_id) and cancel, for the caller and for others."""

from __future__ import annotations

import asyncio

import pytest

from support import ADMIN, ALICE, BOB, App, AppFactory

STATUS = "/api/v26.1/services/ai/agent_actions/status"
CANCEL = "/api/v26.1/services/ai/agent_actions/actions/cancel"


async def start(app: App, headers: dict[str, str], action: str = "echo__c", **extra: str) -> str:
    body = await app.execute(
        headers,
        agent_name="test_agent__c",
        action_name=action,
        document_id=str(app.seed.doc_a),
        **extra,
    )
    assert body["responseStatus"] == "SUCCESS", body
    execution_id: str = body["actionResponse"]["executionId"]
    return execution_id


async def test_status_by_external_id_matches_status_by_execution_id(app: App) -> None:
    headers = await app.login(ALICE)
    execution_id = await start(app, headers, external_id="ext-42")
    by_id = await app.wait(headers, execution_id)
    by_external = (await app.status(headers, external_id="ext-42"))["actionResponse"]
    assert by_id == by_external
    assert by_id["executionId"] == execution_id
    assert by_id["externalId"] == "ext-42"


async def test_status_without_an_id_is_parameter_required(app: App) -> None:
    headers = await app.login(ALICE)
    body = (await app.client.get(STATUS, headers=headers)).json()
    assert body["errors"][0]["type"] == "PARAMETER_REQUIRED"


@pytest.mark.parametrize(
    "query",
    [{"execution_id": "VAB999999999999"}, {"execution_id": "garbage"}, {"external_id": "nope"}],
)
async def test_status_of_an_unknown_execution_is_invalid_data(
    app: App, query: dict[str, str]
) -> None:
    headers = await app.login(ALICE)
    body = await app.status(headers, **query)
    assert body["errors"][0]["type"] == "INVALID_DATA"


async def test_another_users_execution_is_invisible_but_an_admin_sees_it(app: App) -> None:
    alice = await app.login(ALICE)
    execution_id = await start(app, alice, external_id="alice-own")
    bob = await app.login(BOB)
    assert (await app.status(bob, execution_id=execution_id))["errors"][0]["type"] == "INVALID_DATA"
    assert (await app.status(bob, external_id="alice-own"))["errors"][0]["type"] == "INVALID_DATA"
    assert (await app.cancel(bob, execution_id))["errors"][0]["type"] == "INVALID_DATA"
    admin = await app.login(ADMIN)
    assert (await app.status(admin, execution_id=execution_id))["responseStatus"] == "SUCCESS"


async def test_a_failed_action_reports_failure_inside_a_successful_envelope(app: App) -> None:
    headers = await app.login(ALICE)
    done = await app.wait(headers, await start(app, headers, action="failing__c"))
    assert done["actionStatus"] == "FAILURE"
    assert done["errors"] == [
        {"type": "OPERATION_NOT_ALLOWED", "message": "The test action failed as asked."}
    ]
    assert "actionOutputs" not in done


async def test_a_model_action_without_a_provider_fails_and_says_what_to_do(app: App) -> None:
    headers = await app.login(ADMIN)
    body = await app.execute(
        headers,
        agent_name="model_agent__c",
        action_name="draft__c",
        document_id=str(app.seed.doc_a),
    )
    done = await app.wait(headers, body["actionResponse"]["executionId"])
    assert done["actionStatus"] == "FAILURE"
    assert "needs a model provider" in done["errors"][0]["message"]


async def test_a_document_without_text_fails_with_a_clear_message(app: App) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="spelling_grammar__v",
        document_id=str(app.seed.doc_empty),
    )
    done = await app.wait(headers, body["actionResponse"]["executionId"])
    assert done["actionStatus"] == "FAILURE"
    assert "has no text" in done["errors"][0]["message"]


async def test_an_action_past_its_timeout_fails_saying_so(app: App) -> None:
    headers = await app.login(ALICE)
    done = await app.wait(headers, await start(app, headers, action="quick_timeout__c"))
    assert done["actionStatus"] == "FAILURE"
    assert done["errors"][0]["message"] == "The action timed out after 0.2 s."


async def test_cancel_of_a_queued_execution_ends_it_cancelled(app_factory: AppFactory) -> None:
    app = await app_factory(workers=0)
    headers = await app.login(ALICE)
    execution_id = await start(app, headers)
    body = await app.cancel(headers, execution_id)
    assert body == {
        "responseStatus": "SUCCESS",
        "data": {"actionStatus": "SUBMITTED", "executionId": execution_id},
    }
    done = (await app.status(headers, execution_id=execution_id))["actionResponse"]
    assert done["actionStatus"] == "CANCELLED"
    assert "actionOutputs" not in done
    events = await app.runtime.stores.audit.events(kind="execution_finished")
    assert [(e.subject, e.outcome) for e in events] == [(execution_id, "CANCELLED")]


async def test_cancel_of_a_running_execution_abandons_the_work(app: App) -> None:
    headers = await app.login(ALICE)
    execution_id = await start(app, headers, action="slow__c")
    number = int(execution_id[3:])
    worker = app.runtime.worker
    assert worker is not None
    for _ in range(200):
        if number in worker.running:
            break
        await asyncio.sleep(0.01)
    assert number in worker.running
    body = await app.cancel(headers, execution_id)
    assert body["data"]["actionStatus"] == "SUBMITTED"
    done = await app.wait(headers, execution_id, within=3)
    assert done["actionStatus"] == "CANCELLED"
    for _ in range(100):  # the worker's bookkeeping ends just after the store records it
        if number not in worker.running:
            break
        await asyncio.sleep(0.01)
    assert number not in worker.running


async def test_cancel_of_a_finished_execution_is_not_allowed_and_keeps_the_result(
    app: App,
) -> None:
    headers = await app.login(ALICE)
    execution_id = await start(app, headers)
    before = await app.wait(headers, execution_id)
    body = await app.cancel(headers, execution_id)
    assert body["errors"][0]["type"] == "OPERATION_NOT_ALLOWED"
    after = (await app.status(headers, execution_id=execution_id))["actionResponse"]
    assert after == before


@pytest.mark.parametrize("content", [b"{}", b"", b'{"execution_id": ""}'])
async def test_cancel_without_an_execution_id_is_parameter_required(
    app: App, content: bytes
) -> None:
    headers = {**(await app.login(ALICE)), "Content-Type": "application/json"}
    body = (await app.client.post(CANCEL, content=content, headers=headers)).json()
    assert body["errors"][0]["type"] == "PARAMETER_REQUIRED"


async def test_cancel_with_a_body_that_is_not_json_is_invalid_data(app: App) -> None:
    headers = {**(await app.login(ALICE)), "Content-Type": "application/json"}
    body = (await app.client.post(CANCEL, content=b"[1]", headers=headers)).json()
    assert body["errors"][0]["type"] == "INVALID_DATA"


async def test_cancel_of_an_unknown_execution_is_invalid_data(app: App) -> None:
    headers = await app.login(ALICE)
    body = await app.cancel(headers, "VAB000000999999")
    assert body["errors"][0]["type"] == "INVALID_DATA"
