"""Login hardening: unknown names look like known ones, failures are throttled per address and
per name with a growing delay, a stranger cannot lock the administrator out, the bookkeeping is
bounded, and failed logins are audited and logged with address and name, never the password."""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from actionvault.api.app import create_app
from actionvault.services import sessions
from support import ADMIN, ALICE, BOB, App, AppFactory

AUTH = "/api/v26.1/auth"
Attempt = Callable[[str, str, str], Awaitable[dict[str, Any]]]


async def from_address(app: App) -> tuple[Attempt, Callable[[], Awaitable[None]]]:
    """A login function taking (address, username, password), and a closer for its clients."""
    clients: dict[str, httpx.AsyncClient] = {}

    async def login(address: str, username: str, password: str) -> dict[str, Any]:
        if address not in clients:
            transport = httpx.ASGITransport(
                app=create_app(app.runtime, manage_runtime=False), client=(address, 40000)
            )
            clients[address] = httpx.AsyncClient(transport=transport, base_url="http://t")
        response = await clients[address].post(
            AUTH, data={"username": username, "password": password}
        )
        body: dict[str, Any] = response.json()
        return body

    async def close() -> None:
        for client in clients.values():
            await client.aclose()

    return login, close


def outcome(body: dict[str, Any]) -> tuple[str, str]:
    if body["responseStatus"] == "SUCCESS":
        return ("SUCCESS", "")
    return body["errors"][0]["type"], body["errors"][0]["message"]


async def test_unknown_and_existing_user_names_get_the_same_answers_all_the_way(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(lockout_threshold=3, login_backoff_seconds=30)
    login, close = await from_address(app)
    try:
        known = [outcome(await login("198.51.100.1", ALICE[0], "wrong")) for _ in range(5)]
        unknown = [
            outcome(await login("198.51.100.2", "nobody@test.example", "wrong")) for _ in range(5)
        ]
    finally:
        await close()
    assert known == unknown
    assert [kind for kind, _ in known] == [
        "USERNAME_OR_PASSWORD_INCORRECT",
        "USERNAME_OR_PASSWORD_INCORRECT",
        "USERNAME_OR_PASSWORD_INCORRECT",
        "USER_LOCKED_OUT",
        "USER_LOCKED_OUT",
    ]


async def test_an_unknown_user_name_is_checked_against_a_dummy_hash_like_a_real_one(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    verify = sessions.verify_password

    def spy(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return verify(password_hash, password)

    monkeypatch.setattr(sessions, "verify_password", spy)
    await app.client.post(AUTH, data={"username": "nobody@test.example", "password": "x"})
    await app.client.post(AUTH, data={"username": ALICE[0], "password": "x"})
    assert len(checked) == 2
    dummy, real = checked
    assert dummy != real
    # The same algorithm and cost, so the check takes as long.
    assert dummy.rsplit("$", 2)[0] == real.rsplit("$", 2)[0]


async def test_a_wrong_password_takes_as_long_for_an_unknown_name_as_for_a_known_one(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(lockout_threshold=1000)
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for _ in range(5):
        for kind, username in (("known", BOB[0]), ("unknown", "nobody@test.example")):
            started = time.perf_counter()
            await app.client.post(AUTH, data={"username": username, "password": "wrong"})
            timings[kind].append(time.perf_counter() - started)
    ratio = statistics.median(timings["unknown"]) / statistics.median(timings["known"])
    assert 0.5 < ratio < 2, timings


async def test_a_stranger_cannot_lock_the_administrator_out(app_factory: AppFactory) -> None:
    app = await app_factory(lockout_threshold=3, login_backoff_seconds=60, lockout_seconds=900)
    login, close = await from_address(app)
    try:
        for _ in range(20):
            await login("203.0.113.66", ADMIN[0], "guess")
        stranger = outcome(await login("203.0.113.66", ADMIN[0], ADMIN[1]))
        assert stranger[0] == "USER_LOCKED_OUT", "even the right password is held back there"
        other_guesser = outcome(await login("203.0.113.67", ADMIN[0], "guess"))
        assert other_guesser[0] == "USERNAME_OR_PASSWORD_INCORRECT"
        held_back = outcome(await login("203.0.113.67", ADMIN[0], ADMIN[1]))
        assert held_back[0] == "USER_LOCKED_OUT", "a failing address waits for the name"
        administrator = await login("192.0.2.10", ADMIN[0], ADMIN[1])
        assert administrator["responseStatus"] == "SUCCESS", administrator
    finally:
        await close()


async def test_the_delay_doubles_with_each_failure_up_to_the_cap(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(lockout_threshold=2, login_backoff_seconds=1, lockout_seconds=4)
    login, close = await from_address(app)
    waits = []
    try:
        for _ in range(2):
            await login("198.51.100.9", BOB[0], "wrong")
        for _ in range(4):
            kind, message = outcome(await login("198.51.100.9", BOB[0], "wrong"))
            assert kind == "USER_LOCKED_OUT"
            waits.append(message)
            app.clock.advance(int(message.split("try again in ")[1].split(" s")[0]) + 0.01)
            assert outcome(await login("198.51.100.9", BOB[0], "wrong"))[0] == (
                "USERNAME_OR_PASSWORD_INCORRECT"
            )
    finally:
        await close()
    assert [w.split("try again in ")[1] for w in waits] == ["1 s.", "2 s.", "4 s.", "4 s."]


async def test_a_failing_address_is_held_back_whatever_name_it_tries(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(lockout_threshold=3, login_backoff_seconds=60)
    login, close = await from_address(app)
    try:
        for number in range(3):
            await login("198.51.100.20", f"spray{number}@test.example", "123456")
        kind, message = outcome(await login("198.51.100.20", ALICE[0], ALICE[1]))
        assert kind == "USER_LOCKED_OUT"
        assert "from your address" in message
        assert "try again in 60 s" in message
        elsewhere = await login("198.51.100.21", ALICE[0], ALICE[1])
        assert elsewhere["responseStatus"] == "SUCCESS"
    finally:
        await close()


async def test_failures_are_forgotten_once_the_longest_delay_has_passed(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(lockout_threshold=2, login_backoff_seconds=1, lockout_seconds=30)
    login, close = await from_address(app)
    try:
        for _ in range(2):
            await login("198.51.100.30", ALICE[0], "wrong")
        assert outcome(await login("198.51.100.30", ALICE[0], ALICE[1]))[0] == "USER_LOCKED_OUT"
        app.clock.advance(32)  # 30 s past the end of the one-second delay
        body = await login("198.51.100.30", ALICE[0], "wrong")
        assert outcome(body)[0] == "USERNAME_OR_PASSWORD_INCORRECT", "a first failure again"
        assert (await login("198.51.100.30", ALICE[0], ALICE[1]))["responseStatus"] == "SUCCESS"
    finally:
        await close()


async def test_failed_login_bookkeeping_keeps_a_bounded_number_of_entries(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(lockout_threshold=1, login_backoff_seconds=60, login_tracking_size=4)
    login, close = await from_address(app)
    try:
        await login("198.51.100.40", "first@test.example", "wrong")
        assert outcome(await login("198.51.100.40", "x", "y"))[0] == "USER_LOCKED_OUT"
        for number in range(50):  # fifty other addresses and names fail once each
            await login(f"10.0.0.{number}", f"name{number}@test.example", "wrong")
        # The table holds the four most recent failures: the first address was forgotten.
        assert (await login("198.51.100.40", ALICE[0], ALICE[1]))["responseStatus"] == "SUCCESS"
    finally:
        await close()


async def test_failed_logins_are_audited_and_logged_with_address_and_name_never_password(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    login, close = await from_address(app)
    secret = "correct-horse-battery-staple"
    try:
        with caplog.at_level(logging.INFO):
            await login("203.0.113.99", "mallory@test.example", secret)
            await login("203.0.113.98", ALICE[0], ALICE[1])
    finally:
        await close()
    lines = [r.getMessage() for r in caplog.records if r.name == "actionvault.auth"]
    assert any("'mallory@test.example'" in line and "203.0.113.99" in line for line in lines)
    assert all(secret not in r.getMessage() for r in caplog.records)
    admin = await app.login(ADMIN)
    events = (
        await app.client.get("/api/v26.1/ext/audit", params={"kind": "login"}, headers=admin)
    ).json()["events"]
    failure = next(e for e in events if e["outcome"] == "failure")
    assert failure["username"] == "mallory@test.example"
    assert failure["detail"]["address"] == "203.0.113.99"
    success = next(e for e in events if e["username"] == ALICE[0])
    assert success["detail"]["address"] == "203.0.113.98"
    csv = await app.client.get("/api/v26.1/ext/audit", params={"format": "csv"}, headers=admin)
    assert secret not in csv.text
    assert secret not in str(events)
