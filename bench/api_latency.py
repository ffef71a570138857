"""Execute latency, completion latency and status-poll throughput of a real server process.

Starts `actionvault demo` on loopback with a fresh SQLite data folder (or on the database named
by --database-url), then drives it over HTTP with bounded loops that stop by themselves, and
prints the figures.

    python bench/api_latency.py                      # defaults below
    python bench/api_latency.py --polls-seconds 10 --clients 16
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from throughput import Connection

HERE = Path(__file__).parent
API = "/api/v26.1"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(data_dir: str, port: int, database_url: str | None) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "actionvault", "demo", "--port", str(port), "--data-dir", data_dir,
        "--agents-dir", str(HERE / "agents"),
    ]  # fmt: skip
    if database_url:
        command += ["--database-url", database_url]
    env = {**os.environ, "ACTIONVAULT_LOG_LEVEL": "warning"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


async def run(base: str, args: argparse.Namespace) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        auth = await client.post(
            f"{API}/auth",
            data={"username": "admin@actionvault.demo", "password": "actionvault-demo"},
        )
        headers = {"Authorization": auth.json()["sessionId"]}
        body = {"agent_name": "bench_agent__c", "action_name": "instant__c", "document_id": "1"}

        submit: list[float] = []
        for _ in range(args.executes):
            started = time.perf_counter()
            response = await client.post(
                f"{API}/services/ai/agent_actions/actions/execute", json=body, headers=headers
            )
            submit.append(time.perf_counter() - started)
            assert response.json()["responseStatus"] == "SUCCESS", response.text

        completion: list[float] = []
        last_id = ""
        for _ in range(args.completions):
            started = time.perf_counter()
            response = await client.post(
                f"{API}/services/ai/agent_actions/actions/execute", json=body, headers=headers
            )
            last_id = response.json()["actionResponse"]["executionId"]
            for _ in range(10_000):
                status = await client.get(
                    f"{API}/services/ai/agent_actions/status",
                    params={"execution_id": last_id},
                    headers=headers,
                )
                if status.json()["actionResponse"]["actionStatus"] != "IN_PROGRESS":
                    break
                await asyncio.sleep(0.001)
            completion.append(time.perf_counter() - started)

        # The same, waiting on the execution's event stream (what the SDK's wait() does).
        streamed: list[float] = []
        for _ in range(args.completions):
            started = time.perf_counter()
            response = await client.post(
                f"{API}/services/ai/agent_actions/actions/execute", json=body, headers=headers
            )
            execution_id = response.json()["actionResponse"]["executionId"]
            async with client.stream(
                "GET", f"{API}/ext/executions/{execution_id}/events", headers=headers
            ) as events:
                async for line in events.aiter_lines():
                    if line.startswith("event: succeeded"):
                        break
            streamed.append(time.perf_counter() - started)

        # And on the stream of all events, opened once, as a dashboard or a worker keeps it.
        pushed: list[float] = []
        async with client.stream("GET", f"{API}/ext/events", headers=headers) as events:
            lines = events.aiter_lines()
            assert (await anext(lines)).startswith("retry:")
            for _ in range(args.completions):
                started = time.perf_counter()
                response = await client.post(
                    f"{API}/services/ai/agent_actions/actions/execute", json=body, headers=headers
                )
                execution_id = response.json()["actionResponse"]["executionId"]
                async for line in lines:
                    if line.startswith("data:") and execution_id in line and "succeeded" in line:
                        break
                pushed.append(time.perf_counter() - started)

        poll_latencies: list[float] = []
        stop_at = time.monotonic() + args.polls_seconds
        port = int(base.rsplit(":", 1)[1])
        status_path = f"{API}/services/ai/agent_actions/status?execution_id={last_id}"

        async def poller() -> None:
            # A minimal keep-alive client, so that the client's own cost does not cap the figure.
            own = await Connection.open(port)
            try:
                for _ in range(1_000_000):
                    if time.monotonic() >= stop_at:
                        return
                    started = time.perf_counter()
                    answer = await own.request("GET", status_path, headers)
                    poll_latencies.append(time.perf_counter() - started)
                    assert answer["responseStatus"] == "SUCCESS"
            finally:
                own.close()

        began = time.monotonic()
        await asyncio.gather(*(poller() for _ in range(args.clients)))
        elapsed = time.monotonic() - began

    ms = 1000.0
    print(f"execute (submit) latency, {args.executes} sequential calls:")
    print(
        f"  p50 {statistics.median(submit) * ms:.2f} ms   "
        f"p99 {percentile(submit, 0.99) * ms:.2f} ms"
    )
    print(f"execute -> SUCCESS (polling every 1 ms), {args.completions} sequential runs:")
    print(
        f"  p50 {statistics.median(completion) * ms:.2f} ms   "
        f"p99 {percentile(completion, 0.99) * ms:.2f} ms"
    )
    print(f"execute -> succeeded event on the execution's stream, {args.completions} runs:")
    print(
        f"  p50 {statistics.median(streamed) * ms:.2f} ms   "
        f"p99 {percentile(streamed, 0.99) * ms:.2f} ms"
    )
    print(f"execute -> succeeded event on the stream of all (kept open), {args.completions} runs:")
    print(
        f"  p50 {statistics.median(pushed) * ms:.2f} ms   "
        f"p99 {percentile(pushed, 0.99) * ms:.2f} ms"
    )
    print(f"status polls, {args.clients} concurrent clients for {args.polls_seconds:g} s:")
    print(
        f"  {len(poll_latencies) / elapsed:.0f} requests/s   "
        f"p50 {statistics.median(poll_latencies) * ms:.2f} ms   "
        f"p99 {percentile(poll_latencies, 0.99) * ms:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executes", type=int, default=300)
    parser.add_argument("--completions", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--polls-seconds", type=float, default=5.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        process = start_server(data_dir, port, args.database_url)
        try:
            asyncio.run(run(f"http://127.0.0.1:{port}", args))
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
