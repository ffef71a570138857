"""What Vault's own clients (VAPIL, integrations) rely on beyond the AI endpoints: the version's
resource listing, public URLs behind a proxy, and the headers every answer carries."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pytest
from starlette.types import Message

from actionvault.api.app import create_app
from actionvault.isolation import EnginePool
from actionvault.runtime import Runtime
from actionvault.settings import Settings
from support import ADMIN, ALICE, App

EXECUTE = "/api/v26.1/services/ai/agent_actions/actions/execute"


async def test_get_version_lists_its_resources_for_a_valid_session(app: App) -> None:
    headers = await app.login(ALICE)
    for path in ("/api/v26.1", "/api/v26.1/"):
        response = await app.client.get(path, headers=headers)
        body = response.json()
        assert body["responseStatus"] == "SUCCESS", body
        assert body["values"]["objects"] == "http://testserver/api/v26.1/objects"
        assert body["values"]["services"] == "http://testserver/api/v26.1/services"
        assert response.headers["X-VaultAPI-UserId"] == str(app.seed.alice_id)


async def test_get_version_without_a_session_answers_invalid_session_id(app: App) -> None:
    body = (await app.client.get("/api/v26.1", headers={"Authorization": "nope"})).json()
    assert body["errors"][0]["type"] == "INVALID_SESSION_ID"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1.0/auth",
        "/api/v025.2/auth",
        "/api/v24.3/auth",
        "/api/v26.10/auth",
        "/api/latest/auth",
    ],
)
async def test_only_the_served_versions_log_in(app: App, path: str) -> None:
    response = await app.client.post(path, data={"username": ADMIN[0], "password": ADMIN[1]})
    body = response.json()
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"][0]["type"] == "MALFORMED_URL"
    assert "v26.1" in body["errors"][0]["message"]


@pytest.mark.parametrize("version", ["v24.3", "v025.2", "v1.0", "v026.1"])
async def test_unserved_versions_do_not_serve_other_resources(app: App, version: str) -> None:
    headers = await app.login(ADMIN)
    for path in (f"/api/{version}/objects/users/me", f"/api/{version}"):
        body = (await app.client.get(path, headers=headers)).json()
        assert body["errors"][0]["type"] == "MALFORMED_URL", (path, body)


async def test_reference_id_is_echoed_and_session_headers_are_on_every_answer(app: App) -> None:
    session = await app.login(ALICE)
    headers = {**session, "X-VaultAPI-ReferenceId": "batch-42/item 7"}
    answers = [
        await app.client.get("/api/v26.1/services/ai/agents", headers=headers),
        await app.client.post(EXECUTE, json={"agent_name": "nope__c"}, headers=headers),
        await app.client.get("/api/v26.1/no/such/path", headers=headers),
    ]
    for response in answers:
        assert response.headers["X-VaultAPI-ReferenceId"] == "batch-42/item 7"
        assert response.headers["X-VaultAPI-UserId"] == str(app.seed.alice_id)
        assert response.headers["X-VaultAPI-VaultId"] == "1000"
        assert session["Authorization"].startswith(
            response.headers["X-VaultAPI-TruncatedSessionId"].removesuffix("...")
        )
    login = await app.client.post(
        "/api/v26.1/auth",
        data={"username": ALICE[0], "password": ALICE[1]},
        headers={"X-VaultAPI-ReferenceId": "login-1"},
    )
    assert login.headers["X-VaultAPI-ReferenceId"] == "login-1"
    assert login.headers["X-VaultAPI-VaultId"] == "1000"


async def _login_body(app: App, **headers: str) -> dict[str, object]:
    response = await app.client.post(
        "/api/v26.1/auth", data={"username": ALICE[0], "password": ALICE[1]}, headers=headers
    )
    body: dict[str, object] = response.json()
    return body


async def test_public_url_names_every_url_handed_out(
    app_factory: Callable[..., Awaitable[App]],
) -> None:
    app = await app_factory(public_url="https://vault.example.com/av/")
    body = await _login_body(app)
    assert body["vaultIds"] == [
        {"id": 1000, "name": "actionvault", "url": "https://vault.example.com/av/api"}
    ]
    session = {"Authorization": str(body["sessionId"])}
    versions = (await app.client.get("/api")).json()
    assert versions["values"]["v26.1"] == "https://vault.example.com/av/api/v26.1"
    started = await app.execute(
        session, agent_name="test_agent__c", action_name="echo__c", document_id=str(app.seed.doc_a)
    )
    url = started["actionResponse"]["urls"][0]
    assert url.startswith("/av/api/v26.1/services/ai/agent_actions/status?execution_id=VAB")


PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "vault.example.com"}


async def test_forwarded_headers_are_believed_only_from_trusted_proxies(
    app_factory: Callable[..., Awaitable[App]],
) -> None:
    untrusted = await app_factory(trusted_proxies="10.0.0.0/8")
    body = await _login_body(untrusted, **PROXIED)
    assert body["vaultIds"][0]["url"] == "http://testserver/api"  # type: ignore[index]

    trusted = await app_factory(trusted_proxies="10.0.0.0/8,127.0.0.1")
    body = await _login_body(trusted, **PROXIED)
    assert body["vaultIds"][0]["url"] == "https://vault.example.com/api"  # type: ignore[index]
    body = await _login_body(trusted, Forwarded='for=1.2.3.4;proto=https;host="v.example.org"')
    assert body["vaultIds"][0]["url"] == "https://v.example.org/api"  # type: ignore[index]
    body = await _login_body(trusted, **{"X-Forwarded-Host": "evil.example/<script>"})
    assert body["vaultIds"][0]["url"] == "http://testserver/api"  # type: ignore[index]


async def test_a_server_on_a_new_database_says_how_to_make_the_first_administrator(
    settings_factory: Callable[..., Settings],
    engine_pool: EnginePool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(Runtime(settings_factory(workers=0), engine_pool=engine_pool))
    messages: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    with caplog.at_level(logging.WARNING, logger="actionvault.api"):
        await app({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert "no users yet" in caplog.text
    assert "actionvault users add NAME --admin" in caplog.text
