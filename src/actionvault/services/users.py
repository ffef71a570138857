"""Administer users, groups and permission sets; every change lands in the audit trail."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from actionvault.domain import audit
from actionvault.domain.principals import (
    SECURITY_PROFILES,
    ObjectPermission,
    Principal,
    User,
)
from actionvault.errors import (
    InsufficientAccess,
    InvalidData,
    ItemNameExists,
    ParameterRequired,
    UsernameOrPasswordIncorrect,
)
from actionvault.ports import Clock
from actionvault.services.audit import AuditService
from actionvault.services.sessions import hash_password, verify_password
from actionvault.store.users import DuplicateName, SQLUserStore

MIN_PASSWORD_LENGTH = 8


def _require_admin(principal: Principal | None) -> None:
    """None is the server's own command line, which acts with full rights."""
    if principal is not None and not principal.is_admin:
        raise InsufficientAccess("Only administrators may change users and permissions.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidData(f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters long")


#: A permission set's name, as Vault names its configuration: `quick_check_users__c`.
_PERMISSION_SET_NAME = re.compile(r"[a-z][a-z0-9_]{0,99}")


class UserService:
    def __init__(
        self,
        users: SQLUserStore,
        audit_service: AuditService,
        clock: Clock,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self._users = users
        self._audit = audit_service
        self._clock = clock
        # Tells the session cache that users or rights changed, so it reads them again.
        self._on_change = on_change

    async def create_user(
        self,
        actor: Principal | None,
        *,
        username: str | None,
        password: str | None,
        first_name: str = "",
        last_name: str = "",
        email: str = "",
        security_profile: str | None = None,
        permission_sets: tuple[str, ...] = (),
    ) -> User:
        _require_admin(actor)
        if not username:
            raise ParameterRequired.named("user_name__v")
        if not password:
            raise ParameterRequired.named("password__v")
        _check_password(password)
        profile = security_profile or "standard_user__v"
        if profile not in SECURITY_PROFILES:
            raise InvalidData.for_parameter(
                "security_profile__v", profile, f"one of {', '.join(sorted(SECURITY_PROFILES))}"
            )
        for name in permission_sets:
            if not await self._users.permission_set_exists(name):
                raise InvalidData.for_parameter("permission_sets", name, "no such permission set")
        try:
            user = await self._users.add_user(
                username=username,
                password_hash=hash_password(password),
                first_name=first_name,
                last_name=last_name,
                email=email or username,
                security_profile=profile,
                now=self._clock(),
            )
        except DuplicateName:
            raise ItemNameExists(f"A user named [{username}] exists already") from None
        for name in permission_sets:
            await self._users.assign_permission_set(user.id, name)
        await self._audit.record(
            audit.USER_CHANGE,
            "success",
            principal=actor,
            subject=f"user {user.id}",
            operation="create_user",
            username=username,
            security_profile=profile,
            permission_sets=list(permission_sets) or None,
        )
        return user

    async def update_user(
        self,
        actor: Principal | None,
        user_id: int,
        *,
        active: bool | None = None,
        security_profile: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
    ) -> User:
        _require_admin(actor)
        user = await self.user(user_id)
        if security_profile is not None and security_profile not in SECURITY_PROFILES:
            raise InvalidData.for_parameter(
                "security_profile__v",
                security_profile,
                f"one of {', '.join(sorted(SECURITY_PROFILES))}",
            )
        updated = replace(
            user,
            active=user.active if active is None else active,
            security_profile=security_profile or user.security_profile,
            first_name=user.first_name if first_name is None else first_name,
            last_name=user.last_name if last_name is None else last_name,
            email=user.email if email is None else email,
        )
        await self._users.update_user(updated)
        if not updated.active:
            await self._users.end_sessions(user_id)
        self._on_change()
        await self._audit.record(
            audit.USER_CHANGE
            if updated.security_profile == user.security_profile
            else audit.PERMISSION_CHANGE,
            "success",
            principal=actor,
            subject=f"user {user_id}",
            operation="update_user",
            active=updated.active,
            security_profile=updated.security_profile,
        )
        return updated

    async def user(self, user_id: int) -> User:
        user = await self._users.user(user_id)
        if user is None:
            raise InvalidData(f"User [{user_id}] does not exist")
        return user

    async def list_users(self, limit: int, offset: int) -> tuple[list[User], int]:
        return await self._users.list_users(limit, offset)

    async def permission_sets(self, actor: Principal) -> list[tuple[str, str, bool]]:
        """(name, label, api_access) of every permission set, for administrators."""
        _require_admin(actor)
        return await self._users.permission_sets()

    async def user_permission_sets(self, actor: Principal, user_id: int) -> list[str]:
        _require_admin(actor)
        return await self._users.user_permission_sets(user_id)

    async def change_own_password(self, principal: Principal, current: str, new: str) -> None:
        credentials = await self._users.credentials(principal.user.username)
        if credentials is None or not verify_password(credentials.password_hash, current):
            await self._audit.record(
                audit.PASSWORD_CHANGE, "failure", principal=principal, reason="wrong password"
            )
            raise UsernameOrPasswordIncorrect("The current password is incorrect.")
        await self.set_password(None, principal.user_id, new, actor_for_audit=principal)

    async def set_password(
        self,
        actor: Principal | None,
        user_id: int,
        password: str,
        *,
        actor_for_audit: Principal | None = None,
    ) -> None:
        """Set a password; every session of the user ends."""
        _require_admin(actor)
        _check_password(password)
        await self.user(user_id)
        await self._users.set_password(user_id, hash_password(password), self._clock())
        self._on_change()
        await self._audit.record(
            audit.PASSWORD_CHANGE,
            "success",
            principal=actor or actor_for_audit,
            subject=f"user {user_id}",
        )

    async def save_permission_set(
        self,
        actor: Principal | None,
        name: str,
        *,
        label: str = "",
        api_access: bool = True,
        actions: tuple[tuple[str, str], ...] = (),
        objects: tuple[tuple[str, ObjectPermission], ...] = (),
    ) -> None:
        _require_admin(actor)
        if not _PERMISSION_SET_NAME.fullmatch(name):
            raise InvalidData(
                f"Invalid value [{name[:100]}] for parameter [name] specified: a permission set's "
                "name is lower-case letters, digits and underscores, e.g. vault_ai_users__c"
            )
        await self._users.save_permission_set(name, label or name, api_access, self._clock())
        for agent_name, action_name in actions:
            await self._users.grant_set_action(name, agent_name, action_name)
        for object_name, permission in objects:
            await self._users.grant_set_object(name, object_name, permission)
        self._on_change()
        await self._audit.record(
            audit.PERMISSION_CHANGE,
            "success",
            principal=actor,
            subject=f"permission set {name}",
            api_access=api_access,
            actions=[f"{a}.{b}" for a, b in actions] or None,
            objects={o: [p.read, p.create, p.edit] for o, p in objects} or None,
        )

    async def assign_permission_set(self, actor: Principal | None, user_id: int, name: str) -> None:
        _require_admin(actor)
        await self.user(user_id)
        if not await self._users.permission_set_exists(name):
            raise InvalidData(f"Permission set [{name}] does not exist")
        await self._users.assign_permission_set(user_id, name)
        self._on_change()
        await self._audit.record(
            audit.PERMISSION_CHANGE,
            "success",
            principal=actor,
            subject=f"user {user_id}",
            operation="assign_permission_set",
            permission_set=name,
        )

    async def add_group_member(self, actor: Principal | None, group: str, user_id: int) -> int:
        _require_admin(actor)
        await self.user(user_id)
        group_id = await self._users.group_id(group)
        if group_id is None:
            group_id = await self._users.add_group(group, group, self._clock())
        await self._users.add_group_member(group_id, user_id)
        self._on_change()
        await self._audit.record(
            audit.PERMISSION_CHANGE,
            "success",
            principal=actor,
            subject=f"user {user_id}",
            operation="add_group_member",
            group=group,
        )
        return group_id
