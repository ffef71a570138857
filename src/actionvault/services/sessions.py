"""Log in, check a session on every request, keep it alive, log out."""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from actionvault.domain.principals import Principal, User
from actionvault.errors import (
    InactiveUser,
    InvalidSessionId,
    NoPasswordProvided,
    UserLockedOut,
    UsernameOrPasswordIncorrect,
)
from actionvault.ports import Clock, UserStore
from actionvault.settings import Settings

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps a wrong username as slow as a
# wrong password, so timing does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("actionvault-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def hash_session_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionService:
    def __init__(self, users: UserStore, settings: Settings, clock: Clock) -> None:
        self._users = users
        self._settings = settings
        self._clock = clock
        # Writing last_used_at on every request would make each read a write; within this
        # window a session's idle clock is exact enough.
        self._touch_after = min(5.0, settings.session_idle_timeout / 10)

    async def login(self, username: str | None, password: str | None) -> tuple[str, User]:
        if not password:
            raise NoPasswordProvided()
        if not username:
            raise UsernameOrPasswordIncorrect("No username was provided for the login call.")
        credentials = await self._users.credentials(username)
        now = self._clock()
        if credentials is None:
            await asyncio.to_thread(_verify, _DUMMY_HASH, password)
            raise UsernameOrPasswordIncorrect()
        user = credentials.user
        if credentials.locked_until is not None and credentials.locked_until > now:
            raise UserLockedOut()
        if not await asyncio.to_thread(_verify, credentials.password_hash, password):
            await self._users.record_login_failure(
                user.id,
                threshold=self._settings.lockout_threshold,
                locked_until=now + self._settings.lockout_seconds,
            )
            if credentials.failed_logins + 1 >= self._settings.lockout_threshold:
                raise UserLockedOut()
            raise UsernameOrPasswordIncorrect()
        if not user.active:
            raise InactiveUser()
        if credentials.failed_logins or credentials.locked_until is not None:
            await self._users.reset_login_failures(user.id)
        session_id = secrets.token_hex(32).upper()
        await self._users.add_session(hash_session_id(session_id), user.id, now)
        return session_id, user

    async def authenticate(self, session_id: str | None) -> Principal:
        if not session_id:
            raise InvalidSessionId()
        token_hash = hash_session_id(session_id)
        found = await self._users.session(token_hash)
        if found is None:
            raise InvalidSessionId()
        record, user = found
        now = self._clock()
        expired = (
            now - record.last_used_at > self._settings.session_idle_timeout
            or now - record.created_at > self._settings.session_max_age
        )
        if expired or not user.active:
            await self._users.delete_session(token_hash)
            raise InvalidSessionId()
        if now - record.last_used_at > self._touch_after:
            await self._users.touch_session(token_hash, now)
        grants = await self._users.action_grants(user.id)
        return Principal(user=user, session_id=session_id, action_grants=grants)

    async def keep_alive(self, principal: Principal) -> None:
        await self._users.touch_session(hash_session_id(principal.session_id), self._clock())

    async def logout(self, principal: Principal) -> None:
        await self._users.delete_session(hash_session_id(principal.session_id))
