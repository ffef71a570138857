"""Completed executions per second through the real HTTP API, and the server's memory.

Starts `actionvault serve` on loopback (SQLite in a fresh data folder, or --database-url),
creates a benchmark user, then runs concurrent clients that each execute an instant action and
poll its status until it is terminal, for a bounded number of executions. Prints throughput,
p50/p99 submit and completion latency, and the server's RSS. The clients speak HTTP/1.1 over
keep-alive connections with a minimal hand-written client, so that the client's own cost does
not hide the server's on a two-core machine.

    python bench/throughput.py                       # 4,000 executions, 32 clients
    python bench/throughput.py --executions 100000   # the memory target
    python bench/throughput.py --database-url postgresql://... --worker-processes 2
    python bench/throughput.py --webhook             # and every end delivered to a webhook
    python bench/throughput.py --webhook-cost 10     # rounds without and with it, and the cost

On PostgreSQL the run gets a schema of its own (dropped afterwards), and with
--worker-processes the API process runs no workers: each worker process runs `--workers`
executions at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).parent
USER = ("bench@actionvault.bench", "bench-password")


class Connection:
    """One keep-alive HTTP/1.1 connection; enough of the protocol for this API's answers."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> dict[str, object]:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        payload: dict[str, object] = json.loads(await self.reader.readexactly(length))
        return payload

    def close(self) -> None:
        self.writer.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, within: float, what: str) -> None:
    """Until something accepts connections on the loopback port; exits after `within` s."""
    deadline = time.monotonic() + within
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{what} did not start") from None
            time.sleep(0.05)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """The process's children: its engine processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process and its children have used so far."""
    total = 0
    for process in (pid, *children(pid)):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # Its own time and that of children it has reaped (engine processes replaced).
        total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def settle(processes: list[subprocess.Popen[bytes]], within: float = 30.0) -> None:
    """Wait until the engine processes have started and loaded what they need (their CPU
    stops moving): a startup cost, measured by nothing that follows."""
    deadline = time.monotonic() + within
    last = -1.0
    while time.monotonic() < deadline:
        now = sum(cpu_seconds(p.pid) for p in processes)
        if now == last:
            return
        last = now
        time.sleep(0.5)


def postgres_cpu_seconds() -> float:
    """CPU of the PostgreSQL server processes on this machine, including exited backends."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        total += sum(int(value) for value in fields[11:15])  # own and reaped children's
    return total / os.sysconf("SC_CLK_TCK")


def postgres_transactions(url: str) -> int:
    """Transactions committed or rolled back in the database so far.

    actionvault runs every statement of an execution's path in autocommit, one statement per
    transaction, so the difference over a run counts its statements, plus the server's own
    transactions (autovacuum among them): it reads above a count of logged statements (8.4
    against 7.3 per execution on 2026-12-04). A backend reports its counts when it exits at the
    latest, so read this after the server processes have stopped.
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database "
            "WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


#: What each execution runs: (agent, action).
ACTIONS = {
    "instant": ("bench_agent__c", "instant__c"),
    "spelling": ("quick_check__v", "spelling_grammar__v"),
}
#: Documents for the spelling action: each execution runs on the next one, round the set.
VARIED_DOCUMENTS = 50


def varied_documents(count: int, words: int = 300, seed: int = 11) -> list[str]:
    """Texts of `words` words drawn from the project's own documentation (thousands of
    distinct words), in sentences, with a misspelling now and then: no two alike, so a
    proofreader's per-word cache does not make every check after the first one free."""
    import random

    root = HERE.parent
    vocabulary = sorted(
        {
            word.strip(".,;:()[]`*'\"|#").lower()
            for path in [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
            for word in path.read_text().split()
        }
        - {""}
    )
    vocabulary = [w for w in vocabulary if w.isalpha()]
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        sentences, length = [], 0
        while length < words:
            chosen = rng.sample(vocabulary, rng.randint(6, 18))
            if rng.random() < 0.2:
                word = chosen[0]
                at = rng.randrange(len(word))
                chosen[0] = word[:at] + word[at] + word[at:]  # a doubled letter
            sentences.append(" ".join(chosen).capitalize() + ".")
            length += len(chosen)
        texts.append(" ".join(sentences) + "\n")
    return texts


def prepare(data_dir: str, env: dict[str, str], action: str) -> None:
    """The benchmark user, with the right to run the benchmark's action, and its documents."""
    base = [sys.executable, "-m", "actionvault"]
    common = ["--data-dir", data_dir, "--agents-dir", str(HERE / "agents")]
    agent, action_name = ACTIONS[action]
    subprocess.run(
        [*base, "permission-set", "bench__c", "--action", f"{agent}.{action_name}", *common],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    subprocess.run(
        [*base, "users", "add", USER[0], "--password", USER[1],
         "--permission-set", "bench__c", *common],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    folder = Path(data_dir) / "bench-documents"
    folder.mkdir()
    texts = (
        varied_documents(VARIED_DOCUMENTS)
        if action == "spelling"
        else ["A short document for the benchmark.\n"]
    )
    for number, text in enumerate(texts, start=1):
        (folder / f"document-{number:03d}.txt").write_text(text)
    subprocess.run(
        [*base, "import", str(folder), "--owner", USER[0], *common],
        env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def drive(port: int, args: argparse.Namespace) -> dict[str, list[float]]:
    login = await Connection.open(port)
    body = urlencode({"username": USER[0], "password": USER[1]}).encode()
    auth = await login.request(
        "POST", "/api/v26.1/auth", {"Content-Type": "application/x-www-form-urlencoded"}, body
    )
    login.close()
    headers = {"Authorization": str(auth["sessionId"]), "Content-Type": "application/json"}
    agent, action_name = ACTIONS[args.action]
    documents = VARIED_DOCUMENTS if args.action == "spelling" else 1
    executes = [
        json.dumps(
            {"agent_name": agent, "action_name": action_name, "document_id": str(number)}
        ).encode()
        for number in range(1, documents + 1)
    ]
    remaining = args.executions
    submit: list[float] = []
    complete: list[float] = []
    polls: list[float] = []

    async def client() -> None:
        nonlocal remaining
        conn = await Connection.open(port)
        try:
            while remaining > 0:
                remaining -= 1
                execute = executes[remaining % len(executes)]
                started = time.perf_counter()
                answer = await conn.request(
                    "POST", "/api/v26.1/services/ai/agent_actions/actions/execute", headers, execute
                )
                submit.append(time.perf_counter() - started)
                status_path = answer["actionResponse"]["urls"][0]  # type: ignore[index]
                delay = args.poll_interval
                for count in range(1, 100_000):
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, args.poll_cap)  # back off, as the SDK does
                    state = await conn.request("GET", status_path, headers)
                    if state["actionResponse"]["actionStatus"] != "IN_PROGRESS":  # type: ignore[index]
                        complete.append(time.perf_counter() - started)
                        polls.append(count)
                        break
        finally:
            conn.close()

    began = time.perf_counter()
    cpu_began = time.process_time()
    await asyncio.gather(*(client() for _ in range(args.clients)))
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    return {
        "submit": submit,
        "complete": complete,
        "polls": polls,
        "elapsed": [elapsed],
        "client_cpu": [cpu],
    }


def _drive_in_process(port: int, args: argparse.Namespace) -> dict[str, list[float]]:
    return asyncio.run(drive(port, args))


def run_clients(port: int, args: argparse.Namespace) -> dict[str, list[float]]:
    """The clients, split over `--client-processes` processes so one core does not cap them."""
    if args.client_processes == 1:
        return asyncio.run(drive(port, args))
    from concurrent.futures import ProcessPoolExecutor

    share = argparse.Namespace(**vars(args))
    share.executions = args.executions // args.client_processes
    share.clients = max(1, args.clients // args.client_processes)
    with ProcessPoolExecutor(args.client_processes) as pool:
        parts = list(pool.map(_drive_in_process, [port] * args.client_processes,
                              [share] * args.client_processes))  # fmt: skip
    merged: dict[str, list[float]] = {"submit": [], "complete": [], "polls": [], "client_cpu": []}
    for part in parts:
        for key in merged:
            merged[key] += part[key]
    merged["elapsed"] = [max(part["elapsed"][0] for part in parts)]
    return merged


def fresh_schema(url: str, schema: str) -> str:
    """A new, empty schema, and the URL that puts every connection in it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE".encode())
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE".encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executions", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--poll-interval", type=float, default=0.002, help="first poll delay")
    parser.add_argument("--poll-cap", type=float, default=0.05, help="longest poll delay")
    parser.add_argument("--workers", type=int, default=8, help="in-process worker concurrency")
    parser.add_argument("--client-processes", type=int, default=1)
    parser.add_argument(
        "--worker-processes", type=int, default=0, help="separate `actionvault worker` processes"
    )
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--action",
        choices=sorted(ACTIONS),
        default="instant",
        help="instant: an echo that answers at once (the engine's own cost); spelling: Quick "
        f"Check's spelling and grammar on {VARIED_DOCUMENTS} varied documents of 300 words",
    )
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="register one webhook endpoint (a receiver on loopback that answers 204) for the "
        "executions' ends, and count the deliveries' cost: the run ends when all have arrived",
    )
    parser.add_argument(
        "--webhook-cost",
        type=int,
        metavar="ROUNDS",
        help="ROUNDS rounds of a run without and one with the webhook, back to back, and what "
        "the webhook costs: the median of the rounds' costs, with their quartiles",
    )
    parser.add_argument(
        "--observability",
        choices=["off", "metrics", "all", "compare"],
        default="off",
        help="off: no metrics, no traces; metrics: /metrics recorded (multiprocess mode with "
        "worker processes); all: metrics and OpenTelemetry traces exported by OTLP to a local "
        "sink; compare: off and all in turn, twice, and the cost of all",
    )
    args = parser.parse_args()
    if args.webhook_cost:
        webhook_cost(args)
        return
    if args.observability != "compare":
        run(args, args.observability)
        return
    rates: dict[str, list[float]] = {"off": [], "all": []}
    for mode in ("off", "all", "off", "all"):
        print(f"--- observability {mode}")
        rates[mode].append(run(args, mode))
    off, on = statistics.mean(rates["off"]), statistics.mean(rates["all"])
    print(
        f"observability off: {' '.join(f'{r:.0f}' for r in rates['off'])} executions/s; "
        f"metrics and tracing on: {' '.join(f'{r:.0f}' for r in rates['all'])} executions/s; "
        f"cost {(1 - on / off) * 100:.1f} % of the throughput"
    )


def webhook_cost(args: argparse.Namespace) -> None:
    """Rounds of the same run without and with one webhook, back to back, in the order
    without-with, with-without, ... (so that a machine getting faster or slower over a round
    weighs on both sides alike). Each round's two runs are a pair, measured within seconds of
    each other: the cost is the median of the pairs' costs, with their quartiles; the cost of
    the median throughputs is printed too. Single runs on a shared machine move by more than
    the webhook costs, and a pair cancels what moves slowly."""
    rates: dict[bool, list[float]] = {False: [], True: []}
    mode = "off" if args.observability == "compare" else args.observability
    for index in range(args.webhook_cost):
        for webhook in (False, True) if index % 2 == 0 else (True, False):
            print(f"--- round {index + 1}, {'with' if webhook else 'without'} the webhook")
            rates[webhook].append(run(argparse.Namespace(**{**vars(args), "webhook": webhook}),
                                      mode))  # fmt: skip
    without, with_ = statistics.median(rates[False]), statistics.median(rates[True])
    costs = [(1 - w / o) * 100 for o, w in zip(rates[False], rates[True], strict=True)]
    print(
        f"without a webhook: {' / '.join(f'{r:.0f}' for r in rates[False])} executions/s; "
        f"with one: {' / '.join(f'{r:.0f}' for r in rates[True])} executions/s"
    )
    print(f"  each round's cost: {' / '.join(f'{c:.1f}' for c in costs)} %")
    print(f"  the webhook costs {paired_cost(costs)}; {(1 - with_ / without) * 100:.1f} % of the "
          "median throughput")  # fmt: skip


def paired_cost(costs: list[float]) -> str:
    """The median of the rounds' costs and, from four rounds on, their quartiles."""
    middle = f"{statistics.median(costs):.1f} % (median of {len(costs)} rounds"
    if len(costs) < 4:
        return middle + ")"
    low, _, high = statistics.quantiles(costs, n=4, method="inclusive")
    return f"{middle}; quartiles {low:.1f} – {high:.1f} %)"


def observability_env(mode: str, data_dir: str) -> tuple[dict[str, str], OtlpSink | None]:
    """The settings of a mode, and the OTLP sink its traces go to (for `all`)."""
    if mode == "off":
        return {"ACTIONVAULT_METRICS_ENABLED": "false"}, None
    env = {
        "ACTIONVAULT_METRICS_ENABLED": "true",
        "ACTIONVAULT_METRICS_MULTIPROCESS_DIR": str(Path(data_dir) / "metrics"),
    }
    if mode == "metrics":
        return env, None
    sink = OtlpSink()
    env["ACTIONVAULT_OTLP_ENDPOINT"] = f"http://127.0.0.1:{sink.port}"
    return env, sink


ADMIN = ("hooks@actionvault.bench", "hooks-password")


def _serve_webhooks(port: int, received: Any, last_at: Any) -> None:
    """The receiver's own process, so that it does not share the benchmark clients' GIL.

    A receiver elsewhere costs this machine nothing; one here takes CPU from the server it
    measures, so it is kept as cheap as the clients: an asyncio protocol that reads each request
    up to its body's length and answers 204 on the same keep-alive connection."""
    import uvloop

    class Receiver(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport: Any = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
                head = self.buffer[:end].lower()
                at = head.find(b"content-length:")
                length = int(head[at + 15 :].split(b"\r\n", 1)[0]) if at >= 0 else 0
                if len(self.buffer) < end + 4 + length:
                    return
                self.buffer = self.buffer[end + 4 + length :]
                self.transport.write(b"HTTP/1.1 204 No Content\r\n\r\n")
                received.value += 1  # one thread writes it; the benchmark only reads
                last_at.value = time.perf_counter()

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Receiver, "127.0.0.1", port)
        await server.serve_forever()

    uvloop.run(serve())


class WebhookSink:
    """A webhook receiver on loopback, in a process of its own, that accepts every delivery at
    once (204) and counts them."""

    def __init__(self) -> None:
        import multiprocessing

        self._received = multiprocessing.Value("q", 0, lock=False)
        self._last_at = multiprocessing.Value("d", 0.0, lock=False)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/hooks"
        self._process = multiprocessing.Process(
            target=_serve_webhooks, args=(port, self._received, self._last_at), daemon=True
        )
        self._process.start()
        wait_for_port(port, 10, "the webhook receiver")

    @property
    def pid(self) -> int:
        return int(self._process.pid or 0)

    @property
    def received(self) -> int:
        return int(self._received.value)

    @property
    def last_at(self) -> float:
        return float(self._last_at.value)

    def register(self, port: int) -> None:
        """The webhook, registered by an administrator through the API."""
        import urllib.request

        base = f"http://127.0.0.1:{port}/api/v26.1"
        form = urlencode({"username": ADMIN[0], "password": ADMIN[1]}).encode()
        with urllib.request.urlopen(f"{base}/auth", form) as answer:
            session = json.loads(answer.read())["sessionId"]
        request = urllib.request.Request(
            f"{base}/ext/webhooks",
            data=json.dumps({"url": self.url}).encode(),
            headers={"Authorization": session, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as answer:
            body = json.loads(answer.read())
        if body.get("responseStatus") != "SUCCESS":
            raise SystemExit(f"the webhook was not registered: {body}")

    def close(self) -> None:
        self._process.terminate()
        self._process.join(5)


class OtlpSink:
    """Accepts OTLP/HTTP exports and throws them away, so that exporting costs what it would."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run(args: argparse.Namespace, mode: str) -> float:
    """One benchmark run; its completed executions per second."""
    schema = f"actionvault_bench_{os.getpid()}"
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "ACTIONVAULT_LOG_LEVEL": "warning"}
        extra, sink = observability_env(mode, data_dir)
        env.update(extra)
        if args.database_url:
            env["ACTIONVAULT_DATABASE_URL"] = fresh_schema(args.database_url, schema)
        prepare(data_dir, env, args.action)
        hooks = WebhookSink() if args.webhook else None
        drained = 0.0
        if hooks is not None:
            env["ACTIONVAULT_WEBHOOK_ALLOW_PRIVATE_TARGETS"] = "true"
            subprocess.run(
                [sys.executable, "-m", "actionvault", "users", "add", ADMIN[0], "--admin",
                 "--password", ADMIN[1], "--data-dir", data_dir],
                env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        port = free_port()
        common = ["--data-dir", data_dir, "--agents-dir", str(HERE / "agents")]
        api_workers = 0 if args.worker_processes else args.workers
        server = subprocess.Popen(
            [sys.executable, "-m", "actionvault", "serve", "--port", str(port), *common,
             "--workers", str(api_workers)],
            env=env,
        )  # fmt: skip
        worker_command = [sys.executable, "-m", "actionvault", "worker", *common,
                          "--concurrency", str(args.workers)]  # fmt: skip
        workers = [subprocess.Popen(worker_command, env=env) for _ in range(args.worker_processes)]
        try:
            wait_for_port(port, 30, "the server")
            processes = [server, *workers]
            if hooks is not None:
                hooks.register(port)
            settle(processes)
            transactions_before = (
                postgres_transactions(args.database_url) if args.database_url else 0
            )
            api_before = cpu_seconds(server.pid)
            cpu_before = sum(cpu_seconds(p.pid) for p in processes)
            database_before = postgres_cpu_seconds()
            receiver_before = cpu_seconds(hooks.pid) if hooks is not None else 0.0
            results = run_clients(port, args)
            if hooks is not None:
                # Delivered in the background: the run is over when every end has arrived.
                ended = time.perf_counter()
                deadline = time.monotonic() + 120
                while hooks.received < args.executions and time.monotonic() < deadline:
                    time.sleep(0.05)
                drained = max(hooks.last_at - ended, 0.0)
                results["elapsed"] = [results["elapsed"][0] + drained]
                receiver_cpu = cpu_seconds(hooks.pid) - receiver_before
            api_cpu = cpu_seconds(server.pid) - api_before
            cpu = sum(cpu_seconds(p.pid) for p in processes) - cpu_before
            database_cpu = postgres_cpu_seconds() - database_before
            rss = sum(rss_mb(p.pid) for p in processes)
            engine_rss = sum(rss_mb(c) for p in processes for c in children(p.pid))
        finally:
            for process in (server, *workers):
                process.terminate()
            for process in (server, *workers):
                process.wait(timeout=60)
            if args.database_url:
                transactions = postgres_transactions(args.database_url) - transactions_before
                drop_schema(args.database_url, schema)
            if sink is not None:
                sink.close()
            if hooks is not None:
                hooks.close()
    ms = 1000.0
    done = len(results["complete"])
    elapsed = results["elapsed"][0]
    database = "PostgreSQL" if args.database_url else "SQLite"
    topology = (
        f"{args.worker_processes} worker processes × {args.workers}"
        if args.worker_processes
        else f"{args.workers} workers in the API process"
    )
    print(
        f"{done} executions of {'.'.join(ACTIONS[args.action])} by {args.clients} clients "
        f"in {elapsed:.1f} s ({database}, {topology}, observability {mode})"
    )
    print(f"  completed:   {done / elapsed:.0f} executions/s")
    if hooks is not None:
        print(
            f"  webhook: {hooks.received} deliveries of {done} ends received, the last "
            f"{drained:.2f} s after the last execution ended (counted in the time above); "
            f"the receiver's CPU {receiver_cpu / max(hooks.received, 1) * ms:.3f} ms per delivery"
        )
    for name in ("submit", "complete"):
        values = sorted(results[name])
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        print(f"  {name:<11}  p50 {statistics.median(values) * ms:.1f} ms   p99 {p99 * ms:.1f} ms")
    print(f"  polls per execution: {statistics.mean(results['polls']):.2f}")
    requests = done * (1 + statistics.mean(results["polls"]))
    print(
        f"  actionvault CPU per execution: {cpu / done * ms:.2f} ms "
        f"({cpu / requests * ms:.2f} ms per request)"
    )
    if args.worker_processes:
        print(
            f"    of which the API process {api_cpu / done * ms:.2f} ms, "
            f"the worker processes {(cpu - api_cpu) / done * ms:.2f} ms"
        )
    if args.database_url and database_cpu > 0:
        print(
            f"  PostgreSQL server CPU per execution: {database_cpu / done * ms:.2f} ms "
            "(its processes on this machine)"
        )
        print(
            f"  PostgreSQL transactions per execution: {transactions / done:.1f} "
            "(each of actionvault's statements is one; autovacuum adds its own)"
        )
    client_cpu = sum(results["client_cpu"])
    print(f"  benchmark client CPU per execution: {client_cpu / done * ms:.2f} ms")
    print(
        f"  server RSS after the run: {rss:.0f} MB (API and worker processes), "
        f"{engine_rss:.0f} MB more in their engine processes"
    )
    return done / elapsed


if __name__ == "__main__":
    main()
