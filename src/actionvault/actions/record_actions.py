"""base_object_chat_agent__sys / summarize_record__sys and ask_question__sys on the built-in engine.

A record is already structured, so its offline summary is its fields, readably labelled and
formatted, and a question about it is answered by the fields whose label or value matches the
question's words (BM25 over "label: value" lines), cited by field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from actionvault.actions.ask_document import require_question
from actionvault.actions.context import ActionContext
from actionvault.domain.content import ObjectRecord
from actionvault.domain.executions import ActionOutput
from actionvault.errors import ActionFailed
from actionvault.text.passages import Passage, answering_passages, rank_passages, terms

_API_SUFFIX_RE = re.compile(r"__[a-z]+$")
_API_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*__[a-z]+$")
_CAPITALISED = {
    "id": "ID", "url": "URL", "ndc": "NDC", "hcp": "HCP", "fda": "FDA", "ema": "EMA",
    "inn": "INN", "api": "API", "sku": "SKU", "uk": "UK", "us": "US", "eu": "EU", "ii": "II",
    "iii": "III", "iv": "IV", "atc": "ATC", "mlr": "MLR", "crm": "CRM",
}  # fmt: skip
# Words that name the record itself rather than one of its fields ("What phase is this study
# in?"); they would otherwise count against every field as unmatched.
_RECORD_WORDS = frozenset({"record", "object", "field", "fields", "value", "values", "item"})
# Fields are a label and a short value, never the verbs around them ("In which countries does
# it run?"), so a field answers with a smaller share of the question's terms than a passage.
_MIN_FIELD_COVERAGE = 0.3


def humanise(name: str) -> str:
    """`therapeutic_area__v` becomes "Therapeutic area", `study_id__c` "Study ID"."""
    words = _API_SUFFIX_RE.sub("", name).replace("_", " ").split()
    if not words:
        return name
    shown = [_CAPITALISED.get(w.lower(), w.lower()) for w in words]
    shown[0] = shown[0][:1].upper() + shown[0][1:]
    return " ".join(shown)


def format_value(value: Any) -> str:
    """Yes/no for booleans, lists joined, picklist names humanised; dates and other text as
    written, because a summary must not restate what the record says."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        parts = (f"{humanise(str(k))}: {format_value(v)}" for k, v in value.items())
        return "; ".join(p for p in parts if not p.endswith(": "))
    if isinstance(value, list | tuple | set | frozenset):
        items = [format_value(v) for v in value]
        return ", ".join(i for i in items if i)
    text = " ".join(str(value).split())
    return humanise(text) if _API_NAME_RE.match(text) else text


def record_fields(record: ObjectRecord) -> list[tuple[str, str, str]]:
    """(field name, label, formatted value) of each field with a value, in stored order."""
    shown = []
    for name, value in record.fields.items():
        formatted = format_value(value)
        if formatted:
            shown.append((name, humanise(name), formatted))
    return shown


def require_record(context: ActionContext, action_label: str) -> ObjectRecord:
    if context.record is None:
        raise ActionFailed(f"{action_label} runs on an object record; none was given.")
    return context.record


def describe_record(record: ObjectRecord) -> str:
    kind = humanise(record.object_name)
    if record.object_type and record.object_type != "base__v":
        kind += f", type {humanise(record.object_type)}"
    return f"{record.name} ({kind} record {record.id})"


def summarize(record: ObjectRecord) -> str:
    lines = [f"Summary of {describe_record(record)}:"]
    fields = record_fields(record)
    if not fields:
        lines.append("The record has no field values besides its name.")
    lines += [f"- {label}: {value}" for _, label, value in fields]
    return "\n".join(lines)


def answer_question(record: ObjectRecord, question: str) -> str:
    fields = [
        ("name__v", "Name", record.name),
        ("object_type__v", "Object type", humanise(record.object_type)),
        ("id", "Record ID", record.id),
        *record_fields(record),
    ]
    passages = [
        Passage(f"{label}: {value}", index, source=f"Field: {label}")
        for index, (_, label, value) in enumerate(fields)
    ]
    index_texts = [f"{label} {name.replace('_', ' ')}: {value}" for name, label, value in fields]
    ignored = _RECORD_WORDS | frozenset(
        w.lower() for w in re.split(r"[\W_]+", f"{record.object_name} {record.name}") if w
    )
    described = describe_record(record)
    if not terms(question, ignored):
        return f"The question has no words to look for in the fields of {described}."
    ranked = rank_passages(question, passages, ignored, index_texts)
    answers = answering_passages(ranked, min_coverage=_MIN_FIELD_COVERAGE)
    if not answers:
        labels = ", ".join(label for _, label, _ in fields[3:]) or "none besides its name"
        return (
            f"The record {described} does not appear to answer this question. "
            f"Its fields are: {labels}."
        )
    cited = [f"- {a.passage.text} {a.passage.citation}" for a in answers]
    return f"From {described}:\n" + "\n".join(cited)


async def summarize_record(context: ActionContext) -> list[ActionOutput]:
    record = require_record(context, "Summarize Record")
    return [ActionOutput(type="text", value=summarize(record))]


async def ask_record(context: ActionContext) -> list[ActionOutput]:
    question = require_question(context, "Ask a Question")
    record = require_record(context, "Ask a Question")
    return [ActionOutput(type="text", value=answer_question(record, question))]
