"""Users, their action grants, sessions and chats."""

from __future__ import annotations

from actionvault.domain.principals import SessionRecord, User, UserCredentials
from actionvault.store.database import Database, IntegrityViolation, Row


class DuplicateUsername(Exception):
    """A user with this username exists already."""


def _user_from_row(row: Row) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=row["email"],
        is_admin=bool(row["is_admin"]),
        active=bool(row["active"]),
    )


class SQLUserStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_user(
        self,
        *,
        username: str,
        password_hash: str,
        now: float,
        first_name: str = "",
        last_name: str = "",
        email: str = "",
        is_admin: bool = False,
        active: bool = True,
    ) -> User:
        try:
            row = await self._db.fetch_one(
                "insert_user",
                {
                    "username": username,
                    "password_hash": password_hash,
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": email,
                    "is_admin": is_admin,
                    "active": active,
                    "now": now,
                },
            )
        except IntegrityViolation as exc:
            raise DuplicateUsername(username) from exc
        assert row is not None
        return User(row["id"], username, first_name, last_name, email, is_admin, active)

    async def credentials(self, username: str) -> UserCredentials | None:
        row = await self._db.fetch_one("user_by_username", {"username": username})
        if row is None:
            return None
        return UserCredentials(
            user=_user_from_row(row),
            password_hash=row["password_hash"],
            failed_logins=row["failed_logins"],
            locked_until=row["locked_until"],
            credentials_changed_at=row["credentials_changed_at"],
        )

    async def user(self, user_id: int) -> User | None:
        row = await self._db.fetch_one("user_by_id", {"id": user_id})
        return _user_from_row(row) if row else None

    async def record_login_failure(self, user_id: int, threshold: int, locked_until: float) -> None:
        await self._db.execute(
            "record_login_failure",
            {"id": user_id, "threshold": threshold, "locked_until": locked_until},
        )

    async def reset_login_failures(self, user_id: int) -> None:
        await self._db.execute("reset_login_failures", {"id": user_id})

    async def grant_action(self, user_id: int, agent_name: str, action_name: str) -> None:
        await self._db.execute(
            "insert_grant",
            {"user_id": user_id, "agent_name": agent_name, "action_name": action_name},
        )

    async def action_grants(self, user_id: int) -> frozenset[tuple[str, str]]:
        rows = await self._db.fetch_all("grants_for_user", {"user_id": user_id})
        return frozenset((r["agent_name"], r["action_name"]) for r in rows)

    async def add_session(self, token_hash: str, user_id: int, now: float) -> None:
        await self._db.execute(
            "insert_session", {"token_hash": token_hash, "user_id": user_id, "now": now}
        )

    async def session(self, token_hash: str) -> tuple[SessionRecord, User] | None:
        """The session and its user, in one query: this runs on every request."""
        row = await self._db.fetch_one("session_with_user", {"token_hash": token_hash})
        if row is None:
            return None
        record = SessionRecord(
            token_hash=row["token_hash"],
            user_id=row["id"],
            created_at=row["session_created_at"],
            last_used_at=row["last_used_at"],
        )
        return record, _user_from_row(row)

    async def touch_session(self, token_hash: str, now: float) -> None:
        await self._db.execute("touch_session", {"token_hash": token_hash, "now": now})

    async def delete_session(self, token_hash: str) -> int:
        return await self._db.execute("delete_session", {"token_hash": token_hash})

    async def delete_stale_sessions(self, idle_before: float, created_before: float) -> int:
        return await self._db.execute(
            "delete_stale_sessions",
            {"idle_before": idle_before, "created_before": created_before},
        )

    async def add_chat(self, chat_id: str, user_id: int, now: float) -> None:
        await self._db.execute("insert_chat", {"id": chat_id, "user_id": user_id, "now": now})

    async def chat_owner(self, chat_id: str) -> int | None:
        row = await self._db.fetch_one("chat_by_id", {"id": chat_id})
        return int(row["user_id"]) if row else None
