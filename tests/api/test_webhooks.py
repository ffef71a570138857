"""The webhook API: administrators only, Vault envelopes, errors that name the parameter, and
target URLs checked (only http(s); private addresses only when the setting allows them)."""

from __future__ import annotations

from typing import Any

import pytest

from support import ADMIN, ALICE, App, AppFactory

_HOOKS = "/api/v26.1/ext/webhooks"


async def call(app: App, method: str, path: str, who: tuple[str, str] = ADMIN, **kw: Any) -> Any:
    headers = await app.login(who)
    return (await app.client.request(method, path, headers=headers, **kw)).json()


async def test_an_administrator_creates_lists_updates_rotates_and_deletes_a_webhook(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(webhook_allow_private_targets=True)
    created = await call(
        app, "POST", _HOOKS, json={"url": "http://127.0.0.1:9/in", "description": "ops"}
    )
    assert created["responseStatus"] == "SUCCESS", created
    hook = created["data"]
    assert hook["secret"].startswith("whsec_")
    assert hook["eventTypes"] == ["cancelled", "failed", "succeeded"]
    assert hook["agent"] is None
    assert hook["enabled"] is True

    listed = await call(app, "GET", _HOOKS)
    assert [h["id"] for h in listed["data"]] == [hook["id"]]
    assert "secret" not in listed["data"][0], "the secret is shown at creation and rotation only"
    one = await call(app, "GET", f"{_HOOKS}/{hook['id']}")
    assert "secret" not in one["data"]

    updated = await call(
        app,
        "PATCH",
        f"{_HOOKS}/{hook['id']}",
        data={
            "event_types": "queued,execution.started",
            "agent": "test_agent__c",
            "enabled": "false",
        },
    )
    assert updated["responseStatus"] == "SUCCESS", updated
    assert updated["data"]["eventTypes"] == ["queued", "started"]
    assert updated["data"]["agent"] == "test_agent__c"
    assert updated["data"]["enabled"] is False
    assert updated["data"]["description"] == "ops"

    rotated = await call(app, "POST", f"{_HOOKS}/{hook['id']}/rotate_secret")
    assert rotated["data"]["secret"].startswith("whsec_")
    assert rotated["data"]["secret"] != hook["secret"]

    audit = await call(app, "GET", "/api/v26.1/ext/audit", params={"kind": "webhook_change"})
    assert [e["detail"]["change"] for e in audit["events"]] == [
        "created", "updated", "secret_rotated"
    ]  # fmt: skip

    assert (await call(app, "DELETE", f"{_HOOKS}/{hook['id']}"))["responseStatus"] == "SUCCESS"
    gone = await call(app, "GET", f"{_HOOKS}/{hook['id']}")
    assert gone["errors"][0]["type"] == "INVALID_DATA"
    assert (await call(app, "GET", _HOOKS))["data"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", _HOOKS),
        ("POST", _HOOKS),
        ("GET", f"{_HOOKS}/1"),
        ("PUT", f"{_HOOKS}/1"),
        ("DELETE", f"{_HOOKS}/1"),
        ("POST", f"{_HOOKS}/1/rotate_secret"),
        ("GET", f"{_HOOKS}/1/deliveries"),
        ("POST", f"{_HOOKS}/1/deliveries/1/redeliver"),
    ],
)
async def test_a_user_who_is_not_an_administrator_is_refused(
    app: App, method: str, path: str
) -> None:
    body = await call(app, method, path, ALICE, json={"url": "https://example.com/hook"})
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"][0]["type"] == "INSUFFICIENT_ACCESS"


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({}, "[url]"),
        ({"url": "ftp://example.com/hook"}, "http:// or https://"),
        ({"url": "not a url"}, "[url]"),
        ({"url": "https://user:pw@example.com/hook"}, "credentials"),
        ({"url": "https://example.com/h", "event_types": ["finished"]}, "[event_types]"),
        ({"url": "https://example.com/h", "event_types": []}, "[event_types]"),
        ({"url": "https://example.com/h", "agent": "no_such_agent__c"}, "[agent]"),
        ({"url": "https://example.com/h", "enabled": "maybe"}, "[enabled]"),
        ({"url": "https://example.com/h", "colour": "red"}, "[colour]"),
    ],
)
async def test_invalid_fields_are_refused_naming_the_parameter(
    app_factory: AppFactory, fields: dict[str, Any], named: str
) -> None:
    app = await app_factory(webhook_allow_private_targets=True)
    body = await call(app, "POST", _HOOKS, json=fields)
    assert body["responseStatus"] == "FAILURE", body
    assert body["errors"][0]["type"] == "INVALID_DATA"
    assert named in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:192.168.0.1]/hook",
    ],
)
async def test_private_targets_are_refused_unless_the_setting_allows_them(
    app_factory: AppFactory, url: str
) -> None:
    app = await app_factory()  # the default: webhook_allow_private_targets off
    body = await call(app, "POST", _HOOKS, json={"url": url})
    assert body["errors"][0]["type"] == "INVALID_DATA", body
    assert "webhook_allow_private_targets" in body["errors"][0]["message"]
    allowing = await app_factory(webhook_allow_private_targets=True)
    assert (await call(allowing, "POST", _HOOKS, json={"url": url}))["responseStatus"] == "SUCCESS"


async def test_deliveries_of_an_unknown_webhook_or_delivery_are_invalid_data(app: App) -> None:
    missing = await call(app, "GET", f"{_HOOKS}/999/deliveries")
    assert missing["errors"][0] == {
        "type": "INVALID_DATA",
        "message": "Webhook [999] does not exist",
    }
    bad_state = await call(app, "GET", f"{_HOOKS}/x/deliveries")
    assert bad_state["errors"][0]["type"] == "INVALID_DATA"
