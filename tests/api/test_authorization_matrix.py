"""Every endpoint, for callers with and without each right: no leak, the right error type."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from support import ADMIN, App

V = "/api/v26.1"
# (method, path, body): every authenticated endpoint.
ENDPOINTS = [
    ("GET", f"{V}/services/ai/agents", None),
    ("GET", f"{V}/services/ai/agents/quick_check__v", None),
    ("GET", f"{V}/services/ai/agent_actions", None),
    ("GET", f"{V}/services/ai/agent_action/quick_check__v/spelling_grammar__v", None),
    ("POST", f"{V}/services/ai/agent_actions/actions/execute", {"agent_name": "x"}),
    ("GET", f"{V}/services/ai/agent_actions/status?execution_id=VAB000000000001", None),
    ("POST", f"{V}/services/ai/agent_actions/actions/cancel", {"execution_id": "x"}),
    ("GET", f"{V}/objects/users", None),
    ("GET", f"{V}/objects/users/me", None),
    ("GET", f"{V}/objects/users/1", None),
    ("POST", f"{V}/objects/users", {"user_name__v": "x"}),
    ("PUT", f"{V}/objects/users/1", {"active__v": "true"}),
    ("POST", f"{V}/objects/users/me/password", {"password__v": "x"}),
    ("GET", f"{V}/objects/documents/1", None),
    ("POST", f"{V}/objects/documents", {"name__v": "x"}),
    ("POST", f"{V}/objects/documents/1", {"x": "y"}),
    ("GET", f"{V}/objects/documents/1/versions", None),
    ("GET", f"{V}/objects/documents/1/versions/0/1", None),
    ("GET", f"{V}/objects/documents/1/versions/0/1/file", None),
    ("GET", f"{V}/objects/documents/1/file", None),
    ("GET", f"{V}/vobjects/study__c", None),
    ("GET", f"{V}/vobjects/study__c/STU000000000001", None),
    ("POST", f"{V}/vobjects/study__c", [{"name__v": "x"}]),
    ("GET", f"{V}/ext/audit", None),
]


async def call(app: App, method: str, path: str, body: object, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    response = await app.client.request(method, path, json=body, headers=headers)
    assert response.status_code == 200
    result: dict = response.json()  # type: ignore[type-arg]
    return result


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
async def test_without_a_session_every_endpoint_answers_invalid_session_id(
    app: App, method: str, path: str, body: object
) -> None:
    result = await call(app, method, path, body, {})
    assert result["errors"][0]["type"] == "INVALID_SESSION_ID"


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
async def test_without_api_access_every_endpoint_answers_insufficient_access(
    app: App, method: str, path: str, body: object
) -> None:
    await app.runtime.services.users.create_user(
        None, username="noapi@test.example", password="noapi-password"
    )
    headers = await app.login(("noapi@test.example", "noapi-password"))
    result = await call(app, method, path, body, headers)
    assert result["errors"][0]["type"] == "INSUFFICIENT_ACCESS"


METACHARACTERS = ["' OR '1'='1", "1; DROP TABLE users; --", '"; --', "%", "_", "\\", "\x00x"]


@pytest.mark.parametrize("value", METACHARACTERS)
async def test_sql_metacharacters_in_parameters_are_only_ever_data(app: App, value: str) -> None:
    headers = await app.login(ADMIN)
    probes = [
        ("GET", f"{V}/services/ai/agents", {"agent_name": value}, None),
        ("GET", f"{V}/services/ai/agents", {"available_by_user_name": value}, None),
        ("GET", f"{V}/services/ai/agent_actions/status", {"external_id": value}, None),
        ("GET", f"{V}/services/ai/agent_actions/status", {"execution_id": value}, None),
        ("POST", f"{V}/services/ai/agent_actions/actions/execute", None,
         {"agent_name": "test_agent__c", "action_name": "echo__c", "document_id": value}),
        ("POST", f"{V}/services/ai/agent_actions/actions/execute", None,
         {"agent_name": "study_agent__c", "action_name": "echo__c", "object": "study__c",
          "objecttype": "interventional__c", "record_id": value}),
        ("POST", f"{V}/services/ai/agent_actions/actions/cancel", None, {"execution_id": value}),
        ("GET", f"{V}/vobjects/study__c/{quote(value, safe='')}", None, None),
        ("GET", f"{V}/objects/documents/{quote(value, safe='')}", None, None),
    ]  # fmt: skip
    for method, path, params, body in probes:
        response = await app.client.request(method, path, params=params, json=body, headers=headers)
        result = response.json()
        assert response.status_code == 200
        assert result["responseStatus"] in ("SUCCESS", "FAILURE"), (path, result)
        if result["responseStatus"] == "FAILURE":
            assert result["errors"][0]["type"] in (
                "INVALID_DATA",
                "MALFORMED_URL",
                "PARAMETER_REQUIRED",
            ), (path, result)
    users = (await app.client.get(f"{V}/objects/users", headers=headers)).json()
    assert users["total"] == 3
    listing = (await app.client.get(f"{V}/services/ai/agents", headers=headers)).json()
    assert len(listing["agents"]) > 3
