"""tools/list: exactly the active actions, with API access, that the user may execute."""

from __future__ import annotations

import httpx
import pytest
from mcp.shared.exceptions import McpError
from mcp.shared.version import SUPPORTED_PROTOCOL_VERSIONS
from mcp.types import LATEST_PROTOCOL_VERSION, Tool

from mcp_support import Served, ServeFactory, connect, open_raw_session, rpc
from support import ADMIN, BOB

DEFINE = "/api/v26.1/ext/agents"
PARTLY_API = """
name: partly_api__c
label: Partly API
class: com.example.PartlyApi
document_type: base_document__v
description: One action for MCP clients, one kept from them.
actions:
  - name: open__c
    label: Open
    description: Offered to MCP clients.
    engine: builtin.echo
  - name: ui_only__c
    label: UI Only
    description: Not offered to MCP clients.
    engine: builtin.echo
    api_access: false
"""


async def list_all(served: Served, session_id: str) -> dict[str, Tool]:
    async with connect(served.url, session_id) as session:
        listed = await session.list_tools()
    assert listed.nextCursor is None
    return {tool.name: tool for tool in listed.tools}


async def test_initialize_offers_tools_and_announces_their_changes(served: Served) -> None:
    async with connect(served.url, await served.session_id()) as session:
        capabilities = session.get_server_capabilities()
    assert capabilities is not None
    assert capabilities.tools is not None
    assert capabilities.tools.listChanged is True


@pytest.mark.parametrize("version", [*SUPPORTED_PROTOCOL_VERSIONS, "1999-01-01"])
async def test_every_revision_the_sdk_speaks_is_agreed_and_others_get_the_newest(
    served: Served, version: str
) -> None:
    async with httpx.AsyncClient() as client:
        response = await rpc(
            client,
            served.url,
            {
                "jsonrpc": "2.0",
                "id": "init",
                "method": "initialize",
                "params": {"protocolVersion": version, "clientInfo": {"name": "x", "version": "1"}},
            },
            headers={"Authorization": f"Bearer {await served.session_id()}"},
        )
    body = response.json()
    assert body["id"] == "init"
    expected = version if version in SUPPORTED_PROTOCOL_VERSIONS else LATEST_PROTOCOL_VERSION
    assert body["result"]["protocolVersion"] == expected
    assert response.headers["mcp-session-id"]


async def test_the_tools_are_the_active_actions_the_user_may_run(served: Served) -> None:
    tools = await list_all(served, await served.session_id())
    # Granted to alice, active: offered.
    for name in (
        "quick_check__v-spelling_grammar__v",
        "test_agent__c-echo__c",
        "test_agent__c-slow__c",
        "study_agent__c-echo__c",
        "helpdesk__c-explain_feature__c",
        "doc_chat__c-ask__c",
        "chat",
    ):
        assert name in tools, name
    # Inactive action, inactive agent, or not granted: not offered.
    for name in (
        "test_agent__c-retired__c",
        "inactive_agent__c-echo__c",
        "llm_agent__c-summarize__c",
        "base_object_chat_agent__sys-summarize_record__sys",
    ):
        assert name not in tools, name
    echo = tools["test_agent__c-echo__c"]
    assert echo.title == "Echo"
    assert echo.description is not None
    assert "Answers at once with what it ran on." in echo.description
    assert "Echoes what it runs on" in echo.description  # the agent's description too


async def test_a_user_without_grants_has_no_tools(served: Served) -> None:
    assert await list_all(served, await served.session_id(BOB)) == {}


async def test_actions_without_api_access_are_not_tools(served: Served) -> None:
    admin = await served.app.login(ADMIN)
    defined = await served.app.client.post(
        DEFINE, content=PARTLY_API, headers={**admin, "Content-Type": "application/yaml"}
    )
    assert defined.json()["responseStatus"] == "SUCCESS", defined.text
    tools = await list_all(served, admin["Authorization"])
    assert "partly_api__c-open__c" in tools
    assert "partly_api__c-ui_only__c" not in tools
    async with connect(served.url, admin["Authorization"]) as session:
        with pytest.raises(McpError) as refused:
            await session.call_tool("partly_api__c-ui_only__c", {"document_id": "1"})
    assert refused.value.error.code == -32602
    assert "unknown tool" in refused.value.error.message


async def test_input_schemas_fit_each_agents_scope(served: Served) -> None:
    tools = await list_all(served, await served.session_id(ADMIN))
    document = tools["quick_check__v-spelling_grammar__v"].inputSchema
    assert document["required"] == ["document_id"]
    assert document["properties"]["document_id"]["type"] == "string"
    assert document["properties"]["document_id"]["pattern"] == "^[0-9]+(_[0-9]+_[0-9]+)?$"
    assert set(document["properties"]) == {"document_id", "user_message", "external_id"}
    # Scoped to one object and type: the record alone.
    study = tools["study_agent__c-echo__c"].inputSchema
    assert study["required"] == ["record_id"]
    assert set(study["properties"]) == {"record_id", "user_message", "external_id"}
    # Any object: which object, and optionally its type.
    records = tools["base_object_chat_agent__sys-summarize_record__sys"].inputSchema
    assert records["required"] == ["object", "record_id"]
    assert "objecttype" in records["properties"]
    general = tools["helpdesk__c-explain_feature__c"].inputSchema
    assert general["required"] == []
    chat = tools["chat"].inputSchema
    assert chat["required"] == ["user_message"]
    assert {"document_id", "object", "record_id", "chat_id"} <= set(chat["properties"])
    for tool in tools.values():
        assert tool.inputSchema["additionalProperties"] is False
    # A declared structured output is the tool's output schema.
    extract = tools["llm_agent__c-extract__c"].outputSchema
    assert extract is not None
    assert extract["required"] == ["claims"]
    assert tools["quick_check__v-spelling_grammar__v"].outputSchema is None


async def test_tools_come_in_pages_that_the_cursor_walks(serve_factory: ServeFactory) -> None:
    served = await serve_factory(mcp_tools_page_size=4)
    session_id = await served.session_id(ADMIN)
    names: list[str] = []
    async with connect(served.url, session_id) as session:
        listed = await session.list_tools()
        pages = 1
        names += [tool.name for tool in listed.tools]
        while listed.nextCursor is not None:
            listed = await session.list_tools(cursor=listed.nextCursor)
            names += [tool.name for tool in listed.tools]
            pages += 1
        with pytest.raises(McpError) as bad:
            await session.list_tools(cursor="not a cursor")
    assert bad.value.error.code == -32602
    assert names == sorted(names)
    assert len(names) == len(set(names)) > 8
    assert pages == -(-len(names) // 4)


async def test_older_revisions_get_tools_without_newer_fields(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        headers = await open_raw_session(
            client, served.url, await served.session_id(ADMIN), "2024-11-05"
        )
        response = await rpc(
            client, served.url, {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=headers
        )
    tools = {tool["name"]: tool for tool in response.json()["result"]["tools"]}
    extract = tools["llm_agent__c-extract__c"]
    assert "outputSchema" not in extract
    assert "title" not in extract
    assert "annotations" not in extract
