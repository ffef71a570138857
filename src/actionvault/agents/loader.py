"""Read agent definition files (YAML, one agent per file) into domain agents.

The fields mirror Vault's MDL Agent component so that a Vault admin recognises them. A file
that is not valid stops startup with an error naming the file, the field and the problem,
because a server that silently drops an agent is harder to debug than one that will not start.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from actionvault.domain.agents import Action, Agent, AgentCatalog, Scope
from actionvault.errors import DefinitionError
from actionvault.yaml_text import load_yaml

_NAME_PATTERN = r"^[a-z][a-z0-9_]*__(v|c|sys)$"


class _ActionDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME_PATTERN)
    label: str = Field(min_length=1, max_length=60)
    description: str = Field(min_length=1, max_length=1500)
    engine: str = Field(min_length=1)
    active: bool = True
    support_chat: bool = False
    tool_evaluation: Literal["AUTO", "ALWAYS"] = "AUTO"
    instructions: str = ""
    timeout_seconds: float | None = Field(default=None, gt=0)
    options: dict[str, Any] = Field(default_factory=dict)
    context: (
        list[Literal["document_text", "document_fields", "record_fields", "related_records"]] | None
    ) = None
    model_level: Literal["BASIC", "ADVANCED"] | None = None
    api_access: bool = True


class _AgentDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(pattern=_NAME_PATTERN)
    label: str = Field(min_length=1, max_length=60)
    description: str = Field(min_length=1, max_length=500)
    agent_class: str = Field(alias="class", min_length=1)
    active: bool = True
    source: Literal["standard", "system", "custom"] = "custom"
    model_level: Literal["BASIC", "ADVANCED"] = "BASIC"
    #: Inferred from document_type / object when absent; `object` alone means any object.
    scope: Literal["document", "object", "general"] | None = None
    document_type: str | None = None
    object: str | None = None
    object_type: str | None = None
    objective: str = Field(default="", max_length=32000)
    actions: list[_ActionDefinition] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_scope(self) -> _AgentDefinition:
        if self.document_type and self.object:
            raise ValueError("an agent is scoped to documents or to an object, not both")
        if self.object_type and not self.object:
            raise ValueError("object_type needs object")
        if self.scope == "general" and (self.document_type or self.object):
            raise ValueError("a general agent names no document_type or object")
        if self.scope == "document" and self.object:
            raise ValueError("a document-scoped agent names no object")
        if self.scope == "object" and self.document_type:
            raise ValueError("an object-scoped agent names no document_type")
        names = [a.name for a in self.actions]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"action names must be unique; repeated: {', '.join(duplicates)}")
        return self

    @field_validator("actions", mode="before")
    @classmethod
    def _actions_list(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("at least one action is required")
        return value


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(file)"
        problems.append(f"field '{where}': {item['msg']}")
    return "; ".join(problems)


def load_agent_file(path: Path | Any, known_engines: Iterable[str]) -> Agent:
    """Read one definition file; DefinitionError names the file, field and problem."""
    return parse_agent(path.read_text("utf-8"), str(path), known_engines, _stem(path))


def _stem(path: Path | Any) -> str:
    return Path(getattr(path, "name", str(path))).stem


def parse_agent(
    text: str, origin: str, known_engines: Iterable[str], file_stem: str | None = None
) -> Agent:
    """An agent from definition text; `file_stem`, when given, must equal the agent's name."""
    raw = load_yaml(text, origin)
    if not isinstance(raw, dict):
        raise DefinitionError(f"{origin}: expected a mapping of agent fields at the top level")
    try:
        definition = _AgentDefinition.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(f"{origin}: {_describe(exc)}") from exc
    engines = set(known_engines)
    for index, action in enumerate(definition.actions):
        if action.engine not in engines:
            raise DefinitionError(
                f"{origin}: field 'actions.{index}.engine': unknown engine {action.engine!r}; "
                f"known engines: {', '.join(sorted(engines))}"
            )
    if file_stem is not None and file_stem != definition.name:
        raise DefinitionError(
            f"{origin}: field 'name': {definition.name!r} must match the file name "
            f"({file_stem}.yaml)"
        )
    if definition.scope is not None:
        scope = Scope(definition.scope)
    elif definition.document_type:
        scope = Scope.DOCUMENT
    elif definition.object:
        scope = Scope.OBJECT
    else:
        scope = Scope.GENERAL
    return Agent(
        name=definition.name,
        label=definition.label,
        description=definition.description.strip(),
        agent_class=definition.agent_class,
        source=definition.source,
        active=definition.active,
        model_level=definition.model_level,
        scope=scope,
        document_type=definition.document_type,
        object_name=definition.object,
        object_type=definition.object_type,
        objective=definition.objective.strip(),
        actions=tuple(
            Action(
                name=a.name,
                label=a.label,
                description=a.description.strip(),
                engine=a.engine,
                active=a.active,
                support_chat=a.support_chat,
                tool_evaluation=a.tool_evaluation,
                instructions=a.instructions.strip(),
                timeout_seconds=a.timeout_seconds,
                options=dict(a.options),
                context=tuple(a.context) if a.context is not None else _default_context(scope),
                model_level=a.model_level,
                api_access=a.api_access,
            )
            for a in definition.actions
        ),
        origin=origin,
    )


def _default_context(scope: Scope) -> tuple[str, ...]:
    if scope is Scope.DOCUMENT:
        return ("document_text", "document_fields")
    if scope is Scope.OBJECT:
        return ("record_fields", "related_records")
    return ()


def load_catalog(extra_dir: Path | None, known_engines: Iterable[str]) -> AgentCatalog:
    """The shipped standard agents, then the files of `extra_dir`, which add or override."""
    engines = list(known_engines)
    agents: dict[str, Agent] = {}
    shipped = resources.files("actionvault.agents") / "definitions"
    for entry in sorted(shipped.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            agent = load_agent_file(entry, engines)
            agents[agent.name] = agent
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise DefinitionError(f"{extra_dir}: the agents folder does not exist")
        for path in sorted([*extra_dir.glob("*.yaml"), *extra_dir.glob("*.yml")]):
            agent = load_agent_file(path, engines)
            agents[agent.name] = agent
    return AgentCatalog(agents.values())
