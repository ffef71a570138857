"""The resources of both clients: `agents`, `actions`, `executions`.

Each verb is one line that hands a flow from `_flows` to its client's driver; the async twin
of a class differs only by `async`/`await`. A test compares the two surfaces signature by
signature, so a verb or keyword added to one and not the other fails the suite.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from actionvault.client import _flows
from actionvault.client._events import EventCallback
from actionvault.client._flows import DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT
from actionvault.client.models import (
    Action,
    Agent,
    AgentActions,
    AgentDetail,
    CancelReceipt,
    Execution,
)

if TYPE_CHECKING:
    from actionvault.client._async import AsyncVault
    from actionvault.client._sync import Vault


class Agents:
    """`vault.agents`: the agents of the Vault.

    agents = vault.agents.list(document_type="base_document__v")
    detail = vault.agents.retrieve("quick_check__v")
    """

    def __init__(self, client: Vault) -> None:
        self._client = client

    def list(
        self,
        *,
        agent_name: str | None = None,
        available_by_user_name: str | None = None,
        object: str | None = None,
        object_type: str | None = None,
        document_type: str | None = None,
    ) -> builtins.list[Agent]:
        """Retrieve All Agents, narrowed by the filters given (`object_type` needs `object`)."""
        return self._client._run(
            _flows.list_agents(
                self._client,
                agent_name=agent_name,
                available_by_user_name=available_by_user_name,
                object=object,
                object_type=object_type,
                document_type=document_type,
            )
        )

    def retrieve(self, name: str) -> AgentDetail:
        """One agent with its scope and actions; InvalidData when there is no such agent."""
        return self._client._run(_flows.retrieve_agent(self._client, name))


class Actions:
    """`vault.actions`: list, inspect, execute and run agent actions.

    execution = vault.actions.run(agent="quick_check__v", action="spelling_grammar__v",
                                  document_id=1)
    """

    def __init__(self, client: Vault) -> None:
        self._client = client

    def list(self) -> builtins.list[AgentActions]:
        """Retrieve All Agent Actions: every agent with its actions and their descriptions."""
        return self._client._run(_flows.list_agent_actions(self._client))

    def retrieve(self, agent: str, action: str) -> Action:
        return self._client._run(_flows.retrieve_action(self._client, agent, action))

    def execute(
        self,
        *,
        agent: str | None = None,
        action: str | None = None,
        document_id: str | int | None = None,
        object: str | None = None,
        object_type: str | None = None,
        record_id: str | None = None,
        user_message: str | None = None,
        chat_id: str | None = None,
        external_id: str | None = None,
    ) -> Execution:
        """Start an execution and return it IN_PROGRESS; `wait()` or `run()` finish it.

        Give `external_id` to make the call safe to retry: a repeat that finds the id taken
        by its own first attempt returns that execution instead of failing.
        """
        return self._client._run(
            _flows.execute(
                self._client,
                agent=agent,
                action=action,
                document_id=document_id,
                object=object,
                object_type=object_type,
                record_id=record_id,
                user_message=user_message,
                chat_id=chat_id,
                external_id=external_id,
            )
        )

    def run(
        self,
        *,
        agent: str | None = None,
        action: str | None = None,
        document_id: str | int | None = None,
        object: str | None = None,
        object_type: str | None = None,
        record_id: str | None = None,
        user_message: str | None = None,
        chat_id: str | None = None,
        external_id: str | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_event: EventCallback | None = None,
    ) -> Execution:
        """`execute()` then `wait()`: the finished execution, or the error saying why not."""
        started = _flows.execute(
            self._client,
            agent=agent,
            action=action,
            document_id=document_id,
            object=object,
            object_type=object_type,
            record_id=record_id,
            user_message=user_message,
            chat_id=chat_id,
            external_id=external_id,
        )
        return self._client._run(
            _flows.run(
                self._client,
                started,
                timeout=timeout,
                poll_interval=poll_interval,
                on_event=on_event,
            )
        )


class Executions:
    """`vault.executions`: status, cancel and wait.

    execution = vault.executions.status(external_id="nightly-check-42")
    vault.executions.cancel(execution.id)
    """

    def __init__(self, client: Vault) -> None:
        self._client = client

    def status(
        self, execution_id: str | None = None, *, external_id: str | None = None
    ) -> Execution:
        return self._client._run(_flows.status(self._client, execution_id, external_id=external_id))

    def cancel(self, execution: Execution | str) -> CancelReceipt:
        """Ask for a cancel; OperationNotAllowed if the execution has already finished."""
        execution_id = execution.id if isinstance(execution, Execution) else execution
        return self._client._run(_flows.cancel(self._client, execution_id))

    def wait(
        self,
        execution: Execution | str,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_event: EventCallback | None = None,
    ) -> Execution:
        """Wait until final and return the SUCCESS execution; raise ExecutionFailed,
        ExecutionCancelled, or WaitTimeout once `timeout` seconds have passed in all.

        Against actionvault the wait follows the execution's event stream, handing each event
        to `on_event` (progress included); against a server without one it polls."""
        return self._client._run(
            _flows.wait(
                self._client,
                execution,
                timeout=timeout,
                poll_interval=poll_interval,
                on_event=on_event,
            )
        )


class AsyncAgents:
    """`vault.agents` of AsyncVault.

    agents = await vault.agents.list(document_type="base_document__v")
    detail = await vault.agents.retrieve("quick_check__v")
    """

    def __init__(self, client: AsyncVault) -> None:
        self._client = client

    async def list(
        self,
        *,
        agent_name: str | None = None,
        available_by_user_name: str | None = None,
        object: str | None = None,
        object_type: str | None = None,
        document_type: str | None = None,
    ) -> builtins.list[Agent]:
        return await self._client._run(
            _flows.list_agents(
                self._client,
                agent_name=agent_name,
                available_by_user_name=available_by_user_name,
                object=object,
                object_type=object_type,
                document_type=document_type,
            )
        )

    async def retrieve(self, name: str) -> AgentDetail:
        return await self._client._run(_flows.retrieve_agent(self._client, name))


class AsyncActions:
    """`vault.actions` of AsyncVault.

    execution = await vault.actions.run(agent="quick_check__v",
                                        action="spelling_grammar__v", document_id=1)
    """

    def __init__(self, client: AsyncVault) -> None:
        self._client = client

    async def list(self) -> builtins.list[AgentActions]:
        return await self._client._run(_flows.list_agent_actions(self._client))

    async def retrieve(self, agent: str, action: str) -> Action:
        return await self._client._run(_flows.retrieve_action(self._client, agent, action))

    async def execute(
        self,
        *,
        agent: str | None = None,
        action: str | None = None,
        document_id: str | int | None = None,
        object: str | None = None,
        object_type: str | None = None,
        record_id: str | None = None,
        user_message: str | None = None,
        chat_id: str | None = None,
        external_id: str | None = None,
    ) -> Execution:
        return await self._client._run(
            _flows.execute(
                self._client,
                agent=agent,
                action=action,
                document_id=document_id,
                object=object,
                object_type=object_type,
                record_id=record_id,
                user_message=user_message,
                chat_id=chat_id,
                external_id=external_id,
            )
        )

    async def run(
        self,
        *,
        agent: str | None = None,
        action: str | None = None,
        document_id: str | int | None = None,
        object: str | None = None,
        object_type: str | None = None,
        record_id: str | None = None,
        user_message: str | None = None,
        chat_id: str | None = None,
        external_id: str | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 (see _flows.wait)
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_event: EventCallback | None = None,
    ) -> Execution:
        started = _flows.execute(
            self._client,
            agent=agent,
            action=action,
            document_id=document_id,
            object=object,
            object_type=object_type,
            record_id=record_id,
            user_message=user_message,
            chat_id=chat_id,
            external_id=external_id,
        )
        return await self._client._run(
            _flows.run(
                self._client,
                started,
                timeout=timeout,
                poll_interval=poll_interval,
                on_event=on_event,
            )
        )


class AsyncExecutions:
    """`vault.executions` of AsyncVault.

    execution = await vault.executions.status(external_id="nightly-check-42")
    await vault.executions.cancel(execution.id)
    """

    def __init__(self, client: AsyncVault) -> None:
        self._client = client

    async def status(
        self, execution_id: str | None = None, *, external_id: str | None = None
    ) -> Execution:
        return await self._client._run(
            _flows.status(self._client, execution_id, external_id=external_id)
        )

    async def cancel(self, execution: Execution | str) -> CancelReceipt:
        execution_id = execution.id if isinstance(execution, Execution) else execution
        return await self._client._run(_flows.cancel(self._client, execution_id))

    async def wait(
        self,
        execution: Execution | str,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 (see _flows.wait)
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_event: EventCallback | None = None,
    ) -> Execution:
        return await self._client._run(
            _flows.wait(
                self._client,
                execution,
                timeout=timeout,
                poll_interval=poll_interval,
                on_event=on_event,
            )
        )
