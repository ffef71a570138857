"""What the services share with the adapters beyond the stores: the clock, the workers'
signal, and the errors a store raises for the services to turn into Vault errors.

The stores themselves are SQL over one seam, `store.database.Database`, which SQLite and
PostgreSQL implement; the services depend on the store classes directly (docs/design.md says
why there is no second, in-memory implementation of each).
"""

from __future__ import annotations

from typing import Protocol


class DuplicateExternalId(Exception):
    """ExecutionStore.create: another execution already holds this external id."""


class QueueFull(Exception):
    """ExecutionStore.create: the queue is at one of the new execution's limits."""

    def __init__(self, mine: int, total: int) -> None:
        super().__init__(f"{mine} queued for the user, {total} in all")
        self.mine = mine
        self.total = total


class Clock(Protocol):
    def __call__(self) -> float:
        """Seconds since the epoch."""
        ...


class WorkSignal(Protocol):
    """How execute and cancel reach the workers at once, instead of at their next poll."""

    def work_available(self) -> None: ...
    def cancel_requested(self, number: int) -> None: ...
