"""SQLite behind the Database seam: queries run on the event loop, waits run on a thread.

Queries first run on the loop against connections that never wait; a "busy" answer sends the
query to a thread whose connection waits. Writes in a process are serialised by an asyncio lock,
across processes by SQLite's own; that thread also checkpoints the WAL, holding the write lock,
so the file starts over instead of growing. docs/design.md ("SQLite") explains why.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

from actionvault.store.database import Connection, IntegrityViolation, Params, Row
from actionvault.store.queries import is_read_only, load_migrations, load_queries

T = TypeVar("T")
log = logging.getLogger(__name__)

_BUSY_TIMEOUT_MS = 15_000
_CHECKPOINT_SECONDS = 1.0
_WAL_LIMIT_BYTES = 64 * 1024 * 1024
_PASSIVE_ROUNDS_BEHIND = 5
#: Page cache per connection on the loop, in KiB (SQLite's default is 2 MiB).
_CACHE_KIB = 16_384
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def _connect(path: str, busy_timeout_ms: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # NORMAL in WAL mode loses nothing on a process crash, only on power loss.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    return conn


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in _BUSY_CODES or "locked" in str(exc)


def _run(conn: sqlite3.Connection, sql: str, params: Params | None) -> sqlite3.Cursor:
    try:
        return conn.execute(sql, params or {})
    except sqlite3.IntegrityError as exc:
        raise _violation(exc) from exc


def _violation(exc: sqlite3.IntegrityError) -> IntegrityViolation:
    """SQLite names a unique constraint only by its columns: "UNIQUE constraint failed: t.c"."""
    name = getattr(exc, "sqlite_errorname", "")
    unique = name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")
    table: str | None = None
    columns: tuple[str, ...] = ()
    if unique and ": " in str(exc):
        qualified = [c.strip() for c in str(exc).split(": ", 1)[1].split(",")]
        table = qualified[0].split(".")[0]
        columns = tuple(c.split(".")[-1] for c in qualified)
    return IntegrityViolation(str(exc), unique=unique, table=table, columns=columns)


def _rows(conn: sqlite3.Connection, sql: str, params: Params | None) -> list[Row]:
    # Plain tuples zipped with the column names: several times faster than dict(sqlite3.Row).
    cursor = _run(conn, sql, params)
    if cursor.description is None:
        return []
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _count(conn: sqlite3.Connection, sql: str, params: Params | None) -> int:
    return _run(conn, sql, params).rowcount


class _Waiting:
    """The connection that may wait for a lock, and the single thread allowed to use it."""

    def __init__(self, path: str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._path = path
        self.conn: sqlite3.Connection | None = None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self.conn = await loop.run_in_executor(
            self._executor, _connect, self._path, _BUSY_TIMEOUT_MS
        )

    async def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self.conn
        assert conn is not None, "database is not open"
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, conn)

    async def close(self) -> None:
        if self.conn is not None:
            await self.call(lambda conn: conn.close())
        self._executor.shutdown(wait=True)


class _Direct:
    """Named queries on one connection inside a transaction this process holds the lock of."""

    def __init__(self, conn: sqlite3.Connection, queries: dict[str, str]) -> None:
        self._conn = conn
        self._queries = queries

    async def execute(self, query: str, params: Params | None = None) -> int:
        return _count(self._conn, self._queries[query], params)

    async def fetch_one(self, query: str, params: Params | None = None) -> Row | None:
        rows = _rows(self._conn, self._queries[query], params)
        return rows[0] if rows else None

    async def fetch_all(self, query: str, params: Params | None = None) -> list[Row]:
        return _rows(self._conn, self._queries[query], params)

    async def notify(self, channel: str, payload: str = "") -> None:
        """Nothing to tell: SQLite has no channel between processes."""


class _Threaded:
    """The same, on the waiting connection's thread."""

    def __init__(self, waiting: _Waiting, queries: dict[str, str]) -> None:
        self._waiting = waiting
        self._queries = queries

    async def execute(self, query: str, params: Params | None = None) -> int:
        sql = self._queries[query]
        return await self._waiting.call(lambda conn: _count(conn, sql, params))

    async def fetch_one(self, query: str, params: Params | None = None) -> Row | None:
        rows = await self.fetch_all(query, params)
        return rows[0] if rows else None

    async def fetch_all(self, query: str, params: Params | None = None) -> list[Row]:
        sql = self._queries[query]
        return await self._waiting.call(lambda conn: _rows(conn, sql, params))

    async def notify(self, channel: str, payload: str = "") -> None:
        """Nothing to tell: SQLite has no channel between processes."""


class SQLiteDatabase:
    dialect = "sqlite"

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._queries = load_queries(self.dialect)
        self._reads = {name for name, sql in self._queries.items() if is_read_only(sql)}
        self._waiting = _Waiting(self.path)
        self._writer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._checkpoints: asyncio.Task[None] | None = None
        self._write_listeners: list[Callable[[], None]] = []

    def on_write(self, callback: Callable[[], None]) -> None:
        self._write_listeners.append(callback)

    def _written(self) -> None:
        for callback in self._write_listeners:
            callback()

    async def open(self) -> None:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        await self._waiting.open()
        await self._waiting.call(lambda conn: conn.execute("PRAGMA journal_mode = WAL").fetchall())
        self._writer = _connect(self.path, 0)
        self._reader = _connect(self.path, 0)
        for conn in (self._writer, self._reader):
            conn.execute("PRAGMA wal_autocheckpoint = 0")
            conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        # When the WAL starts over, the file is cut back to this size.
        self._writer.execute(f"PRAGMA journal_size_limit = {_WAL_LIMIT_BYTES}")
        self._checkpoints = asyncio.create_task(self._checkpoint_loop(), name="sqlite-checkpoint")

    async def _checkpoint_loop(self) -> None:
        behind = 0
        while True:
            await asyncio.sleep(_CHECKPOINT_SECONDS)
            try:
                frames, copied = await self.checkpoint()
                # Other processes' writes can keep a passive checkpoint from catching up;
                # after a few such rounds, one that waits for them gets the WAL to start over.
                behind = behind + 1 if copied < frames else 0
                if behind >= _PASSIVE_ROUNDS_BEHIND:
                    await self.checkpoint("RESTART")
                    behind = 0
            except sqlite3.Error as exc:
                log.warning("SQLite checkpoint failed (%s); trying again", exc)

    async def checkpoint(self, mode: str = "PASSIVE") -> tuple[int, int]:
        """Copy the WAL into the database; (frames in the WAL, frames copied)."""
        assert mode in ("PASSIVE", "RESTART")
        async with self._write_lock:
            row = await self._waiting.call(
                lambda conn: conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
            )
        return int(row[1]), int(row[2])

    async def close(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checkpoints
        for conn in (self._writer, self._reader):
            if conn is not None:
                conn.close()
        await self._waiting.close()

    async def execute(self, query: str, params: Params | None = None) -> int:
        sql = self._queries[query]
        assert self._writer is not None, "database is not open"
        try:
            async with self._write_lock:
                try:
                    return _count(self._writer, sql, params)
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                return await self._waiting.call(lambda conn: _count(conn, sql, params))
        finally:
            self._written()

    async def fetch_one(self, query: str, params: Params | None = None) -> Row | None:
        rows = await self.fetch_all(query, params)
        return rows[0] if rows else None

    async def fetch_all(self, query: str, params: Params | None = None) -> list[Row]:
        sql = self._queries[query]
        assert self._writer is not None, "database is not open"
        assert self._reader is not None, "database is not open"
        if query in self._reads:
            try:
                return _rows(self._reader, sql, params)
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
            return await self._waiting.call(lambda conn: _rows(conn, sql, params))
        try:
            async with self._write_lock:
                try:
                    return _rows(self._writer, sql, params)
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                return await self._waiting.call(lambda conn: _rows(conn, sql, params))
        finally:
            self._written()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._transaction() as tx:
            yield tx
        self._written()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Connection]:
        writer = self._writer
        assert writer is not None, "database is not open"
        async with self._write_lock:
            try:
                writer.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
            else:
                try:
                    yield _Direct(writer, self._queries)
                except BaseException:
                    writer.execute("ROLLBACK")
                    raise
                writer.execute("COMMIT")
                return
            # Another process holds the write lock: wait for it on the thread.
            await self._waiting.call(lambda conn: conn.execute("BEGIN IMMEDIATE"))
            try:
                yield _Threaded(self._waiting, self._queries)
            except BaseException:
                await self._waiting.call(lambda conn: conn.execute("ROLLBACK"))
                raise
            await self._waiting.call(lambda conn: conn.execute("COMMIT"))

    async def notify(self, channel: str, payload: str = "") -> None:
        """SQLite has no channel between processes; in-process signals and polling suffice."""

    def listen(self, *channels: str) -> AsyncIterator[tuple[str, str]] | None:
        return None

    async def migrate(self) -> list[str]:
        migrations = load_migrations(self.dialect)
        async with self._write_lock:
            return await self._waiting.call(lambda conn: _apply_migrations(conn, migrations))


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
