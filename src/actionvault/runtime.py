"""Runtime: everything a server process needs, built from Settings, opened and closed together."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Literal

from actionvault.actions.context import ActionHandler
from actionvault.actions.registry import BUILTIN_ENGINES
from actionvault.agents.loader import load_catalog
from actionvault.chat import RouteCandidate, Router, route_with_model
from actionvault.content.files import FileStore
from actionvault.domain.agents import Action, Agent, AgentCatalog
from actionvault.domain.objects import ObjectCatalog
from actionvault.domain.webhooks import RetryPolicy
from actionvault.engine.processes import prepare_engine_process
from actionvault.engine.retention import RetentionJob
from actionvault.engine.runner import Runner
from actionvault.engine.webhooks import Dispatcher
from actionvault.engine.worker import Worker
from actionvault.isolation import EnginePool
from actionvault.objects.loader import load_objects
from actionvault.observability import metrics, tracing
from actionvault.ports import Clock, WorkSignal
from actionvault.providers import ModelProvider, ProviderSettings, build_provider
from actionvault.services.agents import AgentAdminService
from actionvault.services.audit import AuditService
from actionvault.services.catalog import CatalogService
from actionvault.services.content import ContentService
from actionvault.services.demo import load_demo_content
from actionvault.services.events import EventService
from actionvault.services.executions import ExecutionService, MessageRouter
from actionvault.services.mcp import McpService
from actionvault.services.sessions import SessionService
from actionvault.services.users import UserService
from actionvault.services.webhooks import TargetGuard, WebhookService
from actionvault.settings import Settings
from actionvault.store import Stores, open_stores
from actionvault.store.events import EVENTS_CHANNEL, EventFeed
from actionvault.store.webhooks import DELIVERIES_CHANNEL


@dataclass(frozen=True, slots=True)
class Services:
    """The use cases the transports and the command line call, each built once with its
    collaborators in its constructor; nothing is attached to them afterwards."""

    audit: AuditService
    sessions: SessionService
    users: UserService
    catalog: CatalogService
    agents: AgentAdminService
    content: ContentService
    executions: ExecutionService
    mcp: McpService
    events: EventService
    webhooks: WebhookService


class WorkerSignals:
    """Execute and cancel reach the workers of this process at once through this relay; the
    workers attach as they start (none in an API-only process, where the store's
    notifications or the workers' polling carry the news instead)."""

    def __init__(self) -> None:
        self._workers: list[WorkSignal] = []

    def attach(self, worker: WorkSignal) -> None:
        self._workers.append(worker)

    def work_available(self) -> None:
        for worker in self._workers:
            worker.work_available()

    def cancel_requested(self, number: int) -> None:
        for worker in self._workers:
            worker.cancel_requested(number)


def build_services(
    settings: Settings,
    stores: Stores,
    *,
    catalog: AgentCatalog,
    objects: ObjectCatalog,
    files: FileStore,
    engine_names: Iterable[str],
    pool: EnginePool,
    clock: Clock,
    route: MessageRouter,
    signal: WorkSignal,
    feed: EventFeed,
    wake_webhooks: Callable[[], None] = lambda: None,
) -> Services:
    """The one place where the services are made and wired to each other."""
    audit = AuditService(stores.audit, clock)
    sessions = SessionService(stores.users, settings, clock, audit)
    executions = ExecutionService(
        catalog,
        stores.executions,
        stores.content,
        stores.chats,
        clock,
        max_attempts=settings.max_attempts,
        max_queued_per_user=settings.max_queued_per_user,
        max_queued_total=settings.max_queued_total,
        router=route,
        signal=signal,
    )
    return Services(
        audit=audit,
        sessions=sessions,
        users=UserService(stores.users, audit, clock, on_change=sessions.forget_sessions),
        catalog=CatalogService(catalog, stores.users),
        agents=AgentAdminService(catalog, settings.custom_agents_dir, engine_names, audit),
        content=ContentService(
            stores.content,
            files,
            objects,
            audit,
            clock,
            pool=pool,
            limits=settings.extraction_limits,
            extraction_timeout=settings.extraction_timeout,
        ),
        executions=executions,
        mcp=McpService(
            catalog,
            executions,
            stores.mcp,
            clock,
            session_max_age=settings.mcp_session_max_age,
        ),
        events=EventService(
            stores.events, executions, feed, heartbeat_seconds=settings.events_heartbeat
        ),
        webhooks=WebhookService(
            stores.webhooks,
            catalog,
            audit,
            clock,
            TargetGuard(settings.webhook_allow_private_targets),
            on_redeliver=wake_webhooks,
        ),
    )


class Runtime:
    """Opens the store, builds the services, starts the in-process workers; closes in reverse.

    Agent and object definitions are loaded before the database is opened, so a bad
    definition file stops startup before anything is touched.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = time.time,
        engines: Mapping[str, ActionHandler] = BUILTIN_ENGINES,
        provider: ModelProvider | Literal["configured"] | None = "configured",
        engine_pool: EnginePool | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        metrics.configure(
            enabled=settings.metrics_enabled, multiprocess_dir=settings.metrics_multiprocess_dir
        )
        tracing.configure(
            otlp_endpoint=settings.otlp_endpoint,
            service_name=settings.otlp_service_name,
            sample_ratio=settings.otlp_sample_ratio,
        )
        self.engines = engines
        agents_dir = settings.custom_agents_dir
        self.catalog: AgentCatalog = load_catalog(
            agents_dir if settings.agents_dir or agents_dir.is_dir() else None, engines.keys()
        )
        self.objects: ObjectCatalog = load_objects(settings.objects_dir)
        self.files = FileStore(settings.files_dir, settings.max_file_bytes)
        # Semantic when the packaged embedding model is installed, lexical otherwise.
        self.router = Router()
        # ACTIONVAULT_PROVIDER_*; a bad provider setting stops startup, as a bad agent does.
        self.provider: ModelProvider | None = (
            build_provider(ProviderSettings()) if provider == "configured" else provider
        )
        # Built-in engines and text extraction run in these processes, where a limit can stop
        # them; a pool handed in (tests share one) is the caller's to close.
        self._owns_pool = engine_pool is None
        self.engine_pool = engine_pool or EnginePool(
            settings.engine_process_count,
            settings.engine_memory_mb * 2**20,
            warm=prepare_engine_process,
        )
        self._signals = WorkerSignals()
        self._exit = AsyncExitStack()
        self._stores: Stores | None = None
        self._services: Services | None = None
        self.worker: Worker | None = None
        self.dispatcher: Dispatcher | None = None

    @property
    def stores(self) -> Stores:
        assert self._stores is not None, "the runtime is not open"
        return self._stores

    @property
    def services(self) -> Services:
        assert self._services is not None, "the runtime is not open"
        return self._services

    async def __aenter__(self) -> Runtime:
        if self._owns_pool:
            self._exit.callback(self.engine_pool.close)
        if self.provider is not None:
            self._exit.push_async_callback(self.provider.aclose)
        self._stores = await open_stores(self.settings.resolved_database_url)
        self._exit.push_async_callback(self._stores.database.close)
        feed = EventFeed(
            self._stores.database, self._stores.events, self.settings.events_poll_interval
        )
        await feed.start()
        self._exit.push_async_callback(feed.stop)
        self._services = build_services(
            self.settings,
            self._stores,
            catalog=self.catalog,
            objects=self.objects,
            files=self.files,
            engine_names=self.engines.keys(),
            pool=self.engine_pool,
            clock=self.clock,
            route=self._route_message,
            signal=self._signals,
            feed=feed,
            wake_webhooks=self._wake_dispatcher,
        )
        if self.settings.demo_content:
            await load_demo_content(self._stores, self.files, self.clock)
        if self.settings.workers > 0:
            await self.start_worker()
        return self

    async def start_worker(self, concurrency: int | None = None) -> Worker:
        """Run executions in this process, `concurrency` at once (default: `workers`)."""
        runner = Runner(
            self.catalog,
            self.stores.content,
            self.stores.users,
            self.stores.chats,
            self.engines,
            self.settings.action_timeout,
            provider=self.provider,
            files=self.files,
            objects=self.objects,
            pool=self.engine_pool,
            max_output_bytes=self.settings.max_output_bytes,
            latency=self.settings.latency_range,
            events=self.stores.events,
        )
        # Warm processes now, so that the first execution does not wait for them.
        self.engine_pool.start()
        worker = Worker(
            self.stores.executions,
            runner,
            self.clock,
            concurrency=concurrency or self.settings.workers,
            poll_interval=self.settings.poll_interval,
            lease_seconds=self.settings.lease_seconds,
            retry_backoff=self.settings.retry_backoff,
        )
        await worker.start()
        self.worker = worker
        self._signals.attach(worker)
        self._exit.push_async_callback(worker.stop, self.settings.shutdown_grace)
        # The job runs where executions run; any number of processes may run it at once.
        retention = RetentionJob(
            self.stores.executions,
            self.clock,
            self.settings.retention_days,
            purge_sessions=self.services.sessions.purge_expired,
        )
        retention.start()
        self._exit.push_async_callback(retention.stop)
        await self._start_dispatcher()
        return worker

    async def _start_dispatcher(self) -> None:
        """Webhook deliveries are sent where executions run, by one dispatcher per process."""
        settings = self.settings
        db = self.stores.database
        dispatcher = Dispatcher(
            self.stores.webhooks,
            self.clock,
            policy=RetryPolicy(
                settings.webhook_retry_window,
                settings.webhook_retry_base,
                settings.webhook_retry_max_delay,
            ),
            resolve=TargetGuard(settings.webhook_allow_private_targets).addresses,
            timeout=settings.webhook_timeout,
            concurrency=settings.webhook_concurrency,
            per_endpoint=settings.webhook_endpoint_concurrency,
            poll_interval=settings.poll_interval,
            notifications=db.listen(EVENTS_CHANNEL, DELIVERIES_CHANNEL),
        )
        db.on_write(dispatcher.work_available)  # SQLite: this process's events, at once
        await dispatcher.start()
        self.dispatcher = dispatcher
        self._exit.push_async_callback(dispatcher.stop, min(self.settings.shutdown_grace, 5.0))

    def _wake_dispatcher(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.work_available()

    async def _route_message(
        self, message: str, candidates: list[tuple[Agent, Action]], history: list[str]
    ) -> tuple[Agent, Action] | None:
        """The model chooses when a provider is configured; otherwise the offline router."""
        by_key = {f"{agent.name}.{action.name}": (agent, action) for agent, action in candidates}
        options = [RouteCandidate.from_action(agent, action) for agent, action in candidates]
        if self.provider is not None:
            decision = await route_with_model(
                self.provider, message, options, history, router=self.router
            )
        else:
            # Embedding is CPU work; a thread keeps the loop answering meanwhile.
            decision = await asyncio.to_thread(self.router.route, message, options, history)
        return by_key.get(decision.choice.key) if decision.choice is not None else None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._exit.aclose()
