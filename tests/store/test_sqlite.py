"""SQLite specifics: the WAL is checkpointed off the event loop and still starts over."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from actionvault.store.sqlite import SQLiteDatabase


async def write_event(db: SQLiteDatabase, detail: str = "{}") -> None:
    """One row in the WAL; a long `detail` makes each write span more pages."""
    await db.execute(
        "insert_audit_event",
        {"at": time.time(), "kind": "login", "user_id": None, "username": "u",
         "outcome": "success", "subject": None, "detail": detail, "client_id": None},
    )  # fmt: skip


async def test_a_checkpoint_during_steady_writes_catches_up_and_the_wal_starts_over(
    tmp_path: Path,
) -> None:
    db = SQLiteDatabase(tmp_path / "av.db")
    await db.open()
    try:
        await db.migrate()
        stop = asyncio.Event()

        async def write() -> int:
            count = 0
            while not stop.is_set():
                await write_event(db, "{}" * 200)
                count += 1
                await asyncio.sleep(0)  # as requests do: other work runs between writes
            return count

        writer = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        wal = tmp_path / "av.db-wal"
        grown = wal.stat().st_size
        frames, copied = await db.checkpoint()  # while the writer keeps writing
        stop.set()
        assert await writer > 100
        assert frames > 0
        assert copied == frames  # caught up: SQLite may now write the WAL from the start
        await write_event(db)
        frames_after, _ = await db.checkpoint()
        assert frames_after < frames  # the WAL started over instead of growing
        assert wal.stat().st_size <= max(grown, 64 * 1024 * 1024)
    finally:
        await db.close()


async def test_a_restart_checkpoint_starts_the_wal_over_while_another_process_writes(
    tmp_path: Path,
) -> None:
    mine, theirs = SQLiteDatabase(tmp_path / "av.db"), SQLiteDatabase(tmp_path / "av.db")
    await mine.open()
    await mine.migrate()
    await theirs.open()  # another process: its own connections and its own write lock
    try:
        stop = asyncio.Event()

        async def write() -> None:
            while not stop.is_set():
                await write_event(theirs, "{}" * 200)
                await asyncio.sleep(0)

        writer = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        frames, copied = await mine.checkpoint("RESTART")
        await asyncio.sleep(0.05)  # their next writes start the WAL from the beginning
        stop.set()
        await writer
        assert copied == frames > 0
        frames_after, _ = await mine.checkpoint()
        assert frames_after < frames
    finally:
        await theirs.close()
        await mine.close()
