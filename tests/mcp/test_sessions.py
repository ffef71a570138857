"""Credentials, MCP sessions in the database, the transport's refusals, and the server's stream."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from mcp.types import ServerNotification, ToolListChangedNotification

from mcp_support import Served, ServeFactory, connect, open_raw_session, rpc
from support import ADMIN, BOB

PING = {"jsonrpc": "2.0", "id": 7, "method": "ping"}
LIST = {"jsonrpc": "2.0", "id": 8, "method": "tools/list"}
NEW_AGENT = """
name: announced__c
label: Announced
class: com.example.Announced
document_type: base_document__v
description: Defined while a client is connected.
actions:
  - name: hello__c
    label: Hello
    description: Says hello.
    engine: builtin.echo
"""


@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", "Bearer not-a-session", "not-a-session"]
)
async def test_missing_or_bad_credentials_are_401_with_a_json_rpc_error(
    served: Served, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    async with httpx.AsyncClient() as client:
        response = await rpc(client, served.url, PING, headers=headers)
        stream = await client.get(served.url, headers={**headers, "Accept": "text/event-stream"})
    for answer in (response, stream):
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert answer.headers["content-type"] == "application/json"
        assert answer.json()["error"]["code"] == -32001
    # The body of a stranger's request is never read, so its id is not known (null).
    assert response.json()["id"] is None
    assert "Traceback" not in response.text


async def test_the_raw_session_header_works_as_the_rest_api_takes_it(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        headers["Authorization"] = headers["Authorization"].removeprefix("Bearer ")
        response = await rpc(client, served.url, PING, headers=headers)
    assert response.json() == {"jsonrpc": "2.0", "id": 7, "result": {}}


async def test_a_user_without_api_access_is_refused(served: Served) -> None:
    app = served.app
    alice = await app.login()
    await app.runtime.stores.users.save_permission_set("test_runner__c", "Runs", False, 0.0)
    app.runtime.services.sessions.forget_sessions()
    async with httpx.AsyncClient() as client:
        response = await rpc(
            client,
            served.url,
            PING,
            headers={"Authorization": f"Bearer {alice['Authorization']}"},
        )
    assert response.status_code == 403
    assert "VaultActions_API_Access" in response.json()["error"]["message"]


async def test_requests_need_the_session_that_initialize_opened(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        missing = await rpc(
            client, served.url, PING, headers={"Authorization": headers["Authorization"]}
        )
        unknown = await rpc(
            client, served.url, PING, headers={**headers, "Mcp-Session-Id": "made-up"}
        )
    assert missing.status_code == 400
    assert "Mcp-Session-Id" in missing.json()["error"]["message"]
    assert unknown.status_code == 404
    assert unknown.json()["id"] == 7


async def test_another_users_session_is_not_found(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        alices = await open_raw_session(client, served.url, await served.session_id())
        bob = {"Authorization": f"Bearer {await served.session_id(BOB)}"}
        foreign = await rpc(
            client, served.url, PING, headers={**bob, "Mcp-Session-Id": alices["Mcp-Session-Id"]}
        )
        deleted = await client.delete(
            served.url, headers={**bob, "Mcp-Session-Id": alices["Mcp-Session-Id"]}
        )
        still_alices = await rpc(client, served.url, PING, headers=alices)
    assert foreign.status_code == 404
    assert deleted.status_code == 404
    assert still_alices.status_code == 200


async def test_a_session_expires_after_its_maximum_age(serve_factory: ServeFactory) -> None:
    served = await serve_factory(mcp_session_max_age=3600.0, session_idle_timeout=86400.0)
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        served.app.clock.advance(3599)
        assert (await rpc(client, served.url, PING, headers=headers)).status_code == 200
        served.app.clock.advance(2)
        expired = await rpc(client, served.url, PING, headers=headers)
    assert expired.status_code == 404
    assert "initialize again" in expired.json()["error"]["message"]


async def test_the_default_maximum_age_is_eight_hours(served: Served) -> None:
    assert served.app.runtime.settings.mcp_session_max_age == 8 * 3600


async def test_delete_ends_the_session(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        ended = await client.delete(served.url, headers=headers)
        after = await rpc(client, served.url, PING, headers=headers)
    assert ended.status_code == 204
    assert after.status_code == 404


async def test_a_session_works_on_any_process_and_after_a_restart(
    serve_factory: ServeFactory,
) -> None:
    first = await serve_factory()
    second = await serve_factory()  # another API process on the same database
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, first.url, await first.session_id())
        on_second = await rpc(client, second.url, LIST, headers=headers)
        port = int(first.base.rsplit(":", 1)[1])
        await first.stop()
        restarted = await serve_factory(port=port)
        after_restart = await rpc(client, restarted.url, LIST, headers=headers)
    assert on_second.status_code == 200
    assert after_restart.status_code == 200
    assert after_restart.json()["result"] == on_second.json()["result"]


async def test_the_sdk_client_carries_on_across_a_restart(serve_factory: ServeFactory) -> None:
    served = await serve_factory()
    doc = str(served.app.seed.doc_a)
    port = int(served.base.rsplit(":", 1)[1])
    async with connect(served.url, await served.session_id()) as session:
        before = await session.call_tool("test_agent__c-echo__c", {"document_id": doc})
        await served.stop()
        await serve_factory(port=port)
        after = await session.call_tool("test_agent__c-echo__c", {"document_id": doc})
    assert before.isError is False
    assert after.isError is False
    assert before.meta is not None
    assert after.meta is not None
    assert after.meta["executionId"] > before.meta["executionId"]


async def test_tools_list_changed_is_sent_when_agents_change(served: Served) -> None:
    app = served.app
    admin = await app.login(ADMIN)
    changes = asyncio.Queue[None]()

    async def on_message(message: Any) -> None:
        if isinstance(message, ServerNotification) and isinstance(
            message.root, ToolListChangedNotification
        ):
            changes.put_nowait(None)

    yaml_headers = {**admin, "Content-Type": "application/yaml"}
    async with connect(served.url, admin["Authorization"], handler=on_message) as session:
        before = {tool.name for tool in (await session.list_tools()).tools}
        defined = await app.client.post(
            "/api/v26.1/ext/agents", content=NEW_AGENT, headers=yaml_headers
        )
        assert defined.json()["responseStatus"] == "SUCCESS"
        await asyncio.wait_for(changes.get(), 10)
        after = {tool.name for tool in (await session.list_tools()).tools}
        assert after - before == {"announced__c-hello__c"}
        await app.client.delete("/api/v26.1/ext/agents/announced__c", headers=admin)
        await asyncio.wait_for(changes.get(), 10)
        assert {tool.name for tool in (await session.list_tools()).tools} == before
    assert changes.empty()


async def test_the_server_stream_needs_an_event_stream_accept(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        refused = await client.get(served.url, headers={**headers, "Accept": "application/json"})
    assert refused.status_code == 406


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, -32700),
        (b'{"id": 1, "method": "ping"}', 400, -32600),
        (b"[]", 400, -32600),
    ],
)
async def test_malformed_bodies_are_json_rpc_errors(
    served: Served, body: bytes, status: int, code: int
) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        response = await client.post(served.url, content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


async def test_notifications_are_accepted_and_unknown_methods_are_not_found(
    served: Served,
) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        # As Vault's own guide sends it: curl --data, so a form content type.
        initialized = await client.post(
            served.url,
            content=b'{"jsonrpc": "2.0", "method": "notifications/initialized"}',
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )
        unknown = await rpc(
            client,
            served.url,
            {"jsonrpc": "2.0", "id": 1, "method": "prompts/list"},
            headers=headers,
        )
    assert initialized.status_code == 202
    assert initialized.content == b""
    assert unknown.json()["error"]["code"] == -32601


async def test_a_batch_is_answered_in_one_array(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        response = await rpc(
            client,
            served.url,
            [PING, {"jsonrpc": "2.0", "method": "notifications/initialized"}, LIST],
            headers=headers,
        )
    answers = response.json()
    assert [answer["id"] for answer in answers] == [7, 8]
    assert answers[1]["result"]["tools"]


async def test_an_unsupported_protocol_version_header_is_refused(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        response = await rpc(
            client, served.url, PING, headers={**headers, "MCP-Protocol-Version": "2099-01-01"}
        )
    assert response.status_code == 400


async def test_another_sites_browser_origin_is_refused(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        foreign = await rpc(
            client, served.url, PING, headers={**headers, "Origin": "https://evil.example"}
        )
        local = await rpc(
            client, served.url, PING, headers={**headers, "Origin": "http://localhost:6274"}
        )
    assert foreign.status_code == 403
    assert local.status_code == 200


async def test_a_json_only_client_gets_json_even_with_a_progress_token(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        response = await client.post(
            served.url,
            json={
                "jsonrpc": "2.0",
                "id": 3,
                "method": "tools/call",
                "params": {
                    "name": "test_agent__c-echo__c",
                    "arguments": {"document_id": str(served.app.seed.doc_a)},
                    "_meta": {"progressToken": "p"},
                },
            },
            headers={**headers, "Accept": "application/json"},
        )
    assert response.headers["content-type"] == "application/json"
    assert response.json()["result"]["isError"] is False


async def test_a_body_past_max_body_bytes_is_refused(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        response = await client.post(
            served.url, content=b"[" + b" " * (2 * 1024 * 1024) + b"]", headers=headers
        )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == -32600
