"""Users, groups, permission sets, sessions and chats."""

from __future__ import annotations

from actionvault.domain.principals import (
    STANDARD_PROFILE,
    ObjectPermission,
    Permissions,
    SessionRecord,
    SessionWithUser,
    User,
    UserCredentials,
    UserPage,
)
from actionvault.store.database import Database, IntegrityViolation, Row


class DuplicateName(Exception):
    """A user, group or permission set with this name exists already."""


def _user_from_row(row: Row) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=row["email"],
        security_profile=row["security_profile"],
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
        security_profile: str = STANDARD_PROFILE,
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
                    "security_profile": security_profile,
                    "active": active,
                    "now": now,
                },
            )
        except IntegrityViolation as exc:
            raise DuplicateName(username) from exc
        assert row is not None
        return User(row["id"], username, first_name, last_name, email, security_profile, active)

    async def update_user(self, user: User) -> None:
        await self._db.execute(
            "update_user",
            {
                "id": user.id,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "security_profile": user.security_profile,
                "active": user.active,
            },
        )

    async def set_password(self, user_id: int, password_hash: str, now: float) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "set_password", {"id": user_id, "password_hash": password_hash, "now": now}
            )
            await tx.execute("delete_user_sessions", {"user_id": user_id})

    async def end_sessions(self, user_id: int) -> int:
        return await self._db.execute("delete_user_sessions", {"user_id": user_id})

    async def credentials(self, username: str) -> UserCredentials | None:
        row = await self._db.fetch_one("user_by_username", {"username": username})
        if row is None:
            return None
        return UserCredentials(
            user=_user_from_row(row),
            password_hash=row["password_hash"],
            credentials_changed_at=row["credentials_changed_at"],
        )

    async def user(self, user_id: int) -> User | None:
        row = await self._db.fetch_one("user_by_id", {"id": user_id})
        return _user_from_row(row) if row else None

    async def list_users(self, limit: int, offset: int) -> UserPage:
        rows = await self._db.fetch_all("list_users", {"limit": limit, "offset": offset})
        total = await self._db.fetch_one("count_users", {})
        return UserPage([_user_from_row(r) for r in rows], int(total["n"]) if total else 0)

    async def permissions(self, user_id: int) -> Permissions:
        rows = await self._db.fetch_all("user_permissions", {"user_id": user_id})
        grants: set[tuple[str, str]] = set()
        objects: dict[str, ObjectPermission] = {}
        groups: set[int] = set()
        api_access = False
        for row in rows:
            kind = row["kind"]
            if kind == "action":
                grants.add((row["a"], row["b"]))
            elif kind == "object":
                # Several sets may grant the same object: the rights add up.
                held = objects.get(row["a"], ObjectPermission())
                objects[row["a"]] = ObjectPermission(
                    read=held.read or bool(row["r"]),
                    create=held.create or bool(row["c"]),
                    edit=held.edit or bool(row["e"]),
                )
            elif kind == "api":
                api_access = api_access or bool(row["r"])
            elif kind == "group":
                groups.add(int(row["a"]))
        return Permissions(
            api_access=api_access,
            action_grants=frozenset(grants),
            objects=objects,
            group_ids=frozenset(groups),
        )

    async def save_permission_set(
        self, name: str, label: str, api_access: bool, now: float
    ) -> None:
        await self._db.execute(
            "upsert_permission_set",
            {"name": name, "label": label, "api_access": api_access, "now": now},
        )

    async def permission_set_exists(self, name: str) -> bool:
        return await self._db.fetch_one("permission_set_by_name", {"name": name}) is not None

    async def permission_sets(self) -> list[tuple[str, str, bool]]:
        rows = await self._db.fetch_all("list_permission_sets", {})
        return [(r["name"], r["label"], bool(r["api_access"])) for r in rows]

    async def grant_set_action(
        self, permission_set: str, agent_name: str, action_name: str
    ) -> None:
        await self._db.execute(
            "insert_permission_set_action",
            {
                "permission_set": permission_set,
                "agent_name": agent_name,
                "action_name": action_name,
            },
        )

    async def grant_set_object(
        self, permission_set: str, object_name: str, permission: ObjectPermission
    ) -> None:
        await self._db.execute(
            "upsert_permission_set_object",
            {
                "permission_set": permission_set,
                "object_name": object_name,
                "can_read": permission.read,
                "can_create": permission.create,
                "can_edit": permission.edit,
            },
        )

    async def assign_permission_set(self, user_id: int, permission_set: str) -> None:
        await self._db.execute(
            "assign_permission_set", {"user_id": user_id, "permission_set": permission_set}
        )

    async def user_permission_sets(self, user_id: int) -> list[str]:
        rows = await self._db.fetch_all("user_permission_set_names", {"user_id": user_id})
        return [r["permission_set"] for r in rows]

    async def add_group(self, name: str, label: str, now: float) -> int:
        try:
            row = await self._db.fetch_one(
                "insert_group", {"name": name, "label": label, "now": now}
            )
        except IntegrityViolation as exc:
            raise DuplicateName(name) from exc
        assert row is not None
        return int(row["id"])

    async def group_id(self, name: str) -> int | None:
        row = await self._db.fetch_one("group_by_name", {"name": name})
        return int(row["id"]) if row else None

    async def add_group_member(self, group_id: int, user_id: int) -> None:
        await self._db.execute("insert_group_member", {"group_id": group_id, "user_id": user_id})

    async def add_session(self, token_hash: str, user_id: int, now: float) -> None:
        await self._db.execute(
            "insert_session", {"token_hash": token_hash, "user_id": user_id, "now": now}
        )

    async def session(self, token_hash: str) -> SessionWithUser | None:
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
        return SessionWithUser(record, _user_from_row(row))

    async def touch_session(self, token_hash: str, now: float) -> None:
        await self._db.execute("touch_session", {"token_hash": token_hash, "now": now})

    async def delete_session(self, token_hash: str) -> int:
        return await self._db.execute("delete_session", {"token_hash": token_hash})

    async def delete_stale_sessions(self, idle_before: float, created_before: float) -> int:
        return await self._db.execute(
            "delete_stale_sessions",
            {"idle_before": idle_before, "created_before": created_before},
        )
