"""Event streams through HTTP: one execution's events as SSE, resumable, and private."""

from __future__ import annotations

import json
from typing import Any

import pytest

from support import ADMIN, ALICE, BOB, App

EVENTS = "/api/v26.1/ext/events"


def events_url(execution_id: str) -> str:
    return f"/api/v26.1/ext/executions/{execution_id}/events"


def parse_sse(text: str) -> list[dict[str, Any]]:
    """The messages of an SSE body: id, event and the JSON data of each (comments skipped)."""
    messages = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith(":") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        if "data" in fields:
            messages.append(
                {"id": int(fields["id"]), "event": fields["event"], **json.loads(fields["data"])}
            )
    return messages


async def start(app: App, headers: dict[str, str], action: str = "echo__c", **extra: str) -> str:
    body = await app.execute(
        headers,
        agent_name="test_agent__c",
        action_name=action,
        document_id=str(app.seed.doc_a),
        **extra,
    )
    assert body["responseStatus"] == "SUCCESS", body
    execution_id: str = body["actionResponse"]["executionId"]
    return execution_id


async def test_an_executions_stream_sends_its_events_in_order_and_ends_with_the_last(
    app: App,
) -> None:
    headers = await app.login(ALICE)
    execution_id = await start(app, headers, external_id="stream-1")
    response = await app.client.get(events_url(execution_id), headers=headers)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    messages = parse_sse(response.text)
    assert [m["event"] for m in messages] == ["queued", "started", "succeeded"]
    assert [m["type"] for m in messages] == ["queued", "started", "succeeded"]
    assert [m["id"] for m in messages] == sorted(m["id"] for m in messages)
    last = messages[-1]
    assert last["executionId"] == execution_id
    assert last["externalId"] == "stream-1"
    assert last["actionStatus"] == "SUCCESS"
    assert last["agentAction"] == "test_agent__c.echo__c"
    assert last["documentId"].startswith(f"{app.seed.doc_a}_0_")
    assert last["attempt"] == 1
    assert response.text.startswith("retry: ")


async def test_a_stream_resumed_with_last_event_id_sends_only_what_followed(app: App) -> None:
    headers = await app.login(ALICE)
    execution_id = await start(app, headers, "failing__c")
    everything = parse_sse((await app.client.get(events_url(execution_id), headers=headers)).text)
    first = everything[0]["id"]

    resumed = await app.client.get(
        events_url(execution_id), headers={**headers, "Last-Event-ID": str(first)}
    )
    assert parse_sse(resumed.text) == everything[1:]
    by_query = await app.client.get(
        events_url(execution_id), params={"after": str(first)}, headers=headers
    )
    assert parse_sse(by_query.text) == everything[1:]
    assert everything[-1]["event"] == "failed"
    assert everything[-1]["actionStatus"] == "FAILURE"


async def test_progress_events_carry_what_the_action_reported(app: App) -> None:
    headers = await app.login(ALICE)
    execution_id = await start(app, headers, "medium__c")
    messages = parse_sse((await app.client.get(events_url(execution_id), headers=headers)).text)
    progress = [m for m in messages if m["event"] == "progress"]
    assert [p["detail"]["part"] for p in progress] == [1, 2]
    assert all(p["actionStatus"] == "IN_PROGRESS" for p in progress)
    assert messages[-1]["event"] == "succeeded"


async def test_another_users_execution_stream_is_refused_as_status_is(app: App) -> None:
    alice = await app.login(ALICE)
    execution_id = await start(app, alice)
    bob = await app.login(BOB)
    body = (await app.client.get(events_url(execution_id), headers=bob)).json()
    assert body["responseStatus"] == "FAILURE"
    assert body["errors"][0]["type"] == "INVALID_DATA"
    admin = await app.login(ADMIN)
    seen = parse_sse((await app.client.get(events_url(execution_id), headers=admin)).text)
    assert seen[-1]["event"] == "succeeded"


@pytest.mark.parametrize(
    ("path", "query", "headers", "parameter"),
    [
        (None, {}, {"Last-Event-ID": "abc"}, "Last-Event-ID"),
        (None, {"after": "-1"}, {}, "after"),
        (EVENTS, {"type": "finished"}, {}, "type"),
        (EVENTS, {"state": "DONE"}, {}, "state"),
    ],
)
async def test_bad_stream_parameters_are_invalid_data_naming_them(
    app: App,
    path: str | None,
    query: dict[str, str],
    headers: dict[str, str],
    parameter: str,
) -> None:
    alice = await app.login(ALICE)
    url = path or events_url(await start(app, alice))
    response = await app.client.get(url, params=query, headers={**alice, **headers})
    body = response.json()
    assert body["errors"][0]["type"] == "INVALID_DATA"
    assert f"[{parameter}]" in body["errors"][0]["message"]


async def test_streams_need_a_session(app: App) -> None:
    body = (await app.client.get(EVENTS)).json()
    assert body["errors"][0]["type"] == "INVALID_SESSION_ID"


async def test_an_unknown_execution_stream_is_invalid_data(app: App) -> None:
    alice = await app.login(ALICE)
    body = (await app.client.get(events_url("VAB000000099999"), headers=alice)).json()
    assert body["errors"][0]["type"] == "INVALID_DATA"
