"""MCP: the sessions clients open, the actions they see as tools, and tools/call as executions.

A tool call is a real execution made through ExecutionService, with the same validation,
permissions, back-pressure, external-id rule and audit as execute over REST; the MCP layer
only waits for it. Sessions and the requests in flight are rows in the database, so that any
API process can serve the next request of a session, and a restart loses none.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import replace

from actionvault.domain.agents import Action, Agent, AgentCatalog, Scope
from actionvault.domain.executions import TERMINAL_STATES, Execution
from actionvault.domain.ids import format_execution_id
from actionvault.domain.mcp import McpSession
from actionvault.domain.permissions import can_execute
from actionvault.domain.principals import Principal
from actionvault.errors import InvalidData, OperationNotAllowed
from actionvault.ports import Clock
from actionvault.services.executions import ExecuteRequest, ExecutionService, Started
from actionvault.store.mcp import SQLMcpStore

#: Waiting for an execution polls its row, first often (an instant action ends in a few
#: milliseconds), then less often, never more than this far apart.
_POLL_FIRST = 0.001
_POLL_MOST = 0.1


class UnknownMcpSession(Exception):
    """No such MCP session for this user: never opened, ended, expired, or another user's."""


def hash_mcp_session_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class McpService:
    def __init__(
        self,
        catalog: AgentCatalog,
        executions: ExecutionService,
        store: SQLMcpStore,
        clock: Clock,
        *,
        session_max_age: float,
    ) -> None:
        self._catalog = catalog
        self._executions = executions
        self._store = store
        self._clock = clock
        self._session_max_age = session_max_age
        #: Set when the server stops, so that open streams end instead of holding it up.
        self.closing = asyncio.Event()

    def close_streams(self) -> None:
        """End the clients' open streams: a graceful shutdown would otherwise wait for them."""
        self.closing.set()

    # Sessions

    async def open_session(
        self, principal: Principal, protocol_version: str, client_name: str, client_version: str
    ) -> tuple[str, McpSession]:
        """A new session for this user; its id, which only the client keeps, and the session."""
        now = self._clock()
        # Sessions nobody ends expire; initialize is rare enough to sweep them as it goes.
        await self._store.delete_expired(now)
        session_id = secrets.token_urlsafe(32)
        session = McpSession(
            id_hash=hash_mcp_session_id(session_id),
            user_id=principal.user_id,
            protocol_version=protocol_version,
            client_name=client_name[:200],
            client_version=client_version[:100],
            created_at=now,
            expires_at=now + self._session_max_age,
        )
        await self._store.add_session(session)
        return session_id, session

    async def session(self, principal: Principal, session_id: str) -> McpSession:
        found = await self._store.session(hash_mcp_session_id(session_id))
        # Another user's session is reported exactly like a missing one.
        if found is None or found.user_id != principal.user_id:
            raise UnknownMcpSession()
        if found.expired(self._clock()):
            await self._store.delete_session(found.id_hash)
            raise UnknownMcpSession()
        return found

    async def end_session(self, principal: Principal, session_id: str) -> None:
        session = await self.session(principal, session_id)
        await self._store.delete_session(session.id_hash)

    async def remember_tools(self, session: McpSession, digest: str) -> None:
        """Note the tool list the client was sent, to tell it when that list changes."""
        if session.tools_digest != digest:
            await self._store.set_tools_digest(session.id_hash, digest)

    # Tools

    def actions(self, principal: Principal) -> list[tuple[Agent, Action]]:
        """The active actions with API access that this user may execute."""
        return [
            (agent, action)
            for agent in self._catalog
            if agent.active
            for action in agent.actions
            if action.active
            and action.api_access
            and can_execute(principal, agent.name, action.name)
        ]

    def chat_actions(self, principal: Principal) -> list[tuple[Agent, Action]]:
        """The actions a chat message may be routed to for this user, in every scope."""
        return [
            pair for scope in Scope for pair in self._executions.chat_candidates(principal, scope)
        ]

    def find_action(self, agent_name: str, action_name: str) -> tuple[Agent, Action] | None:
        """An action offered as a tool to those who may run it (API access), active or not."""
        agent = self._catalog.get(agent_name)
        action = agent.action(action_name) if agent else None
        if agent is None or action is None or not action.api_access:
            return None
        return agent, action

    # Calls

    async def start(
        self, principal: Principal, session: McpSession, request_key: str, request: ExecuteRequest
    ) -> Started:
        """Execute for a tools/call request, recorded under the request's id for cancel."""
        started = await self._executions.execute(
            principal, replace(request, client_id=session.client_id)
        )
        execution = started.execution
        if execution.state not in TERMINAL_STATES:
            cancelled = await self._store.record_call(
                session.id_hash, request_key, execution.number, self._clock()
            )
            if cancelled:  # the client cancelled the request before it got this far
                await self._cancel_execution(principal, execution.number)
        return started

    async def follow(
        self, principal: Principal, execution: Execution, wait: float, tick: float = 1.0
    ) -> AsyncIterator[Execution]:
        """The execution as it changes, and at least every `tick` seconds, until it ends, `wait`
        seconds pass, or the server stops; the last one yielded is where it got to."""
        deadline = time.monotonic() + wait
        last_yield = time.monotonic()
        delay = _POLL_FIRST
        current = execution
        while current.state not in TERMINAL_STATES:
            now = time.monotonic()
            if now >= deadline or self.closing.is_set():
                return
            await asyncio.sleep(min(delay, deadline - now))
            delay = min(delay * 2, _POLL_MOST)
            latest = await self._executions.status(principal, execution_id=current.execution_id)
            if latest.state is not current.state or time.monotonic() - last_yield >= tick:
                last_yield = time.monotonic()
                yield latest
            current = latest

    async def cancel(self, principal: Principal, session: McpSession, request_key: str) -> None:
        """notifications/cancelled: cancel the request's execution, now or when it starts."""
        number = await self._store.cancel_call(session.id_hash, request_key, self._clock())
        if number is not None:
            await self._cancel_execution(principal, number)

    async def cancelled_by_client(self, session: McpSession, request_key: str) -> bool:
        return await self._store.call_cancelled(session.id_hash, request_key)

    async def forget(self, session: McpSession, request_key: str) -> None:
        """The request is answered: a later cancel for it has nothing to do."""
        await self._store.forget_call(session.id_hash, request_key)

    async def _cancel_execution(self, principal: Principal, number: int) -> None:
        # It may have ended first, which the call's answer then says.
        with contextlib.suppress(OperationNotAllowed, InvalidData):
            await self._executions.cancel(principal, format_execution_id(number))
