"""Who is calling: users and the rights a session carries."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_admin: bool
    active: bool


@dataclass(frozen=True, slots=True)
class Principal:
    """A user as seen through one session: who they are and which actions they may run.

    `action_grants` holds `(agent, action)` pairs; `"*"` in either place grants all.
    """

    user: User
    session_id: str
    action_grants: frozenset[tuple[str, str]] = field(default=frozenset())

    @property
    def user_id(self) -> int:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin


@dataclass(frozen=True, slots=True)
class UserCredentials:
    user: User
    password_hash: str
    failed_logins: int
    locked_until: float | None
    credentials_changed_at: float


@dataclass(frozen=True, slots=True)
class SessionRecord:
    token_hash: str
    user_id: int
    created_at: float
    last_used_at: float
