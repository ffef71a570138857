"""Wire conventions every endpoint shares: versions, envelope, HTTP 200, formats, headers."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from support import ADMIN, App

AGENTS = "/api/v26.1/services/ai/agents"


async def test_api_root_lists_every_served_version_with_its_url(app: App) -> None:
    for path in ("/api", "/api/"):
        body = (await app.client.get(path)).json()
        assert body["responseStatus"] == "SUCCESS"
        assert body["values"] == {
            v: f"http://testserver/api/{v}" for v in ("v25.2", "v25.3", "v26.1", "v26.2", "v26.3")
        }


async def test_unknown_path_answers_malformed_url_with_http_200(app: App) -> None:
    response = await app.client.get("/api/v26.1/no/such/thing")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"][0]["type"] == "MALFORMED_URL"
    assert response.headers["X-VaultAPI-Status"] == "FAILURE"


async def test_wrong_method_answers_method_not_supported_with_http_200(app: App) -> None:
    response = await app.client.delete(AGENTS)
    assert response.status_code == 200
    assert response.json()["errors"][0]["type"] == "METHOD_NOT_SUPPORTED"


async def test_version_older_than_the_ai_api_answers_method_not_supported(app: App) -> None:
    headers = await app.login(ADMIN)
    body = (await app.client.get("/api/v24.3/services/ai/agents", headers=headers)).json()
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"][0]["type"] == "METHOD_NOT_SUPPORTED"
    assert "v25.2" in body["errors"][0]["message"]


@pytest.mark.parametrize("version", ["v99.1", "latest", "26.1"])
async def test_unserved_version_answers_malformed_url(app: App, version: str) -> None:
    headers = await app.login(ADMIN)
    body = (await app.client.get(f"/api/{version}/services/ai/agents", headers=headers)).json()
    assert body["errors"][0]["type"] == "MALFORMED_URL"


async def test_every_ai_version_serves_the_agents(app: App) -> None:
    headers = await app.login(ADMIN)
    for version in ("v25.2", "v25.3", "v26.1", "v26.2", "v26.3"):
        body = (await app.client.get(f"/api/{version}/services/ai/agents", headers=headers)).json()
        assert body["responseStatus"] == "SUCCESS"
        assert body["agents"][0]["url"].startswith(f"/api/{version}/services/ai/agents/")


async def test_vault_headers_are_on_every_response(app: App) -> None:
    headers = await app.login(ADMIN)
    response = await app.client.get(AGENTS, headers=headers)
    for name in (
        "X-VaultAPI-Status",
        "X-VaultAPI-BurstLimit",
        "X-VaultAPI-BurstLimitRemaining",
        "X-VaultAPI-ExecutionId",
        "X-VaultAPI-UserId",
        "X-VaultAPI-VaultId",
        "X-VaultAPI-TruncatedSessionId",
    ):
        assert response.headers.get(name), name
    assert response.headers["X-VaultAPI-Status"] == "SUCCESS"
    assert int(response.headers["X-VaultAPI-BurstLimitRemaining"]) < int(
        response.headers["X-VaultAPI-BurstLimit"]
    )
    assert headers["Authorization"].startswith(
        response.headers["X-VaultAPI-TruncatedSessionId"].removesuffix("...")
    )
    unauthenticated = await app.client.get("/api/v26.1/no/such/thing")
    assert unauthenticated.headers["X-VaultAPI-Status"] == "FAILURE"
    assert "X-VaultAPI-UserId" not in unauthenticated.headers


async def test_accept_xml_renders_the_same_envelope_as_xml(app: App) -> None:
    headers = {**(await app.login(ADMIN)), "Accept": "application/xml"}
    response = await app.client.get(f"{AGENTS}/quick_check__v", headers=headers)
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag.endswith("RestResult")
    assert root.findtext("responseStatus") == "SUCCESS"
    agent = root.find("agent")
    assert agent is not None
    assert agent.findtext("name") == "quick_check__v"
    assert agent.findtext("status") == "true"
    actions = agent.findall("actions/action")
    assert "spelling_grammar__v" in [a.findtext("name") for a in actions]


async def test_xml_errors_use_errors_error_elements(app: App) -> None:
    response = await app.client.get(AGENTS, headers={"Accept": "application/xml"})
    root = ElementTree.fromstring(response.content)
    assert root.findtext("responseStatus") == "FAILURE"
    assert root.findtext("errors/error/type") == "INVALID_SESSION_ID"
    assert response.headers["X-VaultAPI-Status"] == "FAILURE"


async def test_xml_execute_and_status_wrap_lists_in_singular_children(app: App) -> None:
    session = await app.login(ADMIN)
    started = await app.execute(
        session, agent_name="test_agent__c", action_name="echo__c", document_id=str(app.seed.doc_a)
    )
    execution_id = started["actionResponse"]["executionId"]
    await app.wait(session, execution_id)
    response = await app.client.get(
        "/api/v26.1/services/ai/agent_actions/status",
        params={"execution_id": execution_id},
        headers={**session, "Accept": "application/xml"},
    )
    root = ElementTree.fromstring(response.content)
    assert root.findtext("actionResponse/actionStatus") == "SUCCESS"
    outputs = root.findall("actionResponse/actionOutputs/actionOutput")
    assert len(outputs) == 1
    assert outputs[0].findtext("type") == "text"


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/html"])
async def test_json_is_the_default_format(app: App, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    response = await app.client.get("/api/", headers=headers)
    assert response.headers["content-type"].startswith("application/json")


async def test_a_crash_reaches_the_client_as_an_exception_envelope(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = await app.login(ADMIN)

    def explode(name: str) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(app.runtime.services.catalog, "agent", explode)
    response = await app.client.get(f"{AGENTS}/quick_check__v", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["responseStatus"] == "EXCEPTION"
    assert body["errors"][0]["type"] == "UNEXPECTED_ERROR"
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text
