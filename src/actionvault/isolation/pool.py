"""EnginePool: warm worker processes for the built-in engines and text extraction.

Documents come from users, and an engine's time and memory follow its input. A thread cannot
be stopped and shares the server's memory, so one hostile document could hold a worker slot
after its execution was cancelled or timed out, or take the whole server down with it. Here
each job runs in a separate process with an address-space limit and a watchdog on its
resident memory; cancelling the awaiting coroutine (cancel, `timeout_seconds`) terminates
the process at once, and the pool starts a fresh one in its place.

The pool is generic: it runs any module-level function with picklable arguments, so it
knows nothing of actions or file formats.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor
from concurrent.futures import CancelledError as FutureCancelled
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How often a worker process looks at its own resident memory.
_WATCH_SECONDS = 0.05
#: The exit code of a worker process that stopped itself for using too much memory.
_MEMORY_EXIT_CODE = 86


class EngineCrashed(Exception):
    """The process running the job ended before it answered (killed, crashed, out of memory)."""

    def __init__(self, exit_code: int | None) -> None:
        super().__init__(f"the engine process ended abnormally (exit code {exit_code})")
        self.exit_code = exit_code


class EngineOutOfMemory(Exception):
    """The job needed more memory than a worker process may use."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"the job needed more than {limit_bytes // 2**20} MB of memory")
        self.limit_bytes = limit_bytes


def _memory_bytes() -> tuple[int, int]:
    """The process's address space and resident memory, in bytes."""
    with open("/proc/self/statm", "rb") as statm:
        size, resident = statm.read().split()[:2]
    page = os.sysconf("SC_PAGE_SIZE")
    return int(size) * page, int(resident) * page


#: A process whose address space stays this close to its limit is out of memory even when no
#: allocation has failed yet: near the limit, an allocation-heavy loop can grind for minutes
#: between failures instead of raising MemoryError.
_PINNED_SHARE = 0.98
_PINNED_CHECKS = 20  # one second at _WATCH_SECONDS


def _watch_memory(limit: int) -> None:
    pinned = 0
    while True:
        time.sleep(_WATCH_SECONDS)
        try:
            size, resident = _memory_bytes()
        except MemoryError:  # even reading its own size fails: the process is out of memory
            os._exit(_MEMORY_EXIT_CODE)
        pinned = pinned + 1 if size > _PINNED_SHARE * limit else 0
        if resident > limit or pinned >= _PINNED_CHECKS:
            os._exit(_MEMORY_EXIT_CODE)


_M_ARENA_MAX = -8  # glibc's mallopt parameter


def _one_malloc_arena() -> None:
    """Under an address-space limit, glibc's per-thread malloc arenas (64 MB reserved each)
    make a thread near the limit cycle through arenas it cannot grow, for minutes, instead of
    failing at once with MemoryError; with one arena the failure comes at the first refusal."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, 1)


def _start_worker(memory_bytes: int | None, warm: Callable[[], object] | None) -> None:
    """Runs first in every worker process: the limits, then whatever makes the first job fast."""
    if memory_bytes:
        # The address-space limit turns a runaway allocation into a MemoryError in the job;
        # the watchdog catches growth the limit misses (memory mapped before it was set,
        # systems that ignore RLIMIT_AS).
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        _one_malloc_arena()
        if os.path.exists("/proc/self/statm"):
            threading.Thread(target=_watch_memory, args=(limit,), daemon=True).start()
    if warm is not None:
        warm()


class EnginePool:
    """A few warm processes; `run` awaits one job, and cancelling the await kills its process.

    The processes start on first use (a process that never runs an engine never pays for
    them) or at `start`, which servers call so that the first execution is fast.
    """

    def __init__(
        self,
        processes: int,
        memory_bytes: int | None,
        *,
        warm: Callable[[], object] | None = None,
    ) -> None:
        self.processes = processes
        self.memory_bytes = memory_bytes
        self._warm = warm
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the processes now (they load what the engines need) rather than at first use."""
        with self._lock:
            if self._pool is None:
                self._pool = self._new_pool()
                # Scheduling is what makes the pool start its processes.
                self._pool.schedule(os.getpid)

    def _new_pool(self) -> ProcessPool:
        return ProcessPool(
            max_workers=self.processes,
            initializer=_start_worker,
            initargs=(self.memory_bytes, self._warm),
            # A fresh interpreter: forking a process that runs an event loop and database
            # threads copies locks in unknown states.
            context=multiprocessing.get_context("spawn"),
        )

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a worker process; its exceptions are raised here."""
        with self._lock:
            if self._pool is None:
                self._pool = self._new_pool()
            pool = self._pool
        future = pool.schedule(function, args=args)
        try:
            return await asyncio.wrap_future(future)
        except ProcessExpired as exc:
            if exc.exitcode == _MEMORY_EXIT_CODE and self.memory_bytes:
                raise EngineOutOfMemory(self.memory_bytes) from None
            raise EngineCrashed(exc.exitcode) from None
        except MemoryError:
            raise EngineOutOfMemory(self.memory_bytes or 0) from None
        except BrokenExecutor:
            # Every process died before it could start (a broken install, a limit too low to
            # import anything): start over on the next job rather than fail every one after.
            log.error("the engine processes could not start; they will be started again")
            self.close()
            raise EngineCrashed(None) from None
        except FutureCancelled:
            raise asyncio.CancelledError from None
        finally:
            # Cancelling the awaiting task cancels the future, which makes the pool terminate
            # the process running it; a job still waiting for a process is dropped.
            future.cancel()  # type: ignore[no-untyped-call]

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()  # type: ignore[no-untyped-call]
            pool.join(timeout=5)
