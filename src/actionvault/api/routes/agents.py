"""The four agent retrieval endpoints."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from actionvault.api.endpoints import RequestContext, endpoint
from actionvault.domain.agents import Action, Agent, Scope


def _execute_url(version: str) -> str:
    return f"/api/{version}/services/ai/agent_actions/actions/execute"


def _agent_url(version: str, agent: Agent) -> str:
    return f"/api/{version}/services/ai/agents/{agent.name}"


def _action_url(version: str, agent: Agent, action: Action) -> str:
    return f"/api/{version}/services/ai/agent_action/{agent.name}/{action.name}"


def _query(context: RequestContext, name: str) -> str | None:
    value = context.request.query_params.get(name)
    return value.strip() or None if value is not None else None


async def list_agents(context: RequestContext) -> dict[str, Any]:
    agents = await context.services.catalog.list_agents(
        context.user,
        agent_name=_query(context, "agent_name"),
        available_by_user_name=_query(context, "available_by_user_name"),
        object_name=_query(context, "object"),
        object_type=_query(context, "object_type"),
        document_type=_query(context, "document_type"),
    )
    return {
        "agents": [
            {"name": a.name, "label": a.label, "url": _agent_url(context.version, a)}
            for a in agents
        ]
    }


async def retrieve_agent(context: RequestContext) -> dict[str, Any]:
    agent = context.services.catalog.agent(context.request.path_params["agent_name"])
    body: dict[str, Any] = {
        "name": agent.name,
        "label": agent.label,
        "status": agent.active,
        "agentClass": agent.agent_class,
    }
    if agent.scope is Scope.DOCUMENT:
        body["documentType"] = agent.document_type or "base_document__v"
    elif agent.scope is Scope.OBJECT:
        if agent.object_name:
            body["object"] = agent.object_name
        if agent.object_type:
            body["objectType"] = agent.object_type
    body.update(
        {
            "description": agent.description,
            "source": agent.source,
            "agentUser": agent.agent_user,
            "agentModelLevel": agent.model_level,
            "actions": [
                {
                    "name": action.name,
                    "label": action.label,
                    "url": _action_url(context.version, agent, action),
                }
                for action in agent.actions
            ],
        }
    )
    return {"agent": body}


async def list_agent_actions(context: RequestContext) -> dict[str, Any]:
    return {
        "agents": [
            {
                "agentName": agent.name,
                "agentLabel": agent.label,
                "description": agent.description,
                "actions": [
                    {
                        "name": action.name,
                        "label": action.label,
                        "description": action.description,
                        "url": _execute_url(context.version),
                    }
                    for action in agent.actions
                ],
            }
            for agent in context.services.catalog.catalog
        ]
    }


async def retrieve_agent_action(context: RequestContext) -> dict[str, Any]:
    params = context.request.path_params
    agent, action = context.services.catalog.action(params["agent_name"], params["action_name"])
    return {
        "agentAction": {
            "name": action.name,
            "label": action.label,
            "active": action.active,
            "source": agent.source,
            "description": action.description,
            "supportChat": action.support_chat,
            "toolEvaluation": action.tool_evaluation,
        }
    }


_AI = "/api/{version}/services/ai"
ROUTES = [
    Route(f"{_AI}/agents", endpoint(list_agents), methods=["GET"]),
    Route(f"{_AI}/agents/{{agent_name}}", endpoint(retrieve_agent), methods=["GET"]),
    Route(f"{_AI}/agent_actions", endpoint(list_agent_actions), methods=["GET"]),
    Route(
        f"{_AI}/agent_action/{{agent_name}}/{{action_name}}",
        endpoint(retrieve_agent_action),
        methods=["GET"],
    ),
]
