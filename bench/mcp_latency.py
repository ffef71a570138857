"""MCP tools/call round trip for an instant action, beside REST execute + poll, in one run.

Starts `actionvault demo` on loopback with a fresh SQLite data folder (or the database named by
--database-url) and the bench agent, then, at 1 and at 20 concurrent clients:

- MCP: each client opens its own MCP session and calls `bench_agent__c-instant__c`; the round
  trip is from sending tools/call to reading its answer (the server waits for the execution);
- REST: each client executes the same action and polls its status every millisecond until it
  is terminal, as a Vault client does.

Both speak HTTP/1.1 over keep-alive connections with the benchmarks' minimal client, so that
the client's own cost does not hide the server's.

    python bench/mcp_latency.py
    python bench/mcp_latency.py --calls 400 --database-url postgresql://...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable

import httpx
from api_latency import percentile, start_server
from throughput import Connection, free_port

API = "/api/v26.1"
MCP = "/api/ai/mcp"
TOOL = "bench_agent__c-instant__c"
BODY = {"agent_name": "bench_agent__c", "action_name": "instant__c", "document_id": "1"}


async def mcp_session(base: str, session_id: str) -> dict[str, str]:
    """Initialize an MCP session; the headers its calls carry."""
    auth = {"Authorization": f"Bearer {session_id}"}
    async with httpx.AsyncClient() as client:
        response = await client.post(
            base + MCP,
            json={
                "jsonrpc": "2.0",
                "id": 0,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "clientInfo": {"name": "bench", "version": "1"},
                },
            },
            headers=auth,
        )
    return {
        **auth,
        "Mcp-Session-Id": response.headers["mcp-session-id"],
        "MCP-Protocol-Version": "2025-06-18",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }


async def mcp_client(port: int, headers: dict[str, str], calls: int) -> list[float]:
    connection = await Connection.open(port)
    times: list[float] = []
    try:
        for number in range(calls):
            body = json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": number + 1,
                    "method": "tools/call",
                    "params": {"name": TOOL, "arguments": {"document_id": "1"}},
                }
            ).encode()
            started = time.perf_counter()
            answer = await connection.request("POST", MCP, headers, body)
            times.append(time.perf_counter() - started)
            result = answer.get("result")
            assert isinstance(result, dict), answer
            assert result["isError"] is False, answer
    finally:
        connection.close()
    return times


async def rest_client(port: int, headers: dict[str, str], calls: int) -> list[float]:
    connection = await Connection.open(port)
    json_headers = {**headers, "Content-Type": "application/json"}
    execute = f"{API}/services/ai/agent_actions/actions/execute"
    body = json.dumps(BODY).encode()
    times: list[float] = []
    try:
        for _ in range(calls):
            started = time.perf_counter()
            answer = await connection.request("POST", execute, json_headers, body)
            response = answer["actionResponse"]
            assert isinstance(response, dict), answer
            status = f"{API}/services/ai/agent_actions/status?execution_id="
            status += str(response["executionId"])
            while True:
                polled = await connection.request("GET", status, headers)
                action = polled["actionResponse"]
                assert isinstance(action, dict)
                if action["actionStatus"] != "IN_PROGRESS":
                    break
                await asyncio.sleep(0.001)
            times.append(time.perf_counter() - started)
    finally:
        connection.close()
    return times


async def measure(
    clients: int, client: Callable[[int], Awaitable[list[float]]]
) -> tuple[float, float, float]:
    """p50 and p99 in ms, and calls per second, over `clients` concurrent clients."""
    began = time.perf_counter()
    results = await asyncio.gather(*(client(index) for index in range(clients)))
    elapsed = time.perf_counter() - began
    times = [t for result in results for t in result]
    return statistics.median(times) * 1000, percentile(times, 0.99) * 1000, len(times) / elapsed


async def run(base: str, port: int, args: argparse.Namespace) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        login = await client.post(
            f"{API}/auth",
            data={"username": "admin@actionvault.demo", "password": "actionvault-demo"},
        )
    session_id = login.json()["sessionId"]
    rest_headers = {"Authorization": session_id}
    sessions = [await mcp_session(base, session_id) for _ in range(max(args.concurrency))]
    # Warm both paths (connections, caches, the worker) before measuring.
    await mcp_client(port, sessions[0], 20)
    await rest_client(port, rest_headers, 20)
    print(f"tools/call round trip vs REST execute + poll, instant action ({args.calls} per row)")
    for clients in args.concurrency:
        per_client = max(args.calls // clients, 1)
        mcp = await measure(
            clients, lambda index, n=per_client: mcp_client(port, sessions[index], n)
        )
        rest = await measure(
            clients, lambda index, n=per_client: rest_client(port, rest_headers, n)
        )
        print(
            f"  {clients:>2} concurrent: MCP tools/call p50 {mcp[0]:.2f} ms (p99 {mcp[1]:.2f}, "
            f"{mcp[2]:.0f}/s)   REST execute+poll p50 {rest[0]:.2f} ms "
            f"(p99 {rest[1]:.2f}, {rest[2]:.0f}/s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="calls per row, all clients")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        process = start_server(data_dir, port, args.database_url)
        try:
            asyncio.run(run(f"http://127.0.0.1:{port}", port, args))
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
