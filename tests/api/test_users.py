"""Vault's user calls, API access, deactivation and password changes."""

from __future__ import annotations

from support import ADMIN, ALICE, BOB, App, AppFactory

USERS = "/api/v26.1/objects/users"
AGENTS = "/api/v26.1/services/ai/agents"


async def create(app: App, headers: dict[str, str], **fields: str) -> dict[str, object]:
    form = {
        "user_name__v": "carol@test.example",
        "password__v": "carol-password",
        "user_first_name__v": "Carol",
        **fields,
    }
    body: dict[str, object] = (await app.client.post(USERS, data=form, headers=headers)).json()
    return body


async def login_as(app: App, username: str, password: str) -> dict[str, object]:
    body: dict[str, object] = (
        await app.client.post("/api/v26.1/auth", data={"username": username, "password": password})
    ).json()
    return body


async def test_an_administrator_creates_lists_and_retrieves_users(app: App) -> None:
    admin = await app.login(ADMIN)
    body = await create(app, admin, permission_sets="test_runner__c")
    assert body["responseStatus"] == "SUCCESS", body
    user_id = body["id"]
    one = (await app.client.get(f"{USERS}/{user_id}", headers=admin)).json()
    user = one["users"][0]["user"]
    assert user["user_name__v"] == "carol@test.example"
    assert user["security_profile__v"] == "standard_user__v"
    assert user["active__v"] is True
    listing = (await app.client.get(USERS, headers=admin)).json()
    assert listing["total"] == 4
    assert "carol@test.example" in [u["user"]["user_name__v"] for u in listing["users"]]
    session = await login_as(app, "carol@test.example", "carol-password")
    headers = {"Authorization": str(session["sessionId"])}
    assert (await app.client.get(AGENTS, headers=headers)).json()["responseStatus"] == "SUCCESS"


async def test_only_administrators_create_and_change_users(app: App) -> None:
    alice = await app.login(ALICE)
    assert (await create(app, alice))["errors"][0]["type"] == "INSUFFICIENT_ACCESS"  # type: ignore[index]
    body = (
        await app.client.put(
            f"{USERS}/{app.seed.bob_id}", data={"active__v": "false"}, headers=alice
        )
    ).json()
    assert body["errors"][0]["type"] == "INSUFFICIENT_ACCESS"


async def test_user_creation_rules(app: App) -> None:
    admin = await app.login(ADMIN)
    assert (await create(app, admin, user_name__v=""))["errors"][0]["type"] == "PARAMETER_REQUIRED"  # type: ignore[index]
    assert (await create(app, admin, password__v="short"))["errors"][0]["type"] == "INVALID_DATA"  # type: ignore[index]
    bad_profile = await create(app, admin, security_profile__v="god__v")
    assert bad_profile["errors"][0]["type"] == "INVALID_DATA"  # type: ignore[index]
    bad_set = await create(app, admin, permission_sets="nope__c")
    assert bad_set["errors"][0]["type"] == "INVALID_DATA"  # type: ignore[index]
    duplicate = await create(app, admin, user_name__v=ALICE[0].upper())
    assert duplicate["errors"][0]["type"] == "ITEM_NAME_EXISTS"  # type: ignore[index]


async def test_a_user_without_api_access_logs_in_but_can_call_nothing_else(app: App) -> None:
    admin = await app.login(ADMIN)
    await create(app, admin)
    session = await login_as(app, "carol@test.example", "carol-password")
    assert session["responseStatus"] == "SUCCESS"
    headers = {"Authorization": str(session["sessionId"])}
    body = (await app.client.get(AGENTS, headers=headers)).json()
    assert body["errors"][0]["type"] == "INSUFFICIENT_ACCESS"
    assert "VaultActions_API_Access" in body["errors"][0]["message"]
    keep_alive = (await app.client.post("/api/v26.1/keep-alive", headers=headers)).json()
    assert keep_alive["responseStatus"] == "SUCCESS"


async def test_deactivating_a_user_ends_their_sessions_and_logins(app: App) -> None:
    bob = await app.login(BOB)
    admin = await app.login(ADMIN)
    body = (
        await app.client.put(
            f"{USERS}/{app.seed.bob_id}", data={"active__v": "false"}, headers=admin
        )
    ).json()
    assert body["responseStatus"] == "SUCCESS"
    assert (await app.client.get(AGENTS, headers=bob)).json()["errors"][0]["type"] == (
        "INVALID_SESSION_ID"
    )
    assert (await login_as(app, *BOB))["errors"][0]["type"] == "INACTIVE_USER"  # type: ignore[index]


async def test_changing_the_password_ends_every_session(app: App) -> None:
    first = await app.login(ALICE)
    second = await app.login(ALICE)
    wrong = (
        await app.client.post(
            f"{USERS}/me/password",
            data={"password__v": "nope", "new_password__v": "alice-new-password"},
            headers=first,
        )
    ).json()
    assert wrong["errors"][0]["type"] == "USERNAME_OR_PASSWORD_INCORRECT"
    body = (
        await app.client.post(
            f"{USERS}/me/password",
            data={"password__v": ALICE[1], "new_password__v": "alice-new-password"},
            headers=first,
        )
    ).json()
    assert body["responseStatus"] == "SUCCESS"
    for headers in (first, second):
        assert (await app.client.get(AGENTS, headers=headers)).json()["errors"][0]["type"] == (
            "INVALID_SESSION_ID"
        )
    assert (await login_as(app, ALICE[0], "alice-new-password"))["responseStatus"] == "SUCCESS"


async def test_available_by_user_name_follows_permission_sets(app: App) -> None:
    admin = await app.login(ADMIN)

    async def names(user: str) -> set[str]:
        body = (
            await app.client.get(AGENTS, params={"available_by_user_name": user}, headers=admin)
        ).json()
        return {a["name"] for a in body["agents"]}

    assert "quick_check__v" in await names(ALICE[0])
    assert await names(BOB[0]) == set()
    await app.runtime.services.users.assign_permission_set(None, app.seed.bob_id, "test_runner__c")
    assert "quick_check__v" in await names(BOB[0])
    unknown = (
        await app.client.get(AGENTS, params={"available_by_user_name": "x@y"}, headers=admin)
    ).json()
    assert unknown["errors"][0]["type"] == "INVALID_DATA"


async def test_the_auth_burst_limit_delays_then_refuses(app_factory: AppFactory) -> None:
    app = await app_factory(auth_burst_limit=4)
    import actionvault.services.sessions as sessions

    # The limit counts per fixed minute: start just after a minute begins, so none ends mid-test.
    app.clock.advance(60 - app.clock() % 60 + 0.5)
    sessions.AUTH_DELAY_SECONDS = 0.01
    try:
        results = [(await login_as(app, *ALICE))["responseStatus"] for _ in range(5)]
    finally:
        sessions.AUTH_DELAY_SECONDS = 1.0
    assert results == ["SUCCESS"] * 4 + ["FAILURE"]
    refused = await login_as(app, *ALICE)
    assert refused["errors"][0]["type"] == "API_LIMIT_EXCEEDED"  # type: ignore[index]
    assert (await login_as(app, *BOB))["responseStatus"] == "SUCCESS"
    app.clock.advance(61)
    assert (await login_as(app, *ALICE))["responseStatus"] == "SUCCESS"
