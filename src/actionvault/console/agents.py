"""The agents and their actions; administrators edit and add them as YAML."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.responses import Response

from actionvault.console.web import PREFIX, Page, redirect
from actionvault.domain.agents import Agent
from actionvault.errors import InvalidData

_LINE = re.compile(r"line (\d+)")
_NEW_AGENT = """\
name: my_agent__c
label: My Agent
class: com.example.MyAgent
source: custom
document_type: base_document__v
description: What the agent is for, in a sentence chat routing can read.
actions:
  - name: my_check__c
    label: My Check
    description: What the action does.
    engine: builtin.echo
"""


async def list_agents(page: Page) -> Response:
    agents = await page.services.catalog.list_agents(page.user)
    return page.render("agents.html", agents=agents)


def _definition_of(agent: Agent) -> str:
    """The YAML the agent was read from, when the file is there to read."""
    path = Path(agent.origin) if agent.origin else None
    if path is not None and path.is_file():
        return path.read_text(encoding="utf-8")
    return ""


async def edit_agent(page: Page) -> Response:
    name = page.request.path_params.get("agent_name")
    if name is None:
        return page.render("agent_edit.html", agent=None, definition=_NEW_AGENT)
    agent = page.services.catalog.agent(name)
    return page.render("agent_edit.html", agent=agent, definition=_definition_of(agent))


async def save_agent(page: Page) -> Response:
    """Validated as `POST /api/{v}/ext/agents` validates it; an error is shown at its line."""
    raw = page.form.get("definition") if page.form is not None else None
    definition = raw.replace("\r\n", "\n") if isinstance(raw, str) else ""
    try:
        if not definition.strip():
            raise InvalidData("Write the agent's YAML definition first.")
        agent = await page.services.agents.define(page.user, definition)
    except InvalidData as exc:
        match = _LINE.search(exc.message)
        return page.render(
            "agent_edit.html",
            http_status=422,
            agent=None,
            definition=definition,
            error=exc.message,
            error_line=int(match.group(1)) if match else None,
            lines=definition.split("\n"),
        )
    return redirect(f"{PREFIX}/agents#agent-{agent.name}")
