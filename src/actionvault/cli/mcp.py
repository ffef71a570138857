"""`actionvault mcp`: a stdio bridge to a server's MCP endpoint, for MCP clients that only
launch local commands (Claude Desktop, say).

It reads JSON-RPC messages, one per line, on stdin, posts each to `/api/ai/mcp` with the
saved session as Bearer, and writes what comes back (a JSON answer, or each event of an SSE
stream) to stdout, one message per line; the server's own stream (tools/list_changed) is
relayed too. Requests run concurrently, so a cancel can overtake the call it cancels. When the
server no longer knows the MCP session (it expired after 8 hours), the bridge initializes
again as the client first did and retries once; when the Vault session has expired, it logs
in again if it was given a password. Only protocol goes to stdout; diagnostics go to stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import click
import httpx
import orjson

from actionvault.cli.profiles import Connection, open_vault, save_profile
from actionvault.cli.remote import remote_command
from actionvault.client import Vault

MCP_PATH = "/api/ai/mcp"
_ACCEPT = "application/json, text/event-stream"
_STREAM_RETRY_SECONDS = 2.0


def endpoint_url(url: str) -> str:
    """The MCP endpoint of a server URL, which may name the endpoint already."""
    base = url.rstrip("/")
    if base.endswith(MCP_PATH):
        return base
    return base.removesuffix("/api") + MCP_PATH


def _log(message: str) -> None:
    click.echo(f"actionvault mcp: {message}", err=True)


class Bridge:
    """One MCP client on stdin/stdout, one MCP session on the server."""

    def __init__(
        self,
        url: str,
        vault: Vault,
        http: httpx.AsyncClient,
        on_new_session: Callable[[str | None], None] | None = None,
    ) -> None:
        self._url = url
        self._vault = vault
        self._http = http
        self._on_new_session = on_new_session
        self._session: str | None = None
        self._version: str | None = None
        self._initialize: dict[str, Any] | None = None
        self._write_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._stream: asyncio.Task[None] | None = None

    async def run(self, lines: AsyncIterator[bytes]) -> None:
        try:
            async for line in lines:
                if not line.strip():
                    continue
                try:
                    message = orjson.loads(line)
                except orjson.JSONDecodeError:
                    await self._write(_error(None, -32700, "Parse error: not JSON"))
                    continue
                if isinstance(message, dict) and "id" in message and "method" in message:
                    task = asyncio.create_task(self._relay(message))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                else:  # notifications go in order; answers to the server need no relaying
                    await self._relay(message)
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
        finally:
            if self._stream is not None:
                self._stream.cancel()
            await self._end_session()

    async def _relay(self, message: Any) -> None:
        request_id = message.get("id") if isinstance(message, dict) else None
        is_initialize = _method(message) == "initialize"
        if is_initialize:
            self._initialize = message
        try:
            async for outgoing in self._post(message, retry=not is_initialize):
                if is_initialize:
                    result = outgoing.get("result")
                    if isinstance(result, dict):
                        self._version = result.get("protocolVersion")
                await self._write(outgoing)
        except httpx.HTTPError as exc:
            if request_id is not None:
                await self._write(_error(request_id, -32603, f"The server is unreachable: {exc}"))
        if _method(message) == "notifications/initialized":
            self._open_stream()

    async def _post(self, message: Any, *, retry: bool) -> AsyncIterator[dict[str, Any]]:
        async with self._http.stream(
            "POST", self._url, content=orjson.dumps(message), headers=self._headers()
        ) as response:
            if response.status_code == 401 and retry and await self._login_again():
                pass  # retried below, with the new session
            elif response.status_code == 404 and retry and await self._initialize_again():
                pass
            else:
                if _method(message) == "initialize" and response.status_code == 200:
                    self._session = response.headers.get("mcp-session-id")
                async for outgoing in _messages(response):
                    yield outgoing
                return
        async for outgoing in self._post(message, retry=False):
            yield outgoing

    def _headers(self) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self._vault.session_id}",
            "Accept": _ACCEPT,
            "Content-Type": "application/json",
        }
        if self._session:
            headers["Mcp-Session-Id"] = self._session
        if self._version:
            headers["MCP-Protocol-Version"] = self._version
        return headers

    async def _login_again(self) -> bool:
        try:
            await asyncio.to_thread(self._vault.login)
        except Exception as exc:
            _log(
                f"the session expired and logging in again failed ({exc}); run `actionvault login`"
            )
            return False
        if self._on_new_session is not None:
            self._on_new_session(self._vault.session_id)
        return True

    async def _initialize_again(self) -> bool:
        """The server forgot the MCP session (expired): open another as the client did."""
        if self._initialize is None:
            return False
        self._session = None
        async for _ in self._post(self._initialize, retry=False):
            pass
        if self._session is None:
            return False
        initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        async for _ in self._post(initialized, retry=False):
            pass
        _log("the MCP session had expired; opened a new one")
        return True

    def _open_stream(self) -> None:
        if self._stream is None:
            self._stream = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        """Relay the server's own stream; gone streams are opened again, refused ones not."""
        while True:
            try:
                headers = {**self._headers(), "Accept": "text/event-stream"}
                async with self._http.stream("GET", self._url, headers=headers) as response:
                    if response.status_code in (405, 406):
                        return
                    if response.status_code == 200:
                        async for outgoing in _messages(response):
                            await self._write(outgoing)
            except httpx.HTTPError:
                pass
            await asyncio.sleep(_STREAM_RETRY_SECONDS)

    async def _end_session(self) -> None:
        if self._session is None:
            return
        with contextlib.suppress(httpx.HTTPError):
            await self._http.delete(self._url, headers=self._headers())

    async def _write(self, message: dict[str, Any]) -> None:
        async with self._write_lock:
            sys.stdout.buffer.write(orjson.dumps(message) + b"\n")
            sys.stdout.buffer.flush()


async def _messages(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """The JSON-RPC messages of an answer: its JSON body, or the data of each SSE event."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "text/event-stream":
        data: list[str] = []
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            elif not line and data:
                yield orjson.loads("\n".join(data))
                data = []
        return
    body = await response.aread()
    if body.strip():
        parsed = orjson.loads(body)
        for item in parsed if isinstance(parsed, list) else [parsed]:
            yield item


def _method(message: Any) -> Any:
    return message.get("method") if isinstance(message, dict) else None


def _error(request_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


async def _stdin_lines() -> AsyncIterator[bytes]:
    """stdin's lines, read on a thread so that the loop goes on meanwhile (works on any OS)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    def read() -> None:
        for line in sys.stdin.buffer:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="stdin", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line


@click.command()
@remote_command
def mcp(connection: Connection) -> None:
    """Bridge an MCP client on stdin/stdout to the server's MCP endpoint.

    For MCP clients that only launch local commands. Log in once with `actionvault login`;
    the bridge uses the saved session (or --username and --password, or --session-id).

    \b
    Example (the command an MCP client is given):
      actionvault mcp --url http://127.0.0.1:8700
    """
    if connection.url is not None:  # the endpoint's URL names the server too
        url = connection.url.rstrip("/").removesuffix(MCP_PATH)
        connection = dataclasses.replace(connection, url=url)
    vault, profile = open_vault(connection)
    with vault:
        if vault.session_id is None:
            vault.login()

        def remember(session_id: str | None) -> None:
            if profile is not None and session_id:
                save_profile(
                    connection.profile, dataclasses.replace(profile, session_id=session_id)
                )

        asyncio.run(_bridge(endpoint_url(vault.base_url), vault, remember))


async def _bridge(url: str, vault: Vault, remember: Callable[[str | None], None]) -> None:
    timeout = httpx.Timeout(30.0, read=None)  # answers and streams may take their time
    async with httpx.AsyncClient(timeout=timeout) as http:
        await Bridge(url, vault, http, remember).run(_stdin_lines())
