"""Log in, check a session on every request, keep it alive, log out."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from actionvault.domain import audit
from actionvault.domain.permissions import API_ACCESS_PERMISSION, has_api_access
from actionvault.domain.principals import Principal, User
from actionvault.errors import (
    ApiLimitExceeded,
    AuthenticationError,
    InactiveUser,
    InsufficientAccess,
    InvalidSessionId,
    NoPasswordProvided,
    UserLockedOut,
    UsernameOrPasswordIncorrect,
)
from actionvault.ports import Clock, UserStore
from actionvault.services.audit import AuditService
from actionvault.settings import Settings

_AUTH_WINDOW = 60.0
#: How long a login answer is held back once a user name passes half its burst limit.
AUTH_DELAY_SECONDS = 1.0


_CACHE_SIZE = 10_000


@dataclass(slots=True)
class _CachedSession:
    principal: Principal
    created_at: float
    last_used_at: float
    loaded_at: float


class AuthBurst:
    """Vault's auth burst limit: logins per user name per one-minute window, in this process.

    From half the limit answers are delayed; at the limit they are refused until the window
    ends. Counting per process keeps login off the database; several API processes each count
    their own share.
    """

    def __init__(self, limit: int, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._window = -1
        self._counts: dict[str, int] = {}

    def hit(self, username: str) -> tuple[int, float]:
        """The count so far in this window (this call included) and seconds until it ends."""
        now = self._clock()
        window = int(now // _AUTH_WINDOW)
        if window != self._window:
            self._window, self._counts = window, {}
        key = username.strip().lower()
        self._counts[key] = self._counts.get(key, 0) + 1
        return self._counts[key], (window + 1) * _AUTH_WINDOW - now


_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps a wrong username as slow as a
# wrong password, so timing does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("actionvault-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def hash_session_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionService:
    def __init__(
        self, users: UserStore, settings: Settings, clock: Clock, audit_service: AuditService
    ) -> None:
        self._users = users
        self._settings = settings
        self._clock = clock
        self._audit = audit_service
        self._burst = AuthBurst(settings.auth_burst_limit, clock)
        # Every request checks its session; for a second a checked session is taken on trust,
        # which bounds how late another process's logout or permission change is seen.
        self._cache: dict[str, _CachedSession] = {}
        # Writing last_used_at on every request would make each read a write; within this
        # window a session's idle clock is exact enough.
        self._touch_after = min(5.0, settings.session_idle_timeout / 10)

    async def login(
        self, username: str | None, password: str | None, client_id: str | None = None
    ) -> tuple[str, User]:
        if username:
            count, remaining = self._burst.hit(username)
            if count > self._burst.limit:
                raise ApiLimitExceeded(
                    f"Too many logins for this user name; try again in {int(remaining) + 1} s."
                )
            if count > self._burst.limit // 2:
                await asyncio.sleep(AUTH_DELAY_SECONDS)
        try:
            session_id, user = await self._login(username, password)
        except AuthenticationError as exc:
            await self._audit.record(
                audit.LOGIN,
                "failure",
                username=username,
                client_id=client_id,
                reason=exc.vault_type,
            )
            raise
        await self._audit.record(
            audit.LOGIN, "success", user_id=user.id, username=user.username, client_id=client_id
        )
        return session_id, user

    async def _login(self, username: str | None, password: str | None) -> tuple[str, User]:
        if not password:
            raise NoPasswordProvided()
        if not username:
            raise UsernameOrPasswordIncorrect("No username was provided for the login call.")
        if "\x00" in username:
            raise UsernameOrPasswordIncorrect()
        credentials = await self._users.credentials(username)
        now = self._clock()
        if credentials is None:
            await asyncio.to_thread(verify_password, _DUMMY_HASH, password)
            raise UsernameOrPasswordIncorrect()
        user = credentials.user
        if credentials.locked_until is not None and credentials.locked_until > now:
            raise UserLockedOut()
        if not await asyncio.to_thread(verify_password, credentials.password_hash, password):
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

    async def purge_expired(self) -> int:
        """Delete sessions past their idle timeout or maximum age; how many went.

        An expired session is also removed when it is next used, but most never are: without
        this the sessions table would grow with every login.
        """
        now = self._clock()
        return await self._users.delete_stale_sessions(
            idle_before=now - self._settings.session_idle_timeout,
            created_before=now - self._settings.session_max_age,
        )

    async def authenticate(self, session_id: str | None) -> Principal:
        if not session_id:
            raise InvalidSessionId()
        token_hash = hash_session_id(session_id)
        now = self._clock()
        cached = self._cache.get(token_hash)
        if cached is not None and now - cached.loaded_at <= self._settings.session_cache_seconds:
            principal, created_at, last_used_at = (
                cached.principal,
                cached.created_at,
                cached.last_used_at,
            )
        else:
            found = await self._users.session(token_hash)
            if found is None:
                self._cache.pop(token_hash, None)
                raise InvalidSessionId()
            record, user = found
            principal = Principal(
                user=user, session_id=session_id, permissions=await self._users.permissions(user.id)
            )
            created_at, last_used_at = record.created_at, record.last_used_at
            cached = _CachedSession(principal, created_at, last_used_at, now)
            self._remember(token_hash, cached)
        expired = (
            now - last_used_at > self._settings.session_idle_timeout
            or now - created_at > self._settings.session_max_age
        )
        if expired or not principal.user.active:
            self._cache.pop(token_hash, None)
            await self._users.delete_session(token_hash)
            raise InvalidSessionId()
        if now - last_used_at > self._touch_after:
            await self._users.touch_session(token_hash, now)
            cached.last_used_at = now
        return principal

    def _remember(self, token_hash: str, entry: _CachedSession) -> None:
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()  # crude but bounded; entries live a second anyway
        self._cache[token_hash] = entry

    def forget_sessions(self) -> None:
        """Drop cached sessions: users or permissions changed in this process."""
        self._cache.clear()

    @staticmethod
    def require_api_access(principal: Principal) -> None:
        if not has_api_access(principal):
            raise InsufficientAccess(
                f"User [{principal.user_id}] not licensed for permission [{API_ACCESS_PERMISSION}]"
            )

    async def keep_alive(self, principal: Principal) -> None:
        await self._users.touch_session(hash_session_id(principal.session_id), self._clock())

    async def logout(self, principal: Principal) -> None:
        self._cache.pop(hash_session_id(principal.session_id), None)
        await self._users.delete_session(hash_session_id(principal.session_id))
        await self._audit.record(audit.LOGOUT, "success", principal=principal)


__all__ = ["SessionService", "hash_password", "verify_password"]
