"""Execute, status and cancel: the validation rules of the contract, in the contract's order."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from actionvault.domain.agents import Action, Agent, AgentCatalog, Scope
from actionvault.domain.chats import Chat
from actionvault.domain.executions import (
    CancelOutcome,
    Execution,
    ExecutionError,
    ExecutionState,
    NewExecution,
    QueueLimits,
    Target,
)
from actionvault.domain.ids import parse_document_ref, parse_execution_id
from actionvault.domain.permissions import can_execute, can_see_execution
from actionvault.domain.principals import Principal
from actionvault.errors import (
    ApiLimitExceeded,
    InsufficientAccess,
    InvalidData,
    OperationNotAllowed,
    ParameterRequired,
)
from actionvault.observability import metrics, tracing
from actionvault.ports import Clock, DuplicateExternalId, QueueFull, WorkSignal
from actionvault.store.chats import SQLChatStore
from actionvault.store.content import SQLContentStore
from actionvault.store.executions import SQLExecutionStore

#: What an unroutable chat message is recorded as (Vault's general chat agent).
ROUTER_AGENT = "super_agent__sys"
ROUTER_ACTION = "route_message__sys"

MessageRouter = Callable[
    [str, list[tuple[Agent, Action]], list[str]], Awaitable[tuple[Agent, Action] | None]
]


def _request_target(request: ExecuteRequest) -> Target:
    """The target as the request names it, for recording a message that was not routed."""
    ref = parse_document_ref(request.document_id) if request.document_id else None
    return Target(
        document_id=ref.document_id if ref else None,
        major=ref.major if ref else None,
        minor=ref.minor if ref else None,
        object_name=request.object_name,
        object_type=request.object_type,
        record_id=request.record_id,
    )


def _with_chat_target(request: ExecuteRequest, chat: Chat) -> ExecuteRequest:
    """A chat continues on its document or record unless the request names another."""
    if request.document_id or request.object_name or request.record_id:
        return request
    t = chat.target
    return replace(
        request,
        document_id=str(t.document_id) if t.document_id is not None else None,
        object_name=t.object_name,
        object_type=t.object_type,
        record_id=t.record_id,
    )


@dataclass(frozen=True, slots=True)
class ExecuteRequest:
    """The execute body, with Vault's wire names already mapped to ours."""

    agent_name: str | None = None
    action_name: str | None = None
    user_message: str | None = None
    document_id: str | None = None
    object_name: str | None = None
    object_type: str | None = None
    record_id: str | None = None
    chat_id: str | None = None
    external_id: str | None = None
    client_id: str | None = None


@dataclass(frozen=True, slots=True)
class Started:
    execution: Execution
    routed: bool  # the action was chosen from a user_message

    @property
    def chat_id(self) -> str | None:
        return self.execution.chat_id


class _NullSignal:
    """No workers in this process: they hear of new work from the store."""

    def work_available(self) -> None:
        pass

    def cancel_requested(self, number: int) -> None:
        pass


NULL_SIGNAL: WorkSignal = _NullSignal()


class ExecutionService:
    def __init__(
        self,
        catalog: AgentCatalog,
        executions: SQLExecutionStore,
        content: SQLContentStore,
        chats: SQLChatStore,
        clock: Clock,
        *,
        router: MessageRouter,
        signal: WorkSignal = NULL_SIGNAL,
        max_attempts: int = 3,
        max_queued_per_user: int = 200,
        max_queued_total: int = 100_000,
    ) -> None:
        self._catalog = catalog
        self._executions = executions
        self._content = content
        self._chats = chats
        #: Chooses the action for a chat message: the best the runtime has.
        self._router = router
        self._clock = clock
        self._max_attempts = max_attempts
        self._limits = QueueLimits(per_user=max_queued_per_user, total=max_queued_total)
        self._signal = signal

    async def execute(self, principal: Principal, request: ExecuteRequest) -> Started:
        chat: Chat | None = None
        if request.agent_name is None and request.action_name is None:
            if request.user_message is None:
                raise ParameterRequired.named("agent_name", "user_message")
            if request.chat_id is not None:
                chat = await self._owned_chat(principal, request.chat_id)
                request = _with_chat_target(request, chat)
            await self._check_named_target(principal, request)
            routed = await self._route(principal, request, chat)
            if isinstance(routed, str):
                return await self._unrouted(principal, request, chat, routed)
            agent, action = routed
        else:
            if request.agent_name is None:
                raise ParameterRequired.named("agent_name")
            if request.action_name is None:
                raise ParameterRequired.named("action_name")
            agent, action = self._resolve(request.agent_name, request.action_name)
        if not can_execute(principal, agent.name, action.name):
            raise InsufficientAccess(
                f"User [{principal.user_id}] does not have permission to execute "
                f"action [{agent.name}.{action.name}]"
            )
        target = await self._target(principal, agent, request)
        if request.external_id is not None:
            await self._check_external_id(request.external_id)
        new_chat: Chat | None = None
        if request.user_message is not None and request.agent_name is None:
            if chat is None:
                chat = new_chat = await self._new_chat(principal, target)
        elif request.chat_id is not None:
            chat = await self._owned_chat(principal, request.chat_id)
        try:
            return await self._create(
                principal, request, agent.name, action.name, target, chat, routed=chat is not None
            )
        except (ApiLimitExceeded, OperationNotAllowed):
            if new_chat is not None:
                # Refused: the conversation it would have begun is not kept either.
                await self._chats.delete(new_chat.id)
            raise

    async def _create(
        self,
        principal: Principal,
        request: ExecuteRequest,
        agent_name: str,
        action_name: str,
        target: Target,
        chat: Chat | None,
        *,
        routed: bool,
        failure: ExecutionError | None = None,
    ) -> Started:
        try:
            execution = await self._executions.create(
                NewExecution(
                    user_id=principal.user_id,
                    agent_name=agent_name,
                    action_name=action_name,
                    target=target,
                    external_id=request.external_id,
                    user_message=request.user_message,
                    chat_id=chat.id if chat else None,
                    client_id=request.client_id,
                    username=principal.user.username,
                    max_attempts=self._max_attempts,
                    failure=failure,
                    # An execution that ends at once never waits in the queue.
                    limits=self._limits if failure is None else None,
                    trace_context=tracing.current_context(),
                ),
                self._clock(),
            )
        except DuplicateExternalId:
            raise _duplicate_external_id(request.external_id) from None
        except QueueFull as full:
            # Past a cap the server says so instead of letting its queue grow without bound.
            if full.mine >= self._limits.per_user:
                raise ApiLimitExceeded(
                    f"You have {full.mine} executions waiting to run, the most this server "
                    "queues for one user; wait for some to finish and try again."
                ) from None
            raise ApiLimitExceeded(
                "This server has as many executions waiting as it queues; try again shortly."
            ) from None
        metrics.execution_created(agent_name, action_name)
        if failure is None:
            self._signal.work_available()
        else:
            metrics.execution_ended(agent_name, action_name, execution.state.value, None)
        return Started(execution, routed and request.agent_name is None)

    async def _unrouted(
        self, principal: Principal, request: ExecuteRequest, chat: Chat | None, hint: str
    ) -> Started:
        """A message no action answers is an execution that ends FAILURE at once, saying so."""
        if request.external_id is not None:
            await self._check_external_id(request.external_id)
        target = _request_target(request)
        chat = chat or await self._new_chat(principal, target)
        return await self._create(
            principal,
            request,
            ROUTER_AGENT,
            ROUTER_ACTION,
            target,
            chat,
            routed=True,
            failure=ExecutionError("OPERATION_NOT_ALLOWED", hint),
        )

    def _resolve(self, agent_name: str, action_name: str) -> tuple[Agent, Action]:
        agent = self._catalog.get(agent_name)
        if agent is None:
            raise InvalidData.for_parameter("agent_name", agent_name, "no such agent")
        action = agent.action(action_name)
        if action is None:
            raise InvalidData.for_parameter(
                "action_name", action_name, f"agent [{agent_name}] has no such action"
            )
        if not agent.active:
            raise OperationNotAllowed(f"Agent [{agent_name}] is inactive")
        if not action.active:
            raise OperationNotAllowed(f"Action [{agent_name}.{action_name}] is inactive")
        return agent, action

    def chat_candidates(self, principal: Principal, scope: Scope) -> list[tuple[Agent, Action]]:
        """The active chat actions of agents of this scope that the caller may run."""
        return [
            (agent, action)
            for agent in self._catalog
            if agent.active and agent.scope is scope
            for action in agent.actions
            if action.active
            and action.support_chat
            and can_execute(principal, agent.name, action.name)
        ]

    async def _route(
        self, principal: Principal, request: ExecuteRequest, chat: Chat | None
    ) -> tuple[Agent, Action] | str:
        """The chosen (agent, action), or the message that says what can be asked here."""
        assert request.user_message is not None
        if request.document_id is not None:
            wanted = Scope.DOCUMENT
        elif request.object_name is not None or request.record_id is not None:
            wanted = Scope.OBJECT
        else:
            wanted = Scope.GENERAL
        candidates = self.chat_candidates(principal, wanted)
        history: list[str] = []
        if chat is not None:
            history = [t.user_message or "" for t in await self._chats.turns(chat.id, limit=5)]
        choice = await self._router(request.user_message, candidates, history)
        if choice is not None:
            return choice
        offered = "; ".join(
            f"{a.label} ({g.name}.{a.name}): {a.description}" for g, a in candidates
        )
        if offered:
            return f"No action here answers that message. You can ask for: {offered}"
        return "No action here answers that message, and no chat actions are available here."

    async def _target(self, principal: Principal, agent: Agent, request: ExecuteRequest) -> Target:
        if agent.scope is Scope.DOCUMENT:
            return await self._document_target(principal, agent, request.document_id)
        if agent.scope is Scope.OBJECT:
            return await self._record_target(principal, agent, request)
        return Target()

    async def _check_named_target(self, principal: Principal, request: ExecuteRequest) -> None:
        """A message about a document or record the caller cannot see is refused at once,
        as a named action on it is, before any action is chosen or a chat begun."""
        if request.document_id is not None:
            ref = parse_document_ref(request.document_id)
            if ref is None:
                raise InvalidData.for_parameter(
                    "document_id",
                    request.document_id,
                    "use {id} or {id}_{major}_{minor}, e.g. 123 or 123_0_1",
                )
            if await self._content.version_ref(principal, ref.document_id, ref.major, ref.minor):
                return
            raise InvalidData.for_parameter(
                "document_id", request.document_id, "no such document or version"
            )
        if request.record_id is not None:
            if request.object_name is None:
                raise ParameterRequired.named("object")
            record = await self._content.record(request.object_name, request.record_id)
            if record is None or not await self._content.can_see_record(principal, record):
                raise InvalidData.for_parameter(
                    "record_id", request.record_id, f"no such [{request.object_name}] record"
                )

    async def _document_target(
        self, principal: Principal, agent: Agent, document_id: str | None
    ) -> Target:
        if document_id is None:
            raise ParameterRequired.named("document_id")
        ref = parse_document_ref(document_id)
        if ref is None:
            raise InvalidData.for_parameter(
                "document_id", document_id, "use {id} or {id}_{major}_{minor}, e.g. 123 or 123_0_1"
            )
        missing = InvalidData.for_parameter(
            "document_id", document_id, "no such document or version"
        )
        found = await self._content.version_ref(principal, ref.document_id, ref.major, ref.minor)
        if found is None:
            raise missing
        document_type, major, minor = found
        if not agent.accepts_document_type(document_type):
            raise OperationNotAllowed(
                f"Agent [{agent.name}] runs on documents of type [{agent.document_type}]; "
                f"document [{ref.document_id}] is of type [{document_type}]"
            )
        return Target(document_id=ref.document_id, major=major, minor=minor)

    async def _record_target(
        self, principal: Principal, agent: Agent, request: ExecuteRequest
    ) -> Target:
        if request.object_name is None:
            raise ParameterRequired.named("object")
        if request.record_id is None:
            raise ParameterRequired.named("record_id")
        if agent.object_type is not None and request.object_type is None:
            raise ParameterRequired.named("objecttype")
        record = await self._content.record(request.object_name, request.record_id)
        if record is None or not await self._content.can_see_record(principal, record):
            raise InvalidData.for_parameter(
                "record_id", request.record_id, f"no such [{request.object_name}] record"
            )
        if request.object_type is not None and request.object_type != record.object_type:
            raise InvalidData.for_parameter(
                "objecttype",
                request.object_type,
                f"record [{record.id}] is of object type [{record.object_type}]",
            )
        if agent.object_name is not None and agent.object_name != record.object_name:
            raise OperationNotAllowed(
                f"Agent [{agent.name}] runs on [{agent.object_name}] records, "
                f"not on [{record.object_name}]"
            )
        if agent.object_type is not None and agent.object_type != record.object_type:
            raise OperationNotAllowed(
                f"Agent [{agent.name}] runs on [{agent.object_name}] records of type "
                f"[{agent.object_type}], not [{record.object_type}]"
            )
        return Target(
            object_name=record.object_name, object_type=record.object_type, record_id=record.id
        )

    async def _check_external_id(self, external_id: str) -> None:
        if await self._executions.external_id_used(external_id):
            raise _duplicate_external_id(external_id)

    async def _owned_chat(self, principal: Principal, chat_id: str) -> Chat:
        chat = await self._chats.get(chat_id)
        if chat is None or chat.user_id != principal.user_id:
            raise InvalidData.for_parameter("chat_id", chat_id, "no such chat")
        return chat

    async def _new_chat(self, principal: Principal, target: Target) -> Chat:
        chat = Chat(
            id=uuid.uuid4().hex, user_id=principal.user_id, target=target, created_at=self._clock()
        )
        await self._chats.add(chat)
        return chat

    # Chat history

    async def chats(self, principal: Principal) -> list[Chat]:
        return await self._chats.of_user(principal.user_id)

    async def chat(self, principal: Principal, chat_id: str) -> tuple[Chat, list[Execution]]:
        chat = await self._owned_chat(principal, chat_id)
        return chat, await self._chats.turns(chat.id)

    async def delete_chat(self, principal: Principal, chat_id: str) -> None:
        chat = await self._owned_chat(principal, chat_id)
        await self._chats.delete(chat.id)

    async def status(
        self,
        principal: Principal,
        *,
        execution_id: str | None = None,
        external_id: str | None = None,
    ) -> Execution:
        if execution_id is None and external_id is None:
            raise ParameterRequired.named("execution_id", "external_id")
        if execution_id is not None:
            return await self._visible(principal, execution_id)
        assert external_id is not None
        execution = await self._executions.get_by_external_id(external_id)
        if execution is None or not can_see_execution(principal, execution):
            raise InvalidData.for_parameter("external_id", external_id, "no such execution")
        return execution

    async def cancel(self, principal: Principal, execution_id: str | None) -> Execution:
        if execution_id is None:
            raise ParameterRequired.named("execution_id")
        execution = await self._visible(principal, execution_id)
        outcome = await self._executions.cancel(execution.number, self._clock())
        if outcome is CancelOutcome.TERMINAL:
            current = await self._executions.get(execution.number)
            state = current.state.action_status if current else "finished"
            raise OperationNotAllowed(
                f"Execution [{execution.execution_id}] has already finished ({state}) "
                "and cannot be cancelled"
            )
        if outcome is CancelOutcome.REQUESTED:
            self._signal.cancel_requested(execution.number)
        return execution

    async def recent(
        self,
        principal: Principal,
        *,
        state: ExecutionState | None = None,
        agent_name: str | None = None,
        limit: int = 100,
    ) -> list[Execution]:
        """The newest executions the caller may see: their own, or everyone's for an
        administrator (the rule of `can_see_execution`)."""
        return await self._executions.recent(
            user_id=None if principal.is_admin else principal.user_id,
            state=state.value if state else None,
            agent_name=agent_name,
            limit=limit,
        )

    async def _visible(self, principal: Principal, execution_id: str) -> Execution:
        missing = InvalidData.for_parameter("execution_id", execution_id, "no such execution")
        number = parse_execution_id(execution_id)
        if number is None:
            raise missing
        execution = await self._executions.get(number)
        if execution is None or not can_see_execution(principal, execution):
            raise missing
        return execution


def _duplicate_external_id(external_id: str | None) -> OperationNotAllowed:
    """One answer whoever used the id, so that it tells only that the id is taken."""
    return OperationNotAllowed(
        f"External ID [{external_id}] is already used by another execution; external IDs "
        "are unique across the vault and never reused, so choose another (a UUID, say)"
    )
