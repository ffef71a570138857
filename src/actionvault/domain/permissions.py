"""Who may run what and see which executions: pure policy over principals."""

from __future__ import annotations

from actionvault.domain.executions import Execution
from actionvault.domain.principals import Principal


def can_execute(principal: Principal, agent_name: str, action_name: str) -> bool:
    """Administrators run everything; others need a grant naming the action (or a wildcard)."""
    if principal.is_admin:
        return True
    grants = principal.action_grants
    return any(
        (agent, action) in grants for agent in (agent_name, "*") for action in (action_name, "*")
    )


def can_see_execution(principal: Principal, execution: Execution) -> bool:
    """Executions belong to their caller; administrators see all of them."""
    return principal.is_admin or execution.user_id == principal.user_id
