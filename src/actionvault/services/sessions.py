"""Log in, check a session on every request, keep it alive, log out."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
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
from actionvault.ports import Clock
from actionvault.services.audit import AuditService
from actionvault.services.login_limits import AuthBurst, LoginThrottle
from actionvault.settings import Settings
from actionvault.store.users import SQLUserStore

log = logging.getLogger("actionvault.auth")

#: How long a login answer is held back once a user name passes half its burst limit.
AUTH_DELAY_SECONDS = 1.0


_CACHE_SIZE = 10_000


@dataclass(slots=True)
class _CachedSession:
    principal: Principal
    created_at: float
    last_used_at: float
    loaded_at: float


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
        self, users: SQLUserStore, settings: Settings, clock: Clock, audit_service: AuditService
    ) -> None:
        self._users = users
        self._settings = settings
        self._clock = clock
        self._audit = audit_service
        capacity = settings.login_tracking_size
        self._burst = AuthBurst(settings.auth_burst_limit, clock, capacity)
        self._throttle = LoginThrottle(
            clock,
            threshold=settings.lockout_threshold,
            first_delay=settings.login_backoff_seconds,
            max_delay=settings.lockout_seconds,
            capacity=capacity,
        )
        # Every request checks its session; for a second a checked session is taken on trust,
        # which bounds how late another process's logout or permission change is seen.
        self._cache: dict[str, _CachedSession] = {}
        # Writing last_used_at on every request would make each read a write; within this
        # window a session's idle clock is exact enough.
        self._touch_after = min(5.0, settings.session_idle_timeout / 10)

    async def login(
        self,
        username: str | None,
        password: str | None,
        client_id: str | None = None,
        *,
        address: str = "unknown",
    ) -> tuple[str, User]:
        """A new session, or the AuthenticationError that says why not.

        Whether the user exists changes nothing in the answer or its timing: an unknown name
        is checked against a dummy hash and counts failures like a known one.
        """
        if username:
            count, remaining = self._burst.hit(username)
            if count > self._burst.limit:
                raise ApiLimitExceeded(
                    f"Too many logins for this user name; try again in {int(remaining) + 1} s."
                )
            if count > self._burst.limit // 2:
                await asyncio.sleep(AUTH_DELAY_SECONDS)
        try:
            session_id, user = await self._login(username, password, address)
        except AuthenticationError as exc:
            log.warning(
                "login failed for user name %r from %s: %s",
                (username or "")[:100],
                address,
                exc.vault_type,
            )
            await self._audit.record(
                audit.LOGIN,
                "failure",
                username=username,
                client_id=client_id,
                reason=exc.vault_type,
                address=address,
            )
            raise
        await self._audit.record(
            audit.LOGIN,
            "success",
            user_id=user.id,
            username=user.username,
            client_id=client_id,
            address=address,
        )
        return session_id, user

    async def _login(
        self, username: str | None, password: str | None, address: str
    ) -> tuple[str, User]:
        if not password:
            raise NoPasswordProvided()
        if not username:
            self._throttle.failed(address, None)
            raise UsernameOrPasswordIncorrect("No username was provided for the login call.")
        refusal = self._throttle.check(address, username)
        if refusal is not None:
            wait = math.ceil(refusal.wait_seconds)
            source = "from your address" if refusal.by_address else "for this user name"
            raise UserLockedOut(f"Too many failed logins {source}; try again in {wait} s.")
        credentials = None if "\x00" in username else await self._users.credentials(username)
        password_hash = credentials.password_hash if credentials else _DUMMY_HASH
        if not await asyncio.to_thread(verify_password, password_hash, password) or not credentials:
            self._throttle.failed(address, username)
            raise UsernameOrPasswordIncorrect()
        user = credentials.user
        if not user.active:
            raise InactiveUser()
        self._throttle.succeeded(username)
        session_id = secrets.token_hex(32).upper()
        await self._users.add_session(hash_session_id(session_id), user.id, self._clock())
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
