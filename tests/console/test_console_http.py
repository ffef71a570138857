"""The console's server side through the in-process app: sign-in, cookies, CSRF, rights."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable

import httpx

from support import ADMIN, ALICE, BOB, App

CONSOLE = "/console"


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None, html[:500]
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, who: tuple[str, str]) -> str:
    """Sign in through the form; the CSRF token of the signed-in pages."""
    page = await client.get(f"{CONSOLE}/sign-in")
    response = await client.post(
        f"{CONSOLE}/sign-in",
        data={"username": who[0], "password": who[1], "csrf_token": _token(page.text)},
    )
    assert response.status_code == 303, response.text
    documents = await client.get(f"{CONSOLE}/documents")
    assert documents.status_code == 200
    return _token(documents.text)


async def test_the_session_cookie_is_http_only_strict_and_scoped_to_the_console(app: App) -> None:
    page = await app.client.get(f"{CONSOLE}/sign-in")
    response = await app.client.post(
        f"{CONSOLE}/sign-in",
        data={"username": ALICE[0], "password": ALICE[1], "csrf_token": _token(page.text)},
    )
    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and "session" in v
    )
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/console" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the HTTPS case below
    assert response.headers["location"] == f"{CONSOLE}/documents"


async def test_over_https_the_session_cookie_is_secure(
    app_factory: Callable[..., Awaitable[App]],
) -> None:
    app = await app_factory(public_url="https://vault.example")
    page = await app.client.get(f"{CONSOLE}/sign-in")
    assert "Secure" in page.headers["set-cookie"]
    response = await app.client.post(
        f"{CONSOLE}/sign-in",
        data={"username": ALICE[0], "password": ALICE[1], "csrf_token": _token(page.text)},
    )
    assert "Secure" in response.headers["set-cookie"]


async def test_pages_carry_the_security_headers(app: App) -> None:
    response = await app.client.get(f"{CONSOLE}/sign-in")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_a_page_without_a_session_sends_the_browser_to_sign_in(app: App) -> None:
    response = await app.client.get(f"{CONSOLE}/executions?state=queued")
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{CONSOLE}/sign-in?next=")


async def test_a_wrong_password_is_shown_on_the_form_and_repeated_failures_lock_out(
    app_factory: Callable[..., Awaitable[App]],
) -> None:
    app = await app_factory(lockout_threshold=2, login_backoff_seconds=60)
    page = await app.client.get(f"{CONSOLE}/sign-in")
    token = _token(page.text)
    answers = []
    for _ in range(3):
        response = await app.client.post(
            f"{CONSOLE}/sign-in",
            data={"username": ALICE[0], "password": "wrong-password", "csrf_token": token},
        )
        answers.append((response.status_code, response.text))
    assert answers[0][0] == 401
    assert "incorrect" in answers[0][1].lower()
    # The API's lock-out: even the right password is refused now.
    response = await app.client.post(
        f"{CONSOLE}/sign-in",
        data={"username": ALICE[0], "password": ALICE[1], "csrf_token": token},
    )
    assert response.status_code == 401
    assert "Too many failed logins" in response.text


async def test_forms_without_the_csrf_token_are_refused(app: App) -> None:
    # Sign-in itself: no token cookie and field, no session.
    response = await app.client.post(
        f"{CONSOLE}/sign-in", data={"username": ALICE[0], "password": ALICE[1]}
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers or "session" not in response.headers["set-cookie"]
    token = await sign_in(app.client, ALICE)
    run = {"agent": "quick_check__v:spelling_grammar__v", "document_id": str(app.seed.doc_a)}
    refused = await app.client.post(f"{CONSOLE}/run", data=run)
    assert refused.status_code == 403
    assert "security token" in refused.text
    wrong = await app.client.post(f"{CONSOLE}/run", data={**run, "csrf_token": "0" * 64})
    assert wrong.status_code == 403
    accepted = await app.client.post(f"{CONSOLE}/run", data={**run, "csrf_token": token})
    assert accepted.status_code == 303
    assert accepted.headers["location"].startswith(f"{CONSOLE}/executions/VAB")


async def test_a_writer_cannot_open_administration_or_see_others_executions(app: App) -> None:
    admin_session = await app.login(ADMIN)
    started = await app.execute(
        admin_session, agent_name="test_agent__c", action_name="echo__c", document_id="1"
    )
    theirs = started["actionResponse"]["executionId"]
    await sign_in(app.client, ALICE)
    admin_page = await app.client.get(f"{CONSOLE}/admin")
    assert admin_page.status_code == 403
    assert "Only administrators" in admin_page.text
    assert (await app.client.get(f"{CONSOLE}/agents/new")).status_code == 403
    listing = await app.client.get(f"{CONSOLE}/executions/rows")
    assert theirs not in listing.text
    detail = await app.client.get(f"{CONSOLE}/executions/{theirs}")
    assert detail.status_code == 400
    assert "that you may see" in detail.text
    assert "Traceback" not in detail.text


async def test_quick_check_findings_are_marked_in_the_text_with_their_suggestion(
    app: App,
) -> None:
    token = await sign_in(app.client, ADMIN)
    upload = await app.client.post(
        f"{CONSOLE}/documents",
        data={"csrf_token": token, "name": "Leaflet"},
        files={"file": ("leaflet.txt", b"This leaflet has a mispelled word in it.", "text/plain")},
    )
    assert upload.status_code == 303, upload.text
    document_path = upload.headers["location"]
    document_id = document_path.rsplit("/", 1)[1]
    page = await app.client.get(document_path)
    assert "This leaflet has a mispelled word" in page.text
    run = await app.client.post(
        f"{CONSOLE}/run",
        data={
            "csrf_token": token,
            "agent": "quick_check__v:spelling_grammar__v",
            "document_id": document_id,
        },
    )
    execution_path = run.headers["location"]
    execution_id = execution_path.rsplit("/", 1)[1]
    await app.wait(await app.login(ADMIN), execution_id)
    detail = await app.client.get(execution_path)
    assert '<mark data-category="spelling">mispelled</mark>' in detail.text
    assert '<span class="suggestion">misspelled</span>' in detail.text
    assert "Audit trail" in detail.text
    filtered = await app.client.get(f"{execution_path}?category=grammar")
    assert '<mark data-category="spelling">' not in filtered.text


async def test_an_upload_can_name_its_correct_words_and_preferred_spelling(app: App) -> None:
    token = await sign_in(app.client, ADMIN)
    upload = await app.client.post(
        f"{CONSOLE}/documents",
        data={
            "csrf_token": token, "name": "UK leaflet", "allow_words": "Zelvoran",
            "spelling": "british",
        },
        files={"file": ("leaflet.txt", b"Zelvoran may change the color of urine.", "text/plain")},
    )  # fmt: skip
    assert upload.status_code == 303, upload.text
    document_id = upload.headers["location"].rsplit("/", 1)[1]
    headers = await app.login(ADMIN)
    started = await app.execute(
        headers, agent_name="quick_check__v", action_name="spelling_grammar__v",
        document_id=document_id,
    )  # fmt: skip
    done = await app.wait(headers, started["actionResponse"]["executionId"])
    value = done["actionOutputs"][0]["value"]
    report = json.loads(value.removeprefix("```json\n").removesuffix("\n```"))
    assert [(e["text"], e["suggestion"]) for e in report["errors"]] == [("color", "colour")]


async def test_an_invalid_agent_definition_is_shown_at_its_line(app: App) -> None:
    token = await sign_in(app.client, ADMIN)
    response = await app.client.post(
        f"{CONSOLE}/agents",
        data={"csrf_token": token, "definition": "name: bad__c\nlabel: [unclosed\n"},
    )
    assert response.status_code == 422
    assert 'class="error-line"' in response.text
    assert "line" in response.text


async def test_an_administrator_creates_and_disables_a_user(app: App) -> None:
    token = await sign_in(app.client, ADMIN)
    created = await app.client.post(
        f"{CONSOLE}/admin/users",
        data={"csrf_token": token, "username": "carol@test.example", "password": "carol-password"},
    )
    assert created.status_code == 303, created.text
    page = await app.client.get(f"{CONSOLE}/admin")
    assert "carol@test.example" in page.text
    assert "test_runner__c" in page.text
    user_id = re.search(r'/admin/users/(\d+)/active"[^>]*>\s*<input[^>]*>\s*<input', page.text)
    assert user_id is not None
    users, _ = await app.runtime.services.users.list_users(100, 0)
    carol = next(u for u in users if u.username == "carol@test.example")
    disabled = await app.client.post(
        f"{CONSOLE}/admin/users/{carol.id}/active", data={"csrf_token": token, "active": "false"}
    )
    assert disabled.status_code == 303
    assert not (await app.runtime.services.users.user(carol.id)).active


async def test_an_administrator_creates_a_permission_set_its_users_can_run_with(
    app: App,
) -> None:
    token = await sign_in(app.client, ADMIN)
    saved = await app.client.post(
        f"{CONSOLE}/admin/permission-sets",
        data={
            "csrf_token": token,
            "name": "echo_runners__c",
            "label": "Echo runners",
            "api_access": "true",
            "actions": ["test_agent__c.echo__c"],
        },
    )
    assert saved.status_code == 303, saved.text
    page = await app.client.get(f"{CONSOLE}/admin")
    assert "Echo runners <code>echo_runners__c</code> — API access" in page.text
    refused = await app.client.post(
        f"{CONSOLE}/admin/permission-sets",
        data={"csrf_token": token, "name": "Bad Name!", "actions": []},
    )
    assert refused.status_code == 400
    assert "lower-case letters" in refused.text


async def test_an_unknown_console_page_is_an_html_page(app: App) -> None:
    response = await app.client.get(f"{CONSOLE}/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


async def test_with_the_console_off_its_paths_answer_as_unknown_api_paths(
    app_factory: Callable[..., Awaitable[App]],
) -> None:
    app = await app_factory(console_enabled=False)
    response = await app.client.get(f"{CONSOLE}/sign-in")
    assert response.json()["errors"][0]["type"] == "MALFORMED_URL"


async def test_signing_out_ends_the_session(app: App) -> None:
    token = await sign_in(app.client, BOB)
    response = await app.client.post(f"{CONSOLE}/sign-out", data={"csrf_token": token})
    assert response.status_code == 303
    again = await app.client.get(f"{CONSOLE}/documents")
    assert again.status_code == 303


async def test_an_administrator_registers_a_webhook_and_follows_its_deliveries(
    app_factory: Callable[..., Awaitable[App]],
) -> None:
    from webhook_receiver import eventually, receiver

    app = await app_factory(webhook_allow_private_targets=True)
    token = await sign_in(app.client, ADMIN)
    with receiver() as hooks:
        created = await app.client.post(
            f"{CONSOLE}/admin/webhooks",
            data={"csrf_token": token, "url": hooks.url, "event_types": ["succeeded"]},
        )
        assert created.status_code == 200, created.text
        secret = re.search(r'value="(whsec_[^"]+)"', created.text)
        assert secret is not None, "the secret is shown once, on creation"
        link = re.search(r"/admin/webhooks/(\d+)", created.text)
        assert link is not None
        webhook_id = link.group(1)
        listed = await app.client.get(f"{CONSOLE}/admin/webhooks")
        assert hooks.url in listed.text
        assert secret.group(1) not in listed.text

        alice = await app.login(ALICE)
        started = await app.execute(
            alice,
            agent_name="test_agent__c",
            action_name="echo__c",
            document_id=str(app.seed.doc_a),
        )
        execution_id = started["actionResponse"]["executionId"]
        await eventually(lambda: len(hooks.received) == 1, what="the delivery")
        assert hooks.received[0].verified(secret.group(1))["data"]["executionId"] == execution_id

        for _ in range(200):  # the receiver has it; the outcome is recorded just after
            page = await app.client.get(f"{CONSOLE}/admin/webhooks/{webhook_id}")
            if '<td class="state">succeeded</td>' in page.text:
                break
            await asyncio.sleep(0.05)
        assert execution_id in page.text
        assert '<td class="state">succeeded</td>' in page.text
        delivery = re.search(r"/deliveries/(\d+)/redeliver", page.text)
        assert delivery is not None
        again = await app.client.post(
            f"{CONSOLE}/admin/webhooks/{webhook_id}/deliveries/{delivery.group(1)}/redeliver",
            data={"csrf_token": token},
        )
        assert again.status_code == 303
        await eventually(lambda: len(hooks.received) == 2, what="the redelivery")
        assert hooks.received[1].message_id == hooks.received[0].message_id
        for _ in range(200):  # both attempts listed, each with the receiver's answer
            page = await app.client.get(f"{CONSOLE}/admin/webhooks/{webhook_id}")
            if "<summary>2</summary>" in page.text:
                break
            await asyncio.sleep(0.05)
        assert "<summary>2</summary>" in page.text
        assert page.text.count("HTTP 200 (") == 3  # the last answer, and each attempt's


async def test_a_writer_cannot_open_the_webhooks_page(app: App) -> None:
    await sign_in(app.client, ALICE)
    response = await app.client.get(f"{CONSOLE}/admin/webhooks")
    assert response.status_code == 403
