"""Administration: users and permission sets, through the same service as the API's calls."""

from __future__ import annotations

from starlette.responses import Response

from actionvault.console.web import PREFIX, Page, redirect
from actionvault.domain.principals import SECURITY_PROFILES
from actionvault.errors import InvalidData


async def users_page(page: Page) -> Response:
    users_service = page.services.users
    users, total = await users_service.list_users(1000, 0)
    sets = await users_service.permission_sets(page.user)
    assigned = {u.id: await users_service.user_permission_sets(page.user, u.id) for u in users}
    return page.render(
        "admin.html",
        users=users,
        total=total,
        permission_sets=sets,
        assigned=assigned,
        profiles=sorted(SECURITY_PROFILES),
        agent_actions=[
            f"{agent.name}.{action.name}"
            for agent in page.services.catalog.catalog
            for action in agent.actions
        ],
        message=page.request.query_params.get("done", "")[:200],
    )


async def create_user(page: Page) -> Response:
    sets = tuple(page.form.getlist("permission_sets")) if page.form is not None else ()
    user = await page.services.users.create_user(
        page.user,
        username=page.field("username") or None,
        password=page.field("password") or None,
        first_name=page.field("first_name"),
        last_name=page.field("last_name"),
        email=page.field("email"),
        security_profile=page.field("security_profile") or None,
        permission_sets=tuple(str(s) for s in sets),
    )
    return redirect(f"{PREFIX}/admin?done=Created+{user.username}")


def _user_id(page: Page) -> int:
    raw = page.request.path_params["user_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidData(f"There is no user [{raw[:40]}].")
    return int(raw)


async def set_active(page: Page) -> Response:
    active = page.field("active") == "true"
    user = await page.services.users.update_user(page.user, _user_id(page), active=active)
    verb = "Enabled" if active else "Disabled"
    return redirect(f"{PREFIX}/admin?done={verb}+{user.username}")


async def reset_password(page: Page) -> Response:
    user_id = _user_id(page)
    await page.services.users.set_password(page.user, user_id, page.field("password"))
    user = await page.services.users.user(user_id)
    return redirect(f"{PREFIX}/admin?done=Password+reset+for+{user.username}")


async def save_permission_set(page: Page) -> Response:
    """Create a permission set, or add grants to one: the actions its users may run."""
    chosen = page.form.getlist("actions") if page.form is not None else []
    actions = []
    for value in chosen:
        agent_name, _, action_name = str(value).partition(".")
        if not agent_name or not action_name:
            raise InvalidData(f"[{str(value)[:80]}] is not an agent action.")
        actions.append((agent_name, action_name))
    name = page.field("name")
    await page.services.users.save_permission_set(
        page.user,
        name,
        label=page.field("label"),
        api_access=page.field("api_access") == "true",
        actions=tuple(actions),
    )
    return redirect(f"{PREFIX}/admin?done=Saved+permission+set+{name}")
