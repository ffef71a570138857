"""How often one may try to log in: Vault's auth burst limit, and a growing delay after failures.

Both count in this process's memory, in tables of bounded size: login stays off the database,
and several API processes each count their own share.

Failures are counted per source address and per user name, whether or not the user exists, so
the answers never tell an existing name from an unknown one. From `threshold` failures on, each
further attempt must wait a delay that doubles with every failure up to `max_delay`:

- an address past its threshold is refused whatever the user name;
- a user name past its threshold is refused only to addresses that have failed themselves, so
  a stranger guessing an administrator's password cannot lock the administrator out: the right
  password from an address that has not been failing still logs in.

A table forgets an address or name once it has gone `max_delay` seconds past its last failure
and its delay without failing again, and its least recently seen entry when it is full.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

from actionvault.ports import Clock

_AUTH_WINDOW = 60.0
T = TypeVar("T")


class _Table(Generic[T]):
    """A dict that keeps its `capacity` most recently used keys."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[str, T] = OrderedDict()

    def get(self, key: str) -> T | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: str, item: T) -> None:
        self._items[key] = item
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def pop(self, key: str) -> None:
        self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class AuthBurst:
    """Vault's auth burst limit: logins per user name per one-minute window.

    From half the limit answers are delayed; at the limit they are refused until the window
    ends.
    """

    def __init__(self, limit: int, clock: Clock, capacity: int) -> None:
        self.limit = limit
        self._clock = clock
        self._window = -1
        self._counts: _Table[int] = _Table(capacity)

    def hit(self, username: str) -> tuple[int, float]:
        """The count so far in this window (this call included) and seconds until it ends."""
        now = self._clock()
        window = int(now // _AUTH_WINDOW)
        if window != self._window:
            self._window = window
            self._counts.clear()
        key = username.strip().lower()
        count = (self._counts.get(key) or 0) + 1
        self._counts.put(key, count)
        return count, (window + 1) * _AUTH_WINDOW - now


@dataclass(slots=True)
class _Failures:
    count: int
    last_at: float
    retry_at: float


@dataclass(frozen=True, slots=True)
class Refusal:
    """An attempt refused before its password was checked: whose failures, and for how long."""

    by_address: bool
    wait_seconds: float


class LoginThrottle:
    def __init__(
        self,
        clock: Clock,
        *,
        threshold: int,
        first_delay: float,
        max_delay: float,
        capacity: int,
    ) -> None:
        self._clock = clock
        self._threshold = threshold
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._addresses: _Table[_Failures] = _Table(capacity)
        self._names: _Table[_Failures] = _Table(capacity)

    def check(self, address: str, username: str) -> Refusal | None:
        """Whether this attempt must wait; None when its password may be checked."""
        now = self._clock()
        by_address = self._recent(self._addresses, address, now)
        if by_address is not None and by_address.retry_at > now:
            return Refusal(True, by_address.retry_at - now)
        by_name = self._recent(self._names, _name_key(username), now)
        if by_address is not None and by_name is not None and by_name.retry_at > now:
            return Refusal(False, by_name.retry_at - now)
        return None

    def failed(self, address: str, username: str | None) -> None:
        now = self._clock()
        self._count(self._addresses, address, now)
        if username:
            self._count(self._names, _name_key(username), now)

    def succeeded(self, username: str) -> None:
        """The name's failures are forgotten; the address's are not, so that logging in to an
        account of one's own does not wipe out failures against another's."""
        self._names.pop(_name_key(username))

    def _recent(self, table: _Table[_Failures], key: str, now: float) -> _Failures | None:
        entry = table.get(key)
        if entry is not None and now - max(entry.last_at, entry.retry_at) > self._max_delay:
            table.pop(key)
            return None
        return entry

    def _count(self, table: _Table[_Failures], key: str, now: float) -> None:
        entry = self._recent(table, key, now) or _Failures(0, now, now)
        entry.count += 1
        entry.last_at = now
        if entry.count >= self._threshold:
            doublings = min(entry.count - self._threshold, 32)
            entry.retry_at = now + min(self._first_delay * 2.0**doublings, self._max_delay)
        table.put(key, entry)

    def __len__(self) -> int:
        return len(self._addresses) + len(self._names)


def _name_key(username: str) -> str:
    return username.strip().lower()
