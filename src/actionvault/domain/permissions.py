"""Who may run what and see which executions: pure policy over principals."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from actionvault.domain.executions import Execution
from actionvault.domain.principals import ObjectPermission, Principal

API_ACCESS_PERMISSION = "VaultActions_API_Access"
#: The document roles that may add a version.
EDIT_ROLES = frozenset({"owner__v", "editor__v"})


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


def has_api_access(principal: Principal) -> bool:
    """Logging in needs no right; every other call needs API access, as in Vault."""
    return principal.is_admin or principal.permissions.api_access


def object_permission(principal: Principal, object_name: str) -> ObjectPermission:
    if principal.is_admin:
        return ObjectPermission(read=True, create=True, edit=True)
    return principal.permissions.objects.get(object_name, ObjectPermission())


def can_edit_document(
    principal: Principal, roles: Mapping[str, Mapping[str, Collection[int]]]
) -> bool:
    """Administrators, and users holding an edit role themselves or through a group."""
    if principal.is_admin:
        return True
    return any(
        principal.user_id in members.get("users", ())
        or principal.group_ids.intersection(members.get("groups", ()))
        for role, members in roles.items()
        if role in EDIT_ROLES
    )
