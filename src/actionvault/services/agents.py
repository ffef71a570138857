"""Custom agents defined through the API: validated, written to the agents folder, live at once."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from actionvault.agents.loader import load_catalog, parse_agent
from actionvault.domain import audit
from actionvault.domain.agents import Agent, AgentCatalog
from actionvault.domain.principals import Principal
from actionvault.errors import DefinitionError, InsufficientAccess, InvalidData, OperationNotAllowed
from actionvault.services.audit import AuditService


class AgentAdminService:
    def __init__(
        self,
        catalog: AgentCatalog,
        folder: Path,
        engines: Iterable[str],
        audit_service: AuditService,
    ) -> None:
        self._catalog = catalog
        self._folder = folder
        self._engines = list(engines)
        self._audit = audit_service

    async def define(self, principal: Principal, definition: str) -> Agent:
        """Validate a YAML definition, write it as `{name}.yaml`, and make it executable now."""
        if not principal.is_admin:
            raise InsufficientAccess("Only administrators may define agents.")
        try:
            agent = parse_agent(definition, "the posted definition", self._engines)
        except DefinitionError as exc:
            raise InvalidData(str(exc)) from None
        self._folder.mkdir(parents=True, exist_ok=True)
        path = self._folder / f"{agent.name}.yaml"
        temporary = path.with_suffix(".yaml.tmp")
        temporary.write_text(definition, encoding="utf-8")
        os.replace(temporary, path)  # never a half-written definition at the next start
        self._catalog.put(parse_agent(definition, str(path), self._engines, agent.name))
        await self._audit.record(
            audit.PERMISSION_CHANGE,
            "success",
            principal=principal,
            subject=f"agent {agent.name}",
            operation="define_agent",
            actions=[a.name for a in agent.actions],
        )
        return agent

    async def remove(self, principal: Principal, name: str) -> None:
        if not principal.is_admin:
            raise InsufficientAccess("Only administrators may remove agents.")
        path = self._folder / f"{name}.yaml"
        if self._catalog.get(name) is None:
            raise InvalidData(f"Agent [{name}] does not exist")
        if not path.is_file():
            raise OperationNotAllowed(
                f"Agent [{name}] ships with actionvault and cannot be removed; "
                "define an inactive override instead (active: false)."
            )
        path.unlink()
        shipped = load_catalog(None, self._engines).get(name)
        if shipped is not None:
            self._catalog.put(shipped)  # the override is gone: the standard agent is back
        else:
            self._catalog.remove(name)
        await self._audit.record(
            audit.PERMISSION_CHANGE,
            "success",
            principal=principal,
            subject=f"agent {name}",
            operation="remove_agent",
        )
