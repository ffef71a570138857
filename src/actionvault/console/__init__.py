"""The web console at /console: server-rendered pages over the API's services."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actionvault.console import admin, agents, auth, chat, documents, executions, webhooks
from actionvault.console.web import PREFIX, PageFunction, error_page, page, redirect, static_file


async def _home(request: Request) -> Response:
    return redirect(f"{PREFIX}/documents")


async def _not_found(request: Request) -> Response:
    """Under /console a wrong address is a page that says so, not the API's envelope."""
    return error_page(request, 404, "There is no such page in the console.")


def _get(path: str, fn: PageFunction, *, admin_only: bool = False) -> Route:
    return Route(f"{PREFIX}{path}", page(fn, admin=admin_only), methods=["GET"])


def _post(path: str, fn: PageFunction, *, admin_only: bool = False, upload: bool = False) -> Route:
    return Route(f"{PREFIX}{path}", page(fn, admin=admin_only, upload=upload), methods=["POST"])


ROUTES = [
    Route(PREFIX, _home, methods=["GET"]),
    Route(f"{PREFIX}/", _home, methods=["GET"]),
    Route(f"{PREFIX}/static/{{name}}", static_file, methods=["GET"]),
    Route(f"{PREFIX}/sign-in", auth.sign_in_page, methods=["GET"]),
    Route(f"{PREFIX}/sign-in", auth.sign_in, methods=["POST"]),
    _post("/sign-out", auth.sign_out),
    _get("/documents", documents.list_documents),
    _post("/documents", documents.upload_document, upload=True),
    _get("/documents/{document_id}", documents.document_detail),
    _post("/documents/{document_id}/versions", documents.upload_version, upload=True),
    _get("/records", documents.list_records),
    _get("/records/{object_name}/{record_id}", documents.record_detail),
    _post("/run", executions.run_action),
    _get("/executions", executions.list_executions),
    _get("/executions/rows", executions.execution_rows),
    _get("/events", executions.change_stream),
    _get("/executions/{execution_id}", executions.execution_detail),
    _post("/executions/{execution_id}/cancel", executions.cancel_execution),
    _get("/chat", chat.chats_page),
    _post("/chat", chat.send_message),
    _get("/chat/{chat_id}", chat.conversation),
    _post("/chat/{chat_id}/delete", chat.delete_conversation),
    _get("/agents", agents.list_agents),
    _get("/agents/new", agents.edit_agent, admin_only=True),
    _get("/agents/{agent_name}/edit", agents.edit_agent, admin_only=True),
    _post("/agents", agents.save_agent, admin_only=True),
    _get("/admin", admin.users_page, admin_only=True),
    _post("/admin/users", admin.create_user, admin_only=True),
    _post("/admin/users/{user_id}/active", admin.set_active, admin_only=True),
    _post("/admin/users/{user_id}/password", admin.reset_password, admin_only=True),
    _post("/admin/permission-sets", admin.save_permission_set, admin_only=True),
    _get("/admin/webhooks", webhooks.webhooks_page, admin_only=True),
    _post("/admin/webhooks", webhooks.create_webhook, admin_only=True),
    _get("/admin/webhooks/{webhook_id}", webhooks.webhook_detail, admin_only=True),
    _post("/admin/webhooks/{webhook_id}/enabled", webhooks.set_enabled, admin_only=True),
    _post("/admin/webhooks/{webhook_id}/rotate-secret", webhooks.rotate_secret, admin_only=True),
    _post("/admin/webhooks/{webhook_id}/delete", webhooks.delete_webhook, admin_only=True),
    _post(
        "/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
        webhooks.redeliver,
        admin_only=True,
    ),
    Route(f"{PREFIX}/{{rest:path}}", _not_found, methods=["GET", "POST"]),
]

__all__ = ["PREFIX", "ROUTES"]
