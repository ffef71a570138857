"""Run one claimed execution: load its content, call its handler, turn the end into an outcome."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

from actionvault.actions.context import ActionContext, ActionHandler
from actionvault.actions.model import run_with_model
from actionvault.actions.registry import BUILTIN_ENGINES, ISOLATED_ENGINES, run_isolated
from actionvault.content.files import FileStore
from actionvault.domain.agents import Action, Agent, AgentCatalog
from actionvault.domain.chats import ChatTurn
from actionvault.domain.content import DocumentVersion, ObjectRecord
from actionvault.domain.executions import (
    ActionOutput,
    Execution,
    ExecutionError,
    ExecutionState,
    ModelUsage,
)
from actionvault.domain.objects import ObjectCatalog
from actionvault.domain.principals import Principal
from actionvault.errors import ActionFailed
from actionvault.isolation import EngineCrashed, EngineOutOfMemory, EnginePool
from actionvault.providers.base import ModelProvider
from actionvault.store.chats import SQLChatStore
from actionvault.store.content import SQLContentStore
from actionvault.store.events import SQLEventStore
from actionvault.store.users import SQLUserStore

log = logging.getLogger(__name__)

_MARKUP_TYPES = frozenset({"text/html", "text/markdown"})
_MAX_SOURCE_BYTES = 20 * 1024 * 1024
#: How long a caller's rights are reused between their executions (as sessions are).
_PRINCIPAL_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Outcome:
    state: ExecutionState
    outputs: tuple[ActionOutput, ...] = ()
    errors: tuple[ExecutionError, ...] = ()
    usage: ModelUsage | None = None

    @classmethod
    def failure(cls, message: str, type: str = "OPERATION_NOT_ALLOWED") -> Outcome:
        return cls(ExecutionState.FAILED, errors=(ExecutionError(type=type, message=message),))


class Runner:
    def __init__(
        self,
        catalog: AgentCatalog,
        content: SQLContentStore,
        users: SQLUserStore,
        chats: SQLChatStore,
        engines: Mapping[str, ActionHandler],
        default_timeout: float,
        provider: ModelProvider | None = None,
        files: FileStore | None = None,
        objects: ObjectCatalog | None = None,
        pool: EnginePool | None = None,
        max_output_bytes: int = 1024 * 1024,
        latency: tuple[float, float] | None = None,
        events: SQLEventStore | None = None,
    ) -> None:
        self._catalog = catalog
        self._content = content
        self._users = users
        self._chats = chats
        self._engines = engines
        self._default_timeout = default_timeout
        self._provider = provider
        self._files = files
        self._objects = objects
        self._pool = pool
        self._max_output_bytes = max_output_bytes
        self._principals: dict[int, tuple[float, Principal]] = {}
        self._latency = latency
        self._events = events

    async def run(self, execution: Execution) -> Outcome:
        started = time.monotonic()
        outcome = await self._run(execution)
        agent = self._catalog.get(execution.agent_name)
        if self._latency is not None and agent is not None and agent.source == "standard":
            # Realistic-latency mode: a standard action takes as long as Vault's would, so a
            # client's polling, timeout and cancel paths run. A cancel interrupts the wait.
            least = random.uniform(*self._latency)
            await asyncio.sleep(max(0.0, least - (time.monotonic() - started)))
        return outcome

    async def _run(self, execution: Execution) -> Outcome:
        agent = self._catalog.get(execution.agent_name)
        action = agent.action(execution.action_name) if agent else None
        if agent is None or action is None:
            return Outcome.failure(
                f"The action {execution.agent_action} is no longer defined on this server."
            )
        handler = self._engines.get(action.engine)
        if handler is None:
            return Outcome.failure(f"No engine named {action.engine!r} is installed.")
        context = await self._context(execution, agent, action)
        if isinstance(context, Outcome):
            return context
        if execution.chat_id is not None:
            turns = await self._chats.turns(execution.chat_id, before=execution.number, limit=10)
            context = replace(context, history=tuple(ChatTurn.of(t) for t in turns))
        if self._events is not None:
            context = replace(context, progress=_ProgressEvents(self._events, execution))
        timeout = action.timeout_seconds or self._default_timeout
        # With a provider, an action that carries model instructions is done by the model;
        # without one, its built-in engine does it offline.
        if self._provider is not None and action.instructions and action.engine != "model":
            work = run_with_model(context, self._provider)
        elif self._isolated(action.engine, handler):
            assert self._pool is not None
            work = self._pool.run(
                run_isolated, action.engine, replace(context, provider=None, progress=None)
            )
        else:
            work = handler(context)
        try:
            outputs = await asyncio.wait_for(work, timeout)
        except ActionFailed as exc:
            return Outcome(
                ExecutionState.FAILED,
                errors=(ExecutionError(type=exc.vault_type, message=exc.message),),
                usage=_usage(context),
            )
        except TimeoutError:
            return Outcome.failure(f"The action timed out after {timeout:g} s.")
        except EngineOutOfMemory as exc:
            return Outcome.failure(
                f"The action needed more than {exc.limit_bytes // 2**20} MB of memory and was "
                "stopped; split the document into smaller ones, or raise engine_memory_mb."
            )
        except EngineCrashed as exc:
            # Not retried: the same input would most likely end the same way.
            log.error("the engine process running %s died (exit code %s)",
                      execution.execution_id, exc.exit_code)  # fmt: skip
            return Outcome.failure(
                "The engine process running this action ended abnormally (exit code "
                f"{exc.exit_code}); the document may be too large or malformed for it."
            )
        except Exception:
            log.exception("action %s failed on %s", execution.agent_action, execution.execution_id)
            return Outcome.failure(
                "The action failed because of an unexpected error on the server; "
                "the server log has the details.",
                "UNEXPECTED_ERROR",
            )
        return Outcome(
            ExecutionState.SUCCEEDED,
            outputs=cap_outputs(outputs, self._max_output_bytes),
            usage=_usage(context),
        )

    def _isolated(self, engine: str, handler: ActionHandler) -> bool:
        """A built-in CPU engine, as shipped (a test's stand-in handler runs where it is)."""
        return (
            self._pool is not None
            and engine in ISOLATED_ENGINES
            and handler is BUILTIN_ENGINES.get(engine)
        )

    async def _principal(self, user_id: int) -> Principal | None:
        """The caller as of at most a second ago; a burst of their executions reads it once."""
        now = time.monotonic()
        cached = self._principals.get(user_id)
        if cached is not None and now - cached[0] <= _PRINCIPAL_SECONDS:
            return cached[1]
        user = await self._users.user(user_id)
        if user is None or not user.active:
            self._principals.pop(user_id, None)
            return None
        principal = Principal(
            user=user, session_id="", permissions=await self._users.permissions(user.id)
        )
        if len(self._principals) > 10_000:
            self._principals.clear()
        self._principals[user_id] = (now, principal)
        return principal

    async def _related(
        self, principal: Principal, record: ObjectRecord
    ) -> tuple[ObjectRecord, ...]:
        """Records this one refers to through reference fields, those the caller may see."""
        if self._objects is None:
            return ()
        definition = self._objects.get(record.object_name)
        if definition is None:
            return ()
        prefixes = {o.prefix: o.name for o in self._objects}
        found: list[ObjectRecord] = []
        for field in definition.fields:
            value = record.fields.get(field.name)
            if field.type != "reference" or not isinstance(value, str) or len(value) < 4:
                continue
            target_object = prefixes.get(value[:3])
            if target_object is None:
                continue
            other = await self._content.record(target_object, value)
            if other is not None and await self._content.can_see_record(principal, other):
                found.append(other)
        return tuple(found)

    async def _source_text(self, version: DocumentVersion) -> str | None:
        """The uploaded markup itself, for the checks that read it (and only when small)."""
        if (
            self._files is None
            or version.file_key is None
            or version.mime_type not in _MARKUP_TYPES
            or version.file_size > _MAX_SOURCE_BYTES
        ):
            return None
        path = self._files.path(version.file_key)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError:
            return None
        return data.decode("utf-8", errors="replace")

    async def _context(
        self, execution: Execution, agent: Agent, action: Action
    ) -> ActionContext | Outcome:
        target = execution.target
        # The action reads with its caller's eyes: access may have changed since execute.
        principal = await self._principal(execution.user_id)
        if principal is None:
            return Outcome.failure("The user who started this action is no longer active.")
        if target.document_id is not None:
            assert target.major is not None
            assert target.minor is not None
            found = await self._content.version_seen_by(
                principal, target.document_id, target.major, target.minor
            )
            if found is None:
                return Outcome.failure(
                    f"Document {target.document_id} version {target.major}.{target.minor} "
                    "no longer exists."
                )
            version, visible = found
            if not visible:
                return Outcome.failure(
                    f"You no longer have access to document {target.document_id}."
                )
            return ActionContext(
                execution,
                agent,
                action,
                document=version,
                provider=self._provider,
                source_text=await self._source_text(version),
            )
        if target.record_id is not None:
            assert target.object_name is not None
            record = await self._content.record(target.object_name, target.record_id)
            if record is None or not await self._content.can_see_record(principal, record):
                return Outcome.failure(
                    f"Record {target.record_id} of {target.object_name} no longer exists."
                )
            related: tuple[ObjectRecord, ...] = ()
            if "related_records" in action.context:
                related = await self._related(principal, record)
            return ActionContext(
                execution, agent, action, record=record, provider=self._provider, related=related
            )
        return ActionContext(execution, agent, action, provider=self._provider)


class _ProgressEvents:
    """An action's progress, as events of the attempt that runs it."""

    def __init__(self, events: SQLEventStore, execution: Execution) -> None:
        self._events = events
        self._execution = execution

    async def __call__(
        self, message: str, *, part: int | None = None, parts: int | None = None
    ) -> None:
        detail: dict[str, object] = {"message": message}
        if part is not None and parts is not None:
            detail |= {"part": part, "parts": parts}
        try:
            await self._events.add_progress(
                self._execution.number, self._execution.attempts, time.time(), detail
            )
        except Exception as exc:  # progress is news, not work: the action goes on without it
            log.warning("could not record progress of %s (%s)", self._execution.execution_id, exc)


def _usage(context: ActionContext) -> ModelUsage | None:
    meter = context.meter
    if not meter.calls:
        return None
    return ModelUsage(
        meter.model, meter.calls, meter.input_tokens, meter.output_tokens, meter.seconds
    )


def cap_outputs(outputs: list[ActionOutput], limit: int) -> tuple[ActionOutput, ...]:
    """The outputs, each value cut to `limit` bytes of UTF-8 and marked as cut.

    The engines bound their own findings; this is the last line for anything else (a model's
    answer, a record's huge field), so that no execution stores or returns without end.
    """
    capped = []
    for output in outputs:
        encoded = output.value.encode()
        if len(encoded) > limit:
            value = encoded[:limit].decode(errors="ignore")
            output = replace(output, value=value, truncated=True)
        capped.append(output)
    return tuple(capped)
