"""What the MCP tests share: the in-process app served by a real uvicorn on loopback (progress
and the server's stream need real HTTP streaming, which httpx's ASGI transport does not do),
and client sessions of the official `mcp` SDK, or raw JSON-RPC posts, against it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.session import RequestResponder
from mcp.types import ClientResult, Implementation, ServerNotification, ServerRequest

from actionvault.api.app import create_app
from actionvault.api.mcp import PATH
from support import ALICE, App

CLIENT = Implementation(name="pytest", version="1.0")
MessageHandler = Callable[
    [RequestResponder[ServerRequest, ClientResult] | ServerNotification | Exception],
    Awaitable[None],
]


@dataclass
class Served:
    """An app on loopback: its runtime and content (`app`) and where MCP is (`url`)."""

    app: App
    base: str
    server: uvicorn.Server
    task: asyncio.Task[None]

    @property
    def url(self) -> str:
        return self.base + PATH

    async def session_id(self, who: tuple[str, str] = ALICE) -> str:
        return (await self.app.login(who))["Authorization"]

    async def stop(self) -> None:
        self.app.runtime.services.mcp.close_streams()
        self.server.should_exit = True
        await asyncio.wait_for(self.task, 10)


async def start_uvicorn(app: App, port: int = 0) -> Served:
    config = uvicorn.Config(
        create_app(app.runtime, manage_runtime=False),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        ws="none",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    bound = server.servers[0].sockets[0].getsockname()[1]
    return Served(app, f"http://127.0.0.1:{bound}", server, task)


ServeFactory = Callable[..., Awaitable[Served]]


@asynccontextmanager
async def connect(
    url: str,
    session_id: str,
    *,
    handler: MessageHandler | None = None,
    terminate_on_close: bool = True,
) -> AsyncIterator[ClientSession]:
    """An initialized SDK client session, authenticated with a Vault session id as Bearer."""
    headers = {"Authorization": f"Bearer {session_id}"}
    async with (
        httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(30, read=120)) as http,
        streamable_http_client(url, http_client=http, terminate_on_close=terminate_on_close) as (
            read,
            write,
            _,
        ),
        ClientSession(read, write, message_handler=handler, client_info=CLIENT) as session,
    ):
        await session.initialize()
        yield session


async def rpc(
    client: httpx.AsyncClient,
    url: str,
    message: dict[str, Any] | list[dict[str, Any]],
    *,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """One raw POST, for what the SDK client never sends."""
    return await client.post(
        url,
        json=message,
        headers={"Accept": "application/json, text/event-stream", **(headers or {})},
    )


async def open_raw_session(
    client: httpx.AsyncClient, url: str, session_id: str, version: str = "2025-06-18"
) -> dict[str, str]:
    """Initialize by hand; the headers later requests of the session carry."""
    auth = {"Authorization": f"Bearer {session_id}"}
    response = await rpc(
        client,
        url,
        {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": version,
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        },
        headers=auth,
    )
    assert response.status_code == 200, response.text
    return {
        **auth,
        "Mcp-Session-Id": response.headers["mcp-session-id"],
        "MCP-Protocol-Version": version,
    }
