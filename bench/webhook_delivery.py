"""What one webhook delivery costs the process that sends it, alone.

`bench/throughput.py --webhook` shows what deliveries cost a busy server, mixed with everything
else it does. This isolates the dispatcher: a fresh database (SQLite, or a PostgreSQL schema of
its own with --database-url) gets one webhook and --deliveries ended executions; then one
dispatcher, as a worker process runs it, reads their events from the log, writes the
deliveries they owe and sends them all to a receiver on loopback (a process of its own that
answers 204) while the benchmark measures this process's CPU and the wall time until the last
one is recorded as succeeded.

    python bench/webhook_delivery.py
    python bench/webhook_delivery.py --deliveries 20000 --database-url postgresql://...
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from throughput import WebhookSink, cpu_seconds, drop_schema, fresh_schema  # noqa: E402

from actionvault.domain.webhooks import RetryPolicy  # noqa: E402
from actionvault.engine.webhooks import Dispatcher  # noqa: E402
from actionvault.services.webhooks import TargetGuard  # noqa: E402
from actionvault.settings import Settings  # noqa: E402
from actionvault.store import open_stores  # noqa: E402

_SETUP = [
    "INSERT INTO users (username, password_hash, credentials_changed_at, created_at) "
    "VALUES ('bench@actionvault.bench', 'x', 0, 0)",
    "INSERT INTO webhooks (url, secret, event_types, created_at, updated_at) VALUES "
    "(%(url)s, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', ',succeeded,', 0, 0)",
]
#: Executions queued, then ended in one statement: the triggers write their events as they do
#: for the server's own writes.
_EXECUTIONS = [
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %(count)s) "
    "INSERT INTO executions (user_id, agent_name, action_name, document_id, state, "
    "max_attempts, created_at) SELECT u.id, 'bench_agent__c', 'instant__c', '1', 'queued', 1, 0 "
    "FROM users u, n",
    "UPDATE executions SET state = 'succeeded', attempts = 1, finished_at = 1 "
    "WHERE state = 'queued'",
]


def fill(url: str, receiver: str, count: int) -> None:
    """The webhook and `count` executions that ended, through a connection of its own."""
    statements = [*_SETUP, *_EXECUTIONS]
    params = {"url": receiver, "count": count}
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            for sql in statements:
                sql = sql.replace("%(url)s", ":url").replace("%(count)s", ":count")
                conn.execute(sql, params)
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql.encode(), params)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--database-url", help="postgresql://... (a schema of its own)")
    args = parser.parse_args()
    try:
        import uvloop  # the loop the server's processes run on, where it is installed
    except ImportError:
        asyncio.run(run(args))
    else:
        uvloop.run(run(args))


async def run(args: argparse.Namespace) -> None:
    settings = Settings()
    schema = f"actionvault_bench_{multiprocessing.current_process().pid}"
    with tempfile.TemporaryDirectory() as data_dir:
        url = (
            fresh_schema(args.database_url, schema)
            if args.database_url
            else f"sqlite:///{data_dir}/bench.db"
        )
        hooks = WebhookSink()
        stores = await open_stores(url)
        db, store = stores.database, stores.webhooks
        try:
            fill(url, hooks.url, args.deliveries)
            dispatcher = Dispatcher(
                store,
                time.time,
                policy=RetryPolicy(
                    settings.webhook_retry_window,
                    settings.webhook_retry_base,
                    settings.webhook_retry_max_delay,
                ),
                resolve=TargetGuard(allow_private=True).addresses,
                timeout=settings.webhook_timeout,
                concurrency=settings.webhook_concurrency,
                per_endpoint=settings.webhook_endpoint_concurrency,
                poll_interval=settings.poll_interval,
            )
            cpu, started = time.process_time(), time.perf_counter()
            receiver_cpu = cpu_seconds(hooks.pid)
            await dispatcher.start()
            dispatcher.work_available()
            deadline = time.monotonic() + 300
            # The receiver is another process: its counter is all there is to watch.
            while hooks.received < args.deliveries and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            await dispatcher.stop()
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            receiver_cpu = cpu_seconds(hooks.pid) - receiver_cpu
        finally:
            await db.close()
            hooks.close()
            if args.database_url:
                drop_schema(args.database_url, schema)
    sent = hooks.received
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{sent} deliveries of `succeeded` events to one webhook on loopback ({database}, "
        f"{settings.webhook_concurrency} at once, {settings.webhook_endpoint_concurrency} per "
        "endpoint)"
    )
    print(f"  delivered:  {sent / wall:.0f}/s")
    print(f"  dispatcher CPU per delivery: {cpu / max(sent, 1) * 1000:.3f} ms (this process)")
    print(f"  receiver CPU per delivery:   {receiver_cpu / max(sent, 1) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
