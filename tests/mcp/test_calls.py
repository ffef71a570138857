"""tools/call: a real execution, waited for, answered as content and structured content."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from mcp import ClientSession
from mcp.shared.exceptions import McpError
from mcp.types import CancelledNotification, CancelledNotificationParams, ClientNotification

from mcp_support import Served, ServeFactory, connect, open_raw_session
from support import ADMIN, BOB, poll_until_done

AUDIT = "/api/v26.1/ext/audit"


def text_of(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


async def test_quick_check_answers_its_findings_as_structured_content(served: Served) -> None:
    doc = str(served.app.seed.doc_a)
    async with connect(served.url, await served.session_id()) as session:
        result = await session.call_tool("quick_check__v-spelling_grammar__v", {"document_id": doc})
    assert result.isError is False
    assert result.structuredContent is not None
    found = {(e["text"], e["category"]) for e in result.structuredContent["errors"]}
    assert ("recieve", "spelling") in found
    assert '"errors"' in text_of(result)  # the same JSON, as text for clients without it
    assert result.meta is not None
    assert result.meta["actionStatus"] == "SUCCESS"
    assert result.meta["agentAction"] == "quick_check__v.spelling_grammar__v"


async def test_a_call_is_a_real_execution_recorded_with_the_mcp_client(served: Served) -> None:
    app = served.app
    alice = await app.login()
    async with connect(served.url, alice["Authorization"]) as session:
        result = await session.call_tool(
            "test_agent__c-echo__c",
            {"document_id": f"{app.seed.doc_a}_0_1", "user_message": "hello", "external_id": "m-1"},
        )
    assert result.isError is False
    assert text_of(result) == (
        f"test_agent__c.echo__c ran on document {app.seed.doc_a} version 0.1; message: hello"
    )
    assert result.meta is not None
    execution_id = result.meta["executionId"]
    status = await app.status(alice, external_id="m-1")
    assert status["actionResponse"]["executionId"] == execution_id
    assert status["actionResponse"]["actionStatus"] == "SUCCESS"
    events = (await app.client.get(AUDIT, headers=await app.login(ADMIN))).json()["events"]
    requested = next(
        e for e in events if e["kind"] == "execution_requested" and e["subject"] == execution_id
    )
    assert requested["clientId"] == "mcp-pytest-1.0"
    assert requested["userId"] == app.seed.alice_id


async def test_progress_is_notified_while_the_action_runs(served: Served) -> None:
    progress: list[tuple[float, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, message))

    doc = str(served.app.seed.doc_a)
    async with connect(served.url, await served.session_id()) as session:
        result = await session.call_tool(
            "test_agent__c-medium__c", {"document_id": doc}, progress_callback=on_progress
        )
    assert result.isError is False
    assert result.meta is not None
    # At the start, when it starts running, and about every second while it runs.
    assert len(progress) >= 3, progress
    values = [value for value, _ in progress]
    assert values == sorted(values)
    assert len(set(values)) == len(values)
    assert all(result.meta["executionId"] in (message or "") for _, message in progress)
    assert any("running" in (message or "") for _, message in progress)


async def current_request_id(session: ClientSession) -> int:
    """The id the SDK gives the next request (it counts up from 0 per session)."""
    return int(session._request_id)


async def test_cancelled_notification_cancels_the_execution(served: Served) -> None:
    app = served.app
    alice = await app.login()
    seen: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append(message or "")

    async with connect(served.url, alice["Authorization"]) as session:
        request_id = await current_request_id(session)
        call = asyncio.create_task(
            session.call_tool(
                "test_agent__c-slow__c",
                {"document_id": str(app.seed.doc_a)},
                progress_callback=on_progress,
            )
        )
        for _ in range(500):
            if any("running" in message for message in seen):
                break
            await asyncio.sleep(0.01)
        execution_id = re.search(r"VAB\d{12}", seen[0])
        assert execution_id is not None, seen
        await session.send_notification(
            ClientNotification(
                CancelledNotification(
                    params=CancelledNotificationParams(requestId=request_id, reason="test")
                )
            )
        )
        done = await poll_until_done(
            lambda: app.status(alice, execution_id=execution_id.group()), within=10
        )
        assert done["actionStatus"] == "CANCELLED"
        # The protocol says a cancelled request gets no answer: the client stops waiting.
        await asyncio.sleep(0.2)
        assert not call.done()
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call


async def test_a_cancel_during_a_plain_json_call_answers_cancelled(served: Served) -> None:
    app = served.app
    alice = await app.login()
    async with httpx.AsyncClient(timeout=30) as client:
        headers = await open_raw_session(client, served.url, alice["Authorization"])
        call = asyncio.create_task(
            client.post(
                served.url,
                json={
                    "jsonrpc": "2.0",
                    "id": "slow-1",
                    "method": "tools/call",
                    "params": {
                        "name": "test_agent__c-slow__c",
                        "arguments": {"document_id": str(app.seed.doc_a)},
                    },
                },
                headers={**headers, "Accept": "application/json"},
            )
        )
        await asyncio.sleep(0.5)
        cancelled = await client.post(
            served.url,
            json={
                "jsonrpc": "2.0",
                "method": "notifications/cancelled",
                "params": {"requestId": "slow-1"},
            },
            headers=headers,
        )
        assert cancelled.status_code == 202
        answer = (await asyncio.wait_for(call, 10)).json()
    assert answer["id"] == "slow-1"
    assert answer["result"]["isError"] is True
    assert answer["result"]["content"][0]["text"].startswith("CANCELLED:")


async def test_a_call_still_running_after_the_wait_says_where_to_look(
    serve_factory: ServeFactory,
) -> None:
    served = await serve_factory(mcp_call_wait=0.3)
    app = served.app
    alice = await app.login()
    async with connect(served.url, alice["Authorization"]) as session:
        result = await session.call_tool(
            "test_agent__c-medium__c", {"document_id": str(app.seed.doc_a)}
        )
    assert result.isError is False
    assert result.meta is not None
    execution_id = result.meta["executionId"]
    assert result.meta["actionStatus"] == "IN_PROGRESS"
    status_url = result.meta["statusUrl"]
    assert status_url == (
        f"{served.base}/api/v26.1/services/ai/agent_actions/status?execution_id={execution_id}"
    )
    assert execution_id in text_of(result)
    assert status_url in text_of(result)
    done = await poll_until_done(lambda: app.status(alice, execution_id=execution_id))
    assert done["actionStatus"] == "SUCCESS"


async def test_a_failed_action_is_a_tool_error_with_the_vault_error(served: Served) -> None:
    async with connect(served.url, await served.session_id()) as session:
        result = await session.call_tool(
            "test_agent__c-failing__c", {"document_id": str(served.app.seed.doc_a)}
        )
    assert result.isError is True
    assert text_of(result) == "OPERATION_NOT_ALLOWED: The test action failed as asked."
    assert result.meta is not None
    assert result.meta["actionStatus"] == "FAILURE"


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({}, "document_id"),
        ({"document_id": "one"}, "document_id"),
        ({"document_id": "1", "colour": "red"}, "colour"),
        ({"document_id": "999999"}, "document_id"),  # no such document
        ({"document_id": "1", "user_message": ["hi"]}, "user_message"),
        ({"document_id": "1", "external_id": "x" * 300}, "external_id"),
    ],
)
async def test_bad_arguments_are_invalid_params_naming_the_argument(
    served: Served, arguments: dict[str, Any], argument: str
) -> None:
    async with connect(served.url, await served.session_id()) as session:
        with pytest.raises(McpError) as refused:
            await session.call_tool("test_agent__c-echo__c", arguments)
    assert refused.value.error.code == -32602
    assert f"[{argument}]" in refused.value.error.message
    assert refused.value.error.data == {"argument": argument}


async def test_an_unknown_tool_is_invalid_params(served: Served) -> None:
    async with connect(served.url, await served.session_id()) as session:
        for name in ("no_such__c-echo__c", "test_agent__c-no_such__c", "nonsense"):
            with pytest.raises(McpError) as refused:
                await session.call_tool(name, {})
            assert refused.value.error.code == -32602
            assert name in refused.value.error.message


async def test_a_document_the_user_cannot_see_is_not_revealed(served: Served) -> None:
    async with connect(served.url, await served.session_id()) as session:
        with pytest.raises(McpError) as refused:
            await session.call_tool(
                "test_agent__c-echo__c", {"document_id": str(served.app.seed.doc_b)}
            )
    assert "no such document" in refused.value.error.message


async def test_a_user_without_the_right_sees_no_tool_and_cannot_call_it(served: Served) -> None:
    async with connect(served.url, await served.session_id(BOB)) as session:
        assert (await session.list_tools()).tools == []
        result = await session.call_tool(
            "test_agent__c-echo__c", {"document_id": str(served.app.seed.doc_a)}
        )
    assert result.isError is True
    assert text_of(result).startswith("INSUFFICIENT_ACCESS: ")


async def test_an_inactive_action_is_refused(served: Served) -> None:
    async with connect(served.url, await served.session_id()) as session:
        result = await session.call_tool(
            "test_agent__c-retired__c", {"document_id": str(served.app.seed.doc_a)}
        )
    assert result.isError is True
    assert text_of(result).startswith("OPERATION_NOT_ALLOWED: ")


async def test_an_external_id_runs_once(served: Served) -> None:
    arguments = {"document_id": str(served.app.seed.doc_a), "external_id": "once-only"}
    async with connect(served.url, await served.session_id()) as session:
        first = await session.call_tool("test_agent__c-echo__c", arguments)
        second = await session.call_tool("test_agent__c-echo__c", arguments)
    assert first.isError is False
    assert second.isError is True
    assert "External ID [once-only] is already used" in text_of(second)


async def test_object_tools_run_on_records_of_their_scope(served: Served) -> None:
    seed = served.app.seed
    async with connect(served.url, await served.session_id(ADMIN)) as session:
        ran = await session.call_tool(
            "study_agent__c-echo__c", {"record_id": seed.study_interventional}
        )
        wrong_type = await session.call_tool(
            "study_agent__c-echo__c", {"record_id": seed.study_observational}
        )
        any_object = await session.call_tool(
            "base_object_chat_agent__sys-summarize_record__sys",
            {"object": "study__c", "record_id": seed.study_observational},
        )
    assert ran.isError is False
    assert (
        text_of(ran) == f"study_agent__c.echo__c ran on study__c record {seed.study_interventional}"
    )
    # The tool names the type itself: a record of another type is its answer, not bad params.
    assert wrong_type.isError is True
    assert "observational__c" in text_of(wrong_type)
    assert any_object.isError is False


async def test_chat_routes_a_message_and_the_chat_continues(served: Served) -> None:
    doc = str(served.app.seed.doc_a)
    async with connect(served.url, await served.session_id()) as session:
        first = await session.call_tool(
            "chat", {"user_message": "What is the dosing?", "document_id": doc}
        )
        assert first.isError is False
        routed = first.structuredContent
        assert routed is not None
        assert routed["agentAction"] == "doc_chat__c.ask__c"
        assert routed["actionStatus"] == "SUCCESS"
        again = await session.call_tool(
            "chat", {"user_message": "And what about storage?", "chat_id": routed["chatId"]}
        )
        unanswerable = await session.call_tool(
            "chat", {"user_message": "Tell me a joke about cats", "document_id": doc}
        )
    assert again.structuredContent is not None
    assert again.structuredContent["chatId"] == routed["chatId"]
    assert "after 1 earlier turns" in again.structuredContent["outputs"][0]
    assert unanswerable.isError is True
    assert "No action here answers that message" in text_of(unanswerable)
    assert "chat_id" in text_of(unanswerable)


async def test_chat_needs_a_message(served: Served) -> None:
    async with connect(served.url, await served.session_id()) as session:
        with pytest.raises(McpError) as refused:
            await session.call_tool("chat", {"document_id": "1"})
    assert refused.value.error.code == -32602
    assert "[user_message]" in refused.value.error.message


async def test_a_cancel_that_overtakes_its_call_still_cancels_it(served: Served) -> None:
    """Sent on another connection, possibly to another process, a cancel can arrive first."""
    app = served.app
    async with httpx.AsyncClient(timeout=30) as client:
        headers = await open_raw_session(client, served.url, await served.session_id())
        early = await client.post(
            served.url,
            json={
                "jsonrpc": "2.0",
                "method": "notifications/cancelled",
                "params": {"requestId": 41},
            },
            headers=headers,
        )
        call = await client.post(
            served.url,
            json={
                "jsonrpc": "2.0",
                "id": 41,
                "method": "tools/call",
                "params": {
                    "name": "test_agent__c-slow__c",
                    "arguments": {"document_id": str(app.seed.doc_a)},
                },
            },
            headers={**headers, "Accept": "application/json"},
        )
    assert early.status_code == 202
    answer = call.json()["result"]
    assert answer["isError"] is True
    assert answer["_meta"]["actionStatus"] == "CANCELLED"
