"""Administration of webhooks: register endpoints, watch their deliveries, redeliver by hand,
through the same service as `/api/{v}/ext/webhooks`."""

from __future__ import annotations

from starlette.responses import Response

from actionvault.console.executions import when
from actionvault.console.web import PREFIX, Page, redirect
from actionvault.domain.events import EventType
from actionvault.domain.ids import format_execution_id
from actionvault.errors import InvalidData


def _webhook_id(page: Page) -> int:
    raw = page.request.path_params["webhook_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidData(f"There is no webhook [{raw[:40]}].")
    return int(raw)


def _types(page: Page) -> list[str]:
    return [str(t) for t in page.form.getlist("event_types")] if page.form is not None else []


async def webhooks_page(page: Page) -> Response:
    webhooks = await page.services.webhooks.all(page.user)
    return page.render(
        "webhooks.html",
        webhooks=webhooks,
        event_types=[t.value for t in EventType],
        agents=sorted(agent.name for agent in page.services.catalog.catalog),
        when=when,
        message=page.request.query_params.get("done", "")[:200],
    )


async def create_webhook(page: Page) -> Response:
    created = await page.services.webhooks.create(
        page.user,
        url=page.field("url") or None,
        event_types=_types(page) or None,
        agent_name=page.field("agent") or None,
        description=page.field("description"),
    )
    # The secret is shown once, on the page that follows, as the API shows it once.
    return page.render("webhook_secret.html", webhook=created, verb="created")


async def webhook_detail(page: Page) -> Response:
    webhook = await page.services.webhooks.get(page.user, _webhook_id(page))
    state = page.request.query_params.get("state") or None
    deliveries = await page.services.webhooks.deliveries(
        page.user, webhook.id, state=state, limit=100
    )
    return page.render(
        "webhook.html",
        webhook=webhook,
        deliveries=deliveries,
        state=state or "",
        execution_id=format_execution_id,
        when=when,
        message=page.request.query_params.get("done", "")[:200],
    )


async def set_enabled(page: Page) -> Response:
    enabled = page.field("enabled") == "true"
    webhook = await page.services.webhooks.update(page.user, _webhook_id(page), enabled=enabled)
    verb = "Enabled" if enabled else "Disabled"
    return redirect(f"{PREFIX}/admin/webhooks/{webhook.id}?done={verb}")


async def rotate_secret(page: Page) -> Response:
    rotated = await page.services.webhooks.rotate_secret(page.user, _webhook_id(page))
    return page.render("webhook_secret.html", webhook=rotated, verb="rotated")


async def delete_webhook(page: Page) -> Response:
    await page.services.webhooks.delete(page.user, _webhook_id(page))
    return redirect(f"{PREFIX}/admin/webhooks?done=Deleted")


async def redeliver(page: Page) -> Response:
    webhook_id = _webhook_id(page)
    raw = page.request.path_params["delivery_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidData(f"There is no delivery [{raw[:40]}].")
    await page.services.webhooks.redeliver(page.user, webhook_id, int(raw))
    return redirect(f"{PREFIX}/admin/webhooks/{webhook_id}?done=Redelivering+{raw}")
