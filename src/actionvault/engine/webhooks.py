"""The webhook dispatcher: claim due deliveries from the outbox, sign them, send them.

Every worker process runs one. A loop claims small batches of due deliveries (a lease each, and
SKIP LOCKED on PostgreSQL, so each is sent by one process at a time) and sends each in a task of
its own, up to `concurrency` at once and `per_endpoint` to any one endpoint: an endpoint that
is slow or down holds at most its own slots, never the others' nor the executions'. Between
claims the loop only reads when the next delivery is due, so an idle server writes nothing.
Delivery is at least once: a process killed after sending but before recording sends again
after its lease lapses, under the same `webhook-id`.

A delivery is made as often as an execution ends, so its path is kept short: a claim reads
its batch's webhooks and events in one statement, requests go through a client made for them
(`webhook_client`), and outcomes are recorded a batch per transaction, the next claim's when one
comes soon enough. While claims keep taking something, the next one is made without first
asking whether anything is due.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import socket
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from standardwebhooks import Webhook as Signer

from actionvault.domain.events import ExecutionEvent
from actionvault.domain.webhooks import Delivery, RetryPolicy, TargetRefused, Webhook, payload
from actionvault.engine.webhook_client import DeliveryClient, DeliveryError, Resolver
from actionvault.ports import Clock
from actionvault.store.webhooks import Message, Outcome, SQLWebhookStore

log = logging.getLogger(__name__)

_BATCH = 32
#: Outcomes wait at most this long, or for this many more, to be recorded in one transaction.
_RECORD_SECONDS = 0.02
_RECORD_BATCH = 64
#: How long a dispatcher woken by news of work waits for more before it claims: under load a
#: claim then takes a batch worth its transaction (a claim costs about 0.17 ms on SQLite before
#: the first delivery in it), and a webhook arrives at most this much later.
_GATHER_SECONDS = 0.03
#: How many times its slots an endpoint's line of claimed deliveries may hold, so that a claim
#: made when the line runs dry takes what gathered meanwhile in one batch.
_LINE = 3


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one attempt came to."""

    succeeded: bool
    status: int | None = None
    error: str | None = None
    response_ms: float | None = None
    give_up: bool = False  # no point retrying (the webhook was disabled)


@functools.lru_cache(maxsize=256)
def _signer(secret: str) -> Signer:
    """The signer of a secret, kept: making one decodes the secret every time."""
    return Signer(secret)


def signed_request(
    webhook: Webhook, delivery: Delivery, event: ExecutionEvent, now: float
) -> tuple[bytes, list[tuple[str, str]]]:
    """The body and headers of a delivery, signed as Standard Webhooks says."""
    body = orjson.dumps(payload(event))
    moment = datetime.fromtimestamp(int(now), UTC)
    signature = _signer(webhook.secret).sign(delivery.message_id, moment, body.decode())
    return body, [
        ("content-type", "application/json"),
        ("webhook-id", delivery.message_id),
        ("webhook-timestamp", str(int(now))),
        ("webhook-signature", signature),
    ]


class Dispatcher:
    def __init__(
        self,
        store: SQLWebhookStore,
        clock: Clock,
        *,
        policy: RetryPolicy,
        resolve: Resolver | None = None,
        timeout: float = 10.0,
        concurrency: int = 64,
        per_endpoint: int = 8,
        poll_interval: float = 1.0,
        notifications: AsyncIterator[tuple[str, str]] | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._store = store
        self._clock = clock
        self._policy = policy
        self._timeout = timeout
        self._concurrency = concurrency
        self._per_endpoint = per_endpoint
        # What one endpoint may hold, sending and in line: its line is up to `_LINE` times its
        # slots, within half of what the process holds (so that a dead endpoint leaves the
        # other half to the others), and at least as long as its slots, so that an endpoint
        # with every slot busy can still be claimed for (a share no larger than the slots would
        # make every claim ask for nothing while they are).
        self._endpoint_share = max(
            2 * per_endpoint, min((_LINE + 1) * per_endpoint, concurrency // 2)
        )
        self._poll_interval = poll_interval
        self._notifications = notifications
        self._jitter = jitter
        # Outlasts a wait for a slot (at most `_LINE` requests' time: an endpoint holds no more
        # waiting than that many times its slots), the request and its recording, so that a
        # live sender is rarely taken over (and if it is, the delivery is only sent twice, under
        # one webhook-id).
        self._lease = (_LINE + 1) * timeout + max(timeout, 5.0)
        self._wake = asyncio.Event()
        self._more_due = False
        # The last claim took something: under load the next one is likely to as well, so it
        # claims without first asking whether anything is due (a read as costly as a claim
        # that finds nothing). One that comes back empty brings the asking back.
        self._took = False
        # Set when slots came free (a claim is worth making at once), not by news of work.
        self._freed = asyncio.Event()
        self._stopping = False
        self._sending: dict[asyncio.Task[None], Delivery] = {}
        # Per endpoint: deliveries being sent, and claimed ones waiting for one of its slots.
        # A claim takes up to `_LINE` sets of slots' worth for an endpoint whose waiting line is
        # empty, so the next batch is at hand as soon as a request ends. Each slot is a task
        # that goes on to the next in its endpoint's line.
        self._active: dict[int, int] = {}
        self._waiting: dict[int, deque[Message]] = {}
        self._loops: list[asyncio.Task[None]] = []
        # Connections are kept per endpoint across deliveries, as many as may be in use at once.
        # A new connection goes to the addresses `resolve` checked for the host, nowhere else.
        self._http = DeliveryClient(timeout=timeout, keep_per_origin=per_endpoint, resolve=resolve)
        self._outcomes: list[tuple[Outcome, Delivery, Attempt]] = []
        self._flushing: asyncio.Task[None] | None = None

    def work_available(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._loops = [asyncio.create_task(self._claim_loop(), name="actionvault-webhooks")]
        if self._notifications is not None:
            self._loops.append(
                asyncio.create_task(self._listen(self._notifications), name="webhooks-listen")
            )

    async def stop(self, grace: float = 5.0) -> None:
        """Stop claiming; deliveries not sent within `grace` go back to the outbox."""
        self._stopping = True
        self._wake.set()
        for loop in self._loops:
            loop.cancel()
        for loop in self._loops:
            with contextlib.suppress(asyncio.CancelledError):
                await loop
        waiting = [m.delivery for line in self._waiting.values() for m in line]
        self._waiting.clear()
        for delivery in waiting:  # never started: due again at once, elsewhere or later
            with contextlib.suppress(Exception):
                await self._store.release(delivery.id, self.owner)
        if self._sending:
            await asyncio.wait(list(self._sending), timeout=grace)
        unfinished = dict(self._sending)
        for task in unfinished:
            task.cancel()
        if unfinished:
            # A request being cancelled can take a while to let go of its connection; its
            # lease is released meanwhile (an attempt it still records is only one more).
            await asyncio.wait(list(unfinished), timeout=1.0)
            for delivery in unfinished.values():
                with contextlib.suppress(Exception):
                    await self._store.release(delivery.id, self.owner)
        # The outcomes still queued are recorded before the store closes.
        while self._flushing is not None:
            await self._flushing
        await self._flush()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._http.aclose(), 2.0)

    async def _listen(self, notifications: AsyncIterator[tuple[str, str]]) -> None:
        async for _ in notifications:
            self._wake.set()

    async def _claim_loop(self) -> None:
        # The flag as well as the cancel: before Python 3.12, wait_for can swallow a cancel
        # that arrives as the event it waits for is set, and writes set it often.
        while not self._stopping:
            self._wake.clear()
            try:
                wait = await self._claim_some()
            except Exception as exc:  # the database is away: try again after a pause
                log.warning("claiming webhook deliveries failed (%s); retrying", exc)
                wait = self._poll_interval
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                if self._wake.is_set() and not self._freed.is_set():
                    # Woken by news of work (on SQLite, by any write of this process, its
                    # own claims included): gather what else arrives before looking, so that
                    # a busy server claims a batch now and then rather than after every write;
                    # slots coming free end the wait at once.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._freed.wait(), _GATHER_SECONDS)
                self._freed.clear()

    async def _claim_some(self) -> float:
        """Claim what is due and there is room for; how long to wait before looking again."""
        held = len(self._sending) + sum(len(line) for line in self._waiting.values())
        free = self._concurrency - held
        if free <= 0:
            return self._poll_interval  # a finishing delivery wakes the loop
        now = self._clock()
        if not (self._more_due or self._took):
            due = await self._store.next_due()
            if due is None or due > now:
                return self._poll_interval if due is None else min(due - now, self._poll_interval)
        # An endpoint whose waiting line is not empty takes no more. One batch can go to a
        # single endpoint, so it is no larger than what keeps every endpoint within its share
        # (its slots and a line): a dead endpoint holds no more than that.
        busy = frozenset(self._waiting)
        most = max((n for w, n in self._active.items() if w not in busy), default=0)
        wanted = min(free, _BATCH, self._endpoint_share - most)
        if wanted <= 0:
            return self._poll_interval  # a slot coming free wakes the loop
        # The outcomes waiting to be recorded go with the claim, in its transaction.
        outcomes, self._outcomes = self._outcomes, []
        try:
            claim = await self._store.claim(
                self.owner, wanted, now, self._lease, busy, [o[0] for o in outcomes]
            )
        except BaseException:
            self._outcomes[:0] = outcomes  # not recorded: the next claim or flush tries again
            raise
        self._report(outcomes, set(claim.lost))
        claimed = claim.messages
        self._took = bool(claimed)
        for message in claimed:
            webhook_id = message.delivery.webhook_id
            if self._active.get(webhook_id, 0) < self._per_endpoint:
                self._send(message)
            else:
                self._waiting.setdefault(webhook_id, deque()).append(message)
        # A full batch, or the event log not read to its end: more may be due, so the next look
        # claims at once without asking first; unless every endpoint this claim went to has a
        # waiting line now, and a claim would only look past their deliveries (writing the
        # log's for them pending, to be claimed again): a slot coming free there, or the next
        # news of work, brings the next claim, which leases them as it writes them.
        room = not claimed or any(m.delivery.webhook_id not in self._waiting for m in claimed)
        self._more_due = room and (claim.log_behind or len(claimed) == wanted)
        return 0 if self._more_due else self._poll_interval

    def _send(self, message: Message) -> None:
        """Take one of the endpoint's slots: a task that sends this delivery and then the next
        in the endpoint's line until the line is empty (a task per run of deliveries rather than
        one per delivery: under load, most of a task's cost)."""
        webhook_id = message.delivery.webhook_id
        self._active[webhook_id] = self._active.get(webhook_id, 0) + 1
        task = asyncio.create_task(self._slot(webhook_id, message))
        self._sending[task] = message.delivery
        task.add_done_callback(self._sent)

    async def _slot(self, webhook_id: int, first: Message) -> None:
        task = asyncio.current_task()
        assert task is not None
        message: Message | None = first
        while message is not None:
            self._sending[task] = message.delivery
            await self._deliver(message)
            message = self._next_in_line(webhook_id)

    def _next_in_line(self, webhook_id: int) -> Message | None:
        line = self._waiting.get(webhook_id)
        if not line or self._stopping:
            return None
        message = line.popleft()
        if not line:
            del self._waiting[webhook_id]
            # The endpoint's line ran dry: claim its next batch while its slots are busy.
            self._wake.set()
            self._freed.set()
        return message

    def _sent(self, task: asyncio.Task[None]) -> None:
        webhook_id = self._sending.pop(task).webhook_id
        left = self._active[webhook_id] - 1
        if left > 0:
            self._active[webhook_id] = left
        else:
            del self._active[webhook_id]
        # A claim made between the slot's last look at its line and now (while it still counted
        # as busy) put its deliveries in the line: the slot is theirs.
        waiting = self._next_in_line(webhook_id)
        if waiting is not None:
            self._send(waiting)
        elif not self._waiting:
            # Room at an endpoint that has no line is no hurry: the next claim comes with the
            # next news of work, gathered, so that it takes a batch rather than one or two.
            self._wake.set()

    async def _deliver(self, message: Message) -> None:
        try:
            attempt = await self._attempt(message.webhook, message.delivery, message.event)
            self._record(message.delivery, attempt)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The lease lapses and another attempt is made; nothing is lost.
            log.exception("webhook delivery %d could not be recorded", message.delivery.id)

    async def _attempt(
        self, webhook: Webhook, delivery: Delivery, event: ExecutionEvent
    ) -> Attempt:
        if not webhook.enabled:
            return Attempt(False, error="the webhook is disabled", give_up=True)
        body, headers = signed_request(webhook, delivery, event, time.time())
        started = time.monotonic()
        try:
            status = await self._http.post(webhook.url, body, headers)
        except TargetRefused as exc:  # where the host resolves now, for a new connection
            return Attempt(False, error=f"target refused: {exc}")
        except TimeoutError:
            return Attempt(False, error=f"no answer within {self._timeout:g} s")
        except DeliveryError as exc:
            return Attempt(False, error=str(exc)[:500])
        elapsed = (time.monotonic() - started) * 1000
        if 200 <= status < 300:
            return Attempt(True, status=status, response_ms=elapsed)
        return Attempt(False, status=status, error=f"HTTP {status}", response_ms=elapsed)

    def _record(self, delivery: Delivery, attempt: Attempt) -> None:
        """Queue the outcome; a batch is written together, shortly or once it is full."""
        now = self._clock()
        next_at = None
        if not attempt.succeeded and not attempt.give_up:
            next_at = self._policy.next_attempt(
                delivery.attempts + 1, delivery.window_start, now, self._jitter()
            )
        outcome = Outcome(
            delivery_id=delivery.id,
            at=now,
            succeeded=attempt.succeeded,
            next_attempt_at=next_at,
            status=attempt.status,
            error=attempt.error,
            response_ms=attempt.response_ms,
        )
        self._outcomes.append((outcome, delivery, attempt))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        try:
            for _ in range(int(_RECORD_SECONDS / 0.005)):
                if len(self._outcomes) >= _RECORD_BATCH:
                    break
                await asyncio.sleep(0.005)
            await self._flush()
        finally:
            self._flushing = None
            if self._outcomes:
                self._flushing = asyncio.create_task(self._flush_soon())

    async def _flush(self) -> None:
        batch, self._outcomes = self._outcomes, []
        if not batch:
            return
        try:
            lost = set(await self._store.record_attempts(self.owner, [b[0] for b in batch]))
        except Exception:
            # The leases lapse and the deliveries are sent again; nothing is lost.
            log.exception("the outcomes of %d webhook deliveries could not be recorded",
                          len(batch))  # fmt: skip
            return
        self._report(batch, lost)

    def _report(self, batch: list[tuple[Outcome, Delivery, Attempt]], lost: set[int]) -> None:
        for outcome, delivery, attempt in batch:
            if delivery.id in lost:
                log.warning("webhook delivery %d: lease lost; the other sender's attempt counts",
                            delivery.id)  # fmt: skip
            elif not attempt.succeeded:
                log.info("webhook delivery %d to webhook %d failed (%s)%s", delivery.id,
                         delivery.webhook_id, attempt.error,
                         "" if outcome.next_attempt_at is not None else "; giving up")  # fmt: skip
