"""A caller cannot learn that another user's external_id exists, nor anything about the
execution behind it: every answer is the one an unknown id, or one's own reused id, gets.

External ids stay unique across the vault, as in Vault (see docs/reference/api.md).
"""

from __future__ import annotations

from typing import Any

from support import ALICE, BOB, App, hash_password

STATUS = "/api/v26.1/services/ai/agent_actions/status"


async def start(app: App, headers: dict[str, str], external_id: str) -> dict[str, Any]:
    return await app.execute(
        headers,
        agent_name="test_agent__c",
        action_name="echo__c",
        document_id=str(app.seed.doc_a),
        external_id=external_id,
    )


async def runner(app: App, username: str) -> tuple[str, str]:
    """Another standard user who may run the test agent on document A, as Alice may."""
    users = app.runtime.stores.users
    user = await users.add_user(
        username=username, password_hash=hash_password("carol-password"), now=app.clock()
    )
    await users.assign_permission_set(user.id, "test_runner__c")
    await app.runtime.stores.content.grant_document_role(
        app.seed.doc_a, "viewer__v", user_id=user.id
    )
    return username, "carol-password"


async def answer(app: App, headers: dict[str, str], **query: str) -> tuple[Any, dict[str, str]]:
    response = await app.client.get(STATUS, params=query, headers=headers)
    kept = {k: v for k, v in response.headers.items() if k.startswith("x-vaultapi-")}
    kept.pop("x-vaultapi-executionid")  # the request id: new on every answer
    kept.pop("x-vaultapi-burstlimitremaining")
    return response.json(), kept


async def test_the_status_of_another_users_external_id_answers_like_an_unknown_one(
    app: App,
) -> None:
    alice = await app.login(ALICE)
    assert (await start(app, alice, "alice-invoice-7"))["responseStatus"] == "SUCCESS"
    bob = await app.login(BOB)
    taken, taken_headers = await answer(app, bob, external_id="alice-invoice-7")
    unknown, unknown_headers = await answer(app, bob, external_id="never-used-anywhe")
    assert taken["errors"][0]["type"] == "INVALID_DATA"
    assert taken == {
        **unknown,
        "errors": [
            {
                "type": "INVALID_DATA",
                "message": unknown["errors"][0]["message"].replace(
                    "never-used-anywhe", "alice-invoice-7"
                ),
            }
        ],
    }
    assert taken_headers == unknown_headers


async def test_reusing_another_users_external_id_answers_as_reusing_ones_own(app: App) -> None:
    alice = await app.login(ALICE)
    first = await start(app, alice, "shared-key-1")
    own_again = await start(app, alice, "shared-key-1")
    carol = await app.login(await runner(app, "carol@test.example"))
    someone_elses = await start(app, carol, "shared-key-1")
    assert own_again == someone_elses
    error = someone_elses["errors"][0]
    assert error["type"] == "OPERATION_NOT_ALLOWED"
    execution_id = first["actionResponse"]["executionId"]
    for detail in (execution_id, ALICE[0], str(app.seed.alice_id), "echo__c", "IN_PROGRESS"):
        assert detail not in error["message"], f"the refusal reveals {detail}"
    mine = (await app.status(alice, external_id="shared-key-1"))["actionResponse"]
    assert mine["executionId"] == execution_id, "the refused execute changed nothing"
