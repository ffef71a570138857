"""An execution event in the words clients read: the JSON of event streams and webhook payloads.

It lives below the transport because two writers send it, the API's streams and the webhook
dispatcher in the engine, and both must send the same shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from actionvault.domain.events import ExecutionEvent


def event_wire(event: ExecutionEvent) -> dict[str, Any]:
    """An event as clients read it, in the status call's words where they overlap."""
    wire: dict[str, Any] = {
        "id": event.id,
        "type": event.type.value,
        "executionId": event.execution_id,
        "agentAction": f"{event.agent_name}.{event.action_name}",
        "actionStatus": event.type.action_status,
        "attempt": event.attempt,
        "at": datetime.fromtimestamp(event.at, UTC).isoformat(timespec="milliseconds"),
    }
    if event.external_id is not None:
        wire["externalId"] = event.external_id
    if event.chat_id is not None:
        wire["chatId"] = event.chat_id
    target = event.target
    if target.document_id is not None:
        wire["documentId"] = f"{target.document_id}_{target.major}_{target.minor}"
    elif target.record_id is not None:
        wire["object"] = target.object_name
        wire["objecttype"] = target.object_type
        wire["recordId"] = target.record_id
    if event.detail:
        wire["detail"] = event.detail
    return wire
