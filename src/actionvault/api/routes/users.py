"""Vault's user calls, as a faithful subset: me, list, retrieve, create, update, password."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from actionvault.api.endpoints import RequestContext, endpoint
from actionvault.api.forms import read_fields
from actionvault.api.params import MAX_OFFSET, path_id, whole_number
from actionvault.domain.principals import User
from actionvault.errors import InvalidData, ParameterRequired


def user_fields(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "user_name__v": user.username,
        "user_first_name__v": user.first_name,
        "user_last_name__v": user.last_name,
        "user_email__v": user.email,
        "security_profile__v": user.security_profile,
        "active__v": user.active,
    }


def _user_id(context: RequestContext) -> int:
    return path_id(context.request.path_params["user_id"], "User")


def _flag(value: str | None, name: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InvalidData.for_parameter(name, value, "expected true or false")


async def current_user(context: RequestContext) -> dict[str, Any]:
    return {"users": [{"user": user_fields(context.user.user)}]}


async def list_users(context: RequestContext) -> dict[str, Any]:
    query = context.request.query_params
    limit = whole_number(query, "limit", 200, minimum=1, maximum=1000)
    name = "start" if "start" in query else "offset"
    offset = whole_number(query, name, 0, maximum=MAX_OFFSET)
    users, total = await context.services.users.list_users(limit, offset)
    return {
        "size": len(users),
        "start": offset,
        "limit": limit,
        "total": total,
        "users": [{"user": user_fields(u)} for u in users],
    }


async def retrieve_user(context: RequestContext) -> dict[str, Any]:
    user = await context.services.users.user(_user_id(context))
    return {"users": [{"user": user_fields(user)}]}


async def create_user(context: RequestContext) -> dict[str, Any]:
    async with read_fields(context.request) as (fields, _):
        pass
    sets = tuple(s.strip() for s in fields.get("permission_sets", "").split(",") if s.strip())
    user = await context.services.users.create_user(
        context.user,
        username=fields.get("user_name__v"),
        password=fields.get("password__v"),
        first_name=fields.get("user_first_name__v", ""),
        last_name=fields.get("user_last_name__v", ""),
        email=fields.get("user_email__v", ""),
        security_profile=fields.get("security_profile__v"),
        permission_sets=sets,
    )
    return {"id": user.id}


async def update_user(context: RequestContext) -> dict[str, Any]:
    async with read_fields(context.request) as (fields, _):
        pass
    user = await context.services.users.update_user(
        context.user,
        _user_id(context),
        active=_flag(fields.get("active__v"), "active__v"),
        security_profile=fields.get("security_profile__v"),
        first_name=fields.get("user_first_name__v"),
        last_name=fields.get("user_last_name__v"),
        email=fields.get("user_email__v"),
    )
    return {"id": user.id}


async def change_password(context: RequestContext) -> dict[str, Any]:
    async with read_fields(context.request) as (fields, _):
        pass
    current, new = fields.get("password__v"), fields.get("new_password__v")
    if not current:
        raise ParameterRequired.named("password__v")
    if not new:
        raise ParameterRequired.named("new_password__v")
    await context.services.users.change_own_password(context.user, current, new)
    return {}


_USERS = "/api/{version}/objects/users"
ROUTES = [
    Route(f"{_USERS}/me", endpoint(current_user, ai=False), methods=["GET"]),
    Route(f"{_USERS}/me/password", endpoint(change_password, ai=False), methods=["POST"]),
    Route(_USERS, endpoint(list_users, ai=False), methods=["GET"]),
    Route(_USERS, endpoint(create_user, ai=False), methods=["POST"]),
    Route(f"{_USERS}/{{user_id}}", endpoint(retrieve_user, ai=False), methods=["GET"]),
    Route(f"{_USERS}/{{user_id}}", endpoint(update_user, ai=False), methods=["PUT"]),
]
