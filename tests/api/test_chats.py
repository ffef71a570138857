"""Chats: a routed message starts one, chat_id continues it, history can be read and deleted."""

from __future__ import annotations

import pytest

from support import ADMIN, ALICE, App, AppFactory

CHATS = "/api/v26.1/ext/chats"


async def test_a_chat_keeps_its_document_and_its_turns(app: App) -> None:
    headers = await app.login(ALICE)
    first = await app.execute(
        headers, user_message="What is the dosing?", document_id=str(app.seed.doc_a)
    )
    response = first["actionResponse"]
    assert response["agentAction"] == "doc_chat__c.ask__c"
    chat_id = response["chatId"]
    done = await app.wait(headers, response["executionId"])
    assert f"document {app.seed.doc_a} version 0.2" in done["actionOutputs"][0]["value"]
    # The follow-up names no document: the chat's own is used, and the action sees the turn.
    second = await app.execute(headers, user_message="And what about storage?", chat_id=chat_id)
    assert second["actionResponse"]["chatId"] == chat_id
    follow_up = await app.wait(headers, second["actionResponse"]["executionId"])
    value = follow_up["actionOutputs"][0]["value"]
    assert f"document {app.seed.doc_a} version 0.2" in value
    assert "after 1 earlier turns" in value
    history = (await app.client.get(f"{CHATS}/{chat_id}", headers=headers)).json()["chat"]
    assert history["documentId"] == str(app.seed.doc_a)
    assert [t["message"] for t in history["turns"]] == [
        "What is the dosing?",
        "And what about storage?",
    ]
    assert [t["executionId"] for t in history["turns"]] == [
        response["executionId"],
        second["actionResponse"]["executionId"],
    ]
    assert history["turns"][0]["actionStatus"] == "SUCCESS"
    listing = (await app.client.get(CHATS, headers=headers)).json()["chats"]
    assert [(c["chatId"], c["turns"]) for c in listing] == [(chat_id, 2)]


async def test_another_users_chat_is_out_of_reach(app: App) -> None:
    alice = await app.login(ALICE)
    started = await app.execute(
        alice, user_message="What is the dosing?", document_id=str(app.seed.doc_a)
    )
    chat_id = started["actionResponse"]["chatId"]
    admin = await app.login(ADMIN)
    body = await app.execute(admin, user_message="And storage?", chat_id=chat_id)
    assert body["errors"][0]["type"] == "INVALID_DATA"
    assert (await app.client.get(f"{CHATS}/{chat_id}", headers=admin)).json()["errors"][0][
        "type"
    ] == "INVALID_DATA"
    assert (await app.client.delete(f"{CHATS}/{chat_id}", headers=admin)).json()["errors"][0][
        "type"
    ] == "INVALID_DATA"
    assert (await app.client.get(CHATS, headers=admin)).json()["chats"] == []


async def test_a_deleted_chat_cannot_be_continued(app: App) -> None:
    headers = await app.login(ALICE)
    started = await app.execute(
        headers, user_message="What is the dosing?", document_id=str(app.seed.doc_a)
    )
    chat_id = started["actionResponse"]["chatId"]
    await app.wait(headers, started["actionResponse"]["executionId"])
    deleted = (await app.client.delete(f"{CHATS}/{chat_id}", headers=headers)).json()
    assert deleted == {"responseStatus": "SUCCESS"}
    body = await app.execute(headers, user_message="And storage?", chat_id=chat_id)
    assert body["errors"][0]["type"] == "INVALID_DATA"


async def test_named_actions_can_join_a_chat(app: App) -> None:
    headers = await app.login(ALICE)
    started = await app.execute(
        headers, user_message="What is the dosing?", document_id=str(app.seed.doc_a)
    )
    chat_id = started["actionResponse"]["chatId"]
    body = await app.execute(
        headers,
        agent_name="test_agent__c",
        action_name="echo__c",
        document_id=str(app.seed.doc_a),
        chat_id=chat_id,
    )
    assert body["responseStatus"] == "SUCCESS"
    assert "chatId" not in body["actionResponse"]
    history = (await app.client.get(f"{CHATS}/{chat_id}", headers=headers)).json()["chat"]
    assert len(history["turns"]) == 2


async def test_messages_reach_the_standard_chat_actions_or_are_refused(app: App) -> None:
    headers = await app.login(ADMIN)
    summary = await app.execute(
        headers, user_message="Can you summarise this document for me?",
        document_id=str(app.seed.doc_a),
    )  # fmt: skip
    assert summary["actionResponse"]["agentAction"] == (
        "promomats_document_chat__v.summarize_document__v"
    )
    done = await app.wait(headers, summary["actionResponse"]["executionId"])
    assert done["actionStatus"] == "SUCCESS"
    joke = await app.execute(
        headers, user_message="Tell me a joke about cats", document_id=str(app.seed.doc_a)
    )
    refused = await app.wait(headers, joke["actionResponse"]["executionId"])
    assert refused["actionStatus"] == "FAILURE"
    assert "You can ask for:" in refused["errors"][0]["message"]


async def test_a_message_refused_by_back_pressure_starts_no_chat(app_factory: AppFactory) -> None:
    app = await app_factory(workers=0, max_queued_per_user=1)
    headers = await app.login(ALICE)
    first = await app.execute(headers, user_message="What is the dosing?",
                              document_id=str(app.seed.doc_a))  # fmt: skip
    assert first["responseStatus"] == "SUCCESS"
    refused = await app.execute(headers, user_message="And the storage?",
                                document_id=str(app.seed.doc_a))  # fmt: skip
    assert refused["errors"][0]["type"] == "API_LIMIT_EXCEEDED"  # type: ignore[index]
    listing = (await app.client.get(CHATS, headers=headers)).json()["chats"]
    assert [c["chatId"] for c in listing] == [first["actionResponse"]["chatId"]]


@pytest.mark.parametrize(
    "target",
    [
        {"document_id": "999999"},
        {"document_id": "doc-one"},
        {"document_id": "INVISIBLE"},  # replaced by the document only the admin sees
        {"object": "study__c", "record_id": "V0S000000099999"},
    ],
)
async def test_a_message_on_a_missing_or_invisible_target_is_refused_at_once(
    app: App, target: dict[str, str]
) -> None:
    headers = await app.login(ALICE)
    if target.get("document_id") == "INVISIBLE":
        target = {"document_id": str(app.seed.doc_b)}
    body = await app.execute(headers, user_message="Summarise this for me", **target)
    assert body["responseStatus"] == "FAILURE", body
    assert body["errors"][0]["type"] == "INVALID_DATA"
    assert "actionResponse" not in body
    chats = (await app.client.get(CHATS, headers=headers)).json()
    assert chats.get("chats", []) == []
