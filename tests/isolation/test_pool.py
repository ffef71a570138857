"""EnginePool: jobs run in worker processes that a cancel, a timeout or a limit can stop."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import engine_jobs
from actionvault.errors import ActionFailed
from actionvault.isolation import EngineCrashed, EngineOutOfMemory, EnginePool


@pytest.fixture(scope="module")
def pool() -> Iterator[EnginePool]:
    pool = EnginePool(1, 512 * 2**20)
    yield pool
    pool.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child is a zombie until the pool reaps it: that is not running.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def _read_marker(marker: Path) -> str:
    return marker.read_text() if marker.exists() else ""


async def _marker_pid(marker: Path) -> int:
    deadline = time.monotonic() + 20
    while not (written := _read_marker(marker)):
        assert time.monotonic() < deadline, "the job never started"
        await asyncio.sleep(0.02)
    return int(written)


async def test_a_job_runs_in_another_process_and_answers(pool: EnginePool) -> None:
    assert await pool.run(engine_jobs.add, 2, 3) == 5
    assert await pool.run(engine_jobs.process_id) != os.getpid()


async def test_an_action_failure_keeps_its_vault_type_across_processes(pool: EnginePool) -> None:
    with pytest.raises(ActionFailed) as raised:
        await pool.run(engine_jobs.fail_as_vault, "no text")
    assert (raised.value.message, raised.value.vault_type) == ("no text", "INVALID_DATA")


async def test_a_job_past_the_memory_limit_is_stopped_and_the_pool_goes_on(
    pool: EnginePool,
) -> None:
    with pytest.raises(EngineOutOfMemory) as raised:
        await pool.run(engine_jobs.allocate_without_end)
    assert raised.value.limit_bytes == 512 * 2**20
    assert await pool.run(engine_jobs.add, 1, 1) == 2


async def test_a_process_that_dies_fails_its_job_once_and_is_replaced(pool: EnginePool) -> None:
    with pytest.raises(EngineCrashed) as raised:
        await pool.run(engine_jobs.exit_abruptly)
    assert raised.value.exit_code == 3
    assert await pool.run(engine_jobs.add, 1, 2) == 3


async def test_cancelling_the_await_kills_the_process_running_the_job(
    pool: EnginePool, tmp_path: Path
) -> None:
    marker = tmp_path / "pid"
    job = asyncio.ensure_future(pool.run(engine_jobs.spin, str(marker)))
    pid = await _marker_pid(marker)
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    deadline = time.monotonic() + 1.5
    while _alive(pid):
        assert time.monotonic() < deadline, "the engine process kept running after cancel"
        await asyncio.sleep(0.02)
    assert await pool.run(engine_jobs.add, 2, 2) == 4


async def test_a_timeout_stops_the_job_in_its_process(pool: EnginePool, tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(pool.run(engine_jobs.spin, str(marker)), 1.0)
    pid = await _marker_pid(marker)
    deadline = time.monotonic() + 1.5
    while _alive(pid):
        assert time.monotonic() < deadline, "the engine process kept running after the timeout"
        await asyncio.sleep(0.02)
