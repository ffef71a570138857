"""SQLite behind the Database seam: one writer, a few readers, WAL so reads never wait on writes.

Each sqlite3 connection lives on its own thread, so a query costs one thread hop and never
blocks the event loop. All writes in this process go through the one writer connection under
an asyncio lock; across processes SQLite's own lock (BEGIN IMMEDIATE, busy timeout) serialises
them, so several processes may share one database file.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

from actionvault.store.database import Connection, IntegrityViolation, Params, Row
from actionvault.store.queries import load_migrations, load_queries

T = TypeVar("T")

_BUSY_TIMEOUT_MS = 15_000


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # NORMAL in WAL mode loses nothing on a process crash, only on power loss.
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class _Thread:
    """One sqlite3 connection and the single thread allowed to touch it."""

    def __init__(self, path: str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._path = path
        self.conn: sqlite3.Connection | None = None

    async def open(self) -> None:
        self.conn = await self.call(lambda: _connect(self._path))

    async def call(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def close(self) -> None:
        if self.conn is not None:
            await self.call(self.conn.close)
        self._executor.shutdown(wait=True)


def _run(conn: sqlite3.Connection, sql: str, params: Params | None) -> sqlite3.Cursor:
    try:
        return conn.execute(sql, params or {})
    except sqlite3.IntegrityError as exc:
        raise IntegrityViolation(str(exc)) from exc


class _Queries:
    """Named-query methods over one connection thread, for the database and its transactions."""

    def __init__(self, thread: _Thread, queries: dict[str, str]) -> None:
        self._thread = thread
        self._queries = queries

    def _conn(self) -> sqlite3.Connection:
        assert self._thread.conn is not None, "database is not open"
        return self._thread.conn

    async def execute(self, query: str, params: Params | None = None) -> int:
        sql = self._queries[query]
        conn = self._conn()
        return await self._thread.call(lambda: _run(conn, sql, params).rowcount)

    async def fetch_one(self, query: str, params: Params | None = None) -> Row | None:
        rows = await self.fetch_all(query, params)
        return rows[0] if rows else None

    async def fetch_all(self, query: str, params: Params | None = None) -> list[Row]:
        sql = self._queries[query]
        conn = self._conn()
        return await self._thread.call(lambda: [dict(r) for r in _run(conn, sql, params)])


class SQLiteDatabase:
    dialect = "sqlite"

    def __init__(self, path: str | Path, readers: int = 2) -> None:
        self.path = str(path)
        self._queries = load_queries(self.dialect)
        self._writer = _Thread(self.path)
        self._write = _Queries(self._writer, self._queries)
        self._write_lock = asyncio.Lock()
        self._readers = [_Thread(self.path) for _ in range(readers)]
        self._reads = itertools.cycle([_Queries(r, self._queries) for r in self._readers])

    async def open(self) -> None:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        await self._writer.open()
        assert self._writer.conn is not None
        writer = self._writer.conn
        await self._writer.call(lambda: writer.execute("PRAGMA journal_mode = WAL"))
        for reader in self._readers:
            await reader.open()

    async def close(self) -> None:
        for thread in (self._writer, *self._readers):
            await thread.close()

    def _is_read(self, query: str) -> bool:
        return self._queries[query].lstrip().upper().startswith("SELECT")

    async def execute(self, query: str, params: Params | None = None) -> int:
        async with self._write_lock:
            return await self._write.execute(query, params)

    async def fetch_one(self, query: str, params: Params | None = None) -> Row | None:
        rows = await self.fetch_all(query, params)
        return rows[0] if rows else None

    async def fetch_all(self, query: str, params: Params | None = None) -> list[Row]:
        if self._is_read(query):
            return await next(self._reads).fetch_all(query, params)
        async with self._write_lock:
            return await self._write.fetch_all(query, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._write_lock:
            conn = self._write._conn()
            await self._writer.call(lambda: conn.execute("BEGIN IMMEDIATE"))
            try:
                yield self._write
            except BaseException:
                await self._writer.call(lambda: conn.execute("ROLLBACK"))
                raise
            await self._writer.call(lambda: conn.execute("COMMIT"))

    async def migrate(self) -> list[str]:
        migrations = load_migrations(self.dialect)
        async with self._write_lock:
            conn = self._write._conn()
            return await self._writer.call(lambda: _apply_migrations(conn, migrations))

    async def run_script(self, sql: str) -> None:
        """Run raw SQL (tests and maintenance); not for request paths."""
        async with self._write_lock:
            conn = self._write._conn()
            await self._writer.call(lambda: conn.executescript(sql))


def _split_statements(script: str) -> list[str]:
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in current.splitlines()
    ):
        statements.append(current.strip())
    return statements


def _apply_migrations(
    conn: sqlite3.Connection, migrations: list[tuple[int, str, str]]
) -> list[str]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
    )
    applied: list[str] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        done = {row[0] for row in conn.execute("SELECT number FROM schema_migrations")}
        for number, name, sql in migrations:
            if number in done:
                continue
            for statement in _split_statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, ?)",
                (number, name, time.time()),
            )
            applied.append(name)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return applied
