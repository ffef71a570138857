"""What an action handler receives: the execution and the content it runs on."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from actionvault.domain.agents import Action, Agent
from actionvault.domain.chats import ChatTurn
from actionvault.domain.content import DocumentVersion, ObjectRecord
from actionvault.domain.executions import ActionOutput, Execution
from actionvault.errors import ActionFailed
from actionvault.providers.base import ModelProvider
from actionvault.text import MAX_FINDINGS
from actionvault.text.html import DocumentText, looks_like_html, mask_markup

T = TypeVar("T")


@dataclass(slots=True)
class UsageMeter:
    """What the model calls of one execution cost; recorded on the execution when it ends."""

    model: str = ""
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0


class ProgressReporter(Protocol):
    """Records a progress event of the running execution (its event stream and webhooks)."""

    async def __call__(
        self, message: str, *, part: int | None = None, parts: int | None = None
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class ActionContext:
    execution: Execution
    agent: Agent
    action: Action
    document: DocumentVersion | None = None
    record: ObjectRecord | None = None
    #: The configured model vendor, or None on the offline built-in engine.
    provider: ModelProvider | None = None
    meter: UsageMeter = field(default_factory=UsageMeter)
    #: Earlier turns of the chat this execution belongs to, oldest first.
    history: tuple[ChatTurn, ...] = ()
    #: The uploaded file itself, for markup formats (HTML, Markdown) whose extracted text has
    #: lost what some checks read: link targets, alt attributes, inline styles.
    source_text: str | None = None
    #: Records the record refers to through its reference fields, those the caller may see.
    related: tuple[ObjectRecord, ...] = ()
    #: Where the action reports how far it has come; None where nobody listens (an engine
    #: process, a test).
    progress: ProgressReporter | None = None

    async def report_progress(
        self, message: str, *, part: int | None = None, parts: int | None = None
    ) -> None:
        if self.progress is not None:
            await self.progress(message, part=part, parts=parts)


def add_capped(
    payload: dict[str, object],
    key: str,
    items: Sequence[T],
    render: Callable[[T], object] = lambda item: item,
) -> None:
    """`payload[key]` (in its place, when the payload has it already): the first MAX_FINDINGS
    items, rendered; past them, `{key}_omitted` counts the rest, so that every report says the
    same way that it was cut."""
    payload[key] = [render(item) for item in items[:MAX_FINDINGS]]
    if len(items) > MAX_FINDINGS:
        payload[f"{key}_omitted"] = len(items) - MAX_FINDINGS


class ActionHandler(Protocol):
    async def __call__(self, context: ActionContext) -> list[ActionOutput]: ...


def json_output(payload: dict[str, Any]) -> ActionOutput:
    """Structured results travel as one text output holding a fenced JSON block, as Vault's do."""
    body = json.dumps(payload, indent=2, ensure_ascii=False)
    return ActionOutput(type="text", value=f"```json\n{body}\n```")


def require_document_text(context: ActionContext, action_label: str) -> DocumentText:
    """The document's text, or a FAILURE a user can act on when there is nothing to read."""
    version = context.document
    if version is None:
        raise ActionFailed(f"{action_label} runs on a document; none was given.")
    if not version.text.strip():
        raise ActionFailed(
            f"Document {version.document.id} version {version.version_label} has no text "
            f"for {action_label} (its file holds no extractable text)."
        )
    raw = context.source_text if context.source_text is not None else version.text
    is_html = looks_like_html(raw, version.mime_type)
    visible = mask_markup(raw) if is_html else raw
    if not visible.strip():
        raise ActionFailed(
            f"Document {version.document.id} version {version.version_label} has markup but "
            f"no visible text for {action_label}."
        )
    return DocumentText(version, raw, visible, is_html)
