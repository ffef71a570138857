"""Execute: the happy paths, and every validation rule of the contract in its order."""

from __future__ import annotations

import asyncio
import json

import pytest

from support import ADMIN, ALICE, BOB, App, AppFactory

EXECUTE = "/api/v26.1/services/ai/agent_actions/actions/execute"


def error_of(body: dict[str, object]) -> tuple[str, str]:
    assert body["responseStatus"] == "FAILURE", body
    errors = body["errors"]
    assert isinstance(errors, list)
    return errors[0]["type"], errors[0]["message"]


async def test_execute_answers_in_progress_with_an_id_and_a_status_url(app: App) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="spelling_grammar__v",
        document_id=str(app.seed.doc_a),
    )
    assert body["responseStatus"] == "SUCCESS"
    response = body["actionResponse"]
    assert response["actionStatus"] == "IN_PROGRESS"
    assert response["executionId"].startswith("VAB")
    assert len(response["executionId"]) == 15
    assert response["urls"] == [
        f"/api/v26.1/services/ai/agent_actions/status?execution_id={response['executionId']}"
    ]
    assert "externalId" not in response
    assert "agentAction" not in response


async def test_spelling_grammar_really_proofreads_the_latest_version(app: App) -> None:
    headers = await app.login(ALICE)
    started = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="spelling_grammar__v",
        document_id=str(app.seed.doc_a),
    )
    done = await app.wait(headers, started["actionResponse"]["executionId"])
    assert done["actionStatus"] == "SUCCESS"
    assert done["agentAction"] == "quick_check__v.spelling_grammar__v"
    [output] = done["actionOutputs"]
    assert output["type"] == "text"
    value = output["value"]
    assert value.startswith("```json\n")
    assert value.endswith("\n```")
    report = json.loads(value.removeprefix("```json\n").removesuffix("\n```"))
    assert report["detected_language"] == "English"
    found = {(e["category"], e["text"], e["suggestion"]) for e in report["errors"]}
    assert ("spelling", "recieve", "receive") in found
    assert ("repeated_word", "the the", "the") in found
    assert ("article", "a effective", "an effective") in found
    assert ("capitalization", "talk", "Talk") in found
    assert any(category == "spacing" for category, _, _ in found)
    for error in report["errors"]:
        assert set(error) == {"text", "suggestion", "category", "sentence", "offset"}


async def test_spelling_grammar_answers_with_vaults_keys_read_from_the_text(app: App) -> None:
    headers = await app.login(ALICE)
    started = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="spelling_grammar__v",
        document_id=str(app.seed.doc_a),
    )
    done = await app.wait(headers, started["actionResponse"]["executionId"])
    value = done["actionOutputs"][0]["value"]
    report = json.loads(value.removeprefix("```json\n").removesuffix("\n```"))
    # Vault's keys, in Vault's order, before ours.
    assert list(report)[:5] == [
        "thinking",
        "detected_industry",
        "detected_regulatory_authority",
        "detected_target_audience",
        "errors",
    ]
    # The seeded text asks the reader to talk to their doctor: a patient text about a medicine.
    assert report["detected_target_audience"] == "Patient"
    assert report["detected_industry"] == "Pharmaceutical (Human)"
    assert isinstance(report["detected_regulatory_authority"], str)
    assert report["thinking"].startswith("Document language: English;")


async def test_versioned_document_id_runs_on_that_exact_version(app: App) -> None:
    headers = await app.login(ALICE)
    started = await app.execute(
        headers,
        agent_name="test_agent__c",
        action_name="echo__c",
        document_id=f"{app.seed.doc_a}_0_1",
    )
    done = await app.wait(headers, started["actionResponse"]["executionId"])
    assert f"document {app.seed.doc_a} version 0.1" in done["actionOutputs"][0]["value"]


async def test_unversioned_document_id_records_the_latest_version(app: App) -> None:
    headers = await app.login(ALICE)
    started = await app.execute(
        headers, agent_name="test_agent__c", action_name="echo__c", document_id=str(app.seed.doc_a)
    )
    done = await app.wait(headers, started["actionResponse"]["executionId"])
    assert f"document {app.seed.doc_a} version 0.2" in done["actionOutputs"][0]["value"]


async def test_json_content_type_with_charset_is_accepted(app: App) -> None:
    headers = await app.login(ALICE)
    body = {"agent_name": "test_agent__c", "action_name": "echo__c", "document_id": app.seed.doc_a}
    response = await app.client.post(
        EXECUTE,
        content=json.dumps(body).encode(),
        headers={**headers, "Content-Type": "application/json; charset=utf-8"},
    )
    assert response.json()["responseStatus"] == "SUCCESS"


@pytest.mark.parametrize(
    "raw", [b"", b"not json", b"[1, 2]", b'"text"', b'{"agent_name": ', b"\xff\xfe"]
)
async def test_a_body_that_is_not_a_json_object_is_invalid_data(app: App, raw: bytes) -> None:
    headers = await app.login(ALICE)
    response = await app.client.post(
        EXECUTE, content=raw, headers={**headers, "Content-Type": "application/json"}
    )
    assert error_of(response.json())[0] == "INVALID_DATA"


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({}, "agent_name"),
        ({"document_id": "1"}, "agent_name"),
        ({"agent_name": "quick_check__v"}, "action_name"),
        ({"action_name": "spelling_grammar__v"}, "agent_name"),
    ],
)
async def test_missing_names_are_parameter_required(
    app: App, fields: dict[str, str], missing: str
) -> None:
    headers = await app.login(ALICE)
    error_type, message = error_of(await app.execute(headers, **fields))
    assert error_type == "PARAMETER_REQUIRED"
    assert f"[{missing}]" in message


async def test_a_field_of_the_wrong_type_is_invalid_data(app: App) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(headers, agent_name=["quick_check__v"], action_name="x")
    error_type, message = error_of(body)
    assert error_type == "INVALID_DATA"
    assert "[agent_name]" in message


@pytest.mark.parametrize(
    ("agent", "action", "error_type"),
    [
        ("no_such_agent__c", "echo__c", "INVALID_DATA"),
        ("test_agent__c", "no_such_action__c", "INVALID_DATA"),
        ("inactive_agent__c", "echo__c", "OPERATION_NOT_ALLOWED"),
        ("test_agent__c", "retired__c", "OPERATION_NOT_ALLOWED"),
    ],
)
async def test_unknown_names_are_invalid_and_inactive_ones_not_allowed(
    app: App, agent: str, action: str, error_type: str
) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(
        headers, agent_name=agent, action_name=action, document_id=str(app.seed.doc_a)
    )
    assert error_of(body)[0] == error_type


async def test_a_caller_without_the_right_gets_insufficient_access(app: App) -> None:
    headers = await app.login(BOB)
    body = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="spelling_grammar__v",
        document_id=str(app.seed.doc_a),
    )
    assert error_of(body)[0] == "INSUFFICIENT_ACCESS"


async def test_permission_is_checked_before_the_document(app: App) -> None:
    headers = await app.login(BOB)
    body = await app.execute(
        headers, agent_name="quick_check__v", action_name="spelling_grammar__v"
    )
    assert error_of(body)[0] == "INSUFFICIENT_ACCESS"


async def test_document_scoped_agent_without_document_id_is_parameter_required(app: App) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(
        headers, agent_name="quick_check__v", action_name="spelling_grammar__v"
    )
    error_type, message = error_of(body)
    assert error_type == "PARAMETER_REQUIRED"
    assert "[document_id]" in message


@pytest.mark.parametrize("document_id", ["abc", "12_1", "12_a_1", "-3", "1_2_3_4", "12.0.1"])
async def test_malformed_document_id_is_invalid_data(app: App, document_id: str) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(
        headers, agent_name="test_agent__c", action_name="echo__c", document_id=document_id
    )
    error_type, message = error_of(body)
    assert error_type == "INVALID_DATA"
    assert "document_id" in message


async def test_absent_and_invisible_documents_answer_exactly_alike(app: App) -> None:
    headers = await app.login(ALICE)

    async def message_for(document_id: str) -> tuple[str, str]:
        body = await app.execute(
            headers, agent_name="test_agent__c", action_name="echo__c", document_id=document_id
        )
        error_type, message = error_of(body)
        return error_type, message.replace(document_id, "ID")

    invisible = await message_for(str(app.seed.doc_b))
    absent = await message_for("999999")
    absent_version = await message_for(f"{app.seed.doc_a}_9_9")
    assert invisible == absent == absent_version
    assert invisible[0] == "INVALID_DATA"


async def test_an_administrator_sees_every_document(app: App) -> None:
    headers = await app.login(ADMIN)
    body = await app.execute(
        headers, agent_name="test_agent__c", action_name="echo__c", document_id=str(app.seed.doc_b)
    )
    assert body["responseStatus"] == "SUCCESS"


async def test_document_of_a_type_outside_the_agent_scope_is_not_allowed(app: App) -> None:
    headers = await app.login(ADMIN)
    ok = await app.execute(
        headers, agent_name="promo_only__c", action_name="echo__c", document_id=str(app.seed.doc_a)
    )
    assert ok["responseStatus"] == "SUCCESS"
    body = await app.execute(
        headers, agent_name="promo_only__c", action_name="echo__c", document_id=str(app.seed.doc_b)
    )
    error_type, message = error_of(body)
    assert error_type == "OPERATION_NOT_ALLOWED"
    assert "medical_letter__c" in message


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"record_id": "STU000000000001", "objecttype": "interventional__c"}, "object"),
        ({"object": "study__c", "objecttype": "interventional__c"}, "record_id"),
        ({"object": "study__c", "record_id": "STU000000000001"}, "objecttype"),
    ],
)
async def test_object_scoped_agent_needs_object_record_and_type(
    app: App, fields: dict[str, str], missing: str
) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(headers, agent_name="study_agent__c", action_name="echo__c", **fields)
    error_type, message = error_of(body)
    assert error_type == "PARAMETER_REQUIRED"
    assert f"[{missing}]" in message


async def test_object_agent_runs_on_a_visible_record_of_its_type(app: App) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(
        headers,
        agent_name="study_agent__c",
        action_name="echo__c",
        object="study__c",
        objecttype="interventional__c",
        record_id=app.seed.study_interventional,
    )
    done = await app.wait(headers, body["actionResponse"]["executionId"])
    assert done["actionStatus"] == "SUCCESS"
    assert "study__c record STU000000000001" in done["actionOutputs"][0]["value"]


async def test_objecttype_is_optional_when_the_agent_has_no_object_type(app: App) -> None:
    headers = await app.login(ADMIN)
    body = await app.execute(
        headers,
        agent_name="base_object_chat_agent__sys",
        action_name="summarize_record__sys",
        object="study__c",
        record_id=app.seed.study_interventional,
    )
    assert body["responseStatus"] == "SUCCESS"


async def test_unknown_or_invisible_record_is_invalid_data(app: App) -> None:
    headers = await app.login(ALICE)
    for record_id in ("STU000000000999", app.seed.study_observational):
        body = await app.execute(
            headers,
            agent_name="study_agent__c",
            action_name="echo__c",
            object="study__c",
            objecttype="observational__c",
            record_id=record_id,
        )
        assert error_of(body)[0] == "INVALID_DATA"


async def test_record_of_another_object_type_than_the_agent_is_not_allowed(app: App) -> None:
    headers = await app.login(ADMIN)
    body = await app.execute(
        headers,
        agent_name="study_agent__c",
        action_name="echo__c",
        object="study__c",
        objecttype="observational__c",
        record_id=app.seed.study_observational,
    )
    assert error_of(body)[0] == "OPERATION_NOT_ALLOWED"


async def test_external_id_is_echoed_and_can_never_be_used_again(app: App) -> None:
    headers = await app.login(ALICE)
    fields = {
        "agent_name": "test_agent__c",
        "action_name": "echo__c",
        "document_id": str(app.seed.doc_a),
        "external_id": "client-run-1",
    }
    first = await app.execute(headers, **fields)
    assert first["actionResponse"]["externalId"] == "client-run-1"
    await app.wait(headers, first["actionResponse"]["executionId"])
    again = await app.execute(headers, **fields)
    error_type, message = error_of(again)
    assert error_type == "OPERATION_NOT_ALLOWED"
    assert "client-run-1" in message
    other_user = await app.execute(await app.login(ADMIN), **fields)
    assert error_of(other_user)[0] == "OPERATION_NOT_ALLOWED"


async def test_concurrent_duplicate_external_ids_let_exactly_one_win(app: App) -> None:
    headers = await app.login(ALICE)
    fields = {
        "agent_name": "test_agent__c",
        "action_name": "echo__c",
        "document_id": str(app.seed.doc_a),
        "external_id": "race-1",
    }
    bodies = await asyncio.gather(*(app.execute(headers, **fields) for _ in range(12)))
    statuses = sorted(b["responseStatus"] for b in bodies)
    assert statuses.count("SUCCESS") == 1
    assert all(
        b["errors"][0]["type"] == "OPERATION_NOT_ALLOWED"
        for b in bodies
        if b["responseStatus"] == "FAILURE"
    )


async def test_unknown_chat_id_is_invalid_data(app: App) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(
        headers,
        agent_name="test_agent__c",
        action_name="echo__c",
        document_id=str(app.seed.doc_a),
        chat_id="no-such-chat",
    )
    error_type, message = error_of(body)
    assert error_type == "INVALID_DATA"
    assert "[chat_id]" in message


async def test_user_message_is_routed_and_answered_with_agent_action_and_chat(app: App) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(headers, user_message="How does the login feature work?")
    response = body["actionResponse"]
    assert response["agentAction"] == "helpdesk__c.explain_feature__c"
    chat_id = response["chatId"]
    done = await app.wait(headers, response["executionId"])
    assert done["actionStatus"] == "SUCCESS"
    assert "How does the login feature work?" in done["actionOutputs"][0]["value"]
    follow_up = await app.execute(
        headers, user_message="And how do sessions work, as a feature?", chat_id=chat_id
    )
    assert follow_up["actionResponse"]["chatId"] == chat_id
    other = await app.execute(
        await app.login(ADMIN), user_message="Explain the login feature", chat_id=chat_id
    )
    assert error_of(other)[0] == "INVALID_DATA"


async def test_a_message_that_fits_no_action_ends_failure_saying_what_can_be_asked(
    app: App,
) -> None:
    headers = await app.login(ALICE)
    body = await app.execute(headers, user_message="zzz qqq")
    response = body["actionResponse"]
    assert response["actionStatus"] == "IN_PROGRESS"
    assert response["agentAction"] == "super_agent__sys.route_message__sys"
    done = await app.wait(headers, response["executionId"])
    assert done["actionStatus"] == "FAILURE"
    assert done["errors"][0]["type"] == "OPERATION_NOT_ALLOWED"
    assert (
        "You can ask for: Explain a Feature (helpdesk__c.explain_feature__c)"
        in (done["errors"][0]["message"])
    )


async def test_execution_ids_increase(app: App) -> None:
    headers = await app.login(ALICE)
    ids = []
    for _ in range(3):
        body = await app.execute(
            headers,
            agent_name="test_agent__c",
            action_name="echo__c",
            document_id=str(app.seed.doc_a),
        )
        ids.append(body["actionResponse"]["executionId"])
    assert ids == sorted(ids)
    assert len(set(ids)) == 3


async def test_past_the_queue_caps_execute_answers_api_limit_exceeded(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=0, max_queued_per_user=2, max_queued_total=3)
    alice = await app.login(ALICE)
    fields = {"agent_name": "test_agent__c", "action_name": "echo__c"}
    for _ in range(2):
        body = await app.execute(alice, document_id=str(app.seed.doc_a), **fields)
        assert body["responseStatus"] == "SUCCESS"
    error_type, message = error_of(
        await app.execute(alice, document_id=str(app.seed.doc_a), **fields)
    )
    assert error_type == "API_LIMIT_EXCEEDED"
    assert "waiting" in message
    admin = await app.login(ADMIN)
    body = await app.execute(admin, document_id=str(app.seed.doc_a), **fields)
    assert body["responseStatus"] == "SUCCESS"
    error_type, _ = error_of(await app.execute(admin, document_id=str(app.seed.doc_a), **fields))
    assert error_type == "API_LIMIT_EXCEEDED"
