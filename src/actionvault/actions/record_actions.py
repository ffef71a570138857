"""base_object_chat_agent__sys / summarize_record__sys and ask_question__sys on the built-in engine.

A record is already structured, so its offline summary is its fields, readably labelled and
formatted, and a question about it is answered by the fields whose "label: value" line is
nearest the question in meaning (with the packaged embedding models, as documents are) or,
without them, shares most of its words (BM25), cited by field.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from actionvault.actions.ask_document import (
    TextEmbedder,
    answers_by_meaning,
    loaded_models,
    rank_by_meaning,
    require_question,
)
from actionvault.actions.context import ActionContext
from actionvault.domain.content import ObjectRecord
from actionvault.domain.executions import ActionOutput
from actionvault.errors import ActionFailed
from actionvault.text.answer_types import asked_value_kind, fits_value_kind, value_kind
from actionvault.text.passages import (
    Passage,
    Ranked,
    answering_passages,
    rank_passages,
    terms,
)

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


def _answerable_fields(record: ObjectRecord) -> list[tuple[str, str, str]]:
    """(field name, label, value) of what a question may ask: the record's name, type and ID,
    then each field with a value."""
    return [
        ("name__v", "Name", record.name),
        ("object_type__v", "Object type", humanise(record.object_type)),
        ("id", "Record ID", record.id),
        *record_fields(record),
    ]


#: Added to a field's similarity when its value is the kind the question asks for: a date for
#: "when", a number for "how many", yes or no for "is it ...?", a name for "who". A record's
#: fields are short lines on related subjects (a count of visits beside the date of the last
#: one), so the kind of value tells them apart where similarity barely does.
VALUE_KIND_BONUS = 0.1


def find_fields(
    record: ObjectRecord,
    question: str,
    embedder: TextEmbedder | None = None,
    passage_model: TextEmbedder | None = None,
) -> list[tuple[str, Ranked]]:
    """The fields that answer `question`, best first, each as its API name and its ranked
    "label: value" line (none when nothing answers); by meaning with `embedder` (its best few
    re-read by `passage_model`), by shared words without it."""
    fields = _answerable_fields(record)
    passages = [
        Passage(f"{label}: {value}", index, source=f"Field: {label}")
        for index, (_, label, value) in enumerate(fields)
    ]
    if embedder is not None:
        asked = asked_value_kind(question)
        # The name, type and ID are shown as stored (text); a field's kind is its stored value's.
        kinds = [value_kind(shown) for _, _, shown in fields[:3]]
        kinds += [value_kind(record.fields[name]) for name, _, _ in fields[3:]]

        def fitting(passage: Passage) -> float:
            return VALUE_KIND_BONUS if fits_value_kind(asked, kinds[passage.offset]) else 0.0

        ranked = rank_by_meaning(question, passages, embedder, passage_model, bonus=fitting)
        answers = answers_by_meaning(ranked, question)
    else:
        index_texts = [
            f"{label} {name.replace('_', ' ')}: {value}" for name, label, value in fields
        ]
        ranked = rank_passages(question, passages, _record_words(record), index_texts)
        answers = answering_passages(ranked, min_coverage=_MIN_FIELD_COVERAGE)
    return [(fields[a.passage.offset][0], a) for a in answers]


def _record_words(record: ObjectRecord) -> frozenset[str]:
    return _RECORD_WORDS | frozenset(
        w.lower() for w in re.split(r"[\W_]+", f"{record.object_name} {record.name}") if w
    )


def answer_question(
    record: ObjectRecord,
    question: str,
    embedder: TextEmbedder | None = None,
    passage_model: TextEmbedder | None = None,
) -> str:
    """The reply to `question`: the fields that answer it, each cited, or a plain statement
    that none does, listing the fields there are to ask about."""
    described = describe_record(record)
    if not terms(question, _record_words(record)):
        return f"The question has no words to look for in the fields of {described}."
    answers = find_fields(record, question, embedder, passage_model)
    if not answers:
        labels = [label for _, label, _ in _answerable_fields(record)[3:]]
        return (
            f"The record {described} does not appear to answer this question. "
            f"Its fields are: {', '.join(labels) or 'none besides its name'}."
        )
    cited = [f"- {a.passage.text} {a.passage.citation}" for _, a in answers]
    return f"From {described}:\n" + "\n".join(cited)


async def summarize_record(context: ActionContext) -> list[ActionOutput]:
    record = require_record(context, "Summarize Record")
    return [ActionOutput(type="text", value=summarize(record))]


async def ask_record(context: ActionContext) -> list[ActionOutput]:
    question = require_question(context, "Ask a Question")
    record = require_record(context, "Ask a Question")
    embedder, passage_model = await asyncio.to_thread(loaded_models)
    answer = await asyncio.to_thread(answer_question, record, question, embedder, passage_model)
    return [ActionOutput(type="text", value=answer)]
