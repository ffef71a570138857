"""MCP against real `actionvault` processes: the demo server, a restart between calls, the
stdio bridge, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from actionvault.services.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME
from live_server import Cli, LiveServer, free_port, server_process, shared_server
from mcp_support import CLIENT, connect, open_raw_session, rpc

pytestmark = pytest.mark.e2e
MCP = "/api/ai/mcp"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with shared_server(tmp_path_factory) as server:
        yield server


async def login(base: str, who: tuple[str, str]) -> str:
    async with httpx.AsyncClient() as client:
        body = (
            await client.post(
                f"{base}/api/v26.1/auth", data={"username": who[0], "password": who[1]}
            )
        ).json()
    session_id: str = body["sessionId"]
    return session_id


async def test_quick_check_on_a_demo_document_answers_structured_errors(
    live_server: LiveServer,
) -> None:
    session_id = await login(live_server.url, live_server.writer)
    async with connect(live_server.url + MCP, session_id) as session:
        result = await session.call_tool("quick_check__v-spelling_grammar__v", {"document_id": "1"})
    assert result.isError is False
    assert result.structuredContent is not None
    errors = result.structuredContent["errors"]
    assert errors
    assert {"text", "suggestion", "category"} <= set(errors[0])


async def test_the_demo_writer_sees_quick_check_only_and_cannot_call_the_rest(
    live_server: LiveServer,
) -> None:
    writer = await login(live_server.url, live_server.writer)
    admin = await login(live_server.url, live_server.admin)
    async with connect(live_server.url + MCP, writer) as session:
        names = {tool.name for tool in (await session.list_tools()).tools}
        refused = await session.call_tool("test_agent__c-echo__c", {"document_id": "1"})
    async with connect(live_server.url + MCP, admin) as session:
        everything = {tool.name for tool in (await session.list_tools()).tools}
    assert names
    assert all(name.startswith("quick_check__v-") for name in names)
    assert "test_agent__c-echo__c" in everything
    assert refused.isError is True
    assert refused.content[0].text.startswith("INSUFFICIENT_ACCESS: ")  # type: ignore[union-attr]


async def test_another_users_session_is_not_found(live_server: LiveServer) -> None:
    writer = await login(live_server.url, live_server.writer)
    admin = await login(live_server.url, live_server.admin)
    url = live_server.url + MCP
    async with httpx.AsyncClient() as client:
        writers = await open_raw_session(client, url, writer)
        foreign = await rpc(
            client,
            url,
            {"jsonrpc": "2.0", "id": 1, "method": "ping"},
            headers={
                "Authorization": f"Bearer {admin}",
                "Mcp-Session-Id": writers["Mcp-Session-Id"],
            },
        )
    assert foreign.status_code == 404


@contextmanager
def actionvault_process(
    data_dir: Path, port: int, database_url: str, *args: str, **env: str
) -> Iterator[str]:
    with server_process(
        data_dir, "demo", "--database-url", database_url, *args, port=port, **env
    ) as (base, _):
        yield base


async def test_a_restart_between_calls_keeps_the_session(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    with ExitStack() as first:
        base = first.enter_context(actionvault_process(tmp_path, port, database_url))
        session_id = await login(base, (DEMO_ADMIN_USERNAME, DEMO_ADMIN_PASSWORD))
        async with connect(base + MCP, session_id) as session:
            before = await session.call_tool("test_agent__c-echo__c", {"document_id": "1"})
            first.close()  # the server stops; the MCP session lives on in the database
            with actionvault_process(tmp_path, port, database_url):
                after = await session.call_tool(
                    "quick_check__v-spelling_grammar__v", {"document_id": "1"}
                )
                tools = await session.list_tools()
    assert before.isError is False
    assert after.isError is False
    assert after.structuredContent is not None
    assert "quick_check__v-spelling_grammar__v" in {tool.name for tool in tools.tools}


async def test_an_mcp_session_expires(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    with actionvault_process(
        tmp_path, port, database_url, ACTIONVAULT_MCP_SESSION_MAX_AGE="1"
    ) as base:
        session_id = await login(base, (DEMO_ADMIN_USERNAME, DEMO_ADMIN_PASSWORD))
        async with httpx.AsyncClient() as client:
            headers = await open_raw_session(client, base + MCP, session_id)
            await asyncio.sleep(1.2)
            expired = await rpc(
                client, base + MCP, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, headers=headers
            )
    assert expired.status_code == 404


def config_dir(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "config", env={"ACTIONVAULT_CONFIG_DIR": str(tmp_path / "config")})


@asynccontextmanager
async def bridged(url: str, cli: Cli) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "actionvault", "mcp", "--url", url],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("ACTIONVAULT_")},
            **cli.env,
        },
    )
    async with (
        stdio_client(params) as (read, write),
        ClientSession(read, write, client_info=CLIENT) as session,
    ):
        await session.initialize()
        yield session


async def test_the_stdio_bridge_relays_with_a_saved_profile(
    live_server: LiveServer, tmp_path: Path
) -> None:
    cli = config_dir(tmp_path)
    logged_in = cli(
        "login", "--url", live_server.url, "--username", live_server.writer[0],
        "--password", live_server.writer[1],
    )  # fmt: skip
    assert logged_in.exit_code == 0, logged_in.output
    progress: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(message or "")

    async with bridged(live_server.url, cli) as session:
        names = {tool.name for tool in (await session.list_tools()).tools}
        result = await session.call_tool(
            "quick_check__v-spelling_grammar__v",
            {"document_id": "2"},
            progress_callback=on_progress,
        )
    assert "quick_check__v-spelling_grammar__v" in names
    assert result.isError is False
    assert result.structuredContent is not None
    assert "errors" in result.structuredContent
    assert progress  # the SSE answer came through the bridge, event by event


async def test_the_bridge_without_a_session_says_how_to_log_in(
    live_server: LiveServer, tmp_path: Path
) -> None:
    result = config_dir(tmp_path)("mcp", "--url", live_server.url)
    assert result.exit_code == 2
    assert "actionvault login" in result.output


async def test_the_bridge_opens_a_new_session_when_the_old_one_expires(
    tmp_path: Path, database_url: str
) -> None:
    port = free_port()
    with actionvault_process(
        tmp_path, port, database_url, ACTIONVAULT_MCP_SESSION_MAX_AGE="1"
    ) as base:
        cli = config_dir(tmp_path)
        logged_in = cli(
            "login", "--url", base, "--username", DEMO_ADMIN_USERNAME,
            "--password", DEMO_ADMIN_PASSWORD,
        )  # fmt: skip
        assert logged_in.exit_code == 0, logged_in.output
        async with bridged(base, cli) as session:
            first = await session.call_tool("test_agent__c-echo__c", {"document_id": "1"})
            await asyncio.sleep(1.2)
            second = await session.call_tool("test_agent__c-echo__c", {"document_id": "1"})
    assert first.isError is False
    assert second.isError is False
