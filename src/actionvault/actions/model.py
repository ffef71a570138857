"""Actions performed by a language model: prompt, context within the model's limits, checked output.

An action with `instructions` runs here when a model provider is configured. Its context (the
document's text with page and heading labels, or the record's fields) is cut into chunks that
fit the model's context window; each chunk gets its own call and the partial answers are
merged by one more call, so nothing is silently truncated. When the action declares an
`output_schema` the answer must be JSON matching it: one repair attempt, then FAILURE with
the reason. Actions on the `model` engine have no offline implementation, so without a
provider they end FAILURE saying how to configure one.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import jsonschema

from actionvault.actions.context import ActionContext, json_output
from actionvault.domain.content import ObjectRecord
from actionvault.domain.executions import ActionOutput
from actionvault.errors import ActionFailed
from actionvault.observability import metrics, tracing
from actionvault.providers.base import (
    Completion,
    CompletionRequest,
    Message,
    ModelLevel,
    ModelProvider,
    ProviderError,
)

#: A rough, vendor-neutral size of a token in characters, used only to plan chunks.
CHARS_PER_TOKEN = 4
_OUTPUT_TOKENS = 1024
_PROMPT_OVERHEAD_TOKENS = 600
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


async def needs_model(context: ActionContext) -> list[ActionOutput]:
    """The `model` engine: a model action, or a FAILURE saying a provider is needed."""
    if context.provider is None:
        raise ActionFailed(
            f"The action {context.execution.agent_action} needs a model provider, and this "
            "server has none configured. Set ACTIONVAULT_PROVIDER_NAME (openai, azure-openai, "
            "anthropic or bedrock) and its key, or run an action that the built-in engine "
            "performs offline, such as quick_check__v.spelling_grammar__v."
        )
    return await run_with_model(context, context.provider)


def _level(context: ActionContext) -> ModelLevel:
    level = context.action.model_level or context.agent.model_level
    return "ADVANCED" if level == "ADVANCED" else "BASIC"


def material(context: ActionContext) -> str:
    """What the model reads, as the action's `context` names it, with citable labels."""
    wanted = context.action.context
    parts: list[str] = []
    document = context.document
    if document is not None and "document_fields" in wanted:
        meta = document.document
        fields = {
            "name__v": meta.name,
            "type__v": meta.type,
            "lifecycle__v": meta.lifecycle,
            "status__v": meta.status,
            "version": document.version_label,
            **meta.fields,
        }
        parts.append("Document fields:\n" + "\n".join(f"{k}: {v}" for k, v in fields.items()))
    if document is not None and "document_text" in wanted:
        parts.append(f"Document: {document.document.name}\n\n{_labelled_text(context)}")
    record = context.record
    if record is not None and "record_fields" in wanted:
        parts.append(_record_text("Record", record))
    if context.related and "related_records" in wanted:
        parts += [_record_text("Related record", r) for r in context.related]
    return "\n\n".join(parts)


def _labelled_text(context: ActionContext) -> str:
    document = context.document
    assert document is not None
    parts: list[str] = []
    last_label = ""
    for segment in document.segments or ():
        label = " / ".join(
            x for x in (
                f"Page {segment.page}" if segment.page else "",
                f"Section: {segment.heading}" if segment.heading else "",
            ) if x
        )  # fmt: skip
        if label and label != last_label:
            parts.append(f"[{label}]")
            last_label = label
        parts.append(document.text[segment.start : segment.end])
    return "\n".join(parts) if parts else document.text


def _record_text(kind: str, record: ObjectRecord) -> str:
    fields = "\n".join(f"{k}: {v}" for k, v in sorted(record.fields.items()))
    heading = f"{kind} {record.id} of {record.object_name} ({record.object_type})"
    return f"{heading}: {record.name}\n{fields}"


def split_chunks(text: str, max_chars: int) -> list[str]:
    """Cut at paragraph, then line, then sentence ends, so no chunk passes `max_chars`."""
    if len(text) <= max_chars:
        return [text]
    chunks: list[str] = []
    rest = text
    while len(rest) > max_chars:
        window = rest[:max_chars]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(". "))
        if cut < max_chars // 2:
            cut = max_chars  # no natural break in the second half: cut hard
        chunks.append(rest[: cut + 1].strip())
        rest = rest[cut + 1 :]
    if rest.strip():
        chunks.append(rest.strip())
    return chunks


def _system(context: ActionContext) -> str:
    schema = context.action.options.get("output_schema")
    parts = [
        context.agent.objective or f"You are {context.agent.label}.",
        f"Task ({context.action.label}): "
        + (context.action.instructions or context.action.description),
        "Work only from the material given. If it does not contain the answer, say so plainly.",
        "Cite where each statement comes from with the [Page N] or [Section: ...] labels, or "
        "the field names of a record.",
    ]
    if schema is not None:
        parts.append(
            "Answer with JSON only, matching this JSON schema: " + json.dumps(schema, indent=None)
        )
    return "\n\n".join(parts)


class _Caller:
    """Calls the provider and meters what it costs."""

    def __init__(self, context: ActionContext, provider: ModelProvider) -> None:
        self.context = context
        self.provider = provider

    async def complete(self, messages: list[Message], schema: dict[str, Any] | None) -> str:
        started = time.monotonic()
        level = _level(self.context)
        try:
            with tracing.span(
                f"model {self.provider.name}",
                kind="client",
                attributes={"gen_ai.system": self.provider.name, "vault.model_level": level},
            ) as current:
                completion: Completion = await self.provider.complete(
                    CompletionRequest(
                        messages=tuple(messages),
                        model_level=level,
                        max_output_tokens=_OUTPUT_TOKENS,
                        json_schema=schema,
                    )
                )
                tracing.set_attributes(
                    current,
                    **{
                        "gen_ai.response.model": completion.model,
                        "gen_ai.usage.input_tokens": completion.input_tokens,
                        "gen_ai.usage.output_tokens": completion.output_tokens,
                    },
                )
        except ProviderError as exc:
            raise ActionFailed(exc.message, "UNEXPECTED_ERROR") from exc
        finally:
            self.context.meter.seconds += time.monotonic() - started
        meter = self.context.meter
        meter.model = completion.model
        meter.calls += 1
        meter.input_tokens += completion.input_tokens
        meter.output_tokens += completion.output_tokens
        metrics.model_call(
            self.provider.name,
            completion.model,
            time.monotonic() - started,
            completion.input_tokens,
            completion.output_tokens,
        )
        if completion.truncated and schema is not None:
            raise ActionFailed(
                "The model's answer was cut off at its output limit before the JSON was "
                "complete; try a smaller document or a model with a larger output limit."
            )
        return completion.text


def _parse_json(text: str) -> Any:
    match = _FENCE.search(text)
    return json.loads(match.group(1) if match else text)


async def _checked(
    caller: _Caller, messages: list[Message], schema: dict[str, Any] | None
) -> str | Any:
    """The answer; with a schema, JSON valid against it after at most one repair."""
    answer = await caller.complete(messages, schema)
    if schema is None:
        return answer.strip()
    problem = ""
    for attempt in range(2):
        try:
            value = _parse_json(answer)
            jsonschema.validate(value, schema)
            return value
        except json.JSONDecodeError as exc:
            problem = f"it is not valid JSON ({exc.msg} at position {exc.pos})"
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
            problem = f"it does not match the schema at {where}: {exc.message}"
        if attempt == 0:
            messages = [
                *messages,
                Message("assistant", answer),
                Message(
                    "user",
                    f"Your answer cannot be used: {problem}. Answer again with JSON only, "
                    "matching the schema exactly.",
                ),
            ]
            answer = await caller.complete(messages, schema)
    raise ActionFailed(f"The model's answer could not be used after one repair attempt: {problem}.")


async def run_with_model(context: ActionContext, provider: ModelProvider) -> list[ActionOutput]:
    schema = context.action.options.get("output_schema")
    caller = _Caller(context, provider)
    system = _system(context)
    question = context.execution.user_message
    level = _level(context)
    budget_tokens = provider.context_tokens(level) - _OUTPUT_TOKENS - _PROMPT_OVERHEAD_TOKENS
    budget_chars = max(budget_tokens, 500) * CHARS_PER_TOKEN - len(system) - len(question or "")
    text = material(context)
    if context.document is not None and not context.document.text.strip():
        raise ActionFailed(
            f"Document {context.document.document.id} version {context.document.version_label} "
            "has no text for the model to read."
        )
    chunks = split_chunks(text, max(budget_chars, 2000))

    earlier: list[Message] = []
    for turn in context.history[-5:]:
        earlier += [Message("user", turn.message), Message("assistant", turn.answer[:2000])]

    def ask(body: str, note: str = "") -> list[Message]:
        prompt = f"{note}{body}"
        if question:
            prompt += f"\n\nThe user asks: {question}"
        return [Message("system", system), *earlier, Message("user", prompt)]

    if len(chunks) == 1:
        await context.report_progress(f"Calling the model ({provider.name})")
        result = await _checked(caller, ask(chunks[0]), schema)
    else:
        partials = []
        # The parts, then the merge: each a model call the client can watch go by.
        steps = len(chunks) + 1
        for number, chunk in enumerate(chunks, start=1):
            await context.report_progress(
                f"Reading part {number} of {len(chunks)} with the model ({provider.name})",
                part=number,
                parts=steps,
            )
            note = f"This is part {number} of {len(chunks)} of the material.\n\n"
            partials.append(await _checked(caller, ask(chunk, note), schema))
        await context.report_progress(
            f"Merging the answers of the {len(chunks)} parts", part=steps, parts=steps
        )
        if schema is not None:
            merged_input = json.dumps(partials, ensure_ascii=False)
        else:
            merged_input = "\n\n---\n\n".join(str(p) for p in partials)
        result = await _checked(
            caller,
            ask(
                merged_input,
                f"These are your answers for each of the {len(chunks)} parts of the material. "
                "Merge them into one answer for the whole, removing repeats.\n\n",
            ),
            schema,
        )
    if schema is not None:
        return [json_output(result if isinstance(result, dict) else {"result": result})]
    return [ActionOutput(type="text", value=str(result))]
