"""Who is calling: users and the rights a session carries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

ADMIN_PROFILE = "system_admin__v"
STANDARD_PROFILE = "standard_user__v"
#: Vault's security profiles that actionvault knows; the administrator's sees everything.
SECURITY_PROFILES = frozenset({ADMIN_PROFILE, STANDARD_PROFILE})


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    security_profile: str
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.security_profile == ADMIN_PROFILE


@dataclass(frozen=True, slots=True)
class ObjectPermission:
    read: bool = False
    create: bool = False
    edit: bool = False


@dataclass(frozen=True, slots=True)
class Permissions:
    """What a user's permission sets and groups add up to."""

    api_access: bool = False
    action_grants: frozenset[tuple[str, str]] = frozenset()
    objects: Mapping[str, ObjectPermission] = field(default_factory=dict)
    group_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Principal:
    """A user as seen through one session: who they are and which actions they may run.

    `action_grants` holds `(agent, action)` pairs; `"*"` in either place grants all.
    Administrators hold every right whatever their permission sets say.
    """

    user: User
    session_id: str
    permissions: Permissions = field(default_factory=Permissions)

    @property
    def user_id(self) -> int:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    @property
    def action_grants(self) -> frozenset[tuple[str, str]]:
        return self.permissions.action_grants

    @property
    def group_ids(self) -> frozenset[int]:
        return self.permissions.group_ids


@dataclass(frozen=True, slots=True)
class UserCredentials:
    user: User
    password_hash: str
    credentials_changed_at: float


@dataclass(frozen=True, slots=True)
class SessionRecord:
    token_hash: str
    user_id: int
    created_at: float
    last_used_at: float


class SessionWithUser(NamedTuple):
    """A session and the user it belongs to, read together on every request."""

    session: SessionRecord
    user: User


class UserPage(NamedTuple):
    """One page of users, and how many there are in all."""

    users: list[User]
    total: int
