"""Chat on a document or record: each message is routed to an action, as on the API."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from actionvault.console.documents import MAX_LISTED
from actionvault.console.executions import when
from actionvault.console.web import PREFIX, Page, redirect
from actionvault.domain.executions import TERMINAL_STATES
from actionvault.domain.permissions import object_permission
from actionvault.errors import InvalidData, ParameterRequired
from actionvault.services.executions import ExecuteRequest

#: How often, in seconds, a conversation waiting for its answer asks again.
CHAT_POLL_SECONDS = 2


async def chats_page(page: Page) -> Response:
    chats = await page.services.executions.chats(page.user)
    content = page.services.content
    _, versions = await content.list_documents(
        page.user, limit=MAX_LISTED, offset=0, sort="id desc"
    )
    records = []
    for definition in content.objects:
        if object_permission(page.user, definition.name).read:
            records += await content.records(page.user, definition.name, 200, 0)
    return page.render("chats.html", chats=chats, versions=versions, records=records, when=when)


async def send_message(page: Page) -> Response:
    """Start or continue a conversation; the answer appears on the conversation's page."""
    message = page.field("message")
    if not message:
        raise ParameterRequired("Write a message first.")
    chat_id = page.field("chat_id") or None
    # One choice names the target: `document:ID` or `record:OBJECT/ID`.
    kind, _, chosen = page.field("target").partition(":")
    record = page.field("record") or (chosen if kind == "record" else "")
    object_name, _, record_id = record.partition("/") if record else ("", "", "")
    document_id = page.field("document_id") or (chosen if kind == "document" else "") or None
    if chat_id is None and document_id is None and not record_id:
        raise ParameterRequired("Choose a document or a record to talk about.")
    started = await page.services.executions.execute(
        page.user,
        ExecuteRequest(
            user_message=message,
            chat_id=chat_id,
            document_id=document_id,
            object_name=object_name or None,
            record_id=record_id or None,
            client_id="actionvault-console",
        ),
    )
    if started.chat_id is None:
        raise InvalidData("The message did not start a conversation.")
    return redirect(f"{PREFIX}/chat/{started.chat_id}")


async def conversation(page: Page) -> Response:
    chat, turns = await page.services.executions.chat(
        page.user, page.request.path_params["chat_id"]
    )
    values: dict[str, Any] = {
        "chat": chat,
        "turns": turns,
        "when": when,
        "waiting": any(t.state not in TERMINAL_STATES for t in turns),
        "poll_seconds": CHAT_POLL_SECONDS,
    }
    if page.request.headers.get("hx-request"):
        return page.render("chat_turns.html", **values)
    return page.render("chat.html", **values)


async def delete_conversation(page: Page) -> Response:
    await page.services.executions.delete_chat(page.user, page.request.path_params["chat_id"])
    return redirect(f"{PREFIX}/chat")
