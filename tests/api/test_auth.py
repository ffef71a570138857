"""Login, sessions in both header forms, idle expiry, keep-alive, logout, lock-out."""

from __future__ import annotations

import pytest

from support import ADMIN, ALICE, App, AppFactory

AUTH = "/api/v26.1/auth"
AGENTS = "/api/v26.1/services/ai/agents"


async def test_form_login_returns_a_session_and_the_vault(app: App) -> None:
    response = await app.client.post(AUTH, data={"username": ALICE[0], "password": ALICE[1]})
    body = response.json()
    assert body["responseStatus"] == "SUCCESS"
    assert isinstance(body["sessionId"], str)
    assert len(body["sessionId"]) >= 32
    assert body["userId"] == app.seed.alice_id
    assert body["vaultId"] == app.runtime.settings.vault_id
    assert body["vaultIds"] == [
        {"id": app.runtime.settings.vault_id, "name": "actionvault", "url": "http://testserver/api"}
    ]


async def test_multipart_login_works_like_a_form_login(app: App) -> None:
    response = await app.client.post(
        AUTH, files={"username": (None, ALICE[0]), "password": (None, ALICE[1])}
    )
    assert response.json()["responseStatus"] == "SUCCESS"


async def test_login_with_username_in_other_case_succeeds(app: App) -> None:
    response = await app.client.post(
        AUTH, data={"username": ALICE[0].upper(), "password": ALICE[1]}
    )
    assert response.json()["responseStatus"] == "SUCCESS"


async def test_login_on_any_served_api_version_succeeds(app: App) -> None:
    for version in ("v25.2", "v26.3"):
        response = await app.client.post(
            f"/api/{version}/auth", data={"username": ALICE[0], "password": ALICE[1]}
        )
        assert response.json()["responseStatus"] == "SUCCESS"


@pytest.mark.parametrize(
    ("form", "error_type"),
    [
        ({"username": ALICE[0]}, "NO_PASSWORD_PROVIDED"),
        ({"username": ALICE[0], "password": ""}, "NO_PASSWORD_PROVIDED"),
        ({"username": ALICE[0], "password": "wrong"}, "USERNAME_OR_PASSWORD_INCORRECT"),
        ({"username": "nobody@test.example", "password": "x"}, "USERNAME_OR_PASSWORD_INCORRECT"),
        ({"password": "x"}, "USERNAME_OR_PASSWORD_INCORRECT"),
    ],
)
async def test_failed_login_names_the_reason_and_authentication_failed(
    app: App, form: dict[str, str], error_type: str
) -> None:
    body = (await app.client.post(AUTH, data=form)).json()
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"][0]["type"] == error_type
    assert body["errorType"] == "AUTHENTICATION_FAILED"
    assert "sessionId" not in body


async def test_inactive_user_cannot_log_in(app: App) -> None:
    from actionvault.services.sessions import hash_password

    await app.runtime.stores.users.add_user(
        username="gone@test.example",
        password_hash=hash_password("pw-gone"),
        active=False,
        now=app.clock(),
    )
    body = (
        await app.client.post(AUTH, data={"username": "gone@test.example", "password": "pw-gone"})
    ).json()
    assert body["errors"][0]["type"] == "INACTIVE_USER"


async def test_repeated_failures_hold_further_attempts_back_until_the_delay_lapses(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(lockout_threshold=3, lockout_seconds=60, login_backoff_seconds=10)
    bad = {"username": ALICE[0], "password": "wrong"}
    types = [(await app.client.post(AUTH, data=bad)).json()["errors"][0]["type"] for _ in range(3)]
    assert types == ["USERNAME_OR_PASSWORD_INCORRECT"] * 3
    good = {"username": ALICE[0], "password": ALICE[1]}
    error = (await app.client.post(AUTH, data=good)).json()["errors"][0]
    assert error["type"] == "USER_LOCKED_OUT"
    assert "try again in 10 s" in error["message"]
    app.clock.advance(11)
    assert (await app.client.post(AUTH, data=good)).json()["responseStatus"] == "SUCCESS"


@pytest.mark.parametrize("scheme", ["", "Bearer "])
async def test_session_is_accepted_raw_or_as_bearer(app: App, scheme: str) -> None:
    session = (await app.login(ALICE))["Authorization"]
    response = await app.client.get(AGENTS, headers={"Authorization": f"{scheme}{session}"})
    assert response.json()["responseStatus"] == "SUCCESS"
    assert response.headers["X-VaultAPI-UserId"] == str(app.seed.alice_id)


@pytest.mark.parametrize("authorization", [None, "", "Bearer ", "not-a-session"])
async def test_missing_or_unknown_session_is_invalid_session_id(
    app: App, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    body = (await app.client.get(AGENTS, headers=headers)).json()
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"] == [
        {"type": "INVALID_SESSION_ID", "message": "Invalid or expired session ID."}
    ]


async def test_idle_session_expires_and_activity_keeps_it_alive(app_factory: AppFactory) -> None:
    app = await app_factory(session_idle_timeout=600)
    headers = await app.login(ALICE)
    app.clock.advance(500)
    assert (await app.client.get(AGENTS, headers=headers)).json()["responseStatus"] == "SUCCESS"
    app.clock.advance(500)  # 500 s after the last request: still within the idle timeout
    assert (await app.client.get(AGENTS, headers=headers)).json()["responseStatus"] == "SUCCESS"
    app.clock.advance(601)
    body = (await app.client.get(AGENTS, headers=headers)).json()
    assert body["errors"][0]["type"] == "INVALID_SESSION_ID"


async def test_keep_alive_refreshes_an_idle_session(app_factory: AppFactory) -> None:
    app = await app_factory(session_idle_timeout=600)
    headers = await app.login(ALICE)
    app.clock.advance(400)
    body = (await app.client.post("/api/v26.1/keep-alive", headers=headers)).json()
    assert body == {"responseStatus": "SUCCESS"}
    app.clock.advance(400)
    assert (await app.client.get(AGENTS, headers=headers)).json()["responseStatus"] == "SUCCESS"


async def test_sessions_end_after_the_maximum_age_whatever_the_activity(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(session_idle_timeout=3600, session_max_age=7200)
    headers = await app.login(ALICE)
    for _ in range(3):
        app.clock.advance(2500)
        await app.client.post("/api/v26.1/keep-alive", headers=headers)
    body = (await app.client.get(AGENTS, headers=headers)).json()
    assert body["errors"][0]["type"] == "INVALID_SESSION_ID"


async def test_logout_ends_the_session(app: App) -> None:
    headers = await app.login(ALICE)
    body = (await app.client.delete("/api/v26.1/session", headers=headers)).json()
    assert body == {"responseStatus": "SUCCESS"}
    body = (await app.client.get(AGENTS, headers=headers)).json()
    assert body["errors"][0]["type"] == "INVALID_SESSION_ID"


async def test_current_user_endpoint_validates_a_session(app: App) -> None:
    headers = await app.login(ADMIN)
    body = (await app.client.get("/api/v26.1/objects/users/me", headers=headers)).json()
    assert body["responseStatus"] == "SUCCESS"
    assert body["users"][0]["user"]["user_name__v"] == ADMIN[0]


async def test_a_nul_character_in_the_user_name_is_just_a_wrong_user_name(app: App) -> None:
    body = (await app.client.post(AUTH, data={"username": "a\x00b", "password": "x"})).json()
    assert body["errors"][0]["type"] == "USERNAME_OR_PASSWORD_INCORRECT"


async def test_a_json_login_body_is_told_to_send_a_form(app: App) -> None:
    response = await app.client.post(
        "/api/v26.1/auth", json={"username": ALICE[0], "password": ALICE[1]}
    )
    body = response.json()
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"][0]["type"] == "INVALID_DATA"
    assert "form, not JSON" in body["errors"][0]["message"]
    assert "-d username=" in body["errors"][0]["message"]
