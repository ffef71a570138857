"""PostgreSQL behind the Database seam, on a psycopg connection pool.

psycopg is imported here only, and only when a postgresql:// URL is configured, so the
embedded default runs without the `postgres` extra installed.

When the server restarts or the network drops, every pooled connection is dead at once. The
first failure has the pool test its idle connections and replace the dead ones; a read is then
tried once more (reading twice is harmless); a write is not, since it may have committed before
the connection failed. Whatever still fails reaches the caller as ServiceUnavailable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from actionvault.errors import ServiceUnavailable
from actionvault.store.database import Connection, IntegrityViolation, Params, Row
from actionvault.store.queries import is_read_only, load_migrations, load_queries

if TYPE_CHECKING:
    from psycopg import AsyncConnection
    from psycopg_pool import AsyncConnectionPool

log = logging.getLogger(__name__)

# Any constant works; it only has to be the same in every process that migrates.
_MIGRATION_LOCK = 0x61637476


def _violation(exc: Exception) -> IntegrityViolation:
    import psycopg

    diag = exc.diag if isinstance(exc, psycopg.Error) else None
    return IntegrityViolation(
        str(exc),
        unique=isinstance(exc, psycopg.errors.UniqueViolation),
        table=diag.table_name if diag else None,
        constraint=diag.constraint_name if diag else None,
    )


class _Queries:
    def __init__(self, conn: AsyncConnection[Any], queries: dict[str, str]) -> None:
        self._conn = conn
        self._queries = queries

    async def execute(self, query: str, params: Params | None = None) -> int:
        import psycopg

        try:
            cur = await self._conn.execute(self._queries[query], params or {})
        except psycopg.errors.IntegrityError as exc:
            raise _violation(exc) from exc
        return cur.rowcount

    async def fetch_one(self, query: str, params: Params | None = None) -> Row | None:
        rows = await self.fetch_all(query, params)
        return rows[0] if rows else None

    async def fetch_all(self, query: str, params: Params | None = None) -> list[Row]:
        import psycopg

        try:
            cur = await self._conn.execute(self._queries[query], params or {})
        except psycopg.errors.IntegrityError as exc:
            raise _violation(exc) from exc
        # The result's field count, not `description`, which builds column objects each time.
        result = cur.pgresult
        return list(await cur.fetchall()) if result is not None and result.nfields else []

    async def notify(self, channel: str, payload: str = "") -> None:
        await self._conn.execute("SELECT pg_notify(%s, %s)", (channel, payload))


class PostgresDatabase:
    dialect = "postgres"

    def __init__(
        self, url: str, min_size: int = 2, max_size: int = 10, wait_timeout: float = 10.0
    ) -> None:
        self.url = url
        self._queries = load_queries(self.dialect)
        self._reads = {name for name, sql in self._queries.items() if is_read_only(sql)}
        self._wait_timeout = wait_timeout
        self._checking = False
        self._min_size = min_size
        self._max_size = max_size
        self._pool: AsyncConnectionPool[Any] | None = None

    async def open(self) -> None:
        try:
            from psycopg.rows import dict_row
            from psycopg_pool import AsyncConnectionPool
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise RuntimeError(
                "A postgresql:// database URL needs the PostgreSQL driver: "
                "pip install 'actionvault[postgres]'"
            ) from exc
        self._pool = AsyncConnectionPool(
            self.url,
            min_size=self._min_size,
            max_size=self._max_size,
            kwargs={"autocommit": True, "row_factory": dict_row},
            # A request waits this long for a connection, then answers ServiceUnavailable.
            timeout=self._wait_timeout,
            open=False,
        )
        await self._pool.open(wait=True, timeout=30)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    @property
    def pool(self) -> AsyncConnectionPool[Any]:
        assert self._pool is not None, "database is not open"
        return self._pool

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        import psycopg

        try:
            async with self.pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            await self._after_failure(exc)
            raise ServiceUnavailable() from exc

    async def _after_failure(self, exc: Exception) -> None:
        """Replace the pool's dead connections, unless the pool itself timed out."""
        from psycopg_pool import PoolTimeout

        log.warning("PostgreSQL: %s", str(exc).strip() or type(exc).__name__)
        if isinstance(exc, PoolTimeout) or self._checking:
            return  # one check at a time: a burst of failing requests must not queue them
        self._checking = True
        try:
            with contextlib.suppress(Exception):
                await self.pool.check()
        finally:
            self._checking = False

    async def execute(self, query: str, params: Params | None = None) -> int:
        async with self._connection() as conn:
            return await _Queries(conn, self._queries).execute(query, params)

    async def fetch_one(self, query: str, params: Params | None = None) -> Row | None:
        rows = await self.fetch_all(query, params)
        return rows[0] if rows else None

    async def fetch_all(self, query: str, params: Params | None = None) -> list[Row]:
        try:
            return await self._fetch_all(query, params)
        except ServiceUnavailable as exc:
            from psycopg_pool import PoolTimeout

            if query not in self._reads or isinstance(exc.__cause__, PoolTimeout):
                raise
        return await self._fetch_all(query, params)  # a read, on a fresh connection

    async def _fetch_all(self, query: str, params: Params | None) -> list[Row]:
        async with self._connection() as conn:
            return await _Queries(conn, self._queries).fetch_all(query, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._connection() as conn, conn.transaction():
            yield _Queries(conn, self._queries)

    async def notify(self, channel: str, payload: str = "") -> None:
        async with self._connection() as conn:
            await _Queries(conn, self._queries).notify(channel, payload)

    def listen(self, *channels: str) -> AsyncIterator[tuple[str, str]] | None:
        return self._listen(channels)

    async def _listen(self, channels: tuple[str, ...]) -> AsyncIterator[tuple[str, str]]:
        """Notifications on a connection of their own, reconnecting after a failure.

        After a reconnect a ("", "") item is yielded: notifications may have been missed, so
        the listener should look for work as if woken.
        """
        import psycopg

        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
                    for channel in channels:
                        await conn.execute(f"LISTEN {channel}".encode())
                    delay = 0.5
                    yield "", ""
                    async for note in conn.notifies():
                        yield note.channel, note.payload
            except psycopg.OperationalError:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    def on_write(self, callback: Callable[[], None]) -> None:
        """Nothing to do: NOTIFY tells every process, this one included."""

    async def migrate(self) -> list[str]:
        applied: list[str] = []
        async with self.pool.connection() as conn, conn.transaction():
            # Several processes may start at once; the lock lets one migrate, the rest see it done.
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            cur = await conn.execute("SELECT number FROM schema_migrations")
            done = {row["number"] for row in await cur.fetchall()}
            for number, name, sql in load_migrations(self.dialect):
                if number in done:
                    continue
                await conn.execute(sql.encode())
                await conn.execute(
                    "INSERT INTO schema_migrations (number, name) VALUES (%s, %s)",
                    (number, name),
                )
                applied.append(name)
        return applied
