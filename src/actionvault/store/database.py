"""The one seam between the stores and a SQL engine.

A store names a query and passes parameters; the Database runs that dialect's text of it.
Rows come back as plain dicts so that nothing above this module sees a driver type.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Row = dict[str, Any]
Params = dict[str, Any]


class Connection(Protocol):
    """Named-query access, either autocommitting or inside one transaction."""

    async def execute(self, query: str, params: Params | None = None) -> int:
        """Run a statement; the number of rows it changed."""
        ...

    async def fetch_one(self, query: str, params: Params | None = None) -> Row | None: ...

    async def fetch_all(self, query: str, params: Params | None = None) -> list[Row]: ...

    async def notify(self, channel: str, payload: str = "") -> None:
        """Tell other processes (PostgreSQL NOTIFY), at commit inside a transaction; a no-op
        where there is no such channel."""
        ...


class Database(Connection, Protocol):
    dialect: str

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """All statements on the yielded connection commit together or not at all."""
        ...

    def listen(self, *channels: str) -> AsyncIterator[tuple[str, str]] | None:
        """(channel, payload) as other processes notify, or None where that is not possible."""
        ...

    def on_write(self, callback: Callable[[], None]) -> None:
        """Call `callback` after each write this process commits, where no notification
        channel carries the news (SQLite); a no-op where one does."""
        ...

    async def migrate(self) -> list[str]:
        """Apply the migrations not yet applied; the names of those applied now."""
        ...

    async def close(self) -> None: ...


class IntegrityViolation(Exception):
    """A unique or foreign key constraint refused a write: which one, as the driver says it.

    `unique` is the SQLSTATE class (23505 on PostgreSQL, SQLITE_CONSTRAINT_UNIQUE or
    _PRIMARYKEY on SQLite); `table` and `constraint` or `columns` name what refused it.
    """

    def __init__(
        self,
        message: str,
        *,
        unique: bool = False,
        table: str | None = None,
        constraint: str | None = None,
        columns: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.unique = unique
        self.table = table
        self.constraint = constraint
        self.columns = columns
