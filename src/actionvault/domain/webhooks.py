"""Webhooks: endpoints told of execution events, and the deliveries that tell them.

A delivery is one event owed to one endpoint. It is written in the transaction of its event
(the store's trigger), sent at least once by a dispatcher in a worker process, retried with
exponential back-off and jitter while its retry window lasts, then given up as failed, from
where an administrator may send it again. The rules here are pure: what a target address may
be, how long to wait before the next attempt, what a payload holds.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from actionvault.domain.event_wire import event_wire
from actionvault.domain.events import EventType, ExecutionEvent

#: What a new webhook is sent when no types are chosen: the end of each execution.
DEFAULT_EVENT_TYPES = frozenset({EventType.SUCCEEDED, EventType.FAILED, EventType.CANCELLED})
MAX_URL_LENGTH = 2000


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting until next_attempt_at (at once when new)
    DELIVERING = "delivering"  # leased to one dispatcher, being sent
    SUCCEEDED = "succeeded"  # the endpoint answered 2xx
    FAILED = "failed"  # every attempt failed and the retry window has ended


@dataclass(frozen=True, slots=True)
class Webhook:
    id: int
    url: str
    secret: str
    event_types: frozenset[EventType]
    agent_name: str | None
    enabled: bool
    description: str
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One attempt of a delivery: the receiver's status, or why there was none."""

    attempt: int
    at: float
    status: int | None
    error: str | None
    response_ms: float | None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    webhook_id: int
    event_id: int
    execution_number: int
    state: DeliveryState
    attempts: int
    next_attempt_at: float
    window_start: float
    created_at: float
    last_status: int | None = None
    last_error: str | None = None
    last_response_ms: float | None = None
    last_attempt_at: float | None = None
    finished_at: float | None = None
    #: The latest attempts, oldest first (at most the last 20).
    history: tuple[AttemptRecord, ...] = ()

    @property
    def message_id(self) -> str:
        """The `webhook-id` header: the same on every attempt, so receivers can de-duplicate."""
        return f"msg_{self.id}"


class TargetRefused(ValueError):
    """Why a URL may not receive webhooks; the message says what to change."""


@functools.lru_cache(maxsize=1024)
def check_target_url(url: str) -> tuple[str, int]:
    """The host and port of an http(s) URL fit to be a target, or TargetRefused. Kept per URL:
    every attempt checks its webhook's URL again."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"the URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused("not a valid URL") from None
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("use an http:// or https:// URL")
    if not parts.hostname:
        raise TargetRefused("the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("credentials in the URL are not allowed; verify the signature")
    if parts.fragment:
        raise TargetRefused("a URL with a #fragment is not allowed")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def refused_address(address: str) -> str | None:
    """Why an IP address is private (loopback, private range, link-local...), or None when it
    is a public address on the internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if not ip.is_global or ip.is_multicast:
        return f"{ip} is a private or reserved address"
    return None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """`min(max_delay, base * 2**(attempts-1))`, times a jitter factor in [0.5, 1), for as long
    as the window lasts; the last attempt is made when the window ends."""

    window: float
    base: float
    max_delay: float

    def next_attempt(
        self, attempts: int, window_start: float, now: float, jitter: float
    ) -> float | None:
        """When to try again after `attempts` failed ones, or None: give up now."""
        end = window_start + self.window
        if now >= end:
            return None
        delay = min(self.max_delay, self.base * 2.0 ** max(attempts - 1, 0)) * (0.5 + jitter / 2)
        return min(now + delay, end)


def payload(event: ExecutionEvent) -> dict[str, Any]:
    """The Standard Webhooks body: an event type, when it happened, and the event itself."""
    return {
        "type": f"execution.{event.type.value}",
        "timestamp": datetime.fromtimestamp(event.at, UTC).isoformat(timespec="milliseconds"),
        "data": event_wire(event),
    }


def parse_event_types(names: list[str]) -> frozenset[EventType]:
    """Event type names (`succeeded` or `execution.succeeded`) as EventTypes; ValueError
    naming the first that is not one."""
    found: set[EventType] = set()
    for name in names:
        bare = name.strip().lower().removeprefix("execution.")
        try:
            found.add(EventType(bare))
        except ValueError:
            raise ValueError(name) from None
    return frozenset(found)


def frame_types(types: frozenset[EventType]) -> str:
    """As stored: comma-framed, so that a trigger matches a type with one search."""
    return f",{','.join(sorted(types))},"


def unframe_types(stored: str) -> frozenset[EventType]:
    return frozenset(EventType(name) for name in stored.split(",") if name)
