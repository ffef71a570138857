"""Agents and the actions they own, as declared in definition files."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Scope(StrEnum):
    """What an agent's actions run on."""

    DOCUMENT = "document"  # needs document_id; optionally limited to one document type
    OBJECT = "object"  # needs object + record_id; optionally limited to one object type
    GENERAL = "general"  # needs no target (e.g. a chat-only agent)


@dataclass(frozen=True, slots=True)
class Action:
    """One thing an agent can do; `engine` names the handler that performs it."""

    name: str
    label: str
    description: str
    engine: str
    active: bool = True
    support_chat: bool = False
    tool_evaluation: str = "AUTO"
    instructions: str = ""
    timeout_seconds: float | None = None
    #: Settings for the engine, as the definition file gives them.
    options: dict[str, Any] = field(default_factory=dict)
    #: What a model reads: document_text, document_fields, record_fields, related_records.
    context: tuple[str, ...] = ()
    #: Overrides the agent's model level for this action.
    model_level: str | None = None
    #: Offered to MCP clients as a tool (Vault's "API Access" on an agent action).
    api_access: bool = True


@dataclass(frozen=True, slots=True)
class Agent:
    """An agent: a scope, a description used for routing, and its actions."""

    name: str
    label: str
    description: str
    agent_class: str
    source: str
    active: bool
    model_level: str
    scope: Scope
    document_type: str | None = None
    object_name: str | None = None
    object_type: str | None = None
    objective: str = ""
    actions: tuple[Action, ...] = field(default=())
    origin: str = ""  # the file it was read from, for error messages

    @property
    def agent_user(self) -> str:
        return f"[agent]{self.name}"

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    def accepts_document_type(self, document_type: str) -> bool:
        """Vault's `base_document__v` is the root type: an agent scoped to it takes every type."""
        return self.document_type in (None, "base_document__v", document_type)


class AgentCatalog:
    """The agents known to this server, by name, in a stable order."""

    def __init__(self, agents: Iterable[Agent]) -> None:
        self._agents = {agent.name: agent for agent in sorted(agents, key=lambda a: a.name)}

    def __iter__(self) -> Iterator[Agent]:
        return iter(self._agents.values())

    def __len__(self) -> int:
        return len(self._agents)

    def get(self, name: str) -> Agent | None:
        return self._agents.get(name)

    def put(self, agent: Agent) -> None:
        """Add or replace an agent; every service sharing this catalog sees it at once."""
        self._agents[agent.name] = agent
        self._agents = dict(sorted(self._agents.items()))

    def remove(self, name: str) -> None:
        self._agents.pop(name, None)
