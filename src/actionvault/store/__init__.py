"""Persistence adapters: one Database seam, SQLite and PostgreSQL behind it."""

from __future__ import annotations

from dataclasses import dataclass

from actionvault.store.audit import SQLAuditStore
from actionvault.store.chats import SQLChatStore
from actionvault.store.content import SQLContentStore
from actionvault.store.database import Database
from actionvault.store.events import SQLEventStore
from actionvault.store.executions import SQLExecutionStore
from actionvault.store.mcp import SQLMcpStore
from actionvault.store.users import SQLUserStore
from actionvault.store.webhooks import SQLWebhookStore

__all__ = ["Stores", "open_database", "open_stores"]


@dataclass(frozen=True, slots=True)
class Stores:
    database: Database
    executions: SQLExecutionStore
    content: SQLContentStore
    users: SQLUserStore
    audit: SQLAuditStore
    chats: SQLChatStore
    mcp: SQLMcpStore
    events: SQLEventStore
    webhooks: SQLWebhookStore


async def open_database(url: str) -> Database:
    """Open (and migrate) the database a URL names: sqlite:///path or postgresql://..."""
    db: Database
    if url.startswith("sqlite:///"):
        from actionvault.store.sqlite import SQLiteDatabase

        sqlite_db = SQLiteDatabase(url.removeprefix("sqlite:///"))
        await sqlite_db.open()
        db = sqlite_db
    elif url.startswith(("postgresql://", "postgres://")):
        from actionvault.store.postgres import PostgresDatabase

        pg_db = PostgresDatabase(url)
        await pg_db.open()
        db = pg_db
    else:
        raise ValueError(
            f"Unsupported database URL {url!r}: use sqlite:///PATH or postgresql://USER@HOST/DB"
        )
    await db.migrate()
    return db


async def open_stores(url: str) -> Stores:
    db = await open_database(url)
    executions: SQLExecutionStore
    webhooks: SQLWebhookStore
    if db.dialect == "postgres":
        from actionvault.store.postgres_executions import PostgresExecutionStore
        from actionvault.store.postgres_webhooks import PostgresWebhookStore

        executions = PostgresExecutionStore(db)
        webhooks = PostgresWebhookStore(db)
    else:
        executions = SQLExecutionStore(db)
        webhooks = SQLWebhookStore(db)
    return Stores(
        db,
        executions,
        SQLContentStore(db),
        SQLUserStore(db),
        SQLAuditStore(db),
        SQLChatStore(db),
        SQLMcpStore(db),
        SQLEventStore(db),
        webhooks,
    )
