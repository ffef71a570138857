"""Run an action, watch the executions list, see one execution's result and cancel it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response, StreamingResponse

from actionvault.console.results import cited_lines, findings_of, marked_text, pretty_json
from actionvault.console.web import PREFIX, Page, redirect
from actionvault.domain.content import DocumentVersion
from actionvault.domain.executions import TERMINAL_STATES, Execution, ExecutionState
from actionvault.errors import ActionVaultError, InvalidData
from actionvault.services.executions import ExecuteRequest

#: How often, in seconds, the live list and a running execution's page ask again by
#: themselves; the event stream refreshes them at once, so this is only a fallback.
POLL_SECONDS = 10


def when(moment: float | None) -> str:
    if moment is None:
        return "–"
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def took(execution: Execution) -> str:
    if execution.started_at is None:
        return "–"
    end = execution.finished_at
    if end is None:
        return "running"
    return f"{end - execution.started_at:.2f} s"


async def _usernames(page: Page, executions: list[Execution]) -> dict[int, str]:
    """Who ran each execution; only administrators see others', so others need no look-up."""
    names = {page.user.user_id: page.user.user.username}
    if page.user.is_admin:
        for user_id in {e.user_id for e in executions} - names.keys():
            try:
                names[user_id] = (await page.services.users.user(user_id)).username
            except ActionVaultError:
                names[user_id] = f"user {user_id}"
    return names


def _filters(page: Page) -> tuple[ExecutionState | None, str | None]:
    query = page.request.query_params
    raw_state = query.get("state") or ""
    state = next((s for s in ExecutionState if s.value == raw_state), None)
    return state, query.get("agent") or None


async def _rows(page: Page) -> dict[str, Any]:
    state, agent = _filters(page)
    executions = await page.services.executions.recent(page.user, state=state, agent_name=agent)
    return {
        "executions": executions,
        "names": await _usernames(page, executions),
        "when": when,
        "took": took,
        "state": state.value if state else "",
        "agent": agent or "",
        "poll_seconds": POLL_SECONDS,
        "query": page.request.url.query,
    }


async def list_executions(page: Page) -> Response:
    agents = sorted(agent.name for agent in page.services.catalog.catalog)
    return page.render(
        "executions.html", **await _rows(page), agents=agents, states=list(ExecutionState)
    )


async def execution_rows(page: Page) -> Response:
    """The list's rows alone: what the page's short polling swaps in."""
    return page.render("execution_rows.html", **await _rows(page))


async def run_action(page: Page) -> Response:
    """Start an action on a document or record, then show its execution."""
    agent_name, action_name = page.field("agent"), page.field("action")
    if ":" in agent_name and not action_name:
        agent_name, _, action_name = agent_name.partition(":")
    record = page.field("record")
    object_name, _, record_id = record.partition("/") if record else ("", "", "")
    request = ExecuteRequest(
        agent_name=agent_name or None,
        action_name=action_name or None,
        user_message=page.field("user_message") or None,
        document_id=page.field("document_id") or None,
        object_name=object_name or None,
        record_id=record_id or None,
        client_id="actionvault-console",
    )
    started = await page.services.executions.execute(page.user, request)
    return redirect(f"{PREFIX}/executions/{started.execution.execution_id}")


async def _document_of(page: Page, execution: Execution) -> DocumentVersion | None:
    target = execution.target
    if target.document_id is None or target.major is None or target.minor is None:
        return None
    try:
        return await page.services.content.version(
            page.user, target.document_id, target.major, target.minor
        )
    except ActionVaultError:
        return None  # the document is no longer visible; the result is still shown


async def _visible_execution(page: Page) -> Execution:
    execution_id = page.request.path_params["execution_id"]
    try:
        return await page.services.executions.status(page.user, execution_id=execution_id)
    except InvalidData:
        shown = execution_id[:40]
        raise InvalidData(f"There is no execution [{shown}] that you may see.") from None


async def execution_detail(page: Page) -> Response:
    execution = await _visible_execution(page)
    document = await _document_of(page, execution)
    text = document.text if document is not None else None
    category = page.request.query_params.get("category") or ""
    outputs = []
    for output in execution.outputs:
        findings = findings_of(output.value)
        shown: dict[str, object] = {"raw": pretty_json(output.value), "type": output.type}
        if findings is not None:
            categories = sorted({f.category for f in findings})
            chosen = [f for f in findings if not category or f.category == category]
            shown.update(
                kind="findings",
                findings=chosen,
                categories=categories,
                pieces=marked_text(text, chosen) if text is not None else [],
            )
        else:
            lines, pieces = cited_lines(output.value, text)
            cited = any(line.anchor for line in lines)
            shown.update(kind="text", lines=lines, pieces=pieces if cited else [])
        outputs.append(shown)
    trail = await page.services.audit.execution_trail(page.user, execution)
    names = await _usernames(page, [execution])
    values: dict[str, Any] = {
        "execution": execution,
        "document": document,
        "outputs": outputs,
        "category": category,
        "trail": trail,
        "names": names,
        "when": when,
        "took": took,
        "running": execution.state not in TERMINAL_STATES,
        "poll_seconds": POLL_SECONDS,
    }
    if page.request.headers.get("hx-request"):
        return page.render("execution_frame.html", **values)
    return page.render("execution.html", **values)


async def cancel_execution(page: Page) -> Response:
    execution = await _visible_execution(page)
    await page.services.executions.cancel(page.user, execution.execution_id)
    return redirect(f"{PREFIX}/executions/{execution.execution_id}")


async def change_stream(page: Page) -> Response:
    """Server-Sent Events telling the pages that executions the user may see changed: the
    executions list refreshes on them, a running execution's page on its own."""
    events = page.services.events
    execution_id = page.request.query_params.get("execution")
    latest = await events.latest_id()
    if execution_id:
        changes = await events.of_execution(page.user, execution_id, latest)
    else:
        changes = events.everything(events.visible_filter(page.user), latest)

    async def body() -> AsyncIterator[bytes]:
        yield b"retry: 3000\n\n"
        async for event in changes:
            if event is None:
                yield b": heartbeat\n\n"
                continue
            data = json.dumps({"executionId": event.execution_id, "type": event.type.value})
            yield f"id: {event.id}\nevent: change\ndata: {data}\n\n".encode()

    response = StreamingResponse(body(), media_type="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    return response
