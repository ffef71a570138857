"""Read the agent catalog as Vault's agent endpoints present it."""

from __future__ import annotations

from actionvault.domain.agents import Action, Agent, AgentCatalog, Scope
from actionvault.domain.permissions import can_execute
from actionvault.domain.principals import Principal
from actionvault.errors import InvalidData, ParameterRequired
from actionvault.store.users import SQLUserStore


class CatalogService:
    def __init__(self, catalog: AgentCatalog, users: SQLUserStore) -> None:
        self.catalog = catalog
        self._users = users

    async def list_agents(
        self,
        principal: Principal,
        *,
        agent_name: str | None = None,
        available_by_user_name: str | None = None,
        object_name: str | None = None,
        object_type: str | None = None,
        document_type: str | None = None,
    ) -> list[Agent]:
        if object_type and not object_name:
            raise ParameterRequired(
                "Missing required parameter [object]: object_type must be given with object"
            )
        agents = list(self.catalog)
        if agent_name:
            agents = [a for a in agents if a.name == agent_name]
        if document_type:
            agents = [
                a
                for a in agents
                if a.scope is Scope.DOCUMENT and a.accepts_document_type(document_type)
            ]
        if object_name:
            agents = [
                a
                for a in agents
                if a.scope is Scope.OBJECT
                and a.object_name in (None, object_name)
                and (not object_type or a.object_type in (None, object_type))
            ]
        if available_by_user_name:
            subject = await self._principal_for(available_by_user_name)
            agents = [
                a
                for a in agents
                if a.active
                and any(x.active and can_execute(subject, a.name, x.name) for x in a.actions)
            ]
        return agents

    async def _principal_for(self, username: str) -> Principal:
        credentials = await self._users.credentials(username)
        if credentials is None or not credentials.user.active:
            raise InvalidData.for_parameter(
                "available_by_user_name", username, "no active user has this user name"
            )
        permissions = await self._users.permissions(credentials.user.id)
        return Principal(user=credentials.user, session_id="", permissions=permissions)

    def agent(self, name: str) -> Agent:
        agent = self.catalog.get(name)
        if agent is None:
            raise InvalidData(f"Agent [{name}] does not exist")
        return agent

    def action(self, agent_name: str, action_name: str) -> tuple[Agent, Action]:
        agent = self.agent(agent_name)
        action = agent.action(action_name)
        if action is None:
            raise InvalidData(f"Action [{action_name}] does not exist on agent [{agent_name}]")
        return agent, action
